"""The parking view of the wall screen (cockpit/wall.py holds the options, rotation and view types)."""

from __future__ import annotations

import datetime as dt
from typing import Callable

from cockpit import kpi, maps
from cockpit.gateway import NOW
from cockpit.wall import Runner, Tile, View, first, fmt, last_days, rate_state


def build(run: Runner, t: Callable[[str], str], town: str | None, today: dt.date, lang: str) -> View:
    from cockpit.parking import charts as cp
    week = last_days(today, 7)
    p = first(run("overview.parking_summary", as_of=NOW, **week, town_code=town))
    left_rate = kpi.percent(p.get("left_period", 0), p.get("reminded_period", 0))
    bins = run("parking.density_bins", as_of=NOW, **week, bin_deg=cp.BIN_DEG, town_code=town, road_id=None,
               method=None)
    roads = run("parking.roads", as_of=NOW, **week, town_code=town, method=None)
    layers, scale = cp.hotspot_layers(bins, roads, lang, label_size=16)
    focus = roads if town is not None or roads is None else roads[roads["has_ecapture"]]
    legend_items = [(t("pk_capture_road"), cp.CAPTURE_COLOR), (t("pk_strict_road"), cp.STRICT_COLOR)]
    if scale is not None:
        legend_items = scale.legend_items(lang) + legend_items
    return View("parking", t("wall_parking"), [
        Tile(t("wall_violations_today"), fmt(p.get("violations_today"), "起" if lang == "zh" else "records")),
        Tile(t("wall_violations_7d"), fmt(p.get("violations_period"), "起" if lang == "zh" else "records")),
        Tile(kpi.KPIS["parking_persuade_rate"].name(lang), fmt(left_rate, "%", 1), t("wall_last_7d"),
             rate_state("parking_persuade_rate", left_rate)),
    ], deck=maps.deck(layers, lang=lang, view=maps.view_for(cp.map_bounds(focus), width_px=1100, height_px=700)),
        legend=(t("wall_parking_legend"), legend_items))
