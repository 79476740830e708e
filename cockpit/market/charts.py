"""Charts and display tables of the clothing-market page: aggregated frames in, figures and tables out.

No Streamlit here. Column headers carry their unit; codes become labels from cockpit.i18n.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cockpit import i18n
from cockpit.chartbase import layout
from cockpit.market import rules as market
from cockpit.markup import escape

COLORS = {"received": "#4C9BE8", "resolved": "#3DBE8B", "open": "#F2B134", "onsite": "#4C9BE8",
          "online": "#3DBE8B", "work_order": "#A77BE8", "unknown": "#8A94A6"}
OUTCOME_COLORS = {"resolved": "#3DBE8B", "referred": "#4C9BE8", "rejected": "#E8574C", "withdrawn": "#8A94A6",
                  "unknown": "#5B6475"}
SCORE_COLORS = ["#E8574C", "#F28E4C", "#F2B134", "#9BCB5B", "#3DBE8B"]
WORKDAY_HOURS = 7.5  # the standard working day (08:30–12:00, 13:30–17:30), for lead times in working days


def _name_col(prefix: str = "name") -> str:
    return f"{prefix}_zh" if i18n.current() == "zh" else f"{prefix}_en"


def label(prefix: str, code) -> str:
    """A code's label from the market block of i18n in the current language (the code itself when unknown)."""
    key = f"mk_{prefix}_{code}"
    return i18n.t(key) if key in i18n.TEXT else str(code)


def daily_trend(daily: pd.DataFrame) -> go.Figure:
    """Requests received per day by channel (stacked bars), resolved and open at day end (lines)."""
    unit = i18n.t("mk_unit_requests")
    fig = go.Figure()
    for channel in market.CHANNELS:
        fig.add_bar(x=daily["day"], y=daily[f"received_{channel}"], name=label("channel", channel),
                    marker_color=COLORS[channel], hovertemplate=f"%{{y:,}} {unit}<extra></extra>")
    fig.add_scatter(x=daily["day"], y=daily["resolved"], name=i18n.t("mk_col_resolved"), mode="lines+markers",
                    line={"color": COLORS["resolved"], "width": 2}, hovertemplate=f"%{{y:,}} {unit}<extra></extra>")
    fig.add_scatter(x=daily["day"], y=daily["open_at_day_end"], name=i18n.t("mk_open_day_end"),
                    mode="lines", line={"color": COLORS["open"], "width": 2, "dash": "dot"},
                    hovertemplate=f"%{{y:,}} {unit}<extra></extra>")
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text=unit, rangemode="tozero")
    fig.update_xaxes(title_text=None, tickformat="%m-%d")
    return layout(fig, 320)


def channel_bars(by_channel: pd.DataFrame) -> go.Figure:
    """Requests received in the period per channel (horizontal bars)."""
    unit = i18n.t("mk_unit_requests")
    df = by_channel.sort_values("received")
    fig = go.Figure(go.Bar(x=df["received"], y=[escape(label("channel", c)) for c in df["group_code"]],
                           orientation="h", marker_color=[COLORS.get(c, COLORS["unknown"]) for c in df["group_code"]],
                           hovertemplate=f"%{{x:,}} {unit}<extra></extra>", text=df["received"],
                           textposition="auto"))
    fig.update_xaxes(title_text=unit, rangemode="tozero")
    fig.update_layout(hovermode="closest")
    return layout(fig, 220)


def outcome_bars(outcomes: pd.DataFrame) -> go.Figure:
    unit = i18n.t("mk_unit_requests")
    fig = go.Figure(go.Bar(x=[escape(label("outcome", o)) for o in outcomes["outcome"]], y=outcomes["requests"],
                           marker_color=[OUTCOME_COLORS.get(o, OUTCOME_COLORS["unknown"]) for o in outcomes["outcome"]],
                           text=outcomes["requests"], textposition="auto",
                           hovertemplate=f"%{{y:,}} {unit}<extra></extra>"))
    fig.update_yaxes(title_text=unit, rangemode="tozero")
    fig.update_layout(hovermode="closest")
    return layout(fig, 260)


def satisfaction_bars(scores: pd.DataFrame) -> go.Figure:
    unit = i18n.t("mk_unit_requests")
    points = "分" if i18n.current() == "zh" else "pts"
    fig = go.Figure(go.Bar(x=[f"{int(s)} {points}" for s in scores["score"]], y=scores["requests"],
                           marker_color=SCORE_COLORS[: len(scores)], text=scores["requests"], textposition="auto",
                           hovertemplate=f"%{{y:,}} {unit}<extra></extra>"))
    fig.update_yaxes(title_text=unit, rangemode="tozero")
    fig.update_layout(hovermode="closest")
    return layout(fig, 260)


def ip_received(ip: pd.DataFrame) -> go.Figure:
    """IP-item requests received per month, one line per item."""
    unit = i18n.t("mk_unit_requests")
    name_col = _name_col()
    fig = go.Figure()
    for (code, name), rows in ip.groupby(["item_code", name_col], sort=True):
        fig.add_bar(x=rows["month"], y=rows["received"], name=escape(name), hovertemplate=f"%{{y:,}} {unit}<extra></extra>")
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text=unit, rangemode="tozero")
    fig.update_xaxes(title_text=None, tickformat="%Y-%m")
    return layout(fig, 300)


def ip_lead_time(ip: pd.DataFrame) -> go.Figure:
    """Median lead time per month and item, in working days of WORKDAY_HOURS."""
    unit = "工作日" if i18n.current() == "zh" else "working days"
    name_col = _name_col()
    fig = go.Figure()
    for (code, name), rows in ip.groupby(["item_code", name_col], sort=True):
        days = rows["median_resolution_working_hours"] / WORKDAY_HOURS
        fig.add_scatter(x=rows["month"], y=days, name=escape(name), mode="lines+markers", connectgaps=False,
                        hovertemplate=f"%{{y:.1f}} {unit}<extra></extra>")
    fig.update_yaxes(title_text=unit, rangemode="tozero")
    fig.update_xaxes(title_text=None, tickformat="%Y-%m")
    return layout(fig, 300)


# ------------------------------------------------------------------ tables
def _h(key: str) -> str:
    return i18n.t(key)


def item_table(table: pd.DataFrame) -> pd.DataFrame:
    """Every service item (28) with its group, department, volumes and speed; grouped by item group."""
    if table.empty:
        return pd.DataFrame()
    name_col = _name_col()
    df = table.sort_values(["group_zh", "item_code"])
    return pd.DataFrame({
        _h("mk_col_group"): [label("group", g) for g in df["group_zh"]],
        _h("mk_col_item"): df["item_code"] + " " + df[name_col],
        _h("mk_col_promised"): df["promised_hours"].round(1),
        _h("mk_col_received"): df["received"].astype(int),
        _h("mk_col_open"): df["open_now"].astype(int),
        _h("mk_col_first"): df["median_first_response_working_hours"].astype(float).round(1),
        _h("mk_col_resolution"): df["median_resolution_working_hours"].astype(float).round(1),
        _h("mk_col_within"): df["within_promise_rate"].astype(float).round(1),
        _h("mk_col_satisfaction"): df["satisfaction_avg"].astype(float).round(2),
    })


def department_table(table: pd.DataFrame) -> pd.DataFrame:
    if table.empty:
        return pd.DataFrame()
    name_col = _name_col()
    return pd.DataFrame({
        _h("mk_col_dept"): table[name_col],
        _h("mk_col_mode"): [label("mode", m) for m in table["mode"]],
        _h("mk_col_received"): table["received"].astype(int),
        _h("mk_col_resolved"): table["resolved"].astype(int),
        _h("mk_col_open"): table["open_now"].astype(int),
        _h("mk_col_waiting"): table["waiting_now"].astype(int),
        _h("mk_col_first"): table["median_first_response_working_hours"].astype(float).round(1),
        _h("mk_col_resolution"): table["median_resolution_working_hours"].astype(float).round(1),
        _h("mk_col_within"): table["within_promise_rate"].astype(float).round(1),
    })


def duty_table(duty: pd.DataFrame) -> pd.DataFrame:
    name_col = _name_col()
    return pd.DataFrame({
        _h("mk_col_dept"): duty[name_col],
        _h("mk_col_mode"): [label("mode", m) for m in duty["standing_mode"]],
        _h("mk_col_today"): [label("mode", m) if isinstance(m, str) else _h("mk_not_on_site")
                                   for m in duty["mode_today"]],
        _h("mk_col_next"): [d.strftime("%m-%d") if hasattr(d, "strftime") else "—"
                                  for d in duty["next_on_site_day"]],
        _h("mk_col_open"): duty["open_now"].astype(int),
        _h("mk_col_waiting"): duty["waiting_now"].astype(int),
    })


def roster_table(matrix: pd.DataFrame, departments: pd.DataFrame | None) -> pd.DataFrame:
    """Department × day, each cell the mode's label ('—' when not on site); the department's name is the
    first column (so the table shows without its index)."""
    if matrix.empty:
        return pd.DataFrame()
    name_col = _name_col()
    names = dict(zip(departments["dept_code"], departments[name_col])) if departments is not None else {}
    order = [c for c in (departments["dept_code"] if departments is not None else []) if c in matrix.index]
    m = matrix.reindex(order or list(matrix.index))
    out = m.apply(lambda col: col.map(lambda v: label("mode", v) if v else "—"))
    out.columns = [_day_label(d) for d in out.columns]
    out.insert(0, _h("mk_col_dept"), [names.get(c, c) for c in out.index])
    return out.reset_index(drop=True)


WEEKDAYS_ZH = "一二三四五六日"


def _day_label(day) -> str:
    if not hasattr(day, "strftime"):
        return str(day)
    return f"{day:%m-%d} 周{WEEKDAYS_ZH[day.weekday()]}" if i18n.current() == "zh" else f"{day:%m-%d %a}"


def longest_open_table(rows: pd.DataFrame, departments: pd.DataFrame | None) -> pd.DataFrame:
    """The longest-open requests; personal columns only if `rows` still has them (see market.present_personal)."""
    name_col = _name_col()
    depts = {} if departments is None else dict(zip(departments["dept_code"], departments[name_col]))
    item_col = _name_col("item_name")
    out = pd.DataFrame({
        "#": rows["request_id"].astype(int),
        _h("mk_col_item"): rows["item_code"] + " " + rows[item_col],
        _h("mk_col_dept"): [depts.get(c, c) for c in rows["dept_code"]],
        _h("mk_col_channel"): [label("channel", c) for c in rows["channel"]],
        _h("mk_col_zone"): rows["zone_code"],
        _h("mk_col_stall"): rows["stall_no"],
    })
    if "merchant_name" in rows.columns:
        out[_h("mk_col_merchant")] = rows["merchant_name"]
    if "merchant_phone" in rows.columns:
        out[_h("mk_col_phone")] = rows["merchant_phone"]
    out[_h("mk_col_submitted")] = rows["submitted_at"].dt.strftime("%m-%d %H:%M")
    out[_h("mk_col_state")] = [label("state", s) for s in rows["state"]]
    out[_h("mk_col_age")] = rows["age_working_hours"].astype(float).round(1)
    out[_h("mk_col_promised")] = rows["promised_hours"].astype(float).round(1)
    out[_h("mk_col_over")] = rows["working_hours_over_promise"].astype(float).clip(lower=0).round(1)
    out[_h("mk_col_on_site")] = [_h("mk_yes" if v else "mk_no") for v in rows["is_dept_on_site_today"]]
    return out


def repeat_table(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        _h("mk_col_stall"): rows["stall_no"],
        _h("mk_col_zone"): rows["zone_code"],
        _h("mk_col_requests"): rows["requests"].astype(int),
        _h("mk_col_items"): rows["items"].astype(int),
        _h("mk_col_item"): rows["item_codes"],
        _h("mk_col_open"): rows["open_now"].astype(int),
        _h("mk_col_last"): rows["last_at"].dt.strftime("%m-%d %H:%M"),
    })


def data_quality_text(dq: pd.DataFrame | None) -> str | None:
    """'N requests left out: reason n, …', or None when none were."""
    if dq is None or dq.empty:
        return None
    total = int(dq["requests"].sum())
    detail = "、".join if i18n.current() == "zh" else ", ".join
    parts = detail(f"{escape(i18n.label(i18n.ISSUES, c))} {int(n)}" for c, n in zip(dq["issue_code"], dq["requests"]))
    return i18n.t("mk_data_quality", n=f"{total:,}", detail=parts)

