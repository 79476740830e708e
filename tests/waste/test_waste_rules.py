"""The waste rules of cockpit/waste/rules.py: "不过午、不过夜", recycling rate, vehicle state, normal band."""

from __future__ import annotations

import datetime as dt

import pytest

from cockpit.waste import rules as wr
from tests.factories import local

DAY = dt.date(2026, 11, 19)
EVENING = local(2026, 11, 19, 20, 0)


def at(hh: int, mm: int = 0, ss: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=wr.SH)


END_OF_DAY = at(23, 59, 59)


# -- parameters -------------------------------------------------------------------------------------
def test_rule_params_defaults_and_overrides():
    assert wr.rule_params() == {"morning_start": "05:00", "noon_cutoff": "12:00", "evening_start": "16:00",
                                "night_cutoff": "22:00"}
    assert wr.rule_params(noon_cutoff="11:30", night_cutoff=dt.time(21, 0))["night_cutoff"] == "21:00"
    assert wr.rule_params(noon_cutoff="11:30")["noon_cutoff"] == "11:30"
    with pytest.raises(ValueError):
        wr.rule_params(noon_cutoff="17:00")  # after the evening window opens
    with pytest.raises(ValueError):
        wr.rule_params(night_cutoff="15:00")
    with pytest.raises(ValueError):
        wr.rule_params(noon_cutoff="16:00")  # equal to evening_start: a collection would count twice


def test_other_param_helpers_match_the_constants():
    assert wr.vehicle_params() == {"active_hours": 2, "lookback_days": 7}
    assert wr.attention_params() == {"no_collection_hours": 24, "history_days": 28, "min_history_days": 7,
                                     "mad_k": 3.0, "min_band_tonnes": 0.2}


# -- the collection rule ----------------------------------------------------------------------------
@pytest.mark.parametrize("morning, state", [
    ((11, 59), wr.ON_TIME),
    ((12, 0), wr.ON_TIME),   # at the cut-off: not past noon
    ((12, 1), wr.LATE),
    ((15, 59), wr.LATE),     # still the morning round, late
    ((4, 59), wr.MISSED),    # before the morning window: counts for neither round
])
def test_morning_round_around_the_noon_cutoff(morning, state):
    got = wr.day_compliance([at(*morning), EVENING], DAY, END_OF_DAY)
    assert got.morning_state == state
    assert got.evening_state == wr.ON_TIME
    assert got.is_breach is (state != wr.ON_TIME)
    assert wr.is_breach([at(*morning), EVENING], DAY, END_OF_DAY) is got.is_breach


@pytest.mark.parametrize("evening, state", [
    ((16, 0), wr.ON_TIME),
    ((21, 59), wr.ON_TIME),
    ((22, 0), wr.ON_TIME),
    ((22, 1), wr.LATE),
    ((23, 59), wr.LATE),
])
def test_evening_round_around_the_night_cutoff(evening, state):
    got = wr.day_compliance([at(8), at(*evening)], DAY, END_OF_DAY)
    assert (got.morning_state, got.evening_state) == (wr.ON_TIME, state)


def test_a_station_collected_once_misses_the_evening_round():
    got = wr.day_compliance([at(9, 30)], DAY, END_OF_DAY)
    assert (got.has_morning, got.has_evening) == (True, False)
    assert (got.morning_ok, got.evening_ok) == (True, False)
    assert got.evening_state == wr.MISSED
    assert wr.is_breach([at(9, 30)], DAY, END_OF_DAY)
    # an afternoon collection (before the evening window) is the morning round, late; it is not the evening one
    got = wr.day_compliance([at(13, 0)], DAY, END_OF_DAY)
    assert (got.morning_state, got.evening_state, got.has_evening) == (wr.LATE, wr.MISSED, False)


def test_no_breach_before_a_cutoff_has_passed():
    assert wr.day_compliance([], DAY, at(11, 0)).morning_state == wr.PENDING
    assert wr.day_compliance([], DAY, at(12, 0)).morning_state == wr.PENDING      # exactly at the cut-off
    assert not wr.is_breach([], DAY, at(12, 0))
    assert wr.day_compliance([], DAY, at(12, 0, 1)).morning_state == wr.MISSED
    assert wr.is_breach([], DAY, at(12, 0, 1))
    got = wr.day_compliance([at(9)], DAY, at(22, 0))
    assert (got.morning_ok, got.evening_ok, got.is_breach) == (True, None, False)
    assert wr.is_breach([at(9)], DAY, at(22, 0, 1))
    # a day in the future is all pending
    assert wr.day_compliance([], DAY + dt.timedelta(days=1), at(23)).evening_state == wr.PENDING


def test_on_time_is_decided_before_the_cutoff_and_later_collections_do_not_count():
    got = wr.day_compliance([at(9), at(19)], DAY, at(10))
    assert (got.morning_state, got.evening_state, got.has_evening) == (wr.ON_TIME, wr.PENDING, False)
    # collected late, seen only once it has happened
    assert wr.day_compliance([at(12, 30)], DAY, at(12, 15)).morning_state == wr.MISSED
    assert wr.day_compliance([at(12, 30)], DAY, at(12, 30)).morning_state == wr.LATE


def test_local_day_not_utc_day():
    # 07:30 local on the 19th is 23:30 UTC on the 18th; 00:30 local on the 20th is the next local day
    utc = dt.UTC
    morning = dt.datetime(2026, 11, 18, 23, 30, tzinfo=utc)
    got = wr.day_compliance([morning], DAY, END_OF_DAY)
    assert got.morning_state == wr.ON_TIME
    assert wr.day_compliance([morning], dt.date(2026, 11, 18), END_OF_DAY).morning_state == wr.MISSED
    after_midnight = local(2026, 11, 20, 0, 30)
    assert wr.day_compliance([at(8), after_midnight], DAY, local(2026, 11, 20, 6)).evening_state == wr.MISSED


def test_configurable_cutoffs():
    times = [at(11, 30), at(21, 30)]
    assert not wr.is_breach(times, DAY, END_OF_DAY)
    assert wr.is_breach(times, DAY, END_OF_DAY, noon_cutoff="11:00")
    assert wr.is_breach(times, DAY, END_OF_DAY, night_cutoff=dt.time(21, 0))
    got = wr.day_compliance([at(14, 30)], DAY, END_OF_DAY, evening_start="14:00")
    assert (got.morning_state, got.evening_state) == (wr.MISSED, wr.ON_TIME)


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        wr.day_compliance([dt.datetime(2026, 11, 19, 8)], DAY, END_OF_DAY)
    with pytest.raises(ValueError):
        wr.day_compliance([], DAY, dt.datetime(2026, 11, 19, 8))


def test_compliance_rate():
    assert wr.compliance_rate(4, 6) == pytest.approx(2 / 3)
    assert wr.compliance_rate(0, 0) is None


# -- measures ---------------------------------------------------------------------------------------
def test_recycling_rate_and_shares():
    assert wr.recycling_rate(10.0, 25.0, 100.0) == pytest.approx(0.35)
    assert wr.recycling_rate(1.0, 1.0, 0) is None
    assert wr.category_share(25.0, 100.0) == pytest.approx(0.25)
    assert wr.category_share(1.0, 0.0) is None
    assert wr.RECYCLING_RATE_TARGET == 0.35
    assert set(wr.RECYCLED_CATEGORIES) == {"recyclable", "perishable"}


def test_vehicle_state():
    now = local(2026, 11, 20, 12, 30)
    assert wr.vehicle_state(local(2026, 11, 20, 10, 30), now) == wr.ACTIVE    # exactly 2 h ago
    assert wr.vehicle_state(local(2026, 11, 20, 10, 29), now) == wr.IDLE
    assert wr.vehicle_state(local(2026, 11, 19, 23, 0), now) == wr.OFFLINE
    assert wr.vehicle_state(None, now) == wr.OFFLINE
    assert wr.vehicle_state(local(2026, 11, 19, 23, 0), local(2026, 11, 20, 0, 30)) == wr.ACTIVE  # across midnight
    assert wr.vehicle_state(local(2026, 11, 20, 13, 0), now) == wr.OFFLINE    # after now: not seen yet


def test_normal_band():
    band = wr.normal_band([1.0] * 14 + [1.5] * 14)
    assert (band.median, band.mad) == (1.25, 0.25)
    assert band.high == pytest.approx(1.25 + 3 * 1.4826 * 0.25)
    assert band.judge(3.0) == "high"
    assert band.judge(1.25) is None
    assert band.low == pytest.approx(1.25 - 3 * 1.4826 * 0.25)
    assert band.judge(0.1) == "low"
    flat = wr.normal_band([1.0] * 28)
    assert (flat.low, flat.high) == (pytest.approx(0.8), pytest.approx(1.2))
    assert flat.judge(1.1) is None
    assert flat.judge(0.0) == "low"
