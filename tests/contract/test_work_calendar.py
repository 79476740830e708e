"""Working time without a calendar: China's official schedule (chinese-calendar) for the days
cockpit.work_calendar lacks, and `python -m cockpit calendar`, which adds them to the table.

National Day 2026 (国务院办公厅, 2025-11-04): 1–7 October off, make-up working days Sunday 20 September
and Saturday 10 October; the Mid-Autumn Festival (中秋) is Friday 25 September (25–27 September off).

Span NATIONAL_DAY: Monday 28 September 08:30 to Monday 12 October 08:30 (Asia/Shanghai).
- official schedule: 28, 29, 30 September, 8, 9 October and the make-up Saturday 10 October work:
  6 days x 7.5 h = 45 h;
- standard week (what cockpit.work_clock counts for days the table lacks): 28 September–2 October and
  5–9 October: 10 days x 7.5 h = 75 h.
Span MAKE_UP: Sunday 20 September, the whole day: 7.5 h officially, 0 h by the standard week.
Span MID_AUTUMN: Friday 25 September, the whole day: 0 h officially, 7.5 h by the standard week.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from contextlib import redirect_stdout

import pytest
import sqlalchemy as sa

from cockpit import cli, official_calendar
from cockpit.worktime import WorkCalendar
from tests.factories import insert_rows, local

SPANS = {
    "national_day": (local(2026, 9, 28, 8, 30), local(2026, 10, 12, 8, 30)),
    "make_up": (local(2026, 9, 20, 0, 0), local(2026, 9, 21, 0, 0)),
    "mid_autumn": (local(2026, 9, 25, 0, 0), local(2026, 9, 26, 0, 0)),
}
OFFICIAL = {"national_day": 45.0, "make_up": 7.5, "mid_autumn": 0.0}
STANDARD_WEEK = {"national_day": 75.0, "make_up": 0.0, "mid_autumn": 7.5}


def sql_hours(engine: sa.Engine) -> dict[str, float]:
    with engine.connect() as conn:
        got = {}
        for label, (a, b) in SPANS.items():
            seconds = conn.execute(sa.text("SELECT seconds FROM cockpit.working_seconds(:a, :b)"),
                                   {"a": a, "b": b}).scalar_one()
            got[label] = float(seconds) / 3600
        return got


def python_hours(calendar: WorkCalendar) -> dict[str, float]:
    return {label: calendar.working_hours(a, b) for label, (a, b) in SPANS.items()}


def table(engine: sa.Engine, sql: str = "SELECT * FROM cockpit.work_calendar ORDER BY day", **params) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.text(sql), params).mappings()]


def calendar_command(engine: sa.Engine, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli.main(["calendar", "--url", engine.url.render_as_string(hide_password=False), *args])
    return code, out.getvalue()


# ------------------------------------------------------------------------------ the official schedule
def test_the_official_schedule_of_national_day_2026():
    got = {d: official_calendar.official_day(d) for d in
           (dt.date(2026, 9, 20), dt.date(2026, 9, 25), dt.date(2026, 10, 1), dt.date(2026, 10, 4),
            dt.date(2026, 10, 7), dt.date(2026, 10, 8), dt.date(2026, 10, 10), dt.date(2026, 10, 11))}
    assert got == {
        dt.date(2026, 9, 20): (True, "国庆节调休上班"), dt.date(2026, 9, 25): (False, "中秋"),
        dt.date(2026, 10, 1): (False, "国庆节"), dt.date(2026, 10, 4): (False, "国庆节"),
        dt.date(2026, 10, 7): (False, "国庆节"), dt.date(2026, 10, 8): (True, None),
        dt.date(2026, 10, 10): (True, "国庆节调休上班"), dt.date(2026, 10, 11): (False, None)}
    assert official_calendar.covers(2026) and not official_calendar.covers(official_calendar.LAST_YEAR + 1)
    assert official_calendar.official_day(dt.date(official_calendar.LAST_YEAR + 1, 10, 1)) is None


# ------------------------------------------------------------------------------ Python and SQL
def test_without_table_rows_python_follows_the_official_schedule_and_sql_the_standard_week(contract_db):
    assert python_hours(WorkCalendar()) == OFFICIAL
    assert python_hours(WorkCalendar(official=False)) == STANDARD_WEEK   # the rule of cockpit.work_clock
    assert sql_hours(contract_db) == STANDARD_WEEK


def test_with_the_official_rows_in_the_table_both_sides_agree(contract_db):
    with contract_db.begin() as conn:
        assert official_calendar.fill(conn, [2026]) == {2026: 365}
    rows = table(contract_db)
    assert sql_hours(contract_db) == OFFICIAL
    assert python_hours(WorkCalendar.from_rows(rows)) == OFFICIAL
    assert python_hours(WorkCalendar.from_rows(rows, official=False)) == OFFICIAL


def test_a_row_of_the_table_wins_over_the_official_schedule(contract_db):
    # the bureau gives 8 October off as well: one working day less in the National Day span
    insert_rows(contract_db, "work_calendar", [
        {"day": dt.date(2026, 10, 8), "is_workday": False, "am_start": None, "am_end": None,
         "pm_start": None, "pm_end": None, "note": "局内调休"}])
    rows = table(contract_db)
    assert python_hours(WorkCalendar.from_rows(rows))["national_day"] == 37.5   # 45 h - 7.5 h
    assert sql_hours(contract_db)["national_day"] == 67.5                       # 75 h - 7.5 h
    with contract_db.begin() as conn:
        official_calendar.fill(conn, [2026])
    assert sql_hours(contract_db) == {**OFFICIAL, "national_day": 37.5}


# ------------------------------------------------------------------------------ python -m cockpit calendar
def test_the_calendar_command_adds_only_the_days_the_table_lacks(contract_db):
    kept = [
        {"day": dt.date(2026, 10, 1), "is_workday": True, "am_start": dt.time(9), "am_end": dt.time(12),
         "pm_start": None, "pm_end": None, "note": "值班"},
        {"day": dt.date(2026, 12, 31), "is_workday": False, "am_start": None, "am_end": None,
         "pm_start": None, "pm_end": None, "note": None},
    ]
    insert_rows(contract_db, "work_calendar", kept)
    code, out = calendar_command(contract_db, "--years", "2026")
    assert code == 0
    assert out == (f"2026: 363 days added from {official_calendar.SOURCE}, 2 already there (kept as they are)\n")
    assert table(contract_db, "SELECT * FROM cockpit.work_calendar WHERE day IN ('2026-10-01', '2026-12-31') "
                              "ORDER BY day") == kept
    added = table(contract_db, "SELECT * FROM cockpit.work_calendar WHERE day IN "
                               "('2026-10-02', '2026-10-10', '2026-10-12') ORDER BY day")
    assert added == [
        {"day": dt.date(2026, 10, 2), "is_workday": False, "am_start": None, "am_end": None,
         "pm_start": None, "pm_end": None, "note": "国庆节"},
        {"day": dt.date(2026, 10, 10), "is_workday": True, "am_start": dt.time(8, 30), "am_end": dt.time(12),
         "pm_start": dt.time(13, 30), "pm_end": dt.time(17, 30), "note": "国庆节调休上班"},
        {"day": dt.date(2026, 10, 12), "is_workday": True, "am_start": dt.time(8, 30), "am_end": dt.time(12),
         "pm_start": dt.time(13, 30), "pm_end": dt.time(17, 30), "note": None},
    ]
    assert table(contract_db, "SELECT count(*) AS n FROM cockpit.work_calendar") == [{"n": 365}]
    # again: nothing to add
    code, out = calendar_command(contract_db, "--years", "2026")
    assert (code, out) == (0, f"2026: 0 days added from {official_calendar.SOURCE}, 365 already there "
                              "(kept as they are)\n")


def test_a_year_the_official_schedule_does_not_hold_is_not_guessed(contract_db):
    later = official_calendar.LAST_YEAR + 1
    code, out = calendar_command(contract_db, "--years", f"{later - 1}-{later}")
    size = official_calendar.days_in_year
    assert code == 1
    assert out.splitlines() == [
        f"{later - 1}: {size(later - 1)} days added from {official_calendar.SOURCE}, 0 already there "
        "(kept as they are)",
        f"{later}: nothing added, the official schedule is not in {official_calendar.SOURCE}; the table "
        f"holds 0 of its {size(later)} days (days it lacks count as the standard week): upgrade "
        "chinese-calendar once the State Council has published the year, or add its rows by hand"]
    assert table(contract_db, "SELECT count(*) AS n FROM cockpit.work_calendar WHERE day >= :d",
                 d=dt.date(later, 1, 1)) == [{"n": 0}]


@pytest.mark.parametrize("years", ["26", "2027-2026", "2026-2090", "2026..2027"])
def test_the_calendar_command_refuses_a_bad_span_of_years(years, capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["calendar", "--url", "postgresql://x@127.0.0.1:1/x", "--years", years])
    assert done.value.code == 2
    assert "--years" in capsys.readouterr().err


def test_a_role_that_may_only_read_adds_nothing_and_says_so_in_one_line(contract_db, capsys):
    role = f"cockpit_ro_{uuid.uuid4().hex[:8]}"
    dbname = contract_db.url.database
    with contract_db.begin() as conn:
        for sql in (f"CREATE ROLE {role} LOGIN", f'GRANT CONNECT ON DATABASE "{dbname}" TO {role}',
                    f"GRANT USAGE ON SCHEMA cockpit TO {role}",
                    f"GRANT SELECT ON ALL TABLES IN SCHEMA cockpit TO {role}"):
            conn.exec_driver_sql(sql)
    try:
        url = contract_db.url.set(username=role, password=None).render_as_string(hide_password=False)
        assert cli.main(["calendar", "--url", url, "--years", "2026"]) == 2
        assert capsys.readouterr().err == (f"permission denied on {contract_db.url.set(username=role)}: "
                                           "permission denied for table work_calendar\n")
        assert table(contract_db, "SELECT count(*) AS n FROM cockpit.work_calendar") == [{"n": 0}]
    finally:
        with contract_db.begin() as conn:
            conn.exec_driver_sql(f"DROP OWNED BY {role}")
            conn.exec_driver_sql(f'REVOKE ALL ON DATABASE "{dbname}" FROM {role}')
            conn.exec_driver_sql(f"DROP ROLE {role}")
