"""The pages' widgets under AppTest, as a person uses them: a select box, a radio or a date range changed
(or a button pressed) on the cases, waste, parking, market and weekly pages; the run has no exception, the
URL holds the new choice, and the figures follow it: they change, and they are exactly what the same page
shows when opened by that URL.

Widgets are found by the keys the pages give them (`ui.url_choice` / `ui.url_radio`: `url_<param>_<value>`;
the sidebar's period: `period_<from>_<to>`; the weekly page: `week_<label>`, `wk_generate`), charts by
their keys (Streamlit puts a keyed element's key at the end of its id)."""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from tests.pages import test_pages


def open_page(page: str, **query) -> AppTest:
    """The page's first run, opened by a URL with `query`, without an exception."""
    at = test_pages.open_page(page, **query)
    assert not at.exception, [e.value for e in at.exception]
    return at


def rerun(widget) -> AppTest:
    at = widget.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def keyed(widgets, prefix: str):
    """The one widget whose key starts with `prefix`."""
    found = [w for w in widgets if w.key and w.key.startswith(prefix)]
    assert len(found) == 1, (prefix, [w.key for w in widgets])
    return found[0]


def chart(at: AppTest, key: str) -> dict:
    """The plotly figure of the chart with `key`."""
    found = [e for e in at.get("plotly_chart") if e.proto.id.endswith(f"-{key}")]
    assert len(found) == 1, (key, [e.proto.id for e in at.get("plotly_chart")])
    return json.loads(found[0].proto.spec)


def deck(at: AppTest) -> tuple[str, dict]:
    """(key, deck.gl JSON) of the page's one map; the key is known only for a map one can click
    (Streamlit leaves it out of the id of the others): "" for those."""
    found = at.get("deck_gl_json_chart")
    assert len(found) == 1, [e.proto.id for e in found]
    element_id = found[0].proto.id
    return (element_id.split("-", 2)[2] if element_id else ""), json.loads(found[0].proto.json)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def traces(figure: dict) -> dict[str, list]:
    """Bar or line traces by name: their y values."""
    return {t.get("name"): t.get("y") for t in figure["data"]}


def tables(at: AppTest) -> list:
    return [d.value for d in at.dataframe]


def scalar(url: str, sql: str, **params):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql), params).scalar()
    finally:
        engine.dispose()


# ------------------------------------------------------------------------------------------------ cases
def test_cases_category_select_box(app_env):
    at = open_page("app_pages/cases.py", section="categories")
    before = chart(at, "cases_categories")
    box = at.selectbox(key="url_category")
    assert box.value is None, "all categories at first"
    # the category with the most cases on the chart
    code = scalar(app_env, "SELECT category_code FROM cockpit.grid_case_valid GROUP BY 1 ORDER BY count(*) DESC, 1 "
                           "LIMIT 1")
    at = rerun(box.set_value(code))
    assert at.query_params.get("category") == code
    after = chart(at, "cases_categories")
    assert after != before
    assert [len(t["y"]) for t in before["data"]] != [1]
    assert [len(t["y"]) for t in after["data"]] == [1], after["data"]  # one bar (horizontal): the chosen category
    by_url = open_page("app_pages/cases.py", category=code, section="categories")
    assert after == chart(by_url, "cases_categories")
    assert chart(at, "cases_trend") == chart(by_url, "cases_trend")


def test_cases_measure_radio_recolours_the_map(app_env):
    at = open_page("app_pages/cases.py")
    key_before, map_before = deck(at)
    at = rerun(at.radio(key="url_measure").set_value("ontime"))
    assert at.query_params.get("measure") == "ontime"
    key_after, map_after = deck(at)
    assert key_after.endswith("_ontime_grids") and key_before.endswith("_received_grids")
    assert map_after != map_before
    assert (key_after, map_after) == deck(open_page("app_pages/cases.py", measure="ontime"))


# ------------------------------------------------------------------------------------------------ waste
def test_waste_category_radio(app_env):
    at = open_page("app_pages/waste.py", section="throughput")
    every = traces(chart(at, "ws_daily"))
    assert len(every) >= 2
    at = rerun(at.radio(key="url_category").set_value("recyclable"))
    assert at.query_params.get("category") == "recyclable"
    only = chart(at, "ws_daily")
    name = "可回收物"
    # the chosen category alone, with the same tonnes as in the stack of every category
    assert traces(only) == {name: every[name]}
    assert only == chart(open_page("app_pages/waste.py", category="recyclable", section="throughput"), "ws_daily")


def test_waste_day_radio_shows_that_days_flows(app_env):
    at = open_page("app_pages/waste.py")
    today = at.radio(key="url_day")
    _, map_before = deck(at)
    yesterday = (dt.date.fromisoformat(today.value) - dt.timedelta(days=1)).isoformat()
    at = rerun(today.set_value(yesterday))
    assert at.query_params.get("day") == yesterday
    _, map_after = deck(at)
    assert map_after != map_before
    assert map_after == deck(open_page("app_pages/waste.py", day=yesterday))[1]


# ---------------------------------------------------------------------------------------------- parking
def test_parking_method_radio(app_env):
    at = open_page("app_pages/parking.py")
    before = metrics(at)
    at = rerun(at.radio(key="url_method").set_value("manual"))
    assert at.query_params.get("method") == "manual"
    manual = metrics(at)
    assert manual == metrics(open_page("app_pages/parking.py", method="manual"))
    ecapture = metrics(open_page("app_pages/parking.py", method="ecapture"))
    assert ecapture["电子抓拍占比"] == before["电子抓拍占比"], "the share is of both methods, whichever is shown"
    # the two methods part the violations: both some, together all of them
    counts = [count(m["违停记录数"]) for m in (manual, ecapture, before)]
    assert counts[0] > 0 and counts[1] > 0 and counts[0] + counts[1] == counts[2], counts


def test_a_second_change_of_a_url_radio_is_kept(app_env):
    """The widget's key stays the same across runs, so a second change is not lost to a new widget."""
    at = open_page("app_pages/parking.py")
    at = rerun(at.radio(key="url_method").set_value("manual"))
    at = rerun(at.radio(key="url_method").set_value("ecapture"))
    assert at.query_params.get("method") == "ecapture"
    assert at.radio(key="url_method").value == "ecapture"


def count(text: str) -> int:
    """'1,234 起' -> 1234."""
    return int(text.split()[0].replace(",", ""))


def test_parking_period_date_range(app_env):
    at = open_page("app_pages/parking.py")
    period = keyed(at.date_input, "period_")
    start, end = period.value
    before = metrics(at)
    week = (end - dt.timedelta(days=6), end)
    at = rerun(period.set_value(week))
    assert (at.query_params.get("from"), at.query_params.get("to")) == (week[0].isoformat(), week[1].isoformat())
    after = metrics(at)
    assert 0 < count(after["违停记录数"]) < count(before["违停记录数"])
    assert after == metrics(open_page("app_pages/parking.py", **{"from": week[0].isoformat(),
                                                                  "to": week[1].isoformat()}))
    assert start < week[0]


# ----------------------------------------------------------------------------------------------- market
def test_market_department_select_box(app_env):
    at = open_page("app_pages/market.py", section="speed")
    box = at.selectbox(key="url_dept")
    departments = scalar(app_env, "SELECT count(*) FROM cockpit.market_department")
    assert departments >= 2
    before = [len(t) for t in tables(at)]
    assert departments in before, before  # the table by department: one row each
    shown = box.options[1]  # the first department after "all", as the box shows it
    at = rerun(box.select_index(1))
    chosen = at.query_params.get("dept")
    name = scalar(app_env, "SELECT name_zh FROM cockpit.market_department WHERE dept_code = :d", d=chosen)
    assert name is not None and shown == name
    after = tables(at)
    assert [len(t) for t in after] != before
    one = [t for t in after if len(t) == 1 and name in t.astype(str).to_numpy().ravel().tolist()]
    assert one, "the table by department holds the chosen department alone"
    again = tables(open_page("app_pages/market.py", dept=chosen, section="speed"))
    assert len(again) == len(after) and all(a.equals(b) for a, b in zip(after, again))


# ----------------------------------------------------------------------------------------------- weekly
def test_weekly_week_select_box_and_the_pack_button(app_env):
    at = open_page("app_pages/weekly.py")
    label = at.query_params.get("week")
    box = at.selectbox(key=f"week_{label}")
    before = metrics(at)
    index = next(i for i, o in enumerate(box.options) if not o.startswith(label))
    at = rerun(box.select_index(index))
    chosen = at.query_params.get("week")
    assert chosen != label and keyed(at.selectbox, "week_").value == chosen
    after = metrics(at)
    assert after != before
    assert after == metrics(open_page("app_pages/weekly.py", week=chosen))
    # the meeting pack for the chosen week: the button makes it, three downloads appear (PPTX, XLSX, PDF)
    assert not at.get("download_button")
    at = rerun(at.button(key="wk_generate").click())
    downloads = at.get("download_button")
    assert [d.label for d in downloads] == ["下载 PPTX", "下载 XLSX", "下载 PDF"], downloads
    assert at.query_params.get("week") == chosen


def test_a_url_value_from_outside_wins_over_the_widget(app_env):
    """A link or a map click changes the URL between runs: the widget follows it, then keeps the next choice."""
    at = open_page("app_pages/parking.py")
    at = rerun(at.radio(key="url_method").set_value("manual"))
    at.query_params["method"] = "ecapture"  # as a map click (ui.set_url) or a shared link would
    at = rerun(at)
    assert at.radio(key="url_method").value == "ecapture" and at.query_params.get("method") == "ecapture"
    at = rerun(at.radio(key="url_method").set_value("all"))
    assert at.radio(key="url_method").value == "all" and "method" not in at.query_params
