"""`python -m cockpit check` against real databases: one that can serve, and one broken way at a time."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
import sqlalchemy as sa

from cockpit import check, check_report, cli, contract, db
from tests.factories import GRID_A, GRID_B, TOWN_A, case, insert_rows, local, seed_reference

NOW = local(2026, 11, 16, 12, 0)  # the check's clock; every row lies before it (and before the real clock)
H = dt.timedelta(hours=1)
PATH = {"type": "LineString", "coordinates": [[121.0065, 30.7045], [121.0265, 30.7045]]}

# newest event of each fact relation, relative to NOW
NEWEST = {"grid_case": 1 * H, "waste_weighing": 0.5 * H, "parking_violation": 2 * H,
          "drone_flight": 5 * H, "market_request": 20 * H}


def _url(engine: sa.Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _sql(engine: sa.Engine, *statements: str) -> None:
    with engine.begin() as conn:
        for s in statements:
            conn.exec_driver_sql(s)


def calendar_days(first_year: int, last_year: int) -> list[dict]:
    """Every day of the years as work_calendar rows: Monday to Friday working, 08:30–12:00 and 13:30–17:30."""
    day, rows = dt.date(first_year, 1, 1), []
    while day.year <= last_year:
        work = day.weekday() < 5
        rows.append({"day": day, "is_workday": work, "am_start": dt.time(8, 30) if work else None,
                     "am_end": dt.time(12) if work else None, "pm_start": dt.time(13, 30) if work else None,
                     "pm_end": dt.time(17, 30) if work else None, "note": None})
        day += dt.timedelta(days=1)
    return rows


def fill(engine: sa.Engine) -> None:
    """At least one valid row in every relation of the contract, facts fresh relative to NOW."""
    seed_reference(engine)  # town, squadron, unit_grid, case_source, case_category
    insert_rows(engine, "contract_version", [
        {"version": db.CONTRACT_VERSION, "applied_at": NOW - 30 * 24 * H, "is_demo": False}])
    insert_rows(engine, "work_calendar", calendar_days(2026, 2027))  # the current and the next year of NOW
    insert_rows(engine, "department", [
        {"dept_code": "SQ-DH", "name_zh": "当湖中队", "name_en": "Danghu squadron", "kind": "squadron"}])
    insert_rows(engine, "community", [
        {"community_code": GRID_A[:12], "town_code": TOWN_A, "name_zh": "东湖社区"}])
    insert_rows(engine, "grid_case", [case(NOW - NEWEST["grid_case"]), case(NOW - 3 * H, grid=GRID_B)])
    insert_rows(engine, "shop", [
        {"shop_id": 1, "name_zh": "平湖小吃", "road_name": "新华路", "lat": 30.699, "lon": 121.01,
         "grid_code": GRID_A, "opened_on": dt.date(2020, 5, 1)}])
    insert_rows(engine, "shop_violation", [
        {"violation_id": 1, "shop_id": 1, "observed_at": NOW - 6 * H, "kind_code": "clutter_box",
         "was_cleared_in_time": True, "case_id": None}])
    insert_rows(engine, "drone_nest", [
        {"nest_id": "N1", "name_zh": "服装城机巢", "town_code": TOWN_A, "lat": 30.722, "lon": 120.968,
         "status_code": "idle", "status_at": NOW - H, "camera_radius_m": 150.0}])
    insert_rows(engine, "drone_flight", [
        {"flight_id": 1, "nest_id": "N1", "route_name": "河道", "purpose_code": "river",
         "started_at": NOW - NEWEST["drone_flight"], "ended_at": NOW - 4 * H, "distance_km": 12.5}])
    insert_rows(engine, "drone_track_point", [
        {"flight_id": 1, "seq": i, "recorded_at": NOW - NEWEST["drone_flight"] + i * dt.timedelta(minutes=10),
         "lat": 30.722 + 0.001 * i, "lon": 120.968, "altitude_m": 100.0} for i in range(3)])
    insert_rows(engine, "drone_detection", [
        {"detection_id": 1, "flight_id": 1, "detected_at": NOW - 4.5 * H, "category_code": "E0102",
         "lat": 30.723, "lon": 120.968, "confidence": 0.91, "case_id": None}])
    insert_rows(engine, "waste_category", [
        {"category_code": "perishable", "name_zh": "易腐垃圾", "name_en": "Perishable"}])
    insert_rows(engine, "waste_site", [
        {"site_id": "D1", "kind": "dropoff", "name_zh": "东湖投放站", "town_code": TOWN_A,
         "community_code": GRID_A[:12], "lat": 30.70, "lon": 121.01, "is_timed_fixed": True,
         "capacity_tonnes_per_day": None, "treats_category_code": None}])
    insert_rows(engine, "waste_vehicle", [
        {"vehicle_id": "V1", "plate": "浙F00001", "category_code": "perishable", "town_code": TOWN_A,
         "capacity_tonnes": 8.0}])
    insert_rows(engine, "waste_weighing", [
        {"weighing_id": i, "site_id": "D1", "vehicle_id": "V1", "category_code": "perishable",
         "stage": "collect", "from_site_id": None, "weighed_at": t, "net_tonnes": 1.2}
        for i, t in ((1, NOW - 5 * H), (2, NOW - NEWEST["waste_weighing"]))])
    insert_rows(engine, "parking_road", [
        {"road_id": "R01", "name_zh": "解放路", "town_code": TOWN_A, "is_strict": True,
         "strict_since": dt.date(2021, 1, 1), "has_ecapture": True, "length_km": 1.9,
         "path": json.dumps(PATH)}])
    insert_rows(engine, "parking_violation", [
        {"violation_id": 1, "road_id": "R01", "observed_at": NOW - NEWEST["parking_violation"],
         "lat": 30.7045, "lon": 121.01, "grid_code": GRID_A, "method": "ecapture", "plate": "浙F12345",
         "reminder_at": NOW - NEWEST["parking_violation"], "left_within_10min": True, "ticketed_at": None,
         "is_first_warning": False}])
    insert_rows(engine, "parking_supply", [
        {"supply_id": "P1", "kind": "shared", "name_zh": "吾悦广场共享车位", "lat": 30.688, "lon": 121.028,
         "spaces": 120}])
    insert_rows(engine, "market_department", [
        {"dept_code": "zhifa", "name_zh": "综合执法", "name_en": "Enforcement", "mode": "resident"}])
    insert_rows(engine, "market_duty", [
        {"day": dt.date(2026, 11, 16), "dept_code": "zhifa", "mode": "resident"}])
    insert_rows(engine, "market_service_item", [
        {"item_code": "MS01", "group_zh": "法律服务", "name_zh": "法律咨询", "name_en": "Legal advice",
         "dept_code": "zhifa", "promised_hours": 8.0}])
    insert_rows(engine, "market_request", [
        {"request_id": 1, "item_code": "MS01", "dept_code": "zhifa", "channel": "onsite", "zone_code": "A",
         "stall_no": "A-101", "merchant_name": "张三", "merchant_phone": "13800000000", "lat": 30.722,
         "lon": 120.968, "submitted_at": NOW - NEWEST["market_request"],
         "first_response_at": NOW - 19 * H, "resolved_at": None, "outcome": None, "satisfaction": None}])


@pytest.fixture
def serving(contract_db):
    fill(contract_db)
    db.refresh_rollups(contract_db)
    return contract_db


def run(engine: sa.Engine, **kwargs) -> check.CheckReport:
    kwargs.setdefault("now", NOW)
    return check.check_database(_url(engine), **kwargs)


def subjects(findings) -> list[str]:
    return [f.subject for f in findings]


def only_role(findings) -> bool:
    """Findings about the connecting role only (the test server's user may be a superuser)."""
    return all(f.subject == "role" for f in findings)


# ------------------------------------------------------------------------------- a database that can serve


def test_passes_on_a_database_that_follows_the_contract(serving):
    report = run(serving)
    assert report.failures == []
    assert report.exit_code == 0 and report.ok
    assert only_role(report.warnings), report.render()
    assert only_role(report.at(check.INFO)), report.render()
    oks = [(f.subject, f.message) for f in report.at(check.OK)]
    for rel, cols in contract.relations().items():
        assert (rel, f"table with all {len(cols)} contract columns") in oks
    assert ("checked views", "all 22 views of 02_checked_views.sql present") in oks
    assert any(subject == "rollups" and message.startswith("complete before ") for subject, message in oks)
    assert ("contract_version", f"database provides contract {db.CONTRACT_VERSION} "
                                f"(applied 2026-10-17 12:00 Asia/Shanghai), the cockpit reads {db.CONTRACT_VERSION}") in oks
    assert [f.message for f in report.about("grid_case")] == [
        "table with all 24 contract columns",
        "fresh: newest reported_at 2026-11-16 11:00 Asia/Shanghai, 1.0 h old (limit 24 h)",
        "no bad rows among 2",
    ]
    text = report.render()
    assert text.splitlines()[-1].startswith("VERDICT: OK — the cockpit can serve from this database")
    assert text.count("\n") == len(report.findings) + 1


def test_freshness_is_measured_on_the_given_clock_exactly(serving):
    # 23 hours later: grid_case is exactly 24 h old (still fresh), parking 25 h (stale: fails),
    # drone_flight 28 h and market_request 43 h (stale, but sparse: warnings)
    report = run(serving, now=NOW + 23 * H)
    assert subjects(report.failures) == ["parking_violation"]
    assert report.failures[0].message == (
        "stale: newest observed_at 2026-11-16 10:00 Asia/Shanghai, 25.0 h old (limit 24 h)")
    stale = [f for f in report.warnings if f.subject != "role"]
    assert subjects(stale) == ["drone_flight", "market_request"]
    assert stale[0].message.startswith("stale: newest started_at 2026-11-16 07:00 Asia/Shanghai, 28.0 h old")
    fresh = {f.subject: f.message for f in report.at(check.OK) if f.message.startswith("fresh")}
    assert fresh == {
        "grid_case": "fresh: newest reported_at 2026-11-16 11:00 Asia/Shanghai, 24.0 h old (limit 24 h)",
        "waste_weighing": "fresh: newest weighed_at 2026-11-16 11:30 Asia/Shanghai, 23.5 h old (limit 24 h)",
    }
    assert report.exit_code == 1
    # one second more and grid_case fails too
    later = run(serving, now=NOW + 23 * H + dt.timedelta(seconds=1))
    assert subjects(later.failures) == ["grid_case", "parking_violation"]
    # a wider limit passes
    assert run(serving, now=NOW + 23 * H, max_age_hours=25).exit_code == 0


def test_rows_after_the_clock_do_not_count_as_fresh(serving):
    report = run(serving, now=NOW - 2.5 * H)  # before the newest case, weighing, parking record
    grid = [f for f in report.about("grid_case") if f.message.startswith(("fresh", "stale"))]
    assert [f.message for f in grid] == [
        "fresh: newest reported_at 2026-11-16 09:00 Asia/Shanghai, 0.5 h old (limit 24 h)"]


def test_a_relation_provided_as_a_view_is_fine(serving):
    _sql(serving, "ALTER TABLE cockpit.shop RENAME TO shop_source",
         "CREATE VIEW cockpit.shop AS SELECT *, 'extra' AS unrelated FROM cockpit.shop_source")
    report = run(serving)
    assert report.failures == []
    assert [f.message for f in report.about("shop") if f.subject == "shop"] == [
        "view with all 7 contract columns; 1 more column(s) ignored"]


# ------------------------------------------------------------------------------- broken one way at a time


@pytest.mark.parametrize("statement, subject, message", [
    ("DROP TABLE cockpit.shop_violation", "shop_violation", 'relation cockpit."shop_violation" is missing'),
    ("DROP VIEW cockpit.market_request_valid", "market_request_valid",
     'view cockpit."market_request_valid" is missing'),
    ("DROP VIEW cockpit.data_quality", "data_quality", 'view cockpit."data_quality" is missing'),
    ("DROP FUNCTION cockpit.collection_rounds", "collection_rounds",
     'function cockpit."collection_rounds" of 02_checked_views.sql is missing or not executable'),
])
def test_fails_when_a_relation_or_view_is_missing(serving, statement, subject, message):
    _sql(serving, statement)
    report = run(serving)
    assert [(f.subject, f.message) for f in report.failures] == [(subject, message)]
    assert report.exit_code == 1
    assert f"FAIL  {subject}" in report.render()
    assert report.render().splitlines()[-1].startswith("VERDICT: FAIL — 1 failure(s)")


def test_fails_when_a_column_is_missing(serving):
    _sql(serving, "ALTER TABLE cockpit.shop DROP COLUMN road_name")
    report = run(serving)
    assert [(f.subject, f.message) for f in report.failures] == [
        ("shop.road_name", "column missing (contract: text)")]
    assert "NULL::text AS road_name" in report.failures[0].hint
    assert report.exit_code == 1


def test_fails_when_a_time_has_no_zone(serving):
    _sql(serving, "ALTER TABLE cockpit.shop_violation ALTER COLUMN observed_at TYPE timestamp")
    report = run(serving)
    assert [(f.subject, f.message) for f in report.failures] == [
        ("shop_violation.observed_at", "is timestamp (contract: timestamptz)")]
    assert "AT TIME ZONE 'Asia/Shanghai'" in report.failures[0].hint
    assert "times must carry a zone" in report.render()


def test_a_fact_time_without_zone_fails_and_skips_its_freshness(serving):
    # the checked views depend on the table: move it aside (they follow it) and provide a zone-less copy
    _sql(serving, "ALTER TABLE cockpit.grid_case RENAME TO grid_case_source",
         "CREATE TABLE cockpit.grid_case AS SELECT * FROM cockpit.grid_case_source",
         "ALTER TABLE cockpit.grid_case ALTER COLUMN reported_at TYPE timestamp "
         "USING reported_at AT TIME ZONE 'Asia/Shanghai'")
    report = run(serving)
    assert [(f.subject, f.message) for f in report.failures] == [
        ("grid_case.reported_at", "is timestamp (contract: timestamptz)")]
    assert [f.message for f in report.about("grid_case")] == [
        "is timestamp (contract: timestamptz)", "no bad rows among 2"]  # no freshness line
    assert report.exit_code == 1


def test_accepts_a_compatible_type_with_a_note(serving):
    # (a column no view of 02 depends on: town_checked selects every column of town)
    _sql(serving, "ALTER TABLE cockpit.waste_site ALTER COLUMN capacity_tonnes_per_day TYPE numeric(10, 3)")
    report = run(serving)
    assert report.failures == []
    subject = "waste_site.capacity_tonnes_per_day"
    notes = [(f.level, f.subject, f.message) for f in report.findings if f.subject == subject]
    assert notes == [(check.INFO, subject, "is numeric (contract: double precision)")]
    assert report.exit_code == 0


@pytest.mark.parametrize("version, level, message_part, code", [
    ("2.0.0", check.FAIL, "major versions differ", 1),
    ("0.9.0", check.FAIL, "major versions differ", 1),
    ("1.4.0", check.WARN, "the database's minor version is newer", 0),
    ("1.2.7", check.WARN, "the database's minor version is older", 0),
    ("1.3.7", check.OK, "database provides contract 1.3.7", 0),
    ("latest", check.FAIL, "is not a semantic version", 1),
])
def test_contract_version(serving, version, level, message_part, code):
    # a newer row than the fixture's: the newest one counts
    insert_rows(serving, "contract_version", [{"version": version, "applied_at": NOW, "is_demo": False}])
    report = run(serving)
    found = [f for f in report.findings
             if f.subject == "contract_version" and not f.message.startswith("table with all")]
    assert len(found) == 1 and found[0].level == level and message_part in found[0].message
    assert report.exit_code == code
    assert [f.subject for f in report.failures] == (["contract_version"] if code else [])


def test_fails_without_a_version_row(serving):
    _sql(serving, "DELETE FROM cockpit.contract_version")
    report = run(serving)
    assert [(f.subject, f.message) for f in report.failures] == [
        ("contract_version", "no row: the database does not say which contract version it provides")]


def test_bad_row_share_above_the_limit_fails(serving):
    insert_rows(serving, "grid_case", [case(NOW - 2 * H, category_code="X9999")])  # 1 bad of 3
    report = run(serving)
    assert [(f.subject, f.message) for f in report.failures] == [
        ("grid_case",
         "1 of 3 rows (33.3%) are bad and left out of every figure: unknown_category 1 (limit 5.0%)")]
    # exactly at the limit is not above it: an info line with the counts per issue code
    at_limit = run(serving, max_bad_share=1 / 3)
    assert at_limit.failures == [] and at_limit.exit_code == 0
    assert [f.message for f in at_limit.at(check.INFO) if f.subject == "grid_case"] == [
        "1 of 3 rows (33.3%) are bad and left out of every figure: unknown_category 1"]


def test_bad_rows_are_listed_per_issue_code(serving):
    insert_rows(serving, "waste_weighing", [
        {"weighing_id": 10 + i, "site_id": site, "vehicle_id": "V1", "category_code": "perishable",
         "stage": "collect", "from_site_id": None, "weighed_at": NOW - 3 * H, "net_tonnes": tonnes}
        for i, (site, tonnes) in enumerate([("D1", 0.0), ("D1", 80.0), ("D1", -1.0), ("NOPE", 1.0)])])
    report = run(serving)  # 4 bad of 6
    assert [f.message for f in report.failures] == [
        "4 of 6 rows (66.7%) are bad and left out of every figure: "
        "non_positive_weight 2, absurd_weight 1, unknown_site 1 (limit 5.0%)"]


def test_empty_relations(serving):
    _sql(serving, "DELETE FROM cockpit.market_request", "DELETE FROM cockpit.parking_supply")
    report = run(serving)
    assert [(f.subject, f.message) for f in report.failures] == [
        ("market_request", "is empty: the cockpit has nothing to show for it")]
    assert [(f.subject, f.message) for f in report.warnings if f.subject != "role"] == [
        ("parking_supply", "is empty: the pages and filters that use it show nothing")]


def calendar_findings(report) -> list[tuple[str, str, str]]:
    return [(f.level, f.message, f.hint) for f in report.about("work_calendar") if f.subject == "work_calendar"
            and not f.message.startswith("table with")]


def test_a_work_calendar_lacking_the_current_or_the_next_year_warns_with_the_command(serving):
    from cockpit import official_calendar

    assert calendar_findings(run(serving)) == [(check.OK, "holds every day of 2026 and 2027", "")]
    url = db.redact(_url(serving))
    _sql(serving, "DELETE FROM cockpit.work_calendar WHERE day BETWEEN '2026-10-01' AND '2026-10-07'")
    consequence = ("on the days it lacks, working hours count the standard week (Monday to Friday), so "
                   "public holidays count as working time and make-up days do not")
    assert calendar_findings(run(serving)) == [
        (check.WARN, f"lacks 7 of the 365 days of 2026: {consequence}",
         f"python -m cockpit calendar --url {url} --years 2026")]
    _sql(serving, "DELETE FROM cockpit.work_calendar WHERE day >= '2027-01-01'")
    unknown = "" if official_calendar.covers(2027) else (
        f" (the official schedule of 2027 is not in {official_calendar.SOURCE} yet: upgrade it once the "
        "State Council has published the year, or add the rows by hand)")
    assert calendar_findings(run(serving)) == [
        (check.WARN, f"lacks 7 of the 365 days of 2026; all of 2027: {consequence}",
         f"python -m cockpit calendar --url {url} --years 2026-2027{unknown}")]
    # what the command adds for 2026 makes that year whole; a year later only 2027 is lacking
    with serving.begin() as conn:
        official_calendar.fill(conn, [2026])
    assert calendar_findings(run(serving)) == [
        (check.WARN, f"lacks all of 2027: {consequence}",
         f"python -m cockpit calendar --url {url} --years 2027{unknown}")]
    # a year earlier the current and the next year are 2025 and 2026: the warning is gone once 2025 is filled
    a_year_before = NOW - 365 * 24 * H
    assert calendar_findings(run(serving, now=a_year_before)) == [
        (check.WARN, f"lacks all of 2025: {consequence}",
         f"python -m cockpit calendar --url {url} --years 2025")]
    with serving.begin() as conn:
        assert official_calendar.fill(conn, [2025]) == {2025: 365}
    assert calendar_findings(run(serving, now=a_year_before)) == [
        (check.OK, "holds every day of 2025 and 2026", "")]


def test_reports_every_problem_not_just_the_first(serving):
    _sql(serving, "ALTER TABLE cockpit.shop DROP COLUMN road_name", "DROP TABLE cockpit.parking_supply",
         "UPDATE cockpit.contract_version SET version = '2.0.0'")
    insert_rows(serving, "grid_case", [case(NOW - 2 * H, category_code="X9999")])
    report = run(serving)
    assert subjects(report.failures) == ["shop.road_name", "parking_supply", "contract_version", "grid_case"]
    assert report.exit_code == 1


def test_fails_without_the_schema(empty_db):
    report = check.check_database(empty_db, now=NOW)
    assert [(f.subject, f.message) for f in report.failures] == [
        ("cockpit", "schema cockpit does not exist, so none of the 27 relations and 22 views of the contract "
                    "are there")]
    assert report.exit_code == 1 and report.connected


def test_a_read_only_role(serving, pg_admin_url):
    """With a role that may only read, and may not read one relation: no write warning, one clear failure."""
    role = f"cockpit_ro_{uuid.uuid4().hex[:8]}"
    dbname = serving.url.database
    _sql(serving, f"CREATE ROLE {role} LOGIN", f"GRANT CONNECT ON DATABASE \"{dbname}\" TO {role}",
         f"GRANT USAGE ON SCHEMA cockpit TO {role}",
         f"GRANT SELECT ON ALL TABLES IN SCHEMA cockpit TO {role}",
         f"REVOKE SELECT ON cockpit.drone_nest FROM {role}",
         f"ALTER ROLE {role} SET statement_timeout = '20s'")
    try:
        url = serving.url.set(username=role, password=None).render_as_string(hide_password=False)
        report = check.check_database(url, now=NOW)
        assert report.findings[0].message.startswith(f"connected to database {dbname} as {role}")
        assert [(f.subject, f.message, f.hint) for f in report.failures] == [
            ("drone_nest", f'role {role} may not read cockpit."drone_nest"',
             f'GRANT SELECT ON cockpit."drone_nest" TO {role}')]
        assert [f for f in report.findings if f.subject == "role"] == []
    finally:
        _sql(serving, f"DROP OWNED BY {role}", f"REVOKE ALL ON DATABASE \"{dbname}\" FROM {role}",
             f"DROP ROLE {role}")


# ------------------------------------------------------------------------------- no connection, and the CLI


def test_unreachable_server():
    report = check.check_database("postgresql://reader:s3cret@127.0.0.1:1/ops", now=NOW)
    assert report.exit_code == 2 and not report.connected
    assert [(f.level, f.subject) for f in report.findings] == [(check.FAIL, "connection")]
    text = report.render()
    assert "cannot connect to postgresql+psycopg://reader:***@127.0.0.1:1/ops" in text
    assert "s3cret" not in text
    assert text.splitlines()[-1] == "VERDICT: FAIL — cannot connect; nothing else was checked (数据库无法连接)."


def test_not_a_postgres_url():
    report = check.check_database("mysql://reader:s3cret@db/ops", now=NOW)
    assert report.exit_code == 2
    assert "s3cret" not in report.render()
    assert report.findings[0].message.startswith("not a usable PostgreSQL URL")


def test_type_verdicts():
    assert check_report.type_verdict("timestamptz", "timestamptz")[0] == check_report.OK
    assert check_report.type_verdict("timestamptz", "timestamp")[0] == check_report.FAIL
    assert check_report.type_verdict("timestamptz", "date")[0] == check_report.FAIL
    assert check_report.type_verdict("text", "varchar")[0] == check_report.INFO
    assert check_report.type_verdict("text", "char")[0] == check_report.WARN
    assert check_report.type_verdict("text", "enum case_status")[0] == check_report.FAIL
    assert check_report.type_verdict("text", "integer")[0] == check_report.FAIL
    assert check_report.type_verdict("double precision", "numeric")[0] == check_report.INFO
    assert check_report.type_verdict("double precision", "integer")[0] == check_report.INFO
    assert check_report.type_verdict("double precision", "real")[0] == check_report.WARN
    assert check_report.type_verdict("double precision", "text")[0] == check_report.FAIL
    assert check_report.type_verdict("bigint", "integer")[0] == check_report.INFO
    assert check_report.type_verdict("smallint", "bigint")[0] == check_report.INFO
    assert check_report.type_verdict("bigint", "numeric")[0] == check_report.WARN
    assert check_report.type_verdict("bigint", "text")[0] == check_report.FAIL
    assert check_report.type_verdict("boolean", "integer")[0] == check_report.FAIL
    assert check_report.type_verdict("jsonb", "json")[0] == check_report.WARN
    assert check_report.type_verdict("jsonb", "text")[0] == check_report.FAIL
    assert check_report.type_verdict("date", "timestamptz")[0] == check_report.FAIL
    assert check_report.type_verdict("time", "timetz")[0] == check_report.FAIL


def test_cli(serving, capsys):
    url = _url(serving)
    # the CLI runs on the real clock, days after NOW: stale with the default limit, fresh with a wide one
    assert cli.main(["check", "--url", url, "--max-age-hours", "1000000"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith("VERDICT: OK")
    assert cli.main(["check", "--url", url]) == 1
    out = capsys.readouterr().out
    assert "FAIL  grid_case" in out and "stale: newest reported_at 2026-11-16 11:00 Asia/Shanghai" in out
    assert cli.main(["check", "--url", url, "--max-age-hours", "1000000", "--max-bad-share", "0"]) == 0
    insert_rows(serving, "grid_case", [case(NOW - 2 * H, category_code="X9999")])
    assert cli.main(["check", "--url", url, "--max-age-hours", "1000000", "--max-bad-share", "0.5"]) == 0
    assert cli.main(["check", "--url", url, "--max-age-hours", "1000000", "--max-bad-share", "0.3"]) == 1
    capsys.readouterr()
    assert cli.main(["check", "--url", "postgresql://reader@127.0.0.1:1/ops"]) == 2
    assert "cannot connect to postgresql+psycopg://reader@127.0.0.1:1/ops" in capsys.readouterr().out


def test_rollups_never_refreshed_warn_and_missing_rollups_fail(contract_db):
    fill(contract_db)
    report = run(contract_db)
    assert [f.message for f in report.warnings if f.subject == "rollups"] == [
        "never refreshed: every figure is counted from the rows (slow on years of data)"]
    assert report.exit_code == 0
    with contract_db.begin() as conn:
        conn.exec_driver_sql("DROP MATERIALIZED VIEW cockpit.parking_road_day")
    report = run(contract_db)
    assert [f.message for f in report.failures] == ['missing: cockpit."parking_road_day"']
