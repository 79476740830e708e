"""Drones for the demo generator: the nests and their fixed routes, sorties (one at a time per nest),
track points every 10 s with GPS glitches, and detections (some dispatched as grid cases)."""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from cockpit.demo.calendar import DAY_S
from cockpit.demo.common import (
    HOUR_S,
    MINUTE_S,
    M_PER_DEG_LAT,
    M_PER_DEG_LON,
    OUT_OF_AREA_POINTS,
    bad_row_count,
    pick,
    to_timestamps,
)
from cockpit.demo.geography import points_near

# ------------------------------------------------------------------ volumes at scale 1
DRONE_SORTIES_PER_MONTH = 100
DRONE_DETECTIONS_PER_SORTIE = 0.45
DRONE_CASES_PER_SORTIE = 28 / 500
DRONE_TRACK_INTERVAL_S = 10
DRONE_NO_FLY_DAY_SHARE = 0.10          # rain and wind days without sorties

DRONE_NESTS = (
    # nest_id, name, town, lat, lon, camera radius m, routes: (name, purpose); every nest lies inside the
    # county outline (at least 750 m from its edge) and its own town's area (500 m; assets/)
    # (tests/demo/test_demo_places.py)
    ("N01", "服装城北机巢", "330482002", 30.7318, 120.9762, 220.0,
     (("服装城消防通道巡查", "fire_lane"), ("服装城周边建筑垃圾巡查", "construction_waste"),
      ("服装城综合巡航", "general"))),
    ("N02", "服装城南机巢", "330482002", 30.7185, 120.9850, 220.0,
     (("嘉荟城夜市周边巡航", "general"), ("钟埭河道巡查", "river"), ("服装城违建巡查", "illegal_building"))),
    ("N03", "东湖机巢", "330482001", 30.7078, 121.0335, 200.0,
     (("东湖水域巡查", "river"), ("老城区违建巡查", "illegal_building"), ("城区综合巡航", "general"))),
    ("N04", "曹桥机巢", "330482003", 30.7705, 121.0455, 200.0,
     (("曹桥河道巡查", "river"), ("曹桥建筑垃圾巡查", "construction_waste"))),
    ("N05", "新埭机巢", "330482101", 30.8140, 121.1085, 200.0,
     (("新埭河道巡查", "river"), ("新埭违建巡查", "illegal_building"))),
    ("N06", "独山港机巢", "330482103", 30.6375, 121.1711, 240.0,
     (("独山港工业区巡航", "general"), ("独山港建筑垃圾巡查", "construction_waste"))),
    ("N07", "广陈机巢", "330482104", 30.7809, 121.2036, 200.0,
     (("广陈河道巡查", "river"), ("广陈违建巡查", "illegal_building"))),
    ("N08", "经开区机巢", "330482400", 30.6885, 121.0605, 220.0,
     (("经开区消防通道巡查", "fire_lane"), ("经开区综合巡航", "general"))),
)
DRONE_NEST_WEIGHTS = {"N01": 0.27, "N02": 0.23, "N03": 0.12, "N04": 0.07, "N05": 0.07, "N06": 0.08,
                      "N07": 0.06, "N08": 0.10}
DRONE_NEST_IN_MAINTENANCE = "N07"
DRONE_DETECTION_CATEGORIES = {
    "river": ("E0105",), "fire_lane": ("E0405", "E0404"), "construction_waste": ("E0303", "E0103", "E0302"),
    "illegal_building": ("E0304", "E0101"), "general": ("E0102", "E0401", "E0301", "E0110"),
}


class DroneRelations:
    """drone_nest, drone_flight, drone_track_point and drone_detection (a mixin of DemoGenerator)."""

    @cached_property
    def _routes(self) -> list[dict]:
        """Fixed automatic routes: a loop from the nest through 5-8 waypoints and back, 11-18 km long."""
        routes = []
        for nest_id, _name, _town, lat0, lon0, _radius, nest_routes in DRONE_NESTS:
            for r_i, (route_name, purpose) in enumerate(nest_routes):
                rng = self.rng(f"route:{nest_id}:{r_i}")
                k = int(rng.integers(5, 9))
                heading = rng.uniform(0, 2 * np.pi)
                angles = heading + np.sort(rng.uniform(-1.2, 1.2, k))
                radius = rng.uniform(900.0, 2600.0, k)
                wlat = lat0 + radius * np.sin(angles) / M_PER_DEG_LAT
                wlon = lon0 + radius * np.cos(angles) / M_PER_DEG_LON
                lat = np.concatenate([[lat0], wlat, [lat0]])
                lon = np.concatenate([[lon0], wlon, [lon0]])
                seg = np.hypot(np.diff(lat) * M_PER_DEG_LAT, np.diff(lon) * M_PER_DEG_LON)
                routes.append({"nest_id": nest_id, "route_name": route_name, "purpose": purpose, "lat": lat,
                               "lon": lon, "cum": np.concatenate([[0.0], np.cumsum(seg)])})
        return routes

    @cached_property
    def _flights(self) -> dict:
        rng = self.rng("drone_flight")
        info = self._day_info
        n_days = len(info)
        per_day = DRONE_SORTIES_PER_MONTH * 12 / 365.0 * self.scale
        flyable = rng.random(n_days) >= DRONE_NO_FLY_DAY_SHARE
        lam = per_day / (1 - DRONE_NO_FLY_DAY_SHARE) * flyable * np.where(info["is_workday"], 1.1, 0.8)
        counts = rng.poisson(lam)
        day_mid = np.repeat(info["midnight_s"].to_numpy(), counts)
        n = day_mid.size
        slots = np.array([7.5, 9.0, 10.5, 13.5, 15.0, 16.5]) * HOUR_S  # scheduled take-off windows
        start_of_day = rng.choice(slots, size=n, p=[0.1, 0.25, 0.2, 0.2, 0.15, 0.1]).astype(np.int64)
        started = day_mid + start_of_day + rng.integers(0, 80 * MINUTE_S, n)
        nest_ids = np.array([d[0] for d in DRONE_NESTS])
        nest_w = np.array([DRONE_NEST_WEIGHTS[x] for x in nest_ids])
        nest_i = pick(rng, nest_w, n)
        routes = self._routes
        route_i = np.empty(n, dtype=np.int64)
        for k, nest in enumerate(nest_ids):
            choices = [i for i, r in enumerate(routes) if r["nest_id"] == nest]
            sel = np.flatnonzero(nest_i == k)
            route_i[sel] = np.array(choices)[rng.integers(0, len(choices), sel.size)]
        n_points = rng.integers(150, 331, n)
        keep = (started >= self.start_s) & (started < self.end_s)
        # a nest flies one sortie at a time: drop sorties overlapping the previous one from the same nest
        order = np.lexsort((started, nest_i))
        started, nest_i, route_i, n_points, keep = (a[order]
                                                    for a in (started, nest_i, route_i, n_points, keep))
        ended_plan = started + (n_points - 1) * DRONE_TRACK_INTERVAL_S
        same_nest = np.r_[False, nest_i[1:] == nest_i[:-1]]
        overlap = same_nest & (started < np.r_[0, ended_plan[:-1]] + 10 * MINUTE_S)
        keep &= ~overlap
        order = np.argsort(started[keep], kind="stable")
        started, nest_i, route_i, n_points = (a[keep][order] for a in (started, nest_i, route_i, n_points))
        ended = started + (n_points - 1) * DRONE_TRACK_INTERVAL_S
        flight_id = np.arange(1, started.size + 1, dtype=np.int64)
        return {"flight_id": flight_id, "started": started, "ended": ended, "nest_i": nest_i,
                "route_i": route_i, "n_points": n_points, "nest_ids": nest_ids}

    @cached_property
    def _track(self) -> pd.DataFrame:
        rng = self.rng("drone_track_point")
        f = self._flights
        n_points = f["n_points"]
        total = int(n_points.sum())
        flight_of = np.repeat(np.arange(n_points.size), n_points)
        first = np.repeat(np.cumsum(n_points) - n_points, n_points)
        seq = np.arange(total) - first
        frac = seq / np.repeat(n_points - 1, n_points)
        lat = np.empty(total)
        lon = np.empty(total)
        for r_i, route in enumerate(self._routes):
            sel = np.flatnonzero(f["route_i"][flight_of] == r_i)
            if sel.size:
                d = frac[sel] * route["cum"][-1]
                lat[sel] = np.interp(d, route["cum"], route["lat"])
                lon[sel] = np.interp(d, route["cum"], route["lon"])
        lat += rng.normal(0, 3.0, total) / M_PER_DEG_LAT
        lon += rng.normal(0, 3.0, total) / M_PER_DEG_LON
        cruise = np.repeat(rng.uniform(95.0, 120.0, n_points.size), n_points)
        ramp = np.minimum(np.minimum(seq, np.repeat(n_points - 1, n_points) - seq) / 6.0, 1.0)
        altitude = np.round(cruise * ramp + rng.normal(0, 1.0, total) * (ramp > 0), 1)
        altitude = np.maximum(altitude, 0.0)
        recorded = np.repeat(f["started"], n_points) + seq * DRONE_TRACK_INTERVAL_S
        keep = recorded <= self.end_s
        frame = pd.DataFrame({"flight_id": f["flight_id"][flight_of], "seq": (seq + 1).astype(np.int32),
                              "recorded_at_s": recorded.astype(np.float64), "lat": np.round(lat, 6),
                              "lon": np.round(lon, 6), "altitude_m": altitude})[keep].reset_index(drop=True)
        # GPS glitches (bad rows, in place): lost fix, a jump out of the area, a clock in the future
        n_bad = bad_row_count(len(frame))
        if n_bad:
            bad = rng.choice(len(frame), n_bad, replace=False)
            kind = rng.choice(3, n_bad, p=[0.45, 0.35, 0.20])
            lat_c, lon_c, rec_c = (frame[c].to_numpy().copy() for c in ("lat", "lon", "recorded_at_s"))
            lost = bad[kind == 0]
            lat_c[lost] = np.nan
            lon_c[lost] = np.nan
            jump = bad[kind == 1]
            pts = np.array(OUT_OF_AREA_POINTS)[rng.integers(0, len(OUT_OF_AREA_POINTS), jump.size)]
            lat_c[jump], lon_c[jump] = pts[:, 0], pts[:, 1]
            fut = bad[kind == 2]
            rec_c[fut] = self._future_times(rng, fut.size)
            frame["lat"], frame["lon"], frame["recorded_at_s"] = lat_c, lon_c, rec_c
        return frame

    def drone_track_point(self) -> pd.DataFrame:
        t = self._track
        return pd.DataFrame({"flight_id": t["flight_id"], "seq": t["seq"],
                             "recorded_at": to_timestamps(t["recorded_at_s"].to_numpy()),
                             "lat": t["lat"], "lon": t["lon"], "altitude_m": t["altitude_m"]})

    def drone_flight(self) -> pd.DataFrame:
        rng = self.rng("drone_flight:rows")
        f = self._flights
        routes = self._routes
        flying = f["ended"] > self.end_s
        ended = np.where(flying, np.nan, f["ended"].astype(np.float64))
        length_km = np.array([r["cum"][-1] / 1000.0 for r in routes])[f["route_i"]]
        distance = np.where(flying, np.nan, np.round(length_km * rng.uniform(0.98, 1.03, length_km.size), 2))
        frame = pd.DataFrame({
            "flight_id": f["flight_id"], "nest_id": f["nest_ids"][f["nest_i"]],
            "route_name": np.array([r["route_name"] for r in routes])[f["route_i"]],
            "purpose_code": np.array([r["purpose"] for r in routes])[f["route_i"]],
            "started_s": f["started"].astype(np.float64), "ended_s": ended, "distance_km": distance,
        })
        # bad rows: copies with new ids (no track points): future start, end before start, unknown nest
        n_bad = bad_row_count(len(frame))
        if n_bad:
            bad = frame.iloc[rng.integers(0, len(frame), n_bad)].copy()
            kind = rng.choice(3, n_bad, p=[0.4, 0.3, 0.3])
            fut = self._future_times(rng, n_bad).astype(np.float64)
            bad["started_s"] = np.where(kind == 0, fut, bad["started_s"])
            bad["ended_s"] = np.where(kind == 0, np.nan,
                                      np.where(kind == 1, bad["started_s"] - rng.integers(600, 7200, n_bad),
                                               bad["ended_s"]))
            unknown_nest = np.array(["N99", "NEST-TEST", "N00"])[rng.integers(0, 3, n_bad)]
            bad["nest_id"] = np.where(kind == 2, unknown_nest, bad["nest_id"])
            bad["flight_id"] = frame["flight_id"].max() + 1 + np.arange(n_bad)
            frame = pd.concat([frame, bad], ignore_index=True)
        return pd.DataFrame({"flight_id": frame["flight_id"].astype(np.int64), "nest_id": frame["nest_id"],
                             "route_name": frame["route_name"], "purpose_code": frame["purpose_code"],
                             "started_at": to_timestamps(frame["started_s"].to_numpy()),
                             "ended_at": to_timestamps(frame["ended_s"].to_numpy()),
                             "distance_km": frame["distance_km"]})

    @cached_property
    def _detections(self) -> pd.DataFrame:
        rng = self.rng("drone_detection")
        f = self._flights
        routes = self._routes
        n_f = f["flight_id"].size
        counts = rng.poisson(DRONE_DETECTIONS_PER_SORTIE, n_f)
        fi = np.repeat(np.arange(n_f), counts)
        n = fi.size
        frac = rng.uniform(0.1, 0.9, n)
        detected = f["started"][fi] + np.round(frac * (f["n_points"][fi] - 1)) * DRONE_TRACK_INTERVAL_S
        lat = np.empty(n)
        lon = np.empty(n)
        category = np.empty(n, dtype=object)
        for r_i, route in enumerate(routes):
            sel = np.flatnonzero(f["route_i"][fi] == r_i)
            if sel.size:
                d = frac[sel] * route["cum"][-1]
                lat[sel] = np.interp(d, route["cum"], route["lat"])
                lon[sel] = np.interp(d, route["cum"], route["lon"])
                cats = DRONE_DETECTION_CATEGORIES[route["purpose"]]
                category[sel] = np.array(cats)[rng.integers(0, len(cats), sel.size)]
        radius = np.array([d[5] for d in DRONE_NESTS])[f["nest_i"][fi]]
        lat, lon = points_near(rng, lat, lon, 1.0)
        lat += rng.uniform(-0.7, 0.7, n) * radius / M_PER_DEG_LAT
        lon += rng.uniform(-0.7, 0.7, n) * radius / M_PER_DEG_LON
        confidence = np.round(rng.uniform(0.55, 0.99, n), 3)
        p_dispatch = DRONE_CASES_PER_SORTIE / DRONE_DETECTIONS_PER_SORTIE / np.mean(confidence >= 0.85) \
            if n and np.mean(confidence >= 0.85) > 0 else 0.0
        case_at = detected + rng.integers(5 * MINUTE_S, 60 * MINUTE_S, n)
        becomes_case = (confidence >= 0.85) & (rng.random(n) < p_dispatch) & (case_at <= self.end_s)
        keep = detected <= self.end_s
        frame = pd.DataFrame({"flight_id": f["flight_id"][fi], "detected_s": detected,
                              "category_code": category,
                              "lat": np.round(lat, 6), "lon": np.round(lon, 6), "confidence": confidence,
                              "_becomes_case": becomes_case, "_case_at": case_at})[keep]
        frame = frame.sort_values("detected_s", kind="stable").reset_index(drop=True)
        frame.insert(0, "detection_id", np.arange(1, len(frame) + 1, dtype=np.int64))
        return frame

    def drone_detection(self) -> pd.DataFrame:
        d = self._detections
        case_id = pd.array(np.zeros(len(d), dtype=np.int64), dtype="Int64")
        case_id[:] = pd.NA
        case_id[np.flatnonzero(d["_becomes_case"].to_numpy())] = self._grid_cases["seed_case_ids"]["drone"]
        return pd.DataFrame({"detection_id": d["detection_id"], "flight_id": d["flight_id"],
                             "detected_at": to_timestamps(d["detected_s"].to_numpy()),
                             "category_code": d["category_code"], "lat": d["lat"], "lon": d["lon"],
                             "confidence": d["confidence"], "case_id": case_id})

    def drone_nest(self) -> pd.DataFrame:
        f = self._flights
        rows = []
        for k, (nest_id, name, town, lat, lon, radius, _routes) in enumerate(DRONE_NESTS):
            mine = np.flatnonzero(f["nest_i"] == k)
            flying = mine[f["ended"][mine] > self.end_s]
            if flying.size:
                status, status_at = "flying", int(f["started"][flying[-1]])
            elif nest_id == DRONE_NEST_IN_MAINTENANCE:
                status, status_at = "maintenance", self.end_s - 2 * DAY_S + 9 * HOUR_S
            elif mine.size:
                status, status_at = "idle", int(min(f["ended"][mine[-1]], self.end_s))
            else:
                status, status_at = "idle", self.end_s - HOUR_S
            rows.append({"nest_id": nest_id, "name_zh": name, "town_code": town, "lat": lat, "lon": lon,
                         "status_code": status, "status_at_s": float(min(status_at, self.end_s)),
                         "camera_radius_m": radius})
        frame = pd.DataFrame(rows)
        frame["status_at"] = to_timestamps(frame.pop("status_at_s").to_numpy())
        return frame[["nest_id", "name_zh", "town_code", "lat", "lon", "status_code", "status_at",
                      "camera_radius_m"]]
