"""Working time across lunch breaks, nights, weekends, holidays and make-up working days."""

from __future__ import annotations

import datetime as dt

import pytest

from cockpit.worktime import SH, CalendarDay, WorkCalendar


def at(d: str, hm: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{d}T{hm}").replace(tzinfo=SH)


# 2026-10-01..07 National Day holiday; Sunday 2026-09-27 a make-up working day (demo calendar).
CAL = WorkCalendar({
    **{dt.date(2026, 10, d): CalendarDay(False, ()) for d in range(1, 8)},
    dt.date(2026, 9, 27): CalendarDay(True),
})


def test_within_one_morning():
    assert CAL.working_hours(at("2026-11-18", "09:00"), at("2026-11-18", "11:00")) == pytest.approx(2.0)


def test_lunch_break_does_not_count():
    assert CAL.working_hours(at("2026-11-18", "11:00"), at("2026-11-18", "14:30")) == pytest.approx(2.0)


def test_night_and_weekend_do_not_count():
    # Fri 16:30 -> Mon 09:30: 1 h on Friday + 1 h on Monday
    assert CAL.working_hours(at("2026-11-20", "16:30"), at("2026-11-23", "09:30")) == pytest.approx(2.0)


def test_holiday_does_not_count_and_make_up_day_does():
    # Sat 26 Sep 17:00 -> Mon 28 Sep 09:30: Sunday 27 is a make-up working day (7.5 h) + 1 h Monday
    assert CAL.working_hours(at("2026-09-26", "17:00"), at("2026-09-28", "09:30")) == pytest.approx(8.5)
    # Wed 30 Sep 17:00 -> Thu 8 Oct 09:00: 0.5 h before the holiday + 0.5 h after it
    assert CAL.working_hours(at("2026-09-30", "17:00"), at("2026-10-08", "09:00")) == pytest.approx(1.0)


def test_reversed_interval_is_zero():
    assert CAL.working_hours(at("2026-11-18", "11:00"), at("2026-11-18", "09:00")) == 0.0


def test_deadline_of_four_working_hours_skips_lunch_and_night():
    assert CAL.add_working_hours(at("2026-11-18", "10:00"), 4) == at("2026-11-18", "15:30")
    assert CAL.add_working_hours(at("2026-11-20", "16:00"), 4) == at("2026-11-23", "11:00")
    assert CAL.add_working_hours(at("2026-11-21", "22:00"), 1) == at("2026-11-23", "09:30")


def test_deadline_and_duration_agree():
    start = at("2026-09-29", "15:10")
    deadline = CAL.add_working_hours(start, 20)
    assert CAL.working_hours(start, deadline) == pytest.approx(20.0)
    assert deadline.date() > dt.date(2026, 10, 7)  # the holiday week is skipped


def test_from_contract_rows():
    cal = WorkCalendar.from_rows([
        {"day": dt.date(2026, 11, 18), "is_workday": True, "am_start": dt.time(9), "am_end": dt.time(12),
         "pm_start": None, "pm_end": None},
        {"day": dt.date(2026, 11, 19), "is_workday": False, "am_start": None, "am_end": None,
         "pm_start": None, "pm_end": None},
    ])
    assert cal.working_hours(at("2026-11-18", "08:00"), at("2026-11-20", "09:00")) == pytest.approx(3.5)
