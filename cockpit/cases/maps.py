"""The grid-case map: drill levels, measures, the values behind each shape, and its layers.

Pure functions over the already-aggregated `cases.by_grid` rows (one per grid, at most a few thousand)
and the decks built from them (cockpit.maps is the base); the page and the wall only draw them. Codes are hierarchical (town 9 digits, community 12, grid 14),
so an `area` is a code prefix and the drill level follows from its length.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cockpit import i18n, kpi
from cockpit import maps as base
from cockpit.markup import escape

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
HEX_RESOLUTION_CITY, HEX_RESOLUTION_TOWN = 7, 8   # H3 resolution of the density hexagons


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


# ------------------------------------------------------------------ layers
@dataclass(frozen=True)
class MapView:
    deck: object
    legend_title: str
    legend: list
    payload_kb: float


def unit_of(measure: str) -> str:
    _, unit_zh, unit_en, _, _ = MEASURES[measure]
    return unit_zh if i18n.current() == "zh" else unit_en


def crumbs(where: Drill, town_names: dict[str, str], grid_shapes: pd.DataFrame | None) -> list[str]:
    """The breadcrumb of the drill (city › town › community › grid), escaped for markdown."""
    out = [i18n.t("drill_city")]
    if where.town_code:
        out.append(escape(town_names.get(where.town_code, where.town_code)))
    if where.community_code and grid_shapes is not None:
        names = dict(zip(grid_shapes["community_code"], grid_shapes["community_name_zh"]))
        out.append(escape(names.get(where.community_code, where.community_code)))
    if where.grid_code:
        out.append(f"{i18n.t('grid')} {escape(where.grid_code)}")
    return out


def _named_shapes(shapes: pd.DataFrame, level: str, with_grid: bool) -> pd.DataFrame:
    """The shapes with the `name` their tooltip shows: the name of what the value belongs to (the town at
    city level; at town level, where each grid shows its community's value, the community)."""
    if level == "city":
        return shapes.assign(name=shapes["name_zh" if i18n.current() == "zh" else "name_en"])
    if with_grid and level != "town":
        return shapes.assign(name=shapes["community_name_zh"] + " · " + shapes["grid_code"])
    return shapes.assign(name=shapes["community_name_zh"])


def page_map(where: Drill, rows, grid_shapes: pd.DataFrame | None, measure: str, layer_kind: str) -> MapView | None:
    """The cases page's map for the drill: shapes coloured by the measure, the selected area outlined, the
    density hexagons on top when `layer_kind` is "hex"; None when its rows are missing."""
    if rows.by_grid is None or grid_shapes is None:
        return None
    column, _, _, palette, digits = MEASURES[measure]
    key, values = values_for(where, rows.by_grid)
    scale = base.scale_for(values[column], palette, unit_of(measure), digits,
                           fixed=ONTIME_BREAKS if measure == "ontime" else None)
    lang = i18n.current()
    layers = []
    if rows.shapes is not None:
        shapes = _named_shapes(rows.shapes, where.level, with_grid=True)
        layers.append(base.choropleth_layer(shapes, values, column, scale, key=key, layer_id="areas",
                                            extra=["name", "town_code", "grid_code", "community_code"]))
        if where.area:
            layers.append(base.highlight_layer(grid_shapes[grid_shapes["grid_code"].str.startswith(where.area)]))
    if layer_kind == "hex" and rows.bins is not None:
        hexes, scale = base.hexagon_layer(rows.bins.rename(columns={"cases": "n"}), weight="n",
                                          resolution=HEX_RESOLUTION_TOWN if where.town_code else HEX_RESOLUTION_CITY,
                                          layer_id="hexagons", unit=i18n.t("cases_unit"))
        layers.append(hexes)
    bounds = None
    if where.town_code is not None and not grid_shapes.empty:
        bounds = base.points_bounds(grid_shapes, lat="centroid_lat", lon="centroid_lon")
    deck = base.deck(layers, lang=lang, view=base.view_for(bounds), tooltip=base.TOOLTIP)
    title = i18n.t("layer_hex") if layer_kind == "hex" else i18n.t(f"measure_{measure}")
    return MapView(deck, title, scale.legend_items(lang), base.payload_bytes(deck) / 1024)


def wall_density(bins: pd.DataFrame | None, town: str | None, view) -> tuple[object, list] | None:
    """The wall's density hexagons (deck, legend items), or None without bins."""
    if bins is None:
        return None
    layer, scale = base.hexagon_layer(bins.rename(columns={"cases": "n"}), weight="n",
                                      resolution=HEX_RESOLUTION_TOWN if town else HEX_RESOLUTION_CITY,
                                      unit=i18n.t("cases_unit"))
    lang = i18n.current()
    return base.deck([layer], lang=lang, view=view), scale.legend_items(lang)


def wall_received(rows, town: str | None, view, measure: str = "received") -> tuple[object, list] | None:
    """The wall overview's map: towns (or one town's grids, by community) coloured by the measure."""
    if rows.by_grid is None or rows.shapes is None:
        return None
    level = Drill("town" if town else "city", town, None, None)
    key, values = values_for(level, rows.by_grid)
    column, _, _, palette, digits = MEASURES[measure]
    scale = base.scale_for(values[column], palette, unit_of(measure), digits)
    shapes = _named_shapes(rows.shapes, level.level, with_grid=False)
    layer = base.choropleth_layer(shapes, values, column, scale, key=key, layer_id="areas", extra=["name"])
    lang = i18n.current()
    return base.deck([layer], lang=lang, view=view, tooltip=base.TOOLTIP), scale.legend_items(lang)
