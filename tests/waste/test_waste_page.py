"""The waste page under AppTest: filters from the URL, figures with units, bad values refused."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from cockpit import ui
from tests.pages.test_pages import run_page


def run_waste(**query) -> AppTest:
    return run_page("app_pages/waste.py", **query)


def test_waste_page_shows_the_chain_and_the_rule(app_env):
    at = run_waste()
    labels = [m.label for m in at.metric]
    for label in ("今日收运", "今日进入末端处置", "易腐垃圾占比", "回收利用率", "按时清运率", "今日违规轮次"):
        assert label in labels, labels
    assert len(at.get("deck_gl_json_chart")) == 1, "the map is the first part"
    assert any("“不过午、不过夜”收运规则" in s.value for s in run_waste(section="rule").subheader)
    towns = next(d.value for d in run_waste(section="throughput").dataframe if "镇街道" in d.value.columns and "合计（吨）" in d.value.columns)
    assert towns["合计（吨）"].sum() > 0


def test_category_and_day_from_the_url(app_env):
    yesterday = (dt.datetime.now(ui.SH).date() - dt.timedelta(days=1)).isoformat()
    at = run_waste(category="perishable", day=yesterday, lang="en")
    assert not [w.value for w in at.warning if "not valid" in w.value]
    assert "Perishable share" in [m.label for m in at.metric]


def test_bad_category_and_day_are_refused(app_env):
    at = run_waste(category="gold", day="2020-01-01")
    warnings = " ".join(w.value for w in at.warning)
    assert "category=gold" in warnings and "day=2020-01-01" in warnings
