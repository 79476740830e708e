"""No map of the pages or the wall draws a line layer: a PathLayer costs a browser without a GPU seconds of
shader work per map; the drone tracks and the parking roads are dots (maps.dotted_lines_layer)."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from cockpit.drones import maps as dmaps
from tests.pages.test_pages import run_page
from tests.pages.test_wall import run_wall

# The last local day on which the demo has a drawable track (the demo's today may have none yet).
LAST_TRACK_DAY = """
SELECT max(CAST(f.started_at AT TIME ZONE 'Asia/Shanghai' AS date))
FROM cockpit.drone_flight_valid f
WHERE EXISTS (SELECT 1 FROM cockpit.drone_track_segment s WHERE s.flight_id = f.flight_id AND s.break_code IS NULL)
"""


def last_track_day(url: str) -> dt.date:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        day = conn.execute(sa.text(LAST_TRACK_DAY)).scalar()
    engine.dispose()
    return day


# what is opened → (its map, the layer of lines drawn as dots, whether the demo always has them)
SCREENS = {
    "drones page": (lambda url: run_page("app_pages/drones.py", day=last_track_day(url).isoformat()), "tracks", True),
    "parking page": (lambda url: run_page("app_pages/parking.py"), "pk-roads", True),
    "wall drones": (lambda url: run_wall(views="drones", layout="rotate"), "tracks", False),
    "wall parking": (lambda url: run_wall(views="parking", layout="rotate"), "pk-roads", True),
    "big screen drones": (lambda url: run_wall(views="drones"), "tracks", False),  # today's tracks: maybe none
    "big screen parking": (lambda url: run_wall(views="parking"), "pk-roads", True),
}


def decks(at: AppTest) -> list[dict]:
    """Each map's deck, with the tooltip Streamlit sends beside it (None when there is none)."""
    return [{**json.loads(chart.proto.json), "tooltip": json.loads(chart.proto.tooltip or "null") or None}
            for chart in at.get("deck_gl_json_chart")]


def dotted(layer: dict) -> bool:
    return layer["@@type"] == "ScatterplotLayer" and layer["radiusUnits"] == "pixels" and len(layer["data"]) > 2


@pytest.mark.parametrize("name", list(SCREENS))
def test_no_map_draws_a_path_layer(app_env, name):
    open_it, lines, always = SCREENS[name]
    specs = decks(open_it(app_env))
    assert len(specs) == 1
    assert "PathLayer" not in json.dumps(specs[0], ensure_ascii=False)
    layers = {layer["id"]: layer for layer in specs[0]["layers"]}
    if always:
        assert lines in layers, sorted(layers)  # the test is not empty
    assert lines not in layers or dotted(layers[lines])
    if lines in layers:  # the tooltip's texts where there is a tooltip: on every track's dot, on a road's label
        tips = {"name", "value_text"} if specs[0]["tooltip"] else set()
        fields = {"position", "color"} | (tips if lines == "tracks" else set())
        assert all(set(d) == fields for d in layers[lines]["data"]), name
        assert layers[lines]["pickable"] == bool(fields - {"position", "color"})
        if lines == "pk-roads":
            labels = layers["pk-road-labels"]
            assert all(set(d) == {"position", "text"} | tips for d in labels["data"]) and labels["pickable"] == bool(tips)
    assert (specs[0]["tooltip"] is None) == (name == "wall parking" or name == "big screen parking")


def test_the_drone_deck_draws_its_tracks_as_dots():
    """The wall's drone map is the page's (drones.maps.deck_of): with tracks, they are dots too."""
    paths = pd.DataFrame([{"nest_id": "N1", "nest_name_zh": "机巢", "route_name": "河道",
                           "started_at": pd.Timestamp("2026-12-01 09:00"), "ended_at": pd.NaT,
                           "path_json": "[[121.0, 30.7], [121.01, 30.7], [121.01, 30.71]]"}])
    spec = json.loads(dmaps.drone_deck(None, None, None, paths).to_json())
    assert "PathLayer" not in json.dumps(spec)
    tracks = next(layer for layer in spec["layers"] if layer["id"] == "tracks")
    assert dotted(tracks) and {(d["name"], d["value_text"]) for d in tracks["data"]} == {("机巢 · 河道", "09:00–…")}
