"""Parking (违停) charts and tables: aggregated frames in, plotly figures and display tables out.

No Streamlit here. Plates reach a table only through cockpit.privacy.mask_plate.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cockpit import geo, i18n, kpi, maps, privacy
from cockpit.chartbase import FONT, layout
from cockpit.markup import escape

COLORS = {"manual": "#4C9BE8", "ecapture": "#F2B134", "reminded": "#8A94A6", "left": "#3DBE8B",
          "ticketed": "#E8574C", "warned": "#B48EF0"}
STRICT_COLOR = [255, 205, 86, 235]    # strict-management road (严管路段)
CAPTURE_COLOR = [0, 229, 255, 245]    # strict road with electronic capture (电子抓拍)
SUPPLY_COLORS = {"shared": [61, 190, 139, 230], "temporary": [76, 155, 232, 230], "nonmotor": [180, 142, 240, 210]}


def _t(key: str, lang: str, /, **values) -> str:
    return i18n.t(key, lang, **values)


def totals(by_hour: pd.DataFrame | None) -> dict[str, float | None]:
    """The period's counts, summed over parking.by_hour; None each when there is no result (database down)."""
    cols = ("violations", "reminded", "left_within_10min", "ticketed_after_reminder", "warned")
    if by_hour is None:
        return dict.fromkeys(cols)
    return {c: float(by_hour[c].sum()) for c in cols}


def persuade_rate(counts: dict[str, float | None]) -> float | None:
    """劝离率: cars gone within 10 minutes of the reminder ÷ reminders (%)."""
    return kpi.percent(counts.get("left_within_10min") or 0.0, counts.get("reminded") or 0.0)


def road_label(row: dict | pd.Series, lang: str) -> str:
    kind = _t("pk_capture_road" if row["has_ecapture"] else "pk_strict_road", lang)
    return f"{row['name_zh']}（{kind}）" if lang == "zh" else f"{row['name_zh']} ({kind})"


def road_rows(roads: pd.DataFrame, lang: str) -> list[dict]:
    """Rows for maps.paths_layer: each road's path, colour and tooltip text."""
    rows = []
    for r in roads.to_dict("records"):
        per_km = r.get("per_km_day")
        for path in geo.line_paths(r.get("path")):  # none for a missing or bad path: the road is not drawn
            rows.append({"path": path, "name": road_label(r, lang),
                         "color": CAPTURE_COLOR if r["has_ecapture"] else STRICT_COLOR,
                         "value_text": _t("pk_road_tip", lang, n=f"{int(r['violations']):,}",
                                          per_km="–" if per_km is None or pd.isna(per_km) else f"{per_km:,.1f}")})
    return rows


def road_labels(roads: pd.DataFrame) -> list[dict]:
    """One label per road at the middle of its path."""
    out = []
    for r in roads.to_dict("records"):
        paths = geo.line_paths(r.get("path"))
        if not paths:
            continue
        coords = paths[0]
        mid = coords[len(coords) // 2] if len(coords) > 2 else [(coords[0][0] + coords[-1][0]) / 2,
                                                                (coords[0][1] + coords[-1][1]) / 2]
        out.append({"lon": mid[0], "lat": mid[1], "text": r["name_zh"]})
    return out


HEX_RESOLUTION = 9          # H3 cells of about 0.1 km²: a few street blocks
BIN_DEG = 0.0005            # the database sums records into bins of about 50 m before anything is sent


def hotspot_layers(bins: pd.DataFrame | None, roads: pd.DataFrame | None, lang: str,
                   label_size: int = 13) -> tuple[list, maps.Scale | None]:
    """The hotspot map's layers (parking.density_bins as hexagons, the roads as labelled lines) and the
    hexagons' colour scale; the page and the wall screen draw the same map."""
    layers, scale = [], None
    if bins is not None:
        hexes, scale = maps.hexagon_layer(bins.rename(columns={"violations": "n"}), weight="n",
                                          resolution=HEX_RESOLUTION, layer_id="pk-hex", unit=_t("pk_unit", lang))
        layers.append(hexes)
    if roads is not None and not roads.empty:
        layers.append(maps.paths_layer(road_rows(roads, lang), layer_id="pk-roads", color="color", width_px=4))
        labels = maps.lonlat_columns(pd.DataFrame(road_labels(roads)))
        layers.append(maps.text_layer(labels, "pk-road-labels", size=label_size, color=[255, 236, 179, 255]))
    return layers, scale


def map_bounds(roads: pd.DataFrame | None, pad: float = 0.008) -> tuple[float, float, float, float] | None:
    """(min_lon, min_lat, max_lon, max_lat) around the roads shown, or None (all of Pinghu)."""
    coords = [c for p in ([] if roads is None or "path" not in roads else roads["path"])
              for line in geo.line_paths(p) for c in line if maps.in_service_area(c[0], c[1])]
    if not coords:
        return None
    lons, lats = [c[0] for c in coords], [c[1] for c in coords]
    return min(lons) - pad, min(lats) - pad, max(lons) + pad, max(lats) + pad


def data_quality_note(bad: pd.DataFrame, lang: str, days: int) -> str:
    """'N records left out: reason n, …' from common.data_quality rows of parking_violation."""
    parts = [f"{escape(i18n.label(i18n.ISSUES, c, lang))} {int(n):,}" for c, n in zip(bad["issue_code"], bad["row_count"])]
    return _t("pk_dq_note", lang, days=days, n=f"{int(bad['row_count'].sum()):,}", detail="、".join(parts) if lang == "zh"
              else ", ".join(parts))


def hotspot_table(hot: pd.DataFrame, lang: str, top: int = 15) -> pd.DataFrame:
    unit = _t("pk_unit", lang)
    top_rows = hot.head(top)
    change = [kpi.change_percent(float(a), float(b)) for a, b in zip(top_rows["violations"], top_rows["previous_week"])]
    return pd.DataFrame({
        _t("rank", lang): range(1, len(top_rows) + 1),
        _t("grid", lang): top_rows["grid_code"].to_numpy(),
        _t("community", lang): top_rows["community_name_zh"].to_numpy(),
        _t("pk_main_road", lang): top_rows["main_road_name_zh"].fillna("–").to_numpy(),
        f"{_t('pk_this_week', lang)}（{unit}）": top_rows["violations"].astype(int).to_numpy(),
        f"{_t('pk_last_week', lang)}（{unit}）": top_rows["previous_week"].astype(int).to_numpy(),
        _t("pk_wow", lang): ["–" if c is None else f"{c:+.0f}%" for c in change],
    })


def road_table(roads: pd.DataFrame, lang: str) -> pd.DataFrame:
    unit = _t("pk_unit", lang)
    ecap = [kpi.percent(float(e), float(v)) for e, v in zip(roads["ecapture"], roads["violations"])]
    persuade = [kpi.percent(float(lft), float(r)) for lft, r in zip(roads["left_within_10min"], roads["reminded"])]
    return pd.DataFrame({
        _t("pk_road", lang): roads["name_zh"].to_numpy(),
        _t("pk_road_kind", lang): [_t("pk_capture_road" if c else ("pk_strict_road" if s else "pk_other_road"), lang)
                                   for c, s in zip(roads["has_ecapture"], roads["is_strict"])],
        _t("pk_strict_since", lang): [None if pd.isna(d) else str(d) for d in roads["strict_since"]],
        f"{_t('pk_length', lang)}（km）": roads["length_km"].round(2).to_numpy(),
        f"{_t('pk_violations', lang)}（{unit}）": roads["violations"].astype(int).to_numpy(),
        f"{_t('pk_per_day', lang)}（{_t('pk_unit_per_day', lang)}）": roads["per_day"].round(1).to_numpy(),
        f"{_t('pk_per_km_day', lang)}（{_t('pk_unit_per_km_day', lang)}）": roads["per_km_day"].round(1).to_numpy(),
        f"{_t('pk_ecapture_share', lang)}（%）": [None if v is None else round(v, 1) for v in ecap],
        f"{_t('pk_reminded', lang)}（{_t('pk_unit_sms', lang)}）": roads["reminded"].astype(int).to_numpy(),
        f"{_t('pk_persuade', lang)}（%）": [None if v is None else round(v, 1) for v in persuade],
        f"{_t('pk_tickets', lang)}（{unit}）": roads["ticketed_after_reminder"].astype(int).to_numpy(),
        f"{_t('pk_warnings', lang)}（{unit}）": roads["warned"].astype(int).to_numpy(),
    })


def daily_by_method(daily: pd.DataFrame, lang: str) -> go.Figure:
    unit = _t("pk_unit", lang)
    fig = go.Figure()
    for method in ("manual", "ecapture"):
        fig.add_bar(x=daily["day"], y=daily[method], name=_t(f"pk_method_{method}", lang),
                    marker_color=COLORS[method], hovertemplate=f"%{{y:,}} {unit}<extra></extra>")
    fig.update_layout(barmode="stack", yaxis_title=unit)
    return layout(fig, 300)


def road_trend(monthly: pd.DataFrame, lang: str) -> go.Figure:
    """Violations per day, month by month, since each road became strict."""
    unit = _t("pk_unit_per_day", lang)
    fig = go.Figure()
    for road_id, part in monthly.groupby("road_id", sort=True):
        fig.add_scatter(x=part["month"], y=part["per_day"].round(2), mode="lines+markers",
                        name=escape(part["name_zh"].iloc[0]),
                        hovertemplate=f"%{{x|%Y-%m}} · %{{y:,.2f}} {unit}<extra>%{{fullData.name}}</extra>")
    fig.update_layout(yaxis_title=unit, hovermode="closest")
    return layout(fig, 320)


def reminders_by_hour(by_hour: pd.DataFrame, lang: str) -> go.Figure:
    """Reminders per hour (bars: cars gone within 10 minutes, tickets, warnings, other) and 劝离率 (line)."""
    sms = _t("pk_unit_sms", lang)
    h = by_hour.sort_values("local_hour")
    other = (h["reminded"] - h["left_within_10min"] - h["ticketed_after_reminder"]).clip(lower=0)
    fig = go.Figure()
    for name, values, color in ((_t("pk_left", lang), h["left_within_10min"], COLORS["left"]),
                                (_t("pk_tickets", lang), h["ticketed_after_reminder"], COLORS["ticketed"]),
                                (_t("pk_reminded_other", lang), other, COLORS["reminded"])):
        fig.add_bar(x=h["local_hour"], y=values, name=name, marker_color=color,
                    hovertemplate=f"%{{x}}:00 · %{{y:,}} {sms}<extra>%{{fullData.name}}</extra>")
    rate = [kpi.percent(float(a), float(b)) for a, b in zip(h["left_within_10min"], h["reminded"])]
    fig.add_scatter(x=h["local_hour"], y=rate, name=_t("pk_persuade", lang) + " (%)", yaxis="y2", mode="lines",
                    line={"color": "#F2F2F2", "width": 2}, hovertemplate="%{x}:00 · %{y:.1f}%<extra></extra>")
    fig.update_layout(barmode="stack", xaxis={"title": _t("pk_hour", lang), "dtick": 2},
                      yaxis={"title": sms}, yaxis2={"title": "%", "overlaying": "y", "side": "right",
                                                    "range": [0, 100], "showgrid": False})
    return layout(fig, 320)


def warnings_vs_tickets(counts: dict[str, float], lang: str) -> go.Figure:
    unit = _t("pk_unit", lang)
    labels = [_t("pk_left", lang), _t("pk_warnings", lang), _t("pk_tickets", lang)]
    values = [counts["left_within_10min"], counts["warned"], counts["ticketed_after_reminder"]]
    fig = go.Figure(go.Pie(labels=labels, values=values, hole=0.55, sort=False, textinfo="label+percent",
                           marker={"colors": [COLORS["left"], COLORS["warned"], COLORS["ticketed"]]},
                           hovertemplate=f"%{{label}}: %{{value:,}} {unit}<extra></extra>"))
    fig.update_layout(showlegend=False, font={"family": FONT})
    return layout(fig, 300)


def supply_table(supply: pd.DataFrame, lang: str, radius_m: int) -> pd.DataFrame:
    unit = _t("pk_unit", lang)
    return pd.DataFrame({
        _t("pk_supply_name", lang): supply["name_zh"].to_numpy(),
        _t("pk_supply_kind", lang): [_t(f"pk_supply_{k}", lang) if k in SUPPLY_COLORS else k for k in supply["kind"]],
        f"{_t('pk_spaces', lang)}（{_t('pk_unit_space', lang)}）": supply["spaces"].astype(int).to_numpy(),
        f"{_t('pk_nearby', lang, r=radius_m)}（{unit}）": supply["violations_nearby"].astype(int).to_numpy(),
    })


def outcome_of(row: dict, lang: str) -> str:
    if row.get("ticketed_at") is not None and not pd.isna(row.get("ticketed_at")):
        return _t("pk_out_ticket", lang)
    if row.get("is_first_warning"):
        return _t("pk_out_warning", lang)
    if row.get("left_within_10min") is True:
        return _t("pk_out_left", lang)
    if row.get("reminder_at") is not None and not pd.isna(row.get("reminder_at")):
        return _t("pk_out_waiting", lang)
    return _t("pk_out_none", lang)


def recent_table(recent: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The latest records; the plate masked (浙F·12***), never as given."""
    rows = recent.to_dict("records")
    return pd.DataFrame({
        _t("pk_time", lang): [r["observed_at"].strftime("%m-%d %H:%M") for r in rows],
        _t("pk_road", lang): [r["road_name_zh"] or _t("pk_off_road", lang) for r in rows],
        _t("grid", lang): [r["grid_code"] for r in rows],
        _t("pk_method", lang): [_t(f"pk_method_{r['method']}", lang) for r in rows],
        _t("pk_plate", lang): [privacy.mask_plate(r["plate"]) for r in rows],
        _t("pk_outcome", lang): [outcome_of(r, lang) for r in rows],
    })
