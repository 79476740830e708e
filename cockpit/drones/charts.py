"""Map, charts and display tables of the drone page: aggregated frames in, a deck, figures and tables out.

No Streamlit and no SQL here. The map is built from cockpit.maps' base map and layer builders; column
headers carry their unit; codes become labels from cockpit.i18n. The rules (coverage, blind spots,
classes) live in cockpit.drones.rules.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk

from cockpit import geo, i18n, maps
from cockpit.chartbase import layout
from cockpit.drones import rules as dr
from cockpit.markup import escape, escape_all

STATE_COLORS = {"flying": [61, 190, 139], "idle": [78, 161, 255], "offline": [232, 87, 76],
                "maintenance": [242, 177, 52]}
UNKNOWN_STATE = [138, 148, 166]
BLIND_OUTLINE = (255, 255, 255, 230)
COLORS = {"detections": "#4C9BE8", "cases": "#F28E4C", "closed": "#3DBE8B"}
TOP_BLIND = 20  # blind spots outlined on the map and listed in the ranked table


def _t(key: str, lang: str, **values) -> str:
    return i18n.t(key, lang, **values)


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT


def state_label(code: str, lang: str) -> str:
    key = f"dr_state_{code}"
    return _t(key, lang) if key in i18n.TEXT else str(code)


# ------------------------------------------------------------------ the map
def days_scale(lang: str) -> maps.Scale:
    """Grids by days since their last overflight: fixed classes, green (today) to red (a month or never)."""
    return maps.Scale(list(dr.DAYS_SINCE_BREAKS), maps.PALETTES["cold"], _t("dr_unit_days", lang), 0)


def days_legend(lang: str) -> list[tuple[str, list[int]]]:
    b = dr.DAYS_SINCE_BREAKS
    colors = maps.PALETTES["cold"]
    labels = [_t("dr_days_today", lang)]
    labels += [_t("dr_days_range", lang, a=b[i], b=b[i + 1] - 1) for i in range(len(b) - 1)]
    labels.append(_t("dr_days_more", lang, n=b[-1]))
    return list(zip(labels, colors)) + [(_t("dr_legend_blind", lang, n=TOP_BLIND), list(BLIND_OUTLINE[:3]))]


def nests_legend(lang: str) -> list[tuple[str, list[int]]]:
    return [(state_label(code, lang), color) for code, color in STATE_COLORS.items()]


def grid_values(grid_status: pd.DataFrame) -> pd.DataFrame:
    """grid_code → the value the grid is coloured by (days since its last pass; beyond the look-back when none)."""
    if grid_status is None or grid_status.empty:
        return pd.DataFrame(columns=["grid_code", "days_value"])
    values = [dr.days_since_class(d, int(lb)) for d, lb in zip(grid_status["days_since_pass"],
                                                                grid_status["lookback_days"])]
    return pd.DataFrame({"grid_code": grid_status["grid_code"], "days_value": values})


def nest_points(nests: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = nests.copy()
    state = [("flying" if flying else s) for s, flying in zip(out["status_code"], out["is_flying_now"])]
    out["color"] = [STATE_COLORS.get(s, UNKNOWN_STATE) + [235] for s in state]
    out["name"] = out["name_zh"]
    unit = _t("dr_unit_sorties", lang)
    out["value_text"] = [
        f"{state_label(s, lang)} · {_t('dr_col_sorties_today', lang)} {int(a)} · "
        f"{_t('dr_col_sorties_week', lang)} {int(w)} {unit}"
        for s, a, w in zip(state, out["sorties_today"], out["sorties_week"])]
    return out


def path_rows(paths: pd.DataFrame, nest_order: list[str], lang: str) -> list[dict]:
    """One row per track piece with its path, a colour per nest and tooltip fields."""
    rows = []
    if paths is None or paths.empty:
        return rows
    for rec in paths.to_dict("records"):
        i = nest_order.index(rec["nest_id"]) if rec["nest_id"] in nest_order else len(nest_order)
        color = maps.CATEGORY_COLORS[i % len(maps.CATEGORY_COLORS)] + [230]
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
               paths: pd.DataFrame | None, lang: str) -> pdk.Deck:
    """Grids coloured by days since the last overflight with blind spots outlined, the day's tracks, the nests."""
    layers: list[pdk.Layer] = []
    bounds = None
    if grid_shapes is not None and not grid_shapes.empty:
        shapes = grid_shapes.assign(name=[_t("dr_grid_tip", lang, g=g, c=c) for g, c in
                                          zip(grid_shapes["grid_code"], grid_shapes["community_name_zh"])])
        layers.append(maps.choropleth_layer(shapes, grid_values(grid_status), "days_value", days_scale(lang),
                                            layer_id="grids", extra=["name"]))
        if grid_status is not None and not grid_status.empty:
            top = grid_status[grid_status["blind_rank"] <= TOP_BLIND]["grid_code"]
            chosen = grid_shapes[grid_shapes["grid_code"].isin(set(top))]
            if not chosen.empty:
                layers.append(maps.outline_layer(chosen, layer_id="blind", color=BLIND_OUTLINE, width_px=2.5))
        bounds = maps.points_bounds(grid_shapes, lat="centroid_lat", lon="centroid_lon")
    nest_order = [] if nests is None else list(nests["nest_id"])
    rows = path_rows(paths, nest_order, lang)
    if rows:
        layers.append(maps.paths_layer(rows, layer_id="tracks", color="color", width_px=2.5))
    if nests is not None and not nests.empty:
        layers.append(maps.points_layer(nest_points(nests, lang), layer_id="nests", color="color", radius=260,
                                        min_pixels=6, max_pixels=22, columns=["name", "value_text"]))
    return maps.deck(layers, lang=lang, view=maps.view_for(bounds),
                     tooltip=maps.TOOLTIP)


# ------------------------------------------------------------------ tables
def coverage_table(coverage: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per town and the city: grids, coverage over 1 / 7 / 30 days (%), blind spots now and a week ago.
    With a single town the city row (the same figures) is left out."""
    name_col = "name_zh" if lang == "zh" else "name_en"
    if coverage["town_code"].notna().sum() == 1:
        coverage = coverage[coverage["town_code"].notna()]
    names = [(_t("dr_city", lang) if not isinstance(c, str) else n) for c, n in zip(coverage["town_code"],
                                                                                  coverage[name_col])]
    pct = {d: [None if not n else 100.0 * c / n for c, n in zip(coverage[f"covered_{d}d"], coverage["grids_total"])]
           for d in dr.COVERAGE_WINDOWS_DAYS}
    return pd.DataFrame({
        _t("dr_col_town", lang): names,
        _t("dr_col_grids", lang): coverage["grids_total"].astype(int),
        f"{_t('dr_col_cov1', lang)} (%)": pct[1],
        f"{_t('dr_col_cov7', lang)} (%)": pct[7],
        f"{_t('dr_col_cov30', lang)} (%)": pct[30],
        _t("dr_col_blind_now", lang): coverage["blind_now"].astype(int),
        _t("dr_col_blind_prev", lang): coverage["blind_week_ago"].astype(int),
    })


def blind_table(grid_status: pd.DataFrame, grid_shapes: pd.DataFrame | None, town_names: dict[str, str],
                lang: str, top: int = TOP_BLIND) -> pd.DataFrame:
    """The `top` blind spots in rank order, with the change over the week."""
    blind = grid_status[grid_status["is_blind"].astype(bool)].sort_values("blind_rank").head(top)
    communities = {} if grid_shapes is None else dict(zip(grid_shapes["grid_code"], grid_shapes["community_name_zh"]))
    last = []
    for at, days, lb in zip(blind["last_pass_at"], blind["days_since_pass"], blind["lookback_days"]):
        last.append(_t("dr_never", lang, n=int(lb)) if _missing(at) else f"{at:%Y-%m-%d %H:%M}")
    change = [dr.blind_change(True, bool(w)) for w in blind["was_blind"]]
    return pd.DataFrame({
        _t("dr_col_rank", lang): blind["blind_rank"].astype(int),
        _t("dr_col_grid", lang): blind["grid_code"],
        _t("dr_col_community", lang): [communities.get(g, "") for g in blind["grid_code"]],
        _t("dr_col_town", lang): [town_names.get(c, c) for c in blind["town_code"]],
        _t("dr_col_last_pass", lang): last,
        _t("dr_col_days_since", lang): ["—" if _missing(d) else f"{int(d)}" for d in blind["days_since_pass"]],
        _t("dr_col_cases_30d", lang): blind["cases_30d"].astype(int),
        _t("dr_col_change", lang): [_t(f"dr_change_{c}", lang) for c in change],
    })


def nests_table(nests: pd.DataFrame, town_names: dict[str, str], lang: str) -> pd.DataFrame:
    state = [(_t("dr_flying_now", lang) if f else state_label(s, lang))
             for s, f in zip(nests["status_code"], nests["is_flying_now"])]
    return pd.DataFrame({
        _t("dr_col_nest", lang): nests["name_zh"],
        _t("dr_col_town", lang): [town_names.get(c, c) for c in nests["town_code"]],
        _t("dr_col_state", lang): state,
        _t("dr_col_sorties_today", lang): nests["sorties_today"].astype(int),
        _t("dr_col_sorties_week", lang): nests["sorties_week"].astype(int),
        _t("dr_col_hours_7d", lang): nests["hours_7d"].astype(float).round(1),
        f"{_t('dr_col_util', lang)} (%)": nests["utilisation_pct"].astype(float).round(1),
        _t("dr_col_last_flight", lang): ["—" if _missing(v) else f"{v:%m-%d %H:%M}" for v in nests["last_started_at"]],
        _t("dr_col_radius", lang): nests["camera_radius_m"].astype(float).round(0),
    })


def utilisation_pct(nests: pd.DataFrame | None) -> float | None:
    """All nests together: hours flown in 7 days ÷ (7 × daily patrol hours × nests) × 100."""
    if nests is None or nests.empty:
        return None
    return 100.0 * float(nests["hours_7d"].sum()) / (7 * dr.OPERATING_HOURS_PER_DAY * len(nests))


def detection_table(det: pd.DataFrame, dimension: str, lang: str) -> pd.DataFrame:
    """Rows of one dimension (category | nest | route) with sorties, detections, cases and outcomes."""
    rows = det[det["dimension"] == dimension]
    out = pd.DataFrame()
    if dimension == "category":
        name = "category_name_zh" if lang == "zh" else "category_name_en"
        out[_t("dr_col_category", lang)] = rows[name].fillna(rows["category_code"])
    else:
        out[_t("dr_col_nest", lang)] = rows["nest_name_zh"].fillna(rows["nest_id"])
        if dimension == "route":
            out[_t("dr_col_route", lang)] = rows["route_name"]
        out[_t("dr_col_sorties", lang)] = rows["sorties"].astype(int)
    out[_t("dr_col_detections", lang)] = rows["detections"].astype(int)
    out[_t("dr_col_cases", lang)] = rows["became_case"].astype(int)
    if dimension != "category":
        out[_t("dr_col_per100", lang)] = [None if not s else round(100.0 * c / s, 1)
                                          for c, s in zip(rows["became_case"], rows["sorties"])]
    for key, col in (("dr_col_closed", "case_closed"), ("dr_col_open", "case_open"),
                     ("dr_col_overdue", "case_overdue"), ("dr_col_rejected", "case_rejected"),
                     ("dr_col_not_found", "case_not_found")):
        out[_t(key, lang)] = rows[col].astype(int)
    return out.reset_index(drop=True)


def quality_counts(quality: pd.DataFrame | None) -> dict[str, int]:
    """Counted and left-out flights, points and segments, and the segments by break code."""
    counts = {f"{k}_{lvl}": 0 for lvl in ("flight", "point", "segment") for k in ("ok", "bad")}
    if quality is None:
        return counts
    for rec in quality.to_dict("records"):
        code = rec["issue_code"] if isinstance(rec["issue_code"], str) else None
        counts[f"{'ok' if code is None else 'bad'}_{rec['level']}"] += int(rec["row_count"])
        if code is not None:
            key = f"{rec['level']}:{code}"
            counts[key] = counts.get(key, 0) + int(rec["row_count"])
    return counts


def quality_text(quality: pd.DataFrame | None, lang: str) -> tuple[str, list[str]]:
    """The line of counted and left-out sorties, points and segments, and one line per reason."""
    q = quality_counts(quality)
    line = _t("dr_quality_line", lang, f=f"{q['ok_flight']:,}", p=f"{q['ok_point']:,}", s=f"{q['ok_segment']:,}",
              bf=f"{q['bad_flight']:,}", bp=f"{q['bad_point']:,}", bs=f"{q['bad_segment']:,}")
    details = []
    for key, value in sorted(q.items()):
        if ":" not in key:
            continue
        level, code = key.split(":", 1)
        reason = _t(f"dr_break_{code}", lang) if f"dr_break_{code}" in i18n.TEXT else escape(i18n.label(i18n.ISSUES, code, lang))
        details.append(f"{_t(f'dr_level_{level}', lang)}：{reason} {value:,}")
    return line, details


# ------------------------------------------------------------------ charts
def detection_bars(det: pd.DataFrame, lang: str) -> go.Figure:
    """Detections and those that became cases, per category (horizontal bars)."""
    rows = det[det["dimension"] == "category"].sort_values("detections")
    name = "category_name_zh" if lang == "zh" else "category_name_en"
    labels = escape_all(rows[name].fillna(rows["category_code"]))  # plotly reads tags in text
    fig = go.Figure()
    fig.add_bar(y=labels, x=rows["detections"], orientation="h", name=_t("dr_funnel_detections", lang),
                marker_color=COLORS["detections"],
                hovertemplate=f"%{{x:,}} {_t('dr_unit_detections', lang)}<extra></extra>")
    fig.add_bar(y=labels, x=rows["became_case"], orientation="h", name=_t("dr_funnel_cases", lang),
                marker_color=COLORS["cases"], hovertemplate=f"%{{x:,}} {_t('dr_unit_cases', lang)}<extra></extra>")
    fig.update_layout(barmode="group", hovermode="y unified")
    layout(fig, max(260, 28 * len(rows) + 80))
    fig.update_layout(hovermode="y unified")
    return fig


def funnel(det: pd.DataFrame, lang: str) -> go.Figure:
    """Sorties → detections → cases → closed, for the period (the shape of the published 500 → 28)."""
    total = det[det["dimension"] == "total"]
    row = total.iloc[0] if not total.empty else pd.Series(dtype=float)
    values = [int(row.get(c, 0) or 0) for c in ("sorties", "detections", "became_case", "case_closed")]
    units = ["dr_unit_sorties", "dr_unit_detections", "dr_unit_cases", "dr_unit_cases"]
    labels = [_t(k, lang) for k in ("dr_funnel_sorties", "dr_funnel_detections", "dr_funnel_cases",
                                    "dr_funnel_closed")]
    fig = go.Figure(go.Funnel(y=labels, x=values, text=[f"{v:,} {_t(u, lang)}" for v, u in zip(values, units)],
                              textinfo="text", marker={"color": ["#8A94A6", COLORS["detections"], COLORS["cases"],
                                                                 COLORS["closed"]]},
                              hoverinfo="skip"))
    return layout(fig, 260)


def payload_kb(d: pdk.Deck) -> float:
    return maps.payload_bytes(d) / 1024.0


def path_points(paths: pd.DataFrame | None) -> int:
    """Points sent to the browser for the day's tracks."""
    if paths is None or paths.empty:
        return 0
    return int(np.sum(paths["points_kept"]))
