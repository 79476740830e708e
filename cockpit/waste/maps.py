"""Map layers of the waste area: sites by kind (sized by tonnes), the day's flows as arcs, the wall's
columns. Colours, radii and the arc grouping live here, not in the page (cockpit/maps.py is the base)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pydeck as pdk

from cockpit import i18n
from cockpit import maps as base
from cockpit.waste.data import Sites, Throughput

# kind -> (fill colour RGBA, legend text key); drop-off stations are drawn first, under the others
SITE_KINDS: dict[str, tuple[list[int], str]] = {
    "dropoff": ([78, 161, 255, 190], "ws_layer_dropoff"),
    "transfer": ([255, 159, 64, 230], "ws_layer_transfer"),
    "disposal": ([232, 87, 76, 240], "ws_layer_disposal"),
}
FIXED_RADIUS_M = {"transfer": 300.0, "disposal": 420.0}  # a drop-off station's radius follows its tonnes
MIN_RADIUS_M, RADIUS_SPAN_M = 30.0, 220.0                 # 30 + 220·sqrt(tonnes ÷ the largest)
FLOW_COLOR = [200, 160, 120]
ARC_KEYS = ["from_name_zh", "from_lat", "from_lon", "to_name_zh", "to_lat", "to_lon"]
WALL_COLUMN_RADIUS_M, WALL_COLUMN_HEIGHT_M = 250, 4000


def _tonnes_text(values: pd.Series) -> pd.Series:
    unit = i18n.t("tonnes")
    return values.map(lambda t: f"{t:,.1f} {unit}")


def site_radius(values: pd.Series) -> pd.Series:
    """A drop-off station's radius in metres: MIN_RADIUS_M + RADIUS_SPAN_M · sqrt(value ÷ the largest)."""
    values = values.astype(float)
    top = float(values.max()) or 1.0
    return (MIN_RADIUS_M + RADIUS_SPAN_M * np.sqrt(values / top)).round(1)


def site_frames(sites: pd.DataFrame, category: str | None) -> dict[str, pd.DataFrame]:
    """kind -> its sites with `value` (tonnes of `category`, all when None), `value_text`, `radius`, `name`."""
    column = "total_tonnes" if category is None else f"{category}_tonnes"
    shown = sites.assign(value=sites[column].astype(float))
    shown["value_text"] = _tonnes_text(shown["value"])
    shown["radius"] = site_radius(shown["value"])
    out = {}
    for kind in SITE_KINDS:
        part = shown[shown["kind"] == kind].copy()
        if kind in FIXED_RADIUS_M:
            part["radius"] = FIXED_RADIUS_M[kind]
        part["name"] = part["name_zh"]
        out[kind] = part
    return out


def flow_arcs(flows: pd.DataFrame, category: str | None) -> pd.DataFrame:
    """The day's arcs of `category` (all when None): tonnes per from/to pair over stages and categories."""
    arcs = flows if category is None else flows[flows["category_code"] == category]
    keys = ARC_KEYS + [c for c in ("from_name_en",) if c in arcs.columns]  # a town's English name
    arcs = arcs.groupby(keys, as_index=False)["tonnes"].sum()
    source = "from_name_en" if i18n.current() == "en" and "from_name_en" in arcs.columns else "from_name_zh"
    arcs["name"] = arcs[source] + " → " + arcs["to_name_zh"]
    arcs["value_text"] = _tonnes_text(arcs["tonnes"])
    return arcs


def page_layers(sites: Sites, category: str | None) -> list[pdk.Layer]:
    layers = []
    if sites.sites is not None:
        for kind, part in site_frames(sites.sites, category).items():
            layers.append(base.points_layer(part, layer_id=f"ws-{kind}", color=SITE_KINDS[kind][0], radius="radius",
                                            min_pixels=2, max_pixels=30, columns=["name", "value_text"]))
    if sites.flows is not None:
        layers.append(base.arcs_layer(flow_arcs(sites.flows, category), layer_id="ws-flows", weight="tonnes",
                                      columns=["name", "value_text"]))
    return layers


def page_deck(sites: Sites, category: str | None) -> pdk.Deck:
    """The waste page's map: sites by kind and the chosen day's flows."""
    return base.deck(page_layers(sites, category), lang=i18n.current(), view=base.view_for(pitch=35),
                     tooltip=base.TOOLTIP)


def legend() -> tuple[str, list[tuple[str, list[int]]]]:
    """(title, items) of the page map's legend."""
    items = [(i18n.t(key), color[:3]) for color, key in SITE_KINDS.values()]
    return i18n.t("map_layer"), items + [(i18n.t("ws_layer_flow"), FLOW_COLOR)]


def wall_deck(throughput: Throughput, view: pdk.ViewState) -> pdk.Deck | None:
    """The wall's columns: tonnes per site today (None when the sites could not be read)."""
    if throughput.sites is None:
        return None
    layer = base.columns_layer(throughput.sites, layer_id="sites", value="total_tonnes",
                               radius_m=WALL_COLUMN_RADIUS_M, max_height_m=WALL_COLUMN_HEIGHT_M,
                               columns=["name_zh", "total_tonnes"])
    return base.deck([layer], lang=i18n.current(), view=view, base=True)
