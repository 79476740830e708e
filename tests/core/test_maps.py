"""The offline map module: no outside requests, bounded payloads, datum at the edge, scales and legends."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from cockpit import basemap, geo, maps
@pytest.fixture
def grid_shapes():
    feats = geo.load_grids()["features"]
    return pd.DataFrame([{"grid_code": f["properties"]["grid_code"], "town_code": f["properties"]["town_code"],
                          "boundary": f["geometry"]} for f in feats])


def test_offline_base_map_has_no_tiles_or_outside_urls(monkeypatch):
    monkeypatch.delenv("COCKPIT_BASEMAP_STYLE", raising=False)
    spec = json.loads(maps.deck([], lang="zh").to_json())
    # Streamlit fetches a default style from the internet unless mapStyle is pydeck's sentinel
    assert spec.get("mapStyle") == "__MAP_STYLE__" and spec.get("mapProvider") in (None, "")
    text = json.dumps(spec)
    assert "http" not in text
    ids = [layer["id"] for layer in spec["layers"]]
    assert ids == ["base-land", "base-labels"]  # labels stay on top of any data layer
    land = spec["layers"][0]
    # the land is the shipped picture, served by this server (a relative URL), over the outline's box
    assert land["@@type"] == "BitmapLayer" and land["image"].startswith("app/static/basemap.png?v=")
    assert land["bounds"] == list(basemap.bounds())
    labels = next(layer for layer in spec["layers"] if layer["id"] == "base-labels")
    # one literal string: a list would be sent as an expression and break the layer in the browser
    assert isinstance(labels["characterSet"], str) and not labels["characterSet"].startswith("@@")
    assert "当" in labels["characterSet"] and "湖" in labels["characterSet"]
    assert not labels["fontFamily"].startswith("@@") and "Noto Sans CJK SC" in labels["fontFamily"]


def test_english_labels(monkeypatch):
    spec = json.loads(maps.deck([], lang="en").to_json())
    texts = [d["text"] for d in next(x for x in spec["layers"] if x["id"] == "base-labels")["data"]]
    assert "Danghu" in texts


def test_configured_basemap_converts_layers_to_its_datum(monkeypatch):
    monkeypatch.setenv("COCKPIT_BASEMAP_STYLE", "http://tiles.bureau.local/style.json")
    monkeypatch.setenv("COCKPIT_BASEMAP_DATUM", "gcj02")
    layer = maps.points_layer(pd.DataFrame({"lat": [30.7], "lon": [121.016]}), layer_id="p")
    x, y = layer.data[0]["position"]
    gx, gy = geo.wgs84_to_gcj02(121.016, 30.7)
    assert (x, y) == (round(gx, 5), round(gy, 5))
    spec = json.loads(maps.deck([layer]).to_json())
    assert spec["mapStyle"] == "http://tiles.bureau.local/style.json"
    ids = [x["id"] for x in spec["layers"]]
    assert "base-land" not in ids and ids[0] == "base-towns"  # the town borders over the bureau's tiles
    town = spec["layers"][0]["data"][0]["path"][0]
    assert town != [round(v, 5) for v in geo.load_towns()["features"][0]["geometry"]["coordinates"][0][0]]


def test_offline_points_stay_wgs84(monkeypatch):
    monkeypatch.delenv("COCKPIT_BASEMAP_STYLE", raising=False)
    monkeypatch.setenv("COCKPIT_BASEMAP_DATUM", "gcj02")  # ignored without a basemap
    layer = maps.points_layer(pd.DataFrame({"lat": [30.7, None], "lon": [121.016, 121.0]}), layer_id="p")
    assert [d["position"] for d in layer.data] == [[121.016, 30.7]]


def test_quantile_scale_and_legend():
    scale = maps.scale_for(range(1, 101), "heat", unit="件")
    assert len(scale.breaks) == 4 and len(scale.colors) == 5
    assert scale.color(1)[:3] == maps.PALETTES["heat"][0]
    assert scale.color(100)[:3] == maps.PALETTES["heat"][4]
    assert scale.color(float("nan")) == maps.NO_DATA
    items = scale.legend_items("zh")
    assert items[0][0].startswith("<") and items[-1][0] == "无数据" and items[-2][0].startswith("≥")
    assert all("件" in text for text, _ in items[:-1])


def test_fixed_scale_for_rates():
    scale = maps.scale_for([], "good", unit="%", fixed=[60, 80, 90, 95])
    assert scale.color(59.9)[:3] == maps.PALETTES["good"][0]
    assert scale.color(95)[:3] == maps.PALETTES["good"][4]


def test_empty_values_give_a_usable_scale():
    scale = maps.scale_for([None, float("nan")])
    assert scale.color(None) == maps.NO_DATA
    assert scale.legend_items()


def test_choropleth_payload_is_bounded_and_keeps_no_data_grids(grid_shapes):
    values = pd.DataFrame({"grid_code": grid_shapes["grid_code"][:100], "cases": np.arange(100)})
    scale = maps.scale_for(values["cases"], unit="件")
    layer = maps.choropleth_layer(grid_shapes, values, "cases", scale, extra=["town_code"])
    assert len(layer.data) >= len(grid_shapes)
    no_data = [d for d in layer.data if d["value_text"] == "—"]
    assert len(no_data) == len(grid_shapes) - 100
    assert {"grid_code", "town_code", "fill", "polygon"} <= set(layer.data[0])
    d = maps.deck([layer])
    assert maps.payload_bytes(d) < 400_000


def test_hexagons_aggregate_bins_into_cells():
    bins = pd.DataFrame({"lat": [30.70001, 30.70002, 30.80], "lon": [121.01001, 121.01002, 121.20], "n": [2, 3, 7]})
    layer, scale = maps.hexagon_layer(bins, resolution=8)
    values = sorted(d["value"] for d in layer.data)
    assert values == [5.0, 7.0]


def test_hexagon_payload_does_not_grow_with_the_number_of_rows():
    rng = np.random.default_rng(1)
    def bins(n):
        lat = np.round(rng.uniform(30.5, 30.85, n), 3)
        lon = np.round(rng.uniform(120.96, 121.33, n), 3)
        return pd.DataFrame({"lat": lat, "lon": lon, "n": 1}).groupby(["lat", "lon"], as_index=False)["n"].sum()
    small = maps.payload_bytes(maps.deck([maps.hexagon_layer(bins(50_000), resolution=7)[0]]))
    large = maps.payload_bytes(maps.deck([maps.hexagon_layer(bins(500_000), resolution=7)[0]]))
    assert large < 1.1 * small < 1_000_000


def test_arcs():
    flows = pd.DataFrame({"from_lat": [30.7], "from_lon": [121.0], "to_lat": [30.75], "to_lon": [121.1], "tonnes": [12.0]})
    arc = maps.arcs_layer(flows, layer_id="flows", weight="tonnes")
    assert arc.data[0]["width"] == 12.0 and arc.data[0]["source"] == [121.0, 30.7]


# ------------------------------------------------------------------ lines as dots
LAT = 30.7
M_LAT, M_LON = geo.metres_per_degree(LAT)  # metres per degree of latitude, of longitude at LAT


def east(lon: float, metres: float) -> float:
    return lon + metres / M_LON


def positions(layer) -> list[list[float]]:
    return [d["position"] for d in layer.data]


def close(got: list[list[float]], want: list[list[float]]) -> bool:
    """Positions equal to the 5 decimals sent (maps.DIGITS): within half a unit of the last one."""
    return len(got) == len(want) and all(abs(a - b) <= 0.5e-5 + 1e-12 for g, w in zip(got, want)
                                         for a, b in zip(g, w))


def test_a_straight_kilometre_at_100_m_is_eleven_dots_from_end_to_end(monkeypatch):
    monkeypatch.delenv("COCKPIT_BASEMAP_STYLE", raising=False)
    start, end = 121.0, east(121.0, 1000)
    layer = maps.dotted_lines_layer([{"path": [[start, LAT], [end, LAT]], "name": "a", "value_text": "1 km"}],
                                    layer_id="l", spacing_m=100)
    assert len(layer.data) == 11
    assert close(positions(layer), [[start + i * (end - start) / 10, LAT] for i in range(11)])
    assert positions(layer)[0] == [121.0, LAT] and positions(layer)[-1] == [round(end, maps.DIGITS), LAT]


def test_dots_follow_the_bends_and_a_spacing_that_does_not_divide_the_length(monkeypatch):
    monkeypatch.delenv("COCKPIT_BASEMAP_STYLE", raising=False)
    corner = east(121.0, 300)
    north = LAT + 200 / M_LAT
    # 300 m east then 200 m north: 500 m, a dot every 100 m, the fourth on the corner
    bend = maps.dotted_lines_layer([{"path": [[121.0, LAT], [corner, LAT], [corner, north]]}], layer_id="l",
                                   spacing_m=100)
    assert close(positions(bend), [[121.0, LAT], [east(121.0, 100), LAT], [east(121.0, 200), LAT], [corner, LAT],
                                   [corner, LAT + 100 / M_LAT], [corner, north]])
    # 1 km at 300 m: four gaps of 250 m (never farther apart than asked), both ends kept
    odd = maps.dotted_lines_layer([{"path": [[121.0, LAT], [east(121.0, 1000), LAT]]}], layer_id="l", spacing_m=300)
    assert close(positions(odd), [[east(121.0, 250 * i), LAT] for i in range(5)])
    # a line of no length is one dot
    still = maps.dotted_lines_layer([{"path": [[121.0, LAT], [121.0, LAT]]}], layer_id="l", spacing_m=100)
    assert positions(still) == [[121.0, LAT]]


def test_dots_carry_their_rows_colour_and_tooltip_fields_only():
    rows = [{"path": [[121.0, LAT], [east(121.0, 50), LAT]], "color": [1, 2, 3, 200], "name": "甲",
             "value_text": "09:00–09:30", "route": "not sent"},
            {"path": [[121.1, LAT], [east(121.1, 20), LAT]], "color": [4, 5, 6, 200], "name": "乙", "value_text": "x"},
            {"path": [[121.2, LAT]], "name": "one position"}, {"name": "no path"}]
    layer = maps.dotted_lines_layer(rows, layer_id="l", color="color", width_px=4, spacing_m=25)
    assert [(d["name"], d["value_text"], d["color"]) for d in layer.data] == \
        [("甲", "09:00–09:30", [1, 2, 3, 200])] * 3 + [("乙", "x", [4, 5, 6, 200])] * 2
    assert all(set(d) == {"position", "name", "value_text", "color"} for d in layer.data)
    spec = next(x for x in json.loads(maps.deck([layer], tooltip=maps.TOOLTIP).to_json())["layers"] if x["id"] == "l")
    assert spec["@@type"] == "ScatterplotLayer" and spec["radiusUnits"] == "pixels" and spec["getRadius"] == 2
    assert spec["getFillColor"] == "@@=color" and spec["pickable"] is True and spec["stroked"] is False
    fixed = maps.dotted_lines_layer(rows[:1], layer_id="f", color=(9, 9, 9, 255), columns=("name",), spacing_m=25)
    assert fixed.get_fill_color == [9, 9, 9, 255] and all(set(d) == {"position", "name"} for d in fixed.data)


def test_dots_are_bounded_per_line_and_in_all(monkeypatch):
    monkeypatch.delenv("COCKPIT_BASEMAP_STYLE", raising=False)
    long = [[121.0, LAT], [east(121.0, 50_000), LAT]]  # 50 km at 10 m would be 5,001 dots
    one = maps.dotted_lines_layer([{"path": long}], layer_id="l", spacing_m=10, max_per_line=600)
    assert len(one.data) == 600
    assert positions(one)[0] == [121.0, LAT] and positions(one)[-1] == [round(long[1][0], maps.DIGITS), LAT]
    lines = [{"path": [[121.0, LAT + i / 1000], [east(121.0, 5_000 * (i + 1)), LAT + i / 1000]], "name": str(i)}
             for i in range(8)]  # 5 to 40 km: 180 km, 18,008 dots at 10 m
    capped = maps.dotted_lines_layer(lines, layer_id="l", spacing_m=10, max_per_line=10_000, max_dots=2_000)
    assert 1_990 <= len(capped.data) <= 2_000
    per_line = [sum(d["name"] == str(i) for d in capped.data) for i in range(8)]
    assert per_line == sorted(per_line) and per_line[-1] > 7 * per_line[0]  # thinned alike: longer lines keep more
    for i in range(8):
        mine = [d["position"] for d in capped.data if d["name"] == str(i)]
        assert mine[0] == [121.0, round(LAT + i / 1000, maps.DIGITS)]
        assert mine[-1] == [round(lines[i]["path"][1][0], maps.DIGITS), round(LAT + i / 1000, maps.DIGITS)]
    assert len(maps.dotted_lines_layer(lines * 1000, layer_id="l", spacing_m=10).data) <= maps.MAX_DOTS


def test_dot_spacing_follows_the_maps_zoom():
    """deck.gl's Web Mercator: 512 px for the world at zoom 0; each zoom level halves the metres per pixel."""
    import math

    view = maps.pdk.ViewState(latitude=LAT, longitude=121.0, zoom=12)
    per_px = 2 * math.pi * geo.EARTH_RADIUS_M * math.cos(math.radians(LAT)) / (512 * 2 ** 12)
    assert maps.metres_per_pixel(view) == pytest.approx(per_px, rel=1e-12) and 16.3 < per_px < 16.5
    assert maps.dot_spacing_m(view, 4) == pytest.approx(maps.DOT_STEP * 4 * per_px, rel=1e-12)
    closer = maps.pdk.ViewState(latitude=LAT, longitude=121.0, zoom=13)
    assert maps.dot_spacing_m(closer, 4) == pytest.approx(maps.dot_spacing_m(view, 4) / 2, rel=1e-12)


def test_dots_are_converted_to_the_basemap_datum(monkeypatch):
    monkeypatch.setenv("COCKPIT_BASEMAP_STYLE", "https://tiles.example/style.json")
    monkeypatch.setenv("COCKPIT_BASEMAP_DATUM", "gcj02")
    layer = maps.dotted_lines_layer([{"path": [[121.0, LAT], [east(121.0, 100), LAT]]}], layer_id="l", spacing_m=100)
    x, y = geo.convert(np.array([121.0, east(121.0, 100)]), np.array([LAT, LAT]), "wgs84", "gcj02")
    assert close(positions(layer), [[x[0], y[0]], [x[1], y[1]]]) and positions(layer)[0] != [121.0, LAT]


def test_rings_are_sized_in_pixels():
    """deck.gl gets the unit as the literal "pixels", not as an expression ("@@=pixels") it does not take
    for one (the rings were then drawn thousands of times too large, off the map)."""
    rings = maps.rings_layer(pd.DataFrame({"lat": [30.7], "lon": [121.0]}), layer_id="r", radius_px=14, width_px=3)
    spec = next(layer for layer in json.loads(maps.deck([rings]).to_json())["layers"] if layer["id"] == "r")
    assert spec["radiusUnits"] == "pixels" and spec["lineWidthUnits"] == "pixels"
    assert spec["getRadius"] == 14 and spec["getLineWidth"] == 3 and spec["data"] == [{"position": [121.0, 30.7]}]


def test_selected_objects_reads_the_selection_event():
    event = {"selection": {"indices": {"grids": [3]}, "objects": {"grids": [{"grid_code": "x"}]}}}
    assert maps.selected_objects(event, "grids") == [{"grid_code": "x"}]
    assert maps.selected_objects(event, "towns") == []
    assert maps.selected_objects(None, "grids") == []


def test_view_fits_the_bounds():
    """At the chosen zoom the bounds fit the map (deck.gl: 512 px world at zoom 0) without wasting half of it."""
    import math

    bounds = (121.0, 30.6, 121.1, 30.7)
    view = maps.view_for(bounds, width_px=1000, height_px=500)
    px_per_deg_lon = 512 * 2 ** view.zoom / 360
    px_lon = 0.1 * px_per_deg_lon
    px_lat = 0.1 * px_per_deg_lon / math.cos(math.radians(30.65))
    assert max(px_lon / 1000, px_lat / 500) <= 1.0
    assert max(px_lon / 1000, px_lat / 500) > 0.8


def test_hexagons_follow_the_basemap_datum_like_the_points(monkeypatch):
    """Under a GCJ-02 basemap a hexagon and a point of the same WGS-84 place are drawn at the same place."""
    from shapely.geometry import Point, Polygon

    import h3
    monkeypatch.setenv("COCKPIT_BASEMAP_STYLE", "http://tiles.bureau.local/style.json")
    monkeypatch.setenv("COCKPIT_BASEMAP_DATUM", "gcj02")
    lat, lon = 30.70312, 121.01687
    point = maps.points_layer(pd.DataFrame({"lat": [lat], "lon": [lon]}), layer_id="p").data[0]["position"]
    layer, _ = maps.hexagon_layer(pd.DataFrame({"lat": [lat], "lon": [lon], "n": [4]}), resolution=10)
    spec = json.loads(maps.deck([layer]).to_json())
    assert [x["@@type"] for x in spec["layers"] if x["id"] == "hexagons"] == ["PolygonLayer"]
    row = layer.data[0]
    assert row["value"] == 4.0 and row["hex"] == h3.latlng_to_cell(lat, lon, 10)  # binned in WGS-84
    hexagon = Polygon(row["polygon"])
    assert hexagon.contains(Point(point))  # the point sits in its hexagon (a resolution-10 cell is ~65 m across)
    # each corner moved by the GCJ-02 offset of that corner (about 500 m here), not left in WGS-84
    wgs = [(c[1], c[0]) for c in h3.cell_to_boundary(row["hex"])]
    assert row["polygon"] == [[round(v, 5) for v in geo.wgs84_to_gcj02(x, y)] for x, y in wgs]
    assert not Polygon(wgs).contains(Point(point))
    assert geo.haversine_m(lat, lon, point[1], point[0]) > 300


def test_offline_hexagons_stay_h3_cells(monkeypatch):
    monkeypatch.delenv("COCKPIT_BASEMAP_STYLE", raising=False)
    monkeypatch.setenv("COCKPIT_BASEMAP_DATUM", "gcj02")  # ignored without a basemap
    layer, _ = maps.hexagon_layer(pd.DataFrame({"lat": [30.7], "lon": [121.0], "n": [1]}))
    spec = json.loads(maps.deck([layer]).to_json())
    assert [x["@@type"] for x in spec["layers"] if x["id"] == "hexagons"] == ["H3HexagonLayer"]
    assert "polygon" not in layer.data[0]


def test_the_shipped_land_picture_is_the_one_drawn_from_the_shipped_outline():
    from PIL import Image

    shipped = (basemap.STATIC_DIR / basemap.FILE).read_bytes()
    assert shipped == basemap.render(), "static/basemap.png is stale: run scripts/build_assets.py"
    image = Image.open(basemap.STATIC_DIR / basemap.FILE).convert("RGBA")
    assert image.size == basemap.size() and image.size[0] == basemap.WIDTH_PX
    w, s, e, n = basemap.bounds()
    top, bottom = basemap._mercator_y(n), basemap._mercator_y(s)

    def pixel(lon, lat):
        x = (lon - w) / (e - w) * image.size[0]
        y = (top - basemap._mercator_y(lat)) / (top - bottom) * image.size[1]
        return image.getpixel((int(x), int(y)))
    # every town seat lies on land (opaque, the land colour); the picture's corners are transparent
    from cockpit import places
    for town in places.TOWNS:
        got = pixel(town.seat_lon, town.seat_lat)  # the palette's nearest colour to LAND
        assert max(abs(a - b) for a, b in zip(got, basemap.LAND)) <= 3, (town.name_en, got)
    assert image.getpixel((0, 0))[3] == 0 and image.getpixel((image.size[0] - 1, 0))[3] == 0
    # the county border is drawn: a lighter pixel within a few pixels of the westmost point of the outline
    ring = max(geo.outline_rings(), key=len)
    lon, lat = min(ring)
    x0 = int((lon - w) / (e - w) * image.size[0])
    y0 = int((top - basemap._mercator_y(lat)) / (top - bottom) * image.size[1])
    near = [image.getpixel((x, y)) for x in range(x0 - 3, x0 + 4) for y in range(y0 - 3, y0 + 4)]
    assert any(p[3] > 0 and sum(p[:3]) > sum(basemap.LAND[:3]) + 60 for p in near)


def test_without_the_picture_the_land_is_drawn_as_vectors(monkeypatch, tmp_path):
    monkeypatch.delenv("COCKPIT_BASEMAP_STYLE", raising=False)
    monkeypatch.setattr(basemap, "STATIC_DIR", tmp_path)
    maps._basemap_image.cache_clear()
    try:
        spec = json.loads(maps.deck([], lang="zh").to_json())
    finally:
        maps._basemap_image.cache_clear()
    assert [x["id"] for x in spec["layers"]] == ["base-land", "base-towns", "base-labels"]
    assert spec["layers"][0]["@@type"] == "PolygonLayer"


def test_a_configured_basemap_without_the_picture_gets_the_town_borders_once(monkeypatch, tmp_path):
    monkeypatch.setenv("COCKPIT_BASEMAP_STYLE", "http://tiles.bureau.local/style.json")
    monkeypatch.setattr(basemap, "STATIC_DIR", tmp_path)
    maps._basemap_image.cache_clear()
    try:
        spec = json.loads(maps.deck([]).to_json())
    finally:
        maps._basemap_image.cache_clear()
    assert [x["id"] for x in spec["layers"]] == ["base-towns", "base-labels"]
