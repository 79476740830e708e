"""The clothing-market map (app_pages/market.py and the wall's market view): requests per zone over the
parking and street-order context around the market, on the map base of cockpit.maps.

Aggregates only: a zone is one circle with its counts, a context bin one circle with its events, so no
request, merchant or plate reaches the browser. Texts come from cockpit.i18n in the current language.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pydeck as pdk

from cockpit import i18n, places
from cockpit.maps import TOOLTIP, deck, points_layer, position_mask, view_for

MARKET_COLORS = {"requests": [78, 161, 255], "parking": [255, 159, 64], "street_order": [255, 99, 132]}


def default_labels() -> dict[str, str]:
    """The layers' names and the tooltip's unit and 'open' label, in the current language."""
    return ({layer: i18n.t(f"mk_layer_{layer}") for layer in MARKET_COLORS}
            | {"unit": i18n.t("mk_unit_requests"), "open": i18n.t("mk_col_open")})


def legend() -> list[tuple[str, list[int]]]:
    """(layer name, colour) of every layer, for maps.show_legend."""
    return [(i18n.t(f"mk_layer_{layer}"), color) for layer, color in MARKET_COLORS.items()]


def market_deck(zones: pd.DataFrame | None, context: pd.DataFrame | None, *, radius_m: float = 1500.0,
                labels: dict[str, str] | None = None) -> pdk.Deck:
    """The clothing-city area: requests per zone (aggregated circles, radius ∝ √requests, name and counts in
    the tooltip) over the context bins around the market (parking, street order: one small circle per bin,
    radius ∝ √events), in a view fitting `radius_m` around the zones (or the market). `labels` default to
    `default_labels()`."""
    labels = default_labels() if labels is None else labels
    unit = labels.get("unit", "")
    centre = places.CLOTHING_CITY
    layers: list[pdk.Layer] = []
    if context is not None and not context.empty:
        for layer, color in MARKET_COLORS.items():
            rows = context[context["layer"] == layer].copy()
            if rows.empty:
                continue
            top = float(rows["events"].max()) or 1.0
            rows["radius"] = (25 + 70 * np.sqrt(rows["events"].astype(float) / top)).round(1)
            rows["name"] = labels.get(layer, layer)
            rows["value_text"] = rows["events"].map(lambda n: f"{int(n):,} {unit}".strip())
            layers.append(points_layer(rows, layer_id=f"market-{layer}", color=color + [150], radius="radius",
                                       min_pixels=2, max_pixels=18, columns=["name", "value_text"]))
    if zones is not None and not zones.empty:
        placed = zones[(zones["zone_code"] != "unknown") & position_mask(zones)].copy()  # no zone: no place
        if not placed.empty:
            top = float(placed["received"].max()) or 1.0
            placed["radius"] = (40 + 110 * np.sqrt(placed["received"].astype(float) / top)).round(1)
            placed["name"] = placed["zone_code"].astype(str)
            open_label = labels.get("open", "")
            placed["value_text"] = [f"{int(r):,} {unit}" + (f" · {open_label} {int(o):,}" if open_label else "")
                                    for r, o in zip(placed["received"], placed["open_now"])]
            layers.append(points_layer(placed, layer_id="market-zones", color=MARKET_COLORS["requests"] + [220],
                                       radius="radius", min_pixels=6, max_pixels=60,
                                       columns=["name", "value_text"]))
    # the view: `radius_m` around the market, moved to the requests' zones when they are placed
    lat0, lon0 = centre.lat, centre.lon
    if zones is not None and not zones.empty and position_mask(zones).any():
        placed_at = zones[position_mask(zones)]
        lat0, lon0 = float(pd.to_numeric(placed_at["lat"]).mean()), float(pd.to_numeric(placed_at["lon"]).mean())
    dlat = radius_m / 110_540.0
    dlon = radius_m / (111_320.0 * math.cos(math.radians(centre.lat)))
    view = view_for((lon0 - dlon, lat0 - dlat, lon0 + dlon, lat0 + dlat))
    return deck(layers, lang=i18n.current(), view=view, tooltip=TOOLTIP)
