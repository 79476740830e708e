"""Waste rules of the bureau, defined once: the collection rule "不过午、不过夜" and the waste measures.

Pure Python (no Streamlit, no database). The SQL files under queries/waste/ implement the same
definitions with the bind parameters returned by the helpers below; tests/test_waste_sql.py runs
them on hand-made rows and compares them with the reference functions of this module.

The collection rule "不过午、不过夜" (waste never waits past noon or overnight)
------------------------------------------------------------------------------
Applies to every timed-and-fixed-point drop-off station (定时定点投放站: `waste_site.kind = 'dropoff'`
and `is_timed_fixed`), collected twice a day, on every local day D (Asia/Shanghai). A *collection*
is a valid weighing (`cockpit.waste_weighing_valid`) of stage `collect` at the station, of any
category and any vehicle; several weighings of one round (one per category) are one round. Only
weighings at or before the time of judgement (`as_of`) count. All clock times are local.

- Morning round (早班, "不过午"): window [MORNING_START 05:00, EVENING_START 16:00) of day D.
  On time when a collection falls in [05:00, NOON_CUTOFF 12:00] — 12:00:00 itself is on time,
  12:00:01 is late.
- Evening round (晚班, "不过夜"): window [EVENING_START 16:00, 24:00) of day D. On time when a
  collection falls in [16:00, NIGHT_CUTOFF 22:00] — 22:00:00 is on time.
- State of a round, judged at `as_of`:
    on_time   a collection on time (known as soon as it happens, even before the cut-off; it enters
              the compliance rate only once the cut-off has passed, see below);
    pending   none on time yet and the cut-off has not passed (`as_of` <= cut-off): not a breach;
    late      the cut-off has passed and the round was collected after it, within its window;
    missed    the cut-off has passed and the window holds no collection (so far).
  `*_ok` is True for on_time, None for pending and False for late and missed; the station is in
  breach on day D when either round's `*_ok` is False.
- A collection between 00:00 and 05:00 counts for neither round: it does not clear the previous
  day's evening (that waste already waited overnight) and it precedes the morning drop-off.

Why these times (configurable, see `rule_params`):
- NOON_CUTOFF 12:00 is the rule's own word (午). NIGHT_CUTOFF 22:00 (ours): timed drop-off in Zhejiang's
  communities typically ends at 20:00-21:00 in the evening, and "不过夜" means the evening waste is gone before
  the residents' night; 22:00 leaves an hour after the latest drop-off window and lets the wall screen
  judge the evening round the same day (a midnight cut-off could only be judged the next day).
- MORNING_START 05:00 opens the morning before the earliest drop-off (06:30-07:00) but after night
  work; EVENING_START 16:00 splits the day so that a morning round done a few hours late (up to 16:00)
  still counts as the *morning* round (late), not as the evening one, and the evening round cannot be
  satisfied by an afternoon collection made before the evening drop-off (17:00-18:30) has begun.
  Setting EVENING_START equal to NOON_CUTOFF is not allowed (a collection at 12:00 would fall in both).

Compliance rate (按时清运率, KPI waste_compliance) of a set of stations and days = rounds due that were
collected on time / rounds due, where a round is *due* once its cut-off has passed at `as_of` (as_of
later than the cut-off: 12:00:00 itself is not yet past noon). A round collected on time before its
cut-off is not in the rate until the cut-off passes (it is counted apart, "ahead"): were it counted as
soon as it is collected, the uncollected rounds would stay out until noon and the morning's rate could
only read 100 % or nothing. So the rate today reads "—" until 12:00:00, from 12:00:01 it judges every
morning round, and from 22:00:01 every evening round. Counts add up across towns and days before
dividing; for a past day every round is due.

The expected vehicle of a breached round is the vehicle that collected at the station on the most
of the EXPECTED_VEHICLE_DAYS (14) local days before today in that round's window; ties go to more
days in either round, then more tonnes, then the smaller vehicle_id.

Other waste measures
--------------------
- 回收利用率 (recycling rate, GB/T 19095 national indicator) = (recyclable + perishable tonnes) /
  all tonnes, over valid `collect` weighings: tonnes *collected* stand in for tonnes *generated*
  (the contract has no generation figure); perishable waste counts as recycled because it goes to
  biological treatment, not to burning or burying. National target >= 35 %.
- Vehicle state at `as_of`: active (a valid weighing in the last ACTIVE_HOURS = 2 h), idle (weighed
  today but not in the last 2 h), offline (no weighing today).
- Stations needing attention: no valid collection in the NO_COLLECTION_HOURS = 24 h before `as_of`;
  or unusual weight today: the station's tonnes today up to the clock time of `as_of`, compared
  like-for-like with its tonnes up to the same clock time on each of the HISTORY_DAYS = 28 previous
  local days (days without a collection count 0): unusual when outside median +/- MAD_K (3) x
  MAD_SCALE (1.4826) x MAD, the band being at least MIN_BAND_TONNES (0.2 t) each side and its low end
  never below 0 t; judged only
  for stations collected on at least MIN_HISTORY_DAYS (7) of those days. (1.4826 x MAD estimates the
  standard deviation of normal data, so the band is about +/- 3 sigma.)
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from cockpit.settings import SH

# -- the collection rule ------------------------------------------------------------------------------
MORNING_START = dt.time(5, 0)
NOON_CUTOFF = dt.time(12, 0)
EVENING_START = dt.time(16, 0)
NIGHT_CUTOFF = dt.time(22, 0)

ON_TIME, PENDING, LATE, MISSED = "on_time", "pending", "late", "missed"
ROUND_STATES = (ON_TIME, PENDING, LATE, MISSED)
MORNING, EVENING = "morning", "evening"

EXPECTED_VEHICLE_DAYS = 14

# -- vehicles -------------------------------------------------------------------------------------------
ACTIVE_HOURS = 2
VEHICLE_LOOKBACK_DAYS = 7  # how far back `last_weighed_at` looks for a vehicle
ACTIVE, IDLE, OFFLINE = "active", "idle", "offline"

# -- stations needing attention ---------------------------------------------------------------------
NO_COLLECTION_HOURS = 24
HISTORY_DAYS = 28
MIN_HISTORY_DAYS = 7
MAD_K = 3.0
MAD_SCALE = 1.4826  # also written in queries/waste/stations_attention.sql
MIN_BAND_TONNES = 0.2

# -- recycling rate -----------------------------------------------------------------------------------
RECYCLED_CATEGORIES = ("recyclable", "perishable")
RECYCLING_RATE_TARGET = 0.35
CATEGORIES = ("perishable", "other", "recyclable", "hazardous")


def parse_clock(value: dt.time | str) -> dt.time:
    """'HH:MM' (or 'HH:MM:SS') or a time, as a time."""
    if isinstance(value, dt.time):
        return value
    return dt.time.fromisoformat(value.strip())


def _hhmm(value: dt.time) -> str:
    return value.strftime("%H:%M:%S") if value.second else value.strftime("%H:%M")


def rule_params(noon_cutoff: dt.time | str | None = None, night_cutoff: dt.time | str | None = None,
                morning_start: dt.time | str | None = None,
                evening_start: dt.time | str | None = None) -> dict[str, str]:
    """The bind parameters of the rule's queries ('HH:MM' text), defaults where not given."""
    times = {
        "morning_start": parse_clock(morning_start or MORNING_START),
        "noon_cutoff": parse_clock(noon_cutoff or NOON_CUTOFF),
        "evening_start": parse_clock(evening_start or EVENING_START),
        "night_cutoff": parse_clock(night_cutoff or NIGHT_CUTOFF),
    }
    if not (times["morning_start"] <= times["noon_cutoff"] < times["evening_start"] <= times["night_cutoff"]):
        raise ValueError("need morning_start <= noon_cutoff < evening_start <= night_cutoff, got "
                         + ", ".join(f"{k}={_hhmm(v)}" for k, v in times.items()))
    return {k: _hhmm(v) for k, v in times.items()}


def vehicle_params() -> dict[str, int]:
    """Bind parameters of waste.vehicles_today besides as_of and town_code."""
    return {"active_hours": ACTIVE_HOURS, "lookback_days": VEHICLE_LOOKBACK_DAYS}


def attention_params() -> dict[str, float]:
    """Bind parameters of waste.stations_attention besides as_of and town_code."""
    return {"no_collection_hours": NO_COLLECTION_HOURS, "history_days": HISTORY_DAYS,
            "min_history_days": MIN_HISTORY_DAYS, "mad_k": MAD_K, "min_band_tonnes": MIN_BAND_TONNES}


@dataclass(frozen=True)
class DayCompliance:
    """One timed station on one local day under "不过午、不过夜", judged at `now`."""

    has_morning: bool  # a collection in the morning window (on time or late)
    has_evening: bool
    morning_state: str  # on_time | pending | late | missed
    evening_state: str
    morning_due: bool = False  # the noon cut-off has passed at `now` (the round is in the rate)
    evening_due: bool = False

    @property
    def morning_ok(self) -> bool | None:
        return _ok(self.morning_state)

    @property
    def evening_ok(self) -> bool | None:
        return _ok(self.evening_state)

    @property
    def is_breach(self) -> bool:
        return self.morning_ok is False or self.evening_ok is False


def _ok(state: str) -> bool | None:
    return True if state == ON_TIME else None if state == PENDING else False


def _at(day: dt.date, clock: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, clock, tzinfo=SH)


def day_compliance(collection_times: Iterable[dt.datetime], day: dt.date, now: dt.datetime,
                   noon_cutoff: dt.time | str = NOON_CUTOFF, night_cutoff: dt.time | str = NIGHT_CUTOFF,
                   *, morning_start: dt.time | str = MORNING_START,
                   evening_start: dt.time | str = EVENING_START) -> DayCompliance:
    """The reference implementation of the rule: the station's rounds on local `day` at `now`.

    `collection_times` are the aware times of the station's valid collect weighings (any days).
    """
    p = {k: parse_clock(v) for k, v in rule_params(noon_cutoff, night_cutoff, morning_start,
                                                   evening_start).items()}
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    clocks = []
    for t in collection_times:
        if t.tzinfo is None:
            raise ValueError("collection times must be timezone-aware")
        local = t.astimezone(SH)
        if local.date() == day and t <= now:
            clocks.append(local.timetz().replace(tzinfo=None))
    in_morning = [c for c in clocks if p["morning_start"] <= c < p["evening_start"]]
    in_evening = [c for c in clocks if c >= p["evening_start"]]

    def state(window: list[dt.time], start: dt.time, cutoff: dt.time) -> str:
        if any(start <= c <= cutoff for c in window):
            return ON_TIME
        if now <= _at(day, cutoff):
            return PENDING
        return LATE if window else MISSED

    return DayCompliance(
        has_morning=bool(in_morning), has_evening=bool(in_evening),
        morning_state=state(in_morning, p["morning_start"], p["noon_cutoff"]),
        evening_state=state(in_evening, p["evening_start"], p["night_cutoff"]),
        morning_due=now > _at(day, p["noon_cutoff"]), evening_due=now > _at(day, p["night_cutoff"]),
    )


def is_breach(collection_times: Iterable[dt.datetime], day: dt.date, now: dt.datetime,
              noon_cutoff: dt.time | str = NOON_CUTOFF, night_cutoff: dt.time | str = NIGHT_CUTOFF,
              **windows) -> bool:
    """True when the station broke "不过午、不过夜" on local `day`, as known at `now`.

    A round whose cut-off has not passed at `now` is never a breach; `windows` may set
    `morning_start` and `evening_start`.
    """
    return day_compliance(collection_times, day, now, noon_cutoff, night_cutoff, **windows).is_breach


def compliance_rate(rounds_on_time: float, rounds_decided: float) -> float | None:
    """按时清运率 as a fraction: rounds due collected on time / rounds due, a round being due once its
    cut-off has passed (None when no cut-off has passed)."""
    return None if not rounds_decided else float(rounds_on_time) / float(rounds_decided)


# -- recycling rate -----------------------------------------------------------------------------------
def recycling_rate(recyclable_tonnes: float, perishable_tonnes: float, collected_tonnes: float) -> float | None:
    """回收利用率 as a fraction: (recyclable + perishable) / collected (collected stands in for generated)."""
    if not collected_tonnes:
        return None
    return (float(recyclable_tonnes) + float(perishable_tonnes)) / float(collected_tonnes)


def category_share(category_tonnes: float, collected_tonnes: float) -> float | None:
    """A category's share of the tonnes collected, as a fraction (e.g. the perishable share)."""
    return None if not collected_tonnes else float(category_tonnes) / float(collected_tonnes)


# -- vehicles -------------------------------------------------------------------------------------------
def vehicle_state(last_weighed_at: dt.datetime | None, now: dt.datetime,
                  active_hours: float = ACTIVE_HOURS) -> str:
    """active (weighed in the last `active_hours`), idle (weighed today, local), else offline."""
    if last_weighed_at is None or last_weighed_at > now:
        return OFFLINE
    if last_weighed_at >= now - dt.timedelta(hours=active_hours):
        return ACTIVE
    if last_weighed_at.astimezone(SH).date() == now.astimezone(SH).date():
        return IDLE
    return OFFLINE


# -- unusual weights ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Band:
    median: float
    mad: float  # median absolute deviation, unscaled
    low: float
    high: float

    def judge(self, tonnes: float) -> str | None:
        """'high', 'low' or None (within the band)."""
        return "high" if tonnes > self.high else "low" if tonnes < self.low else None


def normal_band(history_tonnes: Iterable[float], k: float = MAD_K,
                min_band_tonnes: float = MIN_BAND_TONNES) -> Band:
    """The station's normal range: median +/- max(k x 1.4826 x MAD, min_band_tonnes), the low end
    clipped at 0 t (tonnes are never negative, so a range such as "-0.10 – 0.30" reads "0.00 – 0.30")."""
    values = [float(v) for v in history_tonnes]
    median = statistics.median(values)
    mad = statistics.median(abs(v - median) for v in values)
    half = max(k * MAD_SCALE * mad, min_band_tonnes)
    return Band(median, mad, max(0.0, median - half), median + half)
