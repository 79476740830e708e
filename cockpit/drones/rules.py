"""Drone patrol rules, defined once: what "overflown" means, broken tracks, blind spots and utilisation.

Pure Python (no Streamlit, no database). The coverage rule itself is implemented ONCE, in SQL, as the
views `cockpit.drone_track_segment` and `cockpit.drone_grid_overflight` (contract/02_checked_views.sql);
this module holds its parameters (the view's literals must equal them: tests/test_drone_rules.py checks
the view text) and its wording for the page, and the parameters the queries under queries/drones/ bind.

Coverage (网格覆盖): the one definition
--------------------------------------
- No PostGIS: positions go to a local metric plane, x = lon x M_PER_DEG_LON, y = lat x M_PER_DEG_LAT,
  with the metres per degree of the WGS-84 ellipsoid at REFERENCE_LAT 30.7 N (the error stays under
  0.3 % across Pinghu, lat 30.48-30.86).
- A track is the flight's valid points (`drone_track_point_valid`) in `seq` order. Two consecutive
  points make a *segment*. A segment is broken, and neither drawn nor counted, when its time runs
  backwards or stands still (impossible_time), when the points are more than MAX_GAP_S = 60 s apart
  (gap: where the drone flew in between is unknown), or when the implied speed is above
  MAX_SPEED_MPS = 30 m/s (speed_jump: a patrol drone cruises at 5-15 m/s and tops out near 23 m/s, so
  anything faster is a GPS glitch). Points outside the area or without a position are already left out
  by the checked view (out_of_area, missing_location) and counted in data_quality.
- A unit grid is *overflown* by an unbroken segment of a valid flight when the segment — every point of
  it, not only its ends — passes within the nest's camera footprint radius (`drone_nest.camera_radius_m`,
  configured per nest, e.g. 150-240 m) of the grid itself, its polygon (`unit_grid.boundary`): the
  distance in the plane between the segment and the polygon's boundary is <= the radius, and a segment
  that enters the grid is at 0. A grid that fills little of its bounding box (an L, a strip along a
  river) is not overflown by a track that only crosses the empty part of its box. The bounding box is
  only the query's prefilter (never nearer than the polygon inside it).
- A grid is *covered in the last N days* at `as_of` when a segment starting in (as_of - N days, as_of]
  overflies it. Coverage (网格覆盖率) = covered grids / all grids, per town or for the city, for
  N = 1, 7 and 30 (COVERAGE_WINDOWS_DAYS).
- Only flights started within MAX_SORTIE_HOURS before a window are searched for its segments (a sortie
  lasts under an hour on one battery; 24 h is a wide margin that lets the queries use the index on
  `drone_flight.started_at`).

Blind spots (巡查盲区)
--------------------
A grid is a blind spot at `as_of` when it was not covered in the last `blind_days` days (7 by default;
the page offers BLIND_DAYS_CHOICES). A week earlier it was one when it was not covered in the
`blind_days` days before as_of - 7 days. Change over the week: new (blind now, not a week ago),
persisting (both), resolved (a week ago only). Blind spots are ranked by how long no drone has passed
(never within the look-back first, then the oldest last pass), then by the valid grid cases reported
in the grid in the last 30 days (a blind spot where problems are reported matters more), then by code.
The look-back is max(30, blind_days + 7) days: "days since the last overflight" beyond it reads
"more than N days".

Nests
-----
- Flying now: a valid flight of the nest started within OPEN_FLIGHT_HOURS (2 h) before `as_of` and not
  landed by then. The nest's own reported state (`status_code`) is shown as reported.
- Utilisation (7 days) = hours flown in the 7 days before `as_of` / (7 x OPERATING_HOURS_PER_DAY),
  with OPERATING_HOURS_PER_DAY = 10 (the daytime patrol window 07:30-17:30 of the scheduled routes;
  ours). A flight not yet landed counts up to `as_of` when it started within OPEN_FLIGHT_HOURS.

Detections → cases
------------------
AI detections on valid flights (by the flight's take-off in the period), how many became grid cases
(`case_id` set) and those cases' outcome in `grid_case_valid` at `as_of`: closed (结案), rejected
(作废), open (of which overdue: past the closing deadline), or not found (the case is missing or was
left out as a bad row). Published shape (DOMAIN.md): Aug-Dec 2024 in the clothing-city area,
500+ sorties and 28 problems dispatched, i.e. about PUBLISHED_CASES_PER_100_SORTIES = 5.6 cases per
100 sorties.

Browser paths
-------------
A day's tracks are sent as paths downsampled in SQL: the first point of every PATH_STEP_S = 30 s time
bucket of each unbroken piece, plus the piece's last point (full precision stays in the database).
"""

from __future__ import annotations

import datetime as dt
import math

from cockpit import i18n

# -- the metric plane ----------------------------------------------------------------------------------
REFERENCE_LAT = 30.7
M_PER_DEG_LAT = 110_864.0     # metres per degree of latitude at 30.7 N (WGS-84)
M_PER_DEG_LON = 95_802.0      # metres per degree of longitude at 30.7 N (WGS-84)
CELL_DEG = 0.01               # candidate cells of the coverage join (performance only, not the rule)
MAX_CELLS_PER_SIDE = 10       # a segment's or a grid's box spans at most this many cells a side

# -- broken tracks ---------------------------------------------------------------------------------------
MAX_GAP_S = 60
MAX_SPEED_MPS = 30.0
BREAK_CODES = ("impossible_time", "gap", "speed_jump")
MAX_SORTIE_HOURS = 24

# -- coverage and blind spots ---------------------------------------------------------------------------
COVERAGE_WINDOWS_DAYS = (1, 7, 30)
DEFAULT_BLIND_DAYS = 7
BLIND_DAYS_CHOICES = (3, 7, 14, 30)
WEEK_DAYS = 7
CASES_DAYS = 30
# map classes of "days since the last overflight" (upper bounds): <= 1, <= 7, <= 14, <= 30, more or never
DAYS_SINCE_BREAKS = (1, 7, 14, 30)
TOP_BLIND = 20                # blind spots outlined on the map and listed in the ranked table

# -- nests ------------------------------------------------------------------------------------------------
OPERATING_HOURS_PER_DAY = 10.0
OPEN_FLIGHT_HOURS = 2.0

# -- detections -------------------------------------------------------------------------------------------
PUBLISHED_SORTIES = 500
PUBLISHED_CASES = 28
PUBLISHED_CASES_PER_100_SORTIES = 100.0 * PUBLISHED_CASES / PUBLISHED_SORTIES

# -- browser paths ----------------------------------------------------------------------------------------
PATH_STEP_S = 30
DAY_PICKER_DAYS = 90          # how far back the day picker goes

DEFINITION = {
    "zh": (f"网格覆盖：有效航次中相邻两个有效航迹点连成的航段（间隔不超过 {MAX_GAP_S} 秒、速度不超过 {MAX_SPEED_MPS:g} 米/秒，"
           f"否则视为断裂航迹，不计入也不绘制），只要航段上任一点到单元网格边界（网格多边形）的距离不超过机巢相机覆盖半径"
           f"（各机巢配置，如 150–240 米），或航段进入网格内，该网格即视为被巡查覆盖。距离在以北纬 {REFERENCE_LAT}° 为基准的平面内计算"
           f"（纬度每度 {M_PER_DEG_LAT:,.0f} 米，经度每度 {M_PER_DEG_LON:,.0f} 米）。近 N 天覆盖率 = 近 N 天被覆盖的网格数 ÷ 网格总数；"
           f"盲区 = 近 N 天未被覆盖的网格。"),
    "en": (f"Grid coverage: an unbroken segment between two consecutive valid track points of a valid flight "
           f"(at most {MAX_GAP_S} s apart and at most {MAX_SPEED_MPS:g} m/s; broken segments are neither counted nor drawn) "
           f"covers a unit grid when any point of it comes within the nest camera's footprint radius (configured per "
           f"nest, e.g. 150–240 m) of the grid's boundary (its polygon), or enters the grid. Distances are taken in a "
           f"plane fitted at {REFERENCE_LAT}° N "
           f"({M_PER_DEG_LAT:,.0f} m per degree of latitude, {M_PER_DEG_LON:,.0f} m per degree of longitude). Coverage over "
           f"N days = grids covered in the last N days ÷ all grids; a blind spot is a grid not covered in the last N days."),
}


def definition() -> str:
    """The coverage definition in the current language."""
    return DEFINITION["zh" if i18n.current() == "zh" else "en"]


# -- parameters bound by the queries ----------------------------------------------------------------------
def nest_params() -> dict[str, float]:
    return {"operating_hours_per_day": OPERATING_HOURS_PER_DAY, "open_flight_hours": OPEN_FLIGHT_HOURS}


def path_params() -> dict[str, int]:
    return {"step_s": PATH_STEP_S}


def lookback_days(blind_days: int) -> int:
    """Days of overflights the blind-spot query reads: enough for the window now and a week ago."""
    return max(max(COVERAGE_WINDOWS_DAYS), blind_days + WEEK_DAYS)


# -- the plane (for building test tracks and for the page's scale) ----------------------------------------
def to_plane(lat: float, lon: float) -> tuple[float, float]:
    """(x, y) metres in the local plane."""
    return lon * M_PER_DEG_LON, lat * M_PER_DEG_LAT


def from_plane(x: float, y: float) -> tuple[float, float]:
    """(lat, lon) of plane coordinates."""
    return y / M_PER_DEG_LAT, x / M_PER_DEG_LON


def offset(lat: float, lon: float, east_m: float, north_m: float) -> tuple[float, float]:
    """The point `east_m` east and `north_m` north of (lat, lon), in the plane."""
    return lat + north_m / M_PER_DEG_LAT, lon + east_m / M_PER_DEG_LON


# -- pure helpers for the page ----------------------------------------------------------------------------
def days_since_class(days: float | None, lookback: int) -> float:
    """The value a grid is coloured by: days since its last overflight, or more than the look-back."""
    if days is None or (isinstance(days, float) and math.isnan(days)):
        return float(lookback + 1)
    return float(days)


def blind_change(is_blind: bool, was_blind: bool) -> str | None:
    """new | persisting | resolved | None (never blind in the two weeks)."""
    if is_blind and was_blind:
        return "persisting"
    if is_blind:
        return "new"
    if was_blind:
        return "resolved"
    return None


def parse_day(raw: str | None, today: dt.date, earliest: dt.date | None = None) -> tuple[dt.date, bool]:
    """The day of the URL's `day` (ISO date), or today; False when `raw` was refused (malformed, in the
    future, or before `earliest`)."""
    if raw is None or raw == "":
        return today, True
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        return today, False
    if day > today or (earliest is not None and day < earliest):
        return today, False
    return day, True


def cases_per_100_sorties(cases: float | None, sorties: float | None) -> float | None:
    if cases is None or not sorties:
        return None
    return 100.0 * float(cases) / float(sorties)
