"""One definition per case figure (issue 18): the source→outcome flow, the stage bar, the KPI cards and the
overview's overdue count read cockpit.grid_case_at's flags, so they agree on hand-made rows."""

from __future__ import annotations

import datetime as dt

import pytest

from cockpit import area
from cockpit.cases import data
from cockpit.gateway import Gateway
from tests.factories import case, insert_rows, local, seed_reference

AS_OF = local(2026, 11, 20, 12, 0)
H = dt.timedelta(hours=1)
T = local(2026, 11, 17, 9)
PERIOD = (dt.date(2026, 11, 16), dt.date(2026, 11, 20))
PREVIOUS = (dt.date(2026, 11, 11), dt.date(2026, 11, 15))


@pytest.fixture
def fetch(contract_db):
    seed_reference(contract_db)
    insert_rows(contract_db, "grid_case", [
        case(T, registered_at=T, closed_at=T + H, close_deadline_at=T + 2 * H, is_auto_closed=True),  # on time, auto
        case(T, registered_at=T, closed_at=T + 3 * H, close_deadline_at=T + 2 * H),                   # late
        case(T, registered_at=T, closed_at=T + H, is_auto_closed=True),              # no deadline: not on time, auto
        case(T, closed_at=T + H, close_deadline_at=T + 2 * H, is_auto_closed=True),  # never registered: no KPI
        case(T, registered_at=T, close_deadline_at=AS_OF - H),                       # open, overdue
        case(T, registered_at=T, close_deadline_at=AS_OF - H, is_deferred=True),     # deferred: not overdue
        case(T, registered_at=T, close_deadline_at=AS_OF + H),                       # open, not yet due
    ])
    gw = Gateway(contract_db.url.render_as_string(hide_password=False))
    yield area.sequential(lambda name, **params: gw.execute(name, **params))
    gw.dispose()


def _page(fetch) -> data.Page:
    return area.load(fetch, data.page(*PERIOD, PREVIOUS, town_code=None, squadron_code=None, area=None,
                                      source_code=None, category_code=None, level="city", hexagons=False,
                                      days=5, today=AS_OF.date(), as_of=AS_OF))


def test_flow_outcomes_follow_the_kpi_flags(fetch):
    page = _page(fetch)
    flow = {r.outcome: (r.cases, r.auto_closed) for r in page.flow.itertuples()}
    assert flow == {"closed_on_time": (1, 1), "closed_late": (2, 1), "closed_unregistered": (1, 0),
                    "open_overdue": (1, 0), "deferred": (1, 0), "open": (1, 0)}
    # the flow's closed and auto-closed cases are the cards' numerators
    assert page.flow_totals == data.FlowTotals(closed=3, auto_closed=2)
    counts = page.rates.by_town.iloc[0]
    assert (counts["due_close"], counts["closed"], counts["closed_on_time"], counts["auto_closed"]) == (4, 3, 1, 2)
    assert page.rates.get("ontime_close_rate") == pytest.approx(25.0)
    assert page.rates.get("close_rate") == pytest.approx(75.0)
    assert page.rates.get("auto_close_rate") == pytest.approx(200.0 / 3)
    assert flow["closed_on_time"][0] == counts["closed_on_time"]
    assert page.flow_totals.auto_closed / page.flow_totals.closed * 100 == pytest.approx(
        page.rates.get("auto_close_rate"))


def test_stage_bar_overdue_is_the_overview_overdue(fetch):
    page = _page(fetch)
    overview = area.load(fetch, data.overview(*PERIOD, PREVIOUS, town_code=None, squadron_code=None, as_of=AS_OF))
    wall = area.load(fetch, data.wall_cases(None, AS_OF.date(), as_of=AS_OF))
    stage = page.stage_now
    assert overview.overdue.overdue_open == 1 and overview.overdue.open_cases == 2
    assert int(stage["overdue_cases"].sum()) == 1           # the deferred case past its deadline is not overdue
    assert int(stage["deferred_cases"].sum()) == 1          # it is its own state
    assert dict(zip(stage["stage_code"], stage["deferred_cases"]))["registered"] == 1
    assert data.open_total(stage) == 2 == wall.open_cases
    assert wall.overdue.overdue_open == 1
