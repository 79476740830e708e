"""The demo's geography: towns and unit grids with a vectorised point-to-grid lookup (a shapely
STRtree), points along the named roads and near places, and the hotspots where things happen."""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from cockpit import places
from cockpit.demo.common import M_PER_DEG_LAT, M_PER_DEG_LON, geojson_text, pick


class Geography:
    """Towns and unit grids (from assets/*.geojson or the database), with a vectorised point-to-grid
    lookup."""

    def __init__(self, grids: pd.DataFrame, towns: list[dict] | None = None) -> None:
        """`grids`: one row per grid with the unit_grid columns (boundary as GeoJSON text) and optionally
        community_name_zh; `towns`: GeoJSON features of towns.geojson."""
        self.grids = grids.sort_values("grid_code", kind="stable").reset_index(drop=True)
        self.towns = sorted(towns or [], key=lambda f: f["properties"]["town_code"])
        self.geoms = shapely.from_geojson(self.grids["boundary"].to_numpy())
        self.tree = shapely.STRtree(self.geoms)
        self.grid_code = self.grids["grid_code"].to_numpy().astype(object)
        self.town_of_grid = self.grids["town_code"].to_numpy().astype(object)
        self.squadron_of_grid = self.grids["squadron_code"].to_numpy().astype(object)
        self.min_lat = self.grids["min_lat"].to_numpy(float)
        self.max_lat = self.grids["max_lat"].to_numpy(float)
        self.min_lon = self.grids["min_lon"].to_numpy(float)
        self.max_lon = self.grids["max_lon"].to_numpy(float)
        self.centroid_lat = self.grids["centroid_lat"].to_numpy(float)
        self.centroid_lon = self.grids["centroid_lon"].to_numpy(float)
        self.area_km2 = self.grids["area_km2"].to_numpy(float)

    @classmethod
    def from_assets(cls, assets_dir: Path) -> "Geography":
        with open(assets_dir / "grids.geojson", encoding="utf-8") as fh:
            grids = json.load(fh)["features"]
        with open(assets_dir / "towns.geojson", encoding="utf-8") as fh:
            towns = json.load(fh)["features"]
        props = pd.DataFrame([f["properties"] for f in grids])
        props["boundary"] = [geojson_text(f["geometry"]) for f in grids]
        return cls(props, towns)

    def locate(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """Index of the grid containing each point, -1 when none (exact point-in-polygon)."""
        lat = np.asarray(lat, dtype=float)
        lon = np.asarray(lon, dtype=float)
        out = np.full(lat.size, -1, dtype=np.int64)
        ok = ~(np.isnan(lat) | np.isnan(lon))
        idx = np.flatnonzero(ok)
        if idx.size == 0:
            return out
        points = shapely.points(lon[idx], lat[idx])
        hit_point, hit_grid = self.tree.query(points, predicate="intersects")
        # a point on a shared edge hits two grids: keep the first (lowest grid index)
        order = np.lexsort((hit_grid, hit_point))
        hit_point, hit_grid = hit_point[order], hit_grid[order]
        first = np.ones(hit_point.size, dtype=bool)
        first[1:] = hit_point[1:] != hit_point[:-1]
        out[idx[hit_point[first]]] = hit_grid[first]
        return out

    def snap_into_grids(self, lat: np.ndarray, lon: np.ndarray,
                        fallback_grid: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Round points to 6 decimals (~0.1 m) and locate them; those outside every grid move to their
        fallback grid's centroid."""
        lat = np.round(np.asarray(lat, dtype=float), 6)
        lon = np.round(np.asarray(lon, dtype=float), 6)
        gi = self.locate(lat, lon)
        miss = gi < 0
        if miss.any():
            fb = fallback_grid[miss]
            lat[miss] = self.centroid_lat[fb]
            lon[miss] = self.centroid_lon[fb]
            gi2 = self.locate(lat[miss], lon[miss])
            gi[miss] = np.where(gi2 >= 0, gi2, fb)
        return lat, lon, gi

    def random_points_in_grids(self, rng: np.random.Generator,
                               grid_idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """A point in the inner 90% of the bounding box of each grid (callers locate it exactly)."""
        u = rng.random(grid_idx.size) * 0.9 + 0.05
        v = rng.random(grid_idx.size) * 0.9 + 0.05
        lat = self.min_lat[grid_idx] + u * (self.max_lat[grid_idx] - self.min_lat[grid_idx])
        lon = self.min_lon[grid_idx] + v * (self.max_lon[grid_idx] - self.min_lon[grid_idx])
        return lat, lon


def road_polyline(road: places.Road) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lat = np.array([p[0] for p in road.path])
    lon = np.array([p[1] for p in road.path])
    seg = np.hypot(np.diff(lat) * M_PER_DEG_LAT, np.diff(lon) * M_PER_DEG_LON)
    return lat, lon, np.concatenate([[0.0], np.cumsum(seg)])


def road_length_km(road: places.Road) -> float:
    return float(road_polyline(road)[2][-1] / 1000.0)


def along_road(road: places.Road, dist_m: np.ndarray, offset_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points `dist_m` along the road's centre line, moved `offset_m` to its left (negative: right)."""
    lat, lon, cum = road_polyline(road)
    plat = np.interp(dist_m, cum, lat)
    plon = np.interp(dist_m, cum, lon)
    k = np.clip(np.searchsorted(cum, dist_m, side="right") - 1, 0, len(lat) - 2)
    dy = (lat[k + 1] - lat[k]) * M_PER_DEG_LAT
    dx = (lon[k + 1] - lon[k]) * M_PER_DEG_LON
    norm = np.hypot(dx, dy) + 1e-9
    return plat + (dx / norm) * offset_m / M_PER_DEG_LAT, plon - (dy / norm) * offset_m / M_PER_DEG_LON


def points_along_road(rng: np.random.Generator, road: places.Road, n: int,
                      offset_sd_m: float = 12.0) -> tuple[np.ndarray, np.ndarray]:
    """n points spread along the road, off its centre line by a normal offset (sd offset_sd_m metres)."""
    length_m = road_polyline(road)[2][-1]
    return along_road(road, rng.random(n) * length_m, rng.normal(0.0, offset_sd_m, n))


def points_near(rng: np.random.Generator, lat0: np.ndarray, lon0: np.ndarray,
                sigma_m: float) -> tuple[np.ndarray, np.ndarray]:
    n = np.asarray(lat0).size
    return (lat0 + rng.normal(0.0, sigma_m, n) / M_PER_DEG_LAT,
            lon0 + rng.normal(0.0, sigma_m, n) / M_PER_DEG_LON)


class Hotspots:
    """Where things happen: along the named roads, around the named places, and a town background
    (当湖街道 heaviest) spread over the grids by area and boosted near the named places."""

    def __init__(self, geo: Geography) -> None:
        self.geo = geo

    @cached_property
    def grid_weights(self) -> np.ndarray:
        """Background weight of each grid: its town's share spread by area, boosted near named places."""
        town_share = {"330482001": 0.26, "330482002": 0.14, "330482003": 0.09, "330482101": 0.08,
                      "330482102": 0.08, "330482103": 0.09, "330482104": 0.07, "330482105": 0.08,
                      "330482400": 0.11}
        geo = self.geo
        area = np.maximum(geo.area_km2, 1e-4)
        w = np.zeros(len(area))
        for code, share in town_share.items():
            m = geo.town_of_grid == code
            if m.any():
                w[m] = share * area[m] / area[m].sum()
        for lm in places.LANDMARKS:
            d = np.hypot((geo.centroid_lat - lm.lat) * M_PER_DEG_LAT,
                         (geo.centroid_lon - lm.lon) * M_PER_DEG_LON)
            w *= 1.0 + 2.0 * np.exp(-(d / 800.0) ** 2)
        return w / w.sum()

    @cached_property
    def road_weights(self) -> np.ndarray:
        w = np.array([road_length_km(r) * (2.0 if r.town_code == "330482001" else 1.0)
                      * (1.5 if r.has_ecapture else 1.0) for r in places.ROADS])
        return w / w.sum()

    def points(self, rng: np.random.Generator, n: int,
               mix: tuple[float, float, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """n points from a mixture of roads, named places and the town background (`mix`: the three
        shares); returns lat, lon and grid index."""
        kind = pick(rng, np.array(mix) + 1e-12, n)
        lat = np.empty(n)
        lon = np.empty(n)
        fallback = pick(rng, self.grid_weights, n)
        # roads
        on_road = np.flatnonzero(kind == 0)
        road_of = pick(rng, self.road_weights, on_road.size)
        for r_i, road in enumerate(places.ROADS):
            sel = on_road[road_of == r_i]
            if sel.size:
                lat[sel], lon[sel] = points_along_road(rng, road, sel.size, 15.0)
        # named places
        at_place = np.flatnonzero(kind == 1)
        lm = rng.integers(0, len(places.LANDMARKS), at_place.size)
        lm_lat = np.array([p.lat for p in places.LANDMARKS])[lm]
        lm_lon = np.array([p.lon for p in places.LANDMARKS])[lm]
        lat[at_place], lon[at_place] = points_near(rng, lm_lat, lm_lon, 250.0)
        # background
        bg = np.flatnonzero(kind == 2)
        lat[bg], lon[bg] = self.geo.random_points_in_grids(rng, fallback[bg])
        lat, lon, gi = self.geo.snap_into_grids(lat, lon, fallback)
        return np.round(lat, 6), np.round(lon, 6), gi
