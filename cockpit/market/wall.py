"""The market view of the wall screen (cockpit/wall.py holds the options, rotation and view types): the
headline of the last 30 days and the market map, from the plans of cockpit.market.data."""

from __future__ import annotations

import datetime as dt
from typing import Callable

from cockpit import area, i18n
from cockpit.market import data
from cockpit.market import maps as market_maps
from cockpit.wall import Runner, Tile, View, fmt, last_days


def build(run: Runner, t: Callable[[str], str], town: str | None, today: dt.date, lang: str) -> View:
    """The market is one place: the view is the same for every town."""
    fetch = area.sequential(run)
    period = last_days(today, 30)
    with i18n.language(lang):
        head = area.load(fetch, data.headline(**period))
        around = area.load(fetch, data.surroundings(data.Scope(**period)))
        deck = market_maps.market_deck(around.zones, around.context, radius_m=around.radius_m)
        legend = (t("map_layer"), market_maps.legend())
    return View("market", t("wall_market"), deck=deck, legend=legend, tiles=[
        Tile(t("wall_market_open"), fmt(head.open, t("mk_unit_requests"))),
        Tile(t("wall_market_received"), fmt(head.received, t("mk_unit_requests")), t("wall_last_30d")),
        Tile(t("wall_market_resolved"), fmt(head.resolved, t("mk_unit_requests")), t("wall_last_30d")),
    ])
