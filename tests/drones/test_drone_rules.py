"""The drone rules' parameters agree with the one SQL definition, and the page's small pure helpers."""

from __future__ import annotations

import datetime as dt
import math
import re

import pytest

from cockpit import contract, i18n, queries
from cockpit.drones import rules as dr
def _view(name: str) -> str:
    return contract._views()[name]


def _numbers(sql: str) -> set[float]:
    return {float(n) for n in re.findall(r"(?<![\w.])\d+(?:\.\d+)?", sql)}


def test_metres_per_degree_are_the_ellipsoids_at_the_reference_latitude():
    phi = math.radians(dr.REFERENCE_LAT)
    lat = 111132.92 - 559.82 * math.cos(2 * phi) + 1.175 * math.cos(4 * phi)
    lon = 111412.84 * math.cos(phi) - 93.5 * math.cos(3 * phi) + 0.118 * math.cos(5 * phi)
    assert dr.M_PER_DEG_LAT == pytest.approx(lat, abs=1)
    assert dr.M_PER_DEG_LON == pytest.approx(lon, abs=1)


def test_the_views_use_this_modules_parameters_and_no_others():
    segment, overflight = _view("drone_track_segment"), _view("drone_grid_overflight")
    plane = {dr.M_PER_DEG_LAT, dr.M_PER_DEG_LON}
    assert plane <= _numbers(segment) and plane <= _numbers(overflight)
    assert {float(dr.MAX_GAP_S), dr.MAX_SPEED_MPS} <= _numbers(segment)
    assert re.search(rf"duration_s > {dr.MAX_GAP_S}\b", segment)
    assert re.search(rf"length_m > {dr.MAX_SPEED_MPS}\s*\*", segment)
    assert set(dr.BREAK_CODES) == set(re.findall(r"THEN '([a-z_]+)'", segment))
    assert dr.CELL_DEG in _numbers(overflight)
    offsets = re.findall(r"VALUES \((?:\d+\), \()*\d+\)", overflight)
    assert offsets and all(len(re.findall(r"\d+", o)) == dr.MAX_CELLS_PER_SIDE for o in offsets)
    # the only other metre-per-degree figures allowed in the drone views are ours
    stray = {n for n in _numbers(segment + overflight) if 90_000 < n < 120_000} - plane
    assert not stray


def test_coverage_queries_read_the_one_definition():
    readers = [n for n, q in queries.load_all().items() if "drone_grid_overflight" in q.sql]
    assert sorted(readers) == ["drones.coverage_by_town", "drones.grid_status", "overview.drone_coverage"]
    for name, q in queries.load_all().items():
        assert "camera_radius_m" not in q.sql or name == "drones.nests", name  # no second distance rule
        if name in readers:
            assert q.ttl_seconds >= 600, name  # computed once per refresh, shared by every session


def test_unbroken_segments_cannot_outgrow_the_candidate_cells():
    longest_m = dr.MAX_GAP_S * dr.MAX_SPEED_MPS + 2 * 1000  # plus two 1-km footprints, far above any camera
    cell_m = dr.CELL_DEG * min(dr.M_PER_DEG_LAT, dr.M_PER_DEG_LON)
    assert longest_m / cell_m + 1 < dr.MAX_CELLS_PER_SIDE


def test_plane_round_trip_and_offsets():
    lat, lon = dr.offset(30.7, 121.0, 300.0, -400.0)
    x0, y0 = dr.to_plane(30.7, 121.0)
    x1, y1 = dr.to_plane(lat, lon)
    assert (x1 - x0, y1 - y0) == (pytest.approx(300.0), pytest.approx(-400.0))
    assert dr.from_plane(x1, y1) == (pytest.approx(lat), pytest.approx(lon))


def test_definition_text_states_the_parameters():
    for lang, opening in (("zh", "网格覆盖："), ("en", "Grid coverage:")):
        with i18n.language(lang):
            text = dr.definition()
        assert text.startswith(opening)
        assert str(dr.MAX_GAP_S) in text and f"{dr.MAX_SPEED_MPS:g}" in text
        assert f"{dr.M_PER_DEG_LAT:,.0f}" in text and f"{dr.M_PER_DEG_LON:,.0f}" in text


def test_every_coverage_text_names_the_grid_boundary_not_its_box():
    from cockpit import kpi
    texts = [dr.DEFINITION["zh"], dr.DEFINITION["en"], _view("drone_grid_overflight")]
    texts += [k.formula_zh + k.formula_en for k in (kpi.KPIS["drone_coverage"], kpi.KPIS["drone_coverage_1d"])]
    for text in texts:
        assert "外包矩形" not in text and "of the grid's box" not in text and "bounding box of the grid" not in text
    assert "网格边界" in dr.DEFINITION["zh"] and "grid's boundary" in dr.DEFINITION["en"]
    assert "polygon_edges" in _view("drone_grid_overflight")


@pytest.mark.parametrize("blind_days, expected", [(3, 30), (7, 30), (23, 30), (24, 31), (30, 37)])
def test_lookback_covers_the_blind_window_now_and_a_week_ago(blind_days, expected):
    assert dr.lookback_days(blind_days) == expected


@pytest.mark.parametrize("is_blind, was_blind, expected", [
    (True, True, "persisting"), (True, False, "new"), (False, True, "resolved"), (False, False, None)])
def test_blind_change(is_blind, was_blind, expected):
    assert dr.blind_change(is_blind, was_blind) == expected


def test_days_since_class_puts_never_beyond_the_lookback():
    assert dr.days_since_class(3.0, 30) == 3.0
    assert dr.days_since_class(None, 30) == 31.0
    assert dr.days_since_class(float("nan"), 37) == 38.0


@pytest.mark.parametrize("raw, expected", [
    (None, (dt.date(2026, 11, 20), True)),
    ("", (dt.date(2026, 11, 20), True)),
    ("2026-11-18", (dt.date(2026, 11, 18), True)),
    ("2026-11-21", (dt.date(2026, 11, 20), False)),   # the future
    ("2026-01-01", (dt.date(2026, 11, 20), False)),   # before the picker's range
    ("yesterday", (dt.date(2026, 11, 20), False)),
    ("2026-02-30", (dt.date(2026, 11, 20), False)),
])
def test_parse_day(raw, expected):
    assert dr.parse_day(raw, dt.date(2026, 11, 20), dt.date(2026, 8, 22)) == expected


def test_cases_per_100_sorties_and_the_published_shape():
    assert dr.PUBLISHED_CASES_PER_100_SORTIES == pytest.approx(5.6)
    assert dr.cases_per_100_sorties(28, 500) == pytest.approx(5.6)
    assert dr.cases_per_100_sorties(3, 0) is None
    assert dr.cases_per_100_sorties(None, 10) is None
