"""The drones view of the wall screen (cockpit/wall.py holds the options, rotation and view types).

Its figures are the area's plans (cockpit/drones/data.py): the headline (sorties, nests, 7-day coverage)
and the map rows, loaded one query after another through the wall's runner.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from cockpit import area, i18n, kpi
from cockpit.drones import data
from cockpit.drones import maps as dmaps
from cockpit.wall import Runner, Tile, View, fmt, rate_state


def build(run: Runner, t: Callable[[str], str], town: str | None, today: dt.date, lang: str) -> View:
    with i18n.language(lang):  # the wall's language for the texts of the map and the KPI names
        fetch = area.sequential(run)
        head = area.load(fetch, data.headline(town))
        s, cov = head.summary, head.coverage
        unit = i18n.t("dr_unit_sorties")
        view = View("drones", t("wall_drones"), [
            Tile(t("sorties_today"), fmt(s.sorties_today, unit)),
            Tile(t("sorties_week"), fmt(s.sorties_week, unit)),
            Tile(t("wall_nests"), f"{fmt(s.nests_flying)} / {fmt(s.nests_idle)} / {fmt(s.nests_down)}",
                 t("wall_nests_note"), "bad" if s.any_down else "normal"),
            Tile(kpi.KPIS["drone_coverage"].name(i18n.current()), fmt(cov.pct, "%", 1),
                 f"{fmt(cov.covered)} / {fmt(cov.total)}", rate_state("drone_coverage", cov.pct)),
        ])
        view.deck = dmaps.deck_of(area.load(fetch, data.map_rows(town, today)))
        view.legend = (t("dr_legend_days"), dmaps.days_legend())
    return view
