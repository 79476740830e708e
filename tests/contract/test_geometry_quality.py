"""Bad geometry and dates are data quality, not crashes.

- the map builders and bounds (cockpit/maps.py, geo.py, parking/maps.py, drones/maps.py) never raise on
  hostile geometry or coordinates: bad input is skipped;
- URL dates outside 2000-01-01 … today are refused, and no period or week arithmetic overflows;
- the checked views leave out (and data_quality counts, with their issue codes) bad geometries, NaN and
  swapped coordinates and times before the floor, on small hand-made rows with exact counts;
- the drones, cases, parking and overview pages and the wall's drones and parking views run without an
  exception on a demo database holding such rows.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd
import pytest
import sqlalchemy as sa

from cockpit import db, filters, i18n, maps, runtime, wall

from cockpit.drones import maps as maps_drones

from cockpit.parking import maps as maps_parking

from cockpit.meeting import weekly
from cockpit.gateway import Gateway
from tests.factories import GRID_A, GRID_B, SH, TOWN_A, case, insert_rows, local, seed_reference

VALID_RING = [[121.0, 30.7], [121.01, 30.7], [121.01, 30.71], [121.0, 30.71], [121.0, 30.7]]
SWAPPED_RING = [[lat, lon] for lon, lat in VALID_RING]

HOSTILE_GEOMETRIES = {
    "none": None,
    "empty text": "",
    "not json": "POLYGON((121 30.7, 121.01 30.7))",
    "json null": "null",
    "json NaN": "NaN",
    "json list": "[]",
    "empty object": {},
    "empty object text": "{}",
    "deep json": "[" * 100_000,
    "point": {"type": "Point", "coordinates": [121.0, 30.7]},
    "linestring": {"type": "LineString", "coordinates": [[121.0, 30.7], [121.01, 30.71]]},
    "collection": {"type": "GeometryCollection", "geometries": [{"type": "Polygon", "coordinates": [VALID_RING]}]},
    "type not text": {"type": 5, "coordinates": [VALID_RING]},
    "no coordinates": {"type": "Polygon"},
    "coordinates null": {"type": "Polygon", "coordinates": None},
    "no rings": {"type": "Polygon", "coordinates": []},
    "empty ring": {"type": "Polygon", "coordinates": [[]]},
    "ring of numbers": {"type": "Polygon", "coordinates": [[121.0, 30.7, 121.01]]},
    "ring of two": {"type": "Polygon", "coordinates": [VALID_RING[:2]]},
    "nan": {"type": "Polygon", "coordinates": [[[math.nan, 30.7]] + VALID_RING[1:]]},
    "infinity": {"type": "Polygon", "coordinates": [[[math.inf, 30.7]] + VALID_RING[1:]]},
    "minus infinity text": '{"type": "Polygon", "coordinates": [[[-Infinity, 30.7], [121.01, 30.7], [121, 30.71]]]}',
    "1e400 text": '{"type": "Polygon", "coordinates": [[[1e400, 30.7], [121.01, 30.7], [121, 30.71]]]}',
    "huge int": {"type": "Polygon", "coordinates": [[[10 ** 400, 30.7]] + VALID_RING[1:]]},
    "huge float": {"type": "Polygon", "coordinates": [[[1e300, 30.7]] + VALID_RING[1:]]},
    "strings": {"type": "Polygon", "coordinates": [[["121.0", "30.7"]] + VALID_RING[1:]]},
    "booleans": {"type": "Polygon", "coordinates": [[[True, False]] + VALID_RING[1:]]},
    "swapped off the earth": {"type": "Polygon", "coordinates": [SWAPPED_RING]},
    "multipolygon of junk": {"type": "MultiPolygon", "coordinates": [None, 5, [], [[]], ["x"]]},
    "multipolygon not a list": {"type": "MultiPolygon", "coordinates": {"a": 1}},
}


# ---------------------------------------------------------------------------------------------- Python
@pytest.mark.parametrize("name", list(HOSTILE_GEOMETRIES))
def test_polygon_rings_skips_hostile_geometry(name):
    assert maps.polygon_rings(HOSTILE_GEOMETRIES[name]) == []


def test_polygon_rings_keeps_the_good_polygons_of_a_multipolygon():
    g = {"type": "MultiPolygon", "coordinates": [[VALID_RING], [[[math.nan, 1]] * 4], [[]], [VALID_RING]]}
    assert maps.polygon_rings(g) == [VALID_RING, VALID_RING]
    assert maps.polygon_rings(json.dumps({"type": "Polygon", "coordinates": [VALID_RING]})) == [VALID_RING]


def test_choropleth_and_highlight_layers_skip_hostile_shapes():
    shapes = pd.DataFrame({"grid_code": [f"G{i}" for i in range(len(HOSTILE_GEOMETRIES) + 1)],
                           "boundary": list(HOSTILE_GEOMETRIES.values()) + [{"type": "Polygon",
                                                                             "coordinates": [VALID_RING]}]})
    values = pd.DataFrame({"grid_code": shapes["grid_code"], "n": range(len(shapes))})
    layer = maps.choropleth_layer(shapes, values, "n", maps.scale_for(values["n"]))
    assert [r["grid_code"] for r in layer.data] == [shapes["grid_code"].iloc[-1]]
    assert len(maps.highlight_layer(shapes).data) == 1


HOSTILE_BOUNDS = [
    (math.nan, 30.5, 121.0, 30.8),
    (120.9, math.inf, 121.0, 30.8),
    (-math.inf, -math.inf, math.inf, math.inf),
    (30.70, 121.00, 30.71, 121.01),          # a road's lat and lon swapped
    (121.01, 30.71, 121.00, 30.70),          # not ordered
    (-1e308, -1e308, 1e308, 1e308),
    (0.0, 0.0, 0.0, 0.0),                    # null island
    ("a", 1, 2, 3),
    (1, 2, 3),
    "bounds",
    (None, None, None, None),
]


@pytest.mark.parametrize("bounds", HOSTILE_BOUNDS, ids=repr)
def test_view_for_falls_back_to_pinghu_on_hostile_bounds(bounds):
    view = maps.view_for(bounds)
    default = maps.view_for()
    assert (view.latitude, view.longitude, view.zoom) == (default.latitude, default.longitude, default.zoom)


@pytest.mark.parametrize("size", [(0, 0), (-5, 300), (math.nan, 560)], ids=repr)
def test_view_for_survives_a_hostile_size(size):
    view = maps.view_for((121.0, 30.7, 121.01, 30.71), width_px=size[0], height_px=size[1])
    assert 6.0 <= view.zoom <= 16.0 and math.isfinite(view.latitude) and math.isfinite(view.longitude)


def hostile_points() -> pd.DataFrame:
    """Eight sites: two good, six with coordinates that are no place."""
    return pd.DataFrame({
        "lat": [30.7, 30.71, math.nan, math.inf, None, "x", 121.0, 91.0],
        "lon": [121.0, 121.01, 121.0, 121.0, 121.0, 121.0, 30.7, 121.0],
        "n": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    })


def test_point_layers_skip_coordinates_that_are_no_place():
    df = hostile_points()
    assert maps.lonlat_columns(df)["position"].tolist() == [[121.0, 30.7], [121.01, 30.71]]
    assert len(maps.points_layer(df, layer_id="p").data) == 2
    assert len(maps.columns_layer(df, layer_id="c", value="n").data) == 2
    layer, _scale = maps.hexagon_layer(df, weight="n")
    assert sum(r["value"] for r in layer.data) == 3.0
    assert maps.points_bounds(df, pad=0) == (121.0, 30.7, 121.01, 30.71)
    assert maps.points_bounds(df.iloc[2:], pad=0) is None


def test_columns_and_arcs_skip_bad_weights_and_ends():
    df = hostile_points().assign(n=[1.0, math.inf, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0])
    assert len(maps.columns_layer(df, layer_id="c", value="n").data) == 1
    arcs = pd.DataFrame({"from_lat": [30.7, math.nan, 30.7, 30.7], "from_lon": [121.0, 121.0, 1e400, 121.0],
                         "to_lat": [30.71, 30.71, 30.71, -math.inf], "to_lon": [121.01, 121.01, 121.01, 121.0],
                         "t": [2.0, 1.0, 1.0, 1.0]})
    layer = maps.arcs_layer(arcs, layer_id="a", weight="t")
    assert [(r["source"], r["target"]) for r in layer.data] == [([121.0, 30.7], [121.01, 30.71])]


@pytest.mark.parametrize("path", [None, "x", [], [[121.0, 30.7]], [121.0, 30.7, 121.01], [[30.7, 121.0], [30.71, 121.01]],
                                  [[121.0, math.nan], [121.01, 30.71]], [["121", "30.7"], [121.01, 30.71]],
                                  [[121.0, 30.7], None], {"type": "LineString"}], ids=repr)
def test_dotted_lines_skip_hostile_paths(path):
    good = {"path": [[121.0, 30.7], [121.01, 30.71]], "name": "ok"}
    layer = maps.dotted_lines_layer([{"path": path, "name": "bad"}, good, {"name": "no path"}], layer_id="roads")
    assert len(layer.data) > 2 and {r["name"] for r in layer.data} == {"ok"}


def roads_frame(paths: list) -> pd.DataFrame:
    return pd.DataFrame({"road_id": [f"R{i}" for i in range(len(paths))], "name_zh": [f"路{i}" for i in range(len(paths))],
                         "path": paths, "has_ecapture": False, "is_strict": True, "violations": 1, "per_km_day": 1.0,
                         "strict_since": None})


def test_parking_road_helpers_skip_hostile_paths():
    good = {"type": "LineString", "coordinates": [[121.0, 30.7], [121.02, 30.72]]}
    hostile = [None, {"type": "LineString", "coordinates": [[30.7, 121.0], [30.72, 121.02]]},  # swapped
               {"type": "Point", "coordinates": [121.0, 30.7]}, {"type": "LineString", "coordinates": [["a", "b"]]},
               {"type": "LineString", "coordinates": [[121.0, 30.7], [1e400, 30.72]]}, "{", {}]
    roads = roads_frame(hostile + [good])
    assert [r["path"] for r in maps_parking.road_rows(roads)] == [good["coordinates"]]
    assert [r["text"] for r in maps_parking.road_labels(roads)] == [f"路{len(hostile)}"]
    assert maps_parking.map_bounds(roads, pad=0) == (121.0, 30.7, 121.02, 30.72)
    assert maps_parking.map_bounds(roads_frame(hostile)) is None
    maps.view_for(maps_parking.map_bounds(roads_frame(hostile)))


def test_drone_paths_skip_bad_path_json():
    start = dt.datetime(2026, 11, 20, 9, 0, tzinfo=SH)
    paths = pd.DataFrame({"nest_id": ["N1"] * 4, "nest_name_zh": ["机巢"] * 4, "route_name": ["河道"] * 4,
                          "started_at": [start] * 4, "ended_at": [start] * 4,
                          "path_json": ["[[121.0, 30.7], [121.01, 30.71]]", "not json", "[[NaN, 30.7], [121, 30.7]]",
                                        "[[121.0, 30.7]]"]})
    assert [r["path"] for r in maps_drones.path_rows(paths, ["N1"])] == [[[121.0, 30.7], [121.01, 30.71]]]


def test_drone_deck_with_hostile_shapes_and_centroids():
    shapes = pd.DataFrame({"grid_code": ["G1", "G2", "G3"], "community_code": ["C", "C", "C"],
                           "community_name_zh": ["社区"] * 3,
                           "boundary": [HOSTILE_GEOMETRIES["point"], "{}",
                                        json.dumps({"type": "Polygon", "coordinates": [VALID_RING]})],
                           "centroid_lat": [math.nan, 121.0, 30.705], "centroid_lon": [121.0, 30.7, 121.005]})
    status = pd.DataFrame({"grid_code": ["G1", "G2", "G3"], "days_since_pass": [1.0, math.nan, 3.0],
                           "lookback_days": [30, 30, 30],
                           "is_blind": [False, True, False], "blind_rank": [None, 1, None]})
    deck = maps_drones.drone_deck(shapes, status, None, None)
    grids = next(layer for layer in deck.layers if layer.id == "grids")
    assert [r["grid_code"] for r in grids.data] == ["G3"]


def test_market_deck_with_zones_that_are_no_place():
    zones = pd.DataFrame({"zone_code": ["A", "B"], "lat": [math.inf, 30.7], "lon": [121.0, 121.0],
                          "received": [3, 4], "open_now": [1, 1]})
    from cockpit.market.maps import market_deck

    deck = market_deck(zones, None)
    assert len(next(layer for layer in deck.layers if layer.id == "market-zones").data) == 1
    assert math.isfinite(deck.initial_view_state.latitude)


# ---------------------------------------------------------------------------------------------- dates
TODAY = dt.date(2026, 11, 20)


def parse(**params) -> filters.Parsed:
    return filters.parse(params, today=TODAY, town_codes=set(), squadron_codes=set())


@pytest.mark.parametrize("params, refused", [
    ({"from": "0001-01-01", "to": "0001-01-02"}, [("from", "0001-01-01"), ("to", "0001-01-02")]),
    ({"from": "0001-01-01"}, [("from", "0001-01-01")]),
    ({"from": "9999-12-31", "to": "9999-12-31"}, [("from", "9999-12-31"), ("to", "9999-12-31")]),
    ({"to": "9999-12-31"}, [("to", "9999-12-31")]),
    ({"from": "1969-12-31", "to": "1970-01-01"}, [("from", "1969-12-31"), ("to", "1970-01-01")]),
    ({"from": "1999-12-31"}, [("from", "1999-12-31")]),
], ids=repr)
def test_url_dates_outside_the_floor_and_today_are_refused(params, refused):
    parsed = parse(**params)
    assert parsed.problems == refused
    f = parsed.filters
    assert filters.EARLIEST_DATE <= f.date_from <= f.date_to <= TODAY
    if ("from", params.get("from")) in refused:
        assert (f.date_from, f.date_to) == filters.default_period(TODAY)
    prev_from, prev_to = f.previous_period()
    assert prev_to == f.date_from - dt.timedelta(days=1)


def test_the_floor_itself_is_accepted():
    parsed = parse(**{"from": "2000-01-01", "to": "2000-01-31"})
    assert parsed.problems == []
    assert parsed.filters.previous_period() == (dt.date(1999, 12, 1), dt.date(1999, 12, 31))


def test_previous_period_never_overflows():
    assert filters.Filters(dt.date.min, dt.date(1, 1, 2)).previous_period() == (dt.date.min, dt.date.min)
    assert filters.Filters(dt.date(1, 1, 3), dt.date(1, 1, 9)).previous_period() == (dt.date.min, dt.date(1, 1, 2))
    assert filters.Filters(dt.date.max, dt.date.max).previous_period() == (dt.date(9999, 12, 30),) * 2
    assert filters.shift_days(dt.date.max, 1) == dt.date.max


def test_week_arithmetic_never_overflows():
    now = dt.datetime(2026, 11, 25, 12, 0, tzinfo=SH)
    for label in ("0001-W01", "1999-W52", "9999-W52"):
        with pytest.raises(weekly.WeekError):
            weekly.parse_week(label, now)
    assert weekly.parse_week("2000-W01", now).year_ago() == weekly.IsoWeek(1999, 1)
    for year, week in ((dt.MINYEAR, 1), (dt.MAXYEAR, 52)):
        with pytest.raises(weekly.WeekError):
            weekly.IsoWeek(year, week)
    first = weekly.IsoWeek(weekly.FIRST_YEAR, 1)
    assert first.year_ago() is None
    with pytest.raises(weekly.WeekError):
        first.previous()
    last = weekly.IsoWeek(weekly.LAST_YEAR, weekly.weeks_in_year(weekly.LAST_YEAR))
    assert last.as_of.date() == last.end + dt.timedelta(days=1)
    assert weekly.weeks_in_year(dt.MAXYEAR) == 0


# ---------------------------------------------------------------------------------------------- SQL
@pytest.fixture
def gw(contract_db):
    seed_reference(contract_db)
    gateway = Gateway(contract_db.url.render_as_string(hide_password=False))
    yield gateway
    gateway.dispose()


def scalar(engine: sa.Engine, sql: str):
    with engine.connect() as conn:
        return conn.execute(sa.text(sql)).scalar()


def dq(engine: sa.Engine) -> dict[tuple[str, str], int]:
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT relation_name, issue_code, row_count FROM cockpit.data_quality"))
        return {(r[0], r[1]): int(r[2]) for r in rows}


def grid(code: str, boundary, **overrides) -> dict:
    row = {"grid_code": code, "community_code": code[:12], "town_code": TOWN_A, "squadron_code": "SQ-DH",
           "boundary": boundary if isinstance(boundary, str) else json.dumps(boundary),
           "centroid_lat": 30.705, "centroid_lon": 121.005, "min_lat": 30.70, "min_lon": 121.00,
           "max_lat": 30.71, "max_lon": 121.01, "area_km2": 1.0}
    row.update(overrides)
    return row


def road(road_id: str, path) -> dict:
    return {"road_id": road_id, "name_zh": f"路{road_id}", "town_code": TOWN_A, "is_strict": True,
            "strict_since": dt.date(2026, 1, 1), "has_ecapture": False, "length_km": 1.0,
            "path": path if isinstance(path, str) else json.dumps(path)}


def test_the_floor_is_one_constant(contract_db):
    floor = scalar(contract_db, "SELECT cockpit.earliest_valid_time()")
    assert floor.astimezone(SH) == dt.datetime.combine(filters.EARLIEST_DATE, dt.time(0), tzinfo=SH)


def test_hostile_rows_are_left_out_and_counted(gw, contract_db):
    """A Point grid, a NaN latitude, a 1970 case and a swapped road: out of the valid views, in data_quality."""
    insert_rows(contract_db, "unit_grid", [grid("33048200100199", {"type": "Point", "coordinates": [121.0, 30.7]})])
    insert_rows(contract_db, "parking_road", [
        road("R1", {"type": "LineString", "coordinates": [[121.0, 30.7], [121.01, 30.71]]}),
        road("R2", {"type": "LineString", "coordinates": [[30.7, 121.0], [30.71, 121.01]]}),
    ])
    now = dt.datetime.now(dt.timezone.utc)
    insert_rows(contract_db, "grid_case", [
        case(now - dt.timedelta(hours=2)),
        case(now - dt.timedelta(hours=2), lat=math.nan),
        case(dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)),
        case(now - dt.timedelta(hours=2), lat=121.005, lon=30.705),
    ])
    assert scalar(contract_db, "SELECT count(*) FROM cockpit.grid_case_valid") == 1
    assert scalar(contract_db, "SELECT count(*) FROM cockpit.unit_grid_valid") == 2
    assert scalar(contract_db, "SELECT string_agg(road_id, ',') FROM cockpit.parking_road_valid") == "R1"
    assert dq(contract_db) == {("grid_case", "invalid_location"): 1, ("grid_case", "ancient_time"): 1,
                               ("grid_case", "swapped_lat_lon"): 1, ("unit_grid", "invalid_geometry"): 1,
                               ("parking_road", "swapped_lat_lon"): 1}
    recent = gw.execute("common.data_quality_recent", as_of=now, days=30)
    assert {(r["relation_name"], r["issue_code"]): r["row_count"] for r in recent.to_dict("records")} == \
        dq(contract_db), "the header counts the 1970 case and the reference relations too"

    shapes = gw.execute("common.grid_shapes", town_code=None)
    assert sorted(shapes["grid_code"]) == [GRID_A, GRID_B]
    roads = gw.execute("parking.roads", as_of=now, date_from=now.date(), date_to=now.date(), town_code=None,
                       method=None, wait_minutes=10, window_days=180)
    paths = dict(zip(roads["road_id"], roads["path"]))
    assert set(paths) == {"R1", "R2"} and paths["R2"] is None, "the road is counted, not drawn"
    status = gw.execute("drones.grid_status", as_of=now, town_code=None, blind_days=7)
    assert sorted(status["grid_code"]) == [GRID_A, GRID_B]


GEOMETRY_CASES = {
    "point": ({"type": "Point", "coordinates": [121.0, 30.7]}, "invalid_geometry"),
    "linestring": ({"type": "LineString", "coordinates": VALID_RING}, "invalid_geometry"),
    "collection": ({"type": "GeometryCollection", "geometries": []}, "invalid_geometry"),
    "json null": ("null", "invalid_geometry"),
    "empty object": ({}, "invalid_geometry"),
    "empty ring": ({"type": "Polygon", "coordinates": [[]]}, "invalid_geometry"),
    "no rings": ({"type": "Polygon", "coordinates": []}, "invalid_geometry"),
    "short ring": ({"type": "Polygon", "coordinates": [VALID_RING[:3]]}, "invalid_geometry"),
    "text numbers": ({"type": "Polygon", "coordinates": [[["NaN", 30.7]] + VALID_RING[1:]]}, "invalid_geometry"),
    "huge": ('{"type": "Polygon", "coordinates": [[[1e400, 30.7], [121.01, 30.7], [121, 30.71], [121, 30.7]]]}',
             "out_of_area"),
    "shanghai": ({"type": "Polygon", "coordinates": [[[lon + 0.4, lat] for lon, lat in VALID_RING]]}, "out_of_area"),
    "swapped": ({"type": "Polygon", "coordinates": [SWAPPED_RING]}, "swapped_lat_lon"),
    "valid multipolygon": ({"type": "MultiPolygon", "coordinates": [[VALID_RING], [VALID_RING]]}, None),
    "bad part of a multipolygon": ({"type": "MultiPolygon", "coordinates": [[VALID_RING], []]}, "invalid_geometry"),
}


def test_every_hostile_grid_geometry_has_its_issue_code(contract_db):
    rows, expected = [], {}
    for i, (name, (boundary, code)) in enumerate(GEOMETRY_CASES.items()):
        code_i = f"330482001001{i:02d}"
        rows.append(grid(code_i, boundary))
        expected[code_i] = code
    bounds = {"nan box": ({"min_lat": math.nan}, "invalid_bounds"), "nan centroid": ({"centroid_lon": math.nan},
                                                                                   "invalid_bounds"),
              "box upside down": ({"min_lat": 30.71, "max_lat": 30.70}, "invalid_bounds"),
              "infinite box": ({"max_lon": math.inf}, "invalid_bounds")}
    for j, (name, (overrides, code)) in enumerate(bounds.items()):
        code_j = f"330482001002{j:02d}"
        rows.append(grid(code_j, {"type": "Polygon", "coordinates": [VALID_RING]}, **overrides))
        expected[code_j] = code
    insert_rows(contract_db, "unit_grid", rows)
    with contract_db.connect() as conn:
        got = dict(conn.execute(sa.text("SELECT grid_code, issue_code FROM cockpit.unit_grid_checked")).all())
    assert got == expected
    # a NaN bounding box would make the coverage view fail (NaN cast to integer): it reads valid grids only
    assert scalar(contract_db, "SELECT count(*) FROM cockpit.drone_grid_overflight") == 0


def test_town_boundary_and_point_coordinates(contract_db):
    seed_reference(contract_db)
    with contract_db.begin() as conn:
        conn.execute(sa.text("UPDATE cockpit.town SET boundary = NULL WHERE town_code = :t"), {"t": TOWN_A})
    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
    insert_rows(contract_db, "grid_case", [
        case(now, lat=math.inf), case(now, lon=-math.inf), case(now, lat=math.nan, lon=math.nan),
        case(now, lat=30.705, lon=math.nan), case(now, lat=31.5), case(now, lat=-95.0),
        case(local(1999, 12, 31, 23, 59)), case(local(2000, 1, 1, 0, 0)),
        case(now, closed_at=dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)),
    ])
    insert_rows(contract_db, "drone_track_point", [
        {"flight_id": 1, "seq": 1, "recorded_at": now, "lat": math.nan, "lon": 121.0, "altitude_m": 100.0},
        {"flight_id": 1, "seq": 2, "recorded_at": dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc), "lat": 30.7,
         "lon": 121.0, "altitude_m": 100.0},
    ])
    assert dq(contract_db) == {("town", "missing_geometry"): 1, ("grid_case", "invalid_location"): 5,
                               ("grid_case", "out_of_area"): 1, ("grid_case", "ancient_time"): 2,
                               ("drone_track_point", "invalid_location"): 1,
                               ("drone_track_point", "ancient_time"): 1}
    assert scalar(contract_db, "SELECT count(*) FROM cockpit.grid_case_valid") == 1  # 2000-01-01 00:00 counts


# ---------------------------------------------------------------------------------------------- pages
HOSTILE_TOWN = "330482001"


DEMO_DQ: dict[tuple[str, str], int] = {}


@pytest.fixture(scope="module")
def hostile_url(pg_admin_url, demo_url):
    """A tiny demo (its own database) plus hostile rows: grids, a town and roads with bad geometry, cases with
    NaN, swapped and 1970 coordinates and times, sites and nests with coordinates that are no place."""
    from tests.conftest import _drop_database, demo_copy

    url = demo_copy(pg_admin_url, demo_url)
    engine = db.make_engine(url)
    DEMO_DQ.clear()
    DEMO_DQ.update(dq(engine))  # the demo's own bad rows (it makes a few at random), before the hostile ones
    with engine.connect() as conn:
        community, squadron = conn.execute(sa.text(
            "SELECT community_code, squadron_code FROM cockpit.unit_grid WHERE town_code = :t LIMIT 1"),
            {"t": HOSTILE_TOWN}).one()
        other_town = conn.execute(sa.text(
            "SELECT town_code FROM cockpit.town WHERE town_code <> :t ORDER BY 1 LIMIT 1"), {"t": HOSTILE_TOWN}).scalar()
        some_grid = conn.execute(sa.text("SELECT grid_code FROM cockpit.unit_grid WHERE town_code = :t LIMIT 1"),
                                 {"t": HOSTILE_TOWN}).scalar()
    grids = []
    for i, name in enumerate(["point", "linestring", "collection", "json null", "empty object", "empty ring",
                              "short ring", "text numbers", "huge", "swapped"]):
        boundary = GEOMETRY_CASES[name][0]
        grids.append(grid(f"{community}{90 + i}", boundary, community_code=community, town_code=HOSTILE_TOWN,
                          squadron_code=squadron))
    grids.append(grid(f"{community}89", {"type": "Polygon", "coordinates": [VALID_RING]}, community_code=community,
                      town_code=HOSTILE_TOWN, squadron_code=squadron, centroid_lat=math.nan, min_lat=math.nan))
    grids.append(grid(f"{community}88", {"type": "Polygon", "coordinates": [VALID_RING]}, community_code=community,
                      town_code=HOSTILE_TOWN, squadron_code=squadron, centroid_lat=121.0, centroid_lon=30.7))
    insert_rows(engine, "unit_grid", grids)
    insert_rows(engine, "parking_road", [
        road("RX1", {"type": "LineString", "coordinates": [[30.7, 121.0], [30.71, 121.01]]}),
        road("RX2", {"type": "Point", "coordinates": [121.0, 30.7]}),
        road("RX3", '{"type": "LineString", "coordinates": [[121.0, 30.7], [1e400, 30.71]]}'),
    ])
    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
    hostile_case = dict(grid=some_grid, squadron_code=squadron, handler_dept_code=squadron)
    cases = [case(now, lat=math.nan, **hostile_case), case(now, lat=121.0, lon=30.7, **hostile_case),
             case(now, lon=math.inf, **hostile_case), case(dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc), **hostile_case)]
    with engine.connect() as conn:
        base = conn.execute(sa.text("SELECT max(case_id) FROM cockpit.grid_case")).scalar()
        sources = conn.execute(sa.text("SELECT source_code FROM cockpit.case_source LIMIT 1")).scalar()
        category = conn.execute(sa.text("SELECT category_code FROM cockpit.case_category LIMIT 1")).scalar()
    for k, c in enumerate(cases):
        c.update(case_id=base + 1 + k, source_code=sources, category_code=category)
    insert_rows(engine, "grid_case", cases)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE cockpit.town SET boundary = CAST(:b AS jsonb) WHERE town_code = :t"),
                     {"b": json.dumps({"type": "Point", "coordinates": [121.0, 30.7]}), "t": other_town})
        conn.execute(sa.text("UPDATE cockpit.waste_site SET lat = 'Infinity' WHERE site_id IN "
                             "(SELECT site_id FROM cockpit.waste_site ORDER BY site_id LIMIT 2)"))
        conn.execute(sa.text("UPDATE cockpit.drone_nest SET lat = 'NaN' WHERE nest_id IN "
                             "(SELECT nest_id FROM cockpit.drone_nest ORDER BY nest_id LIMIT 1)"))
        conn.execute(sa.text("SELECT cockpit.refresh_rollups()"))
    engine.dispose()
    yield url
    _drop_database(pg_admin_url, url)


@pytest.fixture
def hostile_env(hostile_url, monkeypatch):
    monkeypatch.setenv("COCKPIT_DATABASE_URL", hostile_url)
    monkeypatch.setenv("COCKPIT_DEMO_FEED", "0")
    runtime.reset_runtime()
    yield hostile_url
    runtime.reset_runtime()


def test_the_hostile_demo_counts_its_bad_rows(hostile_url):
    engine = db.make_engine(hostile_url)
    try:
        after = dq(engine)
    finally:
        engine.dispose()
    got = {key: n - DEMO_DQ.get(key, 0) for key, n in after.items()}  # what the hostile rows added
    assert got[("unit_grid", "invalid_geometry")] == 8
    assert got[("unit_grid", "out_of_area")] == 1
    assert got[("unit_grid", "swapped_lat_lon")] == 1
    assert got[("unit_grid", "invalid_bounds")] == 2
    assert got[("parking_road", "swapped_lat_lon")] == 1
    assert got[("parking_road", "invalid_geometry")] == 1
    assert got[("parking_road", "out_of_area")] == 1
    assert got[("town", "invalid_geometry")] == 1
    assert got[("grid_case", "ancient_time")] == 1
    assert got[("grid_case", "swapped_lat_lon")] == 1
    assert got[("grid_case", "invalid_location")] == 2


@pytest.mark.parametrize("page, query", [
    ("app_pages/drones.py", {}),
    ("app_pages/drones.py", {"town": HOSTILE_TOWN}),
    ("app_pages/cases.py", {}),
    ("app_pages/cases.py", {"town": HOSTILE_TOWN}),
    ("app_pages/parking.py", {}),
    ("app_pages/parking.py", {"town": HOSTILE_TOWN}),
    ("app_pages/overview.py", {}),
    ("app_pages/waste.py", {}),
], ids=lambda v: v if isinstance(v, str) else ",".join(f"{k}={x}" for k, x in v.items()))
def test_pages_run_on_hostile_rows(hostile_env, page, query):
    from tests.pages.test_pages import run_app

    at = run_app(page, **query)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    if page == "app_pages/overview.py":  # the coverage query reads valid grids only: a NaN box cannot break it
        assert next(m.value for m in at.metric if m.label == "网格覆盖率（近7天）").endswith("%")


@pytest.mark.parametrize("page", ["app_pages/overview.py", "app_pages/cases.py", "app_pages/parking.py", "app_pages/market.py"])
def test_dates_at_the_calendars_edge_are_refused_with_a_notice(hostile_env, page):
    from tests.pages.test_pages import run_app

    at = run_app(page)  # on the page itself, then the URL of the calendar's first days
    at.query_params["from"], at.query_params["to"] = "0001-01-01", "0001-01-02"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    warnings = " ".join(w.value for w in at.warning)
    assert "from=" in warnings and "0001-01-01" in warnings


@pytest.mark.parametrize("view", ["drones", "parking", "cases"])
@pytest.mark.parametrize("town", [None, HOSTILE_TOWN])
def test_wall_views_run_on_hostile_rows(hostile_env, view, town):
    from streamlit.testing.v1 import AppTest

    from tests.pages.test_pages import APP

    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["mode"] = "wall"
    at.query_params["views"] = view
    if town:
        at.query_params["town"] = town
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    waiting = i18n.t("wall_waiting", "zh")
    assert not any(waiting in m.value for m in at.markdown), "the view was drawn, not replaced by the waiting notice"


@pytest.mark.parametrize("view", ["drones", "parking", "cases", "waste", "market", "overview"])
def test_wall_builders_on_hostile_rows(hostile_url, view):
    gateway = Gateway(hostile_url)
    try:
        built = wall.BUILDERS[view](lambda name, **params: gateway.run(name, **params).df,
                                    lambda key, **v: i18n.t(key, "zh", **v), HOSTILE_TOWN,
                                    dt.datetime.now(SH).date(), "zh")
        assert built.deck is None or maps.payload_bytes(built.deck) > 0
    finally:
        gateway.dispose()
