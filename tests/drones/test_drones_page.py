"""The drone page under AppTest against the demo database: its KPIs, URL choices and empty-day message."""

from __future__ import annotations

import datetime as dt

from tests.pages.test_pages import run_app

PAGE = "app_pages/drones.py"


def labels(at) -> list[str]:
    return [m.label for m in at.metric]


def test_drone_page_shows_kpis_with_units_and_the_definition(app_env):
    at = run_app(PAGE)
    assert not at.exception, [e.value for e in at.exception]
    for label in ("今日架次", "机巢状态", "网格覆盖率（近1天）", "网格覆盖率（近7天）", "网格覆盖率（近30天）",
                  "巡查盲区（7 天未巡）", "识别转案件"):
        assert label in labels(at)
    by_label = {m.label: m.value for m in at.metric}
    assert by_label["今日架次"].endswith("架次")
    assert by_label["网格覆盖率（近7天）"].endswith("%")
    assert by_label["巡查盲区（7 天未巡）"].endswith("个")
    assert any("机巢相机覆盖半径" in md.value for md in at.markdown), "the coverage definition is on the page"
    nests = [d.value for d in run_app(PAGE, section="nests").dataframe]
    assert any("相机覆盖半径（米）" in t.columns for t in nests), "the nests table"
    blind = [d.value for d in run_app(PAGE, section="blind").dataframe]
    assert any("近30天覆盖 (%)" in t.columns for t in blind), "coverage by town"


def test_blind_window_and_day_come_from_the_url(app_env):
    day = dt.date.today() - dt.timedelta(days=2)
    at = run_app(PAGE, blind="14", day=day.isoformat())
    assert not at.exception
    assert "巡查盲区（14 天未巡）" in labels(at)
    assert next(d for d in at.date_input if d.label == "航迹日期").value == day
    warnings = " ".join(w.value for w in at.warning)
    assert "blind=" not in warnings and "day=" not in warnings


def test_bad_day_and_blind_window_get_a_message_and_defaults(app_env):
    at = run_app(PAGE, blind="999", day="2020-13-01")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "blind=" in warnings and "day=" in warnings
    assert "巡查盲区（7 天未巡）" in labels(at)


def test_english_drone_page(app_env):
    at = run_app(PAGE, lang="en")
    assert not at.exception
    assert "Grid coverage (30 days)" in labels(at)
    assert any("camera's footprint radius" in md.value for md in at.markdown)
