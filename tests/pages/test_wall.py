"""Wall-screen mode: options, rotation, the composed screen and every rotating view under AppTest, and a
database outage."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re

import pandas as pd
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from cockpit import area, runtime, screen, wall
from cockpit.cases import data as cases_data
from cockpit.gateway import UNAVAILABLE, DataUnavailable, Gateway
from cockpit.parking import data as parking_data
from tests.pages.test_pages import APP

HOSTILE = "<img src=x onerror=alert(1)>"


def run_wall(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["mode"] = "wall"
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def html(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


# ---------------------------------------------------------------- options and rotation (pure)
def test_options_default_and_validation():
    o = wall.parse_options({})
    assert o.views == wall.VIEWS and o.seconds == 30 and o.refresh == 60 and o.problems == ()
    o = wall.parse_options({"views": "parking,cases,parking", "secs": "15", "refresh": "120"})
    assert o.views == ("parking", "cases", "parking") and o.seconds == 15 and o.refresh == 120
    o = wall.parse_options({"views": "cases,<script>", "secs": "2", "refresh": "abc"})
    assert o.views == ("cases",) and o.seconds == 30 and o.refresh == 60
    assert [k for k, _ in o.problems] == ["views", "secs", "refresh"]
    assert wall.parse_options({"views": "nothing"}).views == wall.VIEWS
    assert o.layout == "screen" and wall.parse_options({"layout": "rotate"}).layout == "rotate"
    o = wall.parse_options({"layout": "<b>", "secs": "15"})
    assert o.layout == "screen" and o.seconds == 15 and o.problems == (("layout", "<b>"),)


def test_rotation_follows_the_clock():
    o = wall.WallOptions(views=("a", "b", "c"), seconds=30)
    assert wall.view_at(o, 0) == (0, "a", 30)
    assert wall.view_at(o, 29.9) == (0, "a", 1)
    assert wall.view_at(o, 30) == (1, "b", 30)
    assert wall.view_at(o, 95) == (0, "a", 25)
    assert wall.rerun_every(wall.WallOptions(seconds=30, refresh=60)) == 30
    assert wall.rerun_every(wall.WallOptions(seconds=300, refresh=20)) == 20


def test_wall_mode_is_asked_by_the_url():
    assert wall.requested({"mode": "wall"}) and not wall.requested({"mode": "desk"}) and not wall.requested({})


# ---------------------------------------------------------------- the page
@pytest.mark.parametrize("view", wall.VIEWS)
def test_every_view_renders_big_numbers(app_env, view):
    at = run_wall(views=view, layout="rotate")
    text = html(at)
    assert "wall-tile" in text and "数据更新于" in text
    assert len(at.selectbox) == 0 and len(at.radio) == 0 and len(at.date_input) == 0, "no controls on a wall"


def test_english_wall_and_town_filter(app_env):
    at = run_wall(views="overview", lang="en", town="330482002")
    assert "Received today" in html(at)


def test_bad_options_are_shown_not_fatal(app_env):
    at = run_wall(views="overview,bogus", secs="1")
    assert "views=overview,bogus" in html(at) and "secs=1" in html(at)


def test_both_layouts_say_so_while_the_demo_history_loads(app_env):
    state = runtime.get_runtime()
    state.history, state.history_fraction = "filling", 0.25
    try:
        for layout in ("rotate", "screen"):
            text = html(run_wall(views="cases", layout=layout))
            assert "历史数据载入中（25%）" in text, layout
        state.history = "complete"
        assert "历史数据载入中" not in html(run_wall(views="cases", layout="rotate"))
    finally:
        state.history, state.history_fraction = "complete", 1.0


def test_database_outage_keeps_the_last_numbers_with_a_warning(app_env):
    at = run_wall(views="cases", layout="rotate")
    before = [m.value for m in at.markdown if "wall-tiles" in m.value]
    gateway = runtime.get_runtime().gateway
    gateway.engine = sa.create_engine("postgresql+psycopg://postgres@127.0.0.1:1/none",
                                      connect_args={"connect_timeout": 2})
    for entry in gateway._entries.values():
        entry.expires_at = 0
    at.run()
    assert not at.exception
    assert "数据库连接中断" in html(at)
    after = [m.value for m in at.markdown if "wall-tiles" in m.value]
    assert after == before, "the last good numbers stay on screen"


def test_no_personal_data_on_the_wall(app_env):
    """Names, phone numbers and plates never reach the wall (the demo holds all three)."""
    engine = sa.create_engine(app_env)
    with engine.connect() as conn:
        plates = [r[0] for r in conn.execute(sa.text(
            "SELECT plate FROM cockpit.parking_violation WHERE plate IS NOT NULL LIMIT 200"))]
        people = [r for r in conn.execute(sa.text(
            "SELECT merchant_name, merchant_phone FROM cockpit.market_request LIMIT 200"))]
    engine.dispose()
    screens = [run_wall(views=view, layout="rotate") for view in wall.VIEWS] + [run_wall()]
    for at in screens:
        text = html(at)
        for plate in plates:
            assert plate not in text
        for name, phone in people:
            assert (not name or name not in text) and (not phone or phone not in text)


def test_a_failing_view_shows_a_calm_message_not_an_error(app_env, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setitem(wall.BUILDERS, "cases", broken)
    at = run_wall(views="cases", layout="rotate")
    assert not at.exception and not at.error
    assert "正在连接数据库" in html(at)
    at = run_wall(views="cases")  # the screen loses only its map
    assert not at.exception and not at.error
    assert "data-panel='cases'" in html(at) and len(at.get("deck_gl_json_chart")) == 0


# ---------------------------------------------------------------- the composed screen (layout=screen)
PANELS = ("cases", "drones", "map", "ranking", "waste", "parking", "market", "ticker", "alarms")


def screen_html(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "<div class='scr-canvas'>" in m.value)


def stat(text: str, label: str) -> str:
    """The value shown under a stat's label (its unit left out)."""
    m = re.search(rf"<div class='lbl'>{re.escape(label)}</div><div class='val'>(.*?)</div>", text)
    assert m, label
    return re.sub(r"<[^>]*>", "", re.sub(r"<small>.*?</small>", "", m.group(1)))


def test_screen_boxes_neither_overlap_nor_leave_the_canvas():
    boxes = {k: dict(zip(("x", "y", "width", "height"), v)) for k, v in screen.BOXES.items()}
    for (a, ba), (b, bb) in itertools.combinations(boxes.items(), 2):
        assert not screen.boxes_overlap(ba, bb), (a, b)
    for box in screen.BOXES.values():
        x, y, w, h = box
        assert x >= 0 and y >= 0 and x + w <= screen.DESIGN_W and y + h <= screen.DESIGN_H
    mx, my, mw, mh = screen.BOXES["map"]
    x, y, w, h = screen.map_box()
    assert mx <= x and my <= y and x + w <= mx + mw and y + h <= my + mh
    sizes = [float(n) for n in re.findall(r"font-size: calc\((\d+(?:\.\d+)?) \* var\(--u\)\)", screen.stylesheet())]
    assert sizes and min(sizes) >= screen.MIN_FONT_PX


def test_screen_escapes_every_text_from_data():
    failed = screen.load(lambda **calls: {k: None for k in calls}, None, dt.date(2026, 12, 1))
    figures = dataclasses.replace(
        failed,
        ranking=[(HOSTILE, 91.5), ("当湖街道", None)], town_name=HOSTILE,
        waste=dataclasses.replace(failed.waste, by_category=pd.DataFrame([{
            "name_zh": HOSTILE, "name_en": HOSTILE, "collected_tonnes": 1.0, "disposed_tonnes": 2.0,
            "capacity_tonnes_per_day": 4.0}])),
        parking=parking_data.Wall(failed.parking.summary, None, pd.DataFrame([{
            "name_zh": HOSTILE, "violations": 3}]), None))
    text = screen.render(figures, today=dt.date(2026, 12, 1), view="parking", view_title=HOSTILE, index=0,
                         count=2, left=5, updated=HOSTILE, legend=(HOSTILE, [(HOSTILE, (1, 2, 3))]),
                         notices=[("bad", HOSTILE)])
    assert "<img" not in text and "onerror=alert(1)>" not in text
    assert text.count("&#60;img src=x onerror=alert&#40;1&#41;&#62;") == 8  # title, age, rank, waste, road, legend ×2, notice
    assert "data-panel='parking'" in text and text.count(" spot'") == 1


def test_screen_with_every_query_failed_is_calm_and_shows_dashes():
    failed = screen.load(lambda **calls: {k: None for k in calls}, "330482001", dt.date(2026, 12, 1))
    text = screen.render(failed, today=dt.date(2026, 12, 1), view="overview", view_title="x", index=0, count=1,
                         left=5, updated="")
    for panel in PANELS:
        assert f"data-panel='{panel}'" in text
    assert stat(text, "今日受理") == "—" and stat(text, "在办诉求") == "—" and stat(text, "今日架次") == "—"
    assert "<section class='scr-panel scr-at-ranking spot'" in text and "暂无数据" in text


def test_screen_shows_every_area_with_the_plans_figures(app_env):
    at = run_wall(views="waste,parking")
    assert not at.error
    text = screen_html(at)
    for panel in PANELS:
        assert f"data-panel='{panel}'" in text
    assert text.count(" spot'") == 1 and "数据更新于" in text and len(at.get("deck_gl_json_chart")) == 1
    assert len(at.selectbox) == 0 and len(at.radio) == 0 and len(at.date_input) == 0, "no controls on a wall"
    gateway = runtime.get_runtime().gateway
    fetch = area.sequential(lambda name, **params: gateway.run(name, **params).df)
    counts = area.load(fetch, cases_data.counts(None))
    assert counts.received_today is not None
    assert stat(text, "今日受理") == wall.fmt(counts.received_today)
    assert re.search(r"<span class='r'>9</span>", text), "all nine towns ranked"


def test_screen_when_every_query_fails_shows_dashes_and_the_banner(app_env, monkeypatch):
    def down(self, name, **params):
        raise DataUnavailable("connection refused", UNAVAILABLE)

    monkeypatch.setattr(Gateway, "run", down)
    at = run_wall()
    assert not at.error
    text = screen_html(at)
    for panel in PANELS:
        assert f"data-panel='{panel}'" in text
    assert "正在连接数据库" in text and stat(text, "今日受理") == "—" and stat(text, "超时未清运") == "—"


def test_screen_outage_keeps_the_last_numbers_with_the_banner(app_env):
    at = run_wall(views="cases", town="330482002")
    before = stat(screen_html(at), "今日受理")
    gateway = runtime.get_runtime().gateway
    gateway.engine = sa.create_engine("postgresql+psycopg://postgres@127.0.0.1:1/none",
                                      connect_args={"connect_timeout": 2})
    for entry in gateway._entries.values():
        entry.expires_at = 0
    at.run()
    assert not at.exception
    text = screen_html(at)
    assert "数据库连接中断" in text and stat(text, "今日受理") == before != "—"


def test_screen_raises_the_database_alarm_in_the_run_that_shows_the_banner(app_env):
    """Only the freshness query is due when the database goes (the figures are still cached): the run
    that finds it unreachable shows the red notice and the database alarm together."""
    at = run_wall(views="cases", layout="wide")
    assert "data-rule='db_down'" not in screen_html(at)
    gateway = runtime.get_runtime().gateway
    gateway.engine = sa.create_engine("postgresql+psycopg://postgres@127.0.0.1:1/none",
                                      connect_args={"connect_timeout": 2})
    for key, entry in gateway._entries.items():
        if key[0] == "common.freshness":
            entry.expires_at = 0
    at.run()
    assert not at.exception
    text = screen_html(at)
    assert "数据库连接中断" in text and "data-rule='db_down'" in text


def test_screen_of_an_empty_database_is_calm(contract_db, monkeypatch):
    """The contract with no rows at all: every panel, zeros where a count is zero, dashes where a rate
    has no cases, the empty ticker, no alarm."""
    monkeypatch.setenv("COCKPIT_DATABASE_URL", contract_db.url.render_as_string(hide_password=False))
    runtime.reset_runtime()
    try:
        at = run_wall(layout="wide")
        text = screen_html(at)
        for panel in PANELS + ("ticker", "alarms"):
            assert f"data-panel='{panel}'" in text
        assert stat(text, "今日受理") == "0" and stat(text, "在办诉求") == "0"
        assert "近 24 小时无新事件" in text and "data-alarms='0'" in text and "当前无告警" in text
        assert not at.error
    finally:
        runtime.reset_runtime()


def test_an_unchanged_database_costs_only_the_check_and_a_change_only_its_area(app_env):
    from cockpit import live

    at = run_wall(views="waste")
    gateway = runtime.get_runtime().gateway
    gateway.recorder = []
    at.run()
    assert not at.exception
    assert {name for name, _, _ in gateway.recorder} <= {"wall.changes", "common.freshness"}, gateway.recorder
    gateway.recorder = []
    live.changes_for(gateway).changed_at["parking"] = dt.datetime.now().timestamp() + 1e-3
    at.run()
    ran = {name for name, _, _ in gateway.recorder} - {"wall.changes", "common.freshness"}
    assert ran and all(live.area_of(name) == "parking" for name in ran), ran
    gateway.recorder = None
