"""The demo's working calendar: Chinese public holidays and make-up working days, and a vectorised clock.

Holidays and make-up working days (调休上班) for 2024, 2025 and 2026 are those of the State
Council General Office notices (国务院办公厅关于2024/2025/2026年部分节假日安排的通知). The 2027
schedule had not been published when this was written: it is *estimated* from the statutory
holidays (元旦 1 day, 春节 4, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3) and the lunar dates,
arranged the way recent notices do, and its notes say so. Outside 2024–2027 the standard week
applies (Monday–Friday working days).

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

UTC_OFFSET_S = 8 * 3600  # Asia/Shanghai is UTC+8 all year
DAY_S = 86_400
AM_START, AM_END = dt.time(8, 30), dt.time(12, 0)
PM_START, PM_END = dt.time(13, 30), dt.time(17, 30)
# the same periods in seconds after local midnight
WORK_PERIODS_S = ((8 * 3600 + 1800, 12 * 3600), (13 * 3600 + 1800, 17 * 3600 + 1800))
WORKDAY_HOURS = 7.5
CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR = 2024, 2027


def _days(first: str, last: str) -> list[dt.date]:
    a, b = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return [a + dt.timedelta(days=i) for i in range((b - a).days + 1)]


# (holiday name, first day off, last day off, make-up working days)
_SCHEDULE: dict[int, list[tuple[str, str, str, tuple[str, ...]]]] = {
    # 国办发明电〔2023〕7号
    2024: [
        ("元旦", "2024-01-01", "2024-01-01", ()),
        ("春节", "2024-02-10", "2024-02-17", ("2024-02-04", "2024-02-18")),
        ("清明节", "2024-04-04", "2024-04-06", ("2024-04-07",)),
        ("劳动节", "2024-05-01", "2024-05-05", ("2024-04-28", "2024-05-11")),
        ("端午节", "2024-06-10", "2024-06-10", ()),
        ("中秋节", "2024-09-15", "2024-09-17", ("2024-09-14",)),
        ("国庆节", "2024-10-01", "2024-10-07", ("2024-09-29", "2024-10-12")),
    ],
    # 国办发明电〔2024〕12号
    2025: [
        ("元旦", "2025-01-01", "2025-01-01", ()),
        ("春节", "2025-01-28", "2025-02-04", ("2025-01-26", "2025-02-08")),
        ("清明节", "2025-04-04", "2025-04-06", ()),
        ("劳动节", "2025-05-01", "2025-05-05", ("2025-04-27",)),
        ("端午节", "2025-05-31", "2025-06-02", ()),
        ("国庆节、中秋节", "2025-10-01", "2025-10-08", ("2025-09-28", "2025-10-11")),
    ],
    # 国务院办公厅 2025年11月4日
    2026: [
        ("元旦", "2026-01-01", "2026-01-03", ("2026-01-04",)),
        ("春节", "2026-02-15", "2026-02-23", ("2026-02-14", "2026-02-28")),
        ("清明节", "2026-04-04", "2026-04-06", ()),
        ("劳动节", "2026-05-01", "2026-05-05", ("2026-05-09",)),
        ("端午节", "2026-06-19", "2026-06-21", ()),
        ("中秋节", "2026-09-25", "2026-09-27", ()),
        ("国庆节", "2026-10-01", "2026-10-07", ("2026-09-20", "2026-10-10")),
    ],
    # Estimated (not yet published): 春节 2027-02-06, 清明 04-05, 端午 06-09, 中秋 09-15.
    2027: [
        ("元旦（估）", "2027-01-01", "2027-01-03", ()),
        ("春节（估）", "2027-02-05", "2027-02-13", ("2027-01-31", "2027-02-20")),
        ("清明节（估）", "2027-04-03", "2027-04-05", ()),
        ("劳动节（估）", "2027-05-01", "2027-05-05", ("2027-04-25",)),
        ("端午节（估）", "2027-06-09", "2027-06-09", ()),
        ("中秋节（估）", "2027-09-15", "2027-09-15", ()),
        ("国庆节（估）", "2027-10-01", "2027-10-07", ("2027-09-26", "2027-10-09")),
    ],
}


def holiday_overrides() -> dict[dt.date, tuple[bool, str]]:
    """Days that differ from the standard week: date -> (is_workday, note)."""
    out: dict[dt.date, tuple[bool, str]] = {}
    for entries in _SCHEDULE.values():
        for name, first, last, make_up in entries:
            for day in _days(first, last):
                out[day] = (False, name)
            for day in make_up:
                out[dt.date.fromisoformat(day)] = (True, f"{name}调休上班")
    return out


def work_calendar_frame(first: dt.date, last: dt.date) -> pd.DataFrame:
    """Rows of cockpit.work_calendar for every day from `first` to `last` (inclusive)."""
    overrides = holiday_overrides()
    days = pd.date_range(first, last, freq="D")
    records = []
    for ts in days:
        day = ts.date()
        is_workday, note = overrides.get(day, (day.weekday() < 5, None))
        records.append((day, is_workday, note))
    frame = pd.DataFrame(records, columns=["day", "is_workday", "note"])
    work = frame["is_workday"]
    periods = (("am_start", AM_START), ("am_end", AM_END), ("pm_start", PM_START), ("pm_end", PM_END))
    for col, value in periods:
        frame[col] = np.where(work, value, None)
    return frame[["day", "is_workday", "am_start", "am_end", "pm_start", "pm_end", "note"]]


def calendar_span(start_s: int, end_s: int) -> tuple[dt.date, dt.date]:
    """The calendar's first and last day: all of 2024–2027, widened to cover the period and the
    deadlines after it."""
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
