"""The drone area's plans (cockpit/drones/data.py): their queries and the pure builds of their results, on
small hand-made rows with exact results, and on failed queries (None rows: figures None, no raise)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from cockpit import area, i18n
from cockpit.drones import data
from cockpit.drones import rules as dr
from cockpit.gateway import NOW

TOWN = "330482001"
DAY = dt.date(2026, 11, 20)


def runner(rows: dict[str, pd.DataFrame | None]):
    """A one-query runner over canned rows by query name; it records the calls in order."""
    calls = []

    def run(name, **params):
        calls.append((name, params))
        return rows.get(name)
    return run, calls


def summary_rows(**over) -> pd.DataFrame:
    row = {"sorties_today": 3, "sorties_week": 11, "nests": 4, "nests_flying": 1, "nests_idle": 2, "nests_down": 1}
    row.update(over)
    return pd.DataFrame([row])


def coverage_by_town() -> pd.DataFrame:
    return pd.DataFrame({
        "town_code": [TOWN, None], "name_zh": ["当湖街道", None], "name_en": ["Danghu", None],
        "grids_total": [8, 8], "covered_1d": [2, 2], "covered_7d": [6, 6], "covered_30d": [8, 8],
        "blind_now": [2, 2], "blind_week_ago": [3, 3], "blind_new": [1, 1], "blind_resolved": [2, 2]})


def detections() -> pd.DataFrame:
    return pd.DataFrame({
        "dimension": ["total", "category", "nest"], "sorties": [40, None, 40], "detections": [9, 9, 9],
        "became_case": [3, 3, 3], "case_closed": [2, 2, 2]})


def nests() -> pd.DataFrame:
    return pd.DataFrame({"nest_id": ["N1", "N2"], "hours_7d": [7.0, 14.0]})


# ------------------------------------------------------------------ summary, coverage, headline
def test_summary_reads_sorties_and_nests():
    run, calls = runner({"overview.drone_summary": summary_rows()})
    s = area.load(area.sequential(run), data.summary(TOWN))
    assert s == data.Summary(3, 11, 4, 1, 2, 1) and s.any_down
    assert calls == [("overview.drone_summary", {"as_of": NOW, "town_code": TOWN})]
    assert not data._summary(summary_rows(nests_down=0)).any_down


def test_coverage_share_and_no_grids():
    rows = pd.DataFrame([{"grids_covered": 3, "grids_total": 8}])
    assert data._coverage(rows, 7) == data.Coverage(7, 3, 8, 37.5)
    assert data._coverage(pd.DataFrame([{"grids_covered": 0, "grids_total": 0}]), 7) == data.Coverage(7, 0, 0, None)
    plan = data.coverage(None, 30)
    assert plan.calls == {"coverage": ("overview.drone_coverage", {"as_of": NOW, "days": 30, "town_code": None})}


def test_headline_runs_summary_then_coverage_and_survives_failures():
    run, calls = runner({"overview.drone_summary": summary_rows(),
                         "overview.drone_coverage": pd.DataFrame([{"grids_covered": 6, "grids_total": 8}])})
    h = area.load(area.sequential(run), data.headline(TOWN))
    assert h.summary.sorties_week == 11 and h.coverage == data.Coverage(7, 6, 8, 75.0)
    assert [name for name, _ in calls] == ["overview.drone_summary", "overview.drone_coverage"]
    assert calls[1][1] == {"as_of": NOW, "days": dr.WEEK_DAYS, "town_code": TOWN}
    failed = area.load(area.sequential(lambda name, **p: None), data.headline(TOWN))
    assert failed == data.Headline(data.Summary(), data.Coverage(7))


def test_summary_with_a_null_figure():
    s = data._summary(summary_rows(sorties_today=None, nests=math.nan))
    assert s.sorties_today is None and s.nests is None and s.sorties_week == 11


# ------------------------------------------------------------------ map rows
def test_map_rows_queries_and_flights():
    plan = data.map_rows(TOWN, DAY)
    assert plan.calls == {
        "grid_status": ("drones.grid_status", {"as_of": NOW, "town_code": TOWN, "blind_days": dr.DEFAULT_BLIND_DAYS}),
        "nests": ("drones.nests", {"as_of": NOW, "town_code": TOWN, **dr.nest_params()}),
        "grid_shapes": ("common.grid_shapes", {"town_code": TOWN}),
        "paths": ("drones.day_paths", {"day": DAY, "as_of": NOW, "town_code": TOWN, **dr.path_params()})}
    paths = pd.DataFrame({"flight_id": [1, 1, 2]})
    m = area.load(area.sequential(lambda name, **p: paths if name == "drones.day_paths" else None), plan)
    assert m.n_flights == 2 and m.empty
    assert data.MapRows().n_flights == 0 and data.MapRows(nests=nests()).empty is False


# ------------------------------------------------------------------ the page
def test_utilisation_of_all_nests():
    assert data.utilisation_pct(nests()) == pytest.approx(100.0 * 21.0 / (7 * dr.OPERATING_HOURS_PER_DAY * 2))
    assert data.utilisation_pct(None) is None and data.utilisation_pct(nests().iloc[0:0]) is None


def test_city_coverage_is_the_city_row():
    c = data.city_coverage(coverage_by_town().assign(covered_7d=[5, 6]))
    assert c == data.CityCoverage(8, 2, 6, 8, 2, 3, 1, 2)
    assert c.known and c.covered(7) == 6 and c.share(7) == 75.0 and c.share(30) == 100.0
    for rows in (None, coverage_by_town().iloc[0:0], coverage_by_town().iloc[0:1]):
        empty = data.city_coverage(rows)
        assert empty == data.CityCoverage() and not empty.known and empty.share(7) is None


def test_detection_totals():
    t = data.detection_totals(detections())
    assert t == data.Detections(40, 9, 3, 2) and t.any
    assert t.cases_per_100_sorties == pytest.approx(7.5)
    assert data.detection_totals(None) == data.Detections() and not data.Detections().any
    none_flown = data.detection_totals(detections().assign(sorties=0, detections=0))
    assert none_flown.known and not none_flown.any and none_flown.cases_per_100_sorties is None


def test_detections_plan_of_a_past_period():
    as_of = dt.datetime(2026, 11, 23, 23, 59)
    plan = data.detections(None, dt.date(2026, 11, 17), dt.date(2026, 11, 23), as_of=as_of)
    assert plan.calls == {"detections": ("drones.detections", {"as_of": as_of, "date_from": dt.date(2026, 11, 17),
                                                               "date_to": dt.date(2026, 11, 23), "town_code": None})}
    assert area.load(area.sequential(lambda name, **p: detections()), plan) == data.Detections(40, 9, 3, 2)
    assert data.summary(TOWN, as_of=as_of).calls["summary"][1] == {"as_of": as_of, "town_code": TOWN}


def test_quality_counts():
    quality = pd.DataFrame({"level": ["flight", "flight", "segment", "segment", "point"],
                            "issue_code": [None, "future_time", None, "gap", None],
                            "row_count": [5, 1, 40, 2, 300]})
    q = data.quality_counts(quality)
    assert q == {"ok_flight": 5, "bad_flight": 1, "ok_point": 300, "bad_point": 0, "ok_segment": 40,
                 "bad_segment": 2, "flight:future_time": 1, "segment:gap": 2}
    assert set(data.quality_counts(None).values()) == {0}


def test_page_plan_builds_every_figure():
    towns = pd.DataFrame({"town_code": [TOWN], "name_zh": ["当湖街道"], "name_en": ["Danghu"]})
    status = pd.DataFrame({"grid_code": ["G1", "G2"], "is_blind": [False, True]})
    rows = {"overview.drone_summary": summary_rows(), "drones.coverage_by_town": coverage_by_town(),
            "drones.detections": detections(), "drones.nests": nests(), "common.towns": towns,
            "drones.grid_status": status, "drones.day_paths": pd.DataFrame({"flight_id": [7]})}
    run, calls = runner(rows)
    plan = data.page(TOWN, dt.date(2026, 11, 1), DAY, DAY, 14)
    p = area.load(area.sequential(run), plan)
    assert sorted(n for n, _ in calls) == sorted(n for n, _ in plan.calls.values()) and len(calls) == 9
    assert plan.calls["coverage"][1] == {"as_of": NOW, "town_code": TOWN, "blind_days": 14}
    assert plan.calls["quality"][1] == {"as_of": NOW, "date_from": dt.date(2026, 11, 1), "date_to": DAY}
    assert p.summary.sorties_today == 3 and p.city.blind_now == 2 and p.detection_totals.cases == 3
    assert p.utilisation_pct == pytest.approx(15.0) and p.map.n_flights == 1 and p.blind_days == 14
    assert p.has_blind and p.has_categories and p.nests is rows["drones.nests"]
    with i18n.language("en"):
        assert p.town_names() == {TOWN: "Danghu"}
    with i18n.language("zh"):
        assert p.town_names() == {TOWN: "当湖街道"}
    assert not area.load(area.sequential(run), plan).map.empty


def test_page_with_every_query_failed():
    p = area.load(area.sequential(lambda name, **params: None), data.page(None, DAY, DAY, DAY))
    assert p.summary == data.Summary() and p.city == data.CityCoverage() and p.utilisation_pct is None
    assert p.detection_totals == data.Detections() and p.map.empty and p.map.n_flights == 0
    assert not p.has_blind and not p.has_categories and p.town_names() == {}
    assert p.quality["ok_flight"] == 0 and p.blind_days == dr.DEFAULT_BLIND_DAYS


def test_no_blind_spot_and_no_category():
    status = pd.DataFrame({"grid_code": ["G1"], "is_blind": [False]})
    det = detections()[lambda d: d["dimension"] != "category"]
    rows = {"drones.grid_status": status, "drones.detections": det}
    p = area.load(area.sequential(lambda name, **params: rows.get(name)), data.page(None, DAY, DAY, DAY))
    assert not p.has_blind and not p.has_categories and p.detection_totals.sorties == 40
