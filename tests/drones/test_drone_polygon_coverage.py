"""Coverage is measured to the grid's polygon, not to its bounding box (cockpit.drone_grid_overflight).

Hand-made grids that fill little of their box, each 500 m x 500 m in the local plane of
cockpit.drones.rules (x east, y north, metres from the grid's south-west corner), far apart from one
another, and one nest with a camera footprint radius of 150 m. Every track is one unbroken segment; the
expected distance is worked out by hand in each case's comment. On the bounding box every one of the
"not covered" cases below would be covered (the segment lies inside the box, or within 150 m of it).

    L   the box minus its north-east quarter [250, 500] x [250, 500] (an L)
    T   the triangle (0, 0), (500, 250), (0, 500)
    H   the box with a hole [50, 450] x [50, 450] (a ring 50 m wide)
    M   a MultiPolygon: the squares [0, 100] x [0, 100] and [400, 500] x [400, 500]
    S   the whole box as its polygon, but min/max columns that claim [0, 100] x [0, 100]
    R   the whole box, its ring with an extra position halfway along the south side (not read as a box)
"""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest
import sqlalchemy as sa

from cockpit.drones import rules as dr
from tests.factories import TOWN_A, insert_rows, local, seed_reference

RADIUS_M = 150.0
T0 = local(2026, 11, 20, 10, 0)
ORIGINS = {"L": (30.80, 121.15), "T": (30.80, 121.20), "H": (30.80, 121.25),
           "M": (30.85, 121.15), "S": (30.85, 121.20), "R": (30.85, 121.25)}
RINGS = {
    "L": [[(0, 0), (500, 0), (500, 250), (250, 250), (250, 500), (0, 500), (0, 0)]],
    "T": [[(0, 0), (500, 250), (0, 500), (0, 0)]],
    "H": [[(0, 0), (500, 0), (500, 500), (0, 500), (0, 0)], [(50, 50), (50, 450), (450, 450), (450, 50), (50, 50)]],
    "S": [[(0, 0), (500, 0), (500, 500), (0, 500), (0, 0)]],
    "R": [[(0, 0), (250, 0), (500, 0), (500, 500), (0, 500), (0, 0)]],
}
M_PARTS = [[[(0, 0), (100, 0), (100, 100), (0, 100), (0, 0)]],
           [[(400, 400), (500, 400), (500, 500), (400, 500), (400, 400)]]]


def code(label: str) -> str:
    return TOWN_A + "008" + f"{list(ORIGINS).index(label) + 1:02d}"


LABELS = {code(g): g for g in ORIGINS}


def at(label: str, x: float, y: float) -> tuple[float, float]:
    """(lat, lon) of the point x m east and y m north of grid `label`'s south-west corner."""
    return dr.offset(*ORIGINS[label], x, y)


def lonlat(label: str, ring) -> list[list[float]]:
    return [[at(label, x, y)[1], at(label, x, y)[0]] for x, y in ring]


def seed(engine) -> None:
    seed_reference(engine)
    rows = []
    for label in ORIGINS:
        if label == "M":
            geometry = {"type": "MultiPolygon", "coordinates": [[lonlat(label, r) for r in p] for p in M_PARTS]}
        else:
            geometry = {"type": "Polygon", "coordinates": [lonlat(label, r) for r in RINGS[label]]}
        (lat0, lon0), (lat1, lon1) = at(label, 0, 0), at(label, 100 if label == "S" else 500, 100 if label == "S" else 500)
        rows.append({"grid_code": code(label), "community_code": code(label)[:12], "town_code": TOWN_A,
                     "squadron_code": "SQ-DH", "boundary": json.dumps(geometry),
                     "centroid_lat": (lat0 + lat1) / 2, "centroid_lon": (lon0 + lon1) / 2,
                     "min_lat": lat0, "min_lon": lon0, "max_lat": lat1, "max_lon": lon1, "area_km2": 0.25})
    insert_rows(engine, "unit_grid", rows)
    insert_rows(engine, "drone_nest", [
        {"nest_id": "N1", "name_zh": "甲机巢", "town_code": TOWN_A, "lat": 30.80, "lon": 121.15,
         "status_code": "idle", "status_at": T0, "camera_radius_m": RADIUS_M}])


_ids = itertools.count(1)


def fly(engine, label: str, start: tuple[float, float], end: tuple[float, float], seconds: float = 30) -> int:
    """One flight of one segment from `start` to `end` (metres in grid `label`'s frame)."""
    fid = next(_ids)
    points = [at(label, *start), at(label, *end)]
    insert_rows(engine, "drone_flight", [{"flight_id": fid, "nest_id": "N1", "route_name": "河道巡查",
                                          "purpose_code": "river", "started_at": T0,
                                          "ended_at": T0 + dt.timedelta(seconds=seconds), "distance_km": None}])
    insert_rows(engine, "drone_track_point", [
        {"flight_id": fid, "seq": i, "recorded_at": T0 + dt.timedelta(seconds=seconds * i), "lat": lat, "lon": lon,
         "altitude_m": 100.0} for i, (lat, lon) in enumerate(points)])
    return fid


def overflown(engine, flight_id: int) -> dict[str, float]:
    """{grid label: distance_m} of the grids the one coverage definition says the flight overflew."""
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT grid_code, distance_m FROM cockpit.drone_grid_overflight "
                                    "WHERE flight_id = :f"), {"f": flight_id}).all()
    return {LABELS[g]: d for g, d in rows}


@pytest.fixture
def db(contract_db):
    seed(contract_db)
    return contract_db


def _along_hypotenuse(distance_m: float) -> tuple[tuple[float, float], tuple[float, float]]:
    """A 100 m segment parallel to T's side (500, 250)-(0, 500), `distance_m` outside its midpoint (250, 375)."""
    n = (250 / 559.0169943749474, 500 / 559.0169943749474)       # the outward normal (1, 2) / sqrt(5)
    u = (-500 / 559.0169943749474, 250 / 559.0169943749474)      # the side's direction (-2, 1) / sqrt(5)
    px, py = 250 + distance_m * n[0], 375 + distance_m * n[1]
    return (px - 50 * u[0], py - 50 * u[1]), (px + 50 * u[0], py + 50 * u[1])


CASES = [
    # label, start, end, seconds, expected distance (None: not overflown)
    ("L", (420, 480), (480, 420), 30, None),   # in the missing quarter: 170 m from both inner sides
    ("L", (400, 390), (480, 390), 30, 140.0),  # in the missing quarter, 140 m north of the side y = 250
    ("L", (100, 100), (150, 120), 30, 0.0),    # wholly inside, crossing no side
    ("L", (-200, 100), (700, 100), 60, 0.0),   # both ends 200 m outside, the segment crosses the grid
    ("L", (-200, 500), (-180, 500), 30, None),  # 180 m west, level with two vertices
    ("T", (470, 470), (490, 490), 30, None),   # the box's empty corner: 183 m and more from the long side
    ("T", *_along_hypotenuse(100.0), 30, 100.0),
    ("T", (-200, 250), (-100, 250), 30, 100.0),  # level with the vertex (500, 250): 100 m west of x = 0
    ("T", (-200, 250), (-190, 250), 30, None),   # the same line, 190 m away
    ("H", (240, 250), (260, 250), 30, None),   # in the middle of the hole: 190 m from its sides
    ("H", (240, 330), (260, 330), 30, 120.0),  # in the hole, 120 m south of its side y = 450
    ("H", (20, 250), (30, 250), 30, 0.0),      # on the ring
    ("M", (280, 450), (290, 450), 30, 110.0),  # 110 m west of the second square
    ("M", (250, 250), (260, 250), 30, None),   # between the squares: 205 m and 212 m from their corners
    ("S", (600, 450), (610, 450), 30, 100.0),  # 100 m east of the polygon (400 m from the claimed box)
    ("R", (600, 100), (610, 100), 30, 100.0),  # the exact path agrees with the box's distance
    ("R", (200, 200), (210, 200), 30, 0.0),
]


@pytest.mark.parametrize("label, start, end, seconds, expected", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_distance_to_the_polygon_not_its_box(db, label, start, end, seconds, expected):
    got = overflown(db, fly(db, label, start, end, seconds))
    if expected is None:
        assert got == {}
    else:
        assert set(got) == {label}
        assert got[label] == pytest.approx(expected, abs=1e-6)


def test_the_coverage_queries_count_the_polygon(db):
    """The overview's 7-day count and the drone page's grid status, on the same rows."""
    from cockpit.gateway import Gateway
    for label, start, end, seconds, _ in CASES:
        fly(db, label, start, end, seconds)
    gw = Gateway(db.url.render_as_string(hide_password=False))
    try:
        as_of = T0 + dt.timedelta(hours=1)
        row = gw.execute("overview.drone_coverage", as_of=as_of, days=7, town_code=TOWN_A).iloc[0]
        # each of the six grids has a case within the radius; the town's seventh grid (GRID_A) has none
        assert (row["grids_covered"], row["grids_total"]) == (6, 7)
        status = gw.execute("drones.grid_status", as_of=as_of, town_code=TOWN_A, blind_days=7)
        assert sorted(status[~status["is_blind"]]["grid_code"].map(LABELS)) == sorted(ORIGINS)
    finally:
        gw.dispose()


def test_a_grid_overflown_only_within_its_box_is_a_blind_spot(db):
    from cockpit.gateway import Gateway
    fly(db, "L", (420, 480), (480, 420))
    fly(db, "T", (470, 470), (490, 490))
    fly(db, "H", (240, 250), (260, 250))
    fly(db, "M", (250, 250), (260, 250))
    gw = Gateway(db.url.render_as_string(hide_password=False))
    try:
        as_of = T0 + dt.timedelta(hours=1)
        row = gw.execute("overview.drone_coverage", as_of=as_of, days=7, town_code=TOWN_A).iloc[0]
        assert (row["grids_covered"], row["grids_total"]) == (0, 7)
        status = gw.execute("drones.grid_status", as_of=as_of, town_code=TOWN_A, blind_days=7)
        assert status["is_blind"].all()
    finally:
        gw.dispose()


@pytest.mark.parametrize("ring, is_box", [
    ([(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)], True),       # closed
    ([(0, 0), (0, 1), (1, 1), (1, 0)], True),               # not closed, clockwise
    ([(0, 0), (1, 0), (2, 0), (2, 1), (0, 1), (0, 0)], False),  # an extra position on a side
    ([(0, 0), (1, 0), (0, 0), (1, 0), (0, 0)], False),      # back and forth along one side
    ([(0, 0), (1, 0), (0, 1), (1, 1), (0, 0)], False),      # a bow tie through the four corners
    ([(0, 0), (1, 0), (1, 0), (0, 0), (0, 0)], False),      # flat
])
def test_polygon_edges(contract_db, ring, is_box):
    g = {"type": "Polygon", "coordinates": [[[121.0 + x / 100, 30.7 + y / 100] for x, y in ring]]}
    with contract_db.connect() as conn:
        row = conn.execute(sa.text("SELECT * FROM cockpit.polygon_edges(CAST(:g AS jsonb))"),
                           {"g": json.dumps(g)}).one()
    assert row.is_box is is_box
    xs, ys = [121.0 + x / 100 for x, _ in ring], [30.7 + y / 100 for _, y in ring]
    assert (row.min_lon, row.max_lon, row.min_lat, row.max_lat) == (min(xs), max(xs), min(ys), max(ys))
    assert row.lon0 == xs and row.lat0 == ys
    assert row.lon1 == xs[1:] + xs[:1] and row.lat1 == ys[1:] + ys[:1]  # the last edge back to the first position
