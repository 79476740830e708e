"""Wall-screen mode: options, rotation, every view under AppTest, and a database outage."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from cockpit import runtime, wall
from tests.pages.test_pages import APP


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
    at = run_wall(views=view)
    text = html(at)
    assert "wall-tile" in text and "数据更新于" in text
    assert len(at.selectbox) == 0 and len(at.radio) == 0 and len(at.date_input) == 0, "no controls on a wall"


def test_english_wall_and_town_filter(app_env):
    at = run_wall(views="overview", lang="en", town="330482002")
    assert "Received today" in html(at)


def test_bad_options_are_shown_not_fatal(app_env):
    at = run_wall(views="overview,bogus", secs="1")
    assert "views=overview,bogus" in html(at) and "secs=1" in html(at)


def test_database_outage_keeps_the_last_numbers_with_a_warning(app_env):
    at = run_wall(views="cases")
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
    for view in wall.VIEWS:
        text = html(run_wall(views=view))
        for plate in plates:
            assert plate not in text
        for name, phone in people:
            assert (not name or name not in text) and (not phone or phone not in text)


def test_a_failing_view_shows_a_calm_message_not_an_error(app_env, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setitem(wall.BUILDERS, "cases", broken)
    at = run_wall(views="cases")
    assert not at.exception and not at.error
    assert "正在连接数据库" in html(at)
