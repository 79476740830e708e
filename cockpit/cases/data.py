"""The grid-case figures (网格案件), as plans: the named queries of each figure set and the pure build of
its typed result (see cockpit/area.py).

The cases page, the overview's case block, the wall's cases and overview views all load these plans, so a
figure is computed in one place: the headline counts (`counts`, `overdue`), the KPI rates of a period and
the previous one (`rates`: counts summed over the towns, then divided as cockpit.kpi.case_rates), the
town ranking's inputs, the map's values and the page's sections. Every build accepts None rows (a query
that failed) and then gives None figures (shown as "—") or None frames (shown as the empty state).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Mapping, TypeVar

import pandas as pd

from cockpit import kpi
from cockpit.area import Plan, Rows, first, number
from cockpit.cases import rules
from cockpit.gateway import NOW

T = TypeVar("T")

COUNT_COLUMNS = ("due_close", "closed", "closed_on_time", "due_dispose", "disposed", "disposed_on_time",
                 "reworked", "auto_closed")
# the source→outcome flow's outcomes that are the KPI cards' closed cases (closed_unregistered is in none)
CLOSED_OUTCOMES = ("closed_on_time", "closed_late")
SIDE_COLUMNS = ("reworked", "extended", "deferred", "rejected")
NARROW_NONE = {"area": None, "source_code": None, "category_code": None}


# ------------------------------------------------------------------ results
@dataclass(frozen=True)
class Counts:
    """Valid cases received today, yesterday by this time, this ISO week and this year (local)."""
    received_today: float | None = None
    received_yesterday_by_now: float | None = None
    received_week: float | None = None
    received_year: float | None = None


@dataclass(frozen=True)
class Overdue:
    """Open cases now (not rejected, not deferred), those past their closing deadline, those due within 24 h."""
    open_cases: float | None = None
    overdue_open: float | None = None
    due_within_24h: float | None = None

    @property
    def any_overdue(self) -> bool:
        return (self.overdue_open or 0) > 0


@dataclass(frozen=True)
class Rates:
    """The case KPIs of a period (`current`) and of the previous one (`previous`, {} when not asked),
    each key of cockpit.kpi.case_rates -> value or None; `by_town` the period's per-town counts (the town
    ranking's input) and `side` the period's side paths (reworked, extended, deferred, rejected)."""
    current: Mapping[str, float | None] = field(default_factory=dict)
    previous: Mapping[str, float | None] = field(default_factory=dict)
    by_town: pd.DataFrame | None = None
    side: Mapping[str, int] | None = None

    def get(self, key: str) -> float | None:
        return self.current.get(key)

    def before(self, key: str) -> float | None:
        return self.previous.get(key)


@dataclass(frozen=True)
class FlowTotals:
    closed: int
    auto_closed: int


@dataclass(frozen=True)
class Options:
    """What the page's filters and map drill need before the figures: filter choices and the grids."""
    categories: pd.DataFrame | None
    sources: pd.DataFrame | None
    towns: pd.DataFrame | None
    grid_shapes: pd.DataFrame | None

    @property
    def known_areas(self) -> set[str]:
        if self.grid_shapes is None:
            return set()
        return set(self.grid_shapes["grid_code"]) | set(self.grid_shapes["community_code"])


@dataclass(frozen=True)
class MapRows:
    """The map's inputs: per-grid values, the shapes to colour and (hexagon layer) the density bins."""
    by_grid: pd.DataFrame | None
    shapes: pd.DataFrame | None           # town shapes at city level, else the grid shapes
    bins: pd.DataFrame | None = None


@dataclass(frozen=True)
class Page:
    """Everything the cases page shows below its map."""
    map: MapRows
    rates: Rates
    stage_now: pd.DataFrame | None
    durations: pd.DataFrame | None
    flow: pd.DataFrame | None
    flow_totals: FlowTotals | None
    by_group: Mapping[str, pd.DataFrame | None]     # town | squadron | department -> kpis_by_group rows
    lookups: Mapping[str, pd.DataFrame | None]       # the same keys -> the groups' codes and names
    overdue: pd.DataFrame | None
    by_category: pd.DataFrame | None
    trend: pd.DataFrame | None
    trend_weekly: bool
    pattern: pd.DataFrame | None
    shops: rules.ShopSummary | None


@dataclass(frozen=True)
class OverviewBlock:
    """The overview's case block: headline counts, KPI rates against the previous period, the daily
    trend and the town ranking's inputs (rates.by_town and the towns)."""
    counts: Counts
    overdue: Overdue
    rates: Rates
    daily: pd.DataFrame | None
    towns: pd.DataFrame | None


@dataclass(frozen=True)
class WallCases:
    open_cases: int | None
    overdue: Overdue
    rates: Rates                 # the last 30 days
    bins: pd.DataFrame | None    # the last 7 days' density bins


@dataclass(frozen=True)
class WallOverview:
    counts: Counts
    overdue: Overdue
    rates: Rates                 # the last 30 days
    map: MapRows                 # the last 7 days' cases received per grid


# ------------------------------------------------------------------ composing plans
class _Sub(Mapping):
    def __init__(self, rows: Rows, prefix: str):
        self._rows, self._prefix = rows, prefix + "."

    def __getitem__(self, key: str):
        return self._rows[self._prefix + key]

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0


def _combine(make: Callable[..., T], **plans: Plan) -> Plan[T]:
    """One plan of several: their calls under `name.key`, `make(name=result, ...)` of their results."""
    calls = {f"{name}.{key}": call for name, plan in plans.items() for key, call in plan.calls.items()}

    def build(rows: Rows) -> T:
        return make(**{name: plan.build(_Sub(rows, name)) for name, plan in plans.items()})
    return Plan(calls, build)


def last_days(today: dt.date, days: int) -> dict:
    return {"date_from": today - dt.timedelta(days=days - 1), "date_to": today}


# ------------------------------------------------------------------ pure builds
def build_counts(row: dict) -> Counts:
    return Counts(*(number(row.get(k)) for k in ("received_today", "received_yesterday_by_now", "received_week",
                                                   "received_year")))


def build_overdue(row: dict) -> Overdue:
    return Overdue(*(number(row.get(k)) for k in ("open_cases", "overdue_open", "due_within_24h")))


def rates_total(by_group: pd.DataFrame | None) -> dict[str, float | None]:
    """The case KPIs over all rows of a per-group count frame (counts are summed, then divided); {} when
    there are no rows."""
    if by_group is None or by_group.empty:
        return {}
    return kpi.case_rates({c: float(by_group[c].sum()) for c in COUNT_COLUMNS})


def build_rates(by_town: pd.DataFrame | None, previous: pd.DataFrame | None = None) -> Rates:
    side = None
    if by_town is not None and not by_town.empty:
        side = {c: int(by_town[c].sum()) for c in SIDE_COLUMNS}
    return Rates(rates_total(by_town), rates_total(previous), by_town, side)


def build_flow_totals(flow: pd.DataFrame | None) -> FlowTotals | None:
    if flow is None or flow.empty:
        return None
    closed = flow[flow["outcome"].isin(CLOSED_OUTCOMES)]["cases"].sum()
    return FlowTotals(closed=int(closed), auto_closed=int(flow["auto_closed"].sum()))


def open_total(stage_now: pd.DataFrame | None) -> int | None:
    """Open cases (neither deferred nor rejected), as the overview's open_cases."""
    return None if stage_now is None else int(stage_now["open_cases"].sum())


# ------------------------------------------------------------------ plans
def counts(town_code: str | None, squadron_code: str | None = None, *, as_of=NOW) -> Plan[Counts]:
    return Plan({"counts": ("overview.case_counts", dict(as_of=as_of, town_code=town_code,
                                                         squadron_code=squadron_code))},
                lambda rows: build_counts(first(rows["counts"])))


def overdue(town_code: str | None, squadron_code: str | None = None, *, as_of=NOW) -> Plan[Overdue]:
    return Plan({"overdue": ("overview.case_overdue", dict(as_of=as_of, town_code=town_code,
                                                           squadron_code=squadron_code))},
                lambda rows: build_overdue(first(rows["overdue"])))


def rates(date_from: dt.date, date_to: dt.date, previous: tuple[dt.date, dt.date] | None = None, *,
          town_code: str | None, squadron_code: str | None, area: str | None = None,
          source_code: str | None = None, category_code: str | None = None, as_of=NOW) -> Plan[Rates]:
    """The KPI rates of a period (and of `previous` when given) for the filters, from cases.kpis_by_group
    per town."""
    scope = dict(as_of=as_of, dimension="town", town_code=town_code, squadron_code=squadron_code, area=area,
                 source_code=source_code, category_code=category_code)
    calls = {"by_town": ("cases.kpis_by_group", dict(date_from=date_from, date_to=date_to, **scope))}
    if previous is not None:
        calls["by_town_prev"] = ("cases.kpis_by_group", dict(date_from=previous[0], date_to=previous[1], **scope))
    return Plan(calls, lambda rows: build_rates(rows["by_town"],
                                                rows["by_town_prev"] if previous is not None else None))


def options(town_code: str | None) -> Plan[Options]:
    """The page's filter choices and the grids of the chosen town (for the drill)."""
    return Plan({"categories": ("common.case_categories", {}), "sources": ("common.case_sources", {}),
                 "towns": ("common.towns", {}), "grid_shapes": ("common.grid_shapes", {"town_code": town_code})},
                lambda rows: Options(rows["categories"], rows["sources"], rows["towns"], rows["grid_shapes"]))


def map_rows(date_from: dt.date, date_to: dt.date, *, level: str, town_code: str | None,
             squadron_code: str | None, source_code: str | None, category_code: str | None, hexagons: bool,
             as_of=NOW) -> Plan[MapRows]:
    """The map's values per grid for the period (the map keeps the whole town in view: no area), the
    shapes of its level, and the density bins when the hexagon layer is shown."""
    scope = dict(as_of=as_of, date_from=date_from, date_to=date_to, town_code=town_code,
                 squadron_code=squadron_code, source_code=source_code, category_code=category_code)
    calls = {"by_grid": ("cases.by_grid", scope),
             "shapes": ("common.town_shapes", {}) if level == "city"
             else ("common.grid_shapes", {"town_code": town_code})}
    if hexagons:
        calls["bins"] = ("cases.density_bins", dict(scope, bin_deg=rules.BIN_DEGREES))
    return Plan(calls, lambda rows: MapRows(rows["by_grid"], rows["shapes"], rows["bins"] if hexagons else None))


def page(date_from: dt.date, date_to: dt.date, previous: tuple[dt.date, dt.date], *, town_code: str | None,
         squadron_code: str | None, area: str | None, source_code: str | None, category_code: str | None,
         level: str, hexagons: bool, days: int, today: dt.date, as_of=NOW) -> Plan[Page]:
    """Every figure of the cases page below its filters, for the filters and the map's drill."""
    period = dict(date_from=date_from, date_to=date_to)
    case_scope = dict(town_code=town_code, squadron_code=squadron_code, area=area, source_code=source_code,
                      category_code=category_code)
    kpi_params = dict(as_of=as_of, **period, **case_scope)
    # every query depends on the filters only: started side by side, the slowest first
    slowest = Plan({"durations": ("cases.stage_durations", kpi_params)}, lambda rows: rows["durations"])
    sections = Plan({
        "by_squadron": ("cases.kpis_by_group", dict(dimension="squadron", **kpi_params)),
        "stage_now": ("cases.stage_now", dict(as_of=as_of, **case_scope)),
        "flow": ("cases.source_outcome", kpi_params),
        "by_department": ("cases.kpis_by_group", dict(dimension="department", **kpi_params)),
        "overdue": ("cases.overdue_list", dict(as_of=as_of, horizon_hours=rules.OVERDUE_HORIZON_HOURS,
                                               limit_rows=rules.OVERDUE_LIST_ROWS, **case_scope)),
        "by_category": ("cases.by_category", kpi_params),
        "trend": ("cases.trend", kpi_params),
        "pattern": ("cases.hour_weekday", kpi_params),
        "shops": ("cases.shop_violation_days", dict(as_of=as_of, town_code=town_code,
                                                   reset_days=rules.RESET_AFTER_CLEAN_DAYS)),
        "towns": ("common.towns", {}),
        "squadrons": ("common.squadrons", {}),
        "departments": ("common.departments", {}),
    }, lambda rows: rows)

    def make(slowest: pd.DataFrame | None, map: MapRows, rates: Rates, sections: Rows) -> Page:  # noqa: A002
        flow = sections["flow"]
        shops = sections["shops"]
        trend = sections["trend"]
        return Page(
            map=map, rates=rates, stage_now=sections["stage_now"], durations=slowest, flow=flow,
            flow_totals=build_flow_totals(flow),
            by_group={"town": rates.by_town, "squadron": sections["by_squadron"],
                      "department": sections["by_department"]},
            lookups={"town": sections["towns"], "squadron": sections["squadrons"],
                     "department": sections["departments"]},
            overdue=sections["overdue"], by_category=sections["by_category"],
            trend=None if trend is None or trend["received"].sum() == 0 else trend,
            trend_weekly=rules.trend_is_weekly(days), pattern=sections["pattern"],
            shops=None if shops is None or shops.empty else rules.shop_summary(shops.to_dict("records"), today))

    return _combine(
        make,
        slowest=slowest,
        map=map_rows(date_from, date_to, level=level, town_code=town_code, squadron_code=squadron_code,
                     source_code=source_code, category_code=category_code, hexagons=hexagons, as_of=as_of),
        rates=rates(date_from, date_to, previous, **case_scope, as_of=as_of),
        sections=sections)


def overview(date_from: dt.date, date_to: dt.date, previous: tuple[dt.date, dt.date], *,
             town_code: str | None, squadron_code: str | None, as_of=NOW) -> Plan[OverviewBlock]:
    """The overview page's case block for the filters."""
    return _combine(
        OverviewBlock,
        counts=counts(town_code, squadron_code, as_of=as_of),
        overdue=overdue(town_code, squadron_code, as_of=as_of),
        rates=rates(date_from, date_to, previous, town_code=town_code, squadron_code=squadron_code, as_of=as_of),
        daily=Plan({"daily": ("overview.case_daily", dict(as_of=as_of, date_from=date_from, date_to=date_to,
                                                          town_code=town_code, squadron_code=squadron_code))},
                   lambda rows: rows["daily"]),
        towns=Plan({"towns": ("common.towns", {})}, lambda rows: rows["towns"]))


def wall_cases(town_code: str | None, today: dt.date, *, as_of=NOW) -> Plan[WallCases]:
    """The wall's cases view: open and overdue now, the last 30 days' rates, the last 7 days' density."""
    scope = dict(town_code=town_code, squadron_code=None, **NARROW_NONE)
    recent = last_days(today, rules.WALL_MAP_DAYS)
    return _combine(
        lambda stage, overdue, rates, bins: WallCases(open_total(stage), overdue, rates, bins),
        stage=Plan({"stage": ("cases.stage_now", dict(as_of=as_of, **scope))}, lambda rows: rows["stage"]),
        overdue=overdue(town_code, as_of=as_of),
        rates=rates(**last_days(today, rules.WALL_RATE_DAYS), town_code=town_code, squadron_code=None, as_of=as_of),
        bins=Plan({"bins": ("cases.density_bins", dict(as_of=as_of, **recent, town_code=town_code,
                                                       squadron_code=None, source_code=None, category_code=None,
                                                       bin_deg=rules.BIN_DEGREES))},
                  lambda rows: rows["bins"]))


def wall_overview(town_code: str | None, today: dt.date, *, as_of=NOW) -> Plan[WallOverview]:
    """The case part of the wall's overview view: today's counts, overdue now, the last 30 days' rates
    and the last 7 days' cases per grid for its map."""
    return _combine(
        WallOverview,
        counts=counts(town_code, as_of=as_of),
        overdue=overdue(town_code, as_of=as_of),
        rates=rates(**last_days(today, rules.WALL_RATE_DAYS), town_code=town_code, squadron_code=None, as_of=as_of),
        map=map_rows(**last_days(today, rules.WALL_MAP_DAYS), level="town" if town_code else "city",
                     town_code=town_code, squadron_code=None, source_code=None, category_code=None,
                     hexagons=False, as_of=as_of))
