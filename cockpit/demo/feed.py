"""The live feed: keeps a demo database looking alive by appending events as they "happen".

Every tick (TICK_S wall seconds) the feed advances simulated time by the wall time elapsed × speed
and, in one short transaction:
- appends new grid cases, shop-front violations, parking violations, waste weighings, market
  requests and drone sorties at the calibrated rates of the demo generator (cockpit.demo.cases,
  drones, waste, parking, market; scaled by the diurnal profile of the local hour), with ids above
  the current maximum;
- moves open work on: grid cases through the workflow stages (auto-routed cases within minutes,
  the others stage by stage, disposal only in working hours, deadlines by the working calendar),
  parking reminders to "left" or a ticket once 10 minutes have passed, shop-front SMS to cleared or
  a case after 15 minutes, market requests to a first response and a resolution;
- flies sorties (cockpit.demo.feed_drones): a flight row when a drone takes off (nest status
  'flying'), a track point every 10 simulated seconds, detections (some becoming cases), then
  landing (nest 'idle').

Timestamps are wall-clock: events of a tick are spread over the wall interval since the previous
tick, so nothing is ever in the future, whatever the speed. The diurnal rhythm and the collection
windows follow the wall clock too, so at high speed they stretch. Rules measured in real minutes
(a ticket 10 minutes after the reminder, a case 15 minutes after the shop SMS) wait real minutes.

The feed survives a database restart: on any database error it logs, waits (1 s, 2 s, 4 s … 30 s),
reconnects, re-reads the current ids and carries on.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import threading
import time

import numpy as np
import pandas as pd
import psycopg
import sqlalchemy as sa

from cockpit import db, places
from cockpit.demo import cases, common, geography, market, parking, waste
from cockpit.demo.calendar import WorkClock, clock_frame
from cockpit.demo.feed_drones import DroneFeed, Flight
from cockpit.worktime import SH

log = logging.getLogger(__name__)

TICK_S = 2.0                       # wall seconds between commits
RECONNECT_BACKOFF_S = (1, 2, 4, 8, 15, 30)
SECONDS_PER_YEAR = 365 * 86_400
OPEN_CASE_WINDOW = dt.timedelta(days=3)       # open cases older than this are left alone (overdue work)
MAX_ROWS_PROGRESSED_PER_TICK = 2_000
PARKING_OUTCOME_DELAY = dt.timedelta(minutes=parking.TICKET_DELAY_MIN_MINUTES)
SHOP_CLEAR_DELAY = dt.timedelta(minutes=cases.SHOP_CLEAR_WINDOW_MINUTES)
FIRST_WARNING_SHARE = 0.35         # of cars that did not leave: first offence in half a year
# mean simulated minutes until the next stage: automatic routing and the full workflow
FAST_STAGE_MINUTES = {"accepted_at": 1, "registered_at": 0.5, "dispatched_at": 0.5, "disposed_at": 25,
                      "feedback_at": 4, "verified_at": 10, "closed_at": 3}
WORKFLOW_STAGE_MINUTES = {"accepted_at": 12, "registered_at": 8, "dispatched_at": 12, "disposed_at": 150,
                          "feedback_at": 20, "verified_at": 60, "closed_at": 10}
STAGES = cases.STAGE_COLUMNS
MARKET_FIRST_RESPONSE_MINUTES, MARKET_RESOLVE_MINUTES = 30, 8 * 60
# collection windows in local seconds after midnight: (start, end, timed stations?) — 不过午、不过夜
COLLECTION_WINDOWS = ((7 * 3600, 11 * 3600, True), (18 * 3600 + 1800, 21 * 3600 + 1800, True),
                      (6 * 3600, 10 * 3600, False))
TRANSFER_LOADS_PER_TRIP = 6        # station pick-ups per vehicle trip to a transfer station
DISPOSE_TRIPS_PER_DAY = 90         # transfer station -> disposal site trucks a day
DISPOSE_WINDOW = (10 * 3600, 24 * 3600)
WASTE_ORDER = ("other", "perishable", "recyclable", "hazardous")

INSERT_CASE = """
    INSERT INTO cockpit.grid_case (case_id, source_code, category_code, description, lat, lon, grid_code,
                                   handler_dept_code, squadron_code, reported_at)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"""
OPEN_CASES = """
    SELECT case_id, category_code, accepted_at, registered_at, dispatched_at, disposed_at, feedback_at,
           verified_at
    FROM cockpit.grid_case
    WHERE closed_at IS NULL AND NOT is_rejected AND NOT is_deferred
      AND reported_at > %(since)s AND reported_at <= %(now)s
    ORDER BY reported_at DESC
    LIMIT %(limit)s"""
INSERT_SHOP_VIOLATION = """
    INSERT INTO cockpit.shop_violation (violation_id, shop_id, observed_at, kind_code)
    VALUES (%s, %s, %s, %s)"""
SHOP_SMS_DUE = """
    SELECT v.violation_id, v.kind_code, s.lat, s.lon, s.grid_code
    FROM cockpit.shop_violation v
    JOIN cockpit.shop s ON s.shop_id = v.shop_id
    WHERE v.was_cleared_in_time IS NULL AND v.observed_at <= %(due)s AND v.observed_at > %(since)s
      AND s.lat IS NOT NULL
    LIMIT %(limit)s"""
INSERT_PARKING = """
    INSERT INTO cockpit.parking_violation (violation_id, road_id, observed_at, lat, lon, grid_code, method,
                                           plate, reminder_at)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"""
PARKING_DUE = """
    SELECT violation_id FROM cockpit.parking_violation
    WHERE reminder_at IS NOT NULL AND left_within_10min IS NULL
      AND reminder_at <= %(due)s AND reminder_at > %(since)s
    LIMIT %(limit)s"""
PARKING_OUTCOME = """
    UPDATE cockpit.parking_violation SET left_within_10min = %s, is_first_warning = %s, ticketed_at = %s
    WHERE violation_id = %s"""
INSERT_WEIGHING = """
    INSERT INTO cockpit.waste_weighing (weighing_id, site_id, vehicle_id, category_code, stage, from_site_id,
                                        weighed_at, net_tonnes)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"""
LAND_LEFTOVER_FLIGHTS = """
    UPDATE cockpit.drone_flight f
    SET ended_at = greatest(f.started_at, coalesce(
        (SELECT max(t.recorded_at) FROM cockpit.drone_track_point t
         WHERE t.flight_id = f.flight_id AND t.recorded_at <= %(now)s), f.started_at))
    WHERE f.ended_at IS NULL AND f.started_at <= %(now)s AND NOT (f.flight_id = ANY(%(active)s))"""
INSERT_MARKET_REQUEST = """
    INSERT INTO cockpit.market_request (request_id, item_code, dept_code, channel, zone_code, stall_no,
                                        merchant_name, merchant_phone, lat, lon, submitted_at)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"""
OPEN_MARKET_REQUESTS = """
    SELECT request_id, first_response_at FROM cockpit.market_request
    WHERE resolved_at IS NULL AND outcome IS NULL AND submitted_at > %(since)s AND submitted_at <= %(now)s
    LIMIT %(limit)s"""
NEXT_IDS = (("grid_case", "case_id"), ("parking_violation", "violation_id"),
            ("waste_weighing", "weighing_id"), ("drone_flight", "flight_id"),
            ("drone_detection", "detection_id"), ("market_request", "request_id"),
            ("shop_violation", "violation_id"))


def _conninfo(url: str) -> str:
    """A libpq URI for psycopg from any URL the cockpit accepts."""
    sa_url = sa.make_url(db.normalise_url(url)).set(drivername="postgresql")
    return sa_url.render_as_string(hide_password=False)


def _profile_factor(profile: np.ndarray, local_hour: int) -> float:
    return float(profile[local_hour] / profile.mean())


def _frame(cur, sql: str) -> pd.DataFrame:
    cur.execute(sql)
    return pd.DataFrame(cur.fetchall(), columns=[d.name for d in cur.description])


def _utc(epoch_s: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(epoch_s), dt.timezone.utc)


class _Feed(DroneFeed):
    """State of one feed: reference data read from the database, id counters and flights in the air."""

    def __init__(self, url: str, speed: float, rng: np.random.Generator) -> None:
        self.url = url
        self.speed = speed
        self.rng = rng
        self.conn: psycopg.Connection | None = None
        self.sim_s = 0.0
        self.flights: dict[int, Flight] = {}
        self.counts: dict[str, int] = {}
        self.plates = parking.plates_pool(rng, 20_000)

    # ------------------------------------------------------------ connection and reference data
    def connect(self) -> None:
        self.conn = psycopg.connect(_conninfo(self.url), connect_timeout=5,
                                    application_name="pinghu-cockpit-demo-feed")
        with self.conn.cursor() as cur:
            self.geo = geography.Geography(_frame(cur, """
                SELECT grid_code, community_code, town_code, squadron_code, boundary::text AS boundary,
                       centroid_lat, centroid_lon, min_lat, min_lon, max_lat, max_lon, area_km2
                FROM cockpit.unit_grid"""))
            self.grid_index = {code: i for i, code in enumerate(self.geo.grid_code)}
            self.hotspots = geography.Hotspots(self.geo)
            known = _frame(cur, "SELECT day, is_workday FROM cockpit.work_calendar")
            today = dt.datetime.now(SH).date()
            first = min([*known["day"], today - dt.timedelta(days=7)])
            # days the table lacks count as the standard week, as in cockpit.work_clock
            self.clock = WorkClock(clock_frame(known, first, today + dt.timedelta(days=400)))
            limits = _frame(cur, "SELECT category_code, dispose_limit_hours FROM cockpit.case_category")
            self.limits = dict(zip(limits["category_code"], limits["dispose_limit_hours"], strict=True))
            self.sources = set(_frame(cur, "SELECT source_code FROM cockpit.case_source")["source_code"])
            sites = _frame(cur, "SELECT site_id, kind, town_code, is_timed_fixed, treats_category_code "
                                "FROM cockpit.waste_site ORDER BY site_id")
            self.dropoff = sites[sites["kind"] == "dropoff"].reset_index(drop=True)
            self.transfer = sites[sites["kind"] == "transfer"].reset_index(drop=True)
            disposal = sites[sites["kind"] == "disposal"]
            self.disposal = dict(zip(disposal["treats_category_code"], disposal["site_id"], strict=True))
            self.town_of_site = dict(zip(self.dropoff["site_id"], self.dropoff["town_code"], strict=True))
            self.vehicles = _frame(cur, "SELECT vehicle_id, category_code, town_code "
                                        "FROM cockpit.waste_vehicle ORDER BY vehicle_id")
            self.nests = _frame(cur, "SELECT nest_id, lat, lon, status_code "
                                     "FROM cockpit.drone_nest ORDER BY nest_id")
            self.shops = _frame(cur, "SELECT shop_id, lat, lon, grid_code FROM cockpit.shop "
                                     "WHERE lat IS NOT NULL ORDER BY shop_id")
            self.next_id = {}
            for table, col in NEXT_IDS:
                cur.execute(f"SELECT coalesce(max({col}), 0) FROM cockpit.{table}")
                self.next_id[table] = int(cur.fetchone()[0]) + 1
            # sorties left in the air by the load or an earlier feed land now; their nests are idle
            now = dt.datetime.now(dt.timezone.utc)
            cur.execute(LAND_LEFTOVER_FLIGHTS, {"now": now, "active": list(self.flights)})
            cur.execute("UPDATE cockpit.drone_nest SET status_code = 'idle', status_at = %(now)s "
                        "WHERE status_code = 'flying' AND NOT (nest_id = ANY(%(busy)s))",
                        {"now": now, "busy": [f.nest_id for f in self.flights.values()]})
        self.conn.commit()
        log.info("demo feed connected to %s", db.redact(self.url))

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:  # noqa: BLE001 - closing a broken connection
                pass
        self.conn = None

    def _ids(self, table: str, n: int) -> np.ndarray:
        start = self.next_id[table]
        self.next_id[table] = start + n
        return np.arange(start, start + n, dtype=np.int64)

    def _count(self, name: str, n: int) -> None:
        if n:
            self.counts[name] = self.counts.get(name, 0) + int(n)

    # ------------------------------------------------------------ one tick
    def step(self, wall_from: dt.datetime, wall_to: dt.datetime) -> None:
        """Append and progress the events of the wall interval (wall_from, wall_to], then commit."""
        wall_dt = max((wall_to - wall_from).total_seconds(), 0.0)
        sim_dt = wall_dt * self.speed
        self.sim_s += sim_dt
        hour = (wall_to + dt.timedelta(hours=8)).hour  # Asia/Shanghai
        with self.conn.cursor() as cur:
            self._new_cases(cur, wall_from, wall_to, sim_dt, hour)
            self._progress_cases(cur, wall_to, sim_dt)
            self._shop_violations(cur, wall_from, wall_to, sim_dt, hour)
            self._parking(cur, wall_from, wall_to, sim_dt, hour)
            self._weighings(cur, wall_from, wall_to, sim_dt)
            self._drones(cur, wall_from, wall_to, sim_dt, hour)
            self._market(cur, wall_from, wall_to, sim_dt, hour)
        self.conn.commit()

    def _times(self, n: int, wall_from: dt.datetime, wall_to: dt.datetime) -> list[dt.datetime]:
        """n instants spread over the tick's wall interval, in order, whole seconds."""
        span = max((wall_to - wall_from).total_seconds(), 0.0)
        offsets = np.sort(self.rng.uniform(0.0, span, n))
        return [(wall_from + dt.timedelta(seconds=float(o))).replace(microsecond=0) for o in offsets]

    def _poisson(self, per_year: float, sim_dt: float, factor: float = 1.0) -> int:
        return int(self.rng.poisson(per_year / SECONDS_PER_YEAR * sim_dt * factor))

    def _advances(self, sim_dt: float, mean_minutes: float) -> bool:
        """Whether a stage with an exponential duration of this mean ends within sim_dt."""
        return bool(self.rng.random() < 1.0 - math.exp(-sim_dt / (mean_minutes * 60.0)))

    # ------------------------------------------------------------ grid cases
    def _insert_cases(self, cur, times, sources, categories, lat, lon, grid_idx, descriptions) -> np.ndarray:
        ids = self._ids("grid_case", len(times))
        rows = []
        for i, case_id in enumerate(ids):
            gi = int(grid_idx[i])
            squadron = self.geo.squadron_of_grid[gi]
            rows.append((int(case_id), sources[i], categories[i], descriptions[i], float(lat[i]),
                         float(lon[i]), self.geo.grid_code[gi], squadron, squadron, times[i]))
        cur.executemany(INSERT_CASE, rows)
        self._count("grid_case", len(rows))
        return ids

    def _new_cases(self, cur, wall_from, wall_to, sim_dt, hour) -> None:
        n = self._poisson(cases.GRID_CASES_PER_YEAR, sim_dt, _profile_factor(common.PROFILE_VIDEO, hour))
        if not n:
            return
        sources = [s for s in cases.CASE_SOURCES if s[3] > 0 and s[0] in self.sources]
        shares = np.array([s[3] for s in sources])
        source = np.array([s[0] for s in sources], dtype=object)[common.pick(self.rng, shares, n)]
        cats = [c for c in cases.CATEGORIES if c.code in self.limits]
        codes = np.array([c.code for c in cats], dtype=object)
        from_video = codes[common.pick(self.rng, np.array([c.video_weight for c in cats]), n)]
        from_others = codes[common.pick(self.rng, np.array([c.weight for c in cats]), n)]
        category = np.where(source == "video_ai", from_video, from_others)
        lat, lon, gi = self.hotspots.points(self.rng, n, (0.25, 0.15, 0.60))
        desc = [("视频AI识别：" if s == "video_ai" else "发现") + cases.CATEGORY_BY_CODE[c].minor_name_zh
                for s, c in zip(source, category, strict=True)]
        times = self._times(n, wall_from, wall_to)
        self._insert_cases(cur, times, list(source), list(category), lat, lon, gi, desc)

    def _progress_cases(self, cur, now: dt.datetime, sim_dt: float) -> None:
        """Move open cases one stage on; stage timestamps are `now`, so they stay in order."""
        cur.execute(OPEN_CASES, {"since": now - OPEN_CASE_WINDOW, "now": now,
                                 "limit": MAX_ROWS_PROGRESSED_PER_TICK})
        rows = cur.fetchall()
        if not rows:
            return
        now_s = np.array([int(now.timestamp())])
        working = bool(self.clock.is_working(now_s)[0])
        updates: dict[str, list] = {s: [] for s in STAGES}
        for case_id, category, *stages in rows:
            stage = STAGES[next((i for i, v in enumerate(stages) if v is None), len(stages))]
            fast = case_id % 10_000 < cases.AUTO_CLOSE_RATE * 10_000  # automatic routing (every live case closes)
            if stage == "disposed_at" and not fast and not working:
                continue  # field work waits for working hours
            if not self._advances(sim_dt, (FAST_STAGE_MINUTES if fast else WORKFLOW_STAGE_MINUTES)[stage]):
                continue
            if stage == "dispatched_at":
                limit = float(self.limits.get(category) or 4.0)
                dispose = self.clock.add_working_hours(now_s, limit)[0]
                close = self.clock.add_working_hours(now_s, limit + cases.CLOSE_MARGIN_WORKING_HOURS)[0]
                updates[stage].append((now, _utc(dispose), _utc(close), case_id))
            elif stage == "closed_at":
                updates[stage].append((now, fast, case_id))
            else:
                updates[stage].append((now, case_id))
        for stage, params in updates.items():
            if not params:
                continue
            if stage == "dispatched_at":
                sql = ("UPDATE cockpit.grid_case SET dispatched_at = %s, dispose_deadline_at = %s, "
                       "close_deadline_at = %s WHERE case_id = %s")
            elif stage == "closed_at":
                sql = "UPDATE cockpit.grid_case SET closed_at = %s, is_auto_closed = %s WHERE case_id = %s"
            else:
                sql = f"UPDATE cockpit.grid_case SET {stage} = %s WHERE case_id = %s"
            cur.executemany(sql, params)
            self._count(f"grid_case.{stage}", len(params))

    # ------------------------------------------------------------ shop-front violations
    def _shop_violations(self, cur, wall_from, wall_to, sim_dt, hour) -> None:
        if self.shops.empty:
            return
        per_year = len(self.shops) * cases.SHOP_VIOLATIONS_PER_SHOP_MONTH * 12
        n = self._poisson(per_year, sim_dt, _profile_factor(common.PROFILE_SHOP, hour))
        if n:
            shop_ids = self.shops["shop_id"].to_numpy()[self.rng.integers(0, len(self.shops), n)]
            kinds = cases.SHOP_VIOLATION_KINDS[common.pick(self.rng, cases.SHOP_VIOLATION_KIND_SHARES, n)]
            rows = zip(self._ids("shop_violation", n), shop_ids, self._times(n, wall_from, wall_to), kinds,
                       strict=True)
            cur.executemany(INSERT_SHOP_VIOLATION, [(int(i), int(s), t, str(k)) for i, s, t, k in rows])
            self._count("shop_violation", n)
        # 15 minutes after the SMS: cleared, or a video-AI case for the grid officer
        cur.execute(SHOP_SMS_DUE, {"due": wall_to - SHOP_CLEAR_DELAY, "since": wall_to - dt.timedelta(days=1),
                                   "limit": MAX_ROWS_PROGRESSED_PER_TICK})
        due = cur.fetchall()
        if not due:
            return
        cleared = self.rng.random(len(due)) < cases.SHOP_CLEARED_IN_TIME_SHARE
        cur.executemany("UPDATE cockpit.shop_violation SET was_cleared_in_time = true "
                        "WHERE violation_id = %s", [(r[0],) for r, c in zip(due, cleared, strict=True) if c])
        missed = [r for r, c in zip(due, cleared, strict=True) if not c]
        if not missed:
            return
        lat = np.array([float(r[2]) for r in missed])
        lon = np.array([float(r[3]) for r in missed])
        gi = self.geo.locate(lat, lon)
        gi = np.where(gi >= 0, gi, np.array([self.grid_index.get(r[4], 0) for r in missed]))
        category_of = {"out_of_door": "E0402", "sign": "E0201"}
        cats = [category_of.get(r[1], "E0110") for r in missed]
        desc = ["视频AI识别：" + cases.CATEGORY_BY_CODE[c].minor_name_zh + "（门前超时未清理）" for c in cats]
        ids = self._insert_cases(cur, [wall_to] * len(missed), ["video_ai"] * len(missed), cats, lat, lon, gi,
                                 desc)
        cur.executemany("UPDATE cockpit.shop_violation SET was_cleared_in_time = false, case_id = %s "
                        "WHERE violation_id = %s", [(int(i), r[0]) for i, r in zip(ids, missed, strict=True)])

    # ------------------------------------------------------------ parking
    def _parking(self, cur, wall_from, wall_to, sim_dt, hour) -> None:
        n = self._poisson(parking.PARKING_VIOLATIONS_PER_YEAR, sim_dt,
                          _profile_factor(common.PROFILE_PARKING, hour))
        if n:
            roads = places.ROADS
            length = np.array([geography.road_length_km(r) for r in roads])
            capture = np.array([r.has_ecapture for r in roads])
            is_ecap = self.rng.random(n) < parking.ECAPTURE_SHARE
            road_i = np.where(is_ecap, common.pick(self.rng, np.where(capture, length, 0.0), n),
                              common.pick(self.rng, length, n))
            lat = np.empty(n)
            lon = np.empty(n)
            for k in np.unique(road_i):
                sel = np.flatnonzero(road_i == k)
                lat[sel], lon[sel] = geography.points_along_road(self.rng, roads[k], sel.size, 8.0)
            lat, lon = np.round(lat, 6), np.round(lon, 6)
            gi = self.geo.locate(lat, lon)
            reminded = self.rng.random(n) < parking.REMINDED_SHARE
            plates = self.plates[self.rng.integers(0, self.plates.size, n)]
            times = self._times(n, wall_from, wall_to)
            ids = self._ids("parking_violation", n)
            cur.executemany(INSERT_PARKING, [
                (int(ids[i]), roads[road_i[i]].road_id, times[i], float(lat[i]), float(lon[i]),
                 self.geo.grid_code[gi[i]] if gi[i] >= 0 else None, "ecapture" if is_ecap[i] else "manual",
                 str(plates[i]), wall_to if reminded[i] else None)
                for i in range(n)])
            self._count("parking_violation", n)
        # 10 minutes after the reminder: gone (劝离), a first-offence warning, or a ticket
        cur.execute(PARKING_DUE, {"due": wall_to - PARKING_OUTCOME_DELAY,
                                  "since": wall_to - dt.timedelta(days=1),
                                  "limit": MAX_ROWS_PROGRESSED_PER_TICK})
        due = [r[0] for r in cur.fetchall()]
        if due:
            left = self.rng.random(len(due)) < parking.LEFT_WITHIN_10MIN_SHARE
            warned = ~left & (self.rng.random(len(due)) < FIRST_WARNING_SHARE)
            cur.executemany(PARKING_OUTCOME, [
                (bool(lf), bool(w), None if lf or w else wall_to, v)
                for v, lf, w in zip(due, left, warned, strict=True)])
            self._count("parking_violation.outcome", len(due))

    # ------------------------------------------------------------ waste
    def _vehicle_for(self, town: str, category: str) -> str | None:
        of_category = self.vehicles[self.vehicles["category_code"] == category]
        pool = of_category[of_category["town_code"] == town]
        pool = pool if not pool.empty else of_category
        if pool.empty:
            return None
        return str(pool["vehicle_id"].iat[int(self.rng.integers(0, len(pool)))])

    def _weighings(self, cur, wall_from, wall_to, sim_dt) -> None:
        if self.dropoff.empty:
            return
        local_s = (wall_to.timestamp() + 8 * 3600) % 86_400
        rows = []
        for start, end, timed in COLLECTION_WINDOWS:
            stations = self.dropoff[self.dropoff["is_timed_fixed"] == timed]
            if not (start <= local_s < end) or stations.empty:
                continue
            n = int(self.rng.poisson(len(stations) * sim_dt / (end - start)))  # each station once a window
            round_i = (0 if start < 12 * 3600 else 1) if timed else 2
            picked = stations.iloc[self.rng.integers(0, len(stations), n)]
            times = self._times(n, wall_from, wall_to)
            for site_id, town, t in zip(picked["site_id"], picked["town_code"], times, strict=True):
                for cat in WASTE_ORDER:
                    p_timed, p_other = waste.WASTE_ROUND_PROBABILITY[cat]
                    if self.rng.random() >= (p_timed if timed else p_other):
                        continue
                    tonnes = waste.WASTE_ROUND_TONNES[cat][round_i] * self.rng.lognormal(0.0, 0.3)
                    rows.append((site_id, self._vehicle_for(town, cat), cat, "collect", None, t,
                                 max(round(float(tonnes), 2), 0.01)))
        # about one pick-up in TRANSFER_LOADS_PER_TRIP ends a trip at the town's transfer station
        for site_id, vehicle, cat, _stage, _from, _t, tonnes in list(rows):
            if self.transfer.empty or self.rng.random() >= 1.0 / TRANSFER_LOADS_PER_TRIP:
                continue
            in_town = self.transfer[self.transfer["town_code"] == self.town_of_site[site_id]]
            in_town = in_town if not in_town.empty else self.transfer
            station = str(in_town["site_id"].iat[int(self.rng.integers(0, len(in_town)))])
            load = round(tonnes * TRANSFER_LOADS_PER_TRIP * self.rng.uniform(0.8, 1.1), 2)
            rows.append((station, vehicle, cat, "transfer", site_id, wall_to, load))
        if DISPOSE_WINDOW[0] <= local_s < DISPOSE_WINDOW[1] and not self.transfer.empty:
            window_s = DISPOSE_WINDOW[1] - DISPOSE_WINDOW[0]
            for _ in range(int(self.rng.poisson(DISPOSE_TRIPS_PER_DAY * sim_dt / window_s))):
                cat = str(self.rng.choice(["other", "perishable", "recyclable"], p=[0.7, 0.22, 0.08]))
                src = self.transfer.iloc[int(self.rng.integers(0, len(self.transfer)))]
                if cat in self.disposal:
                    truck = waste.WASTE_TRUCK_TONNES_TO_DISPOSAL[cat] * self.rng.uniform(0.6, 1.0)
                    rows.append((self.disposal[cat], self._vehicle_for(src["town_code"], cat), cat, "dispose",
                                 src["site_id"], wall_to, round(float(truck), 2)))
        if rows:
            ids = self._ids("waste_weighing", len(rows))
            cur.executemany(INSERT_WEIGHING, [(int(i), *r) for i, r in zip(ids, rows, strict=True)])
            self._count("waste_weighing", len(rows))

    # ------------------------------------------------------------ clothing market
    def _market(self, cur, wall_from, wall_to, sim_dt, hour) -> None:
        n = self._poisson(market.MARKET_REQUESTS_PER_YEAR, sim_dt,
                          _profile_factor(common.PROFILE_OFFICE + 0.05, hour))
        items = market.MARKET_SERVICE_ITEMS_LIST
        if n:
            item_i = common.pick(self.rng, np.array([it[6] for it in items]), n)
            zones = list(market.MARKET_ZONES)
            zone_i = self.rng.integers(0, len(zones), n)
            names = market.fake_names(self.rng, n)
            phones = market.fake_phones(self.rng, n)
            channels = self.rng.choice(["onsite", "online", "work_order"], size=n, p=[0.45, 0.35, 0.20])
            ids = self._ids("market_request", n)
            rows = []
            for k, t in enumerate(self._times(n, wall_from, wall_to)):
                item = items[item_i[k]]
                zone = zones[zone_i[k]]
                dlat, dlon = market.MARKET_ZONES[zone]
                lat = places.CLOTHING_CITY.lat + dlat + float(self.rng.normal(0, 60)) / common.M_PER_DEG_LAT
                lon = places.CLOTHING_CITY.lon + dlon + float(self.rng.normal(0, 60)) / common.M_PER_DEG_LON
                stall = f"{zone[0]}{int(self.rng.integers(1, 4))}-{int(self.rng.integers(100, 1000))}"
                rows.append((int(ids[k]), item[0], item[4], str(channels[k]), zone, stall, str(names[k]),
                             str(phones[k]), round(lat, 6), round(lon, 6), t))
            cur.executemany(INSERT_MARKET_REQUEST, rows)
            self._count("market_request", n)
        cur.execute(OPEN_MARKET_REQUESTS, {"since": wall_to - dt.timedelta(days=30), "now": wall_to,
                                           "limit": MAX_ROWS_PROGRESSED_PER_TICK})
        respond, resolve = [], []
        for request_id, first_response in cur.fetchall():
            if first_response is None:
                if self._advances(sim_dt, MARKET_FIRST_RESPONSE_MINUTES):
                    respond.append((wall_to, request_id))
            elif self._advances(sim_dt, MARKET_RESOLVE_MINUTES):
                outcome = str(market.MARKET_OUTCOMES[common.pick(self.rng, market.MARKET_OUTCOME_SHARES,
                                                                 1)[0]])
                rated = outcome == "resolved" and self.rng.random() < 0.75
                satisfaction = int(self.rng.choice([5, 4, 3, 2, 1], p=[0.60, 0.25, 0.10, 0.03, 0.02])) \
                    if rated else None
                resolve.append((wall_to, outcome, satisfaction, request_id))
        if respond:
            cur.executemany("UPDATE cockpit.market_request SET first_response_at = %s WHERE request_id = %s",
                            respond)
        if resolve:
            cur.executemany("UPDATE cockpit.market_request SET resolved_at = %s, outcome = %s, "
                            "satisfaction = %s WHERE request_id = %s", resolve)


def _refresh_rollups(url: str) -> None:
    from cockpit import db
    engine = db.make_engine(url, pool_size=1, application_name="pinghu-cockpit-demo-feed")
    try:
        if db.rollups_present(engine):
            log.info("demo feed: rollups refreshed, complete before %s", db.refresh_rollups(engine))
    finally:
        engine.dispose()


def run_feed_loop(url: str, speed: float = 1.0, seed: int | None = None,
                  stop_event: threading.Event | None = None, duration_s: float | None = None,
                  tick_s: float = TICK_S) -> dict[str, int]:
    """Append live events to a demo database until stop_event is set or duration_s has passed.

    Returns how many rows of each kind were added or moved on."""
    stop_event = stop_event or threading.Event()
    feed = _Feed(url, max(float(speed), 0.0), np.random.default_rng(seed))
    deadline = None if duration_s is None else time.monotonic() + duration_s
    failures = 0
    last_wall = dt.datetime.now(dt.timezone.utc)

    def remaining() -> float:
        return math.inf if deadline is None else max(deadline - time.monotonic(), 0.0)

    log.info("demo feed starting (speed %.1f×)", speed)
    while not stop_event.is_set() and remaining() > 0:
        try:
            if feed.conn is None:
                feed.connect()
                last_wall = dt.datetime.now(dt.timezone.utc)
            now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
            feed.step(last_wall, now)
            if now.astimezone(SH).date() != last_wall.astimezone(SH).date():
                _refresh_rollups(url)  # a new local day: yesterday is complete
            last_wall = now
            failures = 0
        except psycopg.Error as exc:
            wait = RECONNECT_BACKOFF_S[min(failures, len(RECONNECT_BACKOFF_S) - 1)]
            failures += 1
            log.warning("demo feed: database error (%s); retrying in %d s",
                        str(exc).splitlines()[0] if str(exc) else type(exc).__name__, wait)
            feed.close()
            # sorties started in the failed transaction may not exist: forget them (connect() lands the rest)
            feed.flights.clear()
            stop_event.wait(min(wait, remaining()))
            continue
        stop_event.wait(min(tick_s, remaining()))
    feed.close()
    log.info("demo feed stopped: %s", feed.counts)
    return feed.counts


def run_feed(args) -> int:
    """`python -m cockpit demo feed`: run until Ctrl-C or --duration."""
    stop = threading.Event()
    try:
        counts = run_feed_loop(args.url, speed=args.speed, seed=args.seed, stop_event=stop,
                               duration_s=args.duration)
    except KeyboardInterrupt:
        stop.set()
        return 0
    for name, n in sorted(counts.items()):
        print(f"{name:<28} {n:>8,}")
    return 0
