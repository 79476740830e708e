"""Working time by the calendar of the contract (cockpit.work_calendar): the clock that time limits run on.

GB/T 30428 time limits are counted in working hours or working days, so "on time" and "how long a
stage took" need the working calendar, not wall-clock hours. A day's working periods are
[am_start, am_end) and [pm_start, pm_end) in Asia/Shanghai; rest days have none. Days missing
from the calendar follow China's official schedule (public holidays and make-up working days, from
`chinese-calendar`: cockpit.official_calendar) with the standard hours 08:30–12:00 and 13:30–17:30,
and, in a year that schedule does not cover, the standard week (Monday to Friday).

The contract's cockpit.work_clock (SQL) cannot read that schedule: there a day missing from the table
follows the standard week. `WorkCalendar(days, official=False)` is that rule, the SQL's reference; with
the table filled (`python -m cockpit calendar`) both rules give the same times.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Mapping

from cockpit import official_calendar
from cockpit.official_calendar import STANDARD_HOURS
from cockpit.settings import SH

__all__ = ["SH", "STANDARD_HOURS", "CalendarDay", "WorkCalendar"]


@dataclass(frozen=True)
class CalendarDay:
    is_workday: bool
    periods: tuple[tuple[dt.time, dt.time], ...] = STANDARD_HOURS


class WorkCalendar:
    """Working periods per local day; `days` maps a date to its CalendarDay (from cockpit.work_calendar).

    Days not in `days` follow the official schedule (`official=True`, the default) or the standard
    week only (`official=False`, the rule of the contract's cockpit.work_clock)."""

    def __init__(self, days: Mapping[dt.date, CalendarDay] | None = None, official: bool = True) -> None:
        self.days = dict(days or {})
        self.official = official

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping], official: bool = True) -> "WorkCalendar":
        """Rows with day, is_workday, am_start, am_end, pm_start, pm_end (as the contract's relation)."""
        days = {}
        for r in rows:
            periods = tuple((s, e) for s, e in ((r.get("am_start"), r.get("am_end")),
                                                 (r.get("pm_start"), r.get("pm_end"))) if s and e and s < e)
            days[r["day"]] = CalendarDay(bool(r["is_workday"]), periods if r["is_workday"] else ())
        return cls(days, official)

    def day(self, day: dt.date) -> CalendarDay:
        found = self.days.get(day)
        if found is not None:
            return found
        if self.official:
            known = official_calendar.official_day(day)
            if known is not None:
                return CalendarDay(known[0], STANDARD_HOURS if known[0] else ())
        return CalendarDay(day.weekday() < 5, STANDARD_HOURS if day.weekday() < 5 else ())

    def _periods(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        info = self.day(day)
        if not info.is_workday:
            return []
        return [(dt.datetime.combine(day, s, SH), dt.datetime.combine(day, e, SH)) for s, e in info.periods]

    def working_seconds(self, start: dt.datetime, end: dt.datetime) -> float:
        """Working seconds between two aware instants (0 when end is not after start)."""
        if end <= start:
            return 0.0
        start, end = start.astimezone(SH), end.astimezone(SH)
        total = 0.0
        day = start.date()
        while day <= end.date():
            for p_start, p_end in self._periods(day):
                lo, hi = max(p_start, start), min(p_end, end)
                if hi > lo:
                    total += (hi - lo).total_seconds()
            day += dt.timedelta(days=1)
        return total

    def working_hours(self, start: dt.datetime, end: dt.datetime) -> float:
        return self.working_seconds(start, end) / 3600.0

    def add_working_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        """The instant when `hours` of working time have passed after `start` (a deadline)."""
        remaining = hours * 3600.0
        start = start.astimezone(SH)
        day = start.date()
        for _ in range(3660):  # at most ten years of days
            for p_start, p_end in self._periods(day):
                lo = max(p_start, start)
                if p_end <= lo:
                    continue
                available = (p_end - lo).total_seconds()
                if remaining <= available:
                    return lo + dt.timedelta(seconds=remaining)
                remaining -= available
            day += dt.timedelta(days=1)
        raise ValueError("no working time within ten years")
