"""服装城联勤 figure sets: the named queries of each and the pure build of its typed result.

The market page, the overview's market block and the wall's market view load these plans
(`area.load(ctx.start, plan)`, `area.load(area.sequential(run), plan)`), so each figure is computed in one
place: the SQL of queries/market/ counts, the rules of cockpit.market.rules turn counts into KPIs, and a
build only assembles typed results. Every build accepts None for rows whose query failed and then gives
None (shown as "—") or an empty table, never an exception. Frames are None when there is nothing to show,
so a page can hand them to `ui.chart_or_empty` / `ui.table_or_empty` as they are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

import pandas as pd

from cockpit import i18n, places
from cockpit.area import Plan, Rows, first, number
from cockpit.gateway import NOW
from cockpit.market import rules


@dataclass(frozen=True)
class Scope:
    """The market page's filter: a period of local days, optionally one department and one item group."""
    date_from: dt.date
    date_to: dt.date
    dept_code: str | None = None
    item_group: str | None = None

    def params(self, as_of=NOW) -> dict:
        return {"as_of": as_of, "date_from": self.date_from, "date_to": self.date_to,
                "dept_code": self.dept_code, "item_group": self.item_group}

    @property
    def filter(self) -> dict:
        return {"dept_code": self.dept_code, "item_group": self.item_group}


def _name_col() -> str:
    return "name_zh" if i18n.current() == "zh" else "name_en"


def _shown(df: pd.DataFrame | None) -> pd.DataFrame | None:
    return None if df is None or df.empty else df


# ------------------------------------------------------------------ the 28 items and the departments
@dataclass(frozen=True)
class Reference:
    items: pd.DataFrame | None
    departments: pd.DataFrame | None

    def dept_options(self) -> dict[str, str]:
        """Department code -> its name in the current language (the page's department filter)."""
        d = self.departments
        return {} if d is None else dict(zip(d["dept_code"], d[_name_col()]))

    def group_options(self) -> dict[str, str]:
        """Item group -> its label, in list order (the page's item-group filter)."""
        from cockpit.market.charts import label

        groups = [] if self.items is None else list(dict.fromkeys(self.items["group_zh"]))
        return {g: label("group", g) for g in groups}


def _reference(rows: Rows) -> Reference:
    return Reference(rows["items"], rows["departments"])


def reference() -> Plan[Reference]:
    return Plan({"items": ("market.items", {}), "departments": ("market.departments", {})}, _reference)


# ------------------------------------------------------------------ the page's KPIs
@dataclass(frozen=True)
class Kpis:
    """The market KPIs of one period (cockpit.kpi keys `market_*`), from `market.by_group` (dimension 'all'),
    the daily rows and `market.repeat_share` (rules.summary_kpis)."""
    received: float | None = None
    received_today: float | None = None
    open: float | None = None
    waiting: float | None = None
    in_progress: float | None = None
    resolved: float | None = None
    overdue_open: float | None = None
    within_promise_rate: float | None = None
    first_response_hours: float | None = None
    resolution_hours: float | None = None
    satisfaction: float | None = None
    satisfied_rate: float | None = None
    no_trip_share: float | None = None
    repeat_share: float | None = None

    @classmethod
    def of(cls, total: dict | None, daily: pd.DataFrame | None = None, repeat: dict | None = None) -> Kpis:
        k = rules.summary_kpis(total or None, daily, repeat or None)
        return cls(**{f.name: number(k[f"market_{f.name}"]) for f in fields(cls)})


# the counts of market.by_group: a period without requests has no row, and that is zero requests (a failed
# query, None, stays "—")
_COUNTS = ("received", "received_today", "resolved", "open_now", "waiting_now", "in_progress_now", "overdue_now",
           "due", "within_promise", "rated", "satisfied", "satisfaction_points")


def total_row(df: pd.DataFrame | None) -> dict | None:
    """The one `market.by_group` row of dimension 'all': zero counts when the period had no request."""
    if df is None:
        return None
    if df.empty:
        return dict.fromkeys(_COUNTS, 0)
    return first(df)


def _totals(rows: Rows) -> Kpis:
    return Kpis.of(total_row(rows["total"]))


def totals(scope: Scope, as_of=NOW) -> Plan[Kpis]:
    """The period's KPIs from `market.by_group` alone (no daily rows, no repeat share): what a report of one
    period (e.g. the weekly meeting's received, resolved, open and within-promise rate) needs."""
    return Plan({"total": ("market.by_group", {"dimension": "all", **scope.params(as_of)})}, _totals)


@dataclass(frozen=True)
class Summary:
    now: Kpis
    previous: Kpis                      # the previous period of the same length
    waiting_absent: float | None        # requests waiting for a department not on site today
    data_quality: pd.DataFrame | None   # requests left out, by issue (market.data_quality)


def _summary(rows: Rows) -> Summary:
    duty = rows["duty"]
    return Summary(
        now=Kpis.of(total_row(rows["total"]), rows["daily"], first(rows["repeat"])),
        previous=Kpis.of(total_row(rows["total_prev"])),
        waiting_absent=None if duty is None else float(rules.waiting_for_absent(duty)),
        data_quality=_shown(rows["data_quality"]))


def summary(scope: Scope, previous_from: dt.date, previous_to: dt.date, as_of=NOW) -> Plan[Summary]:
    base = scope.params(as_of)
    prev = {**base, "date_from": previous_from, "date_to": previous_to}
    return Plan({
        "total": ("market.by_group", {"dimension": "all", **base}),
        "total_prev": ("market.by_group", {"dimension": "all", **prev}),
        "daily": ("market.daily", base),
        "repeat": ("market.repeat_share", base),
        "duty": ("market.duty_today", {"as_of": as_of}),
        "data_quality": ("market.data_quality", {}),
    }, _summary)


# ------------------------------------------------------------------ trend and channels
@dataclass(frozen=True)
class Trend:
    daily: pd.DataFrame | None        # market.daily; None when nothing was received or resolved
    by_channel: pd.DataFrame | None   # market.by_group by channel; None when nothing was received


def _trend(rows: Rows) -> Trend:
    daily, channel = rows["daily"], rows["by_channel"]
    if daily is not None and daily["received"].sum() + daily["resolved"].sum() == 0:
        daily = None
    if channel is not None and channel["received"].sum() == 0:
        channel = None
    return Trend(_shown(daily), _shown(channel))


def trend(scope: Scope, as_of=NOW) -> Plan[Trend]:
    base = scope.params(as_of)
    return Plan({"daily": ("market.daily", base),
                 "by_channel": ("market.by_group", {"dimension": "channel", **base})}, _trend)


# ------------------------------------------------------------------ the map: zones and the streets around
@dataclass(frozen=True)
class Surroundings:
    zones: pd.DataFrame | None     # requests per zone (market.zones)
    context: pd.DataFrame | None   # parking and street-order bins around the market (market.context_nearby)
    radius_m: float = rules.CONTEXT_RADIUS_M


def _surroundings(rows: Rows) -> Surroundings:
    return Surroundings(rows["zones"], rows["context"])


def surroundings(scope: Scope, as_of=NOW) -> Plan[Surroundings]:
    return Plan({
        "zones": ("market.zones", scope.params(as_of)),
        "context": ("market.context_nearby", {
            "as_of": as_of, "date_from": scope.date_from, "date_to": scope.date_to,
            "centre_lat": places.CLOTHING_CITY.lat, "centre_lon": places.CLOTHING_CITY.lon,
            "radius_m": rules.CONTEXT_RADIUS_M, "bin_deg": rules.CONTEXT_BIN_DEG,
            "case_major_code": rules.STREET_ORDER_MAJOR}),
    }, _surroundings)


# ------------------------------------------------------------------ speed by item and by department
@dataclass(frozen=True)
class Speed:
    by_item: pd.DataFrame | None         # every item of the (chosen group of the) list, zero where none was asked
    by_department: pd.DataFrame | None   # every (chosen) department, likewise


def _speed(scope: Scope):
    def build(rows: Rows) -> Speed:
        items, departments = rows["items"], rows["departments"]
        by_item = by_dept = None
        if items is not None:
            reference = items[[c for c in items.columns if c != "dept_code"]]
            if scope.item_group:
                reference = reference[reference["group_zh"] == scope.item_group]
            by_item = rules.group_table(rows["by_item"], reference, key="item_code")
        if departments is not None:
            reference = (departments if scope.dept_code is None
                         else departments[departments["dept_code"] == scope.dept_code])
            by_dept = rules.group_table(rows["by_department"], reference, key="dept_code")
        return Speed(_shown(by_item), _shown(by_dept))
    return build


def speed(scope: Scope, as_of=NOW) -> Plan[Speed]:
    base = scope.params(as_of)
    return Plan({"items": ("market.items", {}), "departments": ("market.departments", {}),
                 "by_item": ("market.by_group", {"dimension": "item", **base}),
                 "by_department": ("market.by_group", {"dimension": "department", **base})}, _speed(scope))


# ------------------------------------------------------------------ the longest-open requests
@dataclass(frozen=True)
class LongestOpen:
    rows: pd.DataFrame | None          # personal columns as the viewer may see them (rules.present_personal)
    departments: pd.DataFrame | None
    note_key: str                      # the text key that says how personal data is shown


def _longest_open(personal: str):
    def build(rows: Rows) -> LongestOpen:
        found = rows["longest"]
        shown = None if found is None or found.empty else rules.present_personal(found, personal)
        note = ("mk_personal_full" if personal == "full" else
                "mk_personal_masked" if shown is not None and "merchant_name" in shown.columns
                else "mk_personal_hidden")
        return LongestOpen(shown, rows["departments"], note)
    return build


def masked(longest: LongestOpen) -> LongestOpen:
    """The same requests with names and phones masked: what a page shows when the audit log cannot record
    a view of them in full."""
    if longest.rows is None or longest.note_key != "mk_personal_full":
        return longest
    return LongestOpen(rules.present_personal(longest.rows, "masked"), longest.departments, "mk_personal_masked")


def personal_shown(longest: LongestOpen) -> int:
    """How many requests show a name or phone in full (0 unless the viewer may see them)."""
    if longest.rows is None or longest.note_key != "mk_personal_full":
        return 0
    return len(longest.rows)


def longest_open(scope: Scope, personal: str, as_of=NOW) -> Plan[LongestOpen]:
    """`personal`: the viewer's identity.HIDDEN, MASKED or FULL (ui.personal_data) ('hidden' asks the SQL for no names or phones)."""
    return Plan({"longest": ("market.longest_open", {"as_of": as_of, **scope.filter,
                                                     "with_personal": personal != "hidden",
                                                     "limit_rows": rules.LONGEST_OPEN_ROWS}),
                 "departments": ("market.departments", {})}, _longest_open(personal))


# ------------------------------------------------------------------ who is on duty
@dataclass(frozen=True)
class Duty:
    today: pd.DataFrame | None     # market.duty_today
    waiting_absent: int            # requests waiting for a department not on site today
    roster: pd.DataFrame           # department x day of modes ('' when not on site); empty when unknown
    departments: pd.DataFrame | None


def _duty(rows: Rows) -> Duty:
    today = rows["duty"]
    return Duty(_shown(today), rules.waiting_for_absent(today), rules.roster_matrix(rows["roster"]),
                rows["departments"])


def duty(as_of=NOW) -> Plan[Duty]:
    return Plan({"duty": ("market.duty_today", {"as_of": as_of}),
                 "roster": ("market.duty_roster", {"as_of": as_of, "days": rules.ROSTER_DAYS}),
                 "departments": ("market.departments", {})}, _duty)


# ------------------------------------------------------------------ outcomes, ratings, repeat stalls
@dataclass(frozen=True)
class Outcomes:
    outcomes: pd.DataFrame | None        # requests per resolution type
    scores: pd.DataFrame | None          # requests per rating 1..5; None when none was rated
    repeat_stalls: pd.DataFrame | None   # stalls with REPEAT_MIN_REQUESTS or more requests


def _outcomes(rows: Rows) -> Outcomes:
    scores = rows["scores"]
    if scores is not None and scores["requests"].sum() == 0:
        scores = None
    return Outcomes(_shown(rows["outcomes"]), _shown(scores), _shown(rows["stalls"]))


def outcomes(scope: Scope, as_of=NOW) -> Plan[Outcomes]:
    base = scope.params(as_of)
    return Plan({"outcomes": ("market.outcomes", base), "scores": ("market.satisfaction", base),
                 "stalls": ("market.repeat_stalls", {**base, "min_requests": rules.REPEAT_MIN_REQUESTS,
                                                     "limit_rows": rules.LONGEST_OPEN_ROWS})}, _outcomes)


# ------------------------------------------------------------------ IP protection by month
@dataclass(frozen=True)
class Ip:
    monthly: pd.DataFrame | None   # market.ip_monthly; None when nothing was received or resolved


def _ip(rows: Rows) -> Ip:
    ip = rows["ip"]
    if ip is not None and ip["received"].sum() + ip["resolved"].sum() == 0:
        ip = None
    return Ip(_shown(ip))


def ip(as_of=NOW) -> Plan[Ip]:
    return Plan({"ip": ("market.ip_monthly", {"as_of": as_of, "months": rules.IP_MONTHS,
                                              "item_group": rules.IP_GROUP})}, _ip)


# ------------------------------------------------------------------ the headline (overview, wall)
@dataclass(frozen=True)
class Headline:
    """The overview's market block and the wall's tiles: open now, received and resolved in the period,
    the average rating of the period's resolved requests (overview.market_summary)."""
    open: float | None = None
    received: float | None = None
    resolved: float | None = None
    satisfaction: float | None = None


def _headline(rows: Rows) -> Headline:
    m = first(rows["market"])
    return Headline(number(m.get("open_requests")), number(m.get("received_period")),
                    number(m.get("resolved_period")), number(m.get("satisfaction_avg")))


def headline(date_from: dt.date, date_to: dt.date, as_of=NOW) -> Plan[Headline]:
    """One call, keyed `market`, so that a page may start it with its other queries (`ctx.start(**plan.calls)`)."""
    return Plan({"market": ("overview.market_summary", {"as_of": as_of, "date_from": date_from,
                                                        "date_to": date_to})}, _headline)
