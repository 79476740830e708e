"""cockpit.market.data: the market's plans on the hand-made rows of test_market_sql (exact figures), and
their builds on failed queries (None rows: None figures, never an exception)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from cockpit import area, i18n
from cockpit.market import data
from tests.market import test_market_sql as hand_made

AS_OF, PERIOD = hand_made.AS_OF, hand_made.PERIOD
gw = hand_made.gw  # the fixture that inserts the hand-made rows

SCOPE = data.Scope(**PERIOD)
PLANS = {
    "reference": data.reference(),
    "totals": data.totals(SCOPE, as_of=AS_OF),
    "summary": data.summary(SCOPE, dt.date(2026, 10, 26), dt.date(2026, 11, 1), as_of=AS_OF),
    "trend": data.trend(SCOPE, as_of=AS_OF),
    "surroundings": data.surroundings(SCOPE, as_of=AS_OF),
    "speed": data.speed(data.Scope(**PERIOD, item_group="G2"), as_of=AS_OF),
    "longest": data.longest_open(SCOPE, "masked", as_of=AS_OF),
    "duty": data.duty(as_of=AS_OF),
    "outcomes": data.outcomes(SCOPE, as_of=AS_OF),
    "ip": data.ip(as_of=AS_OF),
    "headline": data.headline(**PERIOD, as_of=AS_OF),
}


def load(gw, plan):
    return area.load(area.sequential(lambda name, **params: gw.execute(name, **params)), plan)


def test_summary_kpis_of_the_period_and_the_previous_one(gw):
    s = load(gw, PLANS["summary"])
    assert (s.now.received, s.now.received_today, s.now.resolved) == (7, 2, 4)
    assert (s.now.open, s.now.waiting, s.now.in_progress, s.now.overdue_open) == (4, 2, 2, 2)
    assert s.now.within_promise_rate == pytest.approx(40.0)
    assert s.now.first_response_hours == pytest.approx(0.5)
    assert s.now.resolution_hours == pytest.approx(2.0)
    assert s.now.satisfaction == pytest.approx(4.0)
    assert s.now.no_trip_share == pytest.approx(300 / 7)   # R2, R6 online, R3 work order of 7
    assert s.now.repeat_share == pytest.approx(500 / 7)
    assert s.waiting_absent == 2                            # R4, R6 wait for Y, not on site on 11-09
    assert s.previous.received == 1 and s.previous.within_promise_rate == 0.0  # R9 only: 31 h, late
    assert dict(zip(s.data_quality["issue_code"], s.data_quality["requests"])) == {
        "unknown_department": 1, "unknown_item": 1}
    totals = load(gw, PLANS["totals"])
    assert totals == dataclasses.replace(s.now, no_trip_share=None, repeat_share=None)


def test_page_sections(gw):
    ref = load(gw, PLANS["reference"])
    with i18n.language("en"):
        assert ref.dept_options() == {"X": "Enforcement", "Y": "Justice", "Z": "Police"}
    assert list(ref.group_options()) == ["G1", "G2"]
    trend = load(gw, PLANS["trend"])
    assert trend.daily["received"].tolist() == [1, 1, 0, 1, 2, 0, 0, 2]
    assert dict(zip(trend.by_channel["group_code"], trend.by_channel["received"])) == {
        "onsite": 4, "online": 2, "work_order": 1}
    speed = load(gw, PLANS["speed"])
    assert speed.by_item["item_code"].tolist() == ["C"]     # the chosen group only
    assert speed.by_department["dept_code"].tolist() == ["X", "Z", "Y"]  # resident, rotating, appointment
    assert speed.by_department["received"].tolist() == [0, 0, 2]
    longest = load(gw, PLANS["longest"])
    assert longest.rows["request_id"].tolist() == [4, 11, 6, 5]
    assert longest.rows["merchant_name"].tolist() == ["商**", "商***", "商**", "商**"]  # 商户4, 商户11, …
    assert longest.note_key == "mk_personal_masked"
    duty = load(gw, PLANS["duty"])
    assert duty.waiting_absent == 2 and duty.roster.loc["X"].tolist()[:2] == ["resident", "resident"]
    outcomes = load(gw, PLANS["outcomes"])
    assert outcomes.outcomes["requests"].tolist() == [2, 1, 1]
    assert outcomes.scores["requests"].tolist() == [0, 0, 1, 1, 1]
    assert outcomes.repeat_stalls["stall_no"].tolist() == ["A1-001", "B1-002"]
    ip = load(gw, data.Plan(PLANS["ip"].calls | {"ip": ("market.ip_monthly", {"as_of": AS_OF, "months": 2,
                                                                              "item_group": "G1"})},
                            PLANS["ip"].build))
    assert ip.monthly["received"].tolist() == [1, 0, 3, 2]
    assert load(gw, PLANS["headline"]) == data.Headline(open=4, received=7, resolved=4, satisfaction=4.0)
    around = load(gw, PLANS["surroundings"])
    assert around.zones["zone_code"].tolist() == ["A区", "B区", "D区", "unknown"]
    assert around.context.empty and around.radius_m == 1500.0


def test_nothing_to_show_is_none_so_the_page_shows_its_empty_state(contract_db):
    from cockpit.gateway import Gateway

    gateway = Gateway(contract_db.url.render_as_string(hide_password=False))
    try:
        trend = load(gateway, PLANS["trend"])
        outcomes = load(gateway, PLANS["outcomes"])
        assert trend.daily is None and trend.by_channel is None        # zero days, no channel rows
        assert outcomes.scores is None and outcomes.outcomes is None   # five zero ratings, no outcome
        assert load(gateway, PLANS["ip"]).monthly is None
        assert load(gateway, PLANS["headline"]) == data.Headline(open=0, received=0, resolved=0, satisfaction=None)
    finally:
        gateway.dispose()


@pytest.mark.parametrize("name", sorted(PLANS))
def test_every_build_accepts_failed_queries(name):
    plan = PLANS[name]
    result = plan.build({key: None for key in plan.calls})
    assert dataclasses.is_dataclass(result) and type(result).__dataclass_params__.frozen
    for field in dataclasses.fields(result):
        value = getattr(result, field.name)
        if dataclasses.is_dataclass(value):  # the summary's KPIs
            assert all(getattr(value, f.name) is None for f in dataclasses.fields(value))
        elif field.name not in ("radius_m", "note_key", "waiting_absent", "roster"):
            assert value is None, (name, field.name)
