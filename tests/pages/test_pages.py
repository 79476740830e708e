"""Every page under streamlit.testing.v1.AppTest against a real demo database: no exception, real numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from cockpit import runtime, sections

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "streamlit_app.py")
# every page of the menu; the wall screen (app_pages/wall.py, only under ?mode=wall) has tests of its own
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "app_pages").glob("*.py") if p.name != "wall.py")
# every page as it can be seen: each part of a long page (cockpit/sections.py, ?section=), a short page whole
VIEWS = [(page, part) for page in PAGES for part in (sections.of(page) or (None,))]
VIEW_IDS = [f"{page.split('/')[-1][:-3]}{'-' + part if part else ''}" for page, part in VIEWS]


def part_query(part: str | None) -> dict[str, str]:
    return {} if part is None else {sections.URL_KEY: part}


def run_app(page: str | None = None, **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page and page != "app_pages/overview.py":
        at.switch_page(page)
        at.run()
    return at


def open_page(page: str, **query) -> AppTest:
    """One page's first run, opened by a URL with `query` (no run of the overview before it)."""
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(page)
    at.run()
    return at


def run_page(page: str, **query) -> AppTest:
    """One page opened by a URL with `query` (after the app's first run), and run without an exception."""
    at = run_app(page, **query)
    assert not at.exception, [e.value for e in at.exception]
    return at


def period_received(at: AppTest) -> int:
    """Cases received in the chosen period, summed over the overview's town ranking."""
    ranking = next(d.value for d in at.dataframe if "受理（件）" in d.value.columns)
    return sum(int(str(v).replace(",", "")) for v in ranking["受理（件）"])  # cells as shown: "21,234"


def test_every_page_of_the_menu_is_tested():
    """The parametrised page tests below and in test_markup_pages.py run over PAGES: an empty list (a
    moved folder) would make them pass without running anything."""
    menu = {script for _, script, *_ in _menu()}
    assert PAGES and set(PAGES) == menu, (PAGES, menu)


def _menu():
    import ast

    tree = ast.parse((ROOT / "streamlit_app.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "PAGES" for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError("streamlit_app.py has no PAGES list")


@pytest.mark.parametrize(("page", "part"), VIEWS, ids=VIEW_IDS)
def test_page_runs_without_exception(shared_app_env, page, part):
    # the first part as a switch from the overview (the menu), the others opened by their URL
    at = run_app(page) if part in (None, (sections.of(page) or (None,))[0]) else open_page(page, **part_query(part))
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "every page has a title"
    assert not at.error, [e.value for e in at.error]
    if part is not None:  # the control shows the part the URL asked for, and the URL keeps it (the default left out)
        assert at.segmented_control(key="url_section").value == part
        assert at.query_params.get(sections.URL_KEY) == (None if part == sections.of(page)[0] else part)


def test_the_parts_are_the_pages_that_have_them():
    """A page that splits itself into parts is in cockpit/sections.py under its own name, and each part
    has a label in both languages."""
    from cockpit import i18n

    split = {page for page in PAGES if "ui.url_section(ctx" in (ROOT / page).read_text(encoding="utf-8")}
    assert split == {f"app_pages/{name}.py" for name in sections.SECTIONS}
    for page, part in sections.every():
        assert f'section == "{part}"' in (ROOT / page).read_text(encoding="utf-8"), (page, part)
        zh, en = i18n.TEXT[sections.label_key(page, part)]
        assert zh and en and zh != en


def test_a_part_draws_only_its_own_elements(app_env):
    """The cases page's map part sends one map and no chart; its categories part the charts and no map;
    the KPI cards are on both."""
    the_map = run_page("app_pages/cases.py")
    charts = run_page("app_pages/cases.py", section="categories")
    assert len(the_map.get("deck_gl_json_chart")) == 1 and not the_map.get("plotly_chart")
    assert not charts.get("deck_gl_json_chart") and len(charts.get("plotly_chart")) >= 3
    assert [m.label for m in the_map.metric] == [m.label for m in charts.metric] != []


def test_the_section_control_changes_the_part_and_the_url(app_env):
    at = run_page("app_pages/drones.py")
    assert at.get("deck_gl_json_chart")
    at = at.segmented_control(key="url_section").set_value("nests").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params.get("section") == "nests"
    assert not at.get("deck_gl_json_chart")
    assert any("相机覆盖半径（米）" in d.value.columns for d in at.dataframe)
    at = at.segmented_control(key="url_section").set_value("map").run()
    assert "section" not in at.query_params and at.get("deck_gl_json_chart")


def test_an_unknown_section_gets_a_message_and_the_first_part(app_env):
    at = run_page("app_pages/waste.py", section="<b>x</b>")
    assert any("section=&#60;b&#62;x&#60;/b&#62;" in w.value for w in at.warning), [w.value for w in at.warning]
    assert at.segmented_control(key="url_section").value == "map"
    assert len(at.get("deck_gl_json_chart")) == 1


def test_overview_shows_live_numbers_in_chinese(app_env):
    at = run_app()
    labels = [m.label for m in at.metric]
    for label in ("今日受理", "本周受理", "结案率", "按期结案率", "处置率", "按期处置率", "返工率", "综合指标值",
                  "自动流转结案率", "超期未结案数", "网格覆盖率（近7天）", "劝离率", "服装城在办诉求"):
        assert label in labels
    week = next(m for m in at.metric if m.label == "本周受理")
    assert week.value.endswith("件")
    assert period_received(at) > 0, "the period's town ranking counts real cases"
    assert any("演示数据" in md.value for md in at.markdown), "the demo badge is shown"


def test_a_page_says_so_while_the_demo_history_loads_and_when_it_could_not(app_env):
    state = runtime.get_runtime()
    state.history, state.history_fraction, state.first_days = "filling", 0.4, 14
    at = run_page("app_pages/parking.py")
    assert any("最近 14 天已就绪" in c.value and "（40%）" in c.value for c in at.caption), [c.value for c in at.caption]
    state.history = "failed"
    at = run_page("app_pages/parking.py")
    assert any("更早的历史未能载入" in w.value for w in at.warning), [w.value for w in at.warning]
    state.history, state.history_fraction = "complete", 1.0
    at = run_page("app_pages/parking.py")
    assert not any("历史" in c.value for c in at.caption) and not any("历史" in w.value for w in at.warning)


def test_english_by_url_parameter(app_env):
    at = run_app(lang="en")
    assert "Closure rate" in [m.label for m in at.metric]


def test_invalid_url_filters_get_a_message_and_a_default(app_env):
    at = run_app(town="330482001' OR 1=1", to="2099-01-01")
    warnings = " ".join(w.value for w in at.warning)
    assert "town=" in warnings and "to=" in warnings
    assert not at.exception


def test_town_filter_from_the_url_narrows_the_figures(app_env):
    everything = run_app()
    runtime.reset_runtime()
    one_town = run_app(town="330482002")

    assert 0 < period_received(one_town) < period_received(everything)


def test_database_down_keeps_last_good_numbers_with_a_banner(app_env):
    at = run_app()
    before = {m.label: m.value for m in at.metric}
    gateway = runtime.get_runtime().gateway
    gateway.engine = sa.create_engine("postgresql+psycopg://postgres@127.0.0.1:1/none",
                                      connect_args={"connect_timeout": 2})
    for entry in gateway._entries.values():  # every cached result has expired
        entry.expires_at = 0
    at.run()
    assert not at.exception
    assert any("数据库暂时无法连接" in e.value for e in at.error)
    after = {m.label: m.value for m in at.metric}
    assert after["本年受理"] == before["本年受理"]


def test_stale_data_warning_is_laxer_at_night():
    import datetime as dt

    from cockpit import ui
    assert ui.stale_after_minutes(dt.datetime(2026, 11, 23, 3, 0, tzinfo=ui.SH)) == 180
    assert ui.stale_after_minutes(dt.datetime(2026, 11, 23, 6, 59, tzinfo=ui.SH)) == 180
    assert ui.stale_after_minutes(dt.datetime(2026, 11, 23, 7, 0, tzinfo=ui.SH)) == 30
    assert ui.stale_after_minutes(dt.datetime(2026, 11, 23, 21, 59, tzinfo=ui.SH)) == 30
    assert ui.stale_after_minutes(dt.datetime(2026, 11, 23, 22, 0, tzinfo=ui.SH)) == 180


@pytest.mark.parametrize("page", ["app_pages/overview.py", "app_pages/parking.py", "app_pages/cases.py", "app_pages/drones.py",
                                  "app_pages/waste.py"])
def test_every_prefetched_query_is_then_asked_for(app_env, page, monkeypatch):
    """A prefetch the page does not then run (a typo in a name or a parameter) is a wasted statement."""
    from cockpit.gateway import Gateway

    def key(name, params):
        return name, tuple(sorted((k, repr(v)) for k, v in params.items()))

    prefetched, asked = [], set()
    real_prefetch, real_run = Gateway.prefetch, Gateway.run

    def prefetch(self, *calls):
        prefetched.extend(key(n, p) for n, p in calls)
        return real_prefetch(self, *calls)

    def run(self, name, **params):
        asked.add(key(name, params))
        return real_run(self, name, **params)

    monkeypatch.setattr(Gateway, "prefetch", prefetch)
    monkeypatch.setattr(Gateway, "run", run)
    at = run_app(page)
    assert not at.exception
    assert prefetched, "the page prefetches"
    assert set(prefetched) <= asked, set(prefetched) - asked


def test_weekly_page_in_english_is_english_in_its_headers(app_env):
    import re

    cjk = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
    at = run_app("app_pages/weekly.py", lang="en")
    assert not at.exception, [e.value for e in at.exception]
    at.run()  # a rerun sends the chosen week back: its option text must not depend on where it is formatted
    assert not at.exception, [e.value for e in at.exception]
    week = at.selectbox[0]
    assert week.value == week.options[0].split(" · ")[0] and re.search(r" · \d\d [A-Z][a-z]{2} – ", week.options[0])
    views = [at, *(run_page("app_pages/weekly.py", lang="en", section=part) for part in sections.of("weekly")[1:])]
    frames = [d for view in views for d in view.dataframe]
    headers = [str(c) for d in frames for c in d.value.columns]
    assert len(frames) >= 5 and [h for h in headers if cjk.search(h)] == []
    assert [s.value for view in views for s in view.subheader if cjk.search(s.value)] == []
