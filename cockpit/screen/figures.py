"""The big screen's figures: the areas' plans (cockpit/<area>/data.py) and the screen's own live rows (the
events of the ticker, the rows the alarms are judged on), loaded together in one fetch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from cockpit import alarms, area, i18n, wall
from cockpit.area import Plan
from cockpit.cases import data as cases_data
from cockpit.cases import rules as cases_rules
from cockpit.cases import wall as cases_wall
from cockpit.drones import data as drone_data
from cockpit.drones import rules as drone_rules
from cockpit.gateway import NOW
from cockpit.market import data as market_data
from cockpit.parking import data as parking_data
from cockpit.waste import data as waste_data

TREND_DAYS = 7
EVENT_HOURS = 24          # the ticker looks back this far
EVENTS_PER_AREA = 6       # the newest events of each area the ticker may show

# which panel shows which plan's figures (for each panel's own data age)
PANEL_OF_PLAN = {"overdue": "cases", "rates": "cases", "daily": "cases", "sources": "cases",
                 "overdue_towns": "cases", "city": "ranking", "drones": "drones", "nests": "drones",
                 "coverage": "drones", "waste": "waste", "breaches": "waste", "parking": "parking",
                 "market": "market", "oldest": "market", "events": "ticker"}


@dataclass(frozen=True, eq=False)
class Figures:
    counts: cases_data.Counts
    overdue: cases_data.Overdue
    rates: cases_data.Rates               # the last WALL_RATE_DAYS days, as on the wall's case views
    daily: pd.DataFrame | None            # received and closed per day, the last TREND_DAYS days
    ranking: list[tuple[str, float | None]]
    town_name: str | None                 # the screen's town (marked in the ranking), None for the city
    drones: drone_data.Headline
    waste: waste_data.Today
    breaches: waste_data.Breaches
    parking: parking_data.Wall
    market: market_data.Headline
    sources: pd.DataFrame | None = None   # cases reported today by source
    coverage: drone_data.CityCoverage = field(default_factory=drone_data.CityCoverage)
    oldest: pd.DataFrame | None = None    # the longest-open market request (no personal columns used)
    events: pd.DataFrame | None = None    # the ticker's rows (wall.events)
    alarms: tuple[alarms.Alarm, ...] = ()
    town_names: dict[str, str] = field(default_factory=dict)


def _one(name: str, params: dict) -> Plan:
    return Plan({"rows": (name, params)}, lambda rows: rows["rows"])


def plans(town: str | None, today: dt.date) -> dict[str, Plan]:
    """Every plan the screen shows, by panel part; the ranking is always the city's (a town's screen
    marks its own town in it), as are the market's figures (one market)."""
    out = {
        "overdue": cases_data.overdue(town),
        "rates": cases_data.rates(**wall.last_days(today, cases_rules.WALL_RATE_DAYS), town_code=town,
                                  squadron_code=None),
        "daily": cases_wall.daily(town, today, TREND_DAYS),
        "sources": _one("wall.case_sources_today", dict(as_of=NOW, town_code=town)),
        "overdue_towns": _one("wall.overdue_by_town", dict(as_of=NOW)),
        "drones": drone_data.headline(town),
        "nests": _one("drones.nests", dict(as_of=NOW, town_code=town, **drone_rules.nest_params())),
        "coverage": Plan({"coverage": ("drones.coverage_by_town",
                                       dict(as_of=NOW, town_code=town, blind_days=drone_rules.DEFAULT_BLIND_DAYS))},
                         lambda rows: drone_data.city_coverage(rows["coverage"])),
        "waste": waste_data.today(town),
        "breaches": waste_data.breaches(town),
        "parking": parking_data.wall(town, **wall.last_days(today, 7)),
        "market": market_data.headline(**wall.last_days(today, 30)),
        "oldest": _one("market.longest_open", dict(as_of=NOW, dept_code=None, item_group=None,
                                                   with_personal=False, limit_rows=1)),
        "events": _one("wall.events", dict(as_of=NOW, town_code=town, hours=EVENT_HOURS,
                                           per_area=EVENTS_PER_AREA)),
    }
    if town is not None:
        out["city"] = cases_data.rates(**wall.last_days(today, cases_rules.WALL_RATE_DAYS), town_code=None,
                                       squadron_code=None)
    return out


def received_today(sources: pd.DataFrame | None) -> cases_data.Counts:
    """Cases received today, from the sources' counts (the same valid cases reported today up to now as
    overview.case_counts counts, without its week and year: the screen refreshes it on every new case)."""
    if sources is None:
        return cases_data.Counts()
    return cases_data.Counts(received_today=float(pd.to_numeric(sources["cases"]).sum()) if not sources.empty else 0.0)


def load(fetch: area.Fetch, town: str | None, today: dt.date, *,
         down_since: float | Callable[[], float | None] | None = None) -> Figures:
    """The screen's figures, the plans' queries started together through `fetch`; `down_since`: when the
    database became unreachable (the database alarm), None while it answers. A callable is asked after
    the queries ran: a run whose queries found the database gone raises the alarm with the banner that
    the same run shows, not one run later."""
    lang = i18n.current()
    r = area.load_many(fetch, **plans(town, today))
    if callable(down_since):
        down_since = down_since()
    daily, towns = r["daily"]
    by_town = (r["city"] if town is not None else r["rates"]).by_town
    names: dict[str, str] = {}
    if towns is not None and not towns.empty:
        names = {str(k): str(v) for k, v in zip(towns["town_code"], towns["name_zh" if lang == "zh" else "name_en"])}
    town_name = names.get(town) if town is not None else None
    overdue_towns = r["overdue_towns"]
    if town is not None and overdue_towns is not None:
        overdue_towns = overdue_towns[overdue_towns["town_code"] == town]
    breaches = r["breaches"]
    raised = alarms.evaluate(down_since=down_since, nests=r["nests"], overdue_by_town=overdue_towns,
                             breaches=getattr(breaches, "rows", None), market_oldest=r["oldest"],
                             town_names=names, lang=lang)
    return Figures(received_today(r["sources"]), r["overdue"], r["rates"], daily, cases_wall.ranking(by_town, towns), town_name,
                   r["drones"], r["waste"], breaches, r["parking"], r["market"], sources=r["sources"],
                   coverage=r["coverage"], oldest=r["oldest"], events=r["events"], alarms=tuple(raised),
                   town_names=names)


def panel_ages(results, unavailable: dict[str, str], calls: dict[str, tuple[str, dict]]) -> dict[str, float | None]:
    """Per panel: the fetch time of its oldest stale result (it shows that age), or None when all of its
    figures are current. `calls`: the plans' {plan.key: (query name, params)} (query names map to plans)."""
    plan_of_query: dict[str, str] = {}
    for key, (name, _) in calls.items():
        plan_of_query.setdefault(name, key.split(".", 1)[0])
    out: dict[str, float | None] = {}
    for res in results:
        plan = plan_of_query.get(res.name)
        if plan is None or not res.is_stale:
            continue
        panel = PANEL_OF_PLAN.get(plan)
        if panel is not None:
            out[panel] = min(out.get(panel) or res.fetched_at, res.fetched_at)
    for name in unavailable:
        plan = plan_of_query.get(name)
        panel = PANEL_OF_PLAN.get(plan) if plan else None
        if panel is not None and panel not in out:
            out[panel] = None  # no figures at all: the panel says so
    return out
