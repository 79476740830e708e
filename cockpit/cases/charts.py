"""Chart and table builders of the grid-case area: aggregated frames in, plotly figures and display
tables out, in i18n's current language.

No Streamlit here; pages hand the results to ui.chart_or_empty / ui.table_or_empty.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cockpit import i18n, kpi
from cockpit.chartbase import COLORS, FONT, layout, rgba  # noqa: F401
from cockpit.cases.data import COUNT_COLUMNS as CASE_COUNT_COLUMNS
from cockpit.cases.rules import COLOURS, ShopSummary
from cockpit.markup import escape, escape_all

def daily_received_closed(daily: pd.DataFrame) -> go.Figure:
    """Cases received (bars) and closed (line) per day."""
    unit = i18n.t("cases_unit")
    fig = go.Figure()
    fig.add_bar(x=daily["day"], y=daily["received"], name=i18n.t("received"),
                marker_color=COLORS["received"], hovertemplate=f"%{{y:,}} {unit}<extra></extra>")
    fig.add_scatter(x=daily["day"], y=daily["closed"], name=i18n.t("closed"), mode="lines+markers",
                    line={"color": COLORS["closed"], "width": 2}, hovertemplate=f"%{{y:,}} {unit}<extra></extra>")
    fig.update_yaxes(title_text=f"{i18n.t('cases_unit')}", rangemode="tozero")
    fig.update_xaxes(title_text=None, tickformat="%m-%d")
    return layout(fig)


def names(lookup: pd.DataFrame | None, code_col: str) -> dict[str, str]:
    """code -> name in the current language from a lookup's rows ({} when it failed)."""
    if lookup is None:
        return {}
    return dict(zip(lookup[code_col], lookup["name_zh" if i18n.current() == "zh" else "name_en"]))


def town_ranking(by_town: pd.DataFrame | None, towns: pd.DataFrame | None) -> pd.DataFrame:
    """Towns ranked by composite score, with the KPIs behind it (units in the headers)."""
    if by_town is None or by_town.empty:
        return pd.DataFrame()
    lang = i18n.current()
    town_names = names(towns, "town_code")
    rows = []
    for record in by_town.to_dict("records"):
        rates = kpi.case_rates({c: float(record[c]) for c in CASE_COUNT_COLUMNS})
        rows.append({
            "town": town_names.get(record["group_code"], record["group_code"]),
            "received": int(record["received"]),
            **{k: rates[k] for k in ("composite_score", "ontime_dispose_rate", "close_rate", "rework_rate")},
        })
    df = pd.DataFrame(rows).sort_values("composite_score", ascending=False, na_position="last")
    df.insert(0, "rank", range(1, len(df) + 1))
    k = kpi.KPIS
    return df.rename(columns={
        "rank": i18n.t("rank"),
        "town": i18n.t("town"),
        "received": f"{i18n.t('received')}（{i18n.t('cases_unit')}）" if lang == "zh"
        else f"{i18n.t('received')} ({i18n.t('cases_unit')})",
        "composite_score": f"{k['composite_score'].name(lang)}（分）" if lang == "zh"
        else f"{k['composite_score'].name(lang)} (pts)",
        "ontime_dispose_rate": f"{k['ontime_dispose_rate'].name(lang)} (%)",
        "close_rate": f"{k['close_rate'].name(lang)} (%)",
        "rework_rate": f"{k['rework_rate'].name(lang)} (%)",
    }).round(1)


# -- grid cases ------------------------------------------------------------------------------------
STAGES: dict[str, tuple[str, str]] = {
    "reported": ("已上报", "Reported"), "accepted": ("已受理/研判", "Accepted"), "registered": ("已立案", "Registered"),
    "dispatched": ("已派遣/交办", "Dispatched"), "disposed": ("已处置", "Disposed"),
    "feedback": ("已反馈", "Feedback given"), "verified": ("已核查", "Verified"),
    "accept": ("受理/研判", "Accept"), "register": ("立案", "Register"), "dispatch": ("派遣/交办", "Dispatch"),
    "dispose": ("处置", "Dispose"), "verify": ("核查", "Verify"), "close": ("结案", "Close"),
    "total": ("上报→结案（全程）", "Report → close (whole)"),
}
SOURCES: dict[str, tuple[str, str]] = {
    "grid_worker": ("网格员", "Grid worker"), "video_ai": ("视频AI", "Video AI"), "drone": ("无人机", "Drone"),
    "patrol": ("巡查/行走平湖", "Patrol"), "citizen": ("群众", "Citizens"), "supervision": ("两单一函", "Supervision letters"),
}
SHOP_COLOURS = {"green": "#3DBE8B", "yellow": "#F2B134", "red": "#E8574C"}
WEEKDAYS = {"zh": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
            "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]}


def stage_bars(stage_now: pd.DataFrame) -> go.Figure:
    """Open cases by their latest stage, overdue part highlighted."""
    lang = i18n.current()
    names = [i18n.label(STAGES, s) for s in stage_now["stage_code"]]
    unit = i18n.t("cases_unit")
    fig = go.Figure()
    fig.add_bar(y=names, x=stage_now["open_cases"] - stage_now["overdue_cases"], orientation="h",
                name="未超期" if lang == "zh" else "Not overdue", marker_color=COLORS["received"],
                hovertemplate=f"%{{x:,}} {unit}<extra></extra>")
    fig.add_bar(y=names, x=stage_now["overdue_cases"], orientation="h",
                name="已超期" if lang == "zh" else "Overdue", marker_color=COLORS["hazardous"],
                hovertemplate=f"%{{x:,}} {unit}<extra></extra>")
    fig.update_layout(barmode="stack", hovermode="y unified")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=unit)
    return layout(fig, 300)


def stage_duration_table(durations: pd.DataFrame) -> pd.DataFrame:
    if durations is None or durations.empty:
        return pd.DataFrame()
    lang = i18n.current()
    hours = "工作小时" if lang == "zh" else "working h"
    return pd.DataFrame({
        "环节" if lang == "zh" else "Stage": [i18n.label(STAGES, s) for s in durations["stage_code"]],
        i18n.with_unit('案件数' if lang == 'zh' else 'Cases', i18n.t('cases_unit')): durations["cases"].astype(int),
        i18n.with_unit('中位数' if lang == 'zh' else 'Median', hours): durations["median_working_hours"].round(2),
        i18n.with_unit("P90", hours): durations["p90_working_hours"].round(2),
    })


def group_ranking(by_group: pd.DataFrame | None, lookup: pd.DataFrame | None, code_col: str) -> pd.DataFrame:
    """Groups ranked by composite score with the standard KPIs (units in the headers); names from the
    lookup's rows (`code_col` -> name), the code where it has none."""
    if by_group is None or by_group.empty:
        return pd.DataFrame()
    lang = i18n.current()
    group_names = names(lookup, code_col)
    rows = []
    for record in by_group.to_dict("records"):
        rates = kpi.case_rates({c: float(record[c]) for c in CASE_COUNT_COLUMNS})
        rows.append({"name": group_names.get(record["group_code"], record["group_code"]),
                     "received": int(record["received"]), **rates})
    df = pd.DataFrame(rows).sort_values("composite_score", ascending=False, na_position="last")
    df.insert(0, "rank", range(1, len(df) + 1))
    k = kpi.KPIS
    columns = {"rank": i18n.t("rank"), "name": "名称" if lang == "zh" else "Name",
               "received": f"{i18n.t('received')} ({i18n.t('cases_unit')})"}
    for key in ("composite_score", "close_rate", "ontime_close_rate", "dispose_rate", "ontime_dispose_rate",
                "rework_rate", "auto_close_rate"):
        columns[key] = f"{k[key].name(lang)} ({i18n.unit('分' if k[key].unit == '分' else '%')})"
    return df[list(columns)].rename(columns=columns).round(1)


def category_bars(by_category: pd.DataFrame, top: int = 15) -> go.Figure:
    lang = i18n.current()
    df = by_category.groupby(["minor_name_zh" if lang == "zh" else "minor_name_en"], as_index=False)["received"].sum()
    df = df.sort_values("received", ascending=False).head(top)
    unit = i18n.t("cases_unit")
    fig = go.Figure(go.Bar(y=escape_all(df.iloc[:, 0]), x=df["received"], orientation="h", marker_color=COLORS["received"],
                           hovertemplate=f"%{{x:,}} {unit}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=unit)
    fig.update_layout(hovermode="y unified")
    return layout(fig, 420)


def source_donut(by_category: pd.DataFrame) -> go.Figure:
    df = by_category.groupby("source_code", as_index=False)["received"].sum()
    fig = go.Figure(go.Pie(labels=[escape(i18n.label(SOURCES, s)) for s in df["source_code"]], values=df["received"],
                           hole=0.55, textinfo="label+percent", sort=True))
    fig.update_layout(showlegend=False)
    return layout(fig, 320)


def hour_weekday_heatmap(pattern: pd.DataFrame, lang: str | None = None, value: str = "received",
                         unit: str | None = None) -> go.Figure:
    """Counts per local weekday (rows) and hour (columns) from (iso_weekday, local_hour, `value`) rows.
    `lang` (default: the current language) is kept for the parking page's call."""
    lang = lang or i18n.current()
    grid = pattern.pivot_table(index="iso_weekday", columns="local_hour", values=value, fill_value=0)
    grid = grid.reindex(index=range(1, 8), columns=range(24), fill_value=0)
    unit = unit or i18n.t("cases_unit", lang)
    fig = go.Figure(go.Heatmap(z=grid.values, x=[f"{h:02d}" for h in range(24)], y=WEEKDAYS[lang],
                               colorscale="Blues", colorbar={"title": unit},
                               hovertemplate=f"%{{y}} %{{x}}:00 · %{{z:,}} {unit}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(hovermode="closest")
    return layout(fig, 280)


OUTCOMES: dict[str, tuple[str, str]] = {
    "closed_on_time": ("按期结案", "Closed on time"),
    "closed_late": ("超期结案", "Closed late"),
    "open": ("在办", "Open"),
    "open_overdue": ("超期在办", "Open, overdue"),
    "rejected": ("作废/不予立案", "Rejected"),
    "deferred": ("缓办", "Deferred"),
}
OUTCOME_COLORS = {"closed_on_time": "#3DBE8B", "closed_late": "#F2A541", "open": "#4C9BE8",
                  "open_overdue": "#E8574C", "rejected": "#8A94A6", "deferred": "#B08BE8"}


def source_outcome_sankey(flow: pd.DataFrame) -> go.Figure:
    """Cases flowing from each source to their outcome (counts in cases)."""
    sources = list(dict.fromkeys(flow["source_code"]))
    outcomes = [o for o in OUTCOMES if o in set(flow["outcome"])]
    labels = escape_all([i18n.label(SOURCES, s) for s in sources] + [i18n.label(OUTCOMES, o) for o in outcomes])
    colors = ["#5B6B82"] * len(sources) + [OUTCOME_COLORS[o] for o in outcomes]
    unit = i18n.t("cases_unit")
    fig = go.Figure(go.Sankey(
        node={"label": labels, "color": colors, "pad": 14, "thickness": 16},
        link={"source": [sources.index(s) for s in flow["source_code"]],
              "target": [len(sources) + outcomes.index(o) for o in flow["outcome"]],
              "value": flow["cases"].astype(int).tolist(),
              "color": [rgba(OUTCOME_COLORS[o], 0.35) for o in flow["outcome"]],
              "hovertemplate": f"%{{source.label}} → %{{target.label}}: %{{value:,}} {unit}<extra></extra>"}))
    return layout(fig, 340)


def trend_by_source(trend: pd.DataFrame, weekly: bool = False) -> go.Figure:
    """Cases received per day (or ISO week) stacked by source."""
    df = trend.copy()
    df["day"] = pd.to_datetime(df["day"])
    if weekly:
        df["day"] = df["day"] - pd.to_timedelta(df["day"].dt.weekday, unit="D")
        df = df.groupby(["day", "source_code"], as_index=False)["received"].sum()
    unit = i18n.t("cases_unit")
    fig = go.Figure()
    for source, part in df.groupby("source_code", sort=False):
        fig.add_bar(x=part["day"], y=part["received"], name=escape(i18n.label(SOURCES, source)),
                    hovertemplate=f"%{{x|%m-%d}} · %{{y:,}} {unit}<extra>%{{fullData.name}}</extra>")
    fig.update_layout(barmode="stack", legend={"orientation": "h", "y": -0.2})
    fig.update_yaxes(title=unit)
    return layout(fig, 300)


def overdue_table(overdue: pd.DataFrame) -> pd.DataFrame:
    """The overdue and nearly due cases as shown: holder's name or else its code, hours to one decimal."""
    zh = i18n.current() == "zh"
    return pd.DataFrame({
        i18n.t("col_case"): overdue["case_id"].astype(str),
        i18n.t("col_category"): overdue["category_name_zh" if zh else "category_name_en"],
        i18n.t("col_grid"): overdue["grid_code"],
        i18n.t("col_holder"): overdue["handler_name_zh" if zh else "handler_name_en"]
        .fillna(overdue["handler_dept_code"]),
        i18n.t("col_deadline"): overdue["close_deadline_at"].dt.strftime("%Y-%m-%d %H:%M"),
        i18n.t("col_late"): overdue["hours_late"].round(1),
        i18n.t("col_age"): overdue["age_hours"].round(1),
    })


def shops_by_road_table(summary: ShopSummary) -> pd.DataFrame:
    """Shops per colour on the roads with the most red shops (road names as the index)."""
    frame = pd.DataFrame([counts for _, counts in summary.by_road], index=[road for road, _ in summary.by_road],
                         columns=list(COLOURS))
    frame.index.name = "road_name"
    frame.columns = [i18n.with_unit(i18n.t(f"shops_{c}"), i18n.t('shops_unit')) for c in COLOURS]
    return frame


def category_options(categories: pd.DataFrame | None) -> dict[str, str]:
    """The category filter's choices: code -> "major / minor" (the minor name in the current language)."""
    if categories is None:
        return {}
    minor = "minor_name_zh" if i18n.current() == "zh" else "minor_name_en"
    return {r["category_code"]: f"{r['major_name_zh']} / {r[minor]}" for r in categories.to_dict("records")}


def source_options(sources: pd.DataFrame | None) -> dict[str, str]:
    return names(sources, "source_code")
