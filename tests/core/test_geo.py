"""Datum conversion, distances and the shipped geography."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from cockpit import geo, places
def test_wgs84_to_gcj02_matches_the_reference_implementation():
    # values published with the widely used coordtransform library for 116.404, 39.915
    assert geo.wgs84_to_gcj02(116.404, 39.915) == pytest.approx((116.41024449916938, 39.91640428150164), abs=1e-12)
    assert geo.gcj02_to_bd09(116.404, 39.915) == pytest.approx((116.41036949371029, 39.92133699351021), abs=1e-12)
    assert geo.bd09_to_gcj02(116.404, 39.915) == pytest.approx((116.39762729119315, 39.90865673957631), abs=1e-12)


def test_gcj02_offset_near_pinghu_is_a_few_hundred_metres():
    lon, lat = geo.wgs84_to_gcj02(121.016, 30.700)
    shift = geo.haversine_m(30.700, 121.016, lat, lon)
    assert 300 < shift < 700


def test_round_trips():
    lon = np.array([120.96, 121.016, 121.33])
    lat = np.array([30.50, 30.70, 30.85])
    x, y = geo.convert(lon, lat, "wgs84", "gcj02")  # GCJ-02 is inverted by iteration: below a millimetre
    back_x, back_y = geo.convert(x, y, "gcj02", "wgs84")
    assert np.all(geo.haversine_m(lat, lon, back_y, back_x) < 1e-3)
    x, y = geo.convert(lon, lat, "wgs84", "bd09")    # the published BD-09 inverse is approximate: below 0.5 m
    back_x, back_y = geo.convert(x, y, "bd09", "wgs84")
    assert np.all(geo.haversine_m(lat, lon, back_y, back_x) < 0.5)


def test_points_outside_china_are_not_shifted():
    assert geo.wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)


def test_unknown_datum_is_refused():
    with pytest.raises(ValueError):
        geo.convert(121.0, 30.7, "wgs84", "utm")


def test_haversine_known_distances():
    assert geo.haversine_m(30.7, 121.0, 30.7, 121.0) == 0
    # one degree of latitude on the mean sphere
    assert geo.haversine_m(30.0, 121.0, 31.0, 121.0) == pytest.approx(111_195, rel=1e-4)


def test_outline_is_wgs84_and_covers_the_town_seats():
    outline = shapely.union_all([shape(f["geometry"]) for f in geo.load_outline()["features"]])
    min_lon, min_lat, max_lon, max_lat = geo.outline_bounds()
    assert 120.9 < min_lon < max_lon < 121.4 and 30.4 < min_lat < max_lat < 30.9
    for t in places.TOWNS:
        assert outline.buffer(0.002).contains(shapely.Point(t.seat_lon, t.seat_lat)), t.name_zh


def test_towns_partition_the_outline():
    towns = geo.load_towns()["features"]
    assert sorted(f["properties"]["town_code"] for f in towns) == sorted(t.code for t in places.TOWNS)
    geoms = [shape(f["geometry"]) for f in towns]
    outline = shapely.union_all([shape(f["geometry"]) for f in geo.load_outline()["features"]])
    union = shapely.union_all(geoms)
    assert union.symmetric_difference(outline).area < 1e-4 * outline.area
    total_overlap = sum(a.intersection(b).area for i, a in enumerate(geoms) for b in geoms[i + 1:])
    assert total_overlap < 1e-6 * outline.area


def test_grids_have_hierarchical_codes_and_lie_in_their_town():
    grids = geo.load_grids()["features"]
    towns = {f["properties"]["town_code"]: shape(f["geometry"]) for f in geo.load_towns()["features"]}
    codes = [f["properties"]["grid_code"] for f in grids]
    assert len(codes) == len(set(codes)) > 500
    for f in grids:
        p = f["properties"]
        assert len(p["grid_code"]) == 14 and p["grid_code"].startswith(p["community_code"])
        assert p["community_code"].startswith(p["town_code"]) and len(p["community_code"]) == 12
        g = shape(f["geometry"])
        assert f["geometry"]["type"] == "Polygon" and g.is_valid
        assert towns[p["town_code"]].buffer(1e-5).contains(g)
        assert p["min_lon"] <= p["centroid_lon"] <= p["max_lon"]
    assert Counter(f["properties"]["town_code"] for f in grids).keys() == towns.keys()


def test_assets_are_reproducible(tmp_path):
    """scripts/build_assets.py rebuilds exactly the committed files from the published outline."""
    shared = geo.ASSETS_DIR.parent.parent / "shared" / "data"
    if not (shared / "pinghu-330482-gcj02.geojson").exists():
        pytest.skip("the shared reference data is not beside this checkout")
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_assets", geo.ASSETS_DIR.parent / "scripts" / "build_assets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build(shared, tmp_path)
    for name in ("pinghu_outline.geojson", "towns.geojson", "grids.geojson"):
        assert json.loads((tmp_path / name).read_text()) == json.loads((geo.ASSETS_DIR / name).read_text()), name
