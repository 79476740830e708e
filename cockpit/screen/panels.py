"""The big screen's HTML: every panel, the map's frame, the ticker, the alarms and the pulses, made from
`Figures` (cockpit/screen/figures.py). Every text from data passes through `cockpit.markup.escape`; a
number that may change carries `data-k` (its place) and `data-v` (its value), which the screen's script
counts up or down to when it changes (CLOCK_HTML).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Sequence

import pandas as pd

from cockpit import alarms as alarm_rules
from cockpit import area, i18n, kpi, live, maps, wall
from cockpit.drones import rules as drone_rules
from cockpit.markup import escape
from cockpit.screen.figures import TREND_DAYS, Figures
from cockpit.settings import SH

# the panel an area's spotlight marks (the overview's map is the city's cases: the town ranking's)
SPOTLIGHT = {"overview": "ranking", "cases": "cases", "drones": "drones", "waste": "waste",
             "parking": "parking", "market": "market"}
HOT_ROADS = 3             # roads listed on the standard canvas (the wide one shows WIDE_HOT_ROADS)
WIDE_HOT_ROADS = 6
TOP_SOURCES = 3
TICKER_ITEMS = 14
FRESH_SECONDS = 60        # an event this recent is marked in the ticker


# ------------------------------------------------------------------ the HTML
def _n(value, digits: int = 0, key: str = "") -> str:
    """A number as text; with `key`, marked for the count animation (data-k, data-v, data-d)."""
    text = escape(wall.fmt(value, digits=digits))
    number = area.number(value)
    if not key or number is None:
        return text
    return f"<span class='n' data-k='{escape(key)}' data-v='{number:.{digits}f}' data-d='{digits}'>{text}</span>"


def _stat(label: str, value, unit: str = "", state: str = "normal", *, key: str = "", digits: int = 0) -> str:
    """A figure box; `value` a number (counted when `key` is given) or text."""
    shown = _n(value, digits, key) if not isinstance(value, str) else escape(value)
    unit_html = f"<small>{escape(unit)}</small>" if unit and shown != "—" else ""
    return (f"<div class='scr-stat {escape(state)}'><div class='lbl'>{escape(label)}</div>"
            f"<div class='val'>{shown}{unit_html}</div></div>")


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
    shown = _n(value, 1, f"kpi.{key}")
    unit_html = f"<small>{escape(unit)}</small>" if shown != "—" else ""
    return (f"<div class='scr-kpi {escape(state)}'><span class='k'>{escape(kpi.KPIS[key].name(i18n.current()))}"
            f"</span><span class='v'>{shown}{unit_html}</span><span class='tg'>{escape(_target(key))}"
            f"</span></div>")


def _age_text(name: str, ages) -> str:
    """A panel's own age: shown when its figures are the last good ones (stale) or missing."""
    if not ages or name not in ages:
        return ""
    at = ages[name]
    if at is None:
        text = i18n.t("wall_screen_panel_missing")
    else:
        text = i18n.t("wall_screen_panel_age", time=f"{dt.datetime.fromtimestamp(at, SH):%H:%M:%S}")
    return f"<span class='age'>⚠ {escape(text)}</span>"


def _panel(name: str, title: str, body: str, spot: str, ages=None, extra: str = "") -> str:
    marked = " spot" if name == spot else ""
    return (f"<section class='scr-panel scr-at-{name}{marked}{extra}' data-panel='{name}'>"
            f"<h2><span class='t'>{escape(title)}</span>{_age_text(name, ages)}</h2>{body}</section>")


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


def _sources(df: pd.DataFrame | None) -> str:
    t = i18n.t
    if df is None or df.empty:
        return f"<div class='scr-sub'>{escape(t('wall_screen_sources'))}: —</div>"
    name = "name_zh" if i18n.current() == "zh" else "name_en"
    parts = [f"{escape(str(r.get(name) or r.get('source_code') or '—'))} <b>{_n(r.get('cases'), 0, 'src.' + str(r.get('source_code')))}</b>"
             for r in df.head(TOP_SOURCES).to_dict("records")]
    return f"<div class='scr-sub'>{escape(t('wall_screen_sources'))}: {' · '.join(parts)}</div>"


def cases_panel(f: Figures, today: dt.date, spot: str, ages=None) -> str:
    t = i18n.t
    unit = t("cases_unit")
    body = (
        "<div class='scr-row'>" + _stat(t("received_today"), f.counts.received_today, unit, key="cases.received")
        + _stat(t("wall_screen_closed_today"), _closed_today(f.daily, today), unit, key="cases.closed") + "</div>"
        "<div class='scr-row'>" + _stat(t("wall_overdue"), f.overdue.overdue_open, unit,
                                        _bad_if(f.overdue.overdue_open), key="cases.overdue")
        + _stat(t("wall_screen_due_24h"), f.overdue.due_within_24h, unit, key="cases.due24") + "</div>"
        + f"<div class='scr-sub'>{escape(t('wall_last_30d'))}</div>"
        + _kpi("ontime_close_rate", f.rates.current.get("ontime_close_rate"), "%")
        + _kpi("composite_score", f.rates.current.get("composite_score"), t("wk_points"))
        + _trend(f.daily) + _sources(f.sources))
    return _panel("cases", t("wall_cases"), body, spot, ages)


def drones_panel(f: Figures, spot: str, ages=None) -> str:
    t = i18n.t
    s, cov, city = f.drones.summary, f.drones.coverage, f.coverage
    delta = (None if city.blind_now is None or city.blind_week_ago is None
             else f"{city.blind_now - city.blind_week_ago:+d}")
    blind = (t("wall_screen_blind_value", n=_n(city.blind_now, 0, "drones.blind"), delta=escape(delta or "—"))
             if city.blind_now is not None else "—")
    body = (
        "<div class='scr-row'>" + _stat(t("sorties_today"), s.sorties_today, t("dr_unit_sorties"), key="drones.sorties")
        + _stat(kpi.KPIS["drone_coverage"].name(i18n.current()), cov.pct, "%",
                wall.rate_state("drone_coverage", cov.pct), key="drones.coverage", digits=1) + "</div>"
        "<div class='scr-row'>" + _stat(t("wall_screen_flying"), s.nests_flying, key="drones.flying")
        + _stat(t("wall_screen_standby"), s.nests_idle, key="drones.idle")
        + _stat(t("wall_screen_down"), s.nests_down, "", _bad_if(s.nests_down), key="drones.down") + "</div>"
        + f"<div class='scr-sub'>{escape(t('wall_screen_coverage_note', covered=_num(cov.covered), total=_num(cov.total)))}"
        f" · {escape(_target('drone_coverage'))}</div>"
        + f"<div class='scr-sub'>{escape(t('wall_screen_blind', days=_num(drone_rules.DEFAULT_BLIND_DAYS)))}: <b>{blind}</b></div>")
    return _panel("drones", t("wall_drones"), body, spot, ages)


def waste_panel(f: Figures, spot: str, ages=None) -> str:
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
        "<div class='scr-row'>" + _stat(t("collected_today"), w.collected, tonnes, key="waste.collected")
        + _stat(t("wall_screen_disposed"), w.disposed, tonnes, key="waste.disposed")
        + _stat(t("wall_screen_breaches"), f.breaches.count, "", _bad_if(f.breaches.count), key="waste.breaches")
        + "</div>" + f"<div class='scr-sub'>{escape(t('wall_screen_by_category'))}</div>" + "".join(lines))
    return _panel("waste", t("wall_waste"), body, spot, ages)


def parking_panel(f: Figures, spot: str, ages=None) -> str:
    t = i18n.t
    s, unit = f.parking.summary, t("pk_unit")
    rate = s.persuade_rate
    lines = []
    roads = f.parking.roads
    if roads is not None and not roads.empty:
        hot = roads[roads["violations"] > 0].sort_values("violations", ascending=False, kind="stable").head(WIDE_HOT_ROADS)
        for i, r in enumerate(hot.to_dict("records"), 1):
            more = " more" if i > HOT_ROADS else ""
            lines.append(f"<div class='scr-line{more}'><span class='wide'>{i}. {escape(str(r.get('name_zh') or ''))}</span>"
                         f"<span class='num'>{escape(_num(r.get('violations')))} {escape(unit)}</span></div>")
    if not lines:
        lines.append(f"<div class='scr-sub'>{escape(t('wall_screen_empty'))}</div>")
    body = (
        "<div class='scr-row'>" + _stat(t("wall_violations_today"), s.violations_today, unit, key="parking.today")
        + _stat(t("wall_screen_reminded"), s.reminded, t("pk_unit_sms"), key="parking.reminded")  # as the parking page counts them
        + _stat(kpi.KPIS["parking_persuade_rate"].name(i18n.current()), rate, "%",
                wall.rate_state("parking_persuade_rate", rate), key="parking.rate", digits=1) + "</div>"
        + f"<div class='scr-sub'>{escape(t('wall_screen_hot_roads'))}</div>" + "".join(lines))
    return _panel("parking", t("wall_parking"), body, spot, ages)


def market_panel(f: Figures, spot: str, ages=None) -> str:
    t = i18n.t
    m, unit = f.market, t("mk_unit_requests")
    oldest = "—"
    if f.oldest is not None and not f.oldest.empty:
        row = f.oldest.iloc[0].to_dict()
        item = row.get("item_name_zh" if i18n.current() == "zh" else "item_name_en") or "—"
        oldest = t("wall_screen_oldest_value", item=str(item), h=_num(row.get("age_working_hours")))
    body = ("<div class='scr-row'>" + _stat(t("wall_market_open"), m.open, unit, key="market.open")
            + _stat(t("wall_screen_market_30d"), m.received, unit, key="market.received")
            + _stat(t("wall_screen_market_resolved"), m.resolved, unit, key="market.resolved") + "</div>"
            + f"<div class='scr-sub'>{escape(t('wall_screen_oldest'))}: <b>{escape(oldest)}</b></div>")
    return _panel("market", t("wall_market"), body, spot, ages)


def ranking_panel(f: Figures, spot: str, ages=None) -> str:
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
    return _panel("ranking", title, body, spot, ages)


# ------------------------------------------------------------------ live: the ticker, the alarms, the pulses
def _event(row: dict, now: dt.datetime) -> str:
    t, lang = i18n.t, i18n.current()
    at = alarm_rules.local_time(row.get("at"))
    area_key, stage = str(row.get("area") or ""), str(row.get("stage") or "")
    town = row.get("town_name_zh" if lang == "zh" else "town_name_en") or (
        t("ev_area_market") if area_key == "market" else "")
    what = row.get("what_zh" if lang == "zh" else "what_en") or row.get("what_zh") or "—"
    ev_key = re.sub(r"[^a-z0-9_]", "-", str(row.get("event_key") or "").lower())  # ours: area-stage-id
    fresh = " fresh" if at is not None and (now - at).total_seconds() <= FRESH_SECONDS else ""
    area_text = t(f"ev_area_{area_key}") if f"ev_area_{area_key}" in i18n.TEXT else area_key
    stage_text = t(f"ev_{area_key}_{stage}") if f"ev_{area_key}_{stage}" in i18n.TEXT else stage
    return (f"<span class='ev{fresh}' data-ev='{ev_key}'><span class='tm'>{'—' if at is None else f'{at:%H:%M}'}</span>"
            f"<span class='ar'>{escape(area_text)}</span><span class='wt'>{escape(str(town))} · {escape(str(what))}</span>"
            f"<span class='st'>{escape(stage_text)}</span></span>")


def ticker_panel(events: pd.DataFrame | None, now: dt.datetime, ages=None) -> str:
    """The latest events, newest first: a scrolling strip on the standard canvas (the items twice, for a
    seamless loop), a list on the wide one. Nothing personal is in the rows (wall.events)."""
    t = i18n.t
    if events is None or events.empty:
        items = f"<span class='ev'><span class='wt'>{escape(t('ticker_empty'))}</span></span>"
    else:
        items = "".join(_event(r, now) for r in events.head(TICKER_ITEMS).to_dict("records"))
    return (f"<section class='scr-panel scr-ticker scr-at-ticker' data-panel='ticker'>"
            f"<h2><span class='t'>{escape(t('ticker_title'))}</span>{_age_text('ticker', ages)}</h2>"
            f"<span class='lead'>{escape(t('ticker_title'))}</span><div class='win'><div class='track'>"
            f"<div class='copy'>{items}</div><div class='copy' aria-hidden='true'>{items}</div></div></div></section>")


def alarms_panel(raised: Sequence[alarm_rules.Alarm]) -> str:
    """What, where, since when; without alarms the wide canvas says so and the standard one draws nothing."""
    t = i18n.t
    if not raised:
        return (f"<section class='scr-alarms scr-at-alarms calm' data-panel='alarms' data-alarms='0'>"
                f"<h2>✓ {escape(t('alarm_none'))}</h2></section>")
    rows = "".join(
        f"<div class='al {_known(a.level, ('bad', 'warn'))}' data-rule='{_known(a.rule, alarm_rules.RULES)}'><div class='w'>⚠ {escape(a.what)}</div>"
        f"<div class='p'>{escape(a.where)}"
        + (f" · {escape(t('alarm_since', time=_since(a.since)))}" if a.since is not None else "")
        + "</div></div>" for a in raised)
    return (f"<section class='scr-alarms scr-at-alarms' data-panel='alarms' data-alarms='{len(raised)}'>"
            f"<h2>{escape(t('alarm_title'))} · {len(raised)}</h2>{rows}</section>")


def _known(value: str, allowed) -> str:
    """A class or data value of the screen's own (a rule or level name), never text from data."""
    return value if value in allowed else "unknown"


def _since(at: dt.datetime) -> str:
    now = dt.datetime.now(SH)
    if at.date() == now.date():
        return f"{at:%H:%M}"
    return f"{at:%m-%d %H:%M}" if at.year == now.year else f"{at:%Y-%m-%d}"


def pulses(events: pd.DataFrame | None, view, now: dt.datetime) -> list[tuple[float, float, str]]:
    """(x, y offset from the map's centre in deck pixels, 'reported' | 'closed' | other) of the events of the
    last live.PULSE_MINUTES minutes that have a location on the map."""
    if events is None or events.empty or view is None:
        return []
    out = []
    for r in events.to_dict("records"):
        at = alarm_rules.local_time(r.get("at"))
        if at is None or (now - at).total_seconds() > live.PULSE_MINUTES * 60:
            continue
        off = maps.offset_px(r.get("lon"), r.get("lat"), view)
        if off is not None:
            out.append((off[0], off[1], str(r.get("stage") or "")))
    return out


def pulses_html(points: Sequence[tuple[float, float, str]]) -> str:
    spans = "".join(f"<span class='{'closed' if kind == 'closed' else 'new'}' "
                    f"style='left:calc(50% + {x:.1f}px);top:calc(50% + {y:.1f}px)'></span>" for x, y, kind in points)
    return f"<div class='scr-pulses' data-pulses='{len(points)}'>{spans}</div>"


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
           updated: str, legend=None, notices: Sequence[tuple[str, str]] = (), ages=None,
           points: Sequence[tuple[float, float, str]] = (), now: dt.datetime | None = None) -> str:
    """The whole screen but the map and the clock, as one line of HTML (no blank line: markdown keeps it
    one raw block). `notices`: (level 'bad' | 'warn', plain text) shown over the map; `ages`: per panel,
    the fetch time of its stale figures (None: none at all); `points`: the pulses (`pulses`)."""
    now = now or dt.datetime.now(SH)
    spot = SPOTLIGHT.get(view, "")
    title = (f"<header class='scr-title scr-at-title'><span class='name'>{escape(i18n.t('wall_title'))}</span>"
             f"<span class='age'>{escape(updated)}</span></header>")
    return ("<div class='scr-canvas'></div>" + title + cases_panel(f, today, spot, ages) + drones_panel(f, spot, ages)
            + map_panel(view_title, index, count, left, legend, notices, spot) + ranking_panel(f, spot, ages)
            + waste_panel(f, spot, ages) + parking_panel(f, spot, ages) + market_panel(f, spot, ages)
            + ticker_panel(f.events, now, ages) + alarms_panel(f.alarms) + pulses_html(points))


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

// Count animation: a number marked data-k (its place) and data-v (its value) that changes between two
// refreshes counts from the old value to the new one. Only the text node's value is changed, never the
// node (the page owns it), and the last frame is the page's own text.
const DOC = window.parent.document, LAST = new Map(), MS = 900;
const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
function show(v, d) { return v.toLocaleString("en-US", {minimumFractionDigits: d, maximumFractionDigits: d}); }
function count(el, from, to, d) {
  const node = el.firstChild, final = el.textContent, t0 = performance.now();
  if (!node || node.nodeType !== 3) return;
  function step(now) {
    const k = Math.min(1, (now - t0) / MS), e = 1 - Math.pow(1 - k, 3);
    if (el.dataset.v !== String(to.toFixed(d))) return;  // a newer value arrived: it has its own count
    node.nodeValue = k < 1 ? show(from + (to - from) * e, d) : final;
    if (k < 1) requestAnimationFrame(step);
  }
  requestAnimationFrame(step);
}
function scan() {
  DOC.querySelectorAll("[data-k][data-v]").forEach(el => {
    const key = el.dataset.k, v = parseFloat(el.dataset.v), d = parseInt(el.dataset.d || "0", 10);
    if (!isFinite(v)) return;
    const before = LAST.get(key);
    LAST.set(key, v);
    if (before !== undefined && before !== v && !still) count(el, before, v, d);
  });
}
try {
  new MutationObserver(scan).observe(DOC.body, {subtree: true, childList: true, attributes: true,
                                                 attributeFilter: ["data-v"]});
  scan();
} catch (e) { /* the screen stands without the animation */ }
</script></body></html>"""


def clock_html(lang: str) -> str:
    days = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"] if lang == "zh" else \
        ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    return CLOCK_HTML % json.dumps(days, ensure_ascii=False)
