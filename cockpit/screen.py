"""The composed wall screen (指挥大屏, /?mode=wall, layout=screen): every area at once on a fixed
1920×1080 design canvas, scaled uniformly to the viewport.

The figures are the areas' plans (cockpit/<area>/data.py), loaded together (`load`); the screen is static
HTML made here from them (`render`), every text from data passing through `cockpit.markup.escape`. The
canvas is scaled without script: one design pixel is `--u = min(100vw / 1920, 100vh / 1080)` and every box,
gap and font size is a multiple of it (`stylesheet`), so 3840×2160 shows the same screen, drawn sharper,
and any other aspect ratio is letterboxed. The map is the one Streamlit element, placed in its box by the
page (the `MAP_KEY` container); its layer follows the spotlight (cockpit.wall.view_at over the playlist),
and the panel of the spotlit area is marked.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Mapping, Sequence

import pandas as pd

from cockpit import area, i18n, kpi, wall
from cockpit.cases import data as cases_data
from cockpit.cases import rules as cases_rules
from cockpit.cases import wall as cases_wall
from cockpit.drones import data as drone_data
from cockpit.market import data as market_data
from cockpit.markup import escape
from cockpit.parking import data as parking_data
from cockpit.waste import data as waste_data

DESIGN_W, DESIGN_H = 1920, 1080
MIN_FONT_PX = 16          # no text on the screen is smaller (design pixels)
MAP_KEY = "wall_screen_map"
CLOCK_KEY = "wall_screen_clock"

# (left, top, width, height) in design pixels; the panels never overlap (tests/pages/test_wall.py checks it)
BOXES: dict[str, tuple[int, int, int, int]] = {
    "title": (0, 0, 1920, 88),
    "cases": (24, 104, 456, 600),
    "drones": (24, 720, 456, 336),
    "map": (504, 104, 912, 672),
    "ranking": (504, 792, 912, 264),
    "waste": (1440, 104, 456, 376),
    "parking": (1440, 496, 456, 352),
    "market": (1440, 864, 456, 192),
}
CLOCK_BOX = (1400, 14, 496, 60)        # the browser's clock, in the title bar
MAP_HEAD = 48                          # the map panel's header strip above the deck
# the panel an area's spotlight marks (the overview's map is the city's cases: the town ranking's)
SPOTLIGHT = {"overview": "ranking", "cases": "cases", "drones": "drones", "waste": "waste",
             "parking": "parking", "market": "market"}
TREND_DAYS = 7
HOT_ROADS = 3


def u(n: float) -> str:
    return f"calc({n:g} * var(--u))"


def _place(box: tuple[int, int, int, int]) -> str:
    x, y, w, h = box
    return (f"position:fixed;left:calc(var(--x0) + {x} * var(--u));top:calc(var(--y0) + {y} * var(--u));"
            f"width:{u(w)};height:{u(h)};")


def _deck_place() -> str:
    """The deck is laid out at its design size and scaled as a whole (`--s`, the same factor as `--u` but
    without a unit), so that its view, zoom and label sizes are the same at every resolution."""
    x, y, w, h = map_box()
    return (f"position:fixed;left:calc(var(--x0) + {x} * var(--u));top:calc(var(--y0) + {y} * var(--u));"
            f"width:{w}px;height:{h}px;transform-origin:0 0;transform:scale(var(--s));")


def map_box() -> tuple[int, int, int, int]:
    x, y, w, h = BOXES["map"]
    return x + 2, y + MAP_HEAD, w - 4, h - MAP_HEAD - 2


def stylesheet() -> str:
    """The screen's CSS: the scale unit, the boxes, the panels' type (sizes in design pixels)."""
    boxes = "".join(f".scr-at-{name}{{{_place(box)}}}" for name, box in BOXES.items())
    return f"""<style>
:root {{--u: min(calc(100vw / {DESIGN_W}), calc(100vh / {DESIGN_H}));
        --x0: calc((100vw - {DESIGN_W} * var(--u)) / 2); --y0: calc((100vh - {DESIGN_H} * var(--u)) / 2);
        --s: min(tan(atan2(100vw, {DESIGN_W}px)), tan(atan2(100vh, {DESIGN_H}px)));}}
html, body, [data-testid="stAppViewContainer"], [data-testid="stMain"] {{overflow: hidden !important; background: #000 !important;}}
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"], footer {{display: none !important;}}
.scr-canvas {{{_place((0, 0, DESIGN_W, DESIGN_H))} background: radial-gradient(ellipse at 50% 40%, #0d1a30 0%, #060b16 70%);
  font-family: 'Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', sans-serif; color: #e5edf7; z-index: 0;}}
{boxes}
.scr-title {{display: flex; align-items: center; padding: 0 {u(24)}; box-sizing: border-box; z-index: 2;
  border-bottom: {u(2)} solid #1f3a5f; background: linear-gradient(180deg, #0f2240 0%, #081224 100%);}}
.scr-title .name {{font-size: {u(36)}; font-weight: 700; letter-spacing: .08em; white-space: nowrap;}}
.scr-title .age {{font-size: {u(18)}; color: #9fb0c5; margin-left: {u(32)}; white-space: nowrap;}}
.st-key-{CLOCK_KEY} {{{_place(CLOCK_BOX)} z-index: 3;}}
.st-key-{CLOCK_KEY} [data-testid="stElementContainer"], .st-key-{CLOCK_KEY} iframe
  {{width: 100% !important; height: 100% !important; border: 0;}}
.st-key-{MAP_KEY} {{{_deck_place()} z-index: 2;}}
.st-key-{MAP_KEY} [data-testid="stElementContainer"], .st-key-{MAP_KEY} [data-testid="stFullScreenFrame"],
.st-key-{MAP_KEY} [data-testid="stDeckGlJsonChart"], .st-key-{MAP_KEY} [data-testid="stDeckGlJsonChart"] > div
  {{width: 100% !important; height: 100% !important;}}
.scr-panel {{box-sizing: border-box; padding: {u(12)} {u(18)}; overflow: hidden; z-index: 1;
  background: rgba(13, 27, 48, .88); border: {u(2)} solid #1f3a5f; border-radius: {u(10)};}}
.scr-panel.spot {{border-color: #7cc4ff; box-shadow: 0 0 {u(18)} rgba(124, 196, 255, .55);}}
.scr-panel h2 {{font-size: {u(24)}; font-weight: 700; margin: 0 0 {u(8)} 0; padding: 0; color: #7cc4ff;
  line-height: 1.3; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;}}
.scr-panel.spot h2::before {{content: "▶ ";}}
.scr-row {{display: flex; gap: {u(12)}; margin-bottom: {u(10)};}}
.scr-stat {{flex: 1 1 0; min-width: 0; background: rgba(255, 255, 255, .04); border-radius: {u(8)};
  padding: {u(6)} {u(10)};}}
.scr-stat .lbl {{font-size: {u(18)}; line-height: 1.25; color: #9fb0c5; overflow: hidden; overflow-wrap: anywhere;
  display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 2;}}
.scr-stat .val {{font-size: {u(40)}; font-weight: 700; line-height: 1.15; white-space: nowrap;
  font-variant-numeric: tabular-nums;}}
.scr-stat .val small, .scr-kpi small {{font-size: {u(18)}; font-weight: 400; color: #9fb0c5; margin-left: {u(4)};}}
.scr-stat.good .val, .scr-kpi.good .v {{color: #5fd38d;}} .scr-stat.bad .val, .scr-kpi.bad .v {{color: #ff7a6b;}}
.scr-kpi {{display: flex; align-items: baseline; gap: {u(10)}; font-size: {u(20)}; margin: {u(4)} 0;
  white-space: nowrap;}}
.scr-kpi .k {{flex: 1 1 auto; min-width: 0; overflow: hidden; text-overflow: ellipsis; color: #c9d6e6;}}
.scr-kpi .v {{font-size: {u(32)}; font-weight: 700; font-variant-numeric: tabular-nums;}}
.scr-kpi .tg {{font-size: {u(16)}; color: #7d8da3;}}
.scr-sub {{font-size: {u(18)}; color: #9fb0c5; margin: {u(6)} 0 {u(4)} 0; white-space: nowrap;}}
.scr-sub i {{display: inline-block; width: {u(14)}; height: {u(14)}; border-radius: {u(3)};
  margin: 0 {u(6)} 0 {u(14)};}}
.scr-trend svg {{display: block; width: 100%; height: {u(120)};}}
.scr-days {{display: flex;}} .scr-days span {{flex: 1 1 0; text-align: center; font-size: {u(16)}; color: #9fb0c5;}}
.scr-line {{display: flex; align-items: center; gap: {u(10)}; font-size: {u(18)}; height: {u(36)};
  white-space: nowrap;}}
.scr-line .n {{flex: 0 0 {u(150)}; overflow: hidden; text-overflow: ellipsis;}}
.scr-line .wide {{flex: 1 1 auto; min-width: 0; overflow: hidden; text-overflow: ellipsis;}}
.scr-line .bar {{flex: 1 1 auto; height: {u(14)}; background: rgba(255, 255, 255, .08); border-radius: {u(7)};
  overflow: hidden;}}
.scr-line .bar b {{display: block; height: 100%; background: #4ea1ff; border-radius: {u(7)};}}
.scr-line .num {{flex: 0 0 auto; font-variant-numeric: tabular-nums; color: #e5edf7;}}
.scr-rank {{display: grid; grid-template-columns: 1fr 1fr; grid-auto-flow: column;
  grid-template-rows: repeat(5, {u(40)}); column-gap: {u(36)};}}
.scr-rank .scr-line {{height: {u(40)}; font-size: {u(20)};}}
.scr-rank .r {{flex: 0 0 {u(32)}; color: #7cc4ff; font-weight: 700;}}
.scr-rank .n {{flex: 0 0 {u(190)};}}
.scr-rank .here {{color: #ffc857; font-weight: 700;}}
.scr-map {{background: rgba(8, 16, 30, .9); padding: 0;}}
.scr-map .head {{display: flex; align-items: center; gap: {u(18)}; height: {u(MAP_HEAD)}; padding: 0 {u(18)};
  box-sizing: border-box; border-bottom: {u(2)} solid #1f3a5f;}}
.scr-map .head h2 {{margin: 0; flex: 1 1 auto;}}
.scr-map .dots {{font-size: {u(18)}; color: #5b6b82; white-space: nowrap;}} .scr-map .dots b {{color: #7cc4ff;}}
.scr-over {{{_place(map_box())} z-index: 3; pointer-events: none;}}
.scr-notice {{position: absolute; left: {u(16)}; max-width: {u(860)}; box-sizing: border-box; top: {u(12)};
  font-size: {u(20)}; font-weight: 700; padding: {u(8)} {u(14)}; border-radius: {u(8)};
  background: rgba(60, 40, 0, .92); color: #ffc857;}}
.scr-notice.bad {{background: rgba(80, 10, 10, .92); color: #ff8a80;}}
.scr-notice div {{white-space: nowrap; overflow: hidden; text-overflow: ellipsis;}}
.scr-legend {{position: absolute; left: {u(16)}; bottom: {u(14)}; z-index: 4; max-width: {u(860)};
  font-size: {u(18)}; line-height: 1.6; padding: {u(6)} {u(12)}; border-radius: {u(8)};
  background: rgba(6, 11, 22, .82); overflow: hidden;}}
.scr-legend b {{margin-right: {u(4)};}} .scr-legend .c {{display: inline-block; white-space: nowrap;}}
.scr-legend i {{display: inline-block; width: {u(16)}; height: {u(16)}; border-radius: {u(3)};
  margin: 0 {u(6)} 0 {u(14)}; vertical-align: middle;}}
</style>"""


# ------------------------------------------------------------------ the figures
@dataclass(frozen=True, eq=False)
class Figures:
    counts: cases_data.Counts
    overdue: cases_data.Overdue
    rates: cases_data.Rates               # the last WALL_RATE_DAYS days, as on the wall's case views
    daily: pd.DataFrame | None            # received and closed per day, the last TREND_DAYS days
    ranking: list[tuple[str, float | None]]
    town_name: str | None                 # the screen's town (marked in the ranking), None for the city
    drones: drone_data.Headline
    waste: waste_data.Today
    breaches: waste_data.Breaches
    parking: parking_data.Wall
    market: market_data.Headline


def plans(town: str | None, today: dt.date) -> dict[str, area.Plan]:
    """Every plan the screen shows, by panel part; the ranking is always the city's (a town's screen
    marks its own town in it)."""
    out = {
        "counts": cases_data.counts(town),
        "overdue": cases_data.overdue(town),
        "rates": cases_data.rates(**wall.last_days(today, cases_rules.WALL_RATE_DAYS), town_code=town,
                                  squadron_code=None),
        "daily": cases_wall.daily(town, today, TREND_DAYS),
        "drones": drone_data.headline(town),
        "waste": waste_data.today(town),
        "breaches": waste_data.breaches(town),
        "parking": parking_data.wall(town, **wall.last_days(today, 7)),
        "market": market_data.headline(**wall.last_days(today, 30)),
    }
    if town is not None:
        out["city"] = cases_data.rates(**wall.last_days(today, cases_rules.WALL_RATE_DAYS), town_code=None,
                                       squadron_code=None)
    return out


def load(fetch: area.Fetch, town: str | None, today: dt.date) -> Figures:
    """The screen's figures, the plans' queries started together through `fetch`."""
    r = area.load_many(fetch, **plans(town, today))
    daily, towns = r["daily"]
    by_town = (r["city"] if town is not None else r["rates"]).by_town
    town_name = None
    if town is not None and towns is not None:
        names = dict(zip(towns["town_code"], towns["name_zh" if i18n.current() == "zh" else "name_en"]))
        town_name = names.get(town)
    return Figures(r["counts"], r["overdue"], r["rates"], daily, cases_wall.ranking(by_town, towns), town_name, r["drones"], r["waste"],
                   r["breaches"], r["parking"], r["market"])


# ------------------------------------------------------------------ the HTML
def _stat(label: str, value: str, unit: str = "", state: str = "normal") -> str:
    unit_html = f"<small>{escape(unit)}</small>" if unit and value != "—" else ""
    return (f"<div class='scr-stat {escape(state)}'><div class='lbl'>{escape(label)}</div>"
            f"<div class='val'>{escape(value)}{unit_html}</div></div>")


def _num(value, digits: int = 0) -> str:
    return wall.fmt(value, digits=digits)


def _bad_if(value) -> str:
    return "normal" if value is None else ("bad" if value > 0 else "good")


def _target(key: str) -> str:
    k = kpi.KPIS[key]
    if k.target is None:
        return ""
    unit = "%" if k.unit == "%" else ""
    return f"{i18n.t('target')} {'≥' if k.higher_is_better else '≤'} {k.target:g}{unit}"


def _kpi(key: str, value: float | None, unit: str) -> str:
    state = wall.rate_state(key, value)
    shown = _num(value, 1)
    unit_html = f"<small>{escape(unit)}</small>" if shown != "—" else ""
    return (f"<div class='scr-kpi {escape(state)}'><span class='k'>{escape(kpi.KPIS[key].name(i18n.current()))}"
            f"</span><span class='v'>{escape(shown)}{unit_html}</span><span class='tg'>{escape(_target(key))}"
            f"</span></div>")


def _panel(name: str, title: str, body: str, spot: str) -> str:
    marked = " spot" if name == spot else ""
    return (f"<section class='scr-panel scr-at-{name}{marked}' data-panel='{name}'>"
            f"<h2>{escape(title)}</h2>{body}</section>")


def _trend(daily: pd.DataFrame | None) -> str:
    t = i18n.t
    legend = (f"<div class='scr-sub'>{escape(t('wall_screen_trend'))}<i style='background:#4ea1ff'></i>"
              f"{escape(t('received'))}<i style='background:#5fd38d'></i>{escape(t('closed'))}</div>")
    if daily is None or daily.empty:
        return legend + f"<div class='scr-sub'>{escape(t('wall_screen_empty'))}</div>"
    rows = daily.tail(TREND_DAYS).to_dict("records")
    top = max([float(r.get("received") or 0) for r in rows] + [float(r.get("closed") or 0) for r in rows] + [1.0])
    step = 100 / len(rows)
    bars = []
    for i, r in enumerate(rows):
        for j, (col, color) in enumerate((("received", "#4ea1ff"), ("closed", "#5fd38d"))):
            h = 96 * float(r.get(col) or 0) / top
            x = i * step + step * (0.18 + 0.33 * j)
            bars.append(f"<rect x='{x:.2f}' y='{100 - h:.2f}' width='{step * 0.3:.2f}' height='{h:.2f}' "
                        f"fill='{color}'/>")
    days = "".join(f"<span>{escape(pd.Timestamp(r['day']).strftime('%m-%d'))}</span>" for r in rows)
    return (legend + "<div class='scr-trend'><svg viewBox='0 0 100 100' preserveAspectRatio='none'>"
            + "".join(bars) + f"</svg></div><div class='scr-days'>{days}</div>")


def _closed_today(daily: pd.DataFrame | None, today: dt.date):
    if daily is None or daily.empty:
        return None
    row = daily[pd.to_datetime(daily["day"]).dt.date == today]
    return None if row.empty else area.number(row["closed"].iloc[0])


def cases_panel(f: Figures, today: dt.date, spot: str) -> str:
    t = i18n.t
    unit = t("cases_unit")
    body = (
        "<div class='scr-row'>" + _stat(t("received_today"), _num(f.counts.received_today), unit)
        + _stat(t("wall_screen_closed_today"), _num(_closed_today(f.daily, today)), unit) + "</div>"
        "<div class='scr-row'>" + _stat(t("wall_overdue"), _num(f.overdue.overdue_open), unit,
                                        _bad_if(f.overdue.overdue_open))
        + _stat(t("wall_screen_due_24h"), _num(f.overdue.due_within_24h), unit) + "</div>"
        + f"<div class='scr-sub'>{escape(t('wall_last_30d'))}</div>"
        + _kpi("ontime_close_rate", f.rates.current.get("ontime_close_rate"), "%")
        + _kpi("composite_score", f.rates.current.get("composite_score"), t("wk_points"))
        + _trend(f.daily))
    return _panel("cases", t("wall_cases"), body, spot)


def drones_panel(f: Figures, spot: str) -> str:
    t = i18n.t
    s, cov = f.drones.summary, f.drones.coverage
    body = (
        "<div class='scr-row'>" + _stat(t("sorties_today"), _num(s.sorties_today), t("dr_unit_sorties"))
        + _stat(kpi.KPIS["drone_coverage"].name(i18n.current()), _num(cov.pct, 1), "%",
                wall.rate_state("drone_coverage", cov.pct)) + "</div>"
        "<div class='scr-row'>" + _stat(t("wall_screen_flying"), _num(s.nests_flying))
        + _stat(t("wall_screen_standby"), _num(s.nests_idle))
        + _stat(t("wall_screen_down"), _num(s.nests_down), "", _bad_if(s.nests_down)) + "</div>"
        + f"<div class='scr-sub'>{escape(t('wall_screen_coverage_note', covered=_num(cov.covered), total=_num(cov.total)))}"
        f" · {escape(_target('drone_coverage'))}</div>")
    return _panel("drones", t("wall_drones"), body, spot)


def waste_panel(f: Figures, spot: str) -> str:
    t = i18n.t
    w, tonnes = f.waste, t("tonnes")
    lines = []
    df = w.by_category
    if df is not None and not df.empty:
        name_col = "name_zh" if i18n.current() == "zh" else "name_en"
        for r in df.to_dict("records"):
            done, cap = area.number(r.get("disposed_tonnes")), area.number(r.get("capacity_tonnes_per_day"))
            pct = 0.0 if not done or not cap else min(100.0, 100 * done / cap)
            lines.append(f"<div class='scr-line'><span class='n'>{escape(str(r.get(name_col) or ''))}</span>"
                         f"<span class='bar'><b style='width:{pct:.1f}%'></b></span>"
                         f"<span class='num'>{escape(_num(done))} / {escape(_num(cap))} {escape(tonnes)}</span></div>")
    else:
        lines.append(f"<div class='scr-sub'>{escape(t('wall_screen_empty'))}</div>")
    body = (
        "<div class='scr-row'>" + _stat(t("collected_today"), _num(w.collected), tonnes)
        + _stat(t("wall_screen_disposed"), _num(w.disposed), tonnes)
        + _stat(t("wall_screen_breaches"), _num(f.breaches.count), "", _bad_if(f.breaches.count)) + "</div>"
        + f"<div class='scr-sub'>{escape(t('wall_screen_by_category'))}</div>" + "".join(lines))
    return _panel("waste", t("wall_waste"), body, spot)


def parking_panel(f: Figures, spot: str) -> str:
    t = i18n.t
    s, unit = f.parking.summary, t("pk_unit")
    rate = s.persuade_rate
    lines = []
    roads = f.parking.roads
    if roads is not None and not roads.empty:
        hot = roads[roads["violations"] > 0].sort_values("violations", ascending=False, kind="stable").head(HOT_ROADS)
        for i, r in enumerate(hot.to_dict("records"), 1):
            lines.append(f"<div class='scr-line'><span class='wide'>{i}. {escape(str(r.get('name_zh') or ''))}</span>"
                         f"<span class='num'>{escape(_num(r.get('violations')))} {escape(unit)}</span></div>")
    if not lines:
        lines.append(f"<div class='scr-sub'>{escape(t('wall_screen_empty'))}</div>")
    body = (
        "<div class='scr-row'>" + _stat(t("wall_violations_today"), _num(s.violations_today), unit)
        + _stat(t("wall_screen_reminded"), _num(s.reminded), t("pk_unit_sms"))  # as the parking page counts them
        + _stat(kpi.KPIS["parking_persuade_rate"].name(i18n.current()), _num(rate, 1), "%",
                wall.rate_state("parking_persuade_rate", rate)) + "</div>"
        + f"<div class='scr-sub'>{escape(t('wall_screen_hot_roads'))}</div>" + "".join(lines))
    return _panel("parking", t("wall_parking"), body, spot)


def market_panel(f: Figures, spot: str) -> str:
    t = i18n.t
    m, unit = f.market, t("mk_unit_requests")
    body = ("<div class='scr-row'>" + _stat(t("wall_market_open"), _num(m.open), unit)
            + _stat(t("wall_screen_market_30d"), _num(m.received), unit)
            + _stat(t("wall_screen_market_resolved"), _num(m.resolved), unit) + "</div>")
    return _panel("market", t("wall_market"), body, spot)


def ranking_panel(f: Figures, spot: str) -> str:
    t = i18n.t
    lines = []
    scores = [s for _, s in f.ranking if s is not None]
    low, high = (min(scores), max(scores)) if scores else (0.0, 0.0)
    for i, (name, score) in enumerate(f.ranking[:10], 1):
        here = " here" if f.town_name is not None and name == f.town_name else ""
        # the bars spread the towns between the lowest and the highest score (they often differ by little)
        width = 0.0 if score is None else (100.0 if high == low else 15 + 85 * (score - low) / (high - low))
        lines.append(f"<div class='scr-line{here}'><span class='r'>{i}</span><span class='n'>{escape(name)}</span>"
                     f"<span class='bar'><b style='width:{width:.1f}%'></b></span>"
                     f"<span class='num'>{escape(_num(score, 1))}</span></div>")
    body = (f"<div class='scr-rank'>{''.join(lines)}</div>" if lines
            else f"<div class='scr-sub'>{escape(t('wall_screen_empty'))}</div>")
    title = f"{t('town_ranking')} · {kpi.KPIS['composite_score'].name(i18n.current())} · {t('wall_last_30d')}"
    return _panel("ranking", title, body, spot)


def _legend(legend: tuple[str, Sequence] | None) -> str:
    if not legend:
        return ""
    title, items = legend
    chips = "".join(f"<span class='c'><i style='background:rgb({int(c[0])},{int(c[1])},{int(c[2])})'></i>"
                    f"{escape(str(text))}</span>" for text, c in items)
    return f"<div class='scr-legend'><b>{escape(str(title))}</b>{chips}</div>"


def map_panel(title: str, index: int, count: int, left: int, legend, notices: Sequence[tuple[str, str]],
              spot: str) -> str:
    dots = " ".join("<b>●</b>" if i == index else "○" for i in range(count))
    note = ""
    if notices:
        level = "bad" if any(lv == "bad" for lv, _ in notices) else "warn"
        note = (f"<div class='scr-notice {level}'>"
                + "".join(f"<div>⚠ {escape(text)}</div>" for _, text in notices) + "</div>")
    return (f"<section class='scr-panel scr-map scr-at-map' data-panel='map'><div class='head'>"
            f"<h2>{escape(title)}</h2><span class='dots'>{dots} &nbsp; {escape(i18n.t('wall_next', n=left))}</span>"
            f"</div></section><div class='scr-over'>{note}{_legend(legend)}</div>")  # over the deck


def render(f: Figures, *, today: dt.date, view: str, view_title: str, index: int, count: int, left: int,
           updated: str, legend=None, notices: Sequence[tuple[str, str]] = ()) -> str:
    """The whole screen but the map and the clock, as one line of HTML (no blank line: markdown keeps it
    one raw block). `notices`: (level 'bad' | 'warn', plain text) shown over the map."""
    spot = SPOTLIGHT.get(view, "")
    title = (f"<header class='scr-title scr-at-title'><span class='name'>{escape(i18n.t('wall_title'))}</span>"
             f"<span class='age'>{escape(updated)}</span></header>")
    return ("<div class='scr-canvas'></div>" + title + cases_panel(f, today, spot) + drones_panel(f, spot)
            + map_panel(view_title, index, count, left, legend, notices, spot) + ranking_panel(f, spot)
            + waste_panel(f, spot) + parking_panel(f, spot) + market_panel(f, spot))


CLOCK_HTML = """<!doctype html><html><body style="margin:0;background:transparent;overflow:hidden">
<div id="c" style="font: 600 62vh/100vh 'Noto Sans CJK SC', 'Noto Sans SC', sans-serif; color: #e5edf7;
     text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums;"></div>
<script>
const DAYS = %s;
function tick() {
  const now = new Date(Date.now() + (8 * 60 + new Date().getTimezoneOffset()) * 60000);  // Asia/Shanghai
  const p = n => String(n).padStart(2, "0");
  document.getElementById("c").textContent =
    `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())} ${DAYS[now.getDay()]} ` +
    `${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}`;
}
tick(); setInterval(tick, 1000);
</script></body></html>"""


def clock_html(lang: str) -> str:
    days = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"] if lang == "zh" else \
        ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    return CLOCK_HTML % json.dumps(days, ensure_ascii=False)


def boxes_overlap(a: Mapping[str, float], b: Mapping[str, float]) -> bool:
    """Two boxes ({x, y, width, height}) share area (touching edges do not)."""
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])
