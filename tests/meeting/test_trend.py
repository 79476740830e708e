"""Trends against targets: the one red/amber/green rule, and weekly.trend (every week of the trend in one
query) giving each week the figures the week's own report gives."""

from __future__ import annotations

import datetime as dt

import pytest

from cockpit import kpi
from cockpit.gateway import Gateway
from cockpit.meeting import weekly


@pytest.mark.parametrize("key,value,expected", [
    ("ontime_close_rate", 90.0, "green"), ("ontime_close_rate", 97.3, "green"),   # target 90 %, higher is better
    ("ontime_close_rate", 85.0, "amber"), ("ontime_close_rate", 89.9, "amber"),   # within 5 pp
    ("ontime_close_rate", 84.9, "red"),
    ("rework_rate", 5.0, "green"), ("rework_rate", 10.0, "amber"), ("rework_rate", 10.1, "red"),  # lower is better
    ("composite_score", 85.5, "amber"), ("composite_score", 85.4, "red"),        # 5 % of the target: 4.5 points
    ("market_satisfaction", 4.5, "green"), ("market_satisfaction", 4.3, "amber"),  # 5 % of 4.5: 0.225
    ("market_satisfaction", 4.2, "red"),
    ("cases_received", 100.0, None), ("ontime_close_rate", None, None),           # no target, no value
])
def test_the_status_rule(key, value, expected):
    assert kpi.status(key, value) == expected
    assert kpi.KPIS[key].status(value) == expected


def test_the_trend_gives_each_week_its_own_report_figures(demo_url):
    """The small demo (three weeks ending now): each week of a 4-week trend ending with the last complete
    week equals the headline figures of that week's own queries; the week before the data is all zeros."""
    gateway = Gateway(demo_url)
    try:
        week = weekly.last_complete_week(dt.datetime.now(weekly.SH))
        rows = gateway.execute("weekly.trend", **weekly.trend_params(week, 4))
        trend = weekly.trend_rows(rows)
        weeks = [week.previous().previous().previous(), week.previous().previous(), week.previous(), week]
        assert list(dict.fromkeys(trend["week"])) == [w.label for w in weeks]
        assert len(trend) == 4 * len(weekly.METRICS)
        checked = 0
        for w in weeks:
            figures = weekly.load_figures(gateway.execute, w)
            for m in weekly.METRICS:
                got = trend[(trend["week"] == w.label) & (trend["key"] == m.key) & (trend["area"] == m.area)]
                assert len(got) == 1
                expected = m.rounded(figures.values[m.area].get(m.key))
                value = got.iloc[0]["value"]
                if m.kind == "count" or expected is None:
                    assert value == expected, (w.label, m.area, m.key)
                else:  # one decimal of a float sum: the trend's query adds the same rows in another order,
                    # so a sum on a half (63.55) may round either way; more than that is a different figure
                    assert value is not None and abs(value - expected) <= 0.1 + 1e-9, (w.label, m.area, m.key)
                assert got.iloc[0]["status"] == kpi.KPIS[m.kpi_key].status(value)
                checked += expected is not None and expected != 0
        assert checked > 3 * len(weekly.METRICS) // 2  # real figures compared, not a trend of zeros
    finally:
        gateway.dispose()
