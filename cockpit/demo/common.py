"""Shared parts of the demo generator: units, diurnal profiles, bad-row rules and small vectorised
helpers (time conversion, Poisson event times, weighted picks) that every area's relations use."""

from __future__ import annotations

import json
import math
import zlib

import numpy as np
import pandas as pd

from cockpit.demo.calendar import DAY_S, UTC_OFFSET_S

TZ = "Asia/Shanghai"
HOUR_S = 3600
MINUTE_S = 60
M_PER_DEG_LAT = 110_540.0
M_PER_DEG_LON = 111_320.0 * math.cos(math.radians(30.70))

# ------------------------------------------------------------------ bad rows
BAD_ROW_SHARE = 0.006
BAD_ROW_MIN_RELATION_ROWS = 60
FUTURE_OFFSET_MIN_S, FUTURE_OFFSET_MAX_S = 3 * HOUR_S, 5 * DAY_S
OUT_OF_AREA_POINTS = ((0.0, 0.0), (31.2304, 121.4737), (121.0160, 30.7000), (30.2741, 120.1551))

# ------------------------------------------------------------------ diurnal profiles (24 local hours)
PROFILE_WORKER = np.array([0.05, 0.03, 0.02, 0.02, 0.03, 0.1, 0.35, 0.9, 1.8, 2.3, 2.2, 1.6,
                           0.8, 1.0, 1.9, 2.2, 2.0, 1.4, 0.7, 0.45, 0.3, 0.2, 0.12, 0.08])
PROFILE_VIDEO = np.array([0.15, 0.1, 0.08, 0.08, 0.1, 0.3, 0.7, 1.2, 1.6, 1.8, 1.8, 1.6,
                          1.4, 1.4, 1.6, 1.7, 1.7, 1.6, 1.4, 1.2, 1.0, 0.7, 0.4, 0.25])
PROFILE_CITIZEN = np.array([0.15, 0.08, 0.05, 0.05, 0.08, 0.2, 0.5, 1.0, 1.5, 1.7, 1.6, 1.3,
                            1.0, 1.1, 1.4, 1.5, 1.4, 1.3, 1.3, 1.3, 1.1, 0.8, 0.5, 0.3])
PROFILE_PARKING = np.array([0.05, 0.03, 0.02, 0.02, 0.03, 0.1, 0.4, 1.4, 2.0, 1.8, 1.5, 1.7,
                            1.6, 1.3, 1.3, 1.4, 1.6, 1.9, 1.8, 1.3, 0.8, 0.4, 0.15, 0.08])
PROFILE_OFFICE = np.array([0, 0, 0, 0, 0, 0, 0.05, 0.3, 1.6, 2.2, 2.2, 1.3,
                           0.5, 1.5, 2.1, 2.1, 1.8, 0.8, 0.2, 0.1, 0.05, 0, 0, 0], dtype=float)
PROFILE_SHOP = np.array([0, 0, 0, 0, 0, 0, 0.1, 0.5, 1.0, 1.6, 1.8, 1.6,
                         1.2, 1.1, 1.2, 1.3, 1.5, 1.8, 1.9, 1.6, 1.0, 0.4, 0.1, 0], dtype=float)


def stable_id(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


def to_timestamps(epoch_s: np.ndarray) -> pd.Series:
    """Epoch seconds (float, NaN = null) -> tz-aware Series in Asia/Shanghai, second resolution."""
    values = np.asarray(epoch_s, dtype=np.float64)
    nat = np.isnan(values)
    ints = np.where(nat, 0, values).astype(np.int64)
    dt64 = ints.astype("datetime64[s]")
    dt64[nat] = np.datetime64("NaT")
    return pd.Series(dt64).dt.tz_localize("UTC").dt.tz_convert(TZ)


def local_hour(epoch_s: np.ndarray) -> np.ndarray:
    return ((np.asarray(epoch_s, dtype=np.int64) + UTC_OFFSET_S) % DAY_S) // HOUR_S


def local_day_index(epoch_s: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 in local time."""
    return (np.asarray(epoch_s, dtype=np.int64) + UTC_OFFSET_S) // DAY_S


def bad_row_count(n_rows: int) -> int:
    """How many bad rows a relation of n_rows valid rows gets (never more than ~1% above 100 rows)."""
    if n_rows < BAD_ROW_MIN_RELATION_ROWS:
        return 0
    return max(1, int(round(n_rows * BAD_ROW_SHARE)))


def poisson_times(rng: np.random.Generator, bin_starts: np.ndarray, intensity: np.ndarray,
                  bin_s: int, lo: int, hi: int) -> np.ndarray:
    """Event times for a Poisson process with the given expected count per bin, within [lo, hi)."""
    counts = rng.poisson(np.maximum(intensity, 0.0))
    starts = np.repeat(bin_starts, counts)
    times = starts + rng.integers(0, bin_s, size=starts.size)
    times = times[(times >= lo) & (times < hi)]
    return np.sort(times)


def one_of(rng: np.random.Generator, values: tuple[str, ...], size: int) -> np.ndarray:
    return np.array(values, dtype=object)[rng.integers(0, len(values), size)]


def geojson_text(geometry: dict) -> str:
    return json.dumps(geometry, ensure_ascii=False, separators=(",", ":"))


def pick(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    p = np.asarray(weights, dtype=np.float64)
    return rng.choice(len(p), size=size, p=p / p.sum())


def interleave_bad(frame: pd.DataFrame, bad: pd.DataFrame, base: np.ndarray) -> pd.DataFrame:
    """The valid rows with the bad copies, each copy right after the row `base` it was made from (so ids
    given in this order look like those of a live system, and a duplicate gets the larger id)."""
    n_bad = len(bad)
    key = np.concatenate([np.arange(len(frame)), base]).astype(np.float64) + np.r_[np.zeros(len(frame)),
                                                                                   np.full(n_bad, 0.5)]
    out = pd.concat([frame, bad], ignore_index=True)
    return out.iloc[np.argsort(key, kind="stable")].reset_index(drop=True)
