"""The weekly page's plotly figures (the pack draws its own native charts in pptx.py and pdf.py)."""

from __future__ import annotations

import plotly.graph_objects as go

from cockpit import chartbase, kpi
from cockpit.i18n import t
from cockpit.meeting import tables, weekly
from cockpit.meeting.weekly import WeeklyReport, is_missing

STATUS_HEX = {s: "#%02X%02X%02X" % c for s, c in tables.STATUS_COLORS.items()}
LINE = "#4C9BE8"
TARGET = "#5A6473"


def trend_figure(report: WeeklyReport, area: str, key: str) -> go.Figure:
    """One headline figure over the trend's weeks (one unit on the axis), its target as a dashed line and
    each week's marker coloured by the one status rule."""
    m = weekly.METRIC[(area, key)]
    rows = report.trend_of(area, key)
    values = [None if is_missing(v) else float(v) for v in rows["value"]]
    colors = [STATUS_HEX.get(s, LINE) if not is_missing(s) else LINE for s in rows["status"]]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=list(rows["week"]), y=values, mode="lines+markers", name=m.name(),
                             line={"color": LINE}, marker={"color": colors, "size": 10}))
    target = kpi.KPIS[m.kpi_key].target
    if target is not None:
        fig.add_hline(y=target, line_dash="dash", line_color=TARGET,
                      annotation_text=f"{t('wk_col_target')} {target:g}", annotation_position="top left")
    fig.update_layout(yaxis_title=tables.with_unit(m.name(), m.unit()), showlegend=False)
    fig.update_xaxes(type="category")
    return chartbase.layout(fig, height=280)


def trend_choices() -> list[tuple[str, str]]:
    """(area, key) of every headline figure, those with a target first."""
    targeted = [(m.area, m.key) for m in tables.targeted_metrics()]
    return targeted + [(m.area, m.key) for m in weekly.METRICS if (m.area, m.key) not in targeted]
