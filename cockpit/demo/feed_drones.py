"""Drone sorties for the live feed (cockpit.demo.feed): take-off from a free nest on one of its routes,
a track point every 10 simulated seconds, detections (some dispatched as grid cases), then landing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from cockpit.demo import cases, common, drones

SORTIE_HOURS = (7, 18)             # local hours when drones take off
INSERT_TRACK_POINT = """
    INSERT INTO cockpit.drone_track_point (flight_id, seq, recorded_at, lat, lon, altitude_m)
    VALUES (%s, %s, %s, %s, %s, %s)"""
INSERT_DETECTION = """
    INSERT INTO cockpit.drone_detection (detection_id, flight_id, detected_at, category_code, lat, lon,
                                         confidence, case_id)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"""


@dataclass
class Flight:
    """A sortie in the air."""

    flight_id: int
    nest_id: str
    purpose: str
    lat: np.ndarray       # route polyline, a loop from the nest
    lon: np.ndarray
    cum: np.ndarray       # metres along the route at each vertex
    n_points: int
    started_sim: float    # simulated seconds at take-off
    next_seq: int = 1


class DroneFeed:
    """The feed's drone sorties (a mixin of the feed, whose state and id counters it uses)."""

    def _drones(self, cur, wall_from, wall_to, sim_dt, hour) -> None:
        if SORTIE_HOURS[0] <= hour < SORTIE_HOURS[1] and not self.nests.empty:
            day_share = (SORTIE_HOURS[1] - SORTIE_HOURS[0]) / 24.0
            n = self._poisson(drones.DRONE_SORTIES_PER_MONTH * 12, sim_dt, 1.0 / day_share)
            busy = {f.nest_id for f in self.flights.values()}
            nests = self.nests
            free = nests[(nests["status_code"] != "maintenance") & ~nests["nest_id"].isin(busy)]
            for _ in range(min(n, len(free))):  # one sortie per nest at a time
                nest = free.iloc[int(self.rng.integers(0, len(free)))]
                free = free[free["nest_id"] != nest["nest_id"]]
                self._take_off(cur, nest, wall_to)
        landed = []
        for flight in self.flights.values():
            due = min(flight.n_points,
                      int((self.sim_s - flight.started_sim) // drones.DRONE_TRACK_INTERVAL_S) + 1)
            k = due - flight.next_seq + 1
            if k <= 0:
                continue
            times = self._times(k, wall_from, wall_to)
            seqs = np.arange(flight.next_seq, due + 1)
            d = (seqs - 1) / max(flight.n_points - 1, 1) * flight.cum[-1]
            lat = np.interp(d, flight.cum, flight.lat) + self.rng.normal(0, 3.0, k) / common.M_PER_DEG_LAT
            lon = np.interp(d, flight.cum, flight.lon) + self.rng.normal(0, 3.0, k) / common.M_PER_DEG_LON
            ramp = np.minimum(np.minimum(seqs - 1, flight.n_points - seqs) / 6.0, 1.0)  # climb, descend
            altitude = np.round(110.0 * ramp, 1)
            cur.executemany(INSERT_TRACK_POINT, [
                (flight.flight_id, int(s), t, round(float(a), 6), round(float(b), 6), float(h))
                for s, t, a, b, h in zip(seqs, times, lat, lon, altitude, strict=True)])
            self._count("drone_track_point", k)
            self._detections(cur, flight, lat, lon, times)
            flight.next_seq = due + 1
            if due >= flight.n_points:
                landed.append(flight.flight_id)
        for flight_id in landed:
            flight = self.flights.pop(flight_id)
            distance_km = round(float(flight.cum[-1]) / 1000.0, 2)
            cur.execute("UPDATE cockpit.drone_flight SET ended_at = %s, distance_km = %s "
                        "WHERE flight_id = %s", (wall_to, distance_km, flight_id))
            self._set_nest(cur, flight.nest_id, "idle", wall_to)

    def _set_nest(self, cur, nest_id: str, status: str, at: dt.datetime) -> None:
        cur.execute("UPDATE cockpit.drone_nest SET status_code = %s, status_at = %s WHERE nest_id = %s",
                    (status, at, nest_id))
        self.nests.loc[self.nests["nest_id"] == nest_id, "status_code"] = status

    def _take_off(self, cur, nest, now: dt.datetime) -> None:
        """A sortie on a loop of 5-8 waypoints 0.9-2.6 km from the nest, on one of the nest's routes."""
        rng = self.rng
        k = int(rng.integers(5, 9))
        angles = rng.uniform(0, 2 * np.pi) + np.sort(rng.uniform(-1.2, 1.2, k))
        radius = rng.uniform(900.0, 2600.0, k)
        lat = np.r_[nest["lat"], nest["lat"] + radius * np.sin(angles) / common.M_PER_DEG_LAT, nest["lat"]]
        lon = np.r_[nest["lon"], nest["lon"] + radius * np.cos(angles) / common.M_PER_DEG_LON, nest["lon"]]
        cum = np.r_[0.0, np.cumsum(np.hypot(np.diff(lat) * common.M_PER_DEG_LAT,
                                            np.diff(lon) * common.M_PER_DEG_LON))]
        routes = next((n[6] for n in drones.DRONE_NESTS if n[0] == nest["nest_id"]), (("综合巡航", "general"),))
        name, purpose = routes[int(rng.integers(0, len(routes)))]
        flight_id = int(self._ids("drone_flight", 1)[0])
        cur.execute("INSERT INTO cockpit.drone_flight (flight_id, nest_id, route_name, purpose_code, "
                    "started_at) VALUES (%s, %s, %s, %s, %s)",
                    (flight_id, nest["nest_id"], name, purpose, now))
        self._set_nest(cur, str(nest["nest_id"]), "flying", now)
        self.flights[flight_id] = Flight(flight_id, str(nest["nest_id"]), purpose, lat, lon, cum,
                                          int(rng.integers(150, 331)), self.sim_s)
        self._count("drone_flight", 1)

    def _detections(self, cur, flight: Flight, lat, lon, times) -> None:
        hits = np.flatnonzero(self.rng.random(len(times))
                              < drones.DRONE_DETECTIONS_PER_SORTIE / flight.n_points)
        categories = drones.DRONE_DETECTION_CATEGORIES.get(flight.purpose, ("E0102",))
        for h in hits:
            category = str(categories[int(self.rng.integers(0, len(categories)))])
            confidence = round(float(self.rng.uniform(0.55, 0.99)), 3)
            case_id = None
            dispatch = confidence >= 0.85 and self.rng.random() < 0.39  # 28 cases per 500 sorties
            gi = self.geo.locate(np.array([lat[h]]), np.array([lon[h]]))
            if dispatch and category in self.limits and gi[0] >= 0:
                desc = "无人机巡航发现：" + cases.CATEGORY_BY_CODE[category].minor_name_zh
                case_id = int(self._insert_cases(cur, [times[h]], ["drone"], [category], [lat[h]], [lon[h]],
                                                 gi, [desc])[0])
            detection_id = int(self._ids("drone_detection", 1)[0])
            cur.execute(INSERT_DETECTION, (detection_id, flight.flight_id, times[h], category,
                                           round(float(lat[h]), 6), round(float(lon[h]), 6), confidence,
                                           case_id))
            self._count("drone_detection", 1)
