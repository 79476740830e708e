"""cockpit.grid_case_at(as_of): the contract's one definition of the case KPI flags, on hand-made rows."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tests.factories import case, insert_rows, local, seed_reference

AS_OF = local(2026, 11, 20, 12, 0)
H = dt.timedelta(hours=1)
T = local(2026, 11, 18, 9)  # every case is reported then

FLAGS = ("is_registered", "is_dispatched", "is_disposed", "is_closed", "is_excluded", "due_close", "closed",
         "closed_on_time", "auto_closed", "due_dispose", "disposed", "disposed_on_time", "reworked", "is_open",
         "overdue")


def _done(**overrides) -> dict:
    """Registered, dispatched, disposed and closed before AS_OF, each stage before its deadline."""
    row = dict(registered_at=T, dispatched_at=T + H, disposed_at=T + 2 * H, closed_at=T + 3 * H,
               dispose_deadline_at=T + 4 * H, close_deadline_at=T + 8 * H)
    row.update(overrides)
    return row


CASES = {
    # case_id: (stage and flag columns, the flags that are true; every other flag is false)
    1: (_done(is_auto_closed=True, rework_count=1),
        {"is_registered", "is_dispatched", "is_disposed", "is_closed", "due_close", "closed", "closed_on_time",
         "auto_closed", "due_dispose", "disposed", "disposed_on_time", "reworked"}),
    2: (_done(disposed_at=T + 5 * H, closed_at=T + 9 * H, rework_count=2),     # both late
        {"is_registered", "is_dispatched", "is_disposed", "is_closed", "due_close", "closed", "due_dispose",
         "disposed", "reworked"}),
    3: (dict(registered_at=T, close_deadline_at=AS_OF - H),                    # open past its deadline
        {"is_registered", "due_close", "is_open", "overdue"}),
    4: (dict(registered_at=T, close_deadline_at=AS_OF + H),                    # open, not yet due
        {"is_registered", "is_open"}),
    5: (dict(registered_at=T),                                                 # no deadline: never due
        {"is_registered", "is_open"}),
    6: (_done(is_rejected=True),                                               # rejected: out of everything
        {"is_registered", "is_dispatched", "is_disposed", "is_closed", "is_excluded"}),
    7: (dict(registered_at=T, close_deadline_at=AS_OF - H, is_deferred=True),  # deferred: not overdue
        {"is_registered", "is_excluded"}),
    8: (dict(registered_at=AS_OF + H, closed_at=AS_OF + 2 * H,                 # stages after as_of
             close_deadline_at=AS_OF - H),
        {"is_open", "overdue"}),
    9: (dict(registered_at=T, dispatched_at=T, dispose_deadline_at=AS_OF - H,  # disposal overdue
             close_deadline_at=AS_OF + H),
        {"is_registered", "is_dispatched", "due_dispose", "is_open"}),
    10: (_done(dispose_deadline_at=None, close_deadline_at=None),              # done, no deadlines: never on time
         {"is_registered", "is_dispatched", "is_disposed", "is_closed", "due_close", "closed", "due_dispose",
          "disposed"}),
    11: (dict(registered_at=T, closed_at=AS_OF - H, close_deadline_at=AS_OF - 2 * H),  # closed late: not open
         {"is_registered", "is_closed", "due_close", "closed"}),
}


def test_grid_case_at_flags(contract_db):
    seed_reference(contract_db)
    insert_rows(contract_db, "grid_case", [case(T, case_id=i, **cols) for i, (cols, _) in CASES.items()]
                + [case(T, case_id=99, lat=None)])                             # not a valid case: no row
    with contract_db.connect() as conn:
        rows = conn.execute(sa.text(f"SELECT case_id, {', '.join(FLAGS)} FROM cockpit.grid_case_at(:as_of) "
                                    "ORDER BY case_id"), {"as_of": AS_OF}).mappings().all()
    assert [r["case_id"] for r in rows] == list(CASES)
    for r in rows:
        assert {f for f in FLAGS if r[f] is True} == CASES[r["case_id"]][1], r["case_id"]
        assert all(r[f] is not None for f in FLAGS), r["case_id"]  # never null


def test_grid_case_at_is_inlined(contract_db):
    """PostgreSQL inlines the function: the plan reads the table (no function scan), so indexes apply."""
    seed_reference(contract_db)
    with contract_db.connect() as conn:
        plan = "\n".join(r[0] for r in conn.execute(sa.text(
            "EXPLAIN SELECT count(*) FROM cockpit.grid_case_at(:as_of) c "
            "WHERE c.overdue AND c.reported_at >= :since"), {"as_of": AS_OF, "since": T}))
    assert "Function Scan" not in plan
    assert "grid_case" in plan
