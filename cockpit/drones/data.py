"""无人机巡航 drone patrols: the area's data, as `Plan`s (cockpit/area.py) with typed results.

Every figure of the drone page, the overview's drone block, the wall's drones view and the overview
wall's drone tile comes from one plan here; none of them names a query or computes a figure itself.

- `summary(town)`: sorties today / this week and nests by reported state (overview.drone_summary).
- `coverage(town, days)`: grids overflown in the last `days` days and all grids (overview.drone_coverage).
- `headline(town)`: both, with the 7-day coverage: the overview block and the wall's drones tiles.
- `map_rows(town, day, blind_days)`: the rows of the drone map (grids, their status, nests, the day's
  tracks): the wall's drones map.
- `detections(town, date_from, date_to)`: sorties, AI detections and those that became cases.
- `page(town, date_from, date_to, day, blind_days)`: everything the drone page shows.

Builds are pure: a query that failed gives None rows, and the result's figures are then None (shown as
"—"); a build never raises. The rules (coverage, blind spots, utilisation) are in cockpit/drones/rules.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from cockpit import i18n, kpi
from cockpit.area import Plan, Rows, first, number
from cockpit.drones import rules as dr
from cockpit.gateway import NOW


def _int(value) -> int | None:
    n = number(value)
    return None if n is None else int(n)


# ------------------------------------------------------------------ summary: sorties and nests
@dataclass(frozen=True)
class Summary:
    """Valid sorties started today and this ISO week, and nests by their last reported state."""
    sorties_today: int | None = None
    sorties_week: int | None = None
    nests: int | None = None
    nests_flying: int | None = None
    nests_idle: int | None = None
    nests_down: int | None = None     # offline or maintenance

    @property
    def any_down(self) -> bool:
        return (self.nests_down or 0) > 0


def _summary(rows: pd.DataFrame | None) -> Summary:
    row = first(rows)
    return Summary(**{k: _int(row.get(k)) for k in Summary.__dataclass_fields__})


def _summary_call(town: str | None, as_of=NOW) -> tuple[str, dict]:
    return ("overview.drone_summary", dict(as_of=as_of, town_code=town))


def summary(town: str | None, *, as_of=NOW) -> Plan[Summary]:
    """Sorties today and this ISO week up to `as_of` (now by default), nests by their reported state."""
    return Plan({"summary": _summary_call(town, as_of)}, lambda rows: _summary(rows["summary"]))


# ------------------------------------------------------------------ coverage over N days
@dataclass(frozen=True)
class Coverage:
    """Grids overflown in the last `days` days, all grids, and the share (%)."""
    days: int
    covered: int | None = None
    total: int | None = None
    pct: float | None = None


def _coverage(rows: pd.DataFrame | None, days: int) -> Coverage:
    row = first(rows)
    covered, total = _int(row.get("grids_covered")), _int(row.get("grids_total"))
    return Coverage(days, covered, total, kpi.percent(covered or 0, total or 0))


def _coverage_call(town: str | None, days: int) -> tuple[str, dict]:
    return ("overview.drone_coverage", dict(as_of=NOW, days=days, town_code=town))


def coverage(town: str | None, days: int = dr.WEEK_DAYS) -> Plan[Coverage]:
    return Plan({"coverage": _coverage_call(town, days)}, lambda rows: _coverage(rows["coverage"], days))


# ------------------------------------------------------------------ the headline: overview block, wall tiles
@dataclass(frozen=True)
class Headline:
    summary: Summary
    coverage: Coverage


def headline(town: str | None) -> Plan[Headline]:
    """Sorties, nests and the 7-day coverage (the overview's drone block and the wall's drones tiles)."""
    days = dr.WEEK_DAYS
    return Plan({"coverage": _coverage_call(town, days), "summary": _summary_call(town)},  # the slower first
                lambda rows: Headline(_summary(rows["summary"]), _coverage(rows["coverage"], days)))


# ------------------------------------------------------------------ the map's rows
@dataclass(frozen=True)
class MapRows:
    """Rows of the drone map: grid shapes, each grid's status (days since a pass, blind), nests, the
    day's track pieces. Any may be None (its query failed)."""
    grid_shapes: pd.DataFrame | None = None
    grid_status: pd.DataFrame | None = None
    nests: pd.DataFrame | None = None
    paths: pd.DataFrame | None = None

    @property
    def empty(self) -> bool:
        """Nothing to draw: neither grids nor nests."""
        return self.grid_shapes is None and self.nests is None

    @property
    def n_flights(self) -> int:
        """Flights with a track piece on the day."""
        return 0 if self.paths is None or self.paths.empty else int(self.paths["flight_id"].nunique())


def _map_calls(town: str | None, day: dt.date, blind_days: int) -> dict[str, tuple[str, dict]]:
    scope = {"town_code": town}
    return {
        "grid_status": ("drones.grid_status", dict(as_of=NOW, **scope, blind_days=blind_days)),
        "nests": ("drones.nests", dict(as_of=NOW, **scope, **dr.nest_params())),
        "grid_shapes": ("common.grid_shapes", scope),
        "paths": ("drones.day_paths", dict(day=day, as_of=NOW, **scope, **dr.path_params())),
    }


def _map_rows(rows: Rows) -> MapRows:
    return MapRows(rows["grid_shapes"], rows["grid_status"], rows["nests"], rows["paths"])


def map_rows(town: str | None, day: dt.date, blind_days: int = dr.DEFAULT_BLIND_DAYS) -> Plan[MapRows]:
    return Plan(_map_calls(town, day, blind_days), _map_rows)


# ------------------------------------------------------------------ the page's figures
def utilisation_pct(nests: pd.DataFrame | None) -> float | None:
    """All nests together: hours flown in 7 days ÷ (7 × daily patrol hours × nests) × 100."""
    if nests is None or nests.empty:
        return None
    return 100.0 * float(nests["hours_7d"].sum()) / (dr.WEEK_DAYS * dr.OPERATING_HOURS_PER_DAY * len(nests))


@dataclass(frozen=True)
class CityCoverage:
    """The city row of drones.coverage_by_town (one town's figures when a town is chosen)."""
    grids_total: int | None = None
    covered_1d: int | None = None
    covered_7d: int | None = None
    covered_30d: int | None = None
    blind_now: int | None = None
    blind_week_ago: int | None = None
    blind_new: int | None = None
    blind_resolved: int | None = None

    @property
    def known(self) -> bool:
        return self.grids_total is not None

    def covered(self, days: int) -> int | None:
        return getattr(self, f"covered_{days}d")

    def share(self, days: int) -> float | None:
        """Coverage over `days` days (%), None when unknown or there are no grids."""
        if not self.known:
            return None
        return kpi.percent(self.covered(days), self.grids_total)


def city_coverage(coverage: pd.DataFrame | None) -> CityCoverage:
    if coverage is None or coverage.empty:
        return CityCoverage()
    row = first(coverage[coverage["town_code"].isna()])
    if not row:
        return CityCoverage()
    return CityCoverage(**{k: _int(row.get(k)) for k in CityCoverage.__dataclass_fields__})


@dataclass(frozen=True)
class Detections:
    """The total row of drones.detections: sorties, AI detections, those that became cases, closed."""
    sorties: int | None = None
    detections: int | None = None
    cases: int | None = None
    closed: int | None = None

    @property
    def known(self) -> bool:
        return self.sorties is not None

    @property
    def cases_per_100_sorties(self) -> float | None:
        return dr.cases_per_100_sorties(self.cases, self.sorties)

    @property
    def any(self) -> bool:
        """Anything to show: a sortie or a detection in the period."""
        return self.known and bool(self.sorties or self.detections)


def detection_totals(detections: pd.DataFrame | None) -> Detections:
    if detections is None or detections.empty:
        return Detections()
    row = first(detections[detections["dimension"] == "total"])
    return Detections(_int(row.get("sorties")), _int(row.get("detections")), _int(row.get("became_case")),
                      _int(row.get("case_closed")))


def _detections_call(town: str | None, date_from: dt.date, date_to: dt.date, as_of=NOW) -> tuple[str, dict]:
    return ("drones.detections", dict(as_of=as_of, date_from=date_from, date_to=date_to, town_code=town))


def detections(town: str | None, date_from: dt.date, date_to: dt.date, *, as_of=NOW) -> Plan[Detections]:
    """Sorties, AI detections and those that became cases, for flights that took off in the period."""
    return Plan({"detections": _detections_call(town, date_from, date_to, as_of)},
                lambda rows: detection_totals(rows["detections"]))


def quality_counts(quality: pd.DataFrame | None) -> dict[str, int]:
    """Counted and left-out flights, points and segments, and the segments by break code."""
    counts = {f"{k}_{lvl}": 0 for lvl in ("flight", "point", "segment") for k in ("ok", "bad")}
    if quality is None:
        return counts
    for rec in quality.to_dict("records"):
        code = rec["issue_code"] if isinstance(rec["issue_code"], str) else None
        counts[f"{'ok' if code is None else 'bad'}_{rec['level']}"] += int(rec["row_count"])
        if code is not None:
            key = f"{rec['level']}:{code}"
            counts[key] = counts.get(key, 0) + int(rec["row_count"])
    return counts


@dataclass(frozen=True)
class Page:
    """Everything the drone page shows, for a town (or all), a period, a day of tracks and a blind window."""
    blind_days: int
    day: dt.date
    summary: Summary
    utilisation_pct: float | None
    city: CityCoverage
    detection_totals: Detections
    map: MapRows
    coverage: pd.DataFrame | None = None      # per town and the city row
    detections: pd.DataFrame | None = None    # per category, nest, route and the total
    quality: dict[str, int] = field(default_factory=dict)
    towns: pd.DataFrame | None = None

    @property
    def nests(self) -> pd.DataFrame | None:
        return self.map.nests

    @property
    def grid_status(self) -> pd.DataFrame | None:
        return self.map.grid_status

    @property
    def grid_shapes(self) -> pd.DataFrame | None:
        return self.map.grid_shapes

    @property
    def has_blind(self) -> bool:
        """A blind spot among the grids (False when there are none or the status is unknown)."""
        status = self.grid_status
        return status is not None and not status.empty and bool(status["is_blind"].astype(bool).any())

    @property
    def has_categories(self) -> bool:
        det = self.detections
        return det is not None and not det.empty and bool((det["dimension"] == "category").any())

    def town_names(self) -> dict[str, str]:
        """town code → its name in the current language."""
        if self.towns is None or self.towns.empty:
            return {}
        col = "name_zh" if i18n.current() == "zh" else "name_en"
        return dict(zip(self.towns["town_code"], self.towns[col]))


def page(town: str | None, date_from: dt.date, date_to: dt.date, day: dt.date,
         blind_days: int = dr.DEFAULT_BLIND_DAYS) -> Plan[Page]:
    """The drone page's queries, side by side with the slowest first."""
    scope = {"town_code": town}
    period = {"date_from": date_from, "date_to": date_to}
    m = _map_calls(town, day, blind_days)
    calls = {
        "grid_status": m["grid_status"],
        "coverage": ("drones.coverage_by_town", dict(as_of=NOW, **scope, blind_days=blind_days)),
        "quality": ("drones.track_quality", dict(as_of=NOW, **period)),
        "summary": _summary_call(town),
        "nests": m["nests"],
        "grid_shapes": m["grid_shapes"],
        "paths": m["paths"],
        "detections": _detections_call(town, date_from, date_to),
        "towns": ("common.towns", {}),
    }

    def build(rows: Rows) -> Page:
        r = {key: rows[key] for key in calls}  # each asked for once, in the order started
        return Page(blind_days=blind_days, day=day, summary=_summary(r["summary"]),
                    utilisation_pct=utilisation_pct(r["nests"]), city=city_coverage(r["coverage"]),
                    detection_totals=detection_totals(r["detections"]), map=_map_rows(r),
                    coverage=r["coverage"], detections=r["detections"],
                    quality=quality_counts(r["quality"]), towns=r["towns"])

    return Plan(calls, build)
