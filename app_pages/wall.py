"""指挥中心大屏 Wall screen: full screen, live numbers, honest about the data's age.

Opened as /?mode=wall (options in cockpit/wall.py). Layout only: `layout=screen` (the default) is the
composed screen of cockpit/screen.py with the map of the spotlit view; `layout=rotate` shows one view of
cockpit.wall at a time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time

import streamlit as st

from cockpit import live as live_check
from cockpit import area, maps, screen, ui, wall

log = logging.getLogger("cockpit.wall")

ctx = ui.wall_context()
options = wall.parse_options(st.query_params.to_dict())
problems = list(options.problems) + list(getattr(ctx, "problems", []))
town = ctx.filters.town_code
ROTATE_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"], footer {display: none !important;}
.block-container {padding: 1.2vh 1.6vw 0 1.6vw !important; max-width: 100% !important;}
.wall-head {display: flex; align-items: baseline; justify-content: space-between; gap: 2vw;}
.wall-title {font-size: clamp(28px, 2.3vw, 96px); font-weight: 700; color: #e5edf7; letter-spacing: .08em;}
.wall-view {font-size: clamp(24px, 1.9vw, 80px); color: #7cc4ff; font-weight: 600;}
.wall-status {font-size: clamp(16px, 1.05vw, 44px); color: #9fb0c5;}
.wall-status .bad {color: #ff6b6b; font-weight: 700;}
.wall-status .warn {color: #ffc857; font-weight: 700;}
.wall-tiles {display: grid; grid-template-columns: repeat(auto-fit, minmax(14vw, 1fr)); gap: 1vw; margin: 1.2vh 0;}
.wall-tile {background: #111a2b; border: 1px solid #24324a; border-radius: 12px; padding: 1.2vh 1.1vw;}
.wall-tile .label {font-size: clamp(16px, 1.15vw, 48px); color: #9fb0c5;}
.wall-tile .value {font-size: clamp(36px, 3.3vw, 140px); font-weight: 700; color: #f2f6fb; line-height: 1.15;}
.wall-tile .note {font-size: clamp(14px, 0.95vw, 40px); color: #7d8da3;}
.wall-tile.good .value {color: #5fd38d;} .wall-tile.bad .value {color: #ff7a6b;}
.wall-dots {font-size: clamp(14px, 1vw, 40px); color: #5b6b82; text-align: right;}
.wall-dots b {color: #7cc4ff;}
.cockpit-legend {font-size: clamp(14px, 1vw, 40px) !important;}
</style>
"""


def status_line(ctx, health, fresh) -> list[tuple[str, str]]:
    """(level, plain text) of what the screen must say about its data: down, waiting, partial, stale, and
    every refused URL option."""
    out = []
    if health.down_since is not None:  # red only when the database is unreachable; a local failure is yellow
        since = dt.datetime.fromtimestamp(health.down_since, ui.SH)
        out.append(("bad", ctx.t("wall_down", time=f"{since:%H:%M:%S}")))
    elif health.waiting:
        out.append(("bad", ctx.t("wall_waiting")))
    elif health.partial:
        out.append(("warn", ctx.t("wall_partial")))
    if fresh is not None and not fresh.empty and fresh["newest_at"].notna().any():
        age_min = (ctx.now - fresh["newest_at"].max().to_pydatetime()).total_seconds() / 60
        if age_min > ui.stale_after_minutes(ctx.now):
            out.append(("warn", ctx.t("wall_stale", n=int(age_min))))
    for k, v in problems:  # the refused value is the URL's: text only
        out.append(("warn", ctx.t("wall_bad_option", key=k, value=v)))
    if ctx.runtime.history == "filling":  # the embedded demo's first minute: its older history loads
        out.append(("warn", ctx.t("wall_history_filling", pct=f"{ctx.runtime.history_fraction:.0%}")))
    return out


def rotate_header() -> None:
    st.markdown(ROTATE_CSS, unsafe_allow_html=True)
    head_left, head_right = st.columns([3, 1])
    with head_left:
        st.markdown(f"<div class='wall-title'>{ctx.t('wall_title')}</div>", unsafe_allow_html=True)
    with head_right:  # a clock that ticks in the browser, without reruns
        st.iframe("""
<div id="c" style="font: 600 clamp(24px, 4.2vw, 150px) 'Noto Sans CJK SC', sans-serif; color: #e5edf7;
     text-align: right; font-variant-numeric: tabular-nums;"></div>
<script>
function tick() {
  const now = new Date(Date.now() + (8 * 60 + new Date().getTimezoneOffset()) * 60000);  // Asia/Shanghai
  const p = n => String(n).padStart(2, "0");
  document.getElementById("c").textContent =
    `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())} ${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}`;
}
tick(); setInterval(tick, 1000);
</script>""", height=56)


MAP_SHOWS = "wall_map_shows"  # the view whose map is on the screen


def _fresh(base: ui.Context) -> ui.Context:
    """A context of its own for one fragment run (its results and failures are that run's)."""
    return dataclasses.replace(base, results=[], unavailable={}, now=dt.datetime.now(ui.SH))


@st.fragment(run_every=wall.rerun_every(options))
def live() -> None:
    try:
        draw_rotate()
    except Exception:  # noqa: BLE001 - a wall never shows a traceback; the next rerun tries again
        log.exception("wall screen failed")
        st.markdown(f"<div class='wall-status'><span class='warn'>{ctx.t('wall_waiting')}</span></div>",
                    unsafe_allow_html=True)


@st.fragment(run_every=live_check.check_seconds())
def screen_panels() -> None:
    """Every few seconds: the change check, then every panel, the ticker and the alarms (figures of an
    area that did not change come from the shared cache)."""
    try:
        draw_panels()
    except Exception:  # noqa: BLE001 - a wall never shows a traceback; the next rerun tries again
        log.exception("wall screen failed")
        st.markdown(f"<div class='scr-notice bad'>{ctx.t('wall_waiting')}</div>", unsafe_allow_html=True)


@st.fragment(run_every=options.refresh)
def screen_map() -> None:
    """The spotlit view's map layer, every refresh period; a spotlight step reruns the whole screen."""
    try:
        draw_map()
    except Exception:  # noqa: BLE001 - the panels stand without the map
        log.exception("wall map failed")


def draw_panels() -> None:
    c = _fresh(ctx)
    now = time.time()
    changed = live_check.changes_for(c.gateway).observe(c.run("wall.changes", as_of=wall.NOW), now)
    c.fresh_after = live_check.fresh_after(changed, now, options.refresh)
    index, key, left = wall.view_at(options, now)
    if st.session_state.get(MAP_SHOWS, key) != key:
        st.rerun()  # the spotlight moved on: the whole screen, so that the map follows at once
    calls = area.calls_of(**screen.plans(town, c.today))
    fresh = c.run("common.freshness", as_of=wall.NOW)  # before the figures: the alarm sees its failure too
    figures = screen.load(c.start, town, c.today, down_since=lambda: outage(c))
    figure_results = [r for r in c.results if r.name in {name for name, _ in calls.values()}
                      and not r.name.startswith("common.")]
    # the newest refresh (a panel whose figures are older says so itself: screen.panel_ages)
    fetched = max((r.fetched_at for r in figure_results if not r.is_stale), default=None)
    updated = [c.t("wall_updated", time=f"{dt.datetime.fromtimestamp(fetched, ui.SH):%H:%M:%S}")
               if fetched is not None else c.t("wall_updated", time="—")]
    if fresh is not None and not fresh.empty and fresh["newest_at"].notna().any():
        age = (c.now - fresh["newest_at"].max().to_pydatetime()).total_seconds()
        updated.append(c.t("wall_screen_age", age=ui.fmt_age(max(0.0, age), c.lang)))
    view_state = st.session_state.get(f"wall_view_{key}")
    st.markdown(screen.render(
        figures, today=c.today, view=key, view_title=st.session_state.get(f"wall_title_{key}") or c.t(f"wall_{key}"),
        index=index, count=len(options.views), left=left, updated=" · ".join(updated),
        legend=st.session_state.get(f"wall_legend_{key}"), notices=status_line(c, c.health(), fresh),
        ages=screen.panel_ages(c.results, c.unavailable, calls),
        points=screen.pulses(figures.events, view_state, c.now), now=c.now), unsafe_allow_html=True)


def outage(c: ui.Context) -> float | None:
    """When the database became unreachable, for the database alarm; asked after the run's queries, from
    the same run's results as the red notice (`status_line`), so that the alarm and the notice come and go
    together. The time is the outage's first failure where the gateway knows it."""
    health = c.health()
    if not health.down:
        return None
    gateway = c.gateway.health
    if gateway.is_down and gateway.down_since is not None:
        return gateway.down_since
    return health.down_since or time.time()


def draw_map() -> None:
    """The spotlit view's map (its figures are not shown: the panels hold them); its view, title and
    legend are kept for the panels' run (the pulses are placed on that view)."""
    c = _fresh(ctx)
    now = time.time()
    c.fresh_after = live_check.fresh_after(live_check.changes_for(c.gateway).changed_at, now, options.refresh)
    _, key, _ = wall.view_at(options, now)
    st.session_state[MAP_SHOWS] = key  # before the build: a failing map never makes the panels rerun
    view = wall.BUILDERS[key](c.run, c.t, town, c.today, c.lang)
    st.session_state[f"wall_title_{key}"] = view.title
    st.session_state[f"wall_legend_{key}"] = view.legend
    if view.deck is not None:
        st.session_state[f"wall_view_{key}"] = view.deck.initial_view_state
        with st.container(key=screen.MAP_KEY):
            # one key for every view: a spotlight step changes the layers and the view of one map (deck.gl
            # applies a changed initial view), it does not build a new map and a new WebGL context
            maps.show(view.deck, key="wall_screen_deck", height=screen.map_box()[3])


def draw_rotate() -> None:
    ctx.results.clear()
    ctx.unavailable.clear()
    ctx.now = dt.datetime.now(ui.SH)
    index, key, left = wall.view_at(options, time.time())
    view = wall.BUILDERS[key](ctx.run, ctx.t, town, ctx.today, ctx.lang)
    fresh = ctx.run("common.freshness", as_of=wall.NOW)

    status = []
    fetched = min((r.fetched_at for r in ctx.results), default=None)
    if fetched is not None:
        status.append(ctx.t("wall_updated", time=f"{dt.datetime.fromtimestamp(fetched, ui.SH):%H:%M:%S}"))
    # the screen's notices, the same list the big screen shows; each text escaped once, here
    status += [f"<span class='{level}'>⚠ {ui.escape(text)}</span>"
               for level, text in status_line(ctx, ctx.health(), fresh)]
    dots = " ".join("<b>●</b>" if i == index else "○" for i in range(len(options.views)))
    st.markdown(
        f"<div class='wall-head'><div class='wall-view'>{ui.escape(view.title)}</div>"
        f"<div class='wall-status'>{' · '.join(status)}</div>"
        f"<div class='wall-dots'>{dots} &nbsp; {ctx.t('wall_next', n=left)}</div></div>", unsafe_allow_html=True)
    tiles = "".join(
        f"<div class='wall-tile {ui.escape(tile.state)}'><div class='label'>{ui.escape(tile.label)}</div>"
        f"<div class='value'>{ui.escape(tile.value)}</div><div class='note'>{ui.escape(tile.note) or '&nbsp;'}</div></div>"
        for tile in view.tiles)
    st.markdown(f"<div class='wall-tiles'>{tiles}</div>", unsafe_allow_html=True)
    if view.deck is not None:
        maps.show(view.deck, key=f"wall_map_{key}", height=640)
    if view.legend is not None:
        maps.show_legend(*view.legend)


if options.layout in ("screen", "wide"):
    st.markdown(screen.stylesheet(options.layout), unsafe_allow_html=True)
    with st.container(key=screen.CLOCK_KEY):  # the date and a clock that ticks in the browser, without reruns
        st.iframe(screen.clock_html(ctx.lang), height=60)
    st.session_state[MAP_SHOWS] = wall.view_at(options, time.time())[1]  # this run draws that view's map
    screen_panels()
    screen_map()
else:
    rotate_header()
    live()
