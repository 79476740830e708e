"""提醒后开单 and 首违警告 count what their definitions say (KPI parking_tickets, parking_warnings), through
the parking area's plans (cockpit/parking/data.py) and queries, on hand-made records.

In the week 2026-11-16..20 on road R01 (reminder one minute after the record):
  tickets   201 at 9:59 after the reminder          not a ticket after the wait (too early)
            202 at 10:00                            counted
            203 at 10:01                            counted
            204 at 12:00, but the car had left      not counted
            205 at 15:00, whether it left unknown   not counted (not known to have stayed)
            206 a ticket without a reminder         not counted
  warnings  211 warned, stayed, not fined, first    counted
            212 warned but fined (20 minutes after)   not a warning; a ticket after the wait
            213 warned but the car left             not counted
            214 warned, an earlier record of the plate 110 days before: not a first violation
            215 warned, the plate's earlier record 181 days before: a first violation, counted
            216 warned, no plate: first violation unknown
So 3 tickets after a reminder (202, 203, 212) and 2 warnings (211, 215); the source's fields alone gave 6 and 6.
"""

from __future__ import annotations

import datetime as dt

import pytest

from cockpit import area
from cockpit.gateway import Gateway
from cockpit.parking import data
from cockpit.parking import rules as pr
from tests.factories import TOWN_A, insert_rows, local, seed_reference
from tests.parking.test_parking_sql import road, violation

AS_OF = local(2026, 11, 20, 12, 0)
PERIOD = {"date_from": dt.date(2026, 11, 16), "date_to": dt.date(2026, 11, 20)}
MIN, SEC = dt.timedelta(minutes=1), dt.timedelta(seconds=1)


def rec(vid, plate, at, *, left=False, ticket_after=None, warned=False, reminder=True):
    rem = at + MIN if reminder else None
    ticket = None if ticket_after is None else (rem or at) + ticket_after
    return violation(vid, "R01", at, plate=plate, reminder=rem, left=left if reminder else None, first=warned,
                     ticket=ticket)


RECORDS = [
    rec(201, "浙FA1001", local(2026, 11, 17, 9), ticket_after=10 * MIN - SEC),
    rec(202, "浙FA1002", local(2026, 11, 17, 10), ticket_after=10 * MIN),
    rec(203, "浙FA1003", local(2026, 11, 17, 11), ticket_after=10 * MIN + SEC),
    rec(204, "浙FA1004", local(2026, 11, 17, 12), left=True, ticket_after=12 * MIN),
    rec(205, "浙FA1005", local(2026, 11, 18, 9), left=None, ticket_after=15 * MIN),
    rec(206, "浙FA1006", local(2026, 11, 18, 14), ticket_after=30 * MIN, reminder=False),
    rec(211, "浙FB2001", local(2026, 11, 18, 10), warned=True),
    rec(212, "浙FB2002", local(2026, 11, 18, 11), warned=True, ticket_after=20 * MIN),
    rec(213, "浙FB2003", local(2026, 11, 18, 12), left=True, warned=True),
    rec(214, "浙FB2004", local(2026, 11, 19, 9), warned=True),
    rec(215, "浙FB2005", local(2026, 11, 19, 10), warned=True),
    rec(216, None, local(2026, 11, 19, 11), warned=True),
    rec(221, "浙FB2004", local(2026, 8, 1, 9), reminder=False),                                  # 110 days before
    rec(222, "浙FB2005", local(2026, 11, 19, 10) - dt.timedelta(days=181), reminder=False),     # 181 days before
]


@pytest.fixture
def gw(contract_db):
    seed_reference(contract_db)
    insert_rows(contract_db, "parking_road", [road("R01", TOWN_A, dt.date(2026, 1, 1), True, 2.0)])
    insert_rows(contract_db, "parking_violation", RECORDS)
    gateway = Gateway(contract_db.url.render_as_string(hide_password=False))
    yield gateway
    gateway.dispose()


def fetch(gw):
    return area.sequential(lambda name, **params: gw.execute(name, **{**params, "as_of": AS_OF}))


def test_the_page_counts_tickets_after_the_wait_and_warnings_as_defined(gw):
    f = fetch(gw)
    roads = area.load(f, data.roads(**PERIOD, town=None, method=None))
    p = area.load(f, data.page(**PERIOD, prev_from=dt.date(2026, 11, 9), prev_to=dt.date(2026, 11, 15),
                               town=None, road=None, method=None, roads=roads, dq_days=30))
    assert (p.now.ticketed_after_reminder, p.now.warned) == (3, 2)
    assert (p.now.violations, p.now.reminded, p.now.left_within_10min) == (12, 11, 2)
    hours = p.by_hour.set_index("local_hour")
    assert hours["ticketed_after_reminder"].to_dict() == {h: {10: 1, 11: 2}.get(h, 0) for h in range(24)}
    assert hours["warned"].to_dict() == {h: 2 if h == 10 else 0 for h in range(24)}
    r1 = roads.set_index("road_id").loc["R01"]
    assert (r1.ticketed_after_reminder, r1.warned, r1.ticketed) == (3, 2, 7)  # 7 tickets in all
    # the rule check's warnings as due are the same count; its early tickets are 201 alone
    assert (p.rules.warned_as_due, p.rules.ticket_too_early) == (2, 1)


def test_the_wait_boundary_and_the_first_violation_window(gw, contract_db):
    """Moving 202's ticket one second earlier (9:59.x) drops it; 214's earlier record moved to 181 days
    before makes it a first violation, 215's moved to 180 days before makes it none."""
    def counts():
        df = gw.execute("parking.by_hour", as_of=AS_OF, **PERIOD, town_code=None, road_id=None, method=None,
                        **pr.rule_params())
        return int(df["ticketed_after_reminder"].sum()), int(df["warned"].sum())

    assert counts() == (3, 2)
    with contract_db.begin() as conn:
        conn.exec_driver_sql("UPDATE cockpit.parking_violation SET ticketed_at = ticketed_at - interval '1 second' "
                             "WHERE violation_id = 202")
        conn.exec_driver_sql("UPDATE cockpit.parking_violation SET observed_at = TIMESTAMPTZ '2026-05-22 09:00+08' "
                             "WHERE violation_id = 221")
        conn.exec_driver_sql("UPDATE cockpit.parking_violation SET observed_at = TIMESTAMPTZ '2026-05-23 10:00+08' "
                             "WHERE violation_id = 222")
    assert counts() == (2, 2)   # 202 out; 214 in, 215 out
