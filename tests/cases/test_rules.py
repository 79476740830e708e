"""KPI formulas and the URL filter rules: pure functions, exact values."""

from __future__ import annotations

import datetime as dt

import pytest

from cockpit import filters as flt
from cockpit import kpi
TODAY = dt.date(2026, 11, 22)
TOWNS = {"330482001", "330482002"}
SQUADRONS = {"SQ-DH", "SQ-ZS"}


# -- KPI formulas -----------------------------------------------------------------------------------
def test_case_rates_follow_the_standard_formulas():
    counts = {"due_close": 200, "closed": 180, "closed_on_time": 150, "due_dispose": 100, "disposed": 96,
              "disposed_on_time": 90, "reworked": 6, "auto_closed": 162}
    rates = kpi.case_rates(counts)
    assert rates["close_rate"] == pytest.approx(90.0)
    assert rates["ontime_close_rate"] == pytest.approx(75.0)
    assert rates["dispose_rate"] == pytest.approx(96.0)
    assert rates["ontime_dispose_rate"] == pytest.approx(90.0)
    assert rates["rework_rate"] == pytest.approx(6.25)
    assert rates["auto_close_rate"] == pytest.approx(90.0)
    # 综合指标值 = 按期处置率×60 + 结案率×30 + (1−返工率)×10
    assert rates["composite_score"] == pytest.approx(0.9 * 60 + 0.9 * 30 + (1 - 0.0625) * 10)


def test_rates_with_nothing_due_are_missing_not_zero():
    rates = kpi.case_rates(dict.fromkeys(["due_close", "closed", "closed_on_time", "due_dispose", "disposed",
                                          "disposed_on_time", "reworked", "auto_closed"], 0))
    assert rates["close_rate"] is None and rates["composite_score"] is None


def test_composite_score_bounds():
    assert kpi.composite_score(100.0, 100.0, 0.0) == pytest.approx(100.0)
    assert kpi.composite_score(0.0, 0.0, 100.0) == pytest.approx(0.0)


def test_targets_respect_direction():
    assert kpi.KPIS["close_rate"].meets_target(96.0) is True
    assert kpi.KPIS["close_rate"].meets_target(94.9) is False
    assert kpi.KPIS["rework_rate"].meets_target(4.0) is True
    assert kpi.KPIS["rework_rate"].meets_target(5.1) is False
    assert kpi.KPIS["overdue_open"].meets_target(3) is None


def test_every_kpi_has_a_definition_in_both_languages():
    for item in kpi.KPIS.values():
        assert item.name_zh and item.name_en and item.formula_zh and item.formula_en and item.unit


def test_change_percent():
    assert kpi.change_percent(110, 100) == pytest.approx(10.0)
    assert kpi.change_percent(5, 0) is None


# -- URL filters ------------------------------------------------------------------------------------
def parse(**params):
    return flt.parse(params, today=TODAY, town_codes=TOWNS, squadron_codes=SQUADRONS)


def test_defaults_are_the_last_30_days():
    parsed = parse()
    assert parsed.problems == []
    assert (parsed.filters.date_from, parsed.filters.date_to) == (dt.date(2026, 10, 24), TODAY)
    assert parsed.filters.lang == "zh" and parsed.filters.town_code is None


def test_valid_values_are_kept():
    parsed = parse(**{"from": "2026-11-01", "to": "2026-11-07", "town": "330482002", "squadron": "SQ-ZS",
                      "lang": "en"})
    assert parsed.problems == []
    f = parsed.filters
    assert (f.date_from, f.date_to, f.town_code, f.squadron_code, f.lang) == (
        dt.date(2026, 11, 1), dt.date(2026, 11, 7), "330482002", "SQ-ZS", "en")
    assert f.previous_period() == (dt.date(2026, 10, 25), dt.date(2026, 10, 31))


@pytest.mark.parametrize("params, bad_key", [
    ({"town": "330482001' OR 1=1 --"}, "town"),
    ({"squadron": "SQ-XX"}, "squadron"),
    ({"lang": "fr"}, "lang"),
    ({"from": "2026-13-01"}, "from"),
    ({"to": "yesterday"}, "to"),
    ({"from": "2026-11-10", "to": "2026-11-01"}, "from"),
    ({"from": "2015-01-01", "to": "2026-11-01"}, "from"),
])
def test_invalid_values_are_reported_and_replaced(params, bad_key):
    parsed = parse(**params)
    assert bad_key in [key for key, _ in parsed.problems]
    default = parse().filters
    f = parsed.filters
    if bad_key in ("town", "squadron", "lang"):
        assert getattr(f, {"town": "town_code", "squadron": "squadron_code", "lang": "lang"}[bad_key]) == \
            getattr(default, {"town": "town_code", "squadron": "squadron_code", "lang": "lang"}[bad_key])
    else:
        assert f.date_from <= f.date_to <= TODAY


def test_future_end_date_is_clamped_to_today():
    parsed = parse(**{"from": "2026-11-20", "to": "2026-12-31"})
    assert ("to", "2026-12-31") in parsed.problems
    assert parsed.filters.date_to == TODAY and parsed.filters.date_from == dt.date(2026, 11, 20)


def test_query_params_round_trip():
    f = flt.Filters(dt.date(2026, 11, 1), dt.date(2026, 11, 7), "330482002", None, "en")
    again = parse(**f.to_query_params(TODAY)).filters
    assert again == f
    assert flt.Filters(*flt.default_period(TODAY)).to_query_params(TODAY) == {}
