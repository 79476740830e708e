"""China's official working calendar (public holidays and make-up working days, 调休), from `chinese-calendar`.

The State Council General Office publishes each year's schedule (国务院办公厅关于部分节假日安排的通知),
usually in November for the year after; the `chinese-calendar` package (PyPI) is a maintained copy of
those notices. It knows the years `FIRST_YEAR` to `LAST_YEAR` of the installed version: a year after that
has no official schedule here (`covers(year)` is false) and nothing is guessed for it.

What uses it
- `cockpit.worktime.WorkCalendar` falls back to it for days `cockpit.work_calendar` lacks;
- `python -m cockpit calendar --url URL [--years 2026-2027]` adds the official days the table lacks
  (`fill`), never changing a row that exists;
- `python -m cockpit check` warns when the table lacks the current or the next year (`missing_days`);
- the demo's calendar rows (cockpit/demo/calendar.py) are its rows.

The SQL side (the contract's cockpit.work_clock) cannot call Python: a day missing from the table
counts there as the standard week (Monday to Friday working), so National Day falls on working time
until the table holds its year. Filling the table is what makes both sides agree.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Iterable

import chinese_calendar
import chinese_calendar.constants as _known
import sqlalchemy as sa

AM_START, AM_END = dt.time(8, 30), dt.time(12, 0)
PM_START, PM_END = dt.time(13, 30), dt.time(17, 30)
STANDARD_HOURS = ((AM_START, AM_END), (PM_START, PM_END))

FIRST_YEAR = min(d.year for d in _known.holidays)
LAST_YEAR = max(d.year for d in _known.holidays)
VERSION = getattr(chinese_calendar, "__version__", "?")
SOURCE = f"chinese-calendar {VERSION} (covers {FIRST_YEAR}–{LAST_YEAR})"


def covers(year: int) -> bool:
    """True when the installed chinese-calendar holds the official schedule of `year`."""
    return FIRST_YEAR <= year <= LAST_YEAR


def _holiday_name(name: str | None) -> str | None:
    """The Chinese name of a chinese-calendar holiday ('National Day' -> '国庆节')."""
    if name is None:
        return None
    for holiday in _known.Holiday:
        if holiday.value == name:
            return holiday.chinese
    return name


def official_day(day: dt.date) -> tuple[bool, str | None] | None:
    """(is_workday, note) of `day` by the official schedule, or None when its year is not covered.

    note: the holiday's name on a public holiday (国庆节), '<name>调休上班' on a make-up working day,
    None on an ordinary weekday or weekend."""
    if not covers(day.year):
        return None
    is_workday = chinese_calendar.is_workday(day)
    on_holiday, name = chinese_calendar.get_holiday_detail(day)
    zh = _holiday_name(name)
    if is_workday and day.weekday() >= 5 and zh:
        return True, f"{zh}调休上班"
    if not is_workday and on_holiday and zh:
        return False, zh
    return is_workday, None


def days_in_year(year: int) -> int:
    return (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days


def year_days(year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    return [first + dt.timedelta(days=i) for i in range(days_in_year(year))]


def rows(first: dt.date, last: dt.date) -> list[dict]:
    """Rows of cockpit.work_calendar for the days from `first` to `last` (inclusive) whose year the
    official schedule covers: the standard hours on working days, no hours on rest days."""
    out = []
    for i in range((last - first).days + 1):
        day = first + dt.timedelta(days=i)
        found = official_day(day)
        if found is None:
            continue
        is_workday, note = found
        hours = (AM_START, AM_END, PM_START, PM_END) if is_workday else (None,) * 4
        out.append(dict(zip(("day", "is_workday", "am_start", "am_end", "pm_start", "pm_end", "note"),
                            (day, is_workday, *hours, note))))
    return out


# -- the table: what it lacks, and filling it --------------------------------------------------------

COUNT_SQL = """
SELECT CAST(extract(year FROM day) AS integer) AS year, count(*) AS n
FROM cockpit.work_calendar
WHERE day >= :first AND day < :after
GROUP BY 1
"""

_INSERT_SQL = """
INSERT INTO cockpit.work_calendar (day, is_workday, am_start, am_end, pm_start, pm_end, note)
SELECT r.day, r.is_workday, r.am_start, r.am_end, r.pm_start, r.pm_end, r.note
FROM jsonb_to_recordset(CAST(:rows AS jsonb))
     AS r (day date, is_workday boolean, am_start time, am_end time, pm_start time, pm_end time, note text)
ON CONFLICT (day) DO NOTHING
RETURNING day
"""


def missing_days(conn: sa.Connection, years: Iterable[int]) -> dict[int, int]:
    """Days of each year that cockpit.work_calendar does not hold (0 when it holds the whole year)."""
    years = sorted(set(years))
    if not years:
        return {}
    held = {int(r.year): int(r.n) for r in conn.execute(sa.text(COUNT_SQL), {
        "first": dt.date(years[0], 1, 1), "after": dt.date(years[-1] + 1, 1, 1)})}
    return {y: days_in_year(y) - held.get(y, 0) for y in years}


def _json_row(row: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, (dt.date, dt.time)) else v) for k, v in row.items()}


def fill(conn: sa.Connection, years: Iterable[int]) -> dict[int, int | None]:
    """Add the official days of `years` that cockpit.work_calendar lacks; rows that exist stay as they are.

    Returns year -> days added, None for a year the official schedule does not cover (nothing added)."""
    out: dict[int, int | None] = {}
    for year in sorted(set(years)):
        if not covers(year):
            out[year] = None
            continue
        payload = [_json_row(r) for r in rows(dt.date(year, 1, 1), dt.date(year, 12, 31))]
        added = conn.execute(sa.text(_INSERT_SQL), {"rows": json.dumps(payload, ensure_ascii=False)})
        out[year] = len(added.fetchall())
    return out
