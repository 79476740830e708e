"""The chart base every area uses: one font, one palette of shared colours, one layout."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import plotly.graph_objects as go

from cockpit import i18n

FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
COLORS = {"received": "#4C9BE8", "closed": "#3DBE8B", "perishable": "#3DBE8B", "other": "#8A94A6",
          "recyclable": "#4C9BE8", "hazardous": "#E8574C", "capacity": "#F2B134"}


# Date axes in Chinese: numbers only (plotly's own date labels are English month and weekday names).
# Each stop is plotly's tick spacing range in ms ("M1" = one month) and the label format for it.
ZH_DATE_TICKS = (
    {"dtickrange": [None, 86_400_000], "value": "%m-%d %H:%M"},
    {"dtickrange": [86_400_000, "M1"], "value": "%m-%d"},
    {"dtickrange": ["M1", "M12"], "value": "%Y-%m"},
    {"dtickrange": ["M12", None], "value": "%Y"},
)
HOVER_DAY = {"zh": "%Y-%m-%d", "en": "%d %b %Y"}
HOVER_TIME = {"zh": "%Y-%m-%d %H:%M", "en": "%d %b %Y %H:%M"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def layout(fig: go.Figure, height: int = 300) -> go.Figure:
    """The shared layout, in the current language: date ticks and hover dates, thousands separators."""
    fig.update_layout(height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10}, font={"family": FONT},
                      legend={"orientation": "h", "y": 1.12, "x": 0}, hovermode="x unified",
                      separators=".,")
    fig.update_xaxes(separatethousands=True)
    fig.update_yaxes(separatethousands=True)
    lang = i18n.current()
    for name, with_time in _date_axes(fig).items():
        axis = fig.layout[name] if name in fig.layout else None
        update = {}
        if lang == "zh" and (axis is None or (axis.tickformat is None and not axis.tickformatstops)):
            update["tickformatstops"] = ZH_DATE_TICKS
        if axis is None or axis.hoverformat is None:
            update["hoverformat"] = (HOVER_TIME if with_time else HOVER_DAY)[lang]
        if update:
            fig.update_layout({name: update})
    return fig


def _date_axes(fig: go.Figure) -> dict[str, bool]:
    """The layout names of the figure's date axes ("xaxis", "yaxis2", …) -> whether a value has a time."""
    axes: dict[str, bool] = {}
    for trace in fig.data:
        for letter in ("x", "y"):
            values = getattr(trace, letter, None) if letter in trace else None
            kind = _date_kind(values)
            if kind is None:
                continue
            ref = getattr(trace, f"{letter}axis", None) or letter
            name = f"{letter}axis{ref[1:]}"
            axes[name] = axes.get(name, False) or kind
    return axes


def _date_kind(values) -> bool | None:
    """None when `values` are not dates; else whether any of them has a time of day."""
    if values is None or isinstance(values, (str, dict)):
        return None
    arr = np.asarray(values)
    if arr.size == 0:
        return None
    if np.issubdtype(arr.dtype, np.datetime64):
        days = arr.astype("datetime64[D]")
        return bool((arr[~np.isnat(arr)] != days[~np.isnat(arr)]).any())
    first = next((v for v in arr.ravel() if v is not None), None)
    if isinstance(first, dt.datetime):
        return any(isinstance(v, dt.datetime) and v.time() != dt.time() for v in arr.ravel())
    if isinstance(first, dt.date):
        return False
    if isinstance(first, str) and _ISO_DATE.match(first):
        return any(isinstance(v, str) and len(v) > 10 and v[10:].strip("T 0:.") != "" for v in arr.ravel())
    return None


def rgba(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"
