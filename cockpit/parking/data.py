"""The parking area's (违停) figures, defined once: plans (cockpit.area.Plan) of named queries and the pure
builds of their typed results.

The parking page, the overview's parking block and the wall's parking view load these plans, so the
violations today and in the period, the e-capture share, the reminders, the 劝离率 (cars gone within
10 minutes ÷ reminders), the tickets after a reminder, the first-violation warnings and the rule check
have one definition each:

    page:     area.load(ctx.start, data.page(...))          # the queries side by side
    overview: ctx.start(..., **plan.calls, ...), then plan.build(started)
    wall:     area.load(area.sequential(run), data.wall(town, today))

Every build accepts None for the rows of a query that failed and then gives None for its figures
(shown as "—"); it never raises. Rates are percentages (0–100), as cockpit.kpi's register shows them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

import pandas as pd

from cockpit import kpi
from cockpit.area import Plan, Rows, first, number
from cockpit.gateway import NOW
from cockpit.parking import rules as pr
from cockpit.parking.maps import BIN_DEG

SUMMARY = "parking"   # the summary's call key; the overview starts it among its other queries
TREND_ROADS = 5       # the trend's roads when no road is chosen and there are no capture roads


def _percent(numerator: float | None, denominator: float | None) -> float | None:
    return kpi.percent(numerator or 0.0, denominator or 0.0)


# ------------------------------------------------------------------ summary: today and the period
@dataclass(frozen=True)
class Summary:
    """overview.parking_summary: valid violations today and in the period, of which e-captured,
    reminded, gone within 10 minutes of the reminder, ticketed."""
    violations_today: float | None
    violations_period: float | None
    ecapture_period: float | None
    reminded: float | None
    left_within_10min: float | None
    ticketed: float | None

    @property
    def ecapture_share(self) -> float | None:
        """E-captured ÷ violations in the period (%)."""
        return _percent(self.ecapture_period, self.violations_period)

    @property
    def persuade_rate(self) -> float | None:
        """劝离率 (KPI parking_persuade_rate): gone within 10 minutes ÷ reminded (%)."""
        return _percent(self.left_within_10min, self.reminded)


def build_summary(rows: Rows) -> Summary:
    p = first(rows[SUMMARY])
    return Summary(*(number(p.get(k)) for k in ("violations_today", "violations_period", "ecapture_period",
                                                  "reminded_period", "left_period", "ticketed_period")))


def summary(date_from: dt.date, date_to: dt.date, town: str | None, *, as_of=NOW) -> Plan[Summary]:
    """The period's summary as of now (or as of `as_of`, e.g. the end of a past week for the meeting)."""
    return Plan({SUMMARY: ("overview.parking_summary",
                           dict(as_of=as_of, date_from=date_from, date_to=date_to, town_code=town))}, build_summary)


# ------------------------------------------------------------------ the period's counts (parking.by_hour)
@dataclass(frozen=True)
class Counts:
    """A period's counts summed over parking.by_hour; None each when the query failed.

    `ticketed_after_reminder` (提醒后开单, KPI parking_tickets): tickets at or after the 10-minute wait to
    cars that had not left (cockpit.parking_ticket_after_wait); `warned` (首违警告, KPI parking_warnings):
    first violations in the 180-day window that were warned and not fined, the car not having left
    (cockpit.parking_first_warning)."""
    violations: float | None = None
    reminded: float | None = None
    left_within_10min: float | None = None
    ticketed_after_reminder: float | None = None
    warned: float | None = None

    @property
    def persuade_rate(self) -> float | None:
        """劝离率: cars gone within 10 minutes of the reminder ÷ reminders (%)."""
        return _percent(self.left_within_10min, self.reminded)


COUNT_COLUMNS = ("violations", "reminded", "left_within_10min", "ticketed_after_reminder", "warned")


def counts(by_hour: pd.DataFrame | None) -> Counts:
    if by_hour is None:
        return Counts()
    return Counts(**{c: float(pd.to_numeric(by_hour[c], errors="coerce").fillna(0).sum()) for c in COUNT_COLUMNS})


# ------------------------------------------------------------------ the rule check (parking.rule_check)
@dataclass(frozen=True)
class RuleCheck:
    """How the 10-minute and first-violation rules were applied to the reminded records."""
    reminded: float | None
    ticket_too_early: float | None
    fined_not_due: float | None
    warned_not_due: float | None
    warning_due: float | None
    warned_as_due: float | None
    plate_unknown: float | None


def rule_check(rows: pd.DataFrame | None) -> RuleCheck | None:
    """The check, or None when it failed or there was no reminder to check."""
    r = first(rows)
    if not number(r.get("reminded")):
        return None
    return RuleCheck(*(number(r.get(k)) for k in ("reminded", "ticket_too_early", "fined_not_due", "warned_not_due",
                                                   "warning_due", "warned_as_due", "plate_unknown")))


# ------------------------------------------------------------------ roads
def roads(date_from: dt.date, date_to: dt.date, town: str | None, method: str | None) -> Plan[pd.DataFrame | None]:
    """parking.roads: the strict and capture roads with the period's figures (the road filter's choices)."""
    return Plan({"roads": ("parking.roads", dict(as_of=NOW, date_from=date_from, date_to=date_to, town_code=town,
                                                 method=method, **pr.rule_params()))}, lambda rows: rows["roads"])


def shown_roads(roads: pd.DataFrame | None, road: str | None) -> pd.DataFrame | None:
    """The roads drawn: the chosen one, or all."""
    return roads if roads is None or road is None else roads[roads["road_id"] == road]


def focus_roads(roads: pd.DataFrame | None, town: str | None, road: str | None = None) -> pd.DataFrame | None:
    """The roads the map is centred on: the chosen road or town's, else the capture roads (the city centre)."""
    shown = shown_roads(roads, road)
    if road is None and town is None and roads is not None:
        return roads[roads["has_ecapture"]]
    return shown


def trend_rows(monthly: pd.DataFrame | None, roads: pd.DataFrame | None, road: str | None) -> pd.DataFrame | None:
    """parking.road_monthly for the trend: the chosen road, else the capture roads, else the first roads;
    None when the months did not load or there are none (then no trend is shown)."""
    if monthly is None or monthly.empty or roads is None or roads.empty:
        return None
    chosen = [road] if road else list(roads[roads["has_ecapture"]]["road_id"]) or list(roads["road_id"][:TREND_ROADS])
    return monthly[monthly["road_id"].isin(chosen)]


# ------------------------------------------------------------------ the parking page
@dataclass(frozen=True, eq=False)
class Page:
    """Everything the parking page shows for its filters."""
    now: Counts
    previous: Counts                      # the period before, of the same length (None each when it failed)
    ecapture_share: float | None          # from parking.daily: e-captured ÷ all records (%)
    by_hour: pd.DataFrame | None
    daily: pd.DataFrame | None
    has_daily: bool                       # a record on some day of the period
    bins: pd.DataFrame | None
    supply: pd.DataFrame | None
    supply_spaces: int | None
    hot: pd.DataFrame | None
    trend: pd.DataFrame | None
    rules: RuleCheck | None
    pattern: pd.DataFrame | None
    recent: pd.DataFrame | None
    data_quality: pd.DataFrame | None     # common.data_quality_recent rows of parking_violation, None if none
    roads: pd.DataFrame | None
    shown_roads: pd.DataFrame | None
    focus_roads: pd.DataFrame | None

    @property
    def has_reminders(self) -> bool:
        return bool(self.now.reminded)


def _daily_figures(daily: pd.DataFrame | None) -> tuple[float | None, bool]:
    if daily is None:
        return None, False
    manual = float(pd.to_numeric(daily["manual"], errors="coerce").fillna(0).sum())
    ecapture = float(pd.to_numeric(daily["ecapture"], errors="coerce").fillna(0).sum())
    total = manual + ecapture
    return (100.0 * ecapture / total if total > 0 else None), total > 0


def build_page(rows: Rows, *, roads: pd.DataFrame | None, town: str | None, road: str | None) -> Page:
    daily = rows["daily"]
    ecap, has_daily = _daily_figures(daily)
    supply = rows["supply"]
    dq = rows["dq"]
    bad = None if dq is None else dq[dq["relation_name"] == "parking_violation"]
    return Page(
        now=counts(rows["by_hour"]), previous=counts(rows["by_hour_prev"]), ecapture_share=ecap,
        by_hour=rows["by_hour"], daily=daily, has_daily=has_daily, bins=rows["bins"], supply=supply,
        supply_spaces=None if supply is None or supply.empty else int(supply["spaces"].sum()),
        hot=rows["hot"], trend=trend_rows(rows["monthly"], roads, road), rules=rule_check(rows["rules"]),
        pattern=rows["pattern"], recent=rows["recent"], data_quality=None if bad is None or bad.empty else bad,
        roads=roads, shown_roads=shown_roads(roads, road), focus_roads=focus_roads(roads, town, road))


def page(date_from: dt.date, date_to: dt.date, prev_from: dt.date, prev_to: dt.date, *, town: str | None,
         road: str | None, method: str | None, roads: pd.DataFrame | None, dq_days: int) -> Plan[Page]:
    """The page's queries for its filters (the roads, loaded first for the road filter, are passed in)."""
    period = {"date_from": date_from, "date_to": date_to}
    scope = {"town_code": town, "road_id": road, "method": method}
    return Plan({
        "by_hour": ("parking.by_hour", dict(as_of=NOW, **period, **scope, **pr.rule_params())),
        "by_hour_prev": ("parking.by_hour", dict(as_of=NOW, date_from=prev_from, date_to=prev_to, **scope,
                                                 **pr.rule_params())),
        "daily": ("parking.daily", dict(as_of=NOW, **period, town_code=town, road_id=road)),
        "bins": ("parking.density_bins", dict(as_of=NOW, **period, bin_deg=BIN_DEG, **scope)),
        "supply": ("parking.supply", dict(as_of=NOW, **period, radius_m=pr.SUPPLY_RADIUS_M, town_code=town)),
        "hot": ("parking.hotspots", dict(as_of=NOW, date_to=date_to, **scope)),
        "monthly": ("parking.road_monthly", dict(as_of=NOW, town_code=town)),
        "rules": ("parking.rule_check", dict(as_of=NOW, **period, town_code=town, road_id=road, **pr.rule_params())),
        "pattern": ("parking.hour_weekday", dict(as_of=NOW, **period, **scope)),
        "recent": ("parking.recent", dict(as_of=NOW, **scope, limit_rows=20)),
        "dq": ("common.data_quality_recent", dict(as_of=NOW, days=dq_days)),
    }, partial(build_page, roads=roads, town=town, road=road))


# ------------------------------------------------------------------ the wall's parking view
@dataclass(frozen=True, eq=False)
class Wall:
    """The last 7 days' summary and hotspot map (all methods, all roads) for the wall screen."""
    summary: Summary
    bins: pd.DataFrame | None
    roads: pd.DataFrame | None
    focus_roads: pd.DataFrame | None


def build_wall(rows: Rows, *, town: str | None) -> Wall:
    roads_ = rows["roads"]
    return Wall(build_summary(rows), rows["bins"], roads_, focus_roads(roads_, town))


def wall(town: str | None, date_from: dt.date, date_to: dt.date) -> Plan[Wall]:
    period = {"date_from": date_from, "date_to": date_to}
    return Plan({
        **summary(date_from, date_to, town).calls,
        "bins": ("parking.density_bins", dict(as_of=NOW, **period, bin_deg=BIN_DEG, town_code=town, road_id=None,
                                              method=None)),
        "roads": ("parking.roads", dict(as_of=NOW, **period, town_code=town, method=None, **pr.rule_params())),
    }, partial(build_wall, town=town))
