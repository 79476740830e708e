"""Geodesy and the shipped geography: datum conversion (WGS-84 / GCJ-02 / BD-09), distances, and the
offline outline, towns and unit grids in `assets/`.

The contract stores WGS-84. Chinese web maps (AMap, Tencent) draw in GCJ-02 and Baidu in BD-09, so a
point is converted only at the edge: when reading a GCJ-02 source, or when drawing on such a basemap.
The formulas are the widely used public ones (as in the coordtransform / eviltransform libraries);
GCJ-02 is an obfuscation with no closed-form inverse, so `gcj02_to_wgs84` iterates to below 1 mm.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"

_A = 6378245.0                      # Krasovsky 1940 semi-major axis used by GCJ-02
_EE = 0.00669342162296594323        # its first eccentricity squared
_X_PI = math.pi * 3000.0 / 180.0
EARTH_RADIUS_M = 6371008.8          # mean Earth radius (IUGG)

DATUMS = ("wgs84", "gcj02", "bd09")


def _in_china(lon, lat):
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    return (lon > 72.004) & (lon < 137.8347) & (lat > 0.8293) & (lat < 55.8271)


def _transform_lat(x, y):
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * np.pi) + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x, y):
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return ret


def _gcj_offset(lon, lat):
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    inside = _in_china(lon, lat)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def _out(lon, lat, like):
    if np.ndim(like) == 0:
        return float(lon), float(lat)
    return lon, lat


def wgs84_to_gcj02(lon, lat):
    """(lon, lat) WGS-84 → GCJ-02; scalars or arrays. Points outside China are returned unchanged."""
    dlon, dlat = _gcj_offset(lon, lat)
    return _out(np.asarray(lon, float) + dlon, np.asarray(lat, float) + dlat, lon)


def gcj02_to_wgs84(lon, lat):
    """(lon, lat) GCJ-02 → WGS-84 by fixed-point iteration (error below 1e-9 degrees)."""
    glon = np.asarray(lon, dtype=float)
    glat = np.asarray(lat, dtype=float)
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(30):
        dlon, dlat = _gcj_offset(wlon, wlat)
        err_lon = wlon + dlon - glon
        err_lat = wlat + dlat - glat
        wlon = wlon - err_lon
        wlat = wlat - err_lat
        if np.nanmax(np.abs(np.concatenate([np.ravel(err_lon), np.ravel(err_lat)]))) < 1e-10:
            break
    return _out(wlon, wlat, lon)


def gcj02_to_bd09(lon, lat):
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return _out(z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006, lon)


def bd09_to_gcj02(lon, lat):
    x = np.asarray(lon, dtype=float) - 0.0065
    y = np.asarray(lat, dtype=float) - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return _out(z * np.cos(theta), z * np.sin(theta), lon)


def convert(lon, lat, src: str, dst: str):
    """Convert (lon, lat) between any two of `DATUMS`."""
    if src not in DATUMS or dst not in DATUMS:
        raise ValueError(f"unknown datum: {src!r} → {dst!r}; use one of {DATUMS}")
    if src == dst:
        return _out(np.asarray(lon, float), np.asarray(lat, float), lon)
    if src == "bd09":
        lon, lat = bd09_to_gcj02(lon, lat)
        src = "gcj02"
    if src == "wgs84":
        lon, lat = wgs84_to_gcj02(lon, lat)
        src = "gcj02"
    if dst == "gcj02":
        return lon, lat
    if dst == "bd09":
        return gcj02_to_bd09(lon, lat)
    return gcj02_to_wgs84(lon, lat)


def convert_geometry(geometry: dict, src: str, dst: str, digits: int = 6) -> dict:
    """A GeoJSON geometry (Point … MultiPolygon) with every coordinate converted and rounded."""
    def walk(c):
        if c and isinstance(c[0], (int, float)):
            lon, lat = convert(c[0], c[1], src, dst)
            return [round(lon, digits), round(lat, digits)]
        return [walk(x) for x in c]
    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def haversine_m(lat1, lon1, lat2, lon2):
    """Great-circle distance in metres; scalars or arrays."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2, float) - np.asarray(lon1, float))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    d = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))
    return float(d) if np.ndim(d) == 0 else d


def metres_per_degree(lat: float) -> tuple[float, float]:
    """(metres per degree of latitude, metres per degree of longitude) near `lat`."""
    m_lat = math.pi * EARTH_RADIUS_M / 180.0
    return m_lat, m_lat * math.cos(math.radians(lat))


# ------------------------------------------------------------------ geometry from the database (untrusted)
# The service area of contract/02_checked_views.sql: (min_lon, min_lat, max_lon, max_lat), WGS-84.
SERVICE_AREA = (120.90, 30.45, 121.40, 30.90)


def position(p) -> tuple[float, float] | None:
    """(lon, lat) of a GeoJSON position: two finite real numbers that are a place on Earth; else None.
    Never raises: strings, booleans, NaN, ±Infinity, 1e400 and short or nested lists all give None."""
    if not isinstance(p, (list, tuple)) or len(p) < 2:
        return None
    out = []
    for v in p[:2]:
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            return None
        try:
            f = float(v)
        except (OverflowError, ValueError, TypeError):
            return None
        if not math.isfinite(f):
            return None
        out.append(f)
    lon, lat = out
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        return None
    return lon, lat


def clean_line(coords, min_points: int = 2) -> list[list[float]] | None:
    """A list of positions as [[lon, lat], ...], or None when it is not a list of at least `min_points`
    valid positions (one bad position spoils the line: half a shape would mislead)."""
    if not isinstance(coords, (list, tuple)) or len(coords) < min_points:
        return None
    out = []
    for p in coords:
        pos = position(p)
        if pos is None:
            return None
        out.append([pos[0], pos[1]])
    return out


def parse_json(value):
    """A JSON value from a database value: text is parsed (None when it is not JSON), anything else kept."""
    if isinstance(value, (str, bytes, bytearray)):
        try:
            return json.loads(value)
        except (ValueError, RecursionError):
            return None
    return value


def parse_geometry(value) -> dict | None:
    """A GeoJSON geometry from a database value (dict, or JSON text); None for anything else."""
    value = parse_json(value)
    if not isinstance(value, dict) or not isinstance(value.get("type"), str):
        return None
    return value


def polygon_outer_rings(geometry, min_points: int = 3) -> list[list[list[float]]]:
    """The outer ring of each polygon of a Polygon/MultiPolygon (dict or JSON text) as [[lon, lat], ...];
    polygons that are malformed or hold a bad position are skipped, anything else gives []."""
    g = parse_geometry(geometry)
    if g is None:
        return []
    coords = g.get("coordinates")
    if not isinstance(coords, list):
        return []
    if g["type"] == "Polygon":
        polys = [coords]
    elif g["type"] == "MultiPolygon":
        polys = coords
    else:
        return []
    rings = []
    for poly in polys:
        if isinstance(poly, list) and poly:
            ring = clean_line(poly[0], min_points)
            if ring is not None:
                rings.append(ring)
    return rings


def line_paths(geometry, min_points: int = 2) -> list[list[list[float]]]:
    """Each line of a LineString/MultiLineString (dict or JSON text) as [[lon, lat], ...]; malformed lines
    are skipped, anything else gives []."""
    g = parse_geometry(geometry)
    if g is None:
        return []
    coords = g.get("coordinates")
    if not isinstance(coords, list):
        return []
    lines = [coords] if g["type"] == "LineString" else coords if g["type"] == "MultiLineString" else []
    return [path for path in (clean_line(line, min_points) for line in lines) if path is not None]


def valid_bounds(bounds) -> tuple[float, float, float, float] | None:
    """(min_lon, min_lat, max_lon, max_lat) as floats when they are finite, ordered and on Earth; else None."""
    try:
        min_lon, min_lat, max_lon, max_lat = (float(v) for v in bounds)
    except (TypeError, ValueError, OverflowError):
        return None
    if position((min_lon, min_lat)) is None or position((max_lon, max_lat)) is None:
        return None
    if min_lon > max_lon or min_lat > max_lat:
        return None
    return min_lon, min_lat, max_lon, max_lat


# ------------------------------------------------------------------ shipped geography (WGS-84)
@lru_cache(maxsize=None)
def _read(name: str, assets_dir: str) -> dict:
    with open(Path(assets_dir) / name, encoding="utf-8") as fh:
        return json.load(fh)


def load_outline(assets_dir: Path = ASSETS_DIR) -> dict:
    """Pinghu's county outline as a GeoJSON FeatureCollection (WGS-84)."""
    return _read("pinghu_outline.geojson", str(assets_dir))


def load_towns(assets_dir: Path = ASSETS_DIR) -> dict:
    """The 9 towns/streets as approximate areas (WGS-84 FeatureCollection, property `town_code`)."""
    return _read("towns.geojson", str(assets_dir))


def load_grids(assets_dir: Path = ASSETS_DIR) -> dict:
    """The demo unit grids (WGS-84 FeatureCollection, properties as in `unit_grid`)."""
    return _read("grids.geojson", str(assets_dir))


def outline_rings(assets_dir: Path = ASSETS_DIR) -> list[list[list[float]]]:
    """Every outer ring of the outline as [[lon, lat], ...]: the offline base map's shapes."""
    rings = []
    for f in load_outline(assets_dir)["features"]:
        g = f["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        rings += [p[0] for p in polys]
    return rings


def outline_bounds(assets_dir: Path = ASSETS_DIR) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) of the outline."""
    pts = np.array([pt for ring in outline_rings(assets_dir) for pt in ring])
    return float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()), float(pts[:, 1].max())


def mainland_bounds(assets_dir: Path = ASSETS_DIR) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) of the largest part of the outline (the islets left out):
    the default view of every map."""
    rings = outline_rings(assets_dir)
    ring = np.array(max(rings, key=len))
    return float(ring[:, 0].min()), float(ring[:, 1].min()), float(ring[:, 0].max()), float(ring[:, 1].max())
