"""The grid-case map's rules: drill levels, measures and the values behind each shape.

Pure functions over the already-aggregated `cases.by_grid` rows (one per grid, at most a few thousand):
the page only decides what to draw. Codes are hierarchical (town 9 digits, community 12, grid 14),
so an `area` is a code prefix and the drill level follows from its length.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cockpit import kpi

TOWN_DIGITS, COMMUNITY_DIGITS, GRID_DIGITS = 9, 12, 14

# measure key → (value column, unit zh, unit en, palette, digits)
MEASURES: dict[str, tuple[str, str, str, str, int]] = {
    "received": ("received", "件", "cases", "heat", 0),
    "density": ("density", "件/km²", "cases/km²", "heat", 1),
    "overdue": ("overdue_open", "件", "cases", "heat", 0),
    "ontime": ("ontime_close_rate", "%", "%", "good", 1),
}
ONTIME_BREAKS = [70.0, 80.0, 90.0, 95.0]   # 按期结案率 classes; the target sits at 90 %
COUNT_COLUMNS = ["received", "due_close", "closed_on_time", "overdue_open", "area_km2"]


@dataclass(frozen=True)
class Drill:
    level: str                 # city | town | community | grid
    town_code: str | None
    community_code: str | None
    grid_code: str | None

    @property
    def area(self) -> str | None:
        """The code prefix that narrows the page below the town filter (None at city and town level)."""
        return self.grid_code or self.community_code

    def up(self) -> dict[str, str | None]:
        """URL values (town, area) one level up."""
        if self.level == "grid":
            return {"town": self.town_code, "area": self.community_code}
        if self.level == "community":
            return {"town": self.town_code, "area": None}
        return {"town": None, "area": None}


def drill(town_code: str | None, area: str | None, known_areas: set[str]) -> tuple[Drill, bool]:
    """The drill state from the town filter and the URL's `area`; the flag is False when `area` was refused
    (unknown, malformed, or not inside the town)."""
    if area is None:
        return Drill("town" if town_code else "city", town_code, None, None), True
    ok = (town_code is not None and area.isdigit() and len(area) in (COMMUNITY_DIGITS, GRID_DIGITS)
          and area.startswith(town_code) and area in known_areas)
    if not ok:
        return Drill("town" if town_code else "city", town_code, None, None), False
    if len(area) == COMMUNITY_DIGITS:
        return Drill("community", town_code, area, None), True
    return Drill("grid", town_code, area[:COMMUNITY_DIGITS], area), True


def with_measures(frame: pd.DataFrame) -> pd.DataFrame:
    """Add density (cases per km²) and 按期结案率 (%) to rows of counts."""
    out = frame.copy()
    area = out["area_km2"].astype(float).replace(0, np.nan)
    out["density"] = out["received"].astype(float) / area
    out["ontime_close_rate"] = [kpi.percent(c, d) for c, d in zip(out["closed_on_time"], out["due_close"])]
    return out


def by_town(grids: pd.DataFrame) -> pd.DataFrame:
    """Grid rows rolled up to towns (a sum of a few hundred pre-aggregated rows)."""
    rolled = grids.groupby("town_code", as_index=False)[COUNT_COLUMNS].sum()
    return with_measures(rolled)


def by_community(grids: pd.DataFrame) -> pd.DataFrame:
    """Grid rows rolled up to communities, repeated on each grid so every grid shows its community's value."""
    rolled = with_measures(grids.groupby("community_code", as_index=False)[COUNT_COLUMNS].sum())
    return grids[["grid_code", "community_code"]].merge(rolled, on="community_code", how="left")


def values_for(drill_state: Drill, grids: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    """(key column, one row per shape with the measures) for the drill level."""
    if drill_state.level == "city":
        return "town_code", by_town(grids)
    if drill_state.level == "town":
        return "grid_code", by_community(grids)
    return "grid_code", with_measures(grids)


def clicked(drill_state: Drill, picked: dict) -> dict[str, str | None] | None:
    """URL values (town, area) after a click on a shape, or None when the click changes nothing."""
    if not picked:
        return None
    if drill_state.level == "city":
        code = picked.get("town_code")
        return {"town": code, "area": None} if code else None
    grid_code = picked.get("grid_code")
    if not grid_code:
        return None
    community = grid_code[:COMMUNITY_DIGITS]
    if drill_state.level == "town" or (drill_state.level == "grid" and community != drill_state.community_code):
        target = community
    elif drill_state.level == "community" and community != drill_state.community_code:
        target = community
    else:
        target = grid_code
    if target == drill_state.area:
        return None
    return {"town": drill_state.town_code, "area": target}
