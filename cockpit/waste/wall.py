"""The waste view of the wall screen (cockpit/wall.py holds the options, rotation and view types)."""

from __future__ import annotations

import datetime as dt
from typing import Callable

from cockpit import kpi, maps
from cockpit.gateway import NOW
from cockpit.wall import Runner, Tile, View, fmt, town_view
from cockpit.waste import rules as waste_rules


def build(run: Runner, t: Callable[[str], str], town: str | None, today: dt.date, lang: str) -> View:
    waste = run("overview.waste_today", as_of=NOW, town_code=town)
    collected = disposed = capacity = None
    if waste is not None and not waste.empty:
        collected = float(waste["collected_tonnes"].sum())
        disposed = float(waste["disposed_tonnes"].sum())
        capacity = float(waste["capacity_tonnes_per_day"].fillna(0).sum())
    compliance = run("waste.compliance_by_town", as_of=NOW, date_from=today, date_to=today, town_code=town,
                     **waste_rules.rule_params())
    rate = None
    if compliance is not None and not compliance.empty:
        rate = kpi.percent(float(compliance["rounds_on_time"].sum()), float(compliance["rounds_decided"].sum()))
    view = View("waste", t("wall_waste"), [
        Tile(t("collected_today"), fmt(collected, t("tonnes"), 1)),
        Tile(t("disposed_today"), fmt(disposed, t("tonnes"), 1),
             f"{t('capacity')} {fmt(capacity, t('tonnes'))}"),
        Tile(t("wall_collection_rule"), fmt(rate, "%", 1), t("wall_rule_note"),
             "normal" if rate is None else ("good" if rate >= 95 else "bad")),
    ])
    sites = run("waste.station_throughput", as_of=NOW, date_from=today, date_to=today, town_code=town)
    if sites is not None and not sites.empty:
        sites = sites[sites["total_tonnes"] > 0]
        layer = maps.columns_layer(sites, layer_id="sites", value="total_tonnes", radius_m=250,
                                   max_height_m=4000, columns=["name_zh", "total_tonnes"])
        view.deck = maps.deck([layer], lang=lang, view=town_view(run, town), base=True)
    return view
