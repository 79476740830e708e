"""The cases view of the wall screen (cockpit/wall.py holds the options, rotation and view types)."""

from __future__ import annotations

import datetime as dt
from typing import Callable

from cockpit import kpi, maps
from cockpit.cases import charts
from cockpit.gateway import NOW
from cockpit.wall import Runner, Tile, View, case_rates, first, fmt, last_days, rate_state, town_view


def build(run: Runner, t: Callable[[str], str], town: str | None, today: dt.date, lang: str) -> View:
    scope = {"town_code": town, "squadron_code": None, "area": None, "source_code": None, "category_code": None}
    stage = run("cases.stage_now", as_of=NOW, **scope)
    overdue = first(run("overview.case_overdue", as_of=NOW, town_code=town, squadron_code=None))
    by_town = run("cases.kpis_by_group", as_of=NOW, **last_days(today, 30), town_code=town,
                  squadron_code=None, **charts.BY_TOWN)
    totals = case_rates(by_town)
    open_cases = None if stage is None else int(stage["open_cases"].sum())
    view = View("cases", t("wall_cases"), [
        Tile(t("wall_open_cases"), fmt(open_cases, t("cases_unit"))),
        Tile(t("wall_overdue"), fmt(overdue.get("overdue_open"), t("cases_unit")),
             t("due_24h", n=fmt(overdue.get("due_within_24h"))),
             "bad" if (overdue.get("overdue_open") or 0) > 0 else "good"),
        Tile(kpi.KPIS["ontime_dispose_rate"].name(lang), fmt(totals.get("ontime_dispose_rate"), "%", 1),
             t("wall_last_30d"), rate_state("ontime_dispose_rate", totals.get("ontime_dispose_rate"))),
        Tile(kpi.KPIS["close_rate"].name(lang), fmt(totals.get("close_rate"), "%", 1), t("wall_last_30d"),
             rate_state("close_rate", totals.get("close_rate"))),
    ])
    bins = run("cases.density_bins", as_of=NOW, **last_days(today, 7), town_code=town, squadron_code=None,
               source_code=None, category_code=None, bin_deg=0.002)
    if bins is not None:
        layer, scale = maps.hexagon_layer(bins.rename(columns={"cases": "n"}), weight="n",
                                          resolution=8 if town else 7, unit=t("cases_unit"))
        view.deck = maps.deck([layer], lang=lang, view=town_view(run, town))
        view.legend = (t("wall_density_7d"), scale.legend_items(lang))
    return view
