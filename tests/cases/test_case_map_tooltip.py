"""The cases map's tooltip names what its value belongs to (issue 18): at town level each grid shows its
community's total, so it is named by its community; below, by its grid. Hand-made rows in PostgreSQL,
through the map's own plan and layers."""

from __future__ import annotations

import datetime as dt

import pytest

from cockpit import area, i18n
from cockpit.cases import data
from cockpit.cases import maps as cases_map
from cockpit.gateway import Gateway
from tests.factories import GRID_A, TOWN_A, case, insert_rows, local, seed_reference

AS_OF = local(2026, 11, 20, 12, 0)
OTHER = GRID_A[:12] + "02"   # a second grid of GRID_A's community


@pytest.fixture
def gw(contract_db):
    seed_reference(contract_db)
    insert_rows(contract_db, "community", [{"community_code": GRID_A[:12], "town_code": TOWN_A, "name_zh": "城南社区"}])
    insert_rows(contract_db, "unit_grid", [
        {"grid_code": OTHER, "community_code": GRID_A[:12], "town_code": TOWN_A, "squadron_code": "SQ-DH",
         "boundary": '{"type": "Polygon", "coordinates": [[[121.01, 30.70], [121.02, 30.70], [121.02, 30.71],'
                     ' [121.01, 30.71], [121.01, 30.70]]]}', "centroid_lat": 30.705, "centroid_lon": 121.015,
         "min_lat": 30.70, "min_lon": 121.01, "max_lat": 30.71, "max_lon": 121.02, "area_km2": 1.0}])
    t = local(2026, 11, 17, 9)
    insert_rows(contract_db, "grid_case", [case(t), case(t), case(t, lon=121.015, grid_code=OTHER)])
    gateway = Gateway(contract_db.url.render_as_string(hide_password=False))
    yield gateway
    gateway.dispose()


def _tooltips(gw, level: str, area_code: str | None) -> dict[str, tuple[str, str]]:
    fetch = area.sequential(lambda name, **params: gw.execute(name, **params))
    rows = area.load(fetch, data.map_rows(dt.date(2026, 11, 16), dt.date(2026, 11, 20), level=level,
                                          town_code=TOWN_A, squadron_code=None, source_code=None,
                                          category_code=None, hexagons=False, as_of=AS_OF))
    shapes = gw.execute("common.grid_shapes", town_code=TOWN_A)
    where, ok = cases_map.drill(TOWN_A, area_code, set(shapes["grid_code"]) | set(shapes["community_code"]))
    assert ok and where.level == level
    with i18n.language("zh"):
        view = cases_map.page_map(where, rows, shapes, "received", "grids")
    layer = next(layer for layer in view.deck.layers if layer.id == "areas")
    return {o["grid_code"]: (o["name"], o["value_text"]) for o in layer.data}


def test_town_level_names_the_community_whose_total_it_shows(gw):
    assert _tooltips(gw, "town", None) == {GRID_A: ("城南社区", "3 件"), OTHER: ("城南社区", "3 件")}


def test_community_level_names_the_grid_whose_value_it_shows(gw):
    assert _tooltips(gw, "community", GRID_A[:12]) == {GRID_A: (f"城南社区 · {GRID_A}", "2 件"),
                                                       OTHER: (f"城南社区 · {OTHER}", "1 件")}
