"""The market view of the wall screen (cockpit/wall.py holds the options, rotation and view types)."""

from __future__ import annotations

import datetime as dt
from typing import Callable

from cockpit import maps
from cockpit.gateway import NOW
from cockpit.wall import Runner, Tile, View, first, fmt, last_days


def build(run: Runner, t: Callable[[str], str], town: str | None, today: dt.date, lang: str) -> View:
    m = first(run("overview.market_summary", as_of=NOW, **last_days(today, 30)))
    from cockpit import places
    from cockpit.market import rules as market
    period = last_days(today, 30)
    zones = run("market.zones", as_of=NOW, **period, dept_code=None, item_group=None)
    context = run("market.context_nearby", as_of=NOW, **period, centre_lat=places.CLOTHING_CITY.lat,
                  centre_lon=places.CLOTHING_CITY.lon, radius_m=market.CONTEXT_RADIUS_M,
                  bin_deg=market.CONTEXT_BIN_DEG, case_major_code=market.STREET_ORDER_MAJOR)
    deck = maps.market_deck(zones, context, lang=lang, radius_m=market.CONTEXT_RADIUS_M,
                            labels={layer: t(f"mk_layer_{layer}") for layer in maps.MARKET_COLORS}
                            | {"unit": t("mk_unit_requests"), "open": t("mk_col_open")})
    legend = (t("map_layer"), [(t(f"mk_layer_{layer}"), color) for layer, color in maps.MARKET_COLORS.items()])
    return View("market", t("wall_market"), deck=deck, legend=legend, tiles=[
        Tile(t("wall_market_open"), fmt(m.get("open_requests"), t("cases_unit"))),
        Tile(t("wall_market_received"), fmt(m.get("received_period"), t("cases_unit")), t("wall_last_30d")),
        Tile(t("wall_market_resolved"), fmt(m.get("resolved_period"), t("cases_unit")), t("wall_last_30d")),
    ])
