"""Build the shipped geography in assets/ from Pinghu's published county outline.

    python scripts/build_assets.py [--shared ../shared/data]

Writes (all WGS-84, coordinates rounded to 6 decimals):
- assets/pinghu_outline.geojson  the county outline, converted from GCJ-02;
- assets/towns.geojson           the 9 towns/streets as the Voronoi partition of their seats, clipped
                                 to the outline (no official town boundaries are published: approximate);
- assets/grids.geojson           demo unit grids: 500 m cells in 当湖街道, 1 km elsewhere, clipped to
                                 the town areas, slivers merged into a neighbour, grouped into
                                 communities (2 km / 3 km blocks) with hierarchical codes
                                 town(9) + community(3) + serial(2);
- static/basemap.png             the offline base map's land picture drawn from these (cockpit/basemap.py).
The output is deterministic; the files are committed, so the app never needs shared/ at run time.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import shapely
from shapely.geometry import MultiPoint, Polygon, box, mapping, shape
from shapely.ops import unary_union

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cockpit import geo, places  # noqa: E402
LAT0, LON0 = 30.70, 121.10          # origin of the local metric plane
M_LAT, M_LON = geo.metres_per_degree(LAT0)
CELL_M = {"330482001": 500.0}       # 当湖街道: the dense old town
DEFAULT_CELL_M = 1000.0
BLOCK_M = {"330482001": 2000.0}     # community blocks
DEFAULT_BLOCK_M = 3000.0
SLIVER_SHARE = 0.3                  # pieces under 30 % of a full cell are merged into a neighbour
STREETS = {"330482001", "330482002", "330482003", "330482400"}  # 街道 and 经开: 社区; towns: 村

STEMS = "东南西北新兴和平安华光明胜利永丰金桥河塘港湖园庄星海青松泉秀龙凤翔德"


def to_plane(geom):
    return shapely.transform(geom, lambda c: _plane(c))


def _plane(c):
    out = c.copy()
    out[:, 0] = (c[:, 0] - LON0) * M_LON
    out[:, 1] = (c[:, 1] - LAT0) * M_LAT
    return out


def _degrees(c):
    out = c.copy()
    out[:, 0] = c[:, 0] / M_LON + LON0
    out[:, 1] = c[:, 1] / M_LAT + LAT0
    return out


def to_degrees(geom):
    return shapely.transform(geom, _degrees)


def rounded(geom) -> dict:
    g = mapping(shapely.set_precision(geom, 1e-6))
    return json.loads(json.dumps(g, default=list))


def polygons(geom) -> list[Polygon]:
    if geom.is_empty:
        return []
    if geom.geom_type == "Polygon":
        return [geom]
    return [g for g in getattr(geom, "geoms", []) if g.geom_type == "Polygon"]


def community_name(town_code: str, serial: int) -> str:
    a = STEMS[(serial * 7 + int(town_code[-3:])) % len(STEMS)]
    b = STEMS[(serial * 13 + 5 + int(town_code[-3:]) * 3) % len(STEMS)]
    if a == b:
        b = STEMS[(STEMS.index(b) + 1) % len(STEMS)]
    return a + b + ("社区" if town_code in STREETS else "村")


def build(shared: Path, out: Path) -> dict:
    src = json.loads((shared / "pinghu-330482-gcj02.geojson").read_text(encoding="utf-8"))
    feature = src["features"][0]
    outline_geom = geo.convert_geometry(feature["geometry"], "gcj02", "wgs84")
    outline = {"type": "FeatureCollection", "features": [{
        "type": "Feature",
        "properties": {"adcode": 330482, "name_zh": "平湖市", "name_en": "Pinghu",
                       "datum": "WGS-84", "source": "DataV GeoAtlas 330482 (GCJ-02), converted"},
        "geometry": outline_geom}]}

    county_plane = to_plane(shape(outline_geom)).buffer(0)
    seats = [(t, to_plane(shapely.Point(t.seat_lon, t.seat_lat))) for t in places.TOWNS]
    cells = shapely.voronoi_polygons(MultiPoint([p for _, p in seats]),
                                     extend_to=county_plane.envelope.buffer(20_000))
    town_area = {}
    for t, p in seats:
        cell = next(c for c in cells.geoms if c.contains(p))
        town_area[t.code] = cell.intersection(county_plane).buffer(0)

    towns = {"type": "FeatureCollection", "features": []}
    for t in places.TOWNS:
        g = town_area[t.code]
        towns["features"].append({"type": "Feature", "properties": {
            "town_code": t.code, "name_zh": t.name_zh, "name_en": t.name_en,
            "area_km2": round(g.area / 1e6, 3), "approximate": True},
            "geometry": rounded(to_degrees(g))})

    grid_features = []
    for t in places.TOWNS:
        area = town_area[t.code]
        size = CELL_M.get(t.code, DEFAULT_CELL_M)
        block = BLOCK_M.get(t.code, DEFAULT_BLOCK_M)
        minx, miny, maxx, maxy = area.bounds
        x0, y0 = math.floor(minx / size) * size, math.floor(miny / size) * size
        pieces = []  # (polygon, block key)
        y = y0
        while y < maxy:
            x = x0
            while x < maxx:
                for poly in polygons(box(x, y, x + size, y + size).intersection(area)):
                    if poly.area > 1.0:
                        pieces.append(poly)
                x += size
            y += size
        # merge slivers into the touching piece with the longest shared edge
        pieces.sort(key=lambda p: -p.area)
        keep = [p for p in pieces if p.area >= SLIVER_SHARE * size * size]
        small = [p for p in pieces if p.area < SLIVER_SHARE * size * size]
        for s in small:
            best, best_len = None, 0.0
            for i, k in enumerate(keep):
                if k.distance(s) > 1e-6:
                    continue
                shared_len = k.boundary.intersection(s.boundary).length
                if shared_len > best_len:
                    best, best_len = i, shared_len
            if best is None:
                keep.append(s)                      # an islet of its own
            else:
                merged = unary_union([keep[best], s]).buffer(0)
                keep[best] = merged if merged.geom_type == "Polygon" else max(polygons(merged),
                                                                              key=lambda g: g.area)
        # group into communities by block, in a stable north-west → south-east order
        def key(p):
            c = p.representative_point()
            return (-math.floor(c.y / block), math.floor(c.x / block), -round(c.y), round(c.x))
        keep.sort(key=key)
        community_serial, grid_serial, current_block = 0, 0, None
        for p in keep:
            c = p.representative_point()
            blk = (math.floor(c.y / block), math.floor(c.x / block))
            if blk != current_block or grid_serial >= 99:
                community_serial += 1
                grid_serial = 0
                current_block = blk
            grid_serial += 1
            community_code = f"{t.code}{community_serial:03d}"
            deg = to_degrees(p)
            centroid = deg.centroid
            minlon, minlat, maxlon, maxlat = deg.bounds
            grid_features.append({"type": "Feature", "properties": {
                "grid_code": f"{community_code}{grid_serial:02d}",
                "community_code": community_code,
                "community_name_zh": community_name(t.code, community_serial),
                "town_code": t.code, "squadron_code": t.squadron_code,
                "centroid_lat": round(centroid.y, 6), "centroid_lon": round(centroid.x, 6),
                "min_lat": round(minlat, 6), "min_lon": round(minlon, 6),
                "max_lat": round(maxlat, 6), "max_lon": round(maxlon, 6),
                "area_km2": round(p.area / 1e6, 4)},
                "geometry": rounded(deg)})
    grids = {"type": "FeatureCollection", "features": grid_features}

    out.mkdir(parents=True, exist_ok=True)
    for name, obj in (("pinghu_outline.geojson", outline), ("towns.geojson", towns),
                      ("grids.geojson", grids)):
        (out / name).write_text(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n",
                                encoding="utf-8")
    return {"towns": len(towns["features"]), "grids": len(grid_features),
            "communities": len({f["properties"]["community_code"] for f in grid_features})}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=ROOT / "assets")
    args = ap.parse_args()
    print(build(args.shared, args.out))
    from cockpit import basemap
    print(basemap.write(assets_dir=args.out))


if __name__ == "__main__":
    main()
