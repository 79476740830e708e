"""The drones view of the wall screen (cockpit/wall.py holds the options, rotation and view types)."""

from __future__ import annotations

import datetime as dt
from typing import Callable

from cockpit import kpi
from cockpit.gateway import NOW
from cockpit.wall import Runner, Tile, View, first, fmt, rate_state


def build(run: Runner, t: Callable[[str], str], town: str | None, today: dt.date, lang: str) -> View:
    drone = first(run("overview.drone_summary", as_of=NOW, town_code=town))
    cov = first(run("overview.drone_coverage", as_of=NOW, days=7, town_code=town))
    coverage = kpi.percent(cov.get("grids_covered", 0), cov.get("grids_total", 0))
    view = View("drones", t("wall_drones"), [
        Tile(t("sorties_today"), fmt(drone.get("sorties_today"), "架次" if lang == "zh" else "sorties")),
        Tile(t("sorties_week"), fmt(drone.get("sorties_week"), "架次" if lang == "zh" else "sorties")),
        Tile(t("wall_nests"), f"{fmt(drone.get('nests_flying'))} / {fmt(drone.get('nests_idle'))} / "
                              f"{fmt(drone.get('nests_down'))}", t("wall_nests_note"),
             "bad" if (drone.get("nests_down") or 0) > 0 else "normal"),
        Tile(kpi.KPIS["drone_coverage"].name(lang), fmt(coverage, "%", 1),
             f"{fmt(cov.get('grids_covered'))} / {fmt(cov.get('grids_total'))}",
             rate_state("drone_coverage", coverage)),
    ])
    from cockpit.drones import charts as cd
    from cockpit.drones import rules as dr
    grid_shapes = run("common.grid_shapes", town_code=town)
    grid_status = run("drones.grid_status", as_of=NOW, town_code=town, blind_days=dr.DEFAULT_BLIND_DAYS)
    nests = run("drones.nests", as_of=NOW, town_code=town, **dr.nest_params())
    paths = run("drones.day_paths", day=today, as_of=NOW, town_code=town, **dr.path_params())
    view.deck = cd.drone_deck(grid_shapes, grid_status, nests, paths, lang)
    view.legend = (t("dr_legend_days"), cd.days_legend(lang))
    return view
