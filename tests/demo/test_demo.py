"""The demo: generator (determinism, calendar), loader (reference counts, invariants, bad rows,
refusal) and live feed."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from cockpit import db, official_calendar, places
from cockpit.demo.calendar import WorkClock, calendar_span, clock_frame, work_calendar_frame
from cockpit.demo.generate import DemoGenerator
from cockpit.demo.load import DemoLoadRefused, load_demo
from cockpit.worktime import SH, WorkCalendar
from tests.conftest import _create_database, _drop_database

# Two months at full volume: every fact relation has enough rows (≥ 60) to carry bad rows.
DAYS, SCALE, SEED = 60, 1.0, 7
FACT_RELATIONS = ("grid_case", "waste_weighing", "parking_violation", "drone_flight", "drone_track_point",
                  "market_request")


@pytest.fixture(scope="module")
def demo(pg_admin_url):
    """A database loaded with DAYS days ending a minute ago; yields (engine, url, end, row counts)."""
    url = _create_database(pg_admin_url)
    end = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(minutes=1)
    counts = load_demo(url, days=DAYS, end=end, seed=SEED, scale=SCALE)
    engine = db.make_engine(url)
    yield engine, url, end, counts
    engine.dispose()
    _drop_database(pg_admin_url, url)


def scalar(engine: sa.Engine, sql: str, **params):
    with engine.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar()


def rows(engine: sa.Engine, sql: str, **params) -> list:
    with engine.connect() as conn:
        return conn.execute(sa.text(sql), params).all()


# ------------------------------------------------------------------ reference data
def test_reference_counts_are_the_published_ones(demo):
    engine, *_ = demo
    sites = dict(rows(engine, "SELECT kind, count(*) FROM cockpit.waste_site GROUP BY kind"))
    assert sites == {"dropoff": 622, "transfer": 19, "disposal": 4}
    assert scalar(engine, "SELECT count(*) FROM cockpit.waste_site WHERE is_timed_fixed") == 377
    assert scalar(engine, "SELECT count(*) FROM cockpit.waste_site "
                          "WHERE is_timed_fixed AND kind <> 'dropoff'") == 0
    capacity = dict(rows(engine, "SELECT treats_category_code, capacity_tonnes_per_day "
                                 "FROM cockpit.waste_site WHERE kind = 'disposal'"))
    assert capacity["other"] == 1000 and capacity["perishable"] == 180
    assert scalar(engine, "SELECT count(*) FROM cockpit.waste_vehicle") == 185
    assert scalar(engine, "SELECT count(DISTINCT plate) FROM cockpit.waste_vehicle") == 185
    items = [r[0] for r in rows(engine, "SELECT item_code FROM cockpit.market_service_item ORDER BY 1")]
    assert items == [f"MS{i:02d}" for i in range(1, 29)]
    assert scalar(engine, "SELECT count(*) FROM cockpit.market_department") == 6
    roads = rows(engine, "SELECT road_id, name_zh, has_ecapture FROM cockpit.parking_road ORDER BY road_id")
    assert [(r.road_id, r.name_zh, r.has_ecapture) for r in places.ROADS] == [tuple(r) for r in roads]
    assert sum(r.has_ecapture for r in roads) == 7 and len(roads) == 20
    assert scalar(engine, "SELECT count(*) FROM cockpit.parking_road "
                          "WHERE strict_since < DATE '2020-01-01'") == 3, "3 early strict roads"
    assert scalar(engine, "SELECT count(*) FROM cockpit.town") == 9
    assert scalar(engine, "SELECT count(*) FROM cockpit.squadron") == 10
    assert scalar(engine, "SELECT count(*) FROM cockpit.case_category WHERE is_video_ai") == 15
    shared = rows(engine, "SELECT count(*), sum(spaces) FROM cockpit.parking_supply WHERE kind = 'shared'")
    assert tuple(shared[0]) == (24, 970)
    assert scalar(engine, "SELECT count(*) FROM cockpit.parking_supply WHERE kind = 'temporary'") == 6
    assert scalar(engine, "SELECT count(*) FROM cockpit.shop") == 1200
    assert scalar(engine, "SELECT count(*) FROM cockpit.shop WHERE road_name = '新华路'") >= 290
    version = rows(engine, "SELECT version, is_demo FROM cockpit.contract_version")
    assert [tuple(v) for v in version] == [(db.CONTRACT_VERSION, True)]


def test_the_demo_calendar_is_chinese_calendar_for_every_year_it_covers(demo):
    """Every row the demo writes is chinese-calendar's day (working day or not, the standard hours on
    working days only), and every day of each year of the calendar span that chinese-calendar covers
    is there; a year it does not cover has no row (its days count as the standard week)."""
    import chinese_calendar

    engine, _, end, _ = demo
    table = rows(engine, "SELECT day, is_workday, am_start, am_end, pm_start, pm_end FROM cockpit.work_calendar")
    hours = (dt.time(8, 30), dt.time(12), dt.time(13, 30), dt.time(17, 30))
    wrong = [r for r in table if r[1] != chinese_calendar.is_workday(r[0])
             or tuple(r[2:]) != (hours if r[1] else (None,) * 4)]
    assert wrong == []
    first, last = calendar_span(int((end - dt.timedelta(days=DAYS)).timestamp()), int(end.timestamp()))
    years = range(first.year, last.year + 1)
    held = {y: sum(1 for r in table if r[0].year == y) for y in years}
    covered = {y for y in years if official_calendar.covers(y)}
    assert covered >= {2024, 2025, 2026}
    assert held == {y: official_calendar.days_in_year(y) if y in covered else 0 for y in years}


def test_work_calendar_holds_the_official_holidays(demo):
    engine, *_ = demo
    days = dict(rows(engine, "SELECT day, is_workday FROM cockpit.work_calendar WHERE day IN "
                             "('2026-10-01', '2026-09-20', '2026-10-10', '2025-01-28', '2024-02-04')"))
    assert days == {dt.date(2026, 10, 1): False, dt.date(2026, 9, 20): True, dt.date(2026, 10, 10): True,
                    dt.date(2025, 1, 28): False, dt.date(2024, 2, 4): True}


# ------------------------------------------------------------------ invariants of the facts
def test_workflow_timestamps_are_in_order(demo):
    engine, *_ = demo
    out_of_order = scalar(engine, """
        SELECT count(*) FROM cockpit.grid_case_valid
        WHERE accepted_at < reported_at OR registered_at < accepted_at OR dispatched_at < registered_at
           OR disposed_at < dispatched_at OR feedback_at < disposed_at OR verified_at < feedback_at
           OR closed_at < verified_at
           OR (registered_at IS NULL AND dispatched_at IS NOT NULL)
           OR (dispatched_at IS NULL AND disposed_at IS NOT NULL)
           OR (disposed_at IS NULL AND closed_at IS NOT NULL)
           OR close_deadline_at < dispose_deadline_at
           OR (is_rejected AND registered_at IS NOT NULL)
           OR (is_auto_closed AND closed_at IS NULL)""")
    assert out_of_order == 0


def test_cases_look_like_pinghu(demo):
    engine, _url, end, _ = demo
    received, closed, auto, overdue = rows(engine, """
        SELECT count(*), count(closed_at), count(*) FILTER (WHERE is_auto_closed),
               count(*) FILTER (WHERE closed_at IS NULL AND close_deadline_at < :end
                                  AND NOT is_rejected AND NOT is_deferred)
        FROM cockpit.grid_case_valid""", end=end)[0]
    assert received / DAYS == pytest.approx(1450 * SCALE, rel=0.1)
    assert auto / closed == pytest.approx(0.8971, abs=0.02)
    assert overdue > 0, "some work is overdue and still open"
    late = scalar(engine, "SELECT count(*) FROM cockpit.grid_case_valid "
                          "WHERE disposed_at > dispose_deadline_at")
    assert 0 < late < 0.1 * received
    # morning and afternoon peaks, quiet nights, fewer cases at weekends
    by_hour = dict(rows(engine, "SELECT extract(hour FROM reported_at AT TIME ZONE 'Asia/Shanghai')::int, "
                                "count(*) FROM cockpit.grid_case_valid GROUP BY 1"))
    assert by_hour[9] > 5 * by_hour[3] and by_hour[15] > 5 * by_hour[3] and by_hour[9] > by_hour[12]
    weekend_share = scalar(engine, "SELECT avg((extract(isodow FROM reported_at AT TIME ZONE "
                                   "'Asia/Shanghai') >= 6)::int)::float FROM cockpit.grid_case_valid")
    assert weekend_share < 2 / 7
    danghu = scalar(engine, "SELECT avg((town_code = '330482001')::int)::float FROM cockpit.grid_case_valid")
    assert danghu > 0.25, "当湖街道 is the hotspot"


def test_points_lie_in_their_grid(demo):
    engine, *_ = demo
    for relation in ("grid_case_valid", "parking_violation_valid", "shop"):
        misplaced = scalar(engine, f"""
            SELECT count(*) FROM cockpit.{relation} x JOIN cockpit.unit_grid g ON g.grid_code = x.grid_code
            WHERE NOT (x.lat BETWEEN g.min_lat AND g.max_lat AND x.lon BETWEEN g.min_lon AND g.max_lon)""")
        assert misplaced == 0, relation


def test_ecapture_only_on_the_capture_roads(demo):
    engine, *_ = demo
    off = scalar(engine, """
        SELECT count(*) FROM cockpit.parking_violation_valid v
        LEFT JOIN cockpit.parking_road r USING (road_id)
        WHERE v.method = 'ecapture' AND r.has_ecapture IS DISTINCT FROM true""")
    assert off == 0
    share = scalar(engine, "SELECT avg((method = 'ecapture')::int)::float "
                           "FROM cockpit.parking_violation_valid")
    assert share == pytest.approx(0.47, abs=0.03)
    early_tickets = scalar(engine, """
        SELECT count(*) FROM cockpit.parking_violation_valid
        WHERE ticketed_at < reminder_at + interval '10 minutes'
           OR (ticketed_at IS NOT NULL AND (reminder_at IS NULL OR left_within_10min))""")
    assert early_tickets == 0


def test_timed_stations_are_collected_twice_a_day(demo):
    engine, _url, end, _ = demo
    per_day = scalar(engine, """
        SELECT avg(n)::float FROM (
            SELECT w.site_id, CAST(w.weighed_at AT TIME ZONE 'Asia/Shanghai' AS date) AS day, count(*) AS n
            FROM cockpit.waste_weighing_valid w JOIN cockpit.waste_site s USING (site_id)
            WHERE s.is_timed_fixed AND w.stage = 'collect' AND w.category_code = 'other'
              AND w.weighed_at < :end - interval '1 day' AND w.weighed_at > :end - interval '50 days'
            GROUP BY 1, 2) x""", end=end)
    assert 1.8 < per_day <= 2.05
    other_per_day = scalar(engine, "SELECT sum(net_tonnes) / :days FROM cockpit.waste_weighing_valid "
                                   "WHERE stage = 'dispose' AND category_code = 'other'", days=DAYS)
    assert 400 < other_per_day < 1000, "below the eco-energy plant's 1,000 t/day"


def test_valid_rows_and_bad_rows_add_up(demo):
    engine, _url, _end, counts = demo
    bad = dict(rows(engine, "SELECT relation_name, sum(row_count) FROM cockpit.data_quality GROUP BY 1"))
    for relation in FACT_RELATIONS:
        valid = scalar(engine, f"SELECT count(*) FROM cockpit.{relation}_valid")
        assert valid + bad.get(relation, 0) == counts[relation], relation


def test_bad_rows_are_a_small_share(demo):
    engine, _url, _end, counts = demo
    bad = dict(rows(engine, "SELECT relation_name, sum(row_count) FROM cockpit.data_quality GROUP BY 1"))
    for relation in FACT_RELATIONS:
        share = bad.get(relation, 0) / counts[relation]
        assert 0 < share < 0.02, (relation, share)
    kinds = {tuple(r) for r in rows(engine, "SELECT relation_name, issue_code FROM cockpit.data_quality")}
    assert {("waste_weighing", "duplicate"), ("waste_weighing", "absurd_weight"),
            ("grid_case", "future_time"), ("grid_case", "unknown_grid"),
            ("parking_violation", "out_of_area")} <= kinds


def test_nothing_valid_after_the_end(demo):
    engine, _url, end, _ = demo
    checks = {
        "grid_case_valid": "greatest(reported_at, accepted_at, registered_at, dispatched_at, disposed_at, "
                           "feedback_at, verified_at, closed_at)",
        "parking_violation_valid": "greatest(observed_at, reminder_at, ticketed_at)",
        "waste_weighing_valid": "weighed_at",
        "drone_flight_valid": "greatest(started_at, ended_at)",
        "drone_track_point_valid": "recorded_at",
        "market_request_valid": "greatest(submitted_at, first_response_at, resolved_at)",
        "shop_violation": "observed_at",
        "drone_detection": "detected_at",
        "drone_nest": "status_at",
    }
    for relation, expr in checks.items():
        after = scalar(engine, f"SELECT count(*) FROM cockpit.{relation} WHERE {expr} > :end", end=end)
        assert after == 0, relation
    newest = scalar(engine, "SELECT max(reported_at) FROM cockpit.grid_case_valid")
    assert newest > end - dt.timedelta(hours=1)


def test_links_point_at_existing_rows(demo):
    engine, *_ = demo
    assert scalar(engine, """
        SELECT count(*) FROM cockpit.shop_violation v LEFT JOIN cockpit.grid_case c USING (case_id)
        WHERE v.case_id IS NOT NULL AND c.case_id IS NULL""") == 0
    assert scalar(engine, """
        SELECT count(*) FROM cockpit.drone_detection d LEFT JOIN cockpit.grid_case c USING (case_id)
        WHERE d.case_id IS NOT NULL AND (c.case_id IS NULL OR c.source_code <> 'drone')""") == 0
    assert scalar(engine, """
        SELECT count(*) FROM cockpit.drone_track_point t LEFT JOIN cockpit.drone_flight f USING (flight_id)
        WHERE f.flight_id IS NULL""") == 0


# ------------------------------------------------------------------ loader
def test_loaded_rows_are_frozen_and_all_visible(demo):
    """COPY FREEZE: no page of a fact relation waits for a VACUUM to become all-visible."""
    engine, *_ = demo
    for name in FACT_RELATIONS:
        pages, visible = rows(engine, "SELECT relpages, relallvisible FROM pg_class "
                                      "WHERE oid = CAST(:r AS regclass)", r=f"cockpit.{name}")[0]
        assert pages > 0 and visible == pages, (name, pages, visible)


def test_loading_over_a_contract_no_demo_made_is_refused(contract_db):
    """An operational contract (contract_version says is_demo false) is never appended to or replaced."""
    url = contract_db.url.render_as_string(hide_password=False)
    with contract_db.begin() as conn:
        conn.exec_driver_sql("INSERT INTO cockpit.contract_version VALUES ('1.1.0', now(), false)")
    with pytest.raises(DemoLoadRefused, match="schema cockpit that no demo load made"):
        load_demo(url, days=1, scale=0.01)
    assert scalar(contract_db, "SELECT count(*) FROM cockpit.contract_version") == 1
    assert scalar(contract_db, "SELECT count(*) FROM cockpit.grid_case") == 0


# ------------------------------------------------------------------ generator
def test_generation_is_deterministic():
    end = dt.datetime(2026, 6, 30, 18, 0, tzinfo=SH)
    first = DemoGenerator(seed=11, end=end, days=7, scale=0.1).generate_all()
    second = DemoGenerator(seed=11, end=end, days=7, scale=0.1).generate_all()
    assert first.keys() == second.keys()
    for name in first:
        pd.testing.assert_frame_equal(first[name], second[name], obj=name)
    other = DemoGenerator(seed=12, end=end, days=7, scale=0.1)
    assert not other.grid_case()["reported_at"].equals(first["grid_case"]["reported_at"])


def test_vectorised_deadlines_match_the_working_calendar():
    first, last = dt.date(2025, 12, 1), dt.date(2027, 3, 31)
    frame = work_calendar_frame(first, last)
    clock = WorkClock(clock_frame(frame, first, last))  # days the table lacks: the standard week
    reference = WorkCalendar.from_rows(frame.to_dict("records"), official=False)
    rnd = random.Random(3)
    start = dt.datetime(2026, 1, 1, tzinfo=SH)
    for _ in range(300):
        t = start + dt.timedelta(seconds=rnd.randrange(0, 300 * 86_400))
        hours = rnd.choice([0.5, 1, 2, 4, 7.5, 8, 16, 37.5, 150])
        got = clock.add_working_hours(np.array([int(t.timestamp())]), hours)[0]
        assert got == int(reference.add_working_hours(t, hours).timestamp()), (t, hours)


# ------------------------------------------------------------------ live feed
def test_feed_appends_and_moves_work_on(empty_db):
    from cockpit.demo.feed import run_feed_loop

    load_demo(empty_db, days=2, scale=0.05, seed=3)
    engine = db.make_engine(empty_db)
    try:
        before = scalar(engine, "SELECT count(*) FROM cockpit.grid_case")
        counts = run_feed_loop(empty_db, speed=6000, seed=1, duration_s=3.0, tick_s=0.5)
        after = scalar(engine, "SELECT count(*) FROM cockpit.grid_case")
        assert after > before and counts.get("grid_case", 0) == after - before
        assert scalar(engine, "SELECT count(*) FROM cockpit.grid_case_valid WHERE accepted_at < reported_at "
                              "OR closed_at < verified_at OR dispatched_at < registered_at") == 0
        assert scalar(engine, "SELECT count(*) FROM cockpit.grid_case_valid WHERE reported_at > now()") == 0
    finally:
        engine.dispose()
