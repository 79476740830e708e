"""Charts and tables of the waste page (plotly figures and display frames; no queries here), in the current
language (cockpit.i18n)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cockpit import i18n, kpi
from cockpit.chartbase import COLORS, layout
from cockpit.markup import escape_all

CATEGORY_COLORS = {"perishable": "#3DBE8B", "other": "#8A94A6", "recyclable": "#4C9BE8", "hazardous": "#E8574C"}
CATEGORY_NAMES = {"perishable": ("易腐垃圾", "Perishable"), "other": ("其他垃圾", "Other"),
                  "recyclable": ("可回收物", "Recyclable"), "hazardous": ("有害垃圾", "Hazardous")}
PLANT_CAPACITY_TONNES = 1000.0 + 180.0   # eco-energy plant: household + kitchen (DOMAIN.md)


def _zh() -> bool:
    return i18n.current() == "zh"


def _num(values) -> pd.Series:
    """A numeric column (nulls from the database become NaN)."""
    return pd.to_numeric(pd.Series(values), errors="coerce")


def category_name(code: str) -> str:
    return i18n.label(CATEGORY_NAMES, code)


def tonnes_daily(daily: pd.DataFrame, category: str | None = None) -> go.Figure:
    """Stacked tonnes per day by category, with the plant's daily capacity as a reference line."""
    df = daily if category is None else daily[daily["category_code"] == category]
    unit = i18n.t("tonnes")
    fig = go.Figure()
    for code in CATEGORY_NAMES:
        part = df[df["category_code"] == code]
        if part.empty:
            continue
        fig.add_bar(x=pd.to_datetime(part["day"]), y=part["tonnes"], name=category_name(code),
                    marker_color=CATEGORY_COLORS[code],
                    hovertemplate=f"%{{x|%m-%d}} · %{{y:,.1f}} {unit}<extra>%{{fullData.name}}</extra>")
    if category is None:
        fig.add_hline(y=PLANT_CAPACITY_TONNES, line_dash="dot", line_color="#F2A541",
                      annotation_text=i18n.t("ws_plant_line"), annotation_position="top left")
    fig.update_layout(barmode="stack", legend={"orientation": "h", "y": -0.2})
    fig.update_yaxes(title=unit)
    return layout(fig, 320)


def compliance_trend(by_town: pd.DataFrame) -> go.Figure:
    """Daily on-time collection rate over all towns (rounds due collected on time ÷ rounds due)."""
    day = by_town.groupby("day", as_index=False)[["rounds_on_time", "rounds_decided"]].sum()
    day = day[day["rounds_decided"] > 0]
    rate = 100.0 * day["rounds_on_time"] / day["rounds_decided"]
    fig = go.Figure(go.Scatter(x=pd.to_datetime(day["day"]), y=rate, mode="lines+markers",
                               line={"color": "#3DBE8B"}, hovertemplate="%{x|%m-%d} · %{y:.1f}%<extra></extra>"))
    target = kpi.KPIS["waste_compliance"].target
    if target is not None:
        fig.add_hline(y=target, line_dash="dot", line_color="#F2A541")
    fig.update_yaxes(title="%", range=[max(0.0, float(rate.min()) - 5) if len(rate) else 0, 100.5])
    return layout(fig, 260)


def tonnes_by_town_table(by_town: pd.DataFrame) -> pd.DataFrame:
    name = "town_name_zh" if _zh() else "town_name_en"
    pivot = by_town.pivot_table(index=name, columns="category_code", values="tonnes", aggfunc="sum", fill_value=0.0)
    pivot = pivot.reindex(columns=list(CATEGORY_NAMES), fill_value=0.0)
    pivot["total"] = pivot.sum(axis=1)
    pivot = pivot.sort_values("total", ascending=False)
    unit = i18n.t("tonnes")
    pivot.columns = [i18n.with_unit(category_name(c), unit) if c != "total" else
                     ("合计（吨）" if _zh() else "Total (t)") for c in pivot.columns]
    pivot.index.name = i18n.t("ws_col_town")
    return pivot.round(1).reset_index()


def compliance_by_town_table(by_town: pd.DataFrame) -> pd.DataFrame:
    name = "town_name_zh" if _zh() else "town_name_en"
    g = by_town.groupby(name, as_index=False)[["rounds_on_time", "rounds_decided", "stations_in_breach"]].sum()
    g["rate"] = (100.0 * g["rounds_on_time"] / g["rounds_decided"].where(g["rounds_decided"] > 0)).round(1)
    g = g.sort_values("rate", na_position="last")
    return pd.DataFrame({
        i18n.t("ws_col_town"): g[name],
        i18n.t("ws_col_rate"): g["rate"],
        i18n.t("ws_col_rounds"): g["rounds_decided"].astype(int),
        i18n.t("ws_col_breach_stations"): g["stations_in_breach"].astype(int),
    })


def breaches_table(breaches: pd.DataFrame) -> pd.DataFrame:
    name = "town_name_zh" if _zh() else "town_name_en"
    return pd.DataFrame({
        i18n.t("ws_col_station"): breaches["name_zh"],
        i18n.t("ws_col_town"): breaches[name],
        i18n.t("ws_col_round"): [i18n.t(f"ws_{r}") for r in breaches["round"]],
        i18n.t("ws_col_state"): [i18n.t(f"ws_{s}") for s in breaches["state"]],
        i18n.t("ws_col_cutoff"): pd.to_datetime(breaches["cutoff_at"]).dt.strftime("%H:%M"),
        i18n.t("ws_col_collected"): pd.to_datetime(breaches["collected_at"]).dt.strftime("%H:%M").fillna("—"),
        i18n.t("ws_col_late"): _num(breaches["minutes_late"]).round(0),
        i18n.t("ws_col_vehicle"): breaches["expected_vehicle_id"].fillna("—"),
    })


def disposal_table(load: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        i18n.t("ws_col_station"): load["name_zh"],
        i18n.t("ws_category"): [category_name(c) for c in load["treats_category_code"]],
        i18n.t("ws_col_tonnes"): _num(load["tonnes_today"]).round(1),
        i18n.t("ws_col_capacity"): load["capacity_tonnes_per_day"],
        i18n.t("ws_col_load"): (100.0 * _num(load["load_ratio"])).round(1),
    })


def vehicles_table(vehicles: pd.DataFrame, top: int = 15) -> pd.DataFrame:
    v = vehicles.sort_values(["unloaded_tonnes", "collected_tonnes"], ascending=False).head(top)
    return pd.DataFrame({
        "ID": v["vehicle_id"],
        i18n.t("ws_category"): [category_name(c) for c in v["category_code"]],
        i18n.t("ws_col_state"): [i18n.t(f"ws_state_{s}") for s in v["state"]],
        i18n.t("ws_col_trips"): v["trips"].astype(int),
        i18n.t("ws_col_tonnes"): (_num(v["collected_tonnes"]) + _num(v["unloaded_tonnes"])).round(1),
        i18n.t("ws_col_last"): pd.to_datetime(v["last_weighed_at"], utc=True).dt.tz_convert("Asia/Shanghai")
        .dt.strftime("%H:%M").fillna("—"),
    })


def attention_table(att: pd.DataFrame) -> pd.DataFrame:
    flags = []
    for r in att.itertuples():
        parts = []
        if r.no_collection:
            parts.append(i18n.t("ws_flag_no_collection"))
        if isinstance(r.unusual, str) and r.unusual:
            parts.append(i18n.t(f"ws_flag_{r.unusual}"))
        flags.append("；".join(parts) if _zh() else "; ".join(parts))
    band = [f"{lo:.2f} – {hi:.2f}" if pd.notna(lo) and pd.notna(hi) else "—"
            for lo, hi in zip(att["low_tonnes"], att["high_tonnes"])]
    return pd.DataFrame({
        i18n.t("ws_col_station"): att["name_zh"],
        i18n.t("ws_col_flag"): flags,
        i18n.t("ws_col_hours"): _num(att["hours_since_collection"]).round(1),
        i18n.t("ws_col_today"): _num(att["today_tonnes"]).round(2),
        i18n.t("ws_col_normal"): band,
    })


def waste_by_category(waste: pd.DataFrame) -> go.Figure:
    """Tonnes collected and received at disposal today per category, with the design capacity."""
    names = escape_all(waste["name_zh" if _zh() else "name_en"])  # plotly reads tags in text
    tonnes = i18n.t("tonnes")
    fig = go.Figure()
    fig.add_bar(x=names, y=waste["collected_tonnes"], name=i18n.t("collected_today"),
                marker_color=COLORS["received"], hovertemplate=f"%{{y:,.1f}} {tonnes}<extra></extra>")
    fig.add_bar(x=names, y=waste["disposed_tonnes"], name=i18n.t("disposed_today"),
                marker_color=COLORS["closed"], hovertemplate=f"%{{y:,.1f}} {tonnes}<extra></extra>")
    if waste["capacity_tonnes_per_day"].notna().any():
        fig.add_scatter(x=names, y=waste["capacity_tonnes_per_day"], name=i18n.t("capacity"), mode="markers",
                        marker={"symbol": "line-ew-open", "size": 28, "color": COLORS["capacity"],
                                "line": {"width": 3}},
                        hovertemplate=f"%{{y:,.0f}} {tonnes}<extra></extra>")
    fig.update_yaxes(title_text=tonnes, rangemode="tozero")
    fig.update_layout(barmode="group")
    return layout(fig, 260)
