"""Parking enforcement rules (违停“柔性执法”), defined once. No Streamlit, no database.

- The 10-minute rule: a parked car gets an SMS reminder first; a ticket may follow only when the car is
  still there TICKET_WAIT (10 minutes) after the reminder. A ticket at 9:59 after the reminder breaks the
  rule; at 10:00 or later it keeps it.
- The first-violation rule (首违不罚): a violation is a first violation when the same plate has no other
  violation in the FIRST_WARNING_WINDOW_DAYS (half a year, 180 days) before it; a first violation whose car
  did not leave gets a warning, not a fine. A second violation 179 days after the first is not a first
  violation; one 181 days after is.

The figures that count them are contract functions, one definition for every query
(contract/02_checked_views.sql): 提醒后开单 (KPI parking_tickets) is cockpit.parking_ticket_after_wait, a
ticket at or after reminder + TICKET_WAIT to a car that had not left (left_within_10min false); 首违警告
(KPI parking_warnings) is cockpit.parking_first_warning, a record the source warned (is_first_warning) that
got a reminder, whose car had not left, that was not fined and that is a first violation by the window
(cockpit.parking_first_violation: plate known, no other valid record in the 180 days before).

queries/parking/rule_check.sql applies the same rules in the database (tests/test_parking_sql.py checks
one against the other on records at the boundaries); the demo generator uses these constants.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

TICKET_WAIT_MINUTES = 10
SUPPLY_RADIUS_M = 300       # parking supply "near" a violation: within a 5-minute walk
FIRST_WARNING_WINDOW_DAYS = 180
TICKET_WAIT = dt.timedelta(minutes=TICKET_WAIT_MINUTES)
FIRST_WARNING_WINDOW = dt.timedelta(days=FIRST_WARNING_WINDOW_DAYS)


def rule_params() -> dict[str, int]:
    """The rules' parameters as bind parameters of queries/parking/rule_check.sql."""
    return {"wait_minutes": TICKET_WAIT_MINUTES, "window_days": FIRST_WARNING_WINDOW_DAYS}


def ticket_allowed(reminder_at: dt.datetime, ticketed_at: dt.datetime) -> bool:
    """True when the ticket came at least 10 minutes after the reminder."""
    return ticketed_at - reminder_at >= TICKET_WAIT


def is_first_violation(at: dt.datetime, other_times: Iterable[dt.datetime]) -> bool:
    """True when none of the same plate's other violations falls in the half year before `at`
    (at − 180 days ≤ t < at)."""
    return not any(at - FIRST_WARNING_WINDOW <= t < at for t in other_times)


def expected_outcome(reminded: bool, left_within_10min: bool | None, first: bool) -> str:
    """What the rules call for: 'left' (persuaded), 'warning', 'ticket', or 'pending' / 'no_reminder'."""
    if not reminded:
        return "no_reminder"
    if left_within_10min is None:
        return "pending"
    if left_within_10min:
        return "left"
    return "warning" if first else "ticket"
