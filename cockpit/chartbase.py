"""The chart base every area uses: one font, one palette of shared colours, one layout."""

from __future__ import annotations

import plotly.graph_objects as go

FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
COLORS = {"received": "#4C9BE8", "closed": "#3DBE8B", "perishable": "#3DBE8B", "other": "#8A94A6",
          "recyclable": "#4C9BE8", "hazardous": "#E8574C", "capacity": "#F2B134"}


def layout(fig: go.Figure, height: int = 300) -> go.Figure:
    fig.update_layout(height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10}, font={"family": FONT},
                      legend={"orientation": "h", "y": 1.12, "x": 0}, hovermode="x unified")
    return fig


def rgba(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"
