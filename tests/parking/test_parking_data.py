"""The parking area's plans and builds (cockpit/parking/data.py): exact figures from small hand-made rows,
None figures (never an exception) when a query failed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cockpit import area, i18n
from cockpit.gateway import NOW
from cockpit.parking import data, rules
from cockpit.parking import wall as parking_wall

D1, D2 = dt.date(2026, 11, 16), dt.date(2026, 11, 20)


def _none_rows(plan: area.Plan) -> dict:
    return dict.fromkeys(plan.calls)


def by_hour(rows):
    return pd.DataFrame(rows, columns=["local_hour", *data.COUNT_COLUMNS])


ROADS = pd.DataFrame({"road_id": ["R01", "R02", "R03"], "name_zh": ["解放路", "新华路", "东湖路"],
                      "has_ecapture": [True, False, True], "is_strict": [True, True, True]})


# ------------------------------------------------------------------ summary (overview, wall)
def test_summary_plan_asks_the_overview_query_once():
    plan = data.summary(D1, D2, "330482001")
    assert plan.calls == {"parking": ("overview.parking_summary",
                                      dict(as_of=NOW, date_from=D1, date_to=D2, town_code="330482001"))}
    week_end = dt.datetime(2026, 11, 22, 23, 59, tzinfo=dt.timezone.utc)
    assert data.summary(D1, D2, None, as_of=week_end).calls["parking"][1]["as_of"] == week_end


def test_summary_figures():
    row = pd.DataFrame([{"violations_today": 7, "violations_period": 40, "ecapture_period": 10, "reminded_period": 8,
                         "left_period": 6, "ticketed_period": 1}])
    s = data.build_summary({"parking": row})
    assert (s.violations_today, s.violations_period, s.ecapture_period) == (7.0, 40.0, 10.0)
    assert (s.reminded, s.left_within_10min, s.ticketed) == (8.0, 6.0, 1.0)
    assert s.ecapture_share == 25.0 and s.persuade_rate == 75.0


def test_summary_of_a_failed_or_empty_query_is_none_not_an_error():
    for rows in (None, pd.DataFrame(columns=["violations_today"])):
        s = data.build_summary({"parking": rows})
        assert s == data.Summary(None, None, None, None, None, None)
        assert s.ecapture_share is None and s.persuade_rate is None
    s = data.build_summary({"parking": pd.DataFrame([{"violations_period": 5, "reminded_period": 0,
                                                      "left_period": 0, "ecapture_period": 0}])})
    assert s.persuade_rate is None and s.ecapture_share == 0.0  # no reminder: no rate


# ------------------------------------------------------------------ counts, rule check, roads
def test_counts_sum_the_hours_and_give_the_persuade_rate():
    c = data.counts(by_hour([[9, 3, 2, 1, 0, 1], [10, 5, 2, 1, 1, 0]]))
    assert c == data.Counts(violations=8.0, reminded=4.0, left_within_10min=2.0, ticketed_after_reminder=1.0,
                            warned=1.0)
    assert c.persuade_rate == 50.0
    assert data.counts(None) == data.Counts() and data.counts(None).persuade_rate is None
    assert data.counts(by_hour([])) == data.Counts(0.0, 0.0, 0.0, 0.0, 0.0) and data.counts(by_hour([])).persuade_rate is None


def test_rule_check_only_when_something_was_reminded():
    row = {"reminded": 9, "ticket_too_early": 1, "fined_not_due": 2, "warned_not_due": 0, "warning_due": 4,
           "warned_as_due": 2, "plate_unknown": 3}
    assert data.rule_check(pd.DataFrame([row])) == data.RuleCheck(9.0, 1.0, 2.0, 0.0, 4.0, 2.0, 3.0)
    assert data.rule_check(pd.DataFrame([row | {"reminded": 0}])) is None
    assert data.rule_check(None) is None and data.rule_check(pd.DataFrame(columns=list(row))) is None


def test_road_selections():
    assert data.shown_roads(ROADS, "R02")["road_id"].tolist() == ["R02"]
    assert data.shown_roads(ROADS, None) is ROADS and data.shown_roads(None, "R02") is None
    assert data.focus_roads(ROADS, None)["road_id"].tolist() == ["R01", "R03"]  # the capture roads
    assert data.focus_roads(ROADS, "330482001") is ROADS
    assert data.focus_roads(ROADS, None, "R02")["road_id"].tolist() == ["R02"]
    assert data.focus_roads(None, None) is None


def test_trend_rows_the_chosen_road_else_the_capture_roads_else_the_first_five():
    monthly = pd.DataFrame({"road_id": ["R01", "R02", "R03", "R02"], "per_day": [1.0, 2.0, 3.0, 4.0]})
    assert data.trend_rows(monthly, ROADS, "R02")["per_day"].tolist() == [2.0, 4.0]
    assert data.trend_rows(monthly, ROADS, None)["road_id"].tolist() == ["R01", "R03"]
    plain = ROADS.assign(has_ecapture=False)
    assert data.trend_rows(monthly, plain, None)["road_id"].tolist() == ["R01", "R02", "R03", "R02"]
    assert data.trend_rows(monthly, ROADS, "R09").empty  # a chosen road without months: an empty trend
    assert data.trend_rows(None, ROADS, None) is None and data.trend_rows(monthly.head(0), ROADS, None) is None
    assert data.trend_rows(monthly, None, None) is None


# ------------------------------------------------------------------ the page
def _page_plan(**kw):
    args = dict(town=None, road=None, method="ecapture", roads=ROADS, dq_days=7) | kw
    return data.page(D1, D2, dt.date(2026, 11, 11), dt.date(2026, 11, 15), **args)


def test_page_plan_queries_and_parameters():
    plan = _page_plan(road="R01", town="330482001")
    assert sorted(plan.calls) == ["bins", "by_hour", "by_hour_prev", "daily", "dq", "hot", "monthly", "pattern",
                                  "recent", "rules", "supply"]
    assert plan.calls["supply"] == ("parking.supply", dict(as_of=NOW, date_from=D1, date_to=D2, radius_m=300,
                                                           town_code="330482001"))
    assert plan.calls["by_hour_prev"][1]["date_from"] == dt.date(2026, 11, 11)
    assert plan.calls["rules"][1] == dict(as_of=NOW, date_from=D1, date_to=D2, town_code="330482001",
                                          road_id="R01", wait_minutes=rules.TICKET_WAIT_MINUTES,
                                          window_days=rules.FIRST_WARNING_WINDOW_DAYS)
    assert plan.calls["daily"][1] == dict(as_of=NOW, date_from=D1, date_to=D2, town_code="330482001", road_id="R01")
    assert plan.calls["dq"] == ("common.data_quality_recent", dict(as_of=NOW, days=7))


def test_page_figures_from_rows():
    rows = _none_rows(_page_plan())
    rows |= {
        "by_hour": by_hour([[9, 10, 4, 3, 1, 0]]),
        "by_hour_prev": by_hour([[9, 5, 2, 2, 0, 0]]),
        "daily": pd.DataFrame({"day": [D1, D2], "manual": [3, 3], "ecapture": [1, 1]}),
        "supply": pd.DataFrame({"supply_id": ["S1", "S2"], "spaces": [40, 60], "kind": ["shared", "temporary"],
                                "violations_nearby": [2, 0]}),
        "monthly": pd.DataFrame({"road_id": ["R01", "R02"], "per_day": [1.0, 2.0]}),
        "rules": pd.DataFrame([{"reminded": 4, "ticket_too_early": 0, "fined_not_due": 1, "warned_not_due": 0,
                                "warning_due": 1, "warned_as_due": 0, "plate_unknown": 0}]),
        "dq": pd.DataFrame({"relation_name": ["parking_violation", "case_event"], "issue_code": ["future_time"] * 2,
                            "row_count": [3, 5]}),
    }
    p = _page_plan().build(rows)
    assert p.now.violations == 10.0 and p.now.persuade_rate == 75.0 and p.previous.persuade_rate == 100.0
    assert p.ecapture_share == 25.0 and p.has_daily and p.has_reminders
    assert p.supply_spaces == 100 and p.rules.fined_not_due == 1.0
    assert p.trend["road_id"].tolist() == ["R01"]
    assert p.data_quality["row_count"].tolist() == [3]
    assert p.focus_roads["road_id"].tolist() == ["R01", "R03"] and p.shown_roads is ROADS


def test_page_with_every_query_failed_has_no_figures_and_does_not_raise():
    p = _page_plan(roads=None).build(_none_rows(_page_plan()))
    assert p.now == data.Counts() and p.previous == data.Counts()
    assert p.ecapture_share is None and not p.has_daily and not p.has_reminders
    assert p.supply_spaces is None and p.rules is None and p.trend is None and p.data_quality is None
    assert p.roads is None and p.shown_roads is None and p.focus_roads is None


def test_page_with_no_records_shows_no_share():
    rows = _none_rows(_page_plan()) | {"daily": pd.DataFrame({"day": [D1], "manual": [0], "ecapture": [0]}),
                                       "dq": pd.DataFrame({"relation_name": ["case_event"], "issue_code": ["x"],
                                                           "row_count": [2]})}
    p = _page_plan().build(rows)
    assert p.ecapture_share is None and not p.has_daily and p.data_quality is None


# ------------------------------------------------------------------ the wall
def test_wall_plan_runs_three_queries_for_the_last_days():
    plan = data.wall("330482001", D1, D2)
    assert {k: name for k, (name, _) in plan.calls.items()} == {
        "parking": "overview.parking_summary", "bins": "parking.density_bins", "roads": "parking.roads"}
    assert plan.calls["bins"][1]["method"] is None and plan.calls["roads"][1]["town_code"] == "330482001"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_wall_view_with_the_database_down_shows_dashes(lang):
    asked = []

    def run(name, **params):
        asked.append(name)
        return None

    texts = {"zh": "起", "en": "records"}
    with i18n.language("en" if lang == "zh" else "zh"):  # the run's language is not the wall's
        view = parking_wall.build(run, i18n.t, None, D2, lang)
    assert sorted(asked) == ["overview.parking_summary", "parking.density_bins", "parking.roads"]
    assert [tile.value for tile in view.tiles] == ["—", "—", "—"]
    assert view.legend[1][0][0] == ("电子抓拍路段" if lang == "zh" else "capture road")
    # with figures: the units and the legend follow the wall's language, whatever the run's language
    run_rows = {"overview.parking_summary": pd.DataFrame([{"violations_today": 3, "violations_period": 12,
                                                           "ecapture_period": 0, "reminded_period": 4,
                                                           "left_period": 1, "ticketed_period": 0}])}
    view = parking_wall.build(lambda name, **_: run_rows.get(name), i18n.t, None, D2, lang)
    assert [tile.value for tile in view.tiles] == [f"3 {texts[lang]}", f"12 {texts[lang]}", "25.0 %"]
