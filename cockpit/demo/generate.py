"""The demo generator: a year of Pinghu, as pandas DataFrames for every relation of the contract.

Deterministic: the same (seed, end, days, scale) gives identical rows. Every relation draws from its
own numpy Generator seeded by (seed, relation name), so generating one relation never shifts
another. Everything is vectorised numpy/pandas; the grid lookup uses a shapely STRtree.

Where things are: this module holds DemoGenerator (the shared state: period, random generators,
calendar and working clock, event-time helpers) with the reference relations (contract version,
calendar, towns, squadrons, departments, communities, grids) and the load order. Each area's
relations and its calibration constants are in a mixin of its own: cockpit.demo.cases (case sources
and categories, shops and their violations, grid cases and their workflow), cockpit.demo.drones,
cockpit.demo.waste, cockpit.demo.parking and cockpit.demo.market. cockpit.demo.geography (grids,
roads, hotspots) and cockpit.demo.common (units, diurnal profiles, bad-row rules, small helpers) are
shared by all of them.

Calibration: which published figure (DOMAIN.md) drives which volume, at scale 1
--------------------------------------------------------------------------------
- grid_case: 530,000 a year (2024 智慧城管 "530,000+ cases"), ≈1,450 a day, of which 89.71% closed
  by automatic routing (2024 "89.71% 自动流转结案"). The rest follow the GB/T 30428 workflow with
  time limits in working hours per 小类 (e.g. 暴露垃圾 4 h); about one in seven of them is disposed
  late. Rhythm: morning and afternoon peaks, low at night; grid workers and patrols work less at
  weekends and holidays; hotspots along the named roads, around the named places and in 当湖街道.
- shop / shop_violation: 1,200 shops with 296 on 新华路 ("1,000+ shops recorded, 290+ on 新华路");
  violations at a heavy-tailed rate per shop so the three-colour code has a few yellow and red shops;
  a violation not cleared within 15 minutes becomes a video-AI grid case (the shop-front rule).
- drone_flight: 100 sorties a month (Aug–Dec 2024: "500+ sorties"), half of them from the two
  clothing-city nests; a track point every 10 s; detections becoming cases at 28 per 500 sorties.
- waste: exactly 622 drop-off stations of which 377 timed-and-fixed-point (定时定点, collected twice a
  day, "不过午、不过夜", with ~2% of rounds late and ~1% missed), 19 transfer stations, 4 disposal
  sites (the eco-energy plant: 1,000 t/day of 'other' waste; kitchen waste 180 t/day), 185 vehicles.
  Station tonnage is set so that 'other' waste reaching the plant is ≈700 t/day and perishable waste
  ≈140 t/day: plausible loads against the published capacities.
- parking_violation: ≈66,700 a year, 80% with an SMS reminder, so one year holds ≈53,400 reminders
  (2023: 53,195) and ≈30,400 records whose car did not leave after a reminder or got none (2023: 30,573
  collected); 47% by electronic capture (2023: 14,379 of 30,573) and only on the 7 capture roads;
  68% of reminded cars leave within 10 minutes (2021: 130,000+ of 190,000+ persuaded to leave);
  tickets only after a reminder and 10 minutes; first offence in half a year → warning (首违警告).
- parking_supply: 24 shared units with 970 spaces, 6 temporary lots, non-motor areas.
- market: 28 service items (the published list of 28), six stationed departments in the modes
  常驻/轮驻/预约, about 480 requests a year ("120+ enforcement requests resolved" and more services).

`scale` multiplies the event volumes (cases, shop violations, parking, weighings, flights, market
requests); reference data (towns, grids, sites, vehicles, roads, nests, items) never changes. For
waste, scale < 1 keeps a fixed share of the drop-off stations (each kept station keeps its full
schedule); scale > 1 cannot add collections, so weighings stay at scale 1.

Time limits: deadlines are computed with cockpit.demo.calendar.WorkClock, an exact vectorised
working-time clock over the generated work_calendar (the official holidays and make-up days of
chinese-calendar, 08:30-12:00 and 13:30-17:30; days the table lacks follow the standard week), the
rule of the contract's cockpit.work_clock.

Bad rows: every fact relation checked by contract/02_checked_views.sql gets a small share
(BAD_ROW_SHARE, ≈0.6%, at least one row once a relation has 60 rows) of rows that the checked view
flags, each built to hit exactly one issue code: missing or future times, impossible order,
missing or out-of-area coordinates, unknown codes (source, category, grid, site, stage, road,
method, nest, item, department), non-positive or absurd weights, duplicate weighings (an exact
copy with a larger id). Most are extra copies of valid rows; drone track points are corrupted in
place (GPS glitches). Future times lie 3 hours to 5 days after `future_after` (the loader passes the
later of `end` and the wall clock, so they are in the future when loaded; the checked views compare
with now(), so they count as valid once that time has passed).
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pandas as pd

from cockpit import places
from cockpit.db import CONTRACT_VERSION, ROOT
from cockpit.demo.calendar import (DAY_S, UTC_OFFSET_S, WorkClock, calendar_span, clock_frame,
                                   work_calendar_frame)
from cockpit.demo.cases import PARTNER_DEPARTMENTS, CaseRelations
from cockpit.demo.common import (
    FUTURE_OFFSET_MAX_S,
    FUTURE_OFFSET_MIN_S,
    HOUR_S,
    geojson_text,
    local_day_index,
    poisson_times,
    stable_id,
    to_timestamps,
)
from cockpit.demo.drones import DroneRelations
from cockpit.demo.geography import Geography, Hotspots
from cockpit.demo.market import MarketRelations
from cockpit.demo.parking import ParkingRelations
from cockpit.demo.waste import WasteRelations

ASSETS_DIR = ROOT / "assets"


# ================================================================== the generator
class DemoGenerator(CaseRelations, DroneRelations, WasteRelations, ParkingRelations, MarketRelations):
    """All relations of the contract for one (seed, end, days, scale).

    This class holds the shared state (seed, period, geography, hotspots, working calendar and clock,
    per-relation random generators, event-time helpers) and the reference relations; each area's
    relations come from its mixin (cockpit.demo.cases, drones, waste, parking, market)."""

    def __init__(self, *, seed: int, end: dt.datetime, days: int = 365, scale: float = 1.0,
                 assets_dir: Path | None = None, future_after: dt.datetime | None = None,
                 applied_at: dt.datetime | None = None) -> None:
        if end.tzinfo is None:
            raise ValueError("end must be timezone-aware")
        if days < 1:
            raise ValueError("days must be at least 1")
        if scale <= 0:
            raise ValueError("scale must be positive")
        self.seed = int(seed)
        self.end_s = int(end.timestamp())
        self.days = int(days)
        self.scale = float(scale)
        self.start_s = self.end_s - self.days * DAY_S
        self.future_after_s = int((future_after or end).timestamp())
        self.applied_at = applied_at or end
        self.geo = Geography.from_assets(Path(assets_dir) if assets_dir else ASSETS_DIR)
        self.hotspots = Hotspots(self.geo)

    # ---------------------------------------------------------------- plumbing
    def rng(self, name: str) -> np.random.Generator:
        return np.random.default_rng([self.seed, stable_id(name)])

    @property
    def years(self) -> float:
        return self.days / 365.0

    @property
    def _end_date(self) -> dt.date:
        """The local (Asia/Shanghai) day of `end`."""
        return dt.date(1970, 1, 1) + dt.timedelta(days=int(local_day_index(np.array([self.end_s]))[0]))

    @cached_property
    def calendar(self) -> pd.DataFrame:
        """The rows of cockpit.work_calendar: the official schedule's days of the calendar span."""
        first, last = calendar_span(self.start_s, self.end_s)
        return work_calendar_frame(first, last)

    @cached_property
    def clock_days(self) -> pd.DataFrame:
        """Every day of the calendar span as cockpit.work_clock counts it (days the table lacks: standard week)."""
        return clock_frame(self.calendar, *calendar_span(self.start_s, self.end_s))

    @cached_property
    def clock(self) -> WorkClock:
        return WorkClock(self.clock_days)

    @cached_property
    def _day_info(self) -> pd.DataFrame:
        """One row per local day of the period: midnight epoch, weekday, working day flag, season factor."""
        first_day = local_day_index(np.array([self.start_s]))[0]
        last_day = local_day_index(np.array([self.end_s - 1]))[0]
        idx = np.arange(first_day, last_day + 1)
        midnight = idx * DAY_S - UTC_OFFSET_S
        dates = pd.to_datetime(idx, unit="D")
        cal = self.clock_days.set_index(pd.to_datetime(self.clock_days["day"]))["is_workday"]
        workday = cal.reindex(dates).fillna(False).to_numpy(dtype=bool)
        doy = dates.day_of_year.to_numpy()
        season = 1.0 + 0.08 * np.sin(2 * np.pi * (doy - 100) / 365.0)
        return pd.DataFrame({"day_index": idx, "midnight_s": midnight,
                             "weekday": dates.day_of_week.to_numpy(), "is_workday": workday,
                             "season": season, "month": dates.month.to_numpy()})

    def _hourly_bins(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Hour bins covering the period: start epoch, local hour, working-day flag, season factor."""
        info = self._day_info
        starts = (info["midnight_s"].to_numpy()[:, None] + np.arange(24)[None, :] * HOUR_S).ravel()
        hours = np.tile(np.arange(24), len(info))
        work = np.repeat(info["is_workday"].to_numpy(), 24)
        season = np.repeat(info["season"].to_numpy(), 24)
        overlap = (np.minimum(starts + HOUR_S, self.end_s) - np.maximum(starts, self.start_s)) / HOUR_S
        keep = overlap > 0
        return starts[keep], hours[keep], work[keep], season[keep] * overlap[keep]

    def _event_times(self, rng: np.random.Generator, total: float, profile: np.ndarray,
                     rest_day_factor: float, extra: np.ndarray | None = None) -> np.ndarray:
        """Times of `total` expected events over the period, with a diurnal profile and a rest-day factor."""
        starts, hours, work, weight = self._hourly_bins()
        w = profile[hours] * np.where(work, 1.0, rest_day_factor) * weight
        if extra is not None:
            w = w * extra
        if w.sum() <= 0 or total <= 0:
            return np.array([], dtype=np.int64)
        intensity = w * (total / w.sum())
        return poisson_times(rng, starts, intensity, HOUR_S, self.start_s, self.end_s)

    def _future_times(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.future_after_s + rng.integers(FUTURE_OFFSET_MIN_S, FUTURE_OFFSET_MAX_S, size=n)

    # ---------------------------------------------------------------- reference relations
    def contract_version(self) -> pd.DataFrame:
        return pd.DataFrame({"version": [CONTRACT_VERSION],
                             "applied_at": to_timestamps(np.array([self.applied_at.timestamp()])),
                             "is_demo": [True]})

    def work_calendar(self) -> pd.DataFrame:
        return self.calendar.copy()

    def town(self) -> pd.DataFrame:
        rows = []
        for f in self.geo.towns:
            p = f["properties"]
            t = places.TOWN_BY_CODE.get(p["town_code"])
            rows.append({
                "town_code": p["town_code"],
                "name_zh": p.get("name_zh") or (t.name_zh if t else p["town_code"]),
                "name_en": p.get("name_en") or (t.name_en if t else p["town_code"]),
                "seat_lat": t.seat_lat if t else None, "seat_lon": t.seat_lon if t else None,
                "boundary": geojson_text(f["geometry"]),
                "area_km2": float(p["area_km2"]) if p.get("area_km2") is not None else None,
            })
        return pd.DataFrame(rows)

    def squadron(self) -> pd.DataFrame:
        return pd.DataFrame([{"squadron_code": s.code, "name_zh": s.name_zh, "name_en": s.name_en,
                              "town_code": s.town_code} for s in places.SQUADRONS])

    def department(self) -> pd.DataFrame:
        rows = [{"dept_code": s.code, "name_zh": s.name_zh, "name_en": s.name_en, "kind": "squadron"}
                for s in places.SQUADRONS]
        rows += [{"dept_code": c, "name_zh": zh, "name_en": en, "kind": "partner"}
                 for c, zh, en in PARTNER_DEPARTMENTS]
        return pd.DataFrame(rows)

    def community(self) -> pd.DataFrame:
        g = self.geo.grids
        name_col = "community_name_zh" if "community_name_zh" in g else None
        frame = g.groupby("community_code", sort=True).first().reset_index()
        return pd.DataFrame({"community_code": frame["community_code"], "town_code": frame["town_code"],
                             "name_zh": frame[name_col] if name_col else frame["community_code"]})

    def unit_grid(self) -> pd.DataFrame:
        g = self.geo.grids
        cols = ["grid_code", "community_code", "town_code", "squadron_code", "boundary", "centroid_lat",
                "centroid_lon", "min_lat", "min_lon", "max_lat", "max_lon", "area_km2"]
        return g[cols].copy()


    # ---------------------------------------------------------------- all of it
    def relations(self) -> Iterator[tuple[str, Callable[[], pd.DataFrame]]]:
        """(relation name, frame builder) in load order (lookups before the facts that name them)."""
        for name in RELATION_ORDER:
            yield name, getattr(self, name)

    def generate_all(self) -> dict[str, pd.DataFrame]:
        return {name: build() for name, build in self.relations()}


RELATION_ORDER = (
    "contract_version", "work_calendar", "town", "squadron", "department", "community", "unit_grid",
    "case_source", "case_category", "shop", "drone_nest", "waste_category", "waste_site", "waste_vehicle",
    "parking_road", "parking_supply", "market_department", "market_service_item", "market_duty",
    "grid_case", "shop_violation", "drone_flight", "drone_track_point", "drone_detection", "waste_weighing",
    "parking_violation", "market_request",
)
# Rough relative cost of each relation at scale 1 (for progress reporting).
RELATION_WEIGHT = {"grid_case": 45, "waste_weighing": 25, "parking_violation": 12, "drone_track_point": 8,
                   "unit_grid": 2, "work_calendar": 1}
