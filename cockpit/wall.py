"""Wall-screen mode (指挥中心大屏): options from the URL, the rotation, and the views it shows.

A wall screen is opened as `/?mode=wall` with optional parameters:
    views=overview,cases,drones,waste,parking,market   the playlist (any order, repeats allowed)
    secs=30        seconds per view (10–3600)
    refresh=60     seconds between data refreshes (10–3600)
    town=330482001 one town's figures (any of the 9 codes)
    lang=zh|en
The view shown is a function of the clock (`view_at`), not of the session: every screen with the same
playlist shows the same view at the same moment, and a reload or a server restart continues the rotation.
Views are built from aggregate queries only, so no personal data can reach the wall.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Mapping

import pandas as pd

from cockpit import cases_map, charts, kpi, maps, waste_rules
from cockpit.gateway import NOW

VIEWS = ("overview", "cases", "drones", "waste", "parking", "market")
DEFAULT_SECONDS = 30
DEFAULT_REFRESH = 60
MIN_SECONDS, MAX_SECONDS = 10, 3600
MAX_VIEWS = 24


@dataclass(frozen=True)
class WallOptions:
    views: tuple[str, ...] = VIEWS
    seconds: int = DEFAULT_SECONDS
    refresh: int = DEFAULT_REFRESH
    problems: tuple[tuple[str, str], ...] = ()


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
    return WallOptions(views, seconds, refresh, tuple(problems))


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


def _fmt(value, unit: str = "", digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    return f"{float(value):,.{digits}f}{(' ' + unit) if unit else ''}"


def _rate_state(key: str, value: float | None) -> str:
    met = kpi.KPIS[key].meets_target(value) if key in kpi.KPIS else None
    return "normal" if met is None else ("good" if met else "bad")


def _last_days(today: dt.date, days: int) -> dict:
    return {"date_from": today - dt.timedelta(days=days - 1), "date_to": today}


Runner = Callable[..., pd.DataFrame | None]


def build_overview(run: Runner, t: Callable[[str], str], town: str | None, today: dt.date, lang: str) -> View:
    scope = {"town_code": town, "squadron_code": None}
    counts = _first(run("overview.case_counts", as_of=NOW, **scope))
    overdue = _first(run("overview.case_overdue", as_of=NOW, **scope))
    by_town = run("cases.kpis_by_group", as_of=NOW, **_last_days(today, 30), **scope, **charts.BY_TOWN)
    totals = _case_rates(by_town)
    drone = _first(run("overview.drone_summary", as_of=NOW, town_code=town))
    waste = run("overview.waste_today", as_of=NOW, town_code=town)
    disposed = None if waste is None or waste.empty else float(waste["disposed_tonnes"].sum())
    view = View("overview", t("wall_overview"), [
        Tile(t("received_today"), _fmt(counts.get("received_today"), t("cases_unit"))),
        Tile(t("wall_overdue"), _fmt(overdue.get("overdue_open"), t("cases_unit")),
             state="bad" if (overdue.get("overdue_open") or 0) > 0 else "good"),
        Tile(kpi.KPIS["ontime_close_rate"].name(lang), _fmt(totals.get("ontime_close_rate"), "%", 1),
             t("wall_last_30d"), _rate_state("ontime_close_rate", totals.get("ontime_close_rate"))),
        Tile(kpi.KPIS["composite_score"].name(lang), _fmt(totals.get("composite_score"), "分" if lang == "zh" else "pts", 1),
             t("wall_last_30d"), _rate_state("composite_score", totals.get("composite_score"))),
        Tile(t("sorties_today"), _fmt(drone.get("sorties_today"), "架次" if lang == "zh" else "sorties")),
        Tile(t("disposed_today"), _fmt(disposed, t("tonnes"), 1)),
    ])
    _grid_map(view, run, t, town, today, lang, measure="received", days=7)
    return view


def build_cases(run: Runner, t: Callable[[str], str], town: str | None, today: dt.date, lang: str) -> View:
    scope = {"town_code": town, "squadron_code": None, "area": None, "source_code": None, "category_code": None}
    stage = run("cases.stage_now", as_of=NOW, **scope)
    overdue = _first(run("overview.case_overdue", as_of=NOW, town_code=town, squadron_code=None))
    by_town = run("cases.kpis_by_group", as_of=NOW, **_last_days(today, 30), town_code=town,
                  squadron_code=None, **charts.BY_TOWN)
    totals = _case_rates(by_town)
    open_cases = None if stage is None else int(stage["open_cases"].sum())
    view = View("cases", t("wall_cases"), [
        Tile(t("wall_open_cases"), _fmt(open_cases, t("cases_unit"))),
        Tile(t("wall_overdue"), _fmt(overdue.get("overdue_open"), t("cases_unit")),
             t("due_24h", n=_fmt(overdue.get("due_within_24h"))),
             "bad" if (overdue.get("overdue_open") or 0) > 0 else "good"),
        Tile(kpi.KPIS["ontime_dispose_rate"].name(lang), _fmt(totals.get("ontime_dispose_rate"), "%", 1),
             t("wall_last_30d"), _rate_state("ontime_dispose_rate", totals.get("ontime_dispose_rate"))),
        Tile(kpi.KPIS["close_rate"].name(lang), _fmt(totals.get("close_rate"), "%", 1), t("wall_last_30d"),
             _rate_state("close_rate", totals.get("close_rate"))),
    ])
    bins = run("cases.density_bins", as_of=NOW, **_last_days(today, 7), town_code=town, squadron_code=None,
               source_code=None, category_code=None, bin_deg=0.002)
    if bins is not None:
        layer, scale = maps.hexagon_layer(bins.rename(columns={"cases": "n"}), weight="n",
                                          resolution=8 if town else 7, unit=t("cases_unit"))
        view.deck = maps.deck([layer], lang=lang, view=_town_view(run, town))
        view.legend = (t("wall_density_7d"), scale.legend_items(lang))
    return view


def build_drones(run: Runner, t: Callable[[str], str], town: str | None, today: dt.date, lang: str) -> View:
    drone = _first(run("overview.drone_summary", as_of=NOW, town_code=town))
    cov = _first(run("overview.drone_coverage", as_of=NOW, days=7, town_code=town))
    coverage = kpi.percent(cov.get("grids_covered", 0), cov.get("grids_total", 0))
    view = View("drones", t("wall_drones"), [
        Tile(t("sorties_today"), _fmt(drone.get("sorties_today"), "架次" if lang == "zh" else "sorties")),
        Tile(t("sorties_week"), _fmt(drone.get("sorties_week"), "架次" if lang == "zh" else "sorties")),
        Tile(t("wall_nests"), f"{_fmt(drone.get('nests_flying'))} / {_fmt(drone.get('nests_idle'))} / "
                              f"{_fmt(drone.get('nests_down'))}", t("wall_nests_note"),
             "bad" if (drone.get("nests_down") or 0) > 0 else "normal"),
        Tile(kpi.KPIS["drone_coverage"].name(lang), _fmt(coverage, "%", 1),
             f"{_fmt(cov.get('grids_covered'))} / {_fmt(cov.get('grids_total'))}",
             _rate_state("drone_coverage", coverage)),
    ])
    from cockpit import charts_drones as cd
    from cockpit import drone_rules as dr

    grid_shapes = run("common.grid_shapes", town_code=town)
    grid_status = run("drones.grid_status", as_of=NOW, town_code=town, blind_days=dr.DEFAULT_BLIND_DAYS)
    nests = run("drones.nests", as_of=NOW, town_code=town, **dr.nest_params())
    paths = run("drones.day_paths", day=today, as_of=NOW, town_code=town, **dr.path_params())
    view.deck = cd.drone_deck(grid_shapes, grid_status, nests, paths, lang)
    view.legend = (t("dr_legend_days"), cd.days_legend(lang))
    return view


def build_waste(run: Runner, t: Callable[[str], str], town: str | None, today: dt.date, lang: str) -> View:
    waste = run("overview.waste_today", as_of=NOW, town_code=town)
    collected = disposed = capacity = None
    if waste is not None and not waste.empty:
        collected = float(waste["collected_tonnes"].sum())
        disposed = float(waste["disposed_tonnes"].sum())
        capacity = float(waste["capacity_tonnes_per_day"].fillna(0).sum())
    compliance = run("waste.compliance_by_town", as_of=NOW, date_from=today, date_to=today, town_code=town,
                     **waste_rules.rule_params())
    rate = None
    if compliance is not None and not compliance.empty:
        rate = kpi.percent(float(compliance["rounds_on_time"].sum()), float(compliance["rounds_decided"].sum()))
    view = View("waste", t("wall_waste"), [
        Tile(t("collected_today"), _fmt(collected, t("tonnes"), 1)),
        Tile(t("disposed_today"), _fmt(disposed, t("tonnes"), 1),
             f"{t('capacity')} {_fmt(capacity, t('tonnes'))}"),
        Tile(t("wall_collection_rule"), _fmt(rate, "%", 1), t("wall_rule_note"),
             "normal" if rate is None else ("good" if rate >= 95 else "bad")),
    ])
    sites = run("waste.station_throughput", as_of=NOW, date_from=today, date_to=today, town_code=town)
    if sites is not None and not sites.empty:
        sites = sites[sites["total_tonnes"] > 0]
        layer = maps.columns_layer(sites, layer_id="sites", value="total_tonnes", radius_m=250,
                                   max_height_m=4000, columns=["name_zh", "total_tonnes"])
        view.deck = maps.deck([layer], lang=lang, view=_town_view(run, town), base=True)
    return view


def build_parking(run: Runner, t: Callable[[str], str], town: str | None, today: dt.date, lang: str) -> View:
    from cockpit import charts_parking as cp

    week = _last_days(today, 7)
    p = _first(run("overview.parking_summary", as_of=NOW, **week, town_code=town))
    left_rate = kpi.percent(p.get("left_period", 0), p.get("reminded_period", 0))
    bins = run("parking.density_bins", as_of=NOW, **week, bin_deg=cp.BIN_DEG, town_code=town, road_id=None,
               method=None)
    roads = run("parking.roads", as_of=NOW, **week, town_code=town, method=None)
    layers, scale = cp.hotspot_layers(bins, roads, lang, label_size=16)
    focus = roads if town is not None or roads is None else roads[roads["has_ecapture"]]
    legend_items = [(t("pk_capture_road"), cp.CAPTURE_COLOR), (t("pk_strict_road"), cp.STRICT_COLOR)]
    if scale is not None:
        legend_items = scale.legend_items(lang) + legend_items
    return View("parking", t("wall_parking"), [
        Tile(t("wall_violations_today"), _fmt(p.get("violations_today"), "起" if lang == "zh" else "records")),
        Tile(t("wall_violations_7d"), _fmt(p.get("violations_period"), "起" if lang == "zh" else "records")),
        Tile(kpi.KPIS["parking_persuade_rate"].name(lang), _fmt(left_rate, "%", 1), t("wall_last_7d"),
             _rate_state("parking_persuade_rate", left_rate)),
    ], deck=maps.deck(layers, lang=lang, view=maps.view_for(cp.map_bounds(focus), width_px=1100, height_px=700)),
        legend=(t("wall_parking_legend"), legend_items))


def build_market(run: Runner, t: Callable[[str], str], town: str | None, today: dt.date, lang: str) -> View:
    m = _first(run("overview.market_summary", as_of=NOW, **_last_days(today, 30)))
    from cockpit import market, places

    period = _last_days(today, 30)
    zones = run("market.zones", as_of=NOW, **period, dept_code=None, item_group=None)
    context = run("market.context_nearby", as_of=NOW, **period, centre_lat=places.CLOTHING_CITY.lat,
                  centre_lon=places.CLOTHING_CITY.lon, radius_m=market.CONTEXT_RADIUS_M,
                  bin_deg=market.CONTEXT_BIN_DEG, case_major_code=market.STREET_ORDER_MAJOR)
    deck = maps.market_deck(zones, context, lang=lang, radius_m=market.CONTEXT_RADIUS_M,
                            labels={layer: t(f"mk_layer_{layer}") for layer in maps.MARKET_COLORS}
                            | {"unit": t("mk_unit_requests"), "open": t("mk_col_open")})
    legend = (t("map_layer"), [(t(f"mk_layer_{layer}"), color) for layer, color in maps.MARKET_COLORS.items()])
    return View("market", t("wall_market"), deck=deck, legend=legend, tiles=[
        Tile(t("wall_market_open"), _fmt(m.get("open_requests"), t("cases_unit"))),
        Tile(t("wall_market_received"), _fmt(m.get("received_period"), t("cases_unit")), t("wall_last_30d")),
        Tile(t("wall_market_resolved"), _fmt(m.get("resolved_period"), t("cases_unit")), t("wall_last_30d")),
    ])


BUILDERS: dict[str, Callable[..., View]] = {
    "overview": build_overview, "cases": build_cases, "drones": build_drones, "waste": build_waste,
    "parking": build_parking, "market": build_market,
}


# ------------------------------------------------------------------ helpers
def _first(df: pd.DataFrame | None) -> dict:
    if df is None or df.empty:
        return {}
    return df.iloc[0].to_dict()


def _case_rates(by_town: pd.DataFrame | None) -> dict:
    return charts.case_rates_total(by_town) if by_town is not None else {}


def _town_view(run: Runner, town: str | None):
    if town is None:
        return maps.view_for(width_px=1100, height_px=700)
    shapes = run("common.grid_shapes", town_code=town)
    if shapes is None or shapes.empty:
        return maps.view_for(width_px=1100, height_px=700)
    return maps.view_for(maps.points_bounds(shapes, lat="centroid_lat", lon="centroid_lon"),
                         width_px=1100, height_px=700)


def _grid_map(view: View, run: Runner, t, town: str | None, today: dt.date, lang: str, *, measure: str,
              days: int) -> None:
    by_grid = run("cases.by_grid", as_of=NOW, **_last_days(today, days), town_code=town, squadron_code=None,
                  source_code=None, category_code=None)
    if by_grid is None:
        return
    level = cases_map.Drill("town" if town else "city", town, None, None)
    key, values = cases_map.values_for(level, by_grid)
    column, unit_zh, unit_en, palette, digits = cases_map.MEASURES[measure]
    unit = unit_zh if lang == "zh" else unit_en
    scale = maps.scale_for(values[column], palette, unit, digits)
    if town is None:
        shapes = run("common.town_shapes")
        name = "name_zh" if lang == "zh" else "name_en"
        shapes = None if shapes is None else shapes.assign(name=shapes[name])
    else:
        shapes = run("common.grid_shapes", town_code=town)
        shapes = None if shapes is None else shapes.assign(name=shapes["community_name_zh"])
    if shapes is None:
        return
    layer = maps.choropleth_layer(shapes, values, column, scale, key=key, layer_id="areas", extra=["name"])
    view.deck = maps.deck([layer], lang=lang, view=_town_view(run, town),
                          tooltip=maps.TOOLTIP)
    view.legend = (t("wall_received_7d"), scale.legend_items(lang))
