"""The one map module: an offline pydeck base map of Pinghu and builders for the layers every page uses.

The base map needs no internet: no tiles, no map style, no fonts from outside. It is drawn from the
shipped outline and town areas (assets/, WGS-84): the county filled dark with its town borders, one
picture served by this server (static/basemap.png, see cockpit/basemap.py: a BitmapLayer costs the
browser no tessellation and no stroke shader), and Chinese town labels (TextLayer with the character set
taken from the labels). Data layers avoid lines where a fill says the same (a choropleth has no borders,
a selection is a translucent wash, blind spots are rings) and draw the lines they need (drone tracks,
roads) as dense dots (dotted_lines_layer): each line layer costs a map seconds of shader work in a
browser without a GPU, the circle shader is compiled for every map anyway. A bureau with its own tile
or style server sets COCKPIT_BASEMAP_STYLE (a MapLibre/Mapbox style URL) and COCKPIT_BASEMAP_DATUM
(wgs84 | gcj02 | bd09, the datum its tiles are drawn in); every layer's coordinates are then converted
to that datum at the edge, since the contract stores WGS-84.

Layers get aggregated data only (grids, bins, hexagons, a handful of sites), with coordinates rounded
to ~1 m, so a map's payload stays bounded whatever the number of rows behind it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
import pydeck as pdk

from cockpit import basemap, geo, places, settings
from cockpit.markup import escape

FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"
DIGITS = 5                     # coordinate decimals sent to the browser (~1 m)
DEFAULT_HEIGHT = 560
NO_DATA = [70, 78, 92, 90]     # grids without a value
LAND = [24, 32, 46, 255]
BORDER = [120, 140, 170, 200]
LABEL = [225, 232, 240, 255]

# Sequential palettes for a dark background (low → high), 5 classes.
PALETTES: dict[str, list[list[int]]] = {
    "heat": [[254, 224, 144], [253, 174, 97], [244, 109, 67], [215, 48, 39], [165, 0, 38]],
    "good": [[215, 48, 39], [252, 141, 89], [254, 224, 139], [145, 207, 96], [26, 152, 80]],  # low bad
    "blue": [[198, 219, 239], [158, 202, 225], [107, 174, 214], [49, 130, 189], [8, 81, 156]],
    "cold": [[26, 152, 80], [145, 207, 96], [254, 224, 139], [252, 141, 89], [215, 48, 39]],  # high bad
}
# A layer's units (radius_units, line_width_units …) as a literal: pydeck sends a plain "pixels" as an
# expression ("@@=pixels"), which deck.gl does not take for the unit: the sizes were then drawn thousands
# of times too large (a ring of 14 px off the map, a dot of 2 px over all of it).
PIXELS = pdk.types.String("pixels")
CATEGORY_COLORS = [[78, 161, 255], [255, 159, 64], [75, 192, 120], [255, 99, 132], [153, 102, 255],
                   [255, 205, 86], [54, 212, 212], [201, 203, 207]]


# ------------------------------------------------------------------ datum at the edge
def basemap_style() -> str | None:
    return settings.get().basemap_style


def basemap_datum() -> str:
    datum = settings.get().basemap_datum
    return datum if datum in geo.DATUMS else "wgs84"


def display_datum() -> str:
    """The datum the map is drawn in: the base map's, or WGS-84 offline."""
    return basemap_datum() if basemap_style() else "wgs84"


def to_display(lon, lat, datum: str | None = None):
    """WGS-84 → the datum the map is drawn in (identity when offline); `datum`: display_datum(), when
    the caller converts many shapes."""
    datum = display_datum() if datum is None else datum
    if datum == "wgs84":
        return lon, lat
    return geo.convert(lon, lat, "wgs84", datum)


def _ring(ring: Sequence[Sequence[float]], datum: str) -> list[list[float]]:
    arr = np.asarray(ring, dtype=float)
    lon, lat = to_display(arr[:, 0], arr[:, 1], datum)
    return np.round(np.column_stack([lon, lat]), DIGITS).tolist()


def polygon_rings(boundary, datum: str | None = None) -> list[list[list[float]]]:
    """The outer ring(s) of a GeoJSON Polygon/MultiPolygon (dict or JSON text) as display coordinates.
    Never raises: another geometry type, null, malformed JSON, empty rings or a ring holding a position
    that is not two finite numbers on Earth are skipped (geo.polygon_outer_rings)."""
    datum = display_datum() if datum is None else datum
    return [_ring(r, datum) for r in geo.polygon_outer_rings(boundary)]


def position_mask(df: pd.DataFrame, lat: str = "lat", lon: str = "lon") -> np.ndarray:
    """Rows whose (lat, lon) are finite numbers on Earth (not null, NaN, ±Infinity, text, |lat| > 90 …)."""
    if df is None or df.empty or lat not in df.columns or lon not in df.columns:
        return np.zeros(0 if df is None else len(df), dtype=bool)
    y = pd.to_numeric(df[lat], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    x = pd.to_numeric(df[lon], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        return np.isfinite(x) & np.isfinite(y) & (np.abs(x) <= 180.0) & (np.abs(y) <= 90.0)


def lonlat_columns(df: pd.DataFrame, lat: str = "lat", lon: str = "lon") -> pd.DataFrame:
    """A copy with `position` = [lon, lat] in display coordinates; rows without valid coordinates dropped."""
    out = df[position_mask(df, lat, lon)].copy()
    x, y = to_display(pd.to_numeric(out[lon]).to_numpy(float), pd.to_numeric(out[lat]).to_numpy(float))
    out["position"] = np.round(np.column_stack([x, y]), DIGITS).tolist() if len(out) else []
    return out


# ------------------------------------------------------------------ colour scales and legends
@dataclass(frozen=True)
class Scale:
    breaks: list[float]          # upper bounds of the classes but the last
    colors: list[list[int]]
    unit: str = ""
    digits: int = 0

    def color(self, value) -> list[int]:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return NO_DATA
        i = int(np.searchsorted(self.breaks, float(value), side="right"))
        return self.colors[min(i, len(self.colors) - 1)] + [200]

    def legend_items(self, lang: str = "zh") -> list[tuple[str, list[int]]]:
        fmt = f"{{:,.{self.digits}f}}"
        edges = self.breaks
        items = []
        for i, c in enumerate(self.colors[: len(edges) + 1]):
            if i == 0:
                text = f"< {fmt.format(edges[0])}" if edges else "—"
            elif i == len(edges):
                text = f"≥ {fmt.format(edges[-1])}"
            else:
                text = f"{fmt.format(edges[i - 1])} – {fmt.format(edges[i])}"
            items.append((f"{text} {self.unit}".strip(), c))
        items.append(("无数据" if lang == "zh" else "no data", NO_DATA[:3]))
        return items


def scale_for(values: Iterable, palette: str = "heat", unit: str = "", digits: int = 0,
              method: str = "quantile", classes: int = 5, fixed: Sequence[float] | None = None) -> Scale:
    """Class breaks for `values`: quantiles (default), equal intervals, or `fixed` breaks."""
    colors = PALETTES[palette][:classes]
    if fixed is not None:
        return Scale(list(fixed)[: classes - 1], colors, unit, digits)
    v = np.asarray([x for x in values if x is not None and not pd.isna(x)], dtype=float)
    if v.size == 0:
        return Scale([], colors[:1], unit, digits)
    if method == "equal":
        edges = np.linspace(v.min(), v.max(), classes + 1)[1:-1]
    else:
        edges = np.quantile(v, np.linspace(0, 1, classes + 1)[1:-1])
    edges = np.unique(np.round(edges, digits))
    edges = edges[edges > v.min()] if edges.size > 1 else edges
    return Scale(edges.tolist(), colors[: len(edges) + 1], unit, digits)


def legend_html(title: str, items: Sequence[tuple[str, Sequence[int]]]) -> str:
    chips = "".join(
        f"<span style='display:inline-flex;align-items:center;margin-right:14px;white-space:nowrap'>"
        f"<span style='width:14px;height:14px;border-radius:3px;margin-right:6px;"
        f"background:rgb({int(c[0])},{int(c[1])},{int(c[2])})'></span>{escape(text)}</span>"
        for text, c in items)
    return (f"<div class='cockpit-legend' style='font-size:0.9rem;line-height:1.9'>"
            f"<b style='margin-right:12px'>{escape(title)}</b>{chips}</div>")


class CompactDeck(pdk.Deck):
    """A Deck whose JSON (what Streamlit sends to the browser) has no indentation."""

    def to_json(self) -> str:
        return json.dumps(json.loads(super().to_json()), separators=(",", ":"), ensure_ascii=False)


# ------------------------------------------------------------------ the base map
def _town_features() -> list[dict]:
    try:
        return geo.load_towns()["features"]
    except FileNotFoundError:
        return []


@functools.lru_cache(maxsize=1)
def _basemap_image() -> tuple[str, list[float]] | None:
    """(URL, bounds) of the land picture (cockpit/basemap.py) when it is there to serve, else None. The URL
    carries the file's hash, so that a browser's cached copy is never an older picture."""
    path = basemap.STATIC_DIR / basemap.FILE
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except OSError:
        return None
    return f"{basemap.URL}?v={digest}", list(basemap.bounds())


def base_layers(lang: str = "zh") -> list[pdk.Layer]:
    """The base under every map, the town names last (deck() keeps them on top of the data):
    - offline: the county land with the county and town borders as one picture (a BitmapLayer: no
      tessellation, no stroke shader in the browser); without the picture (a checkout missing static/),
      the same drawn as vector layers;
    - over a configured basemap, which draws the land: the town borders as lines in its datum."""
    if basemap_style():
        layers = [_town_borders()]
    elif (image := _basemap_image()) is not None:
        # pdk.types.String: a plain string would be taken for a file to read or an expression
        layers = [pdk.Layer("BitmapLayer", id="base-land", image=pdk.types.String(image[0]), bounds=image[1],
                            pickable=False)]
    else:
        land = [{"polygon": _ring(r, "wgs84")} for r in geo.outline_rings()]  # offline: drawn in WGS-84
        layers = [pdk.Layer("PolygonLayer", id="base-land", data=land, get_polygon="polygon",
                            get_fill_color=LAND, get_line_color=BORDER, line_width_min_pixels=1.5,
                            stroked=True, filled=True, pickable=False), _town_borders()]
    names = [{"position": list(to_display(t.seat_lon, t.seat_lat)),
              "text": t.name_zh if lang == "zh" else t.name_en} for t in places.TOWNS]
    return layers + [text_layer(names, "base-labels", size=15, color=[230, 236, 245, 255])]


def _town_borders() -> pdk.Layer:
    datum = display_datum()
    borders = [{"path": ring} for f in _town_features() for ring in polygon_rings(f["geometry"], datum)]
    return pdk.Layer("PathLayer", id="base-towns", data=borders, get_path="path",
                     get_color=[110, 125, 150, 160], width_min_pixels=1, pickable=False)


def text_layer(rows: list[dict] | pd.DataFrame, layer_id: str, *, size: int = 14,
               color: Sequence[int] = LABEL, text: str = "text", pickable: bool = False) -> pdk.Layer:
    """Labels at `position`; the character set is taken from the texts so Chinese renders offline.
    `pickable`: the label carries its feature's tooltip (its rows' name and value_text)."""
    data = rows.to_dict("records") if isinstance(rows, pd.DataFrame) else rows
    # pydeck would turn a list of strings into an expression: pass the characters as one literal string
    chars = pdk.types.String("".join(sorted({ch for r in data for ch in str(r.get(text, ""))})))
    return pdk.Layer("TextLayer", id=layer_id, data=data, get_position="position", get_text=text,
                     get_size=size, get_color=list(color), font_family=pdk.types.String(FONT), character_set=chars,
                     get_text_anchor="'middle'", get_alignment_baseline="'center'",
                     background=True, get_background_color=[10, 14, 22, 150], background_padding=[4, 2],
                     pickable=pickable)


def in_service_area(lon, lat) -> bool:
    """A valid position inside the contract's service area (geo.SERVICE_AREA)."""
    pos = geo.position((lon, lat))
    if pos is None:
        return False
    a_lon, a_lat, b_lon, b_lat = geo.SERVICE_AREA
    return a_lon <= pos[0] <= b_lon and a_lat <= pos[1] <= b_lat


def points_bounds(df: pd.DataFrame | None, *, lat: str = "lat", lon: str = "lon",
                  pad: float = 0.01) -> tuple[float, float, float, float] | None:
    """(min_lon, min_lat, max_lon, max_lat) of the rows' points inside the service area, padded; None when
    there is none (a bad point never widens a view to the whole world)."""
    if df is None or df.empty or lat not in df.columns or lon not in df.columns:
        return None
    mask = position_mask(df, lat, lon)
    xs = pd.to_numeric(df.loc[mask, lon]).to_numpy(float)
    ys = pd.to_numeric(df.loc[mask, lat]).to_numpy(float)
    keep = [in_service_area(x, y) for x, y in zip(xs, ys)]
    xs, ys = xs[keep], ys[keep]
    if not len(xs):
        return None
    return float(xs.min()) - pad, float(ys.min()) - pad, float(xs.max()) + pad, float(ys.max()) + pad


def view_for(bounds: tuple[float, float, float, float] | None = None, *, width_px: int = 1100,
             height_px: int = DEFAULT_HEIGHT, pitch: float = 0.0) -> pdk.ViewState:
    """A view fitting (min_lon, min_lat, max_lon, max_lat) — all of Pinghu by default, and when the bounds
    are not finite, ordered numbers on Earth or do not touch the service area (never raises)."""
    fitted = geo.valid_bounds(bounds) if bounds is not None else None
    if fitted is not None:
        a_lon, a_lat, b_lon, b_lat = geo.SERVICE_AREA
        if fitted[2] < a_lon - 1 or fitted[0] > b_lon + 1 or fitted[3] < a_lat - 1 or fitted[1] > b_lat + 1:
            fitted = None
    min_lon, min_lat, max_lon, max_lat = fitted or geo.mainland_bounds()
    width_px, height_px = max(float(width_px or 0), 1.0), max(float(height_px or 0), 1.0)
    cx, cy = to_display((min_lon + max_lon) / 2, (min_lat + max_lat) / 2)
    lon_span = max(max_lon - min_lon, 1e-3) * 1.08
    lat_span = max(max_lat - min_lat, 1e-3) * 1.08
    # deck.gl (like Mapbox) draws the world 512 px wide at zoom 0
    zoom_x = math.log2(360.0 * width_px / (512.0 * lon_span))
    lat_rad = math.radians((min_lat + max_lat) / 2)
    zoom_y = math.log2(360.0 * height_px * max(math.cos(lat_rad), 1e-6) / (512.0 * lat_span))
    zoom = max(6.0, min(16.0, min(zoom_x, zoom_y)))
    return pdk.ViewState(latitude=round(float(cy), 5), longitude=round(float(cx), 5), zoom=round(zoom, 2),
                         pitch=pitch, bearing=0)


# The tooltip of every map: the object's name and its value on two lines. Tooltips are plain-text
# templates ('text', shown with innerText): a name from the database is never read as HTML.
TOOLTIP = {"text": "{name}\n{value_text}"}


def _plain_tooltip(tooltip: dict) -> dict:
    if "html" in tooltip:
        raise ValueError("map tooltips are 'text' templates (maps.TOOLTIP): data is never shown as HTML")
    return tooltip


def _inert(value):
    """A string deck.gl's JSON converter would not read as an expression or a constant ('@@=', '@@#')."""
    if isinstance(value, str) and value.startswith("@@"):
        return "\u2060" + value
    if isinstance(value, dict):
        return {k: _inert(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_inert(v) for v in value]
    return value


def _inert_data(layer: pdk.Layer) -> pdk.Layer:
    data = getattr(layer, "data", None)
    if isinstance(data, list):
        layer.data = [_inert(row) for row in data]
    return layer


def deck(layers: list[pdk.Layer], *, lang: str = "zh", view: pdk.ViewState | None = None,
         tooltip: dict | bool | None = None, base: bool = True) -> pdk.Deck:
    """A Deck over the offline base (or the configured basemap style). `tooltip` is a 'text' template
    (maps.TOOLTIP); the layers' text values are made inert for deck.gl's JSON converter."""
    style = basemap_style()
    layers = [_inert_data(layer) for layer in layers]
    under = base_layers(lang) if base else []
    labels = [layer for layer in under if layer.id == "base-labels"]
    all_layers = [layer for layer in under if layer.id != "base-labels"] + list(layers) + labels
    tip = tooltip
    if isinstance(tooltip, dict):
        tip = {"style": {"backgroundColor": "#111827", "color": "#e5e7eb", "fontSize": "14px",
                         "fontFamily": FONT, "whiteSpace": "pre-line"}, **_plain_tooltip(tooltip)}
    # Offline: no provider and pydeck's default-style sentinel, which Streamlit takes as "no basemap"
    # (map_style=None would make Streamlit fetch its default style from the internet).
    styling = {"map_provider": "mapbox", "map_style": style} if style else {"map_provider": None}
    return CompactDeck(layers=all_layers, initial_view_state=view or view_for(), **styling,
                       tooltip=tip if tip is not None else False)


def payload_bytes(d: pdk.Deck) -> int:
    """Bytes of the deck's JSON: what the browser receives for this map."""
    return len(d.to_json().encode("utf-8"))


# ------------------------------------------------------------------ layer builders
def choropleth_layer(shapes: pd.DataFrame, values: pd.DataFrame | None, value: str, scale: Scale,
                     *, key: str = "grid_code", layer_id: str = "grids", extra: Sequence[str] = ()) -> pdk.Layer:
    """Polygons from `shapes` (key, boundary GeoJSON, label columns) coloured by `values[value]`.
    Each object carries `key`, the `extra` columns (from shapes or values) and `value_text` for tooltips."""
    df = shapes.copy()
    if values is not None and not values.empty:
        cols = [key, value] + [c for c in extra if c in values.columns and c not in (key, value)]
        df = df.drop(columns=[c for c in cols if c != key and c in df.columns]).merge(values[cols], on=key,
                                                                                        how="left")
    else:
        df[value] = np.nan
    keep = [key] + [c for c in extra if c in df.columns and c != key]
    rows = []
    datum = display_datum()
    for rec in df.to_dict("records"):
        v = rec.get(value)
        v = None if v is None or pd.isna(v) else float(v)
        base = {k: rec[k] for k in keep if _jsonable(rec[k])}
        base.update({"fill": scale.color(v),
                     "value_text": "—" if v is None else f"{v:,.{scale.digits}f} {scale.unit}".strip()})
        for ring in polygon_rings(rec["boundary"], datum):
            rows.append({**base, "polygon": ring})
    return pdk.Layer("PolygonLayer", id=layer_id, data=rows, get_polygon="polygon", get_fill_color="fill",
                     stroked=False, filled=True, pickable=True, auto_highlight=True,
                     highlight_color=[255, 255, 255, 70])


def highlight_layer(shapes: pd.DataFrame, *, layer_id: str = "selected",
                    color: Sequence[int] = (255, 255, 255, 70)) -> pdk.Layer:
    """A few shapes (key, boundary), e.g. the selected grid or town, washed over in a light translucent
    fill on top of the map. A fill, not a border: lines cost a stroke shader per map in the browser."""
    datum = display_datum()
    rows = [{"polygon": ring} for b in shapes["boundary"] for ring in polygon_rings(b, datum)]
    return pdk.Layer("PolygonLayer", id=layer_id, data=rows, get_polygon="polygon", get_fill_color=list(color),
                     stroked=False, filled=True, pickable=False)


def rings_layer(df: pd.DataFrame, *, layer_id: str, lat: str = "lat", lon: str = "lon",
                color: Sequence[int] = (255, 255, 255, 255), radius_px: float = 14, width_px: float = 3) -> pdk.Layer:
    """Hollow circles of a fixed size on screen around a few places (e.g. the worst blind spots): drawn
    by the circle shader, no line layer."""
    data = lonlat_columns(df, lat, lon)[["position"]]
    return pdk.Layer("ScatterplotLayer", id=layer_id, data=data.to_dict("records"), get_position="position",
                     get_radius=radius_px, radius_units=PIXELS, filled=False, stroked=True,
                     get_line_color=list(color), line_width_units=PIXELS, get_line_width=width_px,
                     pickable=False)


def _jsonable(v) -> bool:
    return v is None or isinstance(v, (str, int, float, bool)) and not (isinstance(v, float) and math.isnan(v))


def hexagon_layer(bins: pd.DataFrame, *, weight: str = "n", resolution: int = 8, layer_id: str = "hexagons",
                  scale: Scale | None = None, unit: str = "", extruded: bool = False) -> tuple[pdk.Layer, Scale]:
    """H3 hexagons from pre-aggregated bins (lat, lon, `weight`): each bin's weight goes to the hexagon
    holding its centre. Returns the layer and its colour scale.

    The cells are WGS-84 cells (where the bins are). On a basemap drawn in another datum (GCJ-02, BD-09)
    the hexagons are sent as polygons whose corners are converted like every other layer's coordinates,
    so that they sit under the points they count; offline (WGS-84) the cell ids are sent as they are."""
    import h3

    if bins is None or bins.empty:
        hexes = pd.DataFrame(columns=["hex", "value"])
    else:
        w = pd.to_numeric(bins[weight], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        ok = position_mask(bins) & np.isfinite(w)
        good = bins[ok]
        cells = [h3.latlng_to_cell(float(a), float(o), resolution)
                 for a, o in zip(pd.to_numeric(good["lat"]), pd.to_numeric(good["lon"]))]
        hexes = (pd.DataFrame({"hex": cells, "value": w[ok]}, columns=["hex", "value"])
                 .groupby("hex", as_index=False)["value"].sum())
    scale = scale or scale_for(hexes["value"], "heat", unit)
    rows = [{"hex": h, "value": round(float(v), 2), "fill": scale.color(v),
             "value_text": f"{v:,.{scale.digits}f} {scale.unit}".strip()}
            for h, v in zip(hexes["hex"], hexes["value"])]
    common = dict(id=layer_id, data=rows, get_fill_color="fill", get_elevation="value",
                  elevation_scale=20 if extruded else 0, extruded=extruded, stroked=False, filled=True,
                  pickable=True, auto_highlight=True, opacity=0.85)
    datum = display_datum()
    if datum == "wgs84":
        return pdk.Layer("H3HexagonLayer", get_hexagon="hex", **common), scale
    for row in rows:
        corners = np.asarray(h3.cell_to_boundary(row["hex"]), dtype=float)  # (lat, lng) pairs, WGS-84
        row["polygon"] = _ring(np.column_stack([corners[:, 1], corners[:, 0]]), datum)
    return pdk.Layer("PolygonLayer", get_polygon="polygon", **common), scale


def points_layer(df: pd.DataFrame, *, layer_id: str, lat: str = "lat", lon: str = "lon",
                 color: Sequence[int] | str = (78, 161, 255, 220), radius: float | str = 120,
                 min_pixels: float = 3, max_pixels: float = 40, columns: Sequence[str] = ()) -> pdk.Layer:
    """Sites as circles (radius in metres, or a column name); `columns` are kept for tooltips."""
    data = lonlat_columns(df, lat, lon)
    keep = ["position"] + [c for c in columns if c in data.columns]
    if isinstance(color, str):
        keep.append(color)
    if isinstance(radius, str):
        keep.append(radius)
    data = data[list(dict.fromkeys(keep))]
    return pdk.Layer("ScatterplotLayer", id=layer_id, data=data.to_dict("records"), get_position="position",
                     get_fill_color=color if isinstance(color, str) else list(color),
                     get_radius=radius, radius_min_pixels=min_pixels, radius_max_pixels=max_pixels,
                     get_line_color=[10, 14, 22, 200], line_width_min_pixels=1, stroked=True,
                     pickable=True, auto_highlight=True)


DOT_STEP = 0.75                # dots of a line this many of their diameters apart at the map's first zoom
MAX_DOTS_PER_LINE = 600        # dots of one line at most (a longer line gets them farther apart)
MAX_DOTS = 10_000              # dots of one layer at most (every line thinned alike beyond it)


def metres_per_pixel(view: pdk.ViewState) -> float:
    """Metres on the ground per CSS pixel at the centre of a flat map of `view` (deck.gl's Web Mercator:
    the world 512 px wide at zoom 0)."""
    circumference = 2 * math.pi * geo.EARTH_RADIUS_M * math.cos(math.radians(float(view.latitude)))
    return circumference / (512.0 * 2 ** float(view.zoom))


def dot_spacing_m(view: pdk.ViewState, width_px: float) -> float:
    """The spacing of dotted_lines_layer for a line of `width_px` that reads as a line on a map of `view`:
    its dots DOT_STEP diameters apart, overlapping (a map zoomed in further shows a dotted line)."""
    return DOT_STEP * width_px * metres_per_pixel(view)


def _along(arr: np.ndarray) -> np.ndarray:
    """Metres from a path's first position to each of its positions (WGS-84, great circles)."""
    seg = geo.haversine_m(arr[:-1, 1], arr[:-1, 0], arr[1:, 1], arr[1:, 0])
    return np.concatenate([[0.0], np.cumsum(np.atleast_1d(seg))])


def _dot_count(length_m: float, spacing_m: float) -> int:
    """Dots every `spacing_m` or a little less from one end to the other (one for a line of no length)."""
    return math.ceil(length_m / spacing_m - 1e-6) + 1 if length_m > 0 else 1


def _dots_at(arr: np.ndarray, along: np.ndarray, n: int) -> np.ndarray:
    """`n` positions evenly along the path, its first and last positions included."""
    if n <= 1 or along[-1] <= 0:
        return arr[:1]
    at = np.linspace(0.0, along[-1], n)
    return np.column_stack([np.interp(at, along, arr[:, 0]), np.interp(at, along, arr[:, 1])])


def dotted_lines_layer(rows: list[dict], *, layer_id: str, color: Sequence[int] | str = (255, 205, 86, 220),
                       width_px: float = 3, spacing_m: float = 25,
                       columns: Sequence[str] = ("name", "value_text"), max_per_line: int = MAX_DOTS_PER_LINE,
                       max_dots: int = MAX_DOTS) -> pdk.Layer:
    """Lines drawn as dense dots by the circle shader every map already compiles (a line layer costs a map
    seconds of shader work in a browser without a GPU). Each row has `path` [[lon, lat], ...] in WGS-84
    (a row without >= 2 valid positions is dropped: geo.clean_line) and the fields in `columns` (tooltips)
    and `color` (when a column name); without tooltip fields the dots are not pickable. A dot every `spacing_m` metres or a little less, both ends included,
    of `width_px` diameter on screen; at most `max_per_line` dots per line and `max_dots` in all (every line
    thinned alike, its ends kept while the budget allows two dots per line)."""
    lines = []
    for r in rows:
        path = geo.clean_line(r.get("path"), 2)  # None for anything but >= 2 valid positions
        if path is None:
            continue
        arr = np.asarray(path, dtype=float)
        along = _along(arr)
        lines.append((r, arr, along, min(_dot_count(float(along[-1]), spacing_m), max_per_line)))
    total = sum(n for *_, n in lines)
    if total > max_dots:
        lines = [(r, arr, along, max(2, int(n * max_dots / total))) for r, arr, along, n in lines]
    keep = [c for c in columns if c != "position"]
    if isinstance(color, str) and color not in keep:
        keep.append(color)
    data = []
    for r, arr, along, n in lines:
        dots = _dots_at(arr, along, n)
        x, y = to_display(dots[:, 0], dots[:, 1])
        fields = {c: r[c] for c in keep if c in r}
        data.extend({"position": pos, **fields} for pos in np.round(np.column_stack([x, y]), DIGITS).tolist())
    if len(data) > max_dots:  # more lines than half the budget: every dot thinned alike, ends or not
        data = [data[i] for i in np.linspace(0, len(data) - 1, max_dots).round().astype(int)]
    return pdk.Layer("ScatterplotLayer", id=layer_id, data=data, get_position="position",
                     get_fill_color=color if isinstance(color, str) else list(color),
                     get_radius=width_px / 2, radius_units=PIXELS, filled=True, stroked=False,
                     pickable=bool(keep and keep != [color]), auto_highlight=bool(keep and keep != [color]))


def arcs_layer(df: pd.DataFrame, *, layer_id: str, weight: str, from_lat: str = "from_lat",
               from_lon: str = "from_lon", to_lat: str = "to_lat", to_lon: str = "to_lon",
               columns: Sequence[str] = (), max_width_px: float = 12) -> pdk.Layer:
    """Flows as arcs with a width proportional to `weight`."""
    w = pd.to_numeric(df[weight], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    ok = position_mask(df, from_lat, from_lon) & position_mask(df, to_lat, to_lon) & np.isfinite(w)
    data = df[ok].copy()
    data[weight] = w[ok]
    fx, fy = to_display(pd.to_numeric(data[from_lon]).to_numpy(float), pd.to_numeric(data[from_lat]).to_numpy(float))
    tx, ty = to_display(pd.to_numeric(data[to_lon]).to_numpy(float), pd.to_numeric(data[to_lat]).to_numpy(float))
    top = float(np.max(np.abs(w[ok]))) if ok.any() else 1.0
    data["source"] = np.round(np.column_stack([fx, fy]), DIGITS).tolist() if len(data) else []
    data["target"] = np.round(np.column_stack([tx, ty]), DIGITS).tolist() if len(data) else []
    data["width"] = (1 + (max_width_px - 1) * data[weight].astype(float) / (top or 1.0)).round(2)
    keep = ["source", "target", "width", weight] + [c for c in columns if c in data.columns]
    return pdk.Layer("ArcLayer", id=layer_id, data=data[list(dict.fromkeys(keep))].to_dict("records"),
                     get_source_position="source", get_target_position="target", get_width="width",
                     get_source_color=[78, 161, 255, 200], get_target_color=[255, 159, 64, 220],
                     pickable=True, auto_highlight=True)


def columns_layer(df: pd.DataFrame, *, layer_id: str, value: str, lat: str = "lat", lon: str = "lon",
                  color: Sequence[int] | str = (75, 192, 120, 220), radius_m: float = 120,
                  max_height_m: float = 3000, columns: Sequence[str] = ()) -> pdk.Layer:
    """3-D columns whose height is proportional to `value` (tallest = max_height_m)."""
    data = lonlat_columns(df, lat, lon)
    v = pd.to_numeric(data[value], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    data = data[np.isfinite(v)].copy()
    v = v[np.isfinite(v)]
    data[value] = v
    top = float(np.max(np.abs(v))) if len(v) else 1.0
    data["height"] = np.round(v / (top or 1.0) * max_height_m, 1)
    keep = ["position", "height", value] + [c for c in columns if c in data.columns]
    if isinstance(color, str):
        keep.append(color)
    return pdk.Layer("ColumnLayer", id=layer_id, data=data[list(dict.fromkeys(keep))].to_dict("records"),
                     get_position="position", get_elevation="height", elevation_scale=1, radius=radius_m,
                     get_fill_color=color if isinstance(color, str) else list(color), extruded=True,
                     pickable=True, auto_highlight=True)


def selected_objects(event, layer_id: str) -> list[dict]:
    """The picked objects of one layer from st.pydeck_chart's selection event (empty when none)."""
    try:
        selection = event.selection if hasattr(event, "selection") else event["selection"]
        objects = selection.get("objects", {}) if isinstance(selection, dict) else selection.objects
        return list(objects.get(layer_id, []) or [])
    except (AttributeError, KeyError, TypeError):
        return []


# ------------------------------------------------------------------ Streamlit
def show(d: pdk.Deck, *, key: str, height: int = DEFAULT_HEIGHT, selectable: bool = False):
    """Draw the deck; with `selectable`, a click on a pickable object reruns the page and the event is
    returned (read it with `selected_objects`)."""
    import streamlit as st

    return st.pydeck_chart(d, height=height, key=key, on_select="rerun" if selectable else "ignore",
                           selection_mode="single-object")


def show_legend(title: str, items: Sequence[tuple[str, Sequence[int]]]) -> None:
    import streamlit as st

    st.markdown(legend_html(title, items), unsafe_allow_html=True)


def offset_px(lon: float, lat: float, view) -> tuple[float, float] | None:
    """Where a WGS-84 point falls on a flat (pitch 0, bearing 0) deck.gl map of `view`, in CSS pixels from
    the map's centre (x right, y down): the Web Mercator of deck.gl, 512 px for the world at zoom 0. None
    for a point that is not a finite position. The big screen pulses new events with it."""
    try:
        lon, lat = float(lon), float(lat)
        if not (math.isfinite(lon) and math.isfinite(lat)) or abs(lat) >= 85:
            return None
        dlon, dlat = to_display(lon, lat)
        scale = 512.0 * 2 ** float(view.zoom) / 360.0
        clat = float(view.latitude)

        def merc(phi: float) -> float:
            return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(phi) / 2)))
        return (float(dlon) - float(view.longitude)) * scale, -(merc(float(dlat)) - merc(clat)) * scale
    except (TypeError, ValueError, AttributeError, OverflowError):
        return None
