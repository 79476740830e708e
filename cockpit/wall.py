"""Wall-screen mode (指挥中心大屏): options from the URL, the rotation, and the views it shows.

A wall screen is opened as `/?mode=wall` with optional parameters:
    views=overview,cases,drones,waste,parking,market   the playlist (any order, repeats allowed)
    secs=30        seconds per view (10–3600)
    refresh=60     seconds between data refreshes (10–3600)
    town=330482001 one town's figures (any of the 9 codes)
    lang=zh|en
    layout=screen  the composed screen (every area at once, the playlist as the spotlight of its map:
                   cockpit/screen/), on the 16:9 canvas or, from an 8:3 viewport up, the 32:9 one;
                   layout=wide forces the 32:9 canvas; layout=rotate shows one view at a time (small screens)
The view shown is a function of the clock (`view_at`), not of the session: every screen with the same
playlist shows the same view at the same moment, and a reload or a server restart continues the rotation.
Views are built from aggregate queries only, so no personal data can reach the wall.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Mapping

import pandas as pd

from cockpit import area, i18n, kpi, maps
from cockpit.gateway import NOW  # noqa: F401 - re-exported: the wall page asks wall.NOW

VIEWS = ("overview", "cases", "drones", "waste", "parking", "market")
DEFAULT_SECONDS = 30
DEFAULT_REFRESH = 60
MIN_SECONDS, MAX_SECONDS = 10, 3600
MAX_VIEWS = 24
LAYOUTS = ("screen", "wide", "rotate")


@dataclass(frozen=True)
class WallOptions:
    views: tuple[str, ...] = VIEWS
    seconds: int = DEFAULT_SECONDS
    refresh: int = DEFAULT_REFRESH
    problems: tuple[tuple[str, str], ...] = ()
    layout: str = LAYOUTS[0]


def requested(params: Mapping[str, object]) -> bool:
    return _one(params, "mode") == "wall"


def _one(params: Mapping[str, object], key: str) -> str | None:
    value = params.get(key)
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    return None if value is None else str(value).strip()


def _seconds(raw: str | None, default: int, key: str, problems: list) -> int:
    if raw is None or raw == "":
        return default
    if raw.isdigit() and MIN_SECONDS <= int(raw) <= MAX_SECONDS:
        return int(raw)
    problems.append((key, raw))
    return default


def parse_options(params: Mapping[str, object]) -> WallOptions:
    """Valid options from the URL; every refused value is listed and replaced by its default."""
    problems: list[tuple[str, str]] = []
    views = VIEWS
    raw_views = _one(params, "views")
    if raw_views:
        asked = [v.strip() for v in raw_views.split(",") if v.strip()]
        good = [v for v in asked if v in VIEWS][:MAX_VIEWS]
        if len(good) != len(asked):
            problems.append(("views", raw_views))
        views = tuple(good) or VIEWS
    seconds = _seconds(_one(params, "secs"), DEFAULT_SECONDS, "secs", problems)
    refresh = _seconds(_one(params, "refresh"), DEFAULT_REFRESH, "refresh", problems)
    layout = _one(params, "layout") or LAYOUTS[0]
    if layout not in LAYOUTS:
        problems.append(("layout", layout))
        layout = LAYOUTS[0]
    return WallOptions(views, seconds, refresh, tuple(problems), layout)


def view_at(options: WallOptions, epoch_seconds: float) -> tuple[int, str, int]:
    """(index, view, seconds until the next view) at a moment: the rotation follows the clock."""
    slot = int(epoch_seconds // options.seconds)
    index = slot % len(options.views)
    left = options.seconds - int(epoch_seconds - slot * options.seconds)
    return index, options.views[index], left


def rerun_every(options: WallOptions) -> int:
    """How often the wall's fragment reruns: often enough for both the rotation and the refresh."""
    return max(MIN_SECONDS, min(options.seconds, options.refresh))


# ------------------------------------------------------------------ what a view holds
@dataclass
class Tile:
    label: str
    value: str
    note: str = ""
    state: str = "normal"     # normal | good | bad


@dataclass
class View:
    key: str
    title: str
    tiles: list[Tile] = field(default_factory=list)
    deck: object | None = None
    legend: tuple[str, list] | None = None


def fmt(value, unit: str = "", digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    return f"{float(value):,.{digits}f}{(' ' + unit) if unit else ''}"


def rate_state(key: str, value: float | None) -> str:
    met = kpi.KPIS[key].meets_target(value) if key in kpi.KPIS else None
    return "normal" if met is None else ("good" if met else "bad")


def last_days(today: dt.date, days: int) -> dict:
    return {"date_from": today - dt.timedelta(days=days - 1), "date_to": today}


Runner = Callable[..., pd.DataFrame | None]


def build_overview(run: Runner, t: Callable[[str], str], town: str | None, today: dt.date, lang: str) -> View:
    from cockpit.cases import data as cases_data
    from cockpit.cases import maps as cases_map
    from cockpit.drones import data as drone_data
    from cockpit.waste import data as waste_data

    with i18n.language(lang):
        fetch = area.sequential(run)
        cases = area.load(fetch, cases_data.wall_overview(town, today))
        drone = area.load(fetch, drone_data.summary(town))
        disposed = area.load(fetch, waste_data.today(town)).disposed
        rates = cases.rates
        view = View("overview", t("wall_overview"), [
            Tile(t("received_today"), fmt(cases.counts.received_today, t("cases_unit"))),
            Tile(t("wall_overdue"), fmt(cases.overdue.overdue_open, t("cases_unit")),
                 state="bad" if cases.overdue.any_overdue else "good"),
            Tile(kpi.KPIS["ontime_close_rate"].name(lang), fmt(rates.get("ontime_close_rate"), "%", 1),
                 t("wall_last_30d"), rate_state("ontime_close_rate", rates.get("ontime_close_rate"))),
            Tile(kpi.KPIS["composite_score"].name(lang), fmt(rates.get("composite_score"), t("wk_points"), 1),
                 t("wall_last_30d"), rate_state("composite_score", rates.get("composite_score"))),
            Tile(t("sorties_today"), fmt(drone.sorties_today, t("dr_unit_sorties"))),
            Tile(t("disposed_today"), fmt(disposed, t("tonnes"), 1)),
        ])
        drawn = cases_map.wall_received(cases.map, town, town_view(run, town))
        if drawn is not None:
            view.deck, legend = drawn
            view.legend = (t("wall_received_7d"), legend)
    return view


class _Builders(dict):
    """view key -> its builder: the overview here, each area's own in cockpit/<area>/wall.py (imported on
    first use, so an area's module may import this one)."""

    def __missing__(self, key: str) -> Callable[..., View]:
        if key not in VIEWS:
            raise KeyError(key)
        import importlib

        builder = importlib.import_module(f"cockpit.{key}.wall").build
        self[key] = builder
        return builder


BUILDERS: dict[str, Callable[..., View]] = _Builders(overview=build_overview)


# ------------------------------------------------------------------ helpers
def first(df: pd.DataFrame | None) -> dict:
    if df is None or df.empty:
        return {}
    return df.iloc[0].to_dict()


def town_view(run: Runner, town: str | None):
    if town is None:
        return maps.view_for(width_px=1100, height_px=700)
    shapes = run("common.grid_shapes", town_code=town)
    if shapes is None or shapes.empty:
        return maps.view_for(width_px=1100, height_px=700)
    return maps.view_for(maps.points_bounds(shapes, lat="centroid_lat", lon="centroid_lon"),
                         width_px=1100, height_px=700)
