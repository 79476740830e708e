"""The demo's working calendar: China's official public holidays and make-up working days, and a vectorised clock.

The rows the demo writes into cockpit.work_calendar are those of the official schedule
(cockpit.official_calendar, from `chinese-calendar`), one per day of every year from 2024 to 2027
that the schedule covers, and of the days around the period (`calendar_span`). A day whose year the
installed chinese-calendar does not cover yet is not written: like on the operational database, the
table lacks it, the contract's cockpit.work_clock counts it as the standard week (Monday–Friday
working), and so does the demo's clock (`clock_frame`), so that generated deadlines agree with the
figures. `python -m cockpit check` warns about such a year; `python -m cockpit calendar` fills it
once chinese-calendar knows it.

Working hours are 08:30–12:00 and 13:30–17:30 local time (Asia/Shanghai, UTC+8 all year, no
daylight saving), 7.5 hours a working day, the hours cockpit.worktime assumes by default.

`WorkClock` answers "when have N working hours passed after t?" for whole numpy arrays at once.
It is exact for the calendar it is built from (not an approximation): working time is a
piecewise-linear, non-decreasing function of wall-clock time, so the cumulative working seconds at
every period boundary, plus `np.interp` and `np.searchsorted`, give both directions.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from cockpit import official_calendar
from cockpit.official_calendar import AM_END, AM_START, PM_END, PM_START

UTC_OFFSET_S = 8 * 3600  # Asia/Shanghai is UTC+8 all year
DAY_S = 86_400
# the working periods in seconds after local midnight
WORK_PERIODS_S = ((8 * 3600 + 1800, 12 * 3600), (13 * 3600 + 1800, 17 * 3600 + 1800))
WORKDAY_HOURS = 7.5
CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR = 2024, 2027
COLUMNS = ["day", "is_workday", "am_start", "am_end", "pm_start", "pm_end", "note"]

__all__ = ["AM_END", "AM_START", "PM_END", "PM_START", "WorkClock", "calendar_span", "clock_frame",
           "work_calendar_frame"]


def work_calendar_frame(first: dt.date, last: dt.date) -> pd.DataFrame:
    """Rows of cockpit.work_calendar from `first` to `last` (inclusive): every day of the official
    schedule (days of a year it does not cover are left out)."""
    return pd.DataFrame(official_calendar.rows(first, last), columns=COLUMNS)


def clock_frame(calendar: pd.DataFrame, first: dt.date, last: dt.date) -> pd.DataFrame:
    """`day`, `is_workday` for every day from `first` to `last`: the calendar's rows where it has one,
    the standard week (Monday–Friday) elsewhere, the rule of the contract's cockpit.work_clock."""
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    known = dict(zip(calendar["day"], calendar["is_workday"]))
    return pd.DataFrame({"day": days,
                         "is_workday": [bool(known.get(d, d.weekday() < 5)) for d in days]})


def calendar_span(start_s: int, end_s: int) -> tuple[dt.date, dt.date]:
    """The calendar's first and last day: all of 2024–2027 (CALENDAR_FIRST/LAST_YEAR), widened to
    cover the period and the deadlines after it."""
    first = min(dt.date(CALENDAR_FIRST_YEAR, 1, 1), local_date(start_s) - dt.timedelta(days=7))
    last = max(dt.date(CALENDAR_LAST_YEAR, 12, 31), local_date(end_s) + dt.timedelta(days=120))
    return first, last


def local_date(epoch_s: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=(int(epoch_s) + UTC_OFFSET_S) // DAY_S)


def local_midnight_epoch(day: dt.date) -> int:
    """Epoch seconds of 00:00 Asia/Shanghai on `day`."""
    return (day - dt.date(1970, 1, 1)).days * DAY_S - UTC_OFFSET_S


class WorkClock:
    """Vectorised working-time arithmetic on epoch seconds, for the calendar rows given."""

    def __init__(self, calendar: pd.DataFrame) -> None:
        work_days = calendar.loc[calendar["is_workday"], "day"]
        midnights = np.array([local_midnight_epoch(d) for d in work_days], dtype=np.int64)
        starts = np.concatenate([midnights + s for s, _ in WORK_PERIODS_S])
        ends = np.concatenate([midnights + e for _, e in WORK_PERIODS_S])
        order = np.argsort(starts)
        self.starts = starts[order]
        self.ends = ends[order]
        lengths = self.ends - self.starts
        self.cum_end = np.cumsum(lengths)  # working seconds from the first period to each period's end
        self.cum_start = self.cum_end - lengths
        # breakpoints of the cumulative function: (start, cum_start), (end, cum_end), ...
        self._xs = np.empty(2 * len(self.starts), dtype=np.int64)
        self._xs[0::2], self._xs[1::2] = self.starts, self.ends
        self._ys = np.empty(2 * len(self.starts), dtype=np.int64)
        self._ys[0::2], self._ys[1::2] = self.cum_start, self.cum_end
        self.first_s, self.last_s = int(self.starts[0]), int(self.ends[-1])

    def cumulative(self, t: np.ndarray) -> np.ndarray:
        """Working seconds between the first period of the calendar and each instant."""
        return np.interp(np.asarray(t, dtype=np.float64), self._xs, self._ys)

    def working_seconds(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        return np.maximum(self.cumulative(end) - self.cumulative(start), 0.0)

    def add_working_hours(self, start: np.ndarray, hours: np.ndarray | float) -> np.ndarray:
        """Epoch seconds when `hours` of working time have passed after `start` (same rule as
        cockpit.worktime.WorkCalendar.add_working_hours: a deadline that falls exactly on the end of
        a period stays there)."""
        target = self.cumulative(start) + np.asarray(hours, dtype=np.float64) * 3600.0
        k = np.searchsorted(self.cum_end, target, side="left")
        k = np.minimum(k, len(self.cum_end) - 1)
        return (self.starts[k] + np.rint(target - self.cum_start[k])).astype(np.int64)

    def is_working(self, t: np.ndarray) -> np.ndarray:
        """True where the instant lies in a working period."""
        t = np.asarray(t, dtype=np.int64)
        k = np.searchsorted(self.starts, t, side="right") - 1
        ok = k >= 0
        k = np.maximum(k, 0)
        return ok & (t < self.ends[k])
