"""The parking view of the wall screen (cockpit/wall.py holds the options, rotation and view types)."""

from __future__ import annotations

import datetime as dt
from typing import Callable

from cockpit import area, i18n, kpi
from cockpit.wall import Runner, Tile, View, fmt, last_days, rate_state


def build(run: Runner, t: Callable[[str], str], town: str | None, today: dt.date, lang: str) -> View:
    """The last 7 days' violations, 劝离率 and hotspot map (`lang`: the wall's language, for this view)."""
    from cockpit.parking import data
    from cockpit.parking import maps as pm

    with i18n.language(lang):
        w = area.load(area.sequential(run), data.wall(town, **last_days(today, 7)))
        deck, legend_items = pm.wall_map(w.bins, w.roads, w.focus_roads)
        unit = i18n.t("pk_unit")
        s = w.summary
        return View("parking", t("wall_parking"), [
            Tile(t("wall_violations_today"), fmt(s.violations_today, unit)),
            Tile(t("wall_violations_7d"), fmt(s.violations_period, unit)),
            Tile(kpi.KPIS["parking_persuade_rate"].name(lang), fmt(s.persuade_rate, "%", 1), t("wall_last_7d"),
                 rate_state("parking_persuade_rate", s.persuade_rate)),
        ], deck=deck, legend=(t("wall_parking_legend"), legend_items))
