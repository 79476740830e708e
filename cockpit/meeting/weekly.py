"""周例会 The weekly meeting: ISO weeks, the week's figures per area and their comparisons.

Pure logic (no Streamlit, no database driver): the figures come from named queries through a
`run(name, **params) -> DataFrame | None` callable (the gateway's `execute`, or a page's `ctx.run`),
so the page, the XLSX, the PPTX and the briefing all read the same numbers from one `WeeklyReport`.
Texts (week titles, units, names, changes) are in the current language (`i18n.use` in a page,
`with i18n.language(lang):` in the pack): nothing here takes a language argument but
`WeekError.message`.

Weeks
-----
An ISO week (Monday–Sunday) in Asia/Shanghai, written "2026-W47". A week is judged *as of its end*
(the next Monday 00:00 local): every figure is what was known when the week closed, never "now",
so the same week on the same data always gives the same numbers. Only complete weeks can be
chosen: a week that has not ended yet (the current one or a future one) is refused, as is a
malformed label or a week number the year does not have (W53 exists only in 53-week years).
The default is the last complete week.

Comparisons
-----------
Each headline figure is shown against the week before (环比) and the same ISO week a year earlier
(同比; none when that year has no such week, e.g. W53 after a 52-week year). Counts and tonnes
compare as a relative change in %, rates as a difference in percentage points and the composite
score in points. No base (missing, or a zero count) gives "—".

No data then is not a zero: when the year-earlier week begins before an area's first day of data
(weekly.data_span, per area), its figures are None — shown as "—" with a note saying where the data
begins (tables.year_ago_note) — while a week inside the data with nothing in it shows its real 0.

Escalation (升级督办, ours)
--------------------------
The contract has no escalation flag. The cockpit escalates an overdue open case to the command
centre's weekly list when it is more than ESCALATE_HOURS (72 h, three days) past its closing
deadline, or has been sent back ESCALATE_REWORKS (2) times or more.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd

from cockpit import filters as flt
from cockpit import i18n, kpi
from cockpit.market import data as market_data
from cockpit.parking import data as parking_data
from cockpit.settings import SH
from cockpit.waste import data as waste_data
from cockpit.waste import rules as waste_rules

ESCALATE_HOURS = 72
ESCALATE_REWORKS = 2
TOP_MOVERS = 5
OVERDUE_ROWS = 30
WORST_GRIDS = 3  # the worst grids of each town on its page and slide
AREAS = ("cases", "waste", "parking", "drones", "market")
MOVER_KINDS = ("town", "squadron", "category", "road", "station")
_WEEK_RE = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)

Runner = Callable[..., "pd.DataFrame | None"]


# -- ISO weeks ------------------------------------------------------------------------------------------
class WeekError(ValueError):
    """A week that cannot be chosen; `message()` says why in the current language (or in `lang`)."""

    def __init__(self, code: str, value: str, **details: Any) -> None:
        self.code = code  # malformed | no_such_week | not_ended; the pack's CLI: no_data | before_data | ...
        self.value = value
        self.details = details
        super().__init__(f"{self.message('zh')} / {self.message('en')}")

    def message(self, lang: str | None = None, quote: Callable[[str], str] = str) -> str:
        """Why, in `lang` (default: the current language); `quote` writes the refused value into it
        (markup.escape for a page)."""
        return i18n.t(f"wk_error_{self.code}", lang, value=quote(self.value), **self.details)


# The years an IsoWeek may have: its Monday, its end (the next Monday) and the same week a year earlier
# must all be dates, so week arithmetic never overflows the calendar (date.min 0001-01-01 … 9999-12-31).
FIRST_YEAR, LAST_YEAR = dt.MINYEAR + 1, dt.MAXYEAR - 1


def weeks_in_year(year: int) -> int:
    """52 or 53: the ISO week number of 28 December is the year's last week (0 for a year outside
    FIRST_YEAR … LAST_YEAR, which has no IsoWeek)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return 0
    return dt.date(year, 12, 28).isocalendar().week


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    def __post_init__(self) -> None:
        if not isinstance(self.year, int) or not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise WeekError("malformed", f"{self.year}-W{self.week:02d}")
        if not 1 <= self.week <= weeks_in_year(self.year):
            raise WeekError("no_such_week", f"{self.year}-W{self.week:02d}", weeks=weeks_in_year(self.year))

    @classmethod
    def of(cls, day: dt.date) -> "IsoWeek":
        y, w, _ = day.isocalendar()
        return cls(y, w)

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def start(self) -> dt.date:
        """Monday."""
        return dt.date.fromisocalendar(self.year, self.week, 1)

    @property
    def end(self) -> dt.date:
        """Sunday."""
        return self.start + dt.timedelta(days=6)

    @property
    def as_of(self) -> dt.datetime:
        """The end of the week: the next Monday 00:00, Asia/Shanghai. Every figure is judged here."""
        return dt.datetime.combine(self.start + dt.timedelta(days=7), dt.time(0), tzinfo=SH)

    def previous(self) -> "IsoWeek":
        """The week before (raises WeekError, never OverflowError, before the first week of FIRST_YEAR)."""
        return IsoWeek.of(self.start - dt.timedelta(days=7))

    def year_ago(self) -> "IsoWeek | None":
        """The same ISO week number a year earlier; None when that year has no such week (W53, or a year
        before FIRST_YEAR)."""
        if self.week > weeks_in_year(self.year - 1):
            return None
        return IsoWeek(self.year - 1, self.week)

    def dates_text(self) -> str:
        s, e = self.start, self.end
        if i18n.current() == "zh":
            return f"{s.month}月{s.day}日至{e.month}月{e.day}日"
        return f"{s:%d %b} – {e:%d %b %Y}"

    def title(self) -> str:
        if i18n.current() == "zh":
            return f"{self.year}年第{self.week}周（{self.dates_text()}）"
        return f"Week {self.week} of {self.year} ({self.dates_text()})"

    def __str__(self) -> str:
        return self.label


def last_complete_week(now: dt.datetime) -> IsoWeek:
    """The latest week whose end (next Monday 00:00, Asia/Shanghai) is at or before `now`."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    today = now.astimezone(SH).date()
    return IsoWeek.of(today).previous()


def parse_week(text: str | None, now: dt.datetime) -> IsoWeek:
    """'2026-W47' (also '2026W47', '2026-w7') as an IsoWeek that has ended by `now`; None/'' → the last complete week.

    Raises WeekError for a malformed label, a week number the year lacks, or a week not over yet.
    """
    if text is None or not str(text).strip():
        return last_complete_week(now)
    m = _WEEK_RE.match(str(text))
    if not m:
        raise WeekError("malformed", str(text))
    year, number = int(m.group(1)), int(m.group(2))
    if year < flt.EARLIEST_DATE.year:  # before any valid row (contract: cockpit.earliest_valid_time())
        raise WeekError("malformed", str(text))
    week = IsoWeek(year, number)  # raises no_such_week
    if week.as_of > now:
        raise WeekError("not_ended", week.label, end=f"{week.end:%Y-%m-%d}")
    return week


def recent_weeks(now: dt.datetime, count: int = 60) -> list[IsoWeek]:
    """The last `count` complete weeks, newest first (the page's choices)."""
    week = last_complete_week(now)
    out = []
    for _ in range(count):
        out.append(week)
        week = week.previous()
    return out


# -- comparisons --------------------------------------------------------------------------------------------
def is_missing(value) -> bool:
    """None, NaN or pd.NA: no value."""
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


@dataclass(frozen=True)
class Change:
    """A figure against its base: relative (%) for counts and tonnes, absolute for rates and scores."""

    current: float | None
    base: float | None
    mode: str = "relative"  # relative | points (percentage points) | score (points of a 0–100 score)

    @property
    def delta(self) -> float | None:
        if is_missing(self.current) or is_missing(self.base):
            return None
        if self.mode == "relative":
            return kpi.change_percent(float(self.current), float(self.base))
        return float(self.current) - float(self.base)

    @property
    def arrow(self) -> str:
        d = self.delta
        if d is None:
            return ""
        d = round(d, 1)
        return "↑" if d > 0 else "↓" if d < 0 else "→"

    def text(self) -> str:
        """'↑12.5%', '↓1.2 个百分点', '→0.0%', or '—' when there is no base."""
        d = self.delta
        if d is None:
            return "—"
        magnitude = f"{abs(round(d, 1)):.1f}"
        if self.mode == "relative":
            return f"{self.arrow}{magnitude}%"
        unit = i18n.t("wk_pp" if self.mode == "points" else "wk_points")
        return f"{self.arrow}{magnitude} {unit}"


# -- headline figures ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Metric:
    area: str
    key: str           # key in WeekFigures.values[area]
    kpi_key: str       # definition in cockpit.kpi
    kind: str          # count | tonnes | rate | score
    unit_zh: str
    unit_en: str

    @property
    def mode(self) -> str:
        return {"rate": "points", "score": "score"}.get(self.kind, "relative")

    @property
    def digits(self) -> int:
        return 0 if self.kind == "count" else 1

    def unit(self) -> str:
        return self.unit_zh if i18n.current() == "zh" else self.unit_en

    def name(self) -> str:
        return kpi.KPIS[self.kpi_key].name(i18n.current())

    def rounded(self, value) -> float | int | None:
        """The value as shown everywhere (tables, XLSX, slides, briefing)."""
        if is_missing(value):
            return None
        return int(round(float(value))) if self.kind == "count" else round(float(value), 1)

    def fmt(self, value, unit: bool = True) -> str:
        v = self.rounded(value)
        if v is None:
            return "—"
        text = f"{v:,}" if self.kind == "count" else f"{v:,.1f}"
        if self.kind == "rate":
            return f"{text}%"
        return f"{text} {self.unit()}" if unit else text


METRICS: tuple[Metric, ...] = (
    Metric("cases", "received", "cases_received", "count", "件", "cases"),
    Metric("cases", "closed_in_week", "week_cases_closed", "count", "件", "cases"),
    Metric("cases", "ontime_close_rate", "ontime_close_rate", "rate", "%", "%"),
    Metric("cases", "composite_score", "composite_score", "score", "分", "pts"),
    Metric("cases", "overdue_open", "week_overdue_open", "count", "件", "cases"),
    Metric("cases", "escalated", "week_escalated", "count", "件", "cases"),
    Metric("waste", "tonnes", "week_waste_tonnes", "tonnes", "吨", "t"),
    Metric("waste", "compliance_rate", "week_collection_compliance", "rate", "%", "%"),
    Metric("waste", "recycling_rate", "waste_recycling_rate", "rate", "%", "%"),
    Metric("parking", "violations", "parking_violations", "count", "起", "records"),
    Metric("parking", "reminded", "week_parking_reminders", "count", "条", "SMS"),
    Metric("parking", "persuade_rate", "parking_persuade_rate", "rate", "%", "%"),
    Metric("drones", "sorties", "drone_sorties", "count", "架次", "sorties"),
    Metric("drones", "detections", "week_drone_detections", "count", "个", "detections"),
    Metric("drones", "detections_to_cases", "week_detection_cases", "count", "件", "cases"),
    Metric("market", "received", "week_market_received", "count", "件", "requests"),
    Metric("market", "resolved", "week_market_resolved", "count", "件", "requests"),
    Metric("market", "open_now", "market_open", "count", "件", "requests"),
)
METRIC = {(m.area, m.key): m for m in METRICS}


def _num(value) -> float | None:
    return None if is_missing(value) else float(value)


def _first(df: pd.DataFrame | None) -> dict:
    if df is None or df.empty:
        return {}
    return df.iloc[0].to_dict()


@dataclass
class WeekFigures:
    """One week's figures per area (all from query results), and whether the area had any data."""

    week: IsoWeek
    values: dict[str, dict[str, float | None]]
    has_data: dict[str, bool]
    case_groups: pd.DataFrame = field(default_factory=pd.DataFrame)   # weekly.case_kpis with rates
    waste_categories: pd.DataFrame = field(default_factory=pd.DataFrame)  # tonnes per category
    waste_towns: pd.DataFrame = field(default_factory=pd.DataFrame)   # tonnes and compliance per town
    unavailable: list[str] = field(default_factory=list)              # queries that returned nothing


def case_groups_with_rates(case_kpis: pd.DataFrame | None) -> pd.DataFrame:
    """weekly.case_kpis rows with the standard rates and 综合指标值 (cockpit.kpi) added."""
    if case_kpis is None or case_kpis.empty:
        return pd.DataFrame()
    rows = []
    for r in case_kpis.to_dict("records"):
        rates = kpi.case_rates({c: float(r[c]) for c in ("due_close", "closed", "closed_on_time", "due_dispose",
                                                         "disposed", "disposed_on_time", "reworked", "auto_closed")})
        rows.append({**r, **rates})
    return pd.DataFrame(rows)


def figures_from(week: IsoWeek, *, case_kpis, waste_tonnes, waste_compliance, parking, drones, market,
                 waste_recycling=None, unavailable: list[str] | None = None) -> WeekFigures:
    """A week's figures from the frames of its queries (None where a query gave nothing)."""
    groups = case_groups_with_rates(case_kpis)
    city = groups[groups["level"] == "all"].iloc[0].to_dict() if not groups.empty else {}
    cases = {k: _num(city.get(k)) for k in ("received", "closed_in_week", "ontime_close_rate", "composite_score",
                                            "overdue_open", "escalated", "close_rate", "ontime_dispose_rate",
                                            "rework_rate", "due_close")}
    has_cases = bool(city) and (cases["received"] or 0) + (cases["closed_in_week"] or 0) + (cases["overdue_open"] or 0) > 0

    categories = pd.DataFrame()
    towns = pd.DataFrame()
    tonnes_total = None
    by_cat: dict[str, float] = {}
    if waste_tonnes is not None and not waste_tonnes.empty:
        categories = (waste_tonnes.groupby(["category_code", "category_name_zh", "category_name_en"], as_index=False)
                      [["tonnes", "weighings"]].sum())
        by_cat = dict(zip(categories["category_code"], categories["tonnes"].astype(float)))
        tonnes_total = float(categories["tonnes"].sum())
        towns = (waste_tonnes.groupby(["town_code", "town_name_zh", "town_name_en"], as_index=False)[["tonnes"]].sum())
    # the collection rule over the week: the waste area's one definition (cockpit/waste/data.py)
    rule = waste_data.build_compliance({"compliance": waste_compliance})
    rounds_decided, rounds_on_time = rule.rounds_decided, rule.rounds_on_time
    station_days_breach = rule.station_days_in_breach
    if waste_compliance is not None and not waste_compliance.empty:
        comp = (waste_compliance.groupby("town_code", as_index=False)
                [["rounds_decided", "rounds_on_time", "stations_in_breach"]].sum())
        comp["compliance_rate"] = [
            None if not d else 100.0 * o / d for o, d in zip(comp["rounds_on_time"], comp["rounds_decided"])]
        towns = comp if towns.empty else towns.merge(comp, on="town_code", how="left")
    # 回收利用率: the waste area's one definition (cockpit/waste/data.py `recycling`, query waste.recycling_rate)
    recycling = waste_data.build_recycling({"rate": waste_recycling}).recycling_rate
    waste = {"tonnes": tonnes_total, **{f"tonnes_{c}": by_cat.get(c) for c in waste_rules.CATEGORIES},
             "compliance_rate": rule.rate,
             "recycling_rate": recycling,
             "rounds_decided": rounds_decided, "rounds_on_time": rounds_on_time,
             "station_days_in_breach": station_days_breach}
    has_waste = (tonnes_total or 0) > 0 or (rounds_on_time or 0) > 0

    s = parking_data.build_summary({parking_data.SUMMARY: parking})  # the parking area's one definition
    park = {"violations": s.violations_period, "ecapture": s.ecapture_period, "reminded": s.reminded,
            "left_within_10min": s.left_within_10min, "ticketed": s.ticketed, "persuade_rate": s.persuade_rate}
    has_parking = (park["violations"] or 0) > 0

    d = _first(drones)
    drone = {k: _num(d.get(k)) for k in ("sorties", "distance_km", "flight_hours", "nests_flown", "detections",
                                         "detections_to_cases")}
    has_drones = (drone["sorties"] or 0) + (drone["detections"] or 0) > 0

    k = market_data.Kpis.of(market_data.total_row(market))  # the market area's one definition: no row is zero requests
    mkt = {"received": k.received, "resolved": k.resolved, "open_now": k.open,
           "within_promise_rate": k.within_promise_rate}
    has_market = (mkt["received"] or 0) + (mkt["resolved"] or 0) > 0

    return WeekFigures(
        week=week,
        values={"cases": cases, "waste": waste, "parking": park, "drones": drone, "market": mkt},
        has_data={"cases": has_cases, "waste": has_waste, "parking": has_parking, "drones": has_drones,
                  "market": has_market},
        case_groups=groups, waste_categories=categories, waste_towns=towns,
        unavailable=list(unavailable or []),
    )


def _period(week: IsoWeek) -> dict:
    return {"as_of": week.as_of, "date_from": week.start, "date_to": week.end}


def _call(plan) -> tuple[str, dict]:
    """The one query of an area's plan, as (name, params) for the week's runner."""
    (name, params), = plan.calls.values()
    return name, params


def _escalation() -> dict:
    return {"escalate_hours": ESCALATE_HOURS, "escalate_reworks": ESCALATE_REWORKS}


def load_figures(run: Runner, week: IsoWeek) -> WeekFigures:
    """Run a week's headline queries (each judged at the week's end) and build its figures."""
    missing: list[str] = []

    def q(name: str, **params) -> pd.DataFrame | None:
        try:
            df = run(name, **params)
        except KeyError:  # a query file that is not part of this build
            df = None
        if df is None:
            missing.append(name)
        return df

    def plan(one) -> pd.DataFrame | None:  # an area plan of one query, run by the week's runner
        name, params = _call(one)
        return q(name, **params)

    market = plan(market_data.totals(market_data.Scope(week.start, week.end), as_of=week.as_of))
    return figures_from(
        week,
        case_kpis=q("weekly.case_kpis", as_of=week.as_of, week_start=week.start, **_escalation()),
        waste_tonnes=q("waste.tonnes_by_town", **_period(week)),
        waste_compliance=plan(waste_data.compliance(None, week.start, week.end, as_of=week.as_of)),
        waste_recycling=plan(waste_data.recycling(None, week.start, week.end, as_of=week.as_of)),
        parking=plan(parking_data.summary(week.start, week.end, None, as_of=week.as_of)),
        drones=q("weekly.drone_summary", as_of=week.as_of, week_start=week.start),
        market=market,
        unavailable=missing,
    )


# -- trends: the headline figures of the weeks before, against their targets ---------------------------------
TREND_WEEKS = 12  # the weeks of the trend, ending with the chosen week


def trend_values(row: dict) -> dict[str, dict[str, float | None]]:
    """One week's headline figures from its weekly.trend row, by the areas' own definitions (the same as
    `figures_from` builds from the week's own queries)."""
    n = {k: _num(v) for k, v in row.items() if k not in ("week_start", "judged_at")}
    rates = kpi.case_rates({c: n[c] or 0.0 for c in ("due_close", "closed", "closed_on_time", "due_dispose",
                                                      "disposed", "disposed_on_time", "reworked", "auto_closed")})
    recycled = waste_rules.recycling_rate(n["recycled_tonnes"] or 0.0, 0.0, n["collected_tonnes"] or 0.0)
    park = parking_data.Summary(None, n["violations"], None, n["reminded"], n["left_within_10min"], None)
    market = market_data.Kpis.of({"received": n["market_received"], "resolved": n["market_resolved"],
                                  "open_now": n["market_open"]})
    return {
        "cases": {"received": n["received"], "closed_in_week": n["closed_in_week"],
                  "ontime_close_rate": rates["ontime_close_rate"], "composite_score": rates["composite_score"],
                  "overdue_open": n["overdue_open"], "escalated": n["escalated"]},
        "waste": {"tonnes": n["waste_tonnes"],
                  "compliance_rate": kpi.percent(n["rounds_on_time"] or 0.0, n["rounds_decided"] or 0.0),
                  "recycling_rate": None if recycled is None else 100.0 * recycled},
        "parking": {"violations": n["violations"], "reminded": n["reminded"], "persuade_rate": park.persuade_rate},
        "drones": {"sorties": n["sorties"], "detections": n["detections"],
                   "detections_to_cases": n["detections_to_cases"]},
        "market": {"received": market.received, "resolved": market.resolved, "open_now": market.open},
    }


def trend_rows(df: pd.DataFrame | None) -> pd.DataFrame:
    """weekly.trend as one row per week and headline figure: week (label), area, key, kpi_key, value (as
    shown), target, status (kpi.Kpi.status: green | amber | red | None), oldest week first."""
    cols = ["week", "area", "key", "kpi_key", "value", "target", "status"]
    if df is None or df.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for r in df.to_dict("records"):
        week = IsoWeek.of(pd.Timestamp(r["week_start"]).date())
        values = trend_values(r)
        for m in METRICS:
            value = m.rounded(values[m.area].get(m.key))
            item = kpi.KPIS[m.kpi_key]
            rows.append({"week": week.label, "area": m.area, "key": m.key, "kpi_key": m.kpi_key, "value": value,
                         "target": item.target, "status": item.status(value)})
    return pd.DataFrame(rows, columns=cols, dtype=object)


def trend_params(week: IsoWeek, weeks: int = TREND_WEEKS) -> dict:
    return {"as_of": week.as_of, "week_start": week.start, "weeks": weeks, **_escalation(), **waste_rules.rule_params()}


@dataclass
class WeeklyReport:
    """Everything the meeting shows for one week: three weeks of figures and the week's detail tables."""

    week: IsoWeek
    this: WeekFigures
    previous: WeekFigures
    year_ago: WeekFigures | None
    movers: pd.DataFrame
    parking_roads: pd.DataFrame
    by_town: pd.DataFrame
    overdue_cases: pd.DataFrame
    overdue_holders: pd.DataFrame
    names: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)  # kind → code → (zh, en)
    first_days: dict[str, dt.date | None] = field(default_factory=dict)  # area → its data's first day (data_span)
    trend: pd.DataFrame = field(default_factory=pd.DataFrame)  # trend_rows: TREND_WEEKS weeks to this one
    action_list: pd.DataFrame = field(default_factory=pd.DataFrame)  # weekly.action_list: carried, new, cleared
    overdue_squadrons: pd.DataFrame = field(default_factory=pd.DataFrame)  # weekly.overdue_by_squadron
    by_town_previous: pd.DataFrame = field(default_factory=pd.DataFrame)  # weekly.by_town of the week before
    worst_grids: pd.DataFrame = field(default_factory=pd.DataFrame)  # weekly.worst_grids, WORST_GRIDS a town
    data_as_of: dt.datetime | None = None  # the newest record at the week's end (weekly.data_span last_at)

    @property
    def unavailable(self) -> list[str]:
        return sorted(set(self.this.unavailable))

    def year_ago_before_data(self, area: str) -> bool:
        """No data then: the same week a year earlier begins before the area's first day of data (or the area
        has none), so its figures are no figures — "—", never a zero. False when the span is unknown."""
        if self.year_ago is None or area not in self.first_days:
            return False
        first = self.first_days[area]
        return first is None or self.year_ago.week.start < first

    def value(self, area: str, key: str, which: str = "this"):
        figures = {"this": self.this, "previous": self.previous, "year_ago": self.year_ago}[which]
        if figures is None or (which == "year_ago" and self.year_ago_before_data(area)):
            return None
        return figures.values[area].get(key)

    def change(self, area: str, key: str, against: str = "previous") -> Change:
        metric = METRIC[(area, key)]
        current = metric.rounded(self.value(area, key))
        base = metric.rounded(self.value(area, key, against))
        if against == "year_ago" and self.year_ago is not None and not self.year_ago.has_data[area]:
            base = None  # no data a year earlier is no base, not a zero
        if against == "previous" and not self.previous.has_data[area]:
            base = None
        return Change(current, base, metric.mode)

    def status(self, area: str, key: str) -> str | None:
        """This week's red/amber/green status of a headline figure (kpi.Kpi.status; None without a target)."""
        m = METRIC[(area, key)]
        return kpi.KPIS[m.kpi_key].status(m.rounded(self.value(area, key)))

    def trend_of(self, area: str, key: str) -> pd.DataFrame:
        """One headline figure's trend rows (week, value, target, status), oldest week first."""
        t = self.trend
        if t is None or t.empty:
            return pd.DataFrame(columns=["week", "value", "target", "status"])
        return t[(t["area"] == area) & (t["key"] == key)][["week", "value", "target", "status"]].reset_index(drop=True)

    def name(self, kind: str, code: str) -> str:
        """A town's or squadron's name in the current language (the code when unknown)."""
        pair = self.names.get(kind, {}).get(code, (code, code))
        return pair[0] if i18n.current() == "zh" else pair[1]

    def headlines(self, area: str | None = None) -> pd.DataFrame:
        """The headline table: one row per figure, this week / last week / a year earlier, as shown."""
        rows = []
        for m in METRICS:
            if area is not None and m.area != area:
                continue
            rows.append({
                "area": m.area,
                "key": m.key,
                "kpi_key": m.kpi_key,
                "area_name": i18n.t(f"wk_area_{m.area}"),
                "metric": m.name(),
                "unit": m.unit(),
                "this_week": m.rounded(self.value(m.area, m.key)),
                "previous_week": m.rounded(self.value(m.area, m.key, "previous")),
                "wow": self.change(m.area, m.key).text(),
                "year_ago": m.rounded(self.value(m.area, m.key, "year_ago")),
                "yoy": self.change(m.area, m.key, "year_ago").text(),
                "has_data": self.this.has_data[m.area],
            })
        return pd.DataFrame(rows, dtype=object)  # object: counts stay ints, missing stays None

    def ranking(self, level: str, which: str = "this") -> pd.DataFrame:
        """Towns or squadrons of the week (or of the week before: which="previous") ranked by 综合指标值
        (cases received in the week)."""
        g = (self.this if which == "this" else self.previous).case_groups
        if g.empty:
            return pd.DataFrame()
        g = g[(g["level"] == level) & (g["received"] > 0)].copy()
        if g.empty:
            return pd.DataFrame()
        g["name"] = [self.name(level, c) if c else "—" for c in g["group_code"]]
        g = g.sort_values(["composite_score", "group_code"], ascending=[False, True], na_position="last")
        g.insert(0, "rank", range(1, len(g) + 1))
        out = g[["rank", "group_code", "name", "received", "closed", "ontime_close_rate", "close_rate",
                 "ontime_dispose_rate", "rework_rate", "composite_score", "overdue_open", "escalated"]]
        for col in ("ontime_close_rate", "close_rate", "ontime_dispose_rate", "rework_rate", "composite_score"):
            out[col] = [None if is_missing(v) else round(float(v), 1) for v in out[col]]
        for col in ("received", "closed", "overdue_open", "escalated"):
            out[col] = out[col].astype(int)
        return out.reset_index(drop=True)

    def top_roads(self, n: int = 3) -> pd.DataFrame:
        if self.parking_roads is None or self.parking_roads.empty:
            return pd.DataFrame()
        return self.parking_roads.head(n)


def load_report(run: Runner, week: IsoWeek) -> WeeklyReport:
    """The whole week: its figures, the week before, a year earlier, movers, roads, towns, overdue lists."""
    this = load_figures(run, week)
    previous = load_figures(run, week.previous())
    ago = week.year_ago()
    year_ago = load_figures(run, ago) if ago is not None else None

    def frame(name: str, **params) -> pd.DataFrame:
        try:
            df = run(name, **params)
        except KeyError:
            df = None
        if df is None:
            this.unavailable.append(name)
            return pd.DataFrame()
        return df

    names: dict[str, dict[str, tuple[str, str]]] = {}
    towns = frame("common.towns")
    if not towns.empty:
        names["town"] = {r["town_code"]: (r["name_zh"], r["name_en"]) for r in towns.to_dict("records")}
    span = frame("weekly.data_span", as_of=week.as_of)
    first_days = {} if span.empty else {area: _day(span.iloc[0].get(f"{area}_first_day")) for area in AREAS}
    squadrons = frame("common.squadrons")
    if not squadrons.empty:
        names["squadron"] = {r["squadron_code"]: (r["name_zh"], r["name_en"]) for r in squadrons.to_dict("records")}
    return WeeklyReport(
        week=week, this=this, previous=previous, year_ago=year_ago,
        movers=frame("weekly.movers", as_of=week.as_of, week_start=week.start, top_n=TOP_MOVERS),
        parking_roads=frame("weekly.parking_by_road", as_of=week.as_of, week_start=week.start),
        by_town=frame("weekly.by_town", as_of=week.as_of, week_start=week.start),
        overdue_cases=frame("weekly.overdue_cases", as_of=week.as_of, limit_rows=OVERDUE_ROWS, **_escalation()),
        overdue_holders=frame("weekly.overdue_by_holder", as_of=week.as_of, **_escalation()),
        names=names, first_days=first_days,
        trend=trend_rows(frame("weekly.trend", **trend_params(week))),
        action_list=frame("weekly.action_list", as_of=week.as_of, prev_as_of=week.previous().as_of, **_escalation()),
        overdue_squadrons=frame("weekly.overdue_by_squadron", as_of=week.as_of, **_escalation()),
        by_town_previous=frame("weekly.by_town", as_of=week.previous().as_of, week_start=week.previous().start),
        worst_grids=frame("weekly.worst_grids", as_of=week.as_of, week_start=week.start, top_n=WORST_GRIDS,
                          **_escalation()),
        data_as_of=None if span.empty else _instant(span.iloc[0].get("last_at")),
    )


def _instant(value) -> dt.datetime | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).to_pydatetime().astimezone(SH)


def _day(value) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()
