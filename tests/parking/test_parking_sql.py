"""Parking queries against a real PostgreSQL, on hand-made records with exact expected results."""

from __future__ import annotations

import datetime as dt
import json
import math
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from cockpit.gateway import Gateway
from tests.factories import GRID_A, GRID_B, TOWN_A, TOWN_B, insert_rows, local, seed_reference

AS_OF = local(2026, 11, 20, 12, 0)          # Friday noon
PERIOD = {"date_from": dt.date(2026, 11, 16), "date_to": dt.date(2026, 11, 20)}  # Monday..Friday
ALL = {"town_code": None, "road_id": None, "method": None}
RULES = {"wait_minutes": 10, "window_days": 180}  # cockpit.parking.rules.rule_params()


def road(road_id, town, since, capture, km):
    path = {"type": "LineString", "coordinates": [[121.000, 30.7045], [121.009, 30.7045]]}
    return {"road_id": road_id, "name_zh": f"路{road_id}", "town_code": town, "is_strict": since is not None,
            "strict_since": since, "has_ecapture": capture, "length_km": km, "path": json.dumps(path)}


def violation(vid, road_id, at, method="manual", *, grid=GRID_A, lat=30.7045, lon=121.0052, reminder=None,
              left=None, ticket=None, first=False, plate="浙F12345"):
    return {"violation_id": vid, "road_id": road_id, "observed_at": at, "lat": lat, "lon": lon, "grid_code": grid,
            "method": method, "plate": plate, "reminder_at": reminder, "left_within_10min": left,
            "ticketed_at": ticket, "is_first_warning": first}


D = lambda d, hh, mm=0: local(2026, 11, d, hh, mm)  # noqa: E731 - a day of November 2026 at hh:mm

VIOLATIONS = [
    violation(1, "R01", D(16, 9), "ecapture", reminder=D(16, 9, 2), left=True),
    violation(2, "R01", D(17, 9, 30), lat=30.7050, lon=121.0050, reminder=D(17, 9, 31), left=False,
              ticket=D(17, 9, 45), plate="浙FD12345"),
    violation(3, "R01", D(19, 18), lat=30.7060, lon=121.0050, reminder=D(19, 18, 1), left=False, first=True,
              plate="浙FB3333"),                                                  # a first violation: warned

    violation(4, "R02", D(19, 9, 10), lat=30.7010, lon=121.0080),
    violation(5, "R02", D(10, 10), lat=30.7010, lon=121.0080),                     # the week before
    violation(6, "R03", D(20, 8), "ecapture", grid=GRID_B, lat=30.7250, lon=120.9650, reminder=D(20, 8, 1),
              left=True),
    violation(7, None, D(18, 23, 30), grid=GRID_B, lat=30.7260, lon=120.9660),      # off the named roads
    violation(8, "R01", D(22, 9), plate="浙F99999") | {"observed_at": local(2030, 1, 1, 9)},  # future
    violation(9, "R99", D(18, 9)),                                                  # unknown road
    violation(10, "R01", D(18, 10), reminder=D(18, 10, 20), ticket=D(18, 10, 5)),  # ticket before reminder
    violation(11, "R01", D(18, 11), lat=None),                                      # no position
    violation(12, "R01", D(20, 13)),                                                # after as_of
    violation(13, "R03", local(2025, 7, 15, 10), "ecapture", grid=GRID_B, lat=30.7250, lon=120.9650),  # the first
]


@pytest.fixture
def gw(contract_db):
    seed_reference(contract_db)
    insert_rows(contract_db, "parking_road", [
        road("R01", TOWN_A, dt.date(2026, 1, 1), True, 2.0),
        road("R02", TOWN_A, dt.date(2026, 11, 18), False, 1.0),
        road("R03", TOWN_B, dt.date(2025, 6, 1), True, 0.5),
    ])
    insert_rows(contract_db, "parking_violation", VIOLATIONS)
    insert_rows(contract_db, "parking_supply", [
        {"supply_id": "S1", "kind": "shared", "name_zh": "共享车位一", "lat": 30.7045, "lon": 121.0050, "spaces": 40},
        {"supply_id": "S2", "kind": "temporary", "name_zh": "无坐标", "lat": None, "lon": None, "spaces": 80},
        {"supply_id": "S3", "kind": "temporary", "name_zh": "远处", "lat": 30.6500, "lon": 121.1000, "spaces": 60},
    ])
    gateway = Gateway(contract_db.url.render_as_string(hide_password=False))
    yield gateway
    gateway.dispose()


def test_bad_records_are_counted_not_shown(gw):
    dq = gw.execute("common.data_quality")
    parking = dq[dq["relation_name"] == "parking_violation"].set_index("issue_code")["row_count"].to_dict()
    assert parking == {"future_time": 1, "unknown_road": 1, "impossible_time": 1, "missing_location": 1}


def test_recent_data_quality_counts_only_recent_and_timeless_rows(gw):
    def parking(days):
        dq = gw.execute("common.data_quality_recent", as_of=AS_OF, days=days)
        return dq[dq["relation_name"] == "parking_violation"].set_index("issue_code")["row_count"].to_dict()

    # rows 9-11 were observed on 18 November; row 8 lies in 2030
    assert parking(30) == {"future_time": 1, "unknown_road": 1, "impossible_time": 1, "missing_location": 1}
    assert parking(1) == {"future_time": 1}


def test_density_bins_sum_to_the_valid_records_of_the_period(gw):
    def total(**over):
        df = gw.execute("parking.density_bins", as_of=AS_OF, **PERIOD, bin_deg=0.01, **(ALL | over))
        return int(df["violations"].sum())

    assert total() == 6                      # 1, 2, 3, 4, 6, 7
    assert total(town_code=TOWN_A) == 4
    assert total(road_id="R01") == 3
    assert total(method="ecapture") == 2
    df = gw.execute("parking.density_bins", as_of=AS_OF, **PERIOD, bin_deg=0.01, **ALL)
    assert len(df) == 2                      # two 0.01° bins: around 30.70/121.00 and 30.72/120.96


def test_hotspots_rank_grids_with_week_over_week(gw):
    df = gw.execute("parking.hotspots", as_of=AS_OF, date_to=dt.date(2026, 11, 20), **ALL)
    rows = df[["grid_code", "violations", "previous_week", "main_road_id"]].to_dict("records")
    assert rows == [
        {"grid_code": GRID_A, "violations": 4, "previous_week": 1, "main_road_id": "R01"},
        {"grid_code": GRID_B, "violations": 2, "previous_week": 0, "main_road_id": "R03"},
    ]
    only_b = gw.execute("parking.hotspots", as_of=AS_OF, date_to=dt.date(2026, 11, 20), **(ALL | {"town_code": TOWN_B}))
    assert only_b["grid_code"].tolist() == [GRID_B]


def test_roads_per_day_per_km_and_reminder_outcomes(gw):
    df = gw.execute("parking.roads", as_of=AS_OF, **PERIOD, town_code=None, method=None,
                    **RULES).set_index("road_id")
    assert df.index.tolist() == ["R01", "R02", "R03"]
    r1 = df.loc["R01"]
    assert (r1.days_enforced, r1.violations, r1.manual, r1.ecapture) == (5, 3, 2, 1)
    assert (r1.reminded, r1.left_within_10min, r1.ticketed_after_reminder, r1.ticketed, r1.warned) == (3, 1, 1, 1, 1)
    assert r1.per_day == pytest.approx(0.6) and r1.per_km_day == pytest.approx(0.3)
    r2 = df.loc["R02"]  # strict since Wednesday: three days of the period
    assert (r2.days_enforced, r2.violations) == (3, 1)
    assert r2.per_day == pytest.approx(1 / 3) and r2.per_km_day == pytest.approx(1 / 3)
    r3 = df.loc["R03"]
    assert (r3.days_enforced, r3.violations, r3.ecapture, r3.left_within_10min) == (5, 1, 1, 1)
    assert r3.per_km_day == pytest.approx(0.4)
    assert r1.path["type"] == "LineString"  # jsonb arrives as a dict


def test_roads_period_is_cut_at_today_and_filters_apply(gw):
    later = gw.execute("parking.roads", as_of=AS_OF, date_from=dt.date(2026, 11, 16),
                       date_to=dt.date(2026, 11, 30), town_code=None, method=None, **RULES).set_index("road_id")
    assert later.loc["R01", "days_enforced"] == 5
    town_b = gw.execute("parking.roads", as_of=AS_OF, **PERIOD, town_code=TOWN_B, method=None, **RULES)
    assert town_b["road_id"].tolist() == ["R03"]
    capture = gw.execute("parking.roads", as_of=AS_OF, **PERIOD, town_code=None, method="ecapture", **RULES)
    assert capture.set_index("road_id")["violations"].to_dict() == {"R01": 1, "R03": 1, "R02": 0}


def test_road_monthly_counts_from_the_month_it_became_strict(gw):
    df = gw.execute("parking.road_monthly", as_of=AS_OF, town_code=None)
    r2 = df[df["road_id"] == "R02"]
    assert r2[["month", "days", "violations"]].to_dict("records") == [
        {"month": dt.date(2026, 11, 1), "days": 3, "violations": 1}]  # the record of 10 Nov came before
    r3 = df[df["road_id"] == "R03"]  # strict since June 2025, but the records begin on 15 July 2025
    assert len(r3) == 17 and r3["month"].iloc[0] == dt.date(2025, 7, 1)
    assert (r3["days"].iloc[0], r3["violations"].iloc[0]) == (17, 1)
    assert r3["violations"].sum() == 2
    r1_nov = df[(df["road_id"] == "R01") & (df["month"] == dt.date(2026, 11, 1))].iloc[0]
    assert (r1_nov.days, r1_nov.violations) == (20, 3)
    assert r1_nov.per_day == pytest.approx(3 / 20)
    assert len(df[df["road_id"] == "R01"]) == 11


def test_by_hour_covers_every_hour(gw):
    df = gw.execute("parking.by_hour", as_of=AS_OF, **PERIOD, **ALL, **RULES).set_index("local_hour")
    assert len(df) == 24 and int(df["violations"].sum()) == 6
    assert df.loc[9].to_dict() == {"violations": 3, "reminded": 2, "left_within_10min": 1,
                                   "ticketed_after_reminder": 1, "warned": 0}
    assert df.loc[18, "warned"] == 1 and df.loc[8, "violations"] == 1 and df.loc[23, "violations"] == 1


def test_hour_weekday_pattern(gw):
    df = gw.execute("parking.hour_weekday", as_of=AS_OF, **PERIOD, **ALL)
    cells = {(r.iso_weekday, r.local_hour): r.violations for r in df.itertuples()}
    assert cells == {(1, 9): 1, (2, 9): 1, (3, 23): 1, (4, 9): 1, (4, 18): 1, (5, 8): 1}


def test_daily_by_method_every_day(gw):
    df = gw.execute("parking.daily", as_of=AS_OF, date_from=dt.date(2026, 11, 16), date_to=dt.date(2026, 11, 25),
                    town_code=None, road_id=None)
    assert df["day"].tolist() == [dt.date(2026, 11, d) for d in range(16, 21)]  # not beyond today
    assert df[["manual", "ecapture", "reminded", "left_within_10min"]].values.tolist() == [
        [0, 1, 1, 1], [1, 0, 1, 0], [1, 0, 0, 0], [2, 0, 1, 0], [0, 1, 1, 1]]


def test_supply_counts_records_within_the_radius(gw):
    df = gw.execute("parking.supply", as_of=AS_OF, **PERIOD, radius_m=100, town_code=None)
    assert df[["supply_id", "violations_nearby"]].values.tolist() == [["S1", 2], ["S3", 0]]  # S2 has no position


def _mpd(lat: float) -> tuple[float, float]:
    """cockpit.metres_per_degree_lat/lon (contract/02_checked_views.sql), for placing test records."""
    r = math.radians
    return (111132.954 - 559.822 * math.cos(r(2 * lat)) + 1.175 * math.cos(r(4 * lat)),
            111412.84 * math.cos(r(lat)) - 93.5 * math.cos(r(3 * lat)) + 0.118 * math.cos(r(5 * lat)))


def _offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    """The position north_m / east_m metres from (lat, lon) by cockpit.distance_m (scale at the mean latitude)."""
    dlat = dlon = 0.0
    for _ in range(20):
        mlat, mlon = _mpd(lat + dlat / 2)
        dlat, dlon = north_m / mlat, east_m / mlon
    return lat + dlat, lon + dlon


def test_supply_radius_boundary_is_exact(contract_db):
    """With radius 300: a record 299 m from the site counts, one 301 m away does not, in every direction."""
    seed_reference(contract_db)
    site = (30.7045, 121.0050)
    placed = {"n299": (299, 0), "n301": (301, 0), "s299": (-299, 0), "s301": (-301, 0), "e299": (0, 299),
              "e301": (0, 301), "w299": (0, -299), "w301": (0, -301),
              "ne299": (299 / math.sqrt(2), 299 / math.sqrt(2)), "ne301": (301 / math.sqrt(2), 301 / math.sqrt(2))}
    rows = []
    for i, (tag, (north, east)) in enumerate(sorted(placed.items()), start=1):
        lat, lon = _offset(*site, north, east)
        rows.append(violation(100 + i, None, D(17, 9), lat=lat, lon=lon, plate=f"浙F{i:05d}"))
    insert_rows(contract_db, "parking_violation", rows)
    insert_rows(contract_db, "parking_supply", [
        {"supply_id": "S1", "kind": "shared", "name_zh": "共享车位一", "lat": site[0], "lon": site[1], "spaces": 40}])
    gateway = Gateway(contract_db.url.render_as_string(hide_password=False))
    try:
        with contract_db.connect() as conn:
            near = sorted(tag for (tag, _), (lat, lon) in zip(sorted(placed.items()),
                                                              [(r["lat"], r["lon"]) for r in rows])
                          if conn.execute(sa.text("SELECT cockpit.distance_m(:a, :b, :c, :d)"),
                                          {"a": site[0], "b": site[1], "c": lat, "d": lon}).scalar() <= 300)
        assert near == ["e299", "n299", "ne299", "s299", "w299"]  # the records are where the test says
        df = gateway.execute("parking.supply", as_of=AS_OF, **PERIOD, radius_m=300, town_code=None)
        assert df[["supply_id", "violations_nearby"]].values.tolist() == [["S1", 5]]
        df = gateway.execute("parking.supply", as_of=AS_OF, **PERIOD, radius_m=302, town_code=None)
        assert df["violations_nearby"].tolist() == [10]
    finally:
        gateway.dispose()


def test_recent_newest_first_and_valid_only(gw):
    df = gw.execute("parking.recent", as_of=AS_OF, **ALL, limit_rows=3)
    assert df["violation_id"].tolist() == [6, 3, 4]
    assert df["road_name_zh"].tolist() == ["路R03", "路R01", "路R02"]


# ------------------------------------------------------------------ the 10-minute and first-violation rules
T0 = local(2026, 5, 20, 10, 0)
DAY = dt.timedelta(days=1)
MIN = dt.timedelta(minutes=1)
SEC = dt.timedelta(seconds=1)


def reminded(vid, plate, at, *, left=False, ticket_after=None, warned=False):
    rem = at + MIN
    return violation(vid, "R01", at, plate=plate, reminder=rem, left=left, first=warned,
                     ticket=None if ticket_after is None else rem + ticket_after)


RULE_RECORDS = [
    violation(101, "R01", T0, plate="浙FA0001"), violation(102, "R01", T0, plate="浙FB0002"),
    violation(103, "R01", T0, plate="浙FC0003"),
    reminded(111, "浙FA0001", T0 + 179 * DAY, ticket_after=10 * MIN - SEC),  # 179 days: not first; ticket at 9:59
    reminded(112, "浙FB0002", T0 + 181 * DAY, warned=True),                  # 181 days: first, warned as due
    reminded(113, "浙FC0003", T0 + 180 * DAY, warned=True),                  # 180 days: still within: not first
    reminded(114, "浙FD0004", local(2026, 11, 18, 9), ticket_after=10 * MIN),  # first ever, yet fined; at 10:00
    reminded(115, "浙FA0001", local(2026, 11, 19, 9), ticket_after=10 * MIN + SEC),  # fined as due; at 10:01
    reminded(116, "浙FF0006", local(2026, 11, 19, 10), left=True),           # gone within 10 minutes
    reminded(117, None, local(2026, 11, 19, 11), ticket_after=15 * MIN),      # no plate: first rule unknown
]


@pytest.fixture
def rules_gw(contract_db):
    seed_reference(contract_db)
    insert_rows(contract_db, "parking_road", [road("R01", TOWN_A, dt.date(2026, 1, 1), True, 2.0)])
    insert_rows(contract_db, "parking_violation", RULE_RECORDS)
    gateway = Gateway(contract_db.url.render_as_string(hide_password=False))
    yield gateway
    gateway.dispose()


def reference_counts(records: list[dict], date_from: dt.date, date_to: dt.date) -> dict[str, int]:
    """The same counts from cockpit.parking.rules, record by record."""
    from cockpit.parking import rules as pr
    def local_day(t):
        return t.astimezone(ZoneInfo("Asia/Shanghai")).date()

    out = dict.fromkeys(("reminded", "decided", "left_within_10min", "ticketed", "ticket_too_early",
                         "plate_unknown", "warning_due", "warned_as_due", "fined_not_due", "warned_not_due"), 0)
    for r in records:
        if r["reminder_at"] is None or not date_from <= local_day(r["observed_at"]) <= date_to:
            continue
        others = [o["observed_at"] for o in records if o["plate"] == r["plate"] and o is not r]
        first = r["plate"] is not None and pr.is_first_violation(r["observed_at"], others)
        out["reminded"] += 1
        out["decided"] += r["left_within_10min"] is not None
        out["left_within_10min"] += bool(r["left_within_10min"])
        out["ticketed"] += r["ticketed_at"] is not None
        out["ticket_too_early"] += (r["ticketed_at"] is not None
                                    and not pr.ticket_allowed(r["reminder_at"], r["ticketed_at"]))
        out["plate_unknown"] += r["plate"] is None
        if r["plate"] is None:
            continue
        expected = pr.expected_outcome(True, r["left_within_10min"], first)
        out["warning_due"] += expected == "warning"
        out["warned_as_due"] += expected == "warning" and r["is_first_warning"] and r["ticketed_at"] is None
        out["fined_not_due"] += expected == "warning" and r["ticketed_at"] is not None
        out["warned_not_due"] += expected == "ticket" and r["is_first_warning"]
    return out


def test_rule_check_at_the_boundaries(rules_gw):
    from cockpit.parking import rules as pr
    period = {"date_from": dt.date(2026, 11, 10), "date_to": dt.date(2026, 11, 20)}
    row = rules_gw.execute("parking.rule_check", as_of=AS_OF, **period, town_code=None, road_id=None,
                           **pr.rule_params()).iloc[0].to_dict()
    expected = {"reminded": 7, "decided": 7, "left_within_10min": 1, "ticketed": 4, "ticket_too_early": 1,
                "plate_unknown": 1, "warning_due": 2, "warned_as_due": 1, "fined_not_due": 1, "warned_not_due": 1}
    assert {k: int(v) for k, v in row.items()} == expected
    assert reference_counts(RULE_RECORDS, **period) == expected


def test_rules_reference_at_the_boundaries():
    from cockpit.parking import rules as pr
    reminder = local(2026, 11, 20, 9, 0)
    assert not pr.ticket_allowed(reminder, reminder + 10 * MIN - SEC)     # 9:59
    assert pr.ticket_allowed(reminder, reminder + 10 * MIN)               # 10:00
    assert pr.ticket_allowed(reminder, reminder + 10 * MIN + SEC)         # 10:01
    assert not pr.is_first_violation(T0 + 179 * DAY, [T0])
    assert not pr.is_first_violation(T0 + 180 * DAY, [T0])
    assert pr.is_first_violation(T0 + 181 * DAY, [T0])
    assert pr.is_first_violation(T0, [T0 + DAY])                          # a later one does not count
    assert pr.expected_outcome(True, False, True) == "warning"
    assert pr.expected_outcome(True, False, False) == "ticket"
    assert pr.expected_outcome(True, True, False) == "left"
    assert pr.expected_outcome(True, None, True) == "pending"
    assert pr.expected_outcome(False, None, True) == "no_reminder"


def test_rollups_give_the_same_figures_as_the_rows(gw, contract_db):
    """contract/04: closed days from the rollups, the rest live; the figures do not change with a refresh,
    whether :as_of is today (rollup up to yesterday) or an earlier day (rollup before that day, then rows)."""
    from pandas.testing import assert_frame_equal

    from cockpit import db
    now = dt.datetime.now(dt.timezone.utc)

    def figures():
        return [gw.execute("parking.road_monthly", as_of=at, town_code=town) for at in (AS_OF, now)
                for town in (None, TOWN_B)] + [
            gw.execute("common.data_quality_recent", as_of=at, days=days) for at in (AS_OF, now) for days in (1, 3, 30)]

    from_rows = figures()
    assert db.rollup_cutoff(contract_db) is None
    cut = db.refresh_rollups(contract_db)
    assert cut == now.astimezone(ZoneInfo("Asia/Shanghai")).date() == db.rollup_cutoff(contract_db)
    with contract_db.connect() as conn:  # the rollups hold the records, so the figures below read them
        assert conn.exec_driver_sql("SELECT sum(violations) FROM cockpit.parking_road_day").scalar() == 8
        assert conn.exec_driver_sql("SELECT sum(row_count) FROM cockpit.data_quality_day").scalar() == 3
    for before, after in zip(from_rows, figures(), strict=True):
        assert_frame_equal(before, after)

    # a record arriving late for a closed day counts from the next refresh on; a record of today at once
    insert_rows(contract_db, "parking_violation", [violation(20, "R03", local(2026, 11, 19, 10), "ecapture",
                                                             grid=GRID_B, lat=30.7250, lon=120.9650)])
    r3 = lambda: gw.execute("parking.road_monthly", as_of=now, town_code=None).query("road_id == 'R03'")  # noqa: E731
    assert r3()["violations"].sum() == 2
    db.refresh_rollups(contract_db)
    assert r3()["violations"].sum() == 3
    insert_rows(contract_db, "parking_violation", [violation(21, "R03", now - dt.timedelta(seconds=1), "ecapture",
                                                             grid=GRID_B, lat=30.7250, lon=120.9650)])
    assert r3()["violations"].sum() == 4


def test_plans_load_the_same_figures_through_the_gateway(gw):
    """The page's, the overview's and the wall's plans (cockpit/parking/data.py) on the hand-made records:
    valid in the period are 1, 2, 3, 4, 6 and 7; 1 and 6 e-captured; 1, 2, 3, 6 reminded, 1 and 6 gone
    within 10 minutes, 2 ticketed, 3 warned."""
    from cockpit import area
    from cockpit.parking import data

    fetch = area.sequential(lambda name, **params: gw.execute(name, **{**params, "as_of": AS_OF}))
    roads = area.load(fetch, data.roads(**PERIOD, town=None, method=None))
    p = area.load(fetch, data.page(**PERIOD, prev_from=dt.date(2026, 11, 9), prev_to=dt.date(2026, 11, 15),
                                   town=None, road=None, method=None, roads=roads, dq_days=30))
    assert p.now == data.Counts(violations=6, reminded=4, left_within_10min=2, ticketed_after_reminder=1, warned=1)
    assert p.now.persuade_rate == 50.0 and round(p.ecapture_share, 6) == round(100 * 2 / 6, 6)
    assert p.previous.violations == 1  # violation 5, the week before
    assert p.rules.reminded == 4 and p.rules.ticket_too_early == 0
    assert p.supply_spaces == 100 and p.has_daily and p.has_reminders
    assert p.focus_roads["road_id"].tolist() == ["R01", "R03"]
    s = area.load(fetch, data.summary(**PERIOD, town=None))
    assert (s.violations_today, s.violations_period, s.reminded, s.left_within_10min, s.ticketed) == (1, 6, 4, 2, 1)
    assert s.persuade_rate == p.now.persuade_rate and round(s.ecapture_share, 6) == round(p.ecapture_share, 6)
    w = area.load(fetch, data.wall(None, **PERIOD))
    assert w.summary == s and int(w.bins["violations"].sum()) == 6
