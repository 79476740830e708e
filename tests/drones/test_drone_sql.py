"""Drone coverage, blind spots, paths, nests and detections against a real PostgreSQL, on hand-made tracks.

The geometry tests build tracks in the local metric plane of cockpit.drones.rules around a 3 x 3 block of
500 m unit grids and assert the EXACT set of grids the one coverage definition
(cockpit.drone_grid_overflight) says each track covers.

Grid G{r}{c} spans x in [500c, 500c + 500] m east and y in [500r, 500r + 500] m north of ORIGIN; rows 0-1
lie in town A, row 2 in town B (besides the two 0.01-degree grids of tests.factories, far away).
The nest's camera footprint radius is 150 m.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest
import sqlalchemy as sa

from cockpit.drones import rules as dr
from cockpit.gateway import Gateway
from tests.factories import GRID_A, GRID_B, TOWN_A, TOWN_B, case, insert_rows, local, seed_reference

ORIGIN = (30.75, 121.05)
RADIUS_M = 150.0
SIDE_M = 500.0
AS_OF = local(2026, 11, 20, 12, 0)
T0 = local(2026, 11, 20, 10, 0)
ALL_TEST_GRIDS = {f"G{r}{c}" for r in range(3) for c in range(3)}


def grid_code(label: str) -> str:
    r, c = int(label[1]), int(label[2])
    return (TOWN_A if r < 2 else TOWN_B) + "009" + f"{r}{c}"


LABELS = {grid_code(g): g for g in ALL_TEST_GRIDS} | {GRID_A: "GRID_A", GRID_B: "GRID_B"}


def at(x: float, y: float) -> tuple[float, float]:
    """(lat, lon) of the point x m east and y m north of ORIGIN."""
    return dr.offset(*ORIGIN, x, y)


def seed_grids(engine) -> None:
    rows = []
    for r, c in itertools.product(range(3), range(3)):
        (lat0, lon0), (lat1, lon1) = at(SIDE_M * c, SIDE_M * r), at(SIDE_M * (c + 1), SIDE_M * (r + 1))
        code = grid_code(f"G{r}{c}")
        ring = [[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]
        rows.append({"grid_code": code, "community_code": code[:12], "town_code": code[:9],
                     "squadron_code": "SQ-DH" if r < 2 else "SQ-ZD",
                     "boundary": json.dumps({"type": "Polygon", "coordinates": [ring]}),
                     "centroid_lat": (lat0 + lat1) / 2, "centroid_lon": (lon0 + lon1) / 2,
                     "min_lat": lat0, "min_lon": lon0, "max_lat": lat1, "max_lon": lon1, "area_km2": 0.25})
    insert_rows(engine, "unit_grid", rows)
    insert_rows(engine, "drone_nest", [
        {"nest_id": "N1", "name_zh": "甲机巢", "town_code": TOWN_A, "lat": ORIGIN[0], "lon": ORIGIN[1],
         "status_code": "idle", "status_at": T0, "camera_radius_m": RADIUS_M},
        {"nest_id": "N2", "name_zh": "乙机巢", "town_code": TOWN_B, "lat": ORIGIN[0] + 0.01, "lon": ORIGIN[1],
         "status_code": "maintenance", "status_at": T0, "camera_radius_m": RADIUS_M},
    ])


_flight_ids = itertools.count(1)


def fly(engine, points: list[tuple], *, start: dt.datetime = T0, nest: str = "N1", route: str = "河道巡查",
        ended: dt.datetime | None | str = "auto", flight_id: int | None = None) -> int:
    """A flight through `points`: (x, y, seconds after start), or (lat, lon, seconds) when given as
    ('ll', lat, lon, seconds). Returns the flight id."""
    fid = flight_id or next(_flight_ids)
    rows = []
    for seq, p in enumerate(points):
        if p[0] == "ll":
            lat, lon, sec = p[1], p[2], p[3]
        else:
            (lat, lon), sec = at(p[0], p[1]), p[2]
        rows.append({"flight_id": fid, "seq": seq, "recorded_at": start + dt.timedelta(seconds=sec),
                     "lat": lat, "lon": lon, "altitude_m": 100.0})
    last = start + dt.timedelta(seconds=max(r[-1] for r in points)) if points else start
    insert_rows(engine, "drone_flight", [{"flight_id": fid, "nest_id": nest, "route_name": route,
                                          "purpose_code": "river", "started_at": start,
                                          "ended_at": last if ended == "auto" else ended,
                                          "distance_km": None}])
    insert_rows(engine, "drone_track_point", rows)
    return fid


def line(x0: float, y0: float, x1: float, y1: float, step_m: float = 10.0, speed_mps: float = 10.0) -> list[tuple]:
    """Points every `step_m` from (x0, y0) to (x1, y1) at `speed_mps` (so every second by default)."""
    length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
    n = max(1, round(length / step_m))
    return [(x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n, i * (length / n) / speed_mps) for i in range(n + 1)]


def covered(engine, flight_id: int) -> set[str]:
    """The grids the one coverage definition says `flight_id` overflew."""
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT DISTINCT grid_code FROM cockpit.drone_grid_overflight "
                                    "WHERE flight_id = :f"), {"f": flight_id}).scalars().all()
    return {LABELS[g] for g in rows}


@pytest.fixture
def db(contract_db):
    seed_reference(contract_db)
    seed_grids(contract_db)
    return contract_db


@pytest.fixture
def gw(db):
    gateway = Gateway(db.url.render_as_string(hide_password=False))
    yield gateway
    gateway.dispose()


# ------------------------------------------------------------------ the coverage definition


def test_straight_pass_covers_its_row_and_the_row_within_the_radius(db):
    f = fly(db, line(-400, 600, 1900, 600))  # 100 m above row 0, inside row 1
    assert covered(db, f) == {"G00", "G01", "G02", "G10", "G11", "G12"}


def test_segments_count_between_sparse_points(db):
    # two points 1,760 m apart in 60 s: G10 and G11 are far from both points, crossed by the segment
    f = fly(db, [(-160, 750, 0), (1600, 750, 60)])
    assert covered(db, f) == {"G10", "G11", "G12"}


@pytest.mark.parametrize("south_m, expected", [
    (149.5, {"G00", "G01", "G02"}),  # just inside the footprint of row 0
    (150.5, set()),                  # just outside
])
def test_pass_just_inside_and_just_outside_the_radius(db, south_m, expected):
    f = fly(db, line(-300, -south_m, 1800, -south_m))
    assert covered(db, f) == expected


def test_track_through_a_shared_corner_covers_the_four_grids_around_it(db):
    f = fly(db, line(650, 350, 350, 650))
    assert covered(db, f) == {"G00", "G01", "G10", "G11"}


@pytest.mark.parametrize("corner_distance_m, expected", [
    (149.0, {"G00", "G01", "G10", "G11"}),  # passes G00's corner within the radius
    (151.0, {"G01", "G10", "G11"}),         # passes it just outside
])
def test_track_crossing_near_a_grid_corner(db, corner_distance_m, expected):
    # one segment on x + y = 1000 + d*sqrt(2): its end points are 300 m from G00, its middle d from G00's corner
    c = 1000 + corner_distance_m * 2 ** 0.5
    f = fly(db, [(800, c - 800, 0), (c - 800, 800, 30)])
    assert covered(db, f) == expected


def test_gap_longer_than_the_limit_breaks_the_track(db):
    ok = fly(db, [(-160, 750, 0), (1600, 750, dr.MAX_GAP_S)])
    gap = fly(db, [(-160, 750, 0), (1600, 750, dr.MAX_GAP_S + 1)])
    assert covered(db, ok) == {"G10", "G11", "G12"}
    assert covered(db, gap) == set()


def test_speed_jump_is_left_out_and_the_rest_of_the_track_counts(db):
    # a glitch to G21 and back within 10 s each way (~116 m/s): both segments through it are dropped
    f = fly(db, [(-400, 750, 0), (-300, 750, 10), (750, 1250, 20), (-200, 750, 30), (-100, 750, 40)])
    assert covered(db, f) == {"G10"}  # only the last segment, 100 m from G10
    with db.connect() as conn:
        codes = conn.execute(sa.text("SELECT seq, break_code FROM cockpit.drone_track_segment "
                                     "WHERE flight_id = :f ORDER BY seq"), {"f": f}).all()
    assert codes == [(0, None), (1, "speed_jump"), (2, "speed_jump"), (3, None)]


@pytest.mark.parametrize("metres_in_10s, expected", [
    (dr.MAX_SPEED_MPS * 10 - 0.01, None),
    (dr.MAX_SPEED_MPS * 10 + 0.01, "speed_jump"),
])
def test_speed_limit(db, metres_in_10s, expected):
    f = fly(db, [(-1000, 750, 0), (-1000 + metres_in_10s, 750, 10)])
    with db.connect() as conn:
        code = conn.execute(sa.text("SELECT break_code FROM cockpit.drone_track_segment WHERE flight_id = :f"),
                            {"f": f}).scalar_one()
    assert code == expected


def test_out_of_area_point_is_skipped_not_breaking_the_track(db):
    f = fly(db, [(-400, 750, 0), ("ll", 31.5, 121.0, 10), (-100, 750, 20)])
    assert covered(db, f) == {"G10"}  # the segment joins the two valid points, 300 m in 20 s


def test_invalid_flight_covers_nothing(db):
    f = fly(db, line(-400, 600, 1900, 600), nest="N99")
    assert covered(db, f) == set()


def test_time_running_backwards_breaks_the_track(db):
    f = fly(db, [(-160, 750, 10), (1600, 750, 5)])
    assert covered(db, f) == set()


# ------------------------------------------------------------------ windows and blind spots


def seed_history(db) -> None:
    """Row 1 today, row 0 five days ago, row 2 twenty days ago, GRID_A ten days ago; GRID_B only by a bad flight."""
    fly(db, [(-160, 750, 0), (1600, 750, 60)], start=AS_OF - dt.timedelta(hours=2))
    fly(db, line(-300, -149.5, 1800, -149.5), start=AS_OF - dt.timedelta(days=5, hours=1))
    fly(db, [(-160, 1250, 0), (1600, 1250, 60)], start=AS_OF - dt.timedelta(days=20, hours=2), nest="N2")
    fly(db, [("ll", 30.705, 120.999, 0), ("ll", 30.705, 121.011, 60)], start=AS_OF - dt.timedelta(days=10, hours=2))
    fly(db, [("ll", 30.725, 120.959, 0), ("ll", 30.725, 120.971, 60)], start=AS_OF - dt.timedelta(days=1),
        nest="N99")
    g21, g22 = grid_code("G21"), grid_code("G22")
    insert_rows(db, "grid_case", [
        case(AS_OF - dt.timedelta(days=3), grid=g21, lat=at(750, 1250)[0], lon=at(750, 1250)[1]),
        case(AS_OF - dt.timedelta(days=4), grid=g21, lat=at(750, 1250)[0], lon=at(750, 1250)[1]),
        case(AS_OF - dt.timedelta(days=2), grid=g22, lat=at(1250, 1250)[0], lon=at(1250, 1250)[1]),
        case(AS_OF - dt.timedelta(days=40), grid=g22, lat=at(1250, 1250)[0], lon=at(1250, 1250)[1]),
    ])


def test_coverage_by_town_for_one_seven_and_thirty_days(gw, db):
    seed_history(db)
    df = gw.execute("drones.coverage_by_town", as_of=AS_OF, town_code=None, blind_days=7)
    rows = {r["town_code"] if isinstance(r["town_code"], str) else None: r for r in df.to_dict("records")}
    counts = ["grids_total", "covered_1d", "covered_7d", "covered_30d", "blind_now", "blind_week_ago",
              "blind_new", "blind_resolved"]
    assert [rows[None][k] for k in counts] == [11, 3, 6, 10, 5, 10, 1, 6]
    assert [rows[TOWN_A][k] for k in counts] == [7, 3, 6, 7, 1, 6, 1, 6]
    assert [rows[TOWN_B][k] for k in counts] == [4, 0, 0, 3, 4, 4, 0, 0]
    assert list(df["town_code"].iloc[:1].isna()) == [True]  # the city row first
    only_b = gw.execute("drones.coverage_by_town", as_of=AS_OF, town_code=TOWN_B, blind_days=7)
    assert only_b[counts].values.tolist() == [[rows[TOWN_B][k] for k in counts]] * 2  # the city row is town B


def test_overview_coverage_uses_the_same_definition(gw, db):
    seed_history(db)
    town = gw.execute("drones.coverage_by_town", as_of=AS_OF, town_code=None, blind_days=7)
    city = town[town["town_code"].isna()].iloc[0]
    for days in dr.COVERAGE_WINDOWS_DAYS:
        row = gw.execute("overview.drone_coverage", as_of=AS_OF, days=days, town_code=None).iloc[0]
        assert (row["grids_covered"], row["grids_total"]) == (city[f"covered_{days}d"], 11)
    row_b = gw.execute("overview.drone_coverage", as_of=AS_OF, days=30, town_code=TOWN_B).iloc[0]
    assert (row_b["grids_covered"], row_b["grids_total"]) == (3, 4)


def test_blind_spots_ranked_with_their_change_over_the_week(gw, db):
    seed_history(db)
    df = gw.execute("drones.grid_status", as_of=AS_OF, town_code=None, blind_days=7)
    df["label"] = df["grid_code"].map(LABELS)
    blind = df[df["is_blind"]].sort_values("blind_rank")
    assert list(blind["label"]) == ["GRID_B", "G21", "G22", "G20", "GRID_A"]
    assert list(blind["blind_rank"]) == [1, 2, 3, 4, 5]
    assert df[~df["is_blind"]]["blind_rank"].isna().all()
    by = df.set_index("label")
    assert by.loc["G21", "cases_30d"] == 2 and by.loc["G22", "cases_30d"] == 1  # the 40-day-old case is out
    assert by.loc["GRID_B", "days_since_pass"] != by.loc["GRID_B", "days_since_pass"]  # NaN: never
    assert {g: by.loc[g, "days_since_pass"] for g in ("G10", "G00", "GRID_A", "G20")} == {
        "G10": 0, "G00": 5, "GRID_A": 10, "G20": 20}
    change = {g: dr.blind_change(by.loc[g, "is_blind"], by.loc[g, "was_blind"]) for g in by.index}
    assert {g for g, c in change.items() if c == "new"} == {"GRID_A"}
    assert {g for g, c in change.items() if c == "resolved"} == {"G00", "G01", "G02", "G10", "G11", "G12"}
    assert {g for g, c in change.items() if c == "persisting"} == {"G20", "G21", "G22", "GRID_B"}
    assert set(df["lookback_days"]) == {30}


def test_longer_blind_window_counts_fewer_blind_spots(gw, db):
    seed_history(db)
    df = gw.execute("drones.grid_status", as_of=AS_OF, town_code=None, blind_days=14)
    assert {LABELS[g] for g in df[df["is_blind"]]["grid_code"]} == {"G20", "G21", "G22", "GRID_B"}
    # a week earlier (11-13 12:00), the 14 days before held GRID_A's pass (11-10) and row 2's (10-31)
    assert {LABELS[g] for g in df[~df["was_blind"]]["grid_code"]} == {"GRID_A", "G20", "G21", "G22"}
    assert set(df["lookback_days"]) == {30}
    assert set(gw.execute("drones.grid_status", as_of=AS_OF, town_code=None, blind_days=30)["lookback_days"]) == {37}


# ------------------------------------------------------------------ paths for the browser


def test_day_paths_are_split_at_gaps_and_downsampled(gw, db):
    before = [(-400 + 10 * i, 750, 10 * i) for i in range(13)]            # t = 0 .. 120 s
    after = [(-400 + 10 * i, 760, 200 + 10 * (i - 13)) for i in range(13, 25)]  # t = 200 .. 310 s: an 80 s gap
    f = fly(db, before + after)
    fly(db, line(0, 0, 100, 0), start=T0 - dt.timedelta(days=1))  # another day
    df = gw.execute("drones.day_paths", day=T0.date(), as_of=AS_OF, town_code=None, step_s=30)
    assert list(df["flight_id"]) == [f, f]
    assert list(df["piece"]) == [0, 1]
    assert list(df["points_full"]) == [13, 12]
    assert list(df["points_kept"]) == [5, 6]  # 30-s buckets 0,30,60,90 + the end; 200,210,240,270,300 + the end
    first = json.loads(df["path_json"].iloc[0])
    lat0, lon0 = at(-400, 750)
    assert first[0] == [round(lon0, 5), round(lat0, 5)]
    assert first[-1] == [round(at(-280, 750)[1], 5), round(at(-280, 750)[0], 5)]
    assert len(first) == 5
    assert gw.execute("drones.day_paths", day=T0.date(), as_of=AS_OF, town_code=TOWN_B, step_s=30).empty


def test_day_paths_stop_at_as_of(gw, db):
    fly(db, [(10 * i, 0, 10 * i) for i in range(31)], start=AS_OF - dt.timedelta(seconds=100), ended=None)
    df = gw.execute("drones.day_paths", day=AS_OF.date(), as_of=AS_OF, town_code=None, step_s=1)
    assert list(df["points_full"]) == [11]  # the points recorded up to as_of: t = 0 .. 100 s


# ------------------------------------------------------------------ nests


def test_nests_sorties_flying_and_utilisation(gw, db):
    fly(db, line(0, 0, 100, 0), start=AS_OF - dt.timedelta(hours=2), ended=AS_OF - dt.timedelta(hours=1, minutes=30))
    fly(db, line(0, 0, 100, 0), start=AS_OF - dt.timedelta(minutes=30), ended=None)          # in the air
    fly(db, line(0, 0, 100, 0), start=AS_OF - dt.timedelta(days=1), ended=AS_OF - dt.timedelta(hours=23, minutes=30))
    fly(db, line(0, 0, 100, 0), start=AS_OF - dt.timedelta(days=8))                           # outside the week
    fly(db, line(0, 0, 100, 0), start=AS_OF - dt.timedelta(days=3), nest="N2", ended=None)   # lost landing
    df = gw.execute("drones.nests", as_of=AS_OF, town_code=None, **dr.nest_params()).set_index("nest_id")
    cols = ["sorties_today", "sorties_week", "sorties_7d", "is_flying_now"]
    assert df.loc["N1", cols].tolist() == [2, 3, 3, True]
    assert df.loc["N2", cols].tolist() == [0, 1, 1, False]
    assert df.loc["N1", "hours_7d"] == pytest.approx(1.5)
    assert df.loc["N1", "utilisation_pct"] == pytest.approx(100 * 1.5 / (7 * dr.OPERATING_HOURS_PER_DAY))
    assert df.loc["N2", "hours_7d"] == 0
    assert gw.execute("drones.nests", as_of=AS_OF, town_code=TOWN_B, **dr.nest_params())["nest_id"].tolist() == ["N2"]


# ------------------------------------------------------------------ detections → cases


def test_detections_to_cases_and_outcomes(gw, db):
    insert_rows(db, "case_category", [
        {"category_code": "E0105", "kind": "event", "major_code": "01", "minor_code": "05",
         "major_name_zh": "市容环境", "minor_name_zh": "水域不洁", "minor_name_en": "Dirty waterway",
         "dispose_limit_hours": 8, "is_video_ai": False}])
    d0 = T0 - dt.timedelta(days=2)
    closed = case(d0, closed_at=d0 + dt.timedelta(hours=3))
    overdue = case(d0, close_deadline_at=d0 + dt.timedelta(hours=5))
    rejected = case(d0, is_rejected=True)
    bad = case(d0, grid="99999999999999")  # unknown grid: left out of the valid cases
    insert_rows(db, "grid_case", [closed, overdue, rejected, bad])
    f1 = fly(db, line(0, 0, 100, 0), start=d0, route="河道巡查")
    f2 = fly(db, line(0, 0, 100, 0), start=d0, route="违建巡查")
    f3 = fly(db, line(0, 0, 100, 0), start=d0, route="河道巡查")
    f4 = fly(db, line(0, 0, 100, 0), start=d0, route="综合巡航", nest="N2")
    fly(db, line(0, 0, 100, 0), start=d0, nest="N99")  # invalid flight
    ids = itertools.count(1)

    def det(flight, category, case_id=None):
        return {"detection_id": next(ids), "flight_id": flight, "detected_at": d0 + dt.timedelta(minutes=5),
                "category_code": category, "lat": None, "lon": None, "confidence": 0.9, "case_id": case_id}

    insert_rows(db, "drone_detection", [
        det(f1, "E0105", closed["case_id"]), det(f1, "E0105"), det(f3, "E0105", overdue["case_id"]),
        det(f2, "E0102", rejected["case_id"]), det(f2, "E0102", bad["case_id"]), det(f2, "E0102", 987654),
        det(99, "E0102", closed["case_id"])])  # flight 99 does not exist: left out
    df = gw.execute("drones.detections", as_of=AS_OF, date_from=d0.date(), date_to=T0.date(), town_code=None)
    cols = ["sorties", "detections", "became_case", "case_closed", "case_rejected", "case_open", "case_overdue",
            "case_not_found"]

    def row(**where):
        sel = df
        for k, v in where.items():
            sel = sel[sel[k] == v]
        assert len(sel) == 1, where
        return [None if v != v else v for v in sel[cols].iloc[0].tolist()]

    assert row(dimension="total") == [4, 6, 5, 1, 1, 1, 1, 2]
    assert row(dimension="category", category_code="E0105") == [None, 3, 2, 1, 0, 1, 1, 0]
    assert row(dimension="category", category_code="E0102") == [None, 3, 3, 0, 1, 0, 0, 2]
    assert row(dimension="nest", nest_id="N1") == [3, 6, 5, 1, 1, 1, 1, 2]
    assert row(dimension="nest", nest_id="N2") == [1, 0, 0, 0, 0, 0, 0, 0]
    assert row(dimension="route", nest_id="N1", route_name="河道巡查") == [2, 3, 2, 1, 0, 1, 1, 0]
    assert row(dimension="route", nest_id="N1", route_name="违建巡查") == [1, 3, 3, 0, 1, 0, 0, 2]
    assert row(dimension="route", nest_id="N2", route_name="综合巡航") == [1, 0, 0, 0, 0, 0, 0, 0]
    assert len(df) == 8
    only_b = gw.execute("drones.detections", as_of=AS_OF, date_from=d0.date(), date_to=T0.date(), town_code=TOWN_B)
    assert only_b[only_b["dimension"] == "total"][["sorties", "detections"]].values.tolist() == [[1, 0]]


# ------------------------------------------------------------------ broken tracks are counted


def test_track_quality_counts_what_is_left_out(gw, db):
    fly(db, [(-400, 750, 0), (-300, 750, 10), (750, 1250, 20), (-200, 750, 30), (-100, 750, 40)])  # 2 jumps
    fly(db, [(-400, 750, 0), ("ll", 31.5, 121.0, 10), (-100, 750, 20), (0, 750, 100)])  # out of area, gap
    fly(db, [(-400, 750, 0), ("ll", None, None, 10), (-300, 750, 20)])  # missing location
    fly(db, line(0, 0, 100, 0), nest="N99")  # unknown nest: its points are not examined
    df = gw.execute("drones.track_quality", as_of=AS_OF, date_from=T0.date(), date_to=T0.date())
    got = {(r["level"], r["issue_code"] if isinstance(r["issue_code"], str) else None): r["row_count"]
           for r in df.to_dict("records")}
    assert got == {
        ("flight", None): 3, ("flight", "unknown_nest"): 1,
        ("point", None): 5 + 3 + 2, ("point", "out_of_area"): 1, ("point", "missing_location"): 1,
        ("segment", None): 2 + 1 + 1, ("segment", "speed_jump"): 2, ("segment", "gap"): 1,
    }
