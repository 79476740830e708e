"""Charts and display tables of the drone page: aggregated frames in, figures and tables out.

No Streamlit and no SQL here; texts in the current language (cockpit.i18n); column headers carry their
unit; codes become labels. The map's layers are in cockpit.drones.maps, the figures in
cockpit.drones.data, the rules (coverage, blind spots, classes) in cockpit.drones.rules.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from cockpit import i18n
from cockpit.chartbase import layout
from cockpit.drones import rules as dr
from cockpit.drones.maps import state_label
from cockpit.markup import escape, escape_all

COLORS = {"detections": "#4C9BE8", "cases": "#F28E4C", "closed": "#3DBE8B", "sorties": "#8A94A6"}
BAR_ROW_PX, BAR_MIN_PX, BAR_PAD_PX = 28, 260, 80
FUNNEL_PX = 260


def _t(key: str, **values) -> str:
    return i18n.t(key, **values)


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT


def _zh() -> bool:
    return i18n.current() == "zh"


# ------------------------------------------------------------------ tables
def coverage_table(coverage: pd.DataFrame) -> pd.DataFrame:
    """One row per town and the city: grids, coverage over 1 / 7 / 30 days (%), blind spots now and a week ago.
    With a single town the city row (the same figures) is left out."""
    name_col = "name_zh" if _zh() else "name_en"
    if coverage["town_code"].notna().sum() == 1:
        coverage = coverage[coverage["town_code"].notna()]
    names = [(_t("dr_city") if not isinstance(c, str) else n) for c, n in zip(coverage["town_code"],
                                                                         coverage[name_col])]
    pct = {d: [None if not n else 100.0 * c / n for c, n in zip(coverage[f"covered_{d}d"], coverage["grids_total"])]
           for d in dr.COVERAGE_WINDOWS_DAYS}
    return pd.DataFrame({
        _t("dr_col_town"): names,
        _t("dr_col_grids"): coverage["grids_total"].astype(int),
        f"{_t('dr_col_cov1')} (%)": pct[1],
        f"{_t('dr_col_cov7')} (%)": pct[7],
        f"{_t('dr_col_cov30')} (%)": pct[30],
        _t("dr_col_blind_now"): coverage["blind_now"].astype(int),
        _t("dr_col_blind_prev"): coverage["blind_week_ago"].astype(int),
    })


def blind_table(grid_status: pd.DataFrame, grid_shapes: pd.DataFrame | None, town_names: dict[str, str],
                top: int = dr.TOP_BLIND) -> pd.DataFrame:
    """The `top` blind spots in rank order, with the change over the week."""
    blind = grid_status[grid_status["is_blind"].astype(bool)].sort_values("blind_rank").head(top)
    communities = {} if grid_shapes is None else dict(zip(grid_shapes["grid_code"], grid_shapes["community_name_zh"]))
    last = []
    for at, days, lb in zip(blind["last_pass_at"], blind["days_since_pass"], blind["lookback_days"]):
        last.append(_t("dr_never", n=int(lb)) if _missing(at) else f"{at:%Y-%m-%d %H:%M}")
    change = [dr.blind_change(True, bool(w)) for w in blind["was_blind"]]
    return pd.DataFrame({
        _t("dr_col_rank"): blind["blind_rank"].astype(int),
        _t("dr_col_grid"): blind["grid_code"],
        _t("dr_col_community"): [communities.get(g, "") for g in blind["grid_code"]],
        _t("dr_col_town"): [town_names.get(c, c) for c in blind["town_code"]],
        _t("dr_col_last_pass"): last,
        _t("dr_col_days_since"): ["—" if _missing(d) else f"{int(d)}" for d in blind["days_since_pass"]],
        _t("dr_col_cases_30d"): blind["cases_30d"].astype(int),
        _t("dr_col_change"): [_t(f"dr_change_{c}") for c in change],
    })


def nests_table(nests: pd.DataFrame, town_names: dict[str, str]) -> pd.DataFrame:
    state = [(_t("dr_flying_now") if f else state_label(s))
             for s, f in zip(nests["status_code"], nests["is_flying_now"])]
    return pd.DataFrame({
        _t("dr_col_nest"): nests["name_zh"],
        _t("dr_col_town"): [town_names.get(c, c) for c in nests["town_code"]],
        _t("dr_col_state"): state,
        _t("dr_col_sorties_today"): nests["sorties_today"].astype(int),
        _t("dr_col_sorties_week"): nests["sorties_week"].astype(int),
        _t("dr_col_hours_7d"): nests["hours_7d"].astype(float).round(1),
        f"{_t('dr_col_util')} (%)": nests["utilisation_pct"].astype(float).round(1),
        _t("dr_col_last_flight"): ["—" if _missing(v) else f"{v:%m-%d %H:%M}" for v in nests["last_started_at"]],
        _t("dr_col_radius"): nests["camera_radius_m"].astype(float).round(0),
    })


def detection_table(det: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Rows of one dimension (category | nest | route) with sorties, detections, cases and outcomes."""
    rows = det[det["dimension"] == dimension]
    out = pd.DataFrame()
    if dimension == "category":
        name = "category_name_zh" if _zh() else "category_name_en"
        out[_t("dr_col_category")] = rows[name].fillna(rows["category_code"])
    else:
        out[_t("dr_col_nest")] = rows["nest_name_zh"].fillna(rows["nest_id"])
        if dimension == "route":
            out[_t("dr_col_route")] = rows["route_name"]
        out[_t("dr_col_sorties")] = rows["sorties"].astype(int)
    out[_t("dr_col_detections")] = rows["detections"].astype(int)
    out[_t("dr_col_cases")] = rows["became_case"].astype(int)
    if dimension != "category":
        out[_t("dr_col_per100")] = [None if not s else round(100.0 * c / s, 1)
                                    for c, s in zip(rows["became_case"], rows["sorties"])]
    for key, col in (("dr_col_closed", "case_closed"), ("dr_col_open", "case_open"),
                     ("dr_col_overdue", "case_overdue"), ("dr_col_rejected", "case_rejected"),
                     ("dr_col_not_found", "case_not_found")):
        out[_t(key)] = rows[col].astype(int)
    return out.reset_index(drop=True)


def quality_text(q: dict[str, int]) -> tuple[str, list[str]]:
    """The line of counted and left-out sorties, points and segments, and one line per reason, from
    cockpit.drones.data.quality_counts."""
    line = _t("dr_quality_line", f=f"{q['ok_flight']:,}", p=f"{q['ok_point']:,}", s=f"{q['ok_segment']:,}",
              bf=f"{q['bad_flight']:,}", bp=f"{q['bad_point']:,}", bs=f"{q['bad_segment']:,}")
    details = []
    for key, value in sorted(q.items()):
        if ":" not in key:
            continue
        level, code = key.split(":", 1)
        reason = _t(f"dr_break_{code}") if f"dr_break_{code}" in i18n.TEXT else escape(i18n.label(i18n.ISSUES, code))
        details.append(f"{_t(f'dr_level_{level}')}{i18n.colon()}{reason} {value:,}")
    return line, details


# ------------------------------------------------------------------ charts
def detection_bars(det: pd.DataFrame) -> go.Figure:
    """Detections and those that became cases, per category (horizontal bars)."""
    rows = det[det["dimension"] == "category"].sort_values("detections")
    name = "category_name_zh" if _zh() else "category_name_en"
    labels = escape_all(rows[name].fillna(rows["category_code"]))  # plotly reads tags in text
    fig = go.Figure()
    fig.add_bar(y=labels, x=rows["detections"], orientation="h", name=_t("dr_funnel_detections"),
                marker_color=COLORS["detections"],
                hovertemplate=f"%{{x:,}} {_t('dr_unit_detections')}<extra></extra>")
    fig.add_bar(y=labels, x=rows["became_case"], orientation="h", name=_t("dr_funnel_cases"),
                marker_color=COLORS["cases"], hovertemplate=f"%{{x:,}} {_t('dr_unit_cases')}<extra></extra>")
    fig.update_layout(barmode="group", hovermode="y unified")
    layout(fig, max(BAR_MIN_PX, BAR_ROW_PX * len(rows) + BAR_PAD_PX))
    fig.update_layout(hovermode="y unified")
    return fig


def funnel(det: pd.DataFrame) -> go.Figure:
    """Sorties → detections → cases → closed, for the period (the shape of the published 500 → 28)."""
    total = det[det["dimension"] == "total"]
    row = total.iloc[0] if not total.empty else pd.Series(dtype=float)
    values = [int(row.get(c, 0) or 0) for c in ("sorties", "detections", "became_case", "case_closed")]
    units = ["dr_unit_sorties", "dr_unit_detections", "dr_unit_cases", "dr_unit_cases"]
    labels = [_t(k) for k in ("dr_funnel_sorties", "dr_funnel_detections", "dr_funnel_cases", "dr_funnel_closed")]
    fig = go.Figure(go.Funnel(y=labels, x=values, text=[f"{v:,} {_t(u)}" for v, u in zip(values, units)],
                              textinfo="text",
                              marker={"color": [COLORS[k] for k in ("sorties", "detections", "cases", "closed")]},
                              hoverinfo="skip"))
    return layout(fig, FUNNEL_PX)

