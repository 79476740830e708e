"""The three-colour shop code: every transition, repeated step-downs and the boundary days."""

from __future__ import annotations

import datetime as dt

import pytest

from cockpit.cases.rules import GREEN, RED, YELLOW, shop_code

D0 = dt.date(2026, 1, 1)


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


def colour(violations: list[int], as_of: int) -> str:
    return shop_code([day(n) for n in violations], day(as_of)).colour


def test_starts_green():
    assert shop_code([], day(0)) == shop_code([], day(400))
    assert colour([], 0) == GREEN


@pytest.mark.parametrize("count, expected", [(1, GREEN), (2, GREEN), (3, YELLOW), (4, YELLOW), (5, RED), (9, RED)])
def test_violation_counts_set_the_colour(count, expected):
    assert colour(list(range(count)), count) == expected


def test_several_violations_on_one_day_count_one_by_one():
    assert colour([0, 0, 0], 0) == YELLOW
    assert colour([0, 0, 0, 0, 0], 0) == RED


def test_thirty_clean_days_step_down_once_on_the_boundary():
    yellow = [0, 1, 2]  # yellow on day 2
    assert colour(yellow, 31) == YELLOW  # days 3..31 clean: 29 days
    assert colour(yellow, 32) == GREEN  # days 3..32 clean: 30 days


def test_red_steps_down_to_yellow_then_to_green():
    red = [0, 1, 2, 3, 4]  # red on day 4
    assert colour(red, 33) == RED
    assert colour(red, 34) == YELLOW
    assert colour(red, 63) == YELLOW
    assert colour(red, 64) == GREEN
    assert colour(red, 500) == GREEN


def test_violation_after_a_step_down_counts_from_the_new_colour():
    red = [0, 1, 2, 3, 4]
    assert colour(red + [40], 40) == YELLOW  # stepped down to yellow (count 3) on day 34, one more: 4
    assert colour(red + [40, 41], 41) == RED  # 5 again
    assert shop_code([day(n) for n in red + [40]], day(40)).count == 4


def test_violation_on_day_thirty_prevents_the_step_down():
    yellow = [0, 1, 2]
    # days 3..31 are only 29 clean days: no step down before the violation of day 32, which makes 4
    assert colour(yellow + [32], 32) == YELLOW
    assert shop_code([day(n) for n in yellow + [32]], day(32)).count == 4


def test_violation_after_thirty_clean_days_starts_from_the_lower_colour():
    yellow = [0, 1, 2]
    # days 3..32 clean (30 days): green at the end of day 32; the violation on day 33 makes count 1
    code = shop_code([day(n) for n in yellow + [33]], day(33))
    assert (code.colour, code.count) == (GREEN, 1)


def test_green_with_few_violations_is_forgiven_after_thirty_clean_days():
    assert shop_code([day(0), day(1)], day(31)).count == 0
    assert colour([0, 1, 40], 40) == GREEN  # count restarted at 0: 1 violation
    assert colour([0, 1, 20], 20) == YELLOW  # within 30 days: 3 violations


def test_changed_on_tracks_the_day_of_the_last_colour_change():
    assert shop_code([day(n) for n in [0, 1, 2]], day(10)).changed_on == day(2)
    assert shop_code([day(n) for n in [0, 1, 2]], day(40)).changed_on == day(32)
    assert shop_code([day(n) for n in [0, 1, 2, 3, 4]], day(70)).changed_on == day(64)
    assert shop_code([day(0)], day(100)).changed_on is None


def test_violations_after_as_of_are_ignored():
    assert colour([0, 1, 2, 50, 51, 52], 10) == YELLOW
