"""The grid-cases page under AppTest with its filters from the URL, and its drill rules."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from cockpit import runtime

from cockpit.cases import maps as cases_map
from tests.pages.test_pages import run_page

TOWN = "330482001"


def run_cases(**query) -> AppTest:
    return run_page("app_pages/cases.py", **query)


def received_in_ranking(at: AppTest) -> int:
    """Cases received in the period, summed over the town ranking table."""
    for d in at.dataframe:
        column = next((c for c in d.value.columns if str(c).startswith("受理")), None)
        if column is not None:
            return sum(int(str(v).replace(",", "")) for v in d.value[column])  # cells as shown: "21,234"
    raise AssertionError("no ranking table on the page")


@pytest.fixture
def busiest_community(app_env):
    engine = sa.create_engine(app_env)
    with engine.connect() as conn:
        code = conn.execute(sa.text(
            "SELECT g.community_code FROM cockpit.grid_case_valid c JOIN cockpit.unit_grid g USING (grid_code) "
            "WHERE g.town_code = :t GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"), {"t": TOWN}).scalar_one()
    engine.dispose()
    return code


def test_url_filters_drill_to_a_community(app_env, busiest_community):
    town = run_cases(town=TOWN, section="ranking")
    runtime.reset_runtime()
    ranking = run_cases(town=TOWN, area=busiest_community, section="ranking")
    assert 0 < received_in_ranking(ranking) < received_in_ranking(town)
    community = run_cases(town=TOWN, area=busiest_community, measure="ontime", layer="hex")
    crumbs = " ".join(m.value for m in community.markdown)
    assert "当湖街道" in crumbs and "当前区域" in crumbs
    assert not [w.value for w in community.warning if "链接参数" in w.value]
    assert any(b.label == "返回上一级" for b in community.button)


def test_bad_area_and_measure_are_refused_with_a_message(app_env):
    at = run_cases(town=TOWN, area="330482002001", measure="bogus")   # a community of another town
    warnings = " ".join(w.value for w in at.warning)
    assert "area=330482002001" in warnings and "measure=bogus" in warnings


def test_category_filter_from_the_url(app_env):
    everything = run_cases(section="ranking")
    runtime.reset_runtime()
    one = run_cases(category="E0102", section="ranking")
    assert received_in_ranking(one) < received_in_ranking(everything)


# ---------------------------------------------------------------- drill rules (pure)
def test_drill_levels_follow_the_code_length():
    known = {"33048200100101", "330482001001"}
    assert cases_map.drill(None, None, known)[0].level == "city"
    assert cases_map.drill(TOWN, None, known)[0].level == "town"
    d, ok = cases_map.drill(TOWN, "330482001001", known)
    assert ok and d.level == "community" and d.area == "330482001001"
    d, ok = cases_map.drill(TOWN, "33048200100101", known)
    assert ok and d.level == "grid" and d.community_code == "330482001001"
    for bad in ("3304820010", "33048200100199", "330482001001' OR 1=1"):
        d, ok = cases_map.drill(TOWN, bad, known)
        assert not ok and d.level == "town"
    assert cases_map.drill(None, "330482001001", known) == (cases_map.Drill("city", None, None, None), False)


def test_clicks_move_down_and_up_moves_back():
    city = cases_map.Drill("city", None, None, None)
    assert cases_map.clicked(city, {"town_code": TOWN}) == {"town": TOWN, "area": None}
    town = cases_map.Drill("town", TOWN, None, None)
    assert cases_map.clicked(town, {"grid_code": "33048200100203"}) == {"town": TOWN, "area": "330482001002"}
    community = cases_map.Drill("community", TOWN, "330482001002", None)
    assert cases_map.clicked(community, {"grid_code": "33048200100203"}) == {"town": TOWN, "area": "33048200100203"}
    assert cases_map.clicked(community, {"grid_code": "33048200100501"}) == {"town": TOWN, "area": "330482001005"}
    grid = cases_map.Drill("grid", TOWN, "330482001002", "33048200100203")
    assert cases_map.clicked(grid, {"grid_code": "33048200100203"}) is None
    assert cases_map.clicked(grid, {"grid_code": "33048200100201"}) == {"town": TOWN, "area": "33048200100201"}
    assert grid.up() == {"town": TOWN, "area": "330482001002"}
    assert community.up() == {"town": TOWN, "area": None}
    assert town.up() == {"town": None, "area": None}
    assert cases_map.clicked(town, {}) is None


def test_measures_roll_up_exactly():
    grids = pd.DataFrame({
        "grid_code": ["33048200100101", "33048200100102", "33048200200101"],
        "community_code": ["330482001001", "330482001001", "330482002001"],
        "town_code": [TOWN, TOWN, "330482002"],
        "received": [6, 2, 0], "due_close": [4, 0, 0], "closed_on_time": [3, 0, 0], "overdue_open": [1, 1, 0],
        "area_km2": [0.25, 0.25, 1.0]})
    towns = cases_map.by_town(grids).set_index("town_code")
    assert towns.loc[TOWN, "received"] == 8 and towns.loc[TOWN, "density"] == 16.0
    assert towns.loc[TOWN, "ontime_close_rate"] == 75.0
    assert pd.isna(towns.loc["330482002", "ontime_close_rate"])
    key, per_grid = cases_map.values_for(cases_map.Drill("town", TOWN, None, None), grids)
    assert key == "grid_code" and per_grid["received"].tolist() == [8, 8, 0]
