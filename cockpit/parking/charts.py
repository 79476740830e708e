"""Parking (违停) charts and tables: aggregated frames in, plotly figures and display tables out.

No Streamlit here. Plates reach a table only through cockpit.privacy.mask_plate.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cockpit import i18n, kpi, privacy
from cockpit.cases import charts as case_charts
from cockpit.chartbase import FONT, layout
from cockpit.markup import escape

COLORS = {"manual": "#4C9BE8", "ecapture": "#F2B134", "reminded": "#8A94A6", "left": "#3DBE8B",
          "ticketed": "#E8574C", "warned": "#B48EF0"}
SUPPLY_KINDS = ("shared", "temporary", "nonmotor")
_t = i18n.t  # the current language (set once per run)


def road_label(row: dict | pd.Series) -> str:
    kind = _t("pk_capture_road" if row["has_ecapture"] else "pk_strict_road")
    return i18n.with_unit(row['name_zh'], kind) if i18n.current() == "zh" else f"{row['name_zh']} ({kind})"


def road_options(roads: pd.DataFrame | None) -> dict[str, str]:
    """The road filter's choices, {road_id: label}, by road_id; none when the roads did not load."""
    if roads is None:
        return {}
    return {r["road_id"]: road_label(r) for r in roads.sort_values("road_id").to_dict("records")}


def data_quality_note(bad: pd.DataFrame, days: int) -> str:
    """'N records left out: reason n, …' from common.data_quality rows of parking_violation."""
    parts = [f"{escape(i18n.label(i18n.ISSUES, c))} {int(n):,}" for c, n in zip(bad["issue_code"], bad["row_count"])]
    return _t("pk_dq_note", days=days, n=f"{int(bad['row_count'].sum()):,}", detail="、".join(parts) if i18n.current() == "zh"
              else ", ".join(parts))


def hotspot_table(hot: pd.DataFrame, top: int = 15) -> pd.DataFrame:
    unit = _t("pk_unit")
    top_rows = hot.head(top)
    change = [kpi.change_percent(float(a), float(b)) for a, b in zip(top_rows["violations"], top_rows["previous_week"])]
    return pd.DataFrame({
        _t("rank"): range(1, len(top_rows) + 1),
        _t("grid"): top_rows["grid_code"].to_numpy(),
        _t("community"): top_rows["community_name_zh"].to_numpy(),
        _t("pk_main_road"): top_rows["main_road_name_zh"].fillna("–").to_numpy(),
        i18n.with_unit(_t('pk_this_week'), unit): top_rows["violations"].astype(int).to_numpy(),
        i18n.with_unit(_t('pk_last_week'), unit): top_rows["previous_week"].astype(int).to_numpy(),
        _t("pk_wow"): ["–" if c is None else f"{c:+.0f}%" for c in change],
    })


def road_table(roads: pd.DataFrame) -> pd.DataFrame:
    unit = _t("pk_unit")
    ecap = [kpi.percent(float(e), float(v)) for e, v in zip(roads["ecapture"], roads["violations"])]
    persuade = [kpi.percent(float(lft), float(r)) for lft, r in zip(roads["left_within_10min"], roads["reminded"])]
    return pd.DataFrame({
        _t("pk_road"): roads["name_zh"].to_numpy(),
        _t("pk_road_kind"): [_t("pk_capture_road" if c else ("pk_strict_road" if s else "pk_other_road"))
                             for c, s in zip(roads["has_ecapture"], roads["is_strict"])],
        _t("pk_strict_since"): [None if pd.isna(d) else str(d) for d in roads["strict_since"]],
        i18n.with_unit(_t('pk_length'), "km"): roads["length_km"].round(2).to_numpy(),
        i18n.with_unit(_t('pk_violations'), unit): roads["violations"].astype(int).to_numpy(),
        i18n.with_unit(_t('pk_per_day'), _t('pk_unit_per_day')): roads["per_day"].round(1).to_numpy(),
        i18n.with_unit(_t('pk_per_km_day'), _t('pk_unit_per_km_day')): roads["per_km_day"].round(1).to_numpy(),
        i18n.with_unit(_t('pk_ecapture_share'), "%"): [None if v is None else round(v, 1) for v in ecap],
        i18n.with_unit(_t('pk_reminded'), _t('pk_unit_sms')): roads["reminded"].astype(int).to_numpy(),
        i18n.with_unit(_t('pk_persuade'), "%"): [None if v is None else round(v, 1) for v in persuade],
        i18n.with_unit(_t('pk_tickets'), unit): roads["ticketed_after_reminder"].astype(int).to_numpy(),
        i18n.with_unit(_t('pk_warnings'), unit): roads["warned"].astype(int).to_numpy(),
    })


def daily_by_method(daily: pd.DataFrame) -> go.Figure:
    unit = _t("pk_unit")
    fig = go.Figure()
    for method in ("manual", "ecapture"):
        fig.add_bar(x=daily["day"], y=daily[method], name=_t(f"pk_method_{method}"),
                    marker_color=COLORS[method], hovertemplate=f"%{{y:,}} {unit}<extra></extra>")
    fig.update_layout(barmode="stack", yaxis_title=unit)
    return layout(fig, 300)


def road_trend(monthly: pd.DataFrame) -> go.Figure:
    """Violations per day, month by month, since each road became strict."""
    unit = _t("pk_unit_per_day")
    fig = go.Figure()
    for road_id, part in monthly.groupby("road_id", sort=True):
        fig.add_scatter(x=part["month"], y=part["per_day"].round(2), mode="lines+markers",
                        name=escape(part["name_zh"].iloc[0]),
                        hovertemplate=f"%{{x|%Y-%m}} · %{{y:,.2f}} {unit}<extra>%{{fullData.name}}</extra>")
    fig.update_layout(yaxis_title=unit, hovermode="closest")
    return layout(fig, 320)


def reminders_by_hour(by_hour: pd.DataFrame) -> go.Figure:
    """Reminders per hour (bars: cars gone within 10 minutes, tickets, warnings, other) and 劝离率 (line)."""
    sms = _t("pk_unit_sms")
    h = by_hour.sort_values("local_hour")
    other = (h["reminded"] - h["left_within_10min"] - h["ticketed_after_reminder"]).clip(lower=0)
    fig = go.Figure()
    for name, values, color in ((_t("pk_left"), h["left_within_10min"], COLORS["left"]),
                                (_t("pk_tickets"), h["ticketed_after_reminder"], COLORS["ticketed"]),
                                (_t("pk_reminded_other"), other, COLORS["reminded"])):
        fig.add_bar(x=h["local_hour"], y=values, name=name, marker_color=color,
                    hovertemplate=f"%{{x}}:00 · %{{y:,}} {sms}<extra>%{{fullData.name}}</extra>")
    rate = [kpi.percent(float(a), float(b)) for a, b in zip(h["left_within_10min"], h["reminded"])]
    fig.add_scatter(x=h["local_hour"], y=rate, name=_t("pk_persuade") + " (%)", yaxis="y2", mode="lines",
                    line={"color": "#F2F2F2", "width": 2}, hovertemplate="%{x}:00 · %{y:.1f}%<extra></extra>")
    fig.update_layout(barmode="stack", xaxis={"title": _t("pk_hour"), "dtick": 2},
                      yaxis={"title": sms}, yaxis2={"title": "%", "overlaying": "y", "side": "right",
                                                    "range": [0, 100], "showgrid": False})
    return layout(fig, 320)


def warnings_vs_tickets(counts) -> go.Figure:
    """After the reminders (cockpit.parking.data.Counts): cars gone, first-violation warnings, tickets."""
    unit = _t("pk_unit")
    labels = [_t("pk_left"), _t("pk_warnings"), _t("pk_tickets")]
    values = [counts.left_within_10min, counts.warned, counts.ticketed_after_reminder]
    fig = go.Figure(go.Pie(labels=labels, values=values, hole=0.55, sort=False, textinfo="label+percent",
                           marker={"colors": [COLORS["left"], COLORS["warned"], COLORS["ticketed"]]},
                           hovertemplate=f"%{{label}}: %{{value:,}} {unit}<extra></extra>"))
    fig.update_layout(showlegend=False, font={"family": FONT})
    return layout(fig, 300)


def rhythm(pattern: pd.DataFrame) -> go.Figure:
    """Violations per weekday × hour (parking.hour_weekday), for patrol schedules."""
    return case_charts.hour_weekday_heatmap(pattern, i18n.current(), "violations", _t("pk_unit"))


def supply_table(supply: pd.DataFrame, radius_m: int) -> pd.DataFrame:
    unit = _t("pk_unit")
    return pd.DataFrame({
        _t("pk_supply_name"): supply["name_zh"].to_numpy(),
        _t("pk_supply_kind"): [_t(f"pk_supply_{k}") if k in SUPPLY_KINDS else k for k in supply["kind"]],
        i18n.with_unit(_t('pk_spaces'), _t('pk_unit_space')): supply["spaces"].astype(int).to_numpy(),
        i18n.with_unit(_t('pk_nearby', r=radius_m), unit): supply["violations_nearby"].astype(int).to_numpy(),
    })


def outcome_of(row: dict) -> str:
    if row.get("ticketed_at") is not None and not pd.isna(row.get("ticketed_at")):
        return _t("pk_out_ticket")
    if row.get("is_first_warning"):
        return _t("pk_out_warning")
    if row.get("left_within_10min") is True:
        return _t("pk_out_left")
    if row.get("reminder_at") is not None and not pd.isna(row.get("reminder_at")):
        return _t("pk_out_waiting")
    return _t("pk_out_none")


def recent_table(recent: pd.DataFrame) -> pd.DataFrame:
    """The latest records; the plate masked (浙F·12***), never as given."""
    rows = recent.to_dict("records")
    return pd.DataFrame({
        _t("pk_time"): [r["observed_at"].strftime("%m-%d %H:%M") for r in rows],
        _t("pk_road"): [r["road_name_zh"] if isinstance(r["road_name_zh"], str) and r["road_name_zh"]
                        else _t("pk_off_road") for r in rows],
        _t("grid"): [r["grid_code"] for r in rows],
        _t("pk_method"): [_t(f"pk_method_{r['method']}") for r in rows],
        _t("pk_plate"): [privacy.mask_plate(r["plate"]) for r in rows],
        _t("pk_outcome"): [outcome_of(r) for r in rows],
    })
