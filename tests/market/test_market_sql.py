"""Clothing-market queries against a real PostgreSQL, on hand-made rows with exact expected results.

The week under test (2026): Mon 11-02 .. Mon 11-09, Wednesday 11-04 a holiday, the weekend 11-07/08;
days before 10-31 are missing from the calendar and follow the standard week. As of Mon 11-09 12:00.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cockpit.gateway import Gateway
from cockpit.market import rules as market
from cockpit.settings import SH
from cockpit.worktime import WorkCalendar
from tests.factories import case, insert_rows, local, seed_reference

AS_OF = local(2026, 11, 9, 12, 0)
PERIOD = {"date_from": dt.date(2026, 11, 2), "date_to": dt.date(2026, 11, 9)}
SCOPE = {"dept_code": None, "item_group": None}
BASE = {"as_of": AS_OF, **PERIOD, **SCOPE}
WORK = {"am_start": dt.time(8, 30), "am_end": dt.time(12, 0), "pm_start": dt.time(13, 30), "pm_end": dt.time(17, 30)}


def calendar_rows() -> list[dict]:
    rows = []
    for n in range(0, 11):  # 2026-10-31 (Sat) .. 11-10
        d = dt.date(2026, 10, 31) + dt.timedelta(days=n)
        is_work = d.weekday() < 5 and d != dt.date(2026, 11, 4)
        rows.append({"day": d, "is_workday": is_work, **(WORK if is_work else dict.fromkeys(WORK)),
                     "note": None if is_work or d.weekday() >= 5 else "holiday"})
    return rows


def request(request_id: int, item: str, dept: str, channel: str, submitted, *, first=None, resolved=None,
            outcome=None, satisfaction=None, stall="A1-001", zone="A区", lat=30.7230, lon=120.9660) -> dict:
    return {"request_id": request_id, "item_code": item, "dept_code": dept, "channel": channel, "zone_code": zone,
            "stall_no": stall, "merchant_name": f"商户{request_id}", "merchant_phone": f"1380000{request_id:04d}",
            "lat": lat, "lon": lon, "submitted_at": submitted, "first_response_at": first, "resolved_at": resolved,
            "outcome": outcome, "satisfaction": satisfaction}


# Expected working hours are written beside each row (08:30-12:00, 13:30-17:30).
REQUESTS = [
    # R1: 0.5 h to respond, 1.0 h to resolve: within A's 2 h
    request(1, "A", "X", "onsite", local(2026, 11, 2, 9), first=local(2026, 11, 2, 9, 30),
            resolved=local(2026, 11, 2, 10), outcome="resolved", satisfaction=5, lat=30.7230),
    # R2: Fri 16:30 -> Mon 09:30 over the weekend: 2.0 h, exactly the promise
    request(2, "A", "X", "online", local(2026, 11, 6, 16, 30), first=local(2026, 11, 6, 17),
            resolved=local(2026, 11, 9, 9, 30), outcome="resolved", satisfaction=4, lat=30.7232),
    # R3: Tue 16:30 -> Thu 09:00 over the holiday: 1.5 h to respond; resolved Thu 10:30: 3.0 h, late
    request(3, "B", "Y", "work_order", local(2026, 11, 3, 16, 30), first=local(2026, 11, 5, 9),
            resolved=local(2026, 11, 5, 10, 30), outcome="referred", stall="B1-002", zone="B区", lat=30.7240),
    # R4: Thu 11:00, never answered: open 5 + 7.5 + 3.5 = 16.0 h at as_of, beyond B's 2 h
    request(4, "B", "Y", "onsite", local(2026, 11, 5, 11), stall="B1-002", zone="B区", lat=30.7242),
    # R5: today 09:00, answered 09:10, open 3.0 h: beyond A's 2 h
    request(5, "A", "X", "onsite", local(2026, 11, 9, 9), first=local(2026, 11, 9, 9, 10), lat=30.7234),
    # R6: today 08:00 (before hours), waiting 3.5 h: within C's 40 h
    request(6, "C", "Y", "online", local(2026, 11, 9, 8), stall="C1-003", zone=None),
    # R7, R8: unknown item, unknown department -> data quality, in no figure
    request(7, "MS99", "X", "onsite", local(2026, 11, 3, 9)),
    request(8, "A", "gongshang", "onsite", local(2026, 11, 3, 9)),
    # R9: submitted before the period (Tue 10-27, days off the calendar: standard week), resolved 11-02 10:00:
    #     7 + 3 x 7.5 + 1.5 = 31.0 h; rejected, rated 3
    request(9, "A", "X", "onsite", local(2026, 10, 27, 9), first=local(2026, 10, 27, 9, 5),
            resolved=local(2026, 11, 2, 10), outcome="rejected", satisfaction=3, lat=30.7236),
    # R10: submitted after as_of: not yet there
    request(10, "A", "X", "onsite", local(2026, 11, 9, 13)),
    # R11: resolved after as_of, so open at as_of; 3 + 4 + 3.5 = 10.5 h, within C's 40 h
    request(11, "C", "Y", "onsite", local(2026, 11, 6, 9), first=local(2026, 11, 6, 9, 5),
            resolved=local(2026, 11, 10, 9), outcome="resolved", satisfaction=5, stall="D1-004", zone="D区",
            lat=None, lon=None),
]


@pytest.fixture
def gw(contract_db):
    insert_rows(contract_db, "work_calendar", calendar_rows())
    insert_rows(contract_db, "market_department", [
        {"dept_code": "X", "name_zh": "综合执法", "name_en": "Enforcement", "mode": "resident"},
        {"dept_code": "Y", "name_zh": "司法", "name_en": "Justice", "mode": "appointment"},
        {"dept_code": "Z", "name_zh": "公安", "name_en": "Police", "mode": "rotating"},
    ])
    insert_rows(contract_db, "market_service_item", [
        {"item_code": "A", "group_zh": "G1", "name_zh": "甲", "name_en": "A", "dept_code": "X", "promised_hours": 2.0},
        {"item_code": "B", "group_zh": "G1", "name_zh": "乙", "name_en": "B", "dept_code": "Y", "promised_hours": 2.0},
        {"item_code": "C", "group_zh": "G2", "name_zh": "丙", "name_en": "C", "dept_code": "Y", "promised_hours": 40.0},
    ])
    insert_rows(contract_db, "market_duty", [
        {"day": dt.date(2026, 11, 9), "dept_code": "X", "mode": "resident"},
        {"day": dt.date(2026, 11, 9), "dept_code": "Z", "mode": "rotating"},
        {"day": dt.date(2026, 11, 10), "dept_code": "X", "mode": "resident"},
        {"day": dt.date(2026, 11, 10), "dept_code": "Y", "mode": "appointment"},
        {"day": dt.date(2026, 11, 11), "dept_code": "Z", "mode": "rotating"},
    ])
    insert_rows(contract_db, "market_request", REQUESTS)
    gateway = Gateway(contract_db.url.render_as_string(hide_password=False))
    yield gateway
    gateway.dispose()


def by(df: pd.DataFrame, cols: list[str]) -> dict:
    return {r["group_code"]: [r[c] for c in cols] for r in df.to_dict("records")}


def test_by_group_all_counts_states_and_working_time_speed(gw):
    row = gw.execute("market.by_group", dimension="all", **BASE).iloc[0]
    assert row["group_code"] == "all"
    assert row[["received", "received_today", "resolved"]].tolist() == [7, 2, 4]
    assert row[["open_now", "waiting_now", "in_progress_now", "overdue_now"]].tolist() == [4, 2, 2, 2]
    # first responses (h): R1 0.5, R2 0.5, R3 1.5, R5 1/6, R11 1/12 -> median 0.5
    assert row["responded"] == 5
    assert row["median_first_response_working_hours"] == pytest.approx(0.5)
    # resolutions of the period's requests: R1 1.0, R2 2.0, R3 3.0
    assert row["resolved_of_received"] == 3
    assert row["median_resolution_working_hours"] == pytest.approx(2.0)
    assert row["p90_resolution_working_hours"] == pytest.approx(2.8)
    # due: R1, R2, R3 (resolved), R4 (16 h > 2), R5 (3 h > 2); within: R1, R2 -> 40 %
    assert row[["due", "within_promise"]].tolist() == [5, 2]
    # rated among resolved in the period: R1 5, R2 4, R9 3
    assert row[["rated", "satisfaction_points", "satisfied"]].tolist() == [3, 12, 2]
    k = market.summary_kpis(row.to_dict())
    assert k["market_within_promise_rate"] == pytest.approx(40.0)
    assert k["market_satisfaction"] == pytest.approx(4.0)
    assert k["market_satisfied_rate"] == pytest.approx(200 / 3)


def test_by_group_switches_dimension_and_filters(gw):
    cols = ["received", "resolved", "open_now", "waiting_now", "in_progress_now", "overdue_now", "due", "within_promise"]
    dept = gw.execute("market.by_group", dimension="department", **BASE)
    assert by(dept, cols) == {"X": [3, 3, 1, 0, 1, 1, 3, 2], "Y": [4, 1, 3, 2, 1, 1, 2, 0]}
    assert by(dept, ["median_resolution_working_hours"]) == {"X": [pytest.approx(1.5)], "Y": [pytest.approx(3.0)]}
    channel = gw.execute("market.by_group", dimension="channel", **BASE)
    assert by(channel, ["received"]) == {"onsite": [4], "online": [2], "work_order": [1]}
    item = gw.execute("market.by_group", dimension="item", **BASE)
    assert by(item, ["received", "open_now"]) == {"A": [3, 1], "B": [2, 1], "C": [2, 2]}
    group = gw.execute("market.by_group", dimension="item_group", **BASE)
    assert by(group, ["received"]) == {"G1": [5], "G2": [2]}
    only_y = gw.execute("market.by_group", dimension="all", **{**BASE, "dept_code": "Y"})
    assert only_y[["received", "open_now"]].values.tolist() == [[4, 3]]
    only_g2 = gw.execute("market.by_group", dimension="all", **{**BASE, "item_group": "G2"})
    assert only_g2[["received", "due"]].values.tolist() == [[2, 0]]


def test_group_table_keeps_every_reference_row(gw):
    items = gw.execute("market.items")
    assert items["item_code"].tolist() == ["A", "B", "C"]
    by_item = gw.execute("market.by_group", dimension="item", **{**BASE, "item_group": "G2"})
    table = market.group_table(by_item, items, key="item_code")
    assert table["item_code"].tolist() == ["A", "B", "C"]
    assert table["received"].tolist() == [0, 0, 2]
    assert table["within_promise_rate"].tolist() == [None, None, None]  # nothing due yet: no rate


def test_working_hours_agree_with_the_python_calendar():
    """The SQL clock above and cockpit.worktime give the same spans (holiday, weekend, missing days)."""
    clock = WorkCalendar.from_rows(calendar_rows(), official=False)
    spans = {
        "R2 weekend": (local(2026, 11, 6, 16, 30), local(2026, 11, 9, 9, 30), 2.0),
        "R3 holiday": (local(2026, 11, 3, 16, 30), local(2026, 11, 5, 10, 30), 3.0),
        "R4 open": (local(2026, 11, 5, 11), AS_OF, 16.0),
        "R9 off-calendar": (local(2026, 10, 27, 9), local(2026, 11, 2, 10), 31.0),
    }
    assert {k: clock.working_hours(a, b) for k, (a, b, _) in spans.items()} == pytest.approx(
        {k: h for k, (_, _, h) in spans.items()})


def test_daily_received_resolved_and_open_at_day_end(gw):
    df = gw.execute("market.daily", **BASE)
    assert df["day"].tolist() == [dt.date(2026, 11, d) for d in range(2, 10)]
    assert df["received"].tolist() == [1, 1, 0, 1, 2, 0, 0, 2]
    assert df["received_onsite"].tolist() == [1, 0, 0, 1, 1, 0, 0, 1]
    assert df["received_online"].tolist() == [0, 0, 0, 0, 1, 0, 0, 1]
    assert df["received_work_order"].tolist() == [0, 1, 0, 0, 0, 0, 0, 0]
    assert df["resolved"].tolist() == [2, 0, 0, 1, 0, 0, 0, 1]
    assert df["open_at_day_end"].tolist() == [0, 1, 1, 1, 3, 3, 3, 4]


def test_longest_open_in_working_hours_without_personal_data_unless_asked(gw):
    df = gw.execute("market.longest_open", as_of=AS_OF, **SCOPE, with_personal=False, limit_rows=10)
    assert df["request_id"].tolist() == [4, 11, 6, 5]
    assert df["age_working_hours"].round(4).tolist() == [16.0, 10.5, 3.5, 3.0]
    assert df["working_hours_over_promise"].round(4).tolist() == [14.0, -29.5, -36.5, 1.0]
    assert df["state"].tolist() == ["waiting", "in_progress", "waiting", "in_progress"]
    assert df["is_dept_on_site_today"].tolist() == [False, False, False, True]
    assert df["merchant_name"].isna().all() and df["merchant_phone"].isna().all()
    earlier = gw.execute("market.longest_open", as_of=local(2026, 11, 2, 9, 30), **SCOPE, with_personal=False,
                         limit_rows=1)
    assert earlier["request_id"].tolist() == [9]
    assert earlier["age_working_hours"].round(4).tolist() == [30.5]  # 7 + 3 x 7.5 + 1.0, off the calendar
    named = gw.execute("market.longest_open", as_of=AS_OF, **SCOPE, with_personal=True, limit_rows=2)
    assert named["request_id"].tolist() == [4, 11]
    assert named["merchant_name"].tolist() == ["商户4", "商户11"]


def test_duty_today_and_requests_waiting_for_an_absent_department(gw):
    df = gw.execute("market.duty_today", as_of=AS_OF)
    assert df["dept_code"].tolist() == ["X", "Z", "Y"]  # resident, rotating, appointment
    assert [m if isinstance(m, str) else None for m in df["mode_today"]] == ["resident", "rotating", None]
    assert df["next_on_site_day"].tolist() == [dt.date(2026, 11, 10), dt.date(2026, 11, 11), dt.date(2026, 11, 10)]
    assert df[["open_now", "waiting_now"]].values.tolist() == [[1, 0], [0, 0], [3, 2]]
    assert market.waiting_for_absent(df) == 2
    roster = gw.execute("market.duty_roster", as_of=AS_OF, days=3)
    matrix = market.roster_matrix(roster)
    assert matrix.loc["X"].tolist() == ["resident", "resident", ""]
    assert matrix.loc["Y"].tolist() == ["", "appointment", ""]
    assert matrix.loc["Z"].tolist() == ["rotating", "", "rotating"]


def test_outcomes_satisfaction_and_repeat_stalls(gw):
    out = gw.execute("market.outcomes", **BASE)
    assert out["outcome"].tolist() == ["resolved", "referred", "rejected"]
    assert out["requests"].tolist() == [2, 1, 1]
    assert out["rated"].tolist() == [2, 0, 1]
    assert out["satisfaction_avg"].tolist()[0] == pytest.approx(4.5)
    assert pd.isna(out["satisfaction_avg"].tolist()[1])
    scores = gw.execute("market.satisfaction", **BASE)
    assert scores.values.tolist() == [[1, 0], [2, 0], [3, 1], [4, 1], [5, 1]]
    stalls = gw.execute("market.repeat_stalls", **BASE, min_requests=2, limit_rows=10)
    assert stalls[["stall_no", "requests", "items", "open_now"]].values.tolist() == [["A1-001", 3, 1, 1],
                                                                                     ["B1-002", 2, 1, 1]]
    share = gw.execute("market.repeat_share", **BASE).iloc[0]
    assert share[["stalls", "repeat_stalls", "requests", "requests_from_repeat_stalls"]].tolist() == [4, 2, 7, 5]
    assert market.summary_kpis({"received": 7}, None, share.to_dict())["market_repeat_share"] == pytest.approx(500 / 7)


def test_zones_aggregate_requests_with_positions(gw):
    df = gw.execute("market.zones", **BASE).set_index("zone_code")
    assert df.index.tolist() == ["A区", "B区", "D区", "unknown"]
    assert df[["received", "open_now"]].values.tolist() == [[3, 1], [2, 1], [1, 1], [1, 1]]
    assert df.loc["A区", "lat"] == pytest.approx((30.7230 + 30.7232 + 30.7234 + 30.7236) / 4)
    assert pd.isna(df.loc["D区", "lat"])


def test_context_nearby_bins_parking_and_street_order_within_the_radius(gw, contract_db):
    seed_reference(contract_db)
    insert_rows(contract_db, "case_category", [
        {"category_code": "E0401", "kind": "event", "major_code": "04", "minor_code": "01",
         "major_name_zh": "街面秩序", "minor_name_zh": "占道经营", "minor_name_en": "Street vending",
         "dispose_limit_hours": 2, "is_video_ai": True}])
    t = local(2026, 11, 5, 10)
    insert_rows(contract_db, "parking_violation", [
        {"violation_id": i, "road_id": None, "observed_at": t, "lat": lat, "lon": lon, "grid_code": None,
         "method": "manual", "plate": None, "reminder_at": None, "left_within_10min": None, "ticketed_at": None,
         "is_first_warning": False}
        for i, (lat, lon) in enumerate([(30.72905, 120.97705), (30.72915, 120.97715), (30.7400, 120.9770)])])
    insert_rows(contract_db, "grid_case", [
        case(t, lat=30.7302, lon=120.9782, category_code="E0401"),   # street order, ~150 m away
        case(t, lat=30.7302, lon=120.9782),                          # E0102 exposed rubbish: not street order
        case(t, lat=30.7500, lon=120.9782, category_code="E0401"),   # 2.3 km away
    ])
    df = gw.execute("market.context_nearby", as_of=AS_OF, **PERIOD, centre_lat=30.7290, centre_lon=120.9770,
                    radius_m=500, bin_deg=0.001, case_major_code="04")
    assert df["layer"].tolist() == ["parking", "street_order"]
    assert df["lat"].round(6).tolist() == [30.7295, 30.7305]
    assert df["lon"].round(6).tolist() == [120.9775, 120.9785]
    assert df["events"].tolist() == [2, 1]


def test_ip_monthly_counts_and_lead_time_per_item(gw):
    df = gw.execute("market.ip_monthly", as_of=AS_OF, months=2, item_group="G1")
    assert df["month"].tolist() == [dt.date(2026, 10, 1)] * 2 + [dt.date(2026, 11, 1)] * 2
    assert df["item_code"].tolist() == ["A", "B", "A", "B"]
    assert df["received"].tolist() == [1, 0, 3, 2]
    assert df["resolved"].tolist() == [0, 0, 3, 1]
    medians = df["median_resolution_working_hours"].tolist()
    assert pd.isna(medians[0]) and pd.isna(medians[1])
    assert medians[2:] == pytest.approx([2.0, 3.0])  # A: R1 1.0, R2 2.0, R9 31.0; B: R3 3.0


def test_unknown_items_and_departments_are_counted_not_dropped(gw):
    dq = gw.execute("market.data_quality")
    assert dict(zip(dq["issue_code"], dq["requests"])) == {"unknown_department": 1, "unknown_item": 1}
    valid = gw.execute("market.by_group", dimension="all", **{**BASE, "date_from": dt.date(2026, 10, 1)})
    # 10 requests submitted by as_of, 2 of them left out as data quality
    assert int(valid["received"].iloc[0]) + int(dq["requests"].sum()) == 10


def test_empty_contract_gives_empty_or_zero_results(contract_db):
    gateway = Gateway(contract_db.url.render_as_string(hide_password=False))
    try:
        assert gateway.execute("market.by_group", dimension="all", **BASE).empty
        assert gateway.execute("market.daily", **BASE)["received"].sum() == 0
        assert gateway.execute("market.satisfaction", **BASE)["requests"].tolist() == [0] * 5
        assert gateway.execute("market.repeat_share", **BASE)["stalls"].tolist() == [0]
    finally:
        gateway.dispose()


# ------------------------------------------------------------------ who sees personal data
def test_present_personal_never_shows_raw_values_unless_full():
    df = pd.DataFrame({"request_id": [1], "merchant_name": ["王小明"], "merchant_phone": ["13812345678"]})
    assert "merchant_name" not in market.present_personal(df, "hidden").columns
    assert market.present_personal(df, "full").equals(df)
    masked = market.present_personal(df, "masked")
    assert masked["merchant_name"].tolist() == ["王**"]
    assert masked["merchant_phone"].tolist() == ["138****5678"]


# ------------------------------------------------------------------ the page (AppTest) on the rows above
@pytest.fixture
def market_app(gw, contract_db, monkeypatch, tmp_path):
    """The app pointed at the hand-made rows (as of now: R4, R5, R6, R10 are still open)."""
    from cockpit import runtime
    monkeypatch.setenv("COCKPIT_DATABASE_URL", contract_db.url.render_as_string(hide_password=False))
    monkeypatch.setenv("COCKPIT_DEMO_FEED", "0")
    monkeypatch.setenv("COCKPIT_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    monkeypatch.delenv("COCKPIT_ROLE", raising=False)
    runtime.reset_runtime()
    yield contract_db
    runtime.reset_runtime()


def market_page(**query):
    from tests.pages.test_pages import run_app

    query.setdefault("section", "speed")  # the part with the tables of requests (the KPIs are on every part)
    at = run_app("app_pages/market.py", **query)
    assert not at.exception, [e.value for e in at.exception]
    return at


def table_text(at) -> str:
    return " ".join(d.value.to_csv() for d in at.dataframe)


def longest_table(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "已用（工作小时）" in d.value.columns)


def test_market_page_kpis_with_units(market_app):
    import sqlalchemy as sa

    with market_app.connect() as conn:
        received = conn.execute(sa.text(
            "SELECT count(*) FROM cockpit.market_request_valid WHERE submitted_at >= "
            "CAST(CAST(now() AT TIME ZONE 'Asia/Shanghai' AS date) - 29 AS timestamp) AT TIME ZONE 'Asia/Shanghai'"
        )).scalar()
    at = market_page()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["收到诉求"] == f"{received} 件"
    assert metrics["服装城在办诉求"] == "4 件"           # R4, R5, R6, R10 (open, weeks ago)
    assert metrics["超承诺时限在办"] == "4 件"           # all past their promise by now (R6's 40 h too)
    assert metrics["首次响应用时（中位数）"].endswith("小时")
    assert any("未知服务事项 1" in c.value and "未知部门 1" in c.value for c in at.caption)
    assert longest_table(at)["#"].tolist()[:1] == [4]


def test_market_page_masks_merchants_by_default(market_app):
    at = market_page()
    text = table_text(at)
    assert "商户4" not in text and "13800000004" not in text


def test_market_page_officer_sees_merchants_but_not_on_the_wall(market_app, monkeypatch):
    monkeypatch.setenv("COCKPIT_ROLE", "officer")
    at = market_page()
    assert "商户4" in longest_table(at)["商户"].tolist()
    wall = market_page(view="wall")
    assert "商户" not in longest_table(wall).columns and "电话" not in longest_table(wall).columns
    assert "商户4" not in table_text(wall)


def test_market_page_officer_view_is_audited_once(market_app, monkeypatch, tmp_path):
    from cockpit import identity

    log = tmp_path / "audit.jsonl"
    market_page()
    market_page(view="wall")
    assert not log.exists()  # masked or hidden: nothing to record
    monkeypatch.setenv("COCKPIT_ROLE", "officer")
    at = market_page(dept="Y")
    shown = longest_table(at)
    [line] = identity.read(log)
    assert {k: line[k] for k in ("who", "role", "source", "page", "fields", "rows")} == {
        "who": "local", "role": "officer", "source": "local", "page": "market",
        "fields": ["merchant_name", "merchant_phone"], "rows": len(shown)}
    assert line["filters"]["dept"] == "Y" and "group" not in line["filters"]
    assert line["filters"]["date_to"] == dt.datetime.now(SH).date().isoformat()
    at.run()  # a rerun of the same view is the same view
    assert len(identity.read(log)) == 1


def test_market_page_masks_when_the_audit_log_cannot_be_written(market_app, monkeypatch, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("COCKPIT_AUDIT_LOG", str(blocked / "audit.jsonl"))
    monkeypatch.setenv("COCKPIT_ROLE", "officer")
    at = market_page()
    assert "商户4" not in table_text(at) and "13800000004" not in table_text(at)
    assert longest_table(at)["商户"].tolist()[0].endswith("*")
    assert any("访问记录无法写入" in w.value for w in at.warning)


def test_market_page_in_english(market_app):
    at = market_page(lang="en")
    assert "Requests received" in [m.label for m in at.metric]


def test_market_map_sends_aggregated_layers_only(gw):
    from cockpit import maps
    from cockpit.market.maps import market_deck
    zones = gw.execute("market.zones", **BASE)
    context = pd.DataFrame({"layer": ["parking", "street_order"], "lat": [30.7295, 30.7305],
                            "lon": [120.9775, 120.9785], "events": [2, 1]})
    deck = market_deck(zones, context, labels={"unit": "件"})
    data = {layer.id: layer.data for layer in deck.layers if layer.id.startswith("market-")}
    assert sorted(data) == ["market-parking", "market-street_order", "market-zones"]
    assert [r["name"] for r in data["market-zones"]] == ["A区", "B区"]  # D区 has no position, no zone is no place
    assert [r["value_text"] for r in data["market-zones"]] == ["3 件", "2 件"]
    assert "商户" not in deck.to_json() and maps.payload_bytes(deck) < 200_000
