"""Parking (违停) map layers: the hotspot hexagons, the strict and capture roads, the parking supply.

The page and the wall screen draw the same hotspot map from the same layers. No Streamlit here; the map
base (deck, hexagons, paths, points) is cockpit/maps.py.
"""

from __future__ import annotations

import pandas as pd

from cockpit import geo, i18n
from cockpit import maps as base
from cockpit.parking.charts import road_label

STRICT_COLOR = [255, 205, 86, 235]    # strict-management road (严管路段)
CAPTURE_COLOR = [0, 229, 255, 245]    # strict road with electronic capture (电子抓拍)
ROAD_LABEL_COLOR = [255, 236, 179, 255]
SUPPLY_COLORS = {"shared": [61, 190, 139, 230], "temporary": [76, 155, 232, 230], "nonmotor": [180, 142, 240, 210]}
SUPPLY_OTHER_COLOR = [200, 200, 200, 220]
HEX_RESOLUTION = 9          # H3 cells of about 0.1 km²: a few street blocks
BIN_DEG = 0.0005            # the database sums records into bins of about 50 m before anything is sent
ROAD_WIDTH_PX = 4


def road_tip(r: dict) -> dict:
    """A road's tooltip texts."""
    per_km = r.get("per_km_day")
    return {"name": road_label(r),
            "value_text": i18n.t("pk_road_tip", n=f"{int(r['violations']):,}",
                                 per_km="–" if per_km is None or pd.isna(per_km) else f"{per_km:,.1f}")}


def road_rows(roads: pd.DataFrame) -> list[dict]:
    """Rows for maps.dotted_lines_layer: each road's path, colour and tooltip text."""
    rows = []
    for r in roads.to_dict("records"):
        for path in geo.line_paths(r.get("path")):  # none for a missing or bad path: the road is not drawn
            rows.append({"path": path, "color": CAPTURE_COLOR if r["has_ecapture"] else STRICT_COLOR, **road_tip(r)})
    return rows


def road_labels(roads: pd.DataFrame, tooltips: bool = False) -> list[dict]:
    """One label per road at the middle of its path (with the road's tooltip texts when `tooltips`)."""
    out = []
    for r in roads.to_dict("records"):
        paths = geo.line_paths(r.get("path"))
        if not paths:
            continue
        coords = paths[0]
        mid = coords[len(coords) // 2] if len(coords) > 2 else [(coords[0][0] + coords[-1][0]) / 2,
                                                                (coords[0][1] + coords[-1][1]) / 2]
        out.append({"lon": mid[0], "lat": mid[1], "text": r["name_zh"], **(road_tip(r) if tooltips else {})})
    return out


def hotspot_layers(bins: pd.DataFrame | None, roads: pd.DataFrame | None, view,
                   label_size: int = 13, tooltips: bool = True) -> tuple[list, base.Scale | None]:
    """The hotspot map's layers (parking.density_bins as hexagons, the roads as labelled lines of dots
    that read as lines at `view`'s zoom, the labels with the roads' tooltips when `tooltips`) and the hexagons' colour
    scale; the page and the wall screen draw the same map."""
    layers, scale = [], None
    if bins is not None:
        hexes, scale = base.hexagon_layer(bins.rename(columns={"violations": "n"}), weight="n",
                                          resolution=HEX_RESOLUTION, layer_id="pk-hex", unit=i18n.t("pk_unit"))
        layers.append(hexes)
    if roads is not None and not roads.empty:
        spacing = base.dot_spacing_m(view, ROAD_WIDTH_PX)
        # the tooltip is the road's label's, not every dot's: its texts once per road, not a thousand times
        layers.append(base.dotted_lines_layer(road_rows(roads), layer_id="pk-roads", color="color",
                                              width_px=ROAD_WIDTH_PX, spacing_m=spacing, columns=()))
        labels = base.lonlat_columns(pd.DataFrame(road_labels(roads, tooltips)))
        labels = labels[[c for c in ("position", "text", "name", "value_text") if c in labels.columns]]
        layers.append(base.text_layer(labels, "pk-road-labels", size=label_size, color=ROAD_LABEL_COLOR,
                                      pickable=tooltips))
    return layers, scale


def supply_layer(supply: pd.DataFrame, radius_m: int):
    """The parking-supply sites as dots sized by their spaces, with what is parked illegally nearby."""
    sup = supply.assign(
        name=supply["name_zh"],
        value_text=[i18n.t("pk_supply_tip", n=int(s), kind=i18n.t(f"pk_supply_{k}"), near=int(v), r=radius_m)
                    for s, k, v in zip(supply["spaces"], supply["kind"], supply["violations_nearby"])],
        color=[SUPPLY_COLORS.get(k, SUPPLY_OTHER_COLOR) for k in supply["kind"]],
        radius=[25 + 4 * float(s) ** 0.5 for s in supply["spaces"]])
    return base.points_layer(sup, layer_id="pk-supply", color="color", radius="radius", min_pixels=3,
                             max_pixels=9, columns=["name", "value_text"])


def map_bounds(roads: pd.DataFrame | None, pad: float = 0.008) -> tuple[float, float, float, float] | None:
    """(min_lon, min_lat, max_lon, max_lat) around the roads shown, or None (all of Pinghu)."""
    coords = [c for p in ([] if roads is None or "path" not in roads else roads["path"])
              for line in geo.line_paths(p) for c in line if base.in_service_area(c[0], c[1])]
    if not coords:
        return None
    lons, lats = [c[0] for c in coords], [c[1] for c in coords]
    return min(lons) - pad, min(lats) - pad, max(lons) + pad, max(lats) + pad


def road_legend(scale: base.Scale | None) -> list[tuple[str, list[int]]]:
    """The hexagons' scale (when drawn), then the two road kinds."""
    items = [(i18n.t("pk_capture_road"), CAPTURE_COLOR), (i18n.t("pk_strict_road"), STRICT_COLOR)]
    return (scale.legend_items(i18n.current()) if scale is not None else []) + items


def page_map(bins: pd.DataFrame | None, roads: pd.DataFrame | None, focus: pd.DataFrame | None,
             supply: pd.DataFrame | None, radius_m: int):
    """The parking page's map (a deck, with tooltips) and its legend items: hexagons, the supply sites
    under the roads, the roads and their names; the view around the `focus` roads (all of Pinghu when none)."""
    view = base.view_for(map_bounds(focus))
    layers, scale = hotspot_layers(bins, roads, view)
    if supply is not None and not supply.empty:
        layers.insert(1 if bins is not None else 0, supply_layer(supply, radius_m))  # under the roads and names
    legend = road_legend(scale) + [(i18n.t(f"pk_supply_{k}"), SUPPLY_COLORS[k]) for k in SUPPLY_COLORS]
    deck = base.deck(layers, lang=i18n.current(), view=view, tooltip=base.TOOLTIP)
    return deck, legend


def wall_map(bins: pd.DataFrame | None, roads: pd.DataFrame | None, focus: pd.DataFrame | None):
    """The wall screen's hotspot map (larger road names, no tooltips) and its legend items."""
    view = base.view_for(map_bounds(focus), width_px=1100, height_px=700)
    layers, scale = hotspot_layers(bins, roads, view, label_size=16, tooltips=False)
    deck = base.deck(layers, lang=i18n.current(), view=view)
    return deck, road_legend(scale)
