"""Parking for the demo generator: the strict-management roads, the parking supply, and the
violations (electronic capture on the capture roads, reminders, leaving within 10 minutes, tickets and
first-offence warnings) with a pool of plates and habitual offenders."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd

from cockpit import places
from cockpit.demo.calendar import DAY_S, local_midnight_epoch
from cockpit.demo.common import (
    MINUTE_S,
    OUT_OF_AREA_POINTS,
    PROFILE_PARKING,
    bad_row_count,
    interleave_bad,
    pick,
    to_timestamps,
)
from cockpit.demo.geography import points_along_road, points_near, road_length_km
from cockpit.parking import rules as parking_rules

# ------------------------------------------------------------------ volumes at scale 1
# One published year, 2023 (DOMAIN.md): 53,195 SMS reminders, and 30,573 violations collected (16,194 manual,
# 14,379 e-captured: 47 %), a collected violation being one whose car did not leave after the reminder (in
# 2021 likewise 190,000+ captures less 130,000+ persuaded left the 60,000+ collected). With the only
# published 劝离率, 68 % (2021), records R with a share r reminded satisfy r·R = 53,195 and
# R − 0.68·r·R = 30,573: R ≈ 66,700 records a year, r ≈ 0.80. A year of demo then holds ≈53,400 reminders,
# ≈36,300 cars persuaded to leave and ≈30,400 records whose car stayed or got no reminder.
PARKING_VIOLATIONS_PER_YEAR = 66_700
ECAPTURE_SHARE = 0.47
REMINDED_SHARE = 0.80                 # violations with an SMS reminder (plate readable and registered)
LEFT_WITHIN_10MIN_SHARE = 0.68        # of reminded cars
TICKET_DELAY_MIN_MINUTES = parking_rules.TICKET_WAIT_MINUTES  # a ticket only 10 minutes after the reminder
FIRST_WARNING_WINDOW_DAYS = parking_rules.FIRST_WARNING_WINDOW_DAYS  # first violation in half a year: warning
PLATE_POOL_SIZE = 90_000               # cars that ever park illegally
HABITUAL_OFFENDERS, HABITUAL_OFFENDER_SHARE = 3_000, 0.25  # a few thousand cars make a quarter of the records
CAPTURE_ROAD_BOOST = {"新华路": 3.5, "解放路": 3.0, "当湖路": 2.5, "城南西路": 1.5, "三港路": 1.5}
SHARED_PARKING_UNITS, SHARED_PARKING_SPACES = 24, 970
TEMPORARY_PARKING_LOTS = 6
NONMOTOR_AREAS = 15
STRICT_ROADS_EARLY = ("R01", "R02", "R03")   # the first 3 strict-management roads
STRICT_SINCE_EARLY = dt.date(2019, 7, 1)
STRICT_SINCE_LATER_FROM = dt.date(2021, 3, 1)  # the other 17 roads were added over the following ~2.5 years


def plates_pool(rng: np.random.Generator, n: int) -> np.ndarray:
    """Fake but well-formed plates: 浙F12345, 浙FA1234, new-energy 浙FD12345, some from elsewhere."""
    letters = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ"))
    five = np.char.zfill(rng.integers(0, 100_000, n).astype(str), 5)
    four = np.char.zfill(rng.integers(0, 10_000, n).astype(str), 4)
    kind = rng.random(n)
    letter = letters[rng.integers(0, len(letters), n)]
    body = np.where(kind < 0.45, five, np.char.add(letter, four))       # 浙F12345 / 浙FA1234
    body = np.where((kind >= 0.80) & (kind < 0.90), np.char.add("D", five), body)  # new energy 浙FD12345
    elsewhere = np.array(["沪A", "浙A", "苏E", "沪B", "浙B"])[rng.integers(0, 5, n)]  # 10% from out of town
    prefix = np.where(kind < 0.90, "浙F", elsewhere)
    return np.unique(np.char.add(prefix, body))



class ParkingRelations:
    """parking_road, parking_supply and parking_violation (a mixin of DemoGenerator)."""

    def parking_road(self) -> pd.DataFrame:
        rng = self.rng("parking_road")
        rows = []
        later = [r.road_id for r in places.ROADS if r.road_id not in STRICT_ROADS_EARLY]
        later_dates = sorted(STRICT_SINCE_LATER_FROM + dt.timedelta(days=int(x))
                             for x in rng.integers(0, 900, len(later)))
        since = dict(zip(later, later_dates, strict=True))
        for r in places.ROADS:
            path = {"type": "LineString", "coordinates": [[lon, lat] for lat, lon in r.path]}
            early = r.road_id in STRICT_ROADS_EARLY
            rows.append({"road_id": r.road_id, "name_zh": r.name_zh, "town_code": r.town_code,
                         "is_strict": r.is_strict,
                         "strict_since": STRICT_SINCE_EARLY if early else since[r.road_id],
                         "has_ecapture": r.has_ecapture, "length_km": round(road_length_km(r), 3),
                         "path": json.dumps(path, separators=(",", ":"))})
        return pd.DataFrame(rows)

    def parking_violation(self) -> pd.DataFrame:
        rng = self.rng("parking_violation")
        total = PARKING_VIOLATIONS_PER_YEAR * self.years * self.scale
        times = self._event_times(rng, total, PROFILE_PARKING, 0.85)
        n = times.size
        roads = places.ROADS
        capture = np.array([r.has_ecapture for r in roads])
        length = np.array([road_length_km(r) for r in roads])
        since = self.parking_road()["strict_since"].to_numpy()
        since_s = np.array([local_midnight_epoch(d) for d in since])
        is_ecap = rng.random(n) < ECAPTURE_SHARE
        # electronic capture only on the 7 capture roads; manual tickets on all 20 roads and around places
        boost = np.array([CAPTURE_ROAD_BOOST.get(r.name_zh, 1.0) for r in roads])
        w_capture = np.where(capture, length * boost, 0.0)
        w_manual = length * np.where(np.array([r.town_code == "330482001" for r in roads]), 2.0, 1.0)
        road_i = np.where(is_ecap, pick(rng, w_capture, n), pick(rng, w_manual, n))
        off_road = ~is_ecap & (rng.random(n) < 0.12)
        # a road is enforced only from its strict_since day
        active = times >= since_s[road_i]
        off_road |= ~is_ecap & ~active
        keep = is_ecap & ~active
        times, is_ecap, road_i, off_road = times[~keep], is_ecap[~keep], road_i[~keep], off_road[~keep]
        n = times.size
        lat = np.empty(n)
        lon = np.empty(n)
        for r_i, road in enumerate(roads):
            sel = np.flatnonzero((road_i == r_i) & ~off_road)
            if sel.size:
                lat[sel], lon[sel] = points_along_road(rng, road, sel.size, 8.0)
        offs = np.flatnonzero(off_road)
        lm = rng.integers(0, len(places.LANDMARKS), offs.size)
        lat[offs], lon[offs] = points_near(rng, np.array([p.lat for p in places.LANDMARKS])[lm],
                                           np.array([p.lon for p in places.LANDMARKS])[lm], 200.0)
        fallback = pick(rng, self.hotspots.grid_weights, n)
        lat, lon, gi = self.geo.snap_into_grids(lat, lon, fallback)
        road_id = np.where(off_road, None, np.array([r.road_id for r in roads], dtype=object)[road_i])
        # plates: a pool with repeat offenders
        pool = plates_pool(rng, PLATE_POOL_SIZE)
        habitual = rng.random(n) < HABITUAL_OFFENDER_SHARE
        plate_i = np.where(habitual, rng.integers(0, HABITUAL_OFFENDERS, n), rng.integers(0, pool.size, n))
        plate = pool[plate_i]
        # reminder -> left within 10 minutes, or (not first offence) a ticket at least 10 minutes later
        reminded = rng.random(n) < REMINDED_SHARE
        reminder = times + rng.integers(30, 5 * MINUTE_S, n)
        left = rng.random(n) < LEFT_WITHIN_10MIN_SHARE
        order = np.lexsort((times, plate))
        prev_same = np.r_[False, plate[order][1:] == plate[order][:-1]]
        gap = np.r_[np.inf, np.diff(times[order]).astype(float)]
        first_in_half_year = np.empty(n, dtype=bool)
        first_in_half_year[order] = ~prev_same | (gap > FIRST_WARNING_WINDOW_DAYS * DAY_S)
        ticket = reminder + TICKET_DELAY_MIN_MINUTES * MINUTE_S + rng.integers(0, 30 * MINUTE_S, n)
        reminder_f = np.where(reminded & (reminder <= self.end_s), reminder, np.nan)
        outcome_known = reminded & (reminder + TICKET_DELAY_MIN_MINUTES * MINUTE_S <= self.end_s)
        left_col = pd.array(np.where(outcome_known, left, False), dtype="boolean")
        left_col[~outcome_known] = pd.NA
        warned = outcome_known & ~left & first_in_half_year
        ticketed = outcome_known & ~left & ~first_in_half_year & (ticket <= self.end_s)
        frame = pd.DataFrame({
            "road_id": road_id, "observed_s": times.astype(np.float64), "lat": lat, "lon": lon,
            "grid_code": self.geo.grid_code[gi], "method": np.where(is_ecap, "ecapture", "manual"),
            "plate": plate,
            "reminder_s": reminder_f, "left_within_10min": left_col,
            "ticketed_s": np.where(ticketed, ticket, np.nan), "is_first_warning": warned,
        })
        frame = self._bad_parking(rng, frame)
        frame.insert(0, "violation_id", np.arange(1, len(frame) + 1, dtype=np.int64))
        out = frame.drop(columns=["observed_s", "reminder_s", "ticketed_s"])
        out.insert(2, "observed_at", to_timestamps(frame["observed_s"].to_numpy()))
        out.insert(9, "reminder_at", to_timestamps(frame["reminder_s"].to_numpy()))
        out.insert(11, "ticketed_at", to_timestamps(frame["ticketed_s"].to_numpy()))
        return out[["violation_id", "road_id", "observed_at", "lat", "lon", "grid_code", "method", "plate",
                    "reminder_at", "left_within_10min", "ticketed_at", "is_first_warning"]]

    def _bad_parking(self, rng: np.random.Generator, frame: pd.DataFrame) -> pd.DataFrame:
        n_bad = bad_row_count(len(frame))
        if not n_bad:
            return frame
        base = rng.integers(0, len(frame), n_bad)
        bad = frame.iloc[base].copy().reset_index(drop=True)
        kinds = ["missing_time", "future_time", "impossible_time", "missing_location", "out_of_area",
                 "unknown_road", "unknown_method"]
        kind = np.array(kinds)[rng.choice(len(kinds), n_bad, p=[0.10, 0.15, 0.15, 0.20, 0.15, 0.15, 0.10])]
        m = kind == "missing_time"
        bad.loc[m, "observed_s"] = np.nan
        m = kind == "future_time"
        fut = self._future_times(rng, int(m.sum())).astype(float)
        bad.loc[m, "observed_s"] = fut
        bad.loc[m, "reminder_s"] = fut + 120
        bad.loc[m, "ticketed_s"] = np.nan
        m = kind == "impossible_time"
        obs = bad.loc[m, "observed_s"].to_numpy()
        bad.loc[m, "reminder_s"] = obs + 600
        bad.loc[m, "ticketed_s"] = obs + 300
        m = kind == "missing_location"
        bad.loc[m, ["lat", "lon"]] = np.nan
        m = kind == "out_of_area"
        pts = np.array(OUT_OF_AREA_POINTS)[rng.integers(0, len(OUT_OF_AREA_POINTS), int(m.sum()))]
        bad.loc[m, "lat"], bad.loc[m, "lon"] = pts[:, 0], pts[:, 1]
        m = kind == "unknown_road"
        bad.loc[m, "road_id"] = np.array(["R99", "R21", "RX1"])[rng.integers(0, 3, int(m.sum()))]
        m = kind == "unknown_method"
        bad.loc[m, "method"] = np.array(["radar", "patrol_car", "unknown"])[rng.integers(0, 3, int(m.sum()))]
        return interleave_bad(frame, bad, base)

    def parking_supply(self) -> pd.DataFrame:
        rng = self.rng("parking_supply")
        spaces = rng.multinomial(SHARED_PARKING_SPACES - 15 * SHARED_PARKING_UNITS,
                                 np.full(SHARED_PARKING_UNITS, 1 / SHARED_PARKING_UNITS)) + 15
        units = ("机关", "学校", "医院", "银行", "小区", "商场")
        rows = []
        centre_lat, centre_lon = places.CITY_CENTRE
        lat, lon = points_near(rng, np.full(SHARED_PARKING_UNITS, centre_lat),
                               np.full(SHARED_PARKING_UNITS, centre_lon), 900)
        for i in range(SHARED_PARKING_UNITS):
            rows.append({"supply_id": f"PS{i + 1:02d}", "kind": "shared",
                         "name_zh": f"共享车位·{units[i % len(units)]}{i // len(units) + 1}号",
                         "lat": round(float(lat[i]), 6), "lon": round(float(lon[i]), 6),
                         "spaces": int(spaces[i])})
        temp_sites = places.LANDMARKS[:TEMPORARY_PARKING_LOTS]
        for i, lm in enumerate(temp_sites):
            la, lo = points_near(rng, np.array([lm.lat]), np.array([lm.lon]), 150)
            rows.append({"supply_id": f"PT{i + 1:02d}", "kind": "temporary",
                         "name_zh": f"{lm.name_zh}临时停车场",
                         "lat": round(float(la[0]), 6), "lon": round(float(lo[0]), 6),
                         "spaces": int(rng.integers(60, 220))})
        capture_roads = sorted(places.ROADS, key=lambda r: not r.has_ecapture)  # capture roads first
        for i in range(NONMOTOR_AREAS):
            road = capture_roads[i % len(capture_roads)]
            la, lo = points_along_road(rng, road, 1, 10.0)
            rows.append({"supply_id": f"PN{i + 1:02d}", "kind": "nonmotor",
                         "name_zh": f"{road.name_zh}非机动车停放区{i // len(capture_roads) + 1}",
                         "lat": round(float(la[0]), 6), "lon": round(float(lo[0]), 6),
                         "spaces": int(rng.integers(20, 90))})
        return pd.DataFrame(rows)
