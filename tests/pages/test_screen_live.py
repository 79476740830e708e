"""The big screen's live parts: the change check (wall.changes, cockpit/live.py and the gateway's
fresh_after), the ticker's events (wall.events), the alarms (cockpit/alarms.py and wall.overdue_by_town),
the pulses' placement and the panels made from them — against real PostgreSQL with hand-made rows."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cockpit import alarms, area, live, maps, screen
from cockpit.gateway import Gateway
from tests.factories import GRID_A, GRID_B, SH, TOWN_A, TOWN_B, case, insert_rows, seed_reference

HOSTILE = "<img src=x onerror=alert(1)>"
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=SH)


@pytest.fixture
def gw(contract_db):
    seed_reference(contract_db)
    gateway = Gateway(contract_db.url.render_as_string(hide_password=False))
    gateway.db = contract_db
    yield gateway
    gateway.dispose()


def at(minutes: float) -> dt.datetime:
    return NOW + dt.timedelta(minutes=minutes)


# ---------------------------------------------------------------- the change check
def tokens(gw, as_of=NOW) -> dict[str, str]:
    df = gw.execute("wall.changes", as_of=as_of)
    return dict(zip(df["area"], df["token"].fillna("")))


def test_a_new_case_moves_only_the_cases_token(gw):
    insert_rows(gw.db, "grid_case", [case(at(-30), case_id=1)])
    before = tokens(gw)
    assert list(before) == list(live.AREAS)
    insert_rows(gw.db, "grid_case", [case(at(-1), case_id=2)])
    after = tokens(gw)
    assert after["cases"] != before["cases"]
    assert {k: v for k, v in after.items() if k != "cases"} == {k: v for k, v in before.items() if k != "cases"}
    # a row stamped after as_of (a clock ahead, a bad row) is not "new" yet by time, but its id is
    insert_rows(gw.db, "grid_case", [case(at(60), case_id=3)])
    assert tokens(gw)["cases"] != after["cases"]


def test_changes_remember_when_each_area_moved():
    c = live.Changes()
    rows = pd.DataFrame({"area": list(live.AREAS), "token": ["a", "b", "c", "d", "e"]})
    assert c.observe(rows, 100.0) == dict.fromkeys(live.AREAS, 0.0)  # first sight: no change
    assert c.observe(rows, 105.0) == dict.fromkeys(live.AREAS, 0.0)
    moved = rows.assign(token=["a", "B", "c", "d", None])
    assert c.observe(moved, 110.0) == {"cases": 0.0, "drones": 110.0, "waste": 0.0, "parking": 0.0,
                                       "market": 110.0}
    assert c.observe(None, 120.0)["drones"] == 110.0, "a failed check changes nothing"
    after = live.fresh_after(c.changed_at, 130.0, 60)
    assert after("overview.drone_summary") == 110.0 and after("cases.kpis_by_group") == 70.0
    assert after("common.towns") is None and live.area_of("wall.events") is None
    assert live.area_of("drones.coverage_by_town") is None, "slow figures follow their TTL alone"
    for name, _ in (call for plan in screen.plans(None, NOW.date()).values() for call in plan.calls.values()):
        # every figure of the screen follows its area's changes, but names, shapes and the slow coverage
        assert live.area_of(name) or name.startswith("common.") or name in live.TTL_ONLY or name == "wall.events", name


def test_fresh_after_refreshes_once_then_shares(gw):
    first = gw.run("common.towns")
    assert gw.run("common.towns", fresh_after=first.fetched_at - 1) is first, "fetched after the change: shared"
    executions = gw.executions
    again = gw.run("common.towns", fresh_after=first.fetched_at + 0.001)
    assert again is not first and gw.executions == executions + 1
    assert gw.run("common.towns", fresh_after=first.fetched_at + 0.001) is again and gw.executions == executions + 1


# ---------------------------------------------------------------- the ticker's events
def seed_events(gw) -> None:
    db = gw.db
    insert_rows(db, "grid_case", [
        case(at(-50), case_id=11, description="张三 13800000000"),
        case(at(-40), case_id=12, grid=GRID_B, closed_at=at(-5)),
        case(at(-30), case_id=13, lat=None),                       # no location: not valid, not shown
        case(at(-20), case_id=14, category_code="NOPE"),           # unknown category: not valid
        case(at(-60 * 30), case_id=15),                            # older than the look-back
    ])
    insert_rows(db, "drone_nest", [{"nest_id": "N1", "name_zh": HOSTILE, "town_code": TOWN_A, "lat": 30.70,
                                    "lon": 121.00, "status_code": "idle", "status_at": at(-100),
                                    "camera_radius_m": 100}])
    insert_rows(db, "drone_flight", [{"flight_id": 7, "nest_id": "N1", "route_name": "河道", "purpose_code": "river",
                                      "started_at": at(-10), "ended_at": None, "distance_km": None}])
    insert_rows(db, "parking_road", [{"road_id": "R1", "name_zh": "新华路", "town_code": TOWN_A, "is_strict": True,
                                      "strict_since": None, "has_ecapture": False, "length_km": 1.0,
                                      "path": '{"type": "LineString", "coordinates": [[121.0, 30.7], [121.01, 30.7]]}'}])
    insert_rows(db, "parking_violation", [
        {"violation_id": 21, "road_id": "R1", "observed_at": at(-3), "lat": 30.7, "lon": 121.005,
         "grid_code": GRID_A, "method": "manual", "plate": "浙F12345", "reminder_at": None,
         "left_within_10min": None, "ticketed_at": None, "is_first_warning": False}])


def test_events_are_the_newest_valid_rows_without_personal_data(gw):
    seed_events(gw)
    df = gw.execute("wall.events", as_of=NOW, town_code=None, hours=24, per_area=5)
    assert df["event_key"].tolist() == ["parking:observed:21", "cases:closed:12", "drones:took_off:7",
                                        "cases:reported:12", "cases:reported:11"]
    assert [pd.Timestamp(x) for x in df["at"]] == [pd.Timestamp(at(m)) for m in (-3, -5, -10, -40, -50)]
    assert df.loc[1, "town_name_zh"] == "钟埭街道" and df.loc[1, "what_zh"] == "暴露垃圾"
    assert df.loc[0, "what_zh"] == "新华路" and df.loc[2, "what_zh"] == HOSTILE
    assert set(df.columns) == {"at", "area", "stage", "town_code", "town_name_zh", "town_name_en", "what_zh",
                               "what_en", "lat", "lon", "event_key"}
    text = df.astype(str).to_string()
    assert "浙F" not in text and "13800000000" not in text and "张三" not in text
    one_town = gw.execute("wall.events", as_of=NOW, town_code=TOWN_B, hours=24, per_area=5)
    assert one_town["event_key"].tolist() == ["cases:closed:12", "cases:reported:12"]
    newest_only = gw.execute("wall.events", as_of=NOW, town_code=None, hours=24, per_area=1)
    assert newest_only["event_key"].tolist() == ["parking:observed:21", "cases:closed:12", "drones:took_off:7",
                                                 "cases:reported:12"]
    assert gw.execute("wall.events", as_of=at(-45), town_code=None, hours=24, per_area=5)["event_key"].tolist() \
        == ["cases:reported:11"], "nothing after as_of"


# ---------------------------------------------------------------- the alarms
def test_overdue_by_town_counts_open_cases_past_their_deadline(gw):
    insert_rows(gw.db, "grid_case", [
        case(at(-600), case_id=31, close_deadline_at=at(-300)),
        case(at(-600), case_id=32, close_deadline_at=at(-100)),
        case(at(-600), case_id=33, close_deadline_at=at(-100), closed_at=at(-50)),   # closed
        case(at(-600), case_id=34, close_deadline_at=at(100)),                       # not yet due
        case(at(-600), case_id=35, close_deadline_at=at(-100), is_deferred=True),    # deferred
        case(at(-600), case_id=36, grid=GRID_B, close_deadline_at=at(-200)),
    ])
    df = gw.execute("wall.overdue_by_town", as_of=NOW)
    assert df[["town_code", "overdue_open"]].values.tolist() == [[TOWN_A, 2], [TOWN_B, 1]]
    assert pd.Timestamp(df.loc[0, "overdue_since"]) == pd.Timestamp(at(-300))


def test_alarm_rules_raise_and_clear():
    nests = pd.DataFrame([{"name_zh": "广陈机巢", "town_code": TOWN_A, "status_code": "offline",
                           "status_at": at(-90)},
                          {"name_zh": "新埭机巢", "town_code": TOWN_B, "status_code": "idle", "status_at": at(-9)}])
    overdue = pd.DataFrame([{"town_code": TOWN_A, "town_name_zh": "当湖街道", "town_name_en": "Danghu",
                             "overdue_open": alarms.OVERDUE_ALARM_CASES, "overdue_since": at(-3000)},
                            {"town_code": TOWN_B, "town_name_zh": "钟埭街道", "town_name_en": "Zhongdai",
                             "overdue_open": alarms.OVERDUE_ALARM_CASES - 1, "overdue_since": at(-4000)}])
    breaches = pd.DataFrame([{"town_code": TOWN_A, "town_name_zh": "当湖街道", "town_name_en": "Danghu",
                              "state": "missed", "cutoff_at": at(-120)},
                             {"town_code": TOWN_B, "town_name_zh": "钟埭街道", "town_name_en": "Zhongdai",
                              "state": "late", "cutoff_at": at(-240)}])
    oldest = pd.DataFrame([{"item_name_zh": "版权登记", "item_name_en": "Copyright",
                            "age_working_hours": alarms.MARKET_WAITING_HOURS + 1, "submitted_at": at(-9000)}])
    raised = alarms.evaluate(down_since=NOW.timestamp() - 60, nests=nests, overdue_by_town=overdue,
                             breaches=breaches, market_oldest=oldest, town_names={TOWN_A: "当湖街道"})
    assert [(a.rule, a.level) for a in raised] == [("overdue_town", "bad"), ("nest_down", "bad"),
                                                   ("db_down", "bad"), ("market_waiting", "warn"),
                                                   ("station_missed", "warn")]
    by_rule = {a.rule: a for a in raised}
    assert by_rule["nest_down"].where == "广陈机巢 · 当湖街道" and by_rule["nest_down"].since == at(-90)
    assert by_rule["overdue_town"].where == "当湖街道" and by_rule["overdue_town"].since == at(-3000)
    assert by_rule["station_missed"].what == "1 个投放点过截止时间未清运" and by_rule["station_missed"].where == "当湖街道"
    assert by_rule["station_missed"].since == at(-120)
    assert by_rule["db_down"].since == dt.datetime.fromtimestamp(NOW.timestamp() - 60, SH)
    # everything back to normal: no alarm left, nobody acknowledged anything
    calm = alarms.evaluate(down_since=None, nests=nests.assign(status_code="idle"),
                           overdue_by_town=overdue.assign(overdue_open=1), breaches=breaches.assign(state="late"),
                           market_oldest=oldest.assign(age_working_hours=1.0))
    assert calm == []
    assert alarms.evaluate(down_since=None, nests=None, overdue_by_town=None, breaches=None, market_oldest=None) == []


def test_alarm_and_ticker_html_escape_data():
    raised = [alarms.Alarm("nest_down", "bad", "机巢离线", HOSTILE, at(-5))]
    text = screen.alarms_panel(raised)
    assert "<img" not in text and "data-alarms='1'" in text and "data-rule='nest_down'" in text
    assert "calm" in screen.alarms_panel([]) and "data-alarms='0'" in screen.alarms_panel([])
    events = pd.DataFrame([{"at": at(-1), "area": "cases", "stage": "reported", "town_code": TOWN_A,
                            "town_name_zh": HOSTILE, "town_name_en": HOSTILE, "what_zh": HOSTILE, "what_en": HOSTILE,
                            "lat": 30.7, "lon": 121.0, "event_key": "cases:reported:1"}])
    ticker = screen.ticker_panel(events, NOW)
    assert "<img" not in ticker and ticker.count("&#60;img") == 4 and "ev fresh" in ticker and "上报" in ticker
    assert "近 24 小时无新事件" in screen.ticker_panel(None, NOW)


def test_pulses_sit_where_deck_gl_draws_the_point():
    view = maps.view_for(width_px=908, height_px=574)
    assert maps.offset_px(view.longitude, view.latitude, view) == (0.0, 0.0)
    x, y = maps.offset_px(view.longitude + 0.05, view.latitude + 0.05, view)
    world = 512 * 2 ** view.zoom
    assert x == pytest.approx(0.05 / 360 * world) and y < 0 and abs(y) > x  # north is up; Mercator stretches
    events = pd.DataFrame([
        {"at": at(-1), "stage": "reported", "lat": view.latitude, "lon": view.longitude},
        {"at": at(-(live.PULSE_MINUTES + 1)), "stage": "reported", "lat": view.latitude, "lon": view.longitude},
        {"at": at(-2), "stage": "closed", "lat": None, "lon": None}])
    assert screen.pulses(events, view, NOW) == [(0.0, 0.0, "reported")]


def test_each_panel_shows_its_own_age_when_stale():
    from cockpit.gateway import Result

    calls = area.calls_of(**screen.plans(None, NOW.date()))
    fresh = Result("overview.waste_today", pd.DataFrame(), 100.0)
    stale = Result("overview.parking_summary", pd.DataFrame(), 50.0, is_stale=True, error="timeout", error_kind="timeout")
    ages = screen.panel_ages([fresh, stale], {"market.longest_open": "timeout"}, calls)
    assert ages == {"parking": 50.0, "market": None}
    figures = screen.load(lambda **c: {k: None for k in c}, None, NOW.date())
    text = screen.render(figures, today=NOW.date(), view="cases", view_title="x", index=0, count=1, left=5,
                         updated="", ages=ages, now=NOW)
    parking = text[text.index("data-panel='parking'"):text.index("data-panel='market'")]
    assert "数据 " in parking and "⚠" in parking
    assert "暂无数据" in text[text.index("data-panel='market'"):]
    waste = text[text.index("data-panel='waste'"):text.index("data-panel='parking'")]
    assert "<span class='age'>" not in waste


def test_the_database_alarm_is_judged_after_the_runs_queries():
    """The red notice comes from the run's own results; the alarm asks when the outage began only after
    the same run's queries, so that both appear in one run (asked before, the alarm came a run later)."""
    asked = []

    def fetch(**calls):
        asked.append("queries")
        return {k: None for k in calls}

    def outage():
        asked.append("outage")
        return NOW.timestamp() - 60 if "queries" in asked else None

    figures = screen.load(fetch, None, NOW.date(), down_since=outage)
    assert asked[-1] == "outage"
    assert [(a.rule, a.since) for a in figures.alarms] == [("db_down", NOW - dt.timedelta(minutes=1))]
    assert screen.load(fetch, None, NOW.date(), down_since=lambda: None).alarms == ()
