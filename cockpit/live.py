"""The big screen's change check: refresh an area's figures when its rows change, not on a timer alone.

Every few seconds (`CHECK_SECONDS`) a screen runs `wall.changes` (a token per area made of its newest ids
and event times, a few index probes; cached for 4 s and shared, so twenty screens cost what one does).
`Changes.observe` remembers, per gateway and so for every session of the process, when each area's token
last moved. A screen then asks each figure with `fresh_after` = that moment (or its refresh period,
whichever is later): a result fetched before the change counts as expired, the first screen to ask
refreshes it and every other screen shares the new one. An unchanged database costs only the check.

`area_of` says which area a query belongs to (by its name); the ticker's and the alarms' own queries are
cheap and short-lived and follow every change.
"""

from __future__ import annotations

import threading
import weakref
from typing import Mapping

import pandas as pd

AREAS = ("cases", "drones", "waste", "parking", "market")
CHECK_SECONDS = 5          # how often a screen runs the change check (and its panels rerun): the default of
                           # the setting COCKPIT_WALL_CHECK_SECONDS (check_seconds())
PULSE_MINUTES = 15         # an event this recent pulses on the map

# query name prefixes -> area (most specific first); names matching none belong to no area (shapes, names)
_PREFIXES: tuple[tuple[str, str], ...] = (
    ("overview.case_", "cases"), ("cases.", "cases"), ("wall.overdue_by_town", "cases"),
    ("wall.case_sources_today", "cases"),
    ("overview.drone_", "drones"), ("drones.", "drones"),
    ("overview.waste_", "waste"), ("waste.", "waste"),
    ("overview.parking_", "parking"), ("parking.", "parking"),
    ("overview.market_", "market"), ("market.", "market"),
)


def check_seconds() -> float:
    from cockpit import settings
    return settings.get().wall_check_seconds


# slow figures of slow change (coverage over 7 and 30 days): their TTL alone, whatever the change check says
TTL_ONLY = frozenset({"drones.coverage_by_town", "overview.drone_coverage"})


def area_of(query_name: str) -> str | None:
    if query_name in TTL_ONLY:
        return None
    for prefix, area in _PREFIXES:
        if query_name.startswith(prefix):
            return area
    return None


class Changes:
    """Per gateway: the last token seen per area and when it moved (epoch seconds)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[str, str] = {}
        self.changed_at: dict[str, float] = {}

    def observe(self, rows: pd.DataFrame | None, now: float) -> dict[str, float]:
        """Take a `wall.changes` result; returns {area: when its token last moved} (0 for an area whose
        token has not moved since it was first seen: its figures follow their TTL alone). Rows that are
        missing (the check failed) change nothing."""
        with self._lock:
            if rows is not None and not rows.empty:
                for area, token in zip(rows["area"], rows["token"]):
                    token = "" if token is None or (isinstance(token, float) and pd.isna(token)) else str(token)
                    previous = self._tokens.get(area)
                    if previous is not None and previous != token:
                        self.changed_at[area] = now
                    self._tokens[area] = token
            return {area: self.changed_at.get(area, 0.0) for area in AREAS}


_BY_GATEWAY: "weakref.WeakKeyDictionary[object, Changes]" = weakref.WeakKeyDictionary()
_REGISTRY_LOCK = threading.Lock()


def changes_for(gateway: object) -> Changes:
    """The one Changes of a gateway (every session of the process shares it)."""
    with _REGISTRY_LOCK:
        found = _BY_GATEWAY.get(gateway)
        if found is None:
            found = _BY_GATEWAY[gateway] = Changes()
        return found


def fresh_after(changed_at: Mapping[str, float], now: float, refresh_seconds: float):
    """The query name -> `fresh_after` function for a screen's context: an area's figures are at most
    `refresh_seconds` old and never older than the area's last change; other queries follow their TTL."""
    floor = now - refresh_seconds

    def after(query_name: str) -> float | None:
        area = area_of(query_name)
        if area is None:
            return None
        return max(floor, changed_at.get(area, 0.0))
    return after
