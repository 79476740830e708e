"""The drone map's layers: grids by days since the last overflight with the top blind spots outlined, the
day's tracks, the nests; and its legends. Built on cockpit.maps' base map and layer builders.

No Streamlit and no SQL here; texts in the current language (cockpit.i18n). The classes and the number
of blind spots outlined are rules (cockpit/drones/rules.py); the colours are here.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pydeck as pdk

from cockpit import geo, i18n
from cockpit import maps as base
from cockpit.drones import rules as dr
from cockpit.drones.data import MapRows

STATE_COLORS = {"flying": [61, 190, 139], "idle": [78, 161, 255], "offline": [232, 87, 76],
                "maintenance": [242, 177, 52]}
UNKNOWN_STATE = [138, 148, 166]
BLIND_OUTLINE = (255, 255, 255, 230)
NEST_RADIUS_M = 260
NEST_MIN_PX, NEST_MAX_PX = 6, 22
LINE_WIDTH_PX = 2.5


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT


def state_label(code: str) -> str:
    key = f"dr_state_{code}"
    return i18n.t(key) if key in i18n.TEXT else str(code)


def days_scale() -> base.Scale:
    """Grids by days since their last overflight: fixed classes, green (today) to red (a month or never)."""
    return base.Scale(list(dr.DAYS_SINCE_BREAKS), base.PALETTES["cold"], i18n.t("dr_unit_days"), 0)


def days_legend() -> list[tuple[str, list[int]]]:
    b = dr.DAYS_SINCE_BREAKS
    colors = base.PALETTES["cold"]
    labels = [i18n.t("dr_days_today")]
    labels += [i18n.t("dr_days_range", a=b[i], b=b[i + 1] - 1) for i in range(len(b) - 1)]
    labels.append(i18n.t("dr_days_more", n=b[-1]))
    return list(zip(labels, colors)) + [(i18n.t("dr_legend_blind", n=dr.TOP_BLIND), list(BLIND_OUTLINE[:3]))]


def nests_legend() -> list[tuple[str, list[int]]]:
    return [(state_label(code), color) for code, color in STATE_COLORS.items()]


def grid_values(grid_status: pd.DataFrame | None) -> pd.DataFrame:
    """grid_code → the value the grid is coloured by (days since its last pass; beyond the look-back when none)."""
    if grid_status is None or grid_status.empty:
        return pd.DataFrame(columns=["grid_code", "days_value"])
    values = [dr.days_since_class(d, int(lb)) for d, lb in zip(grid_status["days_since_pass"],
                                                                grid_status["lookback_days"])]
    return pd.DataFrame({"grid_code": grid_status["grid_code"], "days_value": values})


def nest_points(nests: pd.DataFrame) -> pd.DataFrame:
    out = nests.copy()
    state = [("flying" if flying else s) for s, flying in zip(out["status_code"], out["is_flying_now"])]
    out["color"] = [STATE_COLORS.get(s, UNKNOWN_STATE) + [235] for s in state]
    out["name"] = out["name_zh"]
    unit = i18n.t("dr_unit_sorties")
    out["value_text"] = [
        f"{state_label(s)} · {i18n.t('dr_col_sorties_today')} {int(a)} · "
        f"{i18n.t('dr_col_sorties_week')} {int(w)} {unit}"
        for s, a, w in zip(state, out["sorties_today"], out["sorties_week"])]
    return out


def path_rows(paths: pd.DataFrame | None, nest_order: list[str]) -> list[dict]:
    """One row per track piece with its path, a colour per nest and tooltip fields."""
    rows = []
    if paths is None or paths.empty:
        return rows
    for rec in paths.to_dict("records"):
        i = nest_order.index(rec["nest_id"]) if rec["nest_id"] in nest_order else len(nest_order)
        color = base.CATEGORY_COLORS[i % len(base.CATEGORY_COLORS)] + [230]
        start, end = rec["started_at"], rec["ended_at"]
        end_text = "…" if _missing(end) else f"{end:%H:%M}"
        path = geo.clean_line(geo.parse_json(rec.get("path_json")), 2)
        if path is None:  # not a list of >= 2 valid positions: not drawn
            continue
        rows.append({"path": path, "color": color,
                     "name": f"{rec['nest_name_zh']} · {rec['route_name'] or ''}",
                     "value_text": f"{start:%H:%M}–{end_text}"})
    return rows


def drone_deck(grid_shapes: pd.DataFrame | None, grid_status: pd.DataFrame | None, nests: pd.DataFrame | None,
               paths: pd.DataFrame | None) -> pdk.Deck:
    """Grids coloured by days since the last overflight with blind spots outlined, the day's tracks, the nests."""
    layers: list[pdk.Layer] = []
    bounds = None
    if grid_shapes is not None and not grid_shapes.empty:
        shapes = grid_shapes.assign(name=[i18n.t("dr_grid_tip", g=g, c=c) for g, c in
                                          zip(grid_shapes["grid_code"], grid_shapes["community_name_zh"])])
        layers.append(base.choropleth_layer(shapes, grid_values(grid_status), "days_value", days_scale(),
                                            layer_id="grids", extra=["name"]))
        if grid_status is not None and not grid_status.empty:
            top = grid_status[grid_status["blind_rank"] <= dr.TOP_BLIND]["grid_code"]
            chosen = grid_shapes[grid_shapes["grid_code"].isin(set(top))]
            if not chosen.empty:
                layers.append(base.rings_layer(chosen, layer_id="blind", lat="centroid_lat", lon="centroid_lon",
                                               color=BLIND_OUTLINE, width_px=LINE_WIDTH_PX))
        bounds = base.points_bounds(grid_shapes, lat="centroid_lat", lon="centroid_lon")
    view = base.view_for(bounds)
    nest_order = [] if nests is None else list(nests["nest_id"])
    rows = path_rows(paths, nest_order)
    if rows:
        layers.append(base.dotted_lines_layer(rows, layer_id="tracks", color="color", width_px=LINE_WIDTH_PX,
                                              spacing_m=base.dot_spacing_m(view, LINE_WIDTH_PX)))
    if nests is not None and not nests.empty:
        layers.append(base.points_layer(nest_points(nests), layer_id="nests", color="color", radius=NEST_RADIUS_M,
                                        min_pixels=NEST_MIN_PX, max_pixels=NEST_MAX_PX,
                                        columns=["name", "value_text"]))
    return base.deck(layers, lang=i18n.current(), view=view, tooltip=base.TOOLTIP)


def deck_of(rows: MapRows) -> pdk.Deck:
    """The drone map of a plan's map rows (cockpit.drones.data.map_rows or page(...).map)."""
    return drone_deck(rows.grid_shapes, rows.grid_status, rows.nests, rows.paths)


def payload_kb(d: pdk.Deck) -> float:
    return base.payload_bytes(d) / 1024.0


def path_points(paths: pd.DataFrame | None) -> int:
    """Points sent to the browser for the day's tracks."""
    if paths is None or paths.empty:
        return 0
    return int(np.sum(paths["points_kept"]))
