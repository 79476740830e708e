"""Overview queries against a real PostgreSQL, on hand-made rows with exact expected results."""

from __future__ import annotations

import datetime as dt

import pytest

from cockpit import kpi
from cockpit.gateway import Gateway
from tests.factories import GRID_B, TOWN_A, TOWN_B, case, insert_rows, local, seed_reference

AS_OF = local(2026, 11, 20, 12, 0)  # a Friday
HOUR = dt.timedelta(hours=1)
PERIOD = {"date_from": dt.date(2026, 11, 16), "date_to": dt.date(2026, 11, 20)}
ALL = {"town_code": None, "squadron_code": None}
NO_NARROWING = {"dimension": "town", "area": None, "source_code": None, "category_code": None}
COUNTS = ("received", "due_close", "closed", "closed_on_time", "auto_closed", "due_dispose", "disposed",
          "disposed_on_time", "reworked")


@pytest.fixture
def gw(contract_db):
    seed_reference(contract_db)
    gateway = Gateway(contract_db.url.render_as_string(hide_password=False))
    yield gateway
    gateway.dispose()


def closed_case(reported, *, late=False, auto=False, rework=0, grid=None):
    """A case through every stage; closed (and disposed) after its deadlines when `late`."""
    extra = {"grid": grid} if grid else {}
    return case(
        reported, accepted_at=reported + 0.1 * HOUR, registered_at=reported + 0.2 * HOUR,
        dispatched_at=reported + 0.3 * HOUR, disposed_at=reported + 2 * HOUR,
        closed_at=reported + 3 * HOUR,
        dispose_deadline_at=reported + (1 if late else 4) * HOUR,
        close_deadline_at=reported + (2 if late else 8) * HOUR,
        is_auto_closed=auto, rework_count=rework, **extra,
    )


def kpi_rows(contract_db):
    mon = local(2026, 11, 16, 9)
    rows = [
        closed_case(mon, auto=True),                                   # 1 on time, auto
        closed_case(mon + 24 * HOUR, late=True, rework=1),             # 2 late, reworked
        case(mon, registered_at=mon, dispatched_at=mon,                # 3 open, both deadlines passed
             dispose_deadline_at=mon + 4 * HOUR, close_deadline_at=mon + 8 * HOUR),
        case(AS_OF - 2 * HOUR, registered_at=AS_OF - HOUR, dispatched_at=AS_OF - HOUR,  # 4 open, not due yet
             dispose_deadline_at=AS_OF + 3 * HOUR, close_deadline_at=AS_OF + 6 * HOUR),
        case(mon, is_rejected=True),                                   # 5 rejected: excluded
        case(mon, registered_at=mon, dispatched_at=mon, disposed_at=mon + HOUR,  # 6 closed only after as_of
             dispose_deadline_at=mon + 4 * HOUR, close_deadline_at=mon + 8 * HOUR,
             closed_at=AS_OF + HOUR),
        closed_case(local(2026, 11, 15, 23, 59)),                      # 7 Sunday: before the period
        case(mon, category_code="X9999"),                               # 8 unknown category: bad row
        closed_case(mon, grid=GRID_B),                                 # 9 town B, on time
        case(AS_OF + HOUR),                                            # 10 after as_of
    ]
    insert_rows(contract_db, "grid_case", rows)


def test_case_kpis_per_town_exact(gw, contract_db):
    kpi_rows(contract_db)
    df = gw.execute("cases.kpis_by_group", as_of=AS_OF, **PERIOD, **ALL, **NO_NARROWING)
    got = df.set_index("group_code")[list(COUNTS)].to_dict("index")
    assert got[TOWN_A] == {"received": 6, "due_close": 4, "closed": 2, "closed_on_time": 1, "auto_closed": 1,
                           "due_dispose": 4, "disposed": 3, "disposed_on_time": 2, "reworked": 1}
    assert got[TOWN_B] == {"received": 1, "due_close": 1, "closed": 1, "closed_on_time": 1, "auto_closed": 0,
                           "due_dispose": 1, "disposed": 1, "disposed_on_time": 1, "reworked": 0}
    # the rates roll up from summed counts
    total = df[list(COUNTS)].sum().to_dict()
    rates = kpi.case_rates(total)
    assert rates["close_rate"] == pytest.approx(60.0)
    assert rates["ontime_dispose_rate"] == pytest.approx(60.0)
    assert rates["rework_rate"] == pytest.approx(25.0)
    assert rates["composite_score"] == pytest.approx(0.6 * 60 + 0.6 * 30 + 0.75 * 10)


def test_case_kpis_filters_by_town_and_squadron(gw, contract_db):
    kpi_rows(contract_db)
    by_town = gw.execute("cases.kpis_by_group", as_of=AS_OF, **PERIOD, town_code=TOWN_B, squadron_code=None,
                         **NO_NARROWING)
    assert by_town["group_code"].tolist() == [TOWN_B]
    by_squadron = gw.execute("cases.kpis_by_group", as_of=AS_OF, **PERIOD, town_code=None,
                             squadron_code="SQ-DH", **NO_NARROWING)
    assert by_squadron["group_code"].tolist() == [TOWN_A]
    assert by_squadron["received"].tolist() == [6]


def test_case_overdue_counts_open_past_deadline(gw, contract_db):
    kpi_rows(contract_db)
    row = gw.execute("overview.case_overdue", as_of=AS_OF, **ALL).iloc[0].to_dict()
    # open at as_of: 3 (overdue), 4 (due in 6 h), 6 (closed only later, overdue); 8 is bad, 5 rejected, 10 future
    assert row == {"open_cases": 3, "overdue_open": 2, "due_within_24h": 1}


def test_case_counts_today_week_year(gw, contract_db):
    insert_rows(contract_db, "grid_case", [
        case(local(2026, 11, 20, 0, 30)),          # today
        case(local(2026, 11, 20, 11, 59)),         # today
        case(local(2026, 11, 20, 12, 30)),         # after as_of
        case(local(2026, 11, 19, 11, 0)),          # yesterday, before the same time
        case(local(2026, 11, 19, 13, 0)),          # yesterday, after the same time
        case(local(2026, 11, 16, 0, 0)),           # Monday: this week
        case(local(2026, 11, 15, 23, 59)),         # Sunday: last week
        case(local(2026, 1, 1, 0, 0)),             # this year
        case(local(2025, 12, 31, 23, 59)),         # last year
    ])
    row = gw.execute("overview.case_counts", as_of=AS_OF, **ALL).iloc[0].to_dict()
    assert row == {"received_today": 2, "received_yesterday_by_now": 1, "received_week": 5, "received_year": 7}


def test_case_daily_fills_empty_days(gw, contract_db):
    insert_rows(contract_db, "grid_case", [
        closed_case(local(2026, 11, 16, 22, 0)),   # received Mon, closed Tue 01:00
        case(local(2026, 11, 18, 10, 0)),
    ])
    df = gw.execute("overview.case_daily", as_of=AS_OF, **PERIOD, **ALL)
    assert [str(d) for d in df["day"]] == ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"]
    assert df["received"].tolist() == [1, 0, 1, 0, 0]
    assert df["closed"].tolist() == [0, 1, 0, 0, 0]


def test_bad_rows_are_counted_not_lost(gw, contract_db):
    insert_rows(contract_db, "grid_case", [
        case(local(2026, 11, 18, 9)),
        case(local(2026, 11, 18, 9), lat=None),
        case(local(2026, 11, 18, 9), lat=31.5),
        case(local(2026, 11, 18, 9), source_code="fax"),
        case(local(2026, 11, 18, 9), grid_code="99999999999999"),
        case(dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)),
    ])
    dq = gw.execute("common.data_quality")
    got = dict(zip(dq["issue_code"], dq["row_count"]))
    assert got == {"missing_location": 1, "out_of_area": 1, "unknown_source": 1, "unknown_grid": 1,
                   "future_time": 1}
    assert set(dq["relation_name"]) == {"grid_case"}
