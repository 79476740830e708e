"""The waste area's figures, defined once: plans (cockpit.area.Plan) of named queries and the pure builds
of their typed results.

The waste page, the overview's waste block, the wall's waste view (and the overview wall's tile) load
these plans, so collected/disposed today, the disposal load, the on-time rate of "不过午、不过夜" and the
other figures have one definition each:

    page:  area.load_many(ctx.start, today=data.today(town), ...)   # queries side by side
    wall:  area.load(area.sequential(run), data.today(town))

Every build accepts None for the rows of a query that failed and then gives None for its figures
(shown as "—"); it never raises. Rates are percentages (0–100), as cockpit.kpi's register shows them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

import pandas as pd

from cockpit import area, kpi
from cockpit.area import Plan, Rows, number
from cockpit.gateway import NOW
from cockpit.waste import rules as wr

COMPLIANCE_KPI = "waste_compliance"


def _rows(df: pd.DataFrame | None) -> pd.DataFrame | None:
    """The rows, or None when the query failed or returned nothing."""
    return None if df is None or df.empty else df


def _sum(df: pd.DataFrame | None, column: str, *, fill: bool = False) -> float | None:
    if df is None or df.empty:
        return None
    values = pd.to_numeric(df[column], errors="coerce")
    return float(values.fillna(0).sum() if fill else values.sum())


# ------------------------------------------------------------------ today: collected, disposed, capacity
@dataclass(frozen=True, eq=False)
class Today:
    """Tonnes collected at drop-off stations and received at disposal sites today (local day, up to now),
    against the disposal sites' design capacity; `load` = disposed ÷ capacity × 100 (KPI waste_load)."""
    collected: float | None
    disposed: float | None
    capacity: float | None
    load: float | None
    by_category: pd.DataFrame | None  # overview.waste_today rows: one per category, for the chart


def build_today(rows: Rows) -> Today:
    df = _rows(rows["today"])
    collected = _sum(df, "collected_tonnes")
    disposed = _sum(df, "disposed_tonnes")
    capacity = _sum(df, "capacity_tonnes_per_day", fill=True)
    load = kpi.percent(disposed, capacity) if disposed is not None and capacity else None
    return Today(collected, disposed, capacity, load, df)


def today(town: str | None) -> Plan[Today]:
    return Plan({"today": ("overview.waste_today", dict(as_of=NOW, town_code=town))}, build_today)


# ------------------------------------------------------------------ "不过午、不过夜": on-time collection
@dataclass(frozen=True, eq=False)
class Compliance:
    """按时清运率 over a period: rounds due (cut-off passed) collected on time ÷ rounds due × 100 (KPI
    waste_compliance), the counts adding up across towns and days; `by_town_day` the
    waste.compliance_by_town rows. A round collected on time before its cut-off is not in the rate yet."""
    rounds_on_time: float | None  # rounds due that were collected on time
    rounds_decided: float | None  # rounds due: their cut-off has passed
    rate: float | None
    station_days_in_breach: float | None  # stations in breach, added up over the days
    by_town_day: pd.DataFrame | None
    rounds_ahead: float | None = None  # collected on time, cut-off still to come (not in the rate yet)

    @property
    def meets_target(self) -> bool | None:
        return kpi.KPIS[COMPLIANCE_KPI].meets_target(self.rate)

    @property
    def trend_rows(self) -> pd.DataFrame | None:
        """The rows for the daily trend: None when no round was due (cut-off passed) in the period."""
        return self.by_town_day if self.rounds_decided else None


def build_compliance(rows: Rows) -> Compliance:
    df = _rows(rows["compliance"])
    on_time = _sum(df, "rounds_on_time")
    decided = _sum(df, "rounds_decided")
    rate = None if df is None else kpi.percent(on_time, decided)
    ahead = _sum(df, "rounds_ahead") if df is not None and "rounds_ahead" in df.columns else None
    return Compliance(on_time, decided, rate, _sum(df, "stations_in_breach"), df, ahead)


def compliance(town: str | None, date_from: dt.date, date_to: dt.date, *, as_of=NOW) -> Plan[Compliance]:
    """The collection rule over local days `date_from`..`date_to` (today alone for the on-time rate today),
    judged at `as_of` (the refresh by default; a week's end for the weekly meeting)."""
    return Plan({"compliance": ("waste.compliance_by_town",
                                dict(as_of=as_of, date_from=date_from, date_to=date_to, town_code=town,
                                     **wr.rule_params()))},
                build_compliance)


@dataclass(frozen=True, eq=False)
class Breaches:
    """Rounds in breach today (missed or late, cut-off passed): KPI waste_breaches."""
    count: int | None
    rows: pd.DataFrame | None


def build_breaches(rows: Rows) -> Breaches:
    df = rows["breaches"]
    return Breaches(None if df is None else len(df), _rows(df))


def breaches(town: str | None) -> Plan[Breaches]:
    return Plan({"breaches": ("waste.breaches_today", dict(as_of=NOW, town_code=town, **wr.rule_params()))},
                build_breaches)


# ------------------------------------------------------------------ the period: shares and tonnes
@dataclass(frozen=True)
class Recycling:
    """Over the chosen period: tonnes collected, the perishable share and 回收利用率 (both × 100)."""
    collected: float | None
    perishable_share: float | None
    recycling_rate: float | None


def build_recycling(rows: Rows) -> Recycling:
    row = area.first(rows["rate"])
    collected = number(row.get("collected_tonnes"))
    if not collected:
        return Recycling(collected, None, None)
    perishable = number(row.get("perishable_tonnes")) or 0.0
    recyclable = number(row.get("recyclable_tonnes")) or 0.0
    share = wr.category_share(perishable, collected)
    rate = wr.recycling_rate(recyclable, perishable, collected)
    return Recycling(collected, None if share is None else 100.0 * share, None if rate is None else 100.0 * rate)


def recycling(town: str | None, date_from: dt.date, date_to: dt.date, *, as_of=NOW) -> Plan[Recycling]:
    return Plan({"rate": ("waste.recycling_rate", dict(as_of=as_of, date_from=date_from, date_to=date_to,
                                                        town_code=town))},
                build_recycling)


@dataclass(frozen=True, eq=False)
class Tonnes:
    """Tonnes collected per day and category, and per town and category, over the chosen period."""
    total: float | None
    daily: pd.DataFrame | None    # None when nothing was collected (the chart's empty state)
    by_town: pd.DataFrame | None  # the chosen town only, when one is chosen


def build_tonnes(rows: Rows, town: str | None = None) -> Tonnes:
    daily = _rows(rows["daily"])
    total = _sum(daily, "tonnes")
    by_town = _rows(rows["by_town"])
    if by_town is not None and town:
        by_town = _rows(by_town[by_town["town_code"] == town])
    return Tonnes(total, daily if total else None, by_town)


def tonnes(town: str | None, date_from: dt.date, date_to: dt.date, *, as_of=NOW) -> Plan[Tonnes]:
    period = dict(as_of=as_of, date_from=date_from, date_to=date_to)
    return Plan({"daily": ("waste.tonnes_daily", dict(period, town_code=town)),
                 "by_town": ("waste.tonnes_by_town", period)},
                partial(build_tonnes, town=town))


# ------------------------------------------------------------------ sites and flows (the map)
@dataclass(frozen=True, eq=False)
class Sites:
    """Every waste site with its tonnes in the period (waste.station_throughput) and the day's flows
    (waste.flows: one row per arc, stage and category)."""
    sites: pd.DataFrame | None
    flows: pd.DataFrame | None


def build_sites(rows: Rows) -> Sites:
    return Sites(_rows(rows["sites"]), _rows(rows["flows"]))


def sites(town: str | None, date_from: dt.date, date_to: dt.date, flow_day: dt.date) -> Plan[Sites]:
    return Plan({"sites": ("waste.station_throughput", dict(as_of=NOW, date_from=date_from, date_to=date_to,
                                                            town_code=town)),
                 "flows": ("waste.flows", dict(as_of=NOW, day=flow_day))},
                build_sites)


@dataclass(frozen=True, eq=False)
class Throughput:
    """The sites that weighed anything in the period (the wall's columns; empty when none did)."""
    sites: pd.DataFrame | None


def build_throughput(rows: Rows) -> Throughput:
    df = _rows(rows["sites"])
    return Throughput(None if df is None else df[pd.to_numeric(df["total_tonnes"]) > 0])


def throughput(town: str | None, date_from: dt.date, date_to: dt.date) -> Plan[Throughput]:
    return Plan({"sites": ("waste.station_throughput", dict(as_of=NOW, date_from=date_from, date_to=date_to,
                                                            town_code=town))},
                build_throughput)


# ------------------------------------------------------------------ disposal, vehicles, attention
@dataclass(frozen=True, eq=False)
class Disposal:
    """Each disposal site's tonnes today against its capacity (waste.disposal_load)."""
    rows: pd.DataFrame | None


def build_disposal(rows: Rows) -> Disposal:
    return Disposal(_rows(rows["load"]))


def disposal() -> Plan[Disposal]:
    return Plan({"load": ("waste.disposal_load", dict(as_of=NOW))}, build_disposal)


@dataclass(frozen=True, eq=False)
class Vehicles:
    """The registered vehicles today and how many are active, idle and offline (cockpit/waste/rules.py)."""
    active: int | None
    idle: int | None
    offline: int | None
    rows: pd.DataFrame | None


def build_vehicles(rows: Rows) -> Vehicles:
    df = _rows(rows["vehicles"])
    if df is None:
        return Vehicles(None, None, None, None)
    states = df["state"].value_counts()
    return Vehicles(int(states.get(wr.ACTIVE, 0)), int(states.get(wr.IDLE, 0)), int(states.get(wr.OFFLINE, 0)), df)


def vehicles(town: str | None) -> Plan[Vehicles]:
    return Plan({"vehicles": ("waste.vehicles_today", dict(as_of=NOW, town_code=town, **wr.vehicle_params()))},
                build_vehicles)


@dataclass(frozen=True, eq=False)
class Attention:
    """Drop-off stations that need attention now: no collection in 24 h, or an unusual weight today."""
    count: int | None
    rows: pd.DataFrame | None


def build_attention(rows: Rows) -> Attention:
    df = rows["attention"]
    return Attention(None if df is None else len(df), _rows(df))


def attention(town: str | None) -> Plan[Attention]:
    return Plan({"attention": ("waste.stations_attention",
                               dict(as_of=NOW, town_code=town, **wr.attention_params()))},
                build_attention)


# ------------------------------------------------------------------ the page's plans, slowest first
def page(town: str | None, date_from: dt.date, date_to: dt.date, day: dt.date,
         flow_day: dt.date) -> dict[str, Plan]:
    """The waste page's plans (load them with `area.load_many(ctx.start, **page(...))`): `day` is today."""
    return {
        "attention": attention(town),
        "compliance": compliance(town, date_from, date_to),
        "sites": sites(town, date_from, date_to, flow_day),
        "today": today(town),
        "recycling": recycling(town, date_from, date_to),
        "compliance_today": compliance(town, day, day),
        "breaches": breaches(town),
        "tonnes": tonnes(town, date_from, date_to),
        "disposal": disposal(),
        "vehicles": vehicles(town),
    }
