"""Formats in the chosen language: units, chart date axes (chartbase.layout) and table number formats."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from cockpit import chartbase, i18n, kpi, ui


def test_units_and_titles_follow_the_language():
    with i18n.language("en"):
        assert [i18n.unit(u) for u in ("件", "起", "条", "架次", "工作小时", "分", "吨", "个")] == [
            "cases", "records", "SMS", "sorties", "working h", "points", "t", ""]
        assert i18n.with_unit("Received", "cases") == "Received (cases)" and i18n.colon() == ": "
        assert kpi.KPIS["market_open"].unit_in("en") == "requests"
        assert kpi.KPIS["cases_received"].unit_in("en") == "cases"
    with i18n.language("zh"):
        assert i18n.unit("件") == "件" and i18n.with_unit("受理", "件") == "受理（件）" and i18n.colon() == "："
        assert kpi.KPIS["market_open"].unit_in("zh") == "件"


def test_chinese_date_axes_have_numeric_ticks_and_hover():
    days = pd.date_range("2026-11-01", periods=3)
    with i18n.language("zh"):
        fig = chartbase.layout(go.Figure(go.Bar(x=days, y=[1, 2, 3])))
        numbers = chartbase.layout(go.Figure(go.Bar(x=[4, 5], y=["a", "b"], orientation="h")))
        second = chartbase.layout(go.Figure(go.Scatter(x=days, y=[1, 2, 3], xaxis="x2")))
    xaxis = fig.layout.xaxis
    assert [s.value for s in xaxis.tickformatstops] == ["%m-%d %H:%M", "%m-%d", "%Y-%m", "%Y"]
    assert xaxis.hoverformat == "%Y-%m-%d"
    assert not numbers.layout.xaxis.tickformatstops and numbers.layout.xaxis.hoverformat is None, "numbers are no dates"
    assert second.layout.xaxis2.hoverformat == "%Y-%m-%d" and second.layout.xaxis2.tickformatstops
    assert xaxis.separatethousands and fig.layout.yaxis.separatethousands
    with i18n.language("zh"):
        hourly = chartbase.layout(go.Figure(go.Scatter(x=pd.date_range("2026-11-01", periods=3, freq="h"),
                                                       y=[1, 2, 3])))
        dates = chartbase.layout(go.Figure(go.Scatter(x=[dt.date(2026, 11, 1)], y=[1])))
        strings = chartbase.layout(go.Figure(go.Scatter(x=["2026-11-01 08:30"], y=[1])))
        own = go.Figure(go.Scatter(x=days, y=[1, 2, 3]))
        own.update_xaxes(tickformat="%Y-%m")
        own = chartbase.layout(own)
    assert hourly.layout.xaxis.hoverformat == "%Y-%m-%d %H:%M" and dates.layout.xaxis.hoverformat == "%Y-%m-%d"
    assert strings.layout.xaxis.hoverformat == "%Y-%m-%d %H:%M"
    assert own.layout.xaxis.tickformat == "%Y-%m" and not own.layout.xaxis.tickformatstops, "a chart's own format stays"


def test_english_date_axes_keep_plotly_ticks_with_an_english_hover():
    with i18n.language("en"):
        fig = chartbase.layout(go.Figure(go.Bar(x=pd.date_range("2026-11-01", periods=3), y=[1, 2, 3])))
    assert not fig.layout.xaxis.tickformatstops and fig.layout.xaxis.hoverformat == "%d %b %Y"


def test_table_numbers_have_separators_and_counts_no_decimals():
    df = pd.DataFrame({"count": [21234, 5], "float_count": [1247.0, None], "rate": [98.5, 100.0],
                       "hours": [1.25, 2.5], "name": ["a", "b"], "flag": [True, False]})
    formats = {c: cfg["type_config"]["format"] for c, cfg in ui.number_formats(df).items()}
    assert formats == {"count": "%,d", "float_count": "%,d", "rate": "%,.1f", "hours": "%,.2f"}
    styled = ui.display_table(df)
    body = styled._translate(False, False)["body"]
    assert [row[2]["display_value"] for row in body] == ["1,247", "—"]
    assert ui.display_table(df.dropna()) is not styled and isinstance(ui.display_table(df.dropna()), pd.DataFrame)
