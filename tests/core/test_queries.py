"""Every query file is valid SQL for the contract: it runs on the empty contract with typical values.

Each parameter name has one typical value here; a new query with a new parameter name adds it below."""

from __future__ import annotations

import datetime as dt

import pytest

from cockpit.drones import rules as drone_rules

from cockpit.waste import rules as waste_rules
from cockpit.gateway import Gateway
from tests.factories import local

TYPICAL = {
    "as_of": local(2026, 11, 20, 12, 0), "date_from": dt.date(2026, 11, 16), "date_to": dt.date(2026, 11, 20),
    "day": dt.date(2026, 11, 20), "town_code": None, "squadron_code": None, "area": None, "days": 7,
    "dimension": "town", "source_code": None, "category_code": None, "horizon_hours": 2, "limit_rows": 50, "hours": 24, "per_area": 6,
    "bin_deg": 0.005,
    # parking
    "road_id": None, "method": None, "wait_minutes": 10, "window_days": 180, "reset_days": 60,
    # waste
    **waste_rules.rule_params(), **waste_rules.vehicle_params(), **waste_rules.attention_params(),
    # market
    "dept_code": None, "item_group": None, "case_major_code": None, "centre_lat": 30.729, "centre_lon": 120.977,
    "radius_m": 1500, "min_requests": 2, "months": 12, "with_personal": False,
    # weekly meeting
    "week_start": dt.date(2026, 11, 16), "escalate_hours": 72, "escalate_reworks": 2, "top_n": 5,
    "prev_as_of": local(2026, 11, 13, 12, 0), "weeks": 12,
    # drones
    "blind_days": drone_rules.DEFAULT_BLIND_DAYS, **drone_rules.nest_params(), **drone_rules.path_params(),
}


@pytest.fixture
def gw(contract_db):
    gateway = Gateway(contract_db.url.render_as_string(hide_password=False))
    yield gateway
    gateway.dispose()


def test_every_query_runs_on_an_empty_contract(gw):
    missing = sorted({p for q in gw.queries.values() for p in q.params} - set(TYPICAL))
    assert not missing, f"add a typical value for {missing}"
    for name, query in gw.queries.items():
        gw.execute(name, **{p: TYPICAL[p] for p in query.params})
