"""The contract's working-time function, cockpit.working_seconds(from, to), on a hand-made calendar.

Calendar (2026, Asia/Shanghai): Mon 11-30 .. Sun 12-13 in cockpit.work_calendar with the standard periods
08:30-12:00 and 13:30-17:30, except Wed 12-02 (a holiday), the weekend 12-05/06, Fri 12-11 (a short day,
09:00-12:00 only) and Sun 12-13 (a make-up working day); days outside it follow the standard week.
A full standard day is 7.5 h = 27 000 s.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from cockpit.worktime import WorkCalendar
from tests.factories import insert_rows, local

AM = {"am_start": dt.time(8, 30), "am_end": dt.time(12, 0)}
PM = {"pm_start": dt.time(13, 30), "pm_end": dt.time(17, 30)}
OFF = {"am_start": None, "am_end": None, "pm_start": None, "pm_end": None}
HOLIDAY = dt.date(2026, 12, 2)
SHORT_DAY = dt.date(2026, 12, 11)
MAKE_UP_DAY = dt.date(2026, 12, 13)


def calendar_rows() -> list[dict]:
    rows = []
    for n in range(14):  # Mon 2026-11-30 .. Sun 12-13
        d = dt.date(2026, 11, 30) + dt.timedelta(days=n)
        if d == SHORT_DAY:
            rows.append({"day": d, "is_workday": True, "am_start": dt.time(9), "am_end": dt.time(12),
                         "pm_start": None, "pm_end": None, "note": "short day"})
        elif d == MAKE_UP_DAY:
            rows.append({"day": d, "is_workday": True, **AM, **PM, "note": "make-up day"})
        elif d == HOLIDAY or d.weekday() >= 5:
            rows.append({"day": d, "is_workday": False, **OFF, "note": "holiday" if d == HOLIDAY else None})
        else:
            rows.append({"day": d, "is_workday": True, **AM, **PM, "note": None})
    return rows


UTC = dt.timezone.utc

# (label, from, to, expected working seconds; None: no row)
SPANS = [
    ("one morning", local(2026, 11, 30, 9), local(2026, 11, 30, 11), 7200),
    ("over the lunch break", local(2026, 11, 30, 11), local(2026, 11, 30, 14, 30), 7200),
    ("inside the lunch break", local(2026, 11, 30, 12, 10), local(2026, 11, 30, 13, 20), 0),
    ("before and after hours", local(2026, 11, 30, 7), local(2026, 11, 30, 19), 27000),
    ("over the holiday", local(2026, 12, 1, 16, 30), local(2026, 12, 3, 9), 3600 + 1800),
    ("over the weekend", local(2026, 12, 4, 16, 30), local(2026, 12, 7, 9, 30), 3600 + 3600),
    ("a whole week", local(2026, 11, 30), local(2026, 12, 7), 4 * 27000),
    ("the short day", local(2026, 12, 11, 11), local(2026, 12, 11, 15), 3600),
    ("a make-up Sunday, then a day off the calendar", local(2026, 12, 12, 10), local(2026, 12, 14, 8, 30), 27000),
    ("days off the calendar (standard week)", local(2026, 11, 26, 17), local(2026, 11, 30, 9), 1800 + 27000 + 1800),
    ("instants given in UTC", dt.datetime(2026, 11, 30, 1, tzinfo=UTC), dt.datetime(2026, 11, 30, 3, tzinfo=UTC), 7200),
    ("half a second", local(2026, 11, 30, 9) + dt.timedelta(microseconds=500_000),
     local(2026, 11, 30, 9) + dt.timedelta(seconds=1), Decimal("0.5")),
    ("reversed", local(2026, 11, 30, 14, 30), local(2026, 11, 30, 11), 0),
    ("no end yet", local(2026, 11, 30, 9), None, None),
    ("before the clock's first day", local(2010, 1, 4, 9), local(2026, 11, 30, 9), None),
]


@pytest.fixture
def engine(contract_db):
    insert_rows(contract_db, "work_calendar", calendar_rows())
    return contract_db


def working_seconds(engine, spans) -> list:
    sql = sa.text("""
        SELECT w.seconds
        FROM unnest(CAST(:a AS timestamptz[]), CAST(:b AS timestamptz[])) WITH ORDINALITY AS s (a, b, n)
        LEFT JOIN LATERAL cockpit.working_seconds(s.a, s.b) AS w ON true
        ORDER BY s.n""")
    with engine.connect() as conn:
        return conn.execute(sql, {"a": [a for _, a, _, _ in spans], "b": [b for _, _, b, _ in spans]}).scalars().all()


def test_working_seconds_exact_across_lunch_weekend_holiday_and_short_days(engine):
    got = dict(zip((label for label, *_ in SPANS), working_seconds(engine, SPANS)))
    assert got == {label: None if s is None else Decimal(s) for label, _, _, s in SPANS}


def test_working_seconds_agree_with_the_python_calendar(engine):
    """Every pair of a few instants (in order): the SQL function and cockpit.worktime give the same time."""
    clock = WorkCalendar.from_rows(calendar_rows(), official=False)
    instants = [local(2026, 11, 27, 16), local(2026, 11, 30, 12, 30), local(2026, 12, 2, 10), local(2026, 12, 3, 8, 45),
                local(2026, 12, 6, 15), local(2026, 12, 11, 10, 20), local(2026, 12, 13, 17), local(2026, 12, 15, 14)]
    spans = [("", a, b, None) for a in instants for b in instants if a <= b]
    got = [float(s) / 3600 for s in working_seconds(engine, spans)]
    assert got == pytest.approx([clock.working_hours(a, b) for _, a, b, _ in spans], abs=1e-9)


def test_working_seconds_is_inlined_so_the_clock_is_read_once_per_query(engine):
    with engine.connect() as conn:
        plan = "\n".join(conn.execute(sa.text(
            "EXPLAIN SELECT w.seconds FROM cockpit.market_request q "
            "CROSS JOIN LATERAL cockpit.working_seconds(q.submitted_at, q.resolved_at) AS w")).scalars())
    assert "working_seconds" not in plan  # no Function Scan: the body became part of the query
    assert plan.count("WindowAgg") == 2   # work_clock built once for the start days, once for the end days
