"""cockpit.cases.data: the plans name the same queries the pages named, and their builds are pure and
accept failed queries (None rows); cockpit.cases.rules.shop_summary on hand-made shops."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from cockpit import area, kpi
from cockpit.cases import data, rules
from cockpit.gateway import NOW

TODAY = dt.date(2026, 11, 20)
PERIOD = (dt.date(2026, 11, 1), dt.date(2026, 11, 20))
PREVIOUS = (dt.date(2026, 10, 12), dt.date(2026, 10, 31))


def _none(plan: area.Plan):
    """The plan's result when every one of its queries failed."""
    return area.load(lambda **calls: dict.fromkeys(calls), plan)


def _by_town(*rows: dict) -> pd.DataFrame:
    base = dict.fromkeys(data.COUNT_COLUMNS + data.SIDE_COLUMNS + ("received",), 0)
    return pd.DataFrame([{**base, **r} for r in rows])


def test_every_plan_gives_none_figures_when_its_queries_fail():
    page = _none(data.page(*PERIOD, PREVIOUS, town_code=None, squadron_code=None, area=None, source_code=None,
                           category_code=None, level="city", hexagons=True, days=20, today=TODAY))
    assert page.rates == data.Rates() and page.flow_totals is None and page.shops is None and page.trend is None
    assert page.map == data.MapRows(None, None, None)
    overview = _none(data.overview(*PERIOD, PREVIOUS, town_code=None, squadron_code=None))
    assert overview.counts == data.Counts() and overview.overdue == data.Overdue()
    assert overview.rates.get("close_rate") is None and overview.rates.before("close_rate") is None
    wall = _none(data.wall_cases(None, TODAY))
    assert wall.open_cases is None and not wall.overdue.any_overdue and wall.bins is None
    assert _none(data.wall_overview("330482001", TODAY)).map == data.MapRows(None, None, None)
    assert _none(data.options(None)).known_areas == set()


def test_rates_sum_the_towns_then_divide_and_keep_the_previous_period():
    current = _by_town(dict(due_close=10, closed=9, closed_on_time=8, due_dispose=10, disposed=10,
                            disposed_on_time=9, reworked=1, auto_closed=3, extended=2, deferred=1, rejected=4),
                       dict(due_close=10, closed=5, closed_on_time=4, due_dispose=10, disposed=6,
                            disposed_on_time=5, reworked=2, auto_closed=1, extended=0, deferred=1, rejected=0))
    previous = _by_town(dict(due_close=4, closed=2))
    plan = data.rates(*PERIOD, PREVIOUS, town_code="330482001", squadron_code=None)
    rates = area.load(lambda **calls: {"by_town": current, "by_town_prev": previous}, plan)
    assert rates.get("close_rate") == 70.0                # (9 + 5) / (10 + 10)
    assert rates.get("ontime_dispose_rate") == 70.0       # (9 + 5) / 20
    assert rates.get("rework_rate") == 18.75              # 3 / 16
    assert rates.current == kpi.case_rates({"due_close": 20, "closed": 14, "closed_on_time": 12, "due_dispose": 20,
                                            "disposed": 16, "disposed_on_time": 14, "reworked": 3,
                                            "auto_closed": 4})
    assert rates.before("close_rate") == 50.0
    assert rates.side == {"reworked": 3, "extended": 2, "deferred": 2, "rejected": 4}


def test_plans_name_the_queries_the_pages_named():
    """The same names and parameters as before, so the gateway's cache is shared with every other caller."""
    plan = data.overview(*PERIOD, PREVIOUS, town_code="330482001", squadron_code="SQ-DH")
    scope = dict(town_code="330482001", squadron_code="SQ-DH")
    by_town = dict(as_of=NOW, dimension="town", area=None, source_code=None, category_code=None, **scope)
    assert sorted(plan.calls.values(), key=repr) == sorted([
        ("overview.case_counts", dict(as_of=NOW, **scope)),
        ("overview.case_overdue", dict(as_of=NOW, **scope)),
        ("cases.kpis_by_group", dict(date_from=PERIOD[0], date_to=PERIOD[1], **by_town)),
        ("cases.kpis_by_group", dict(date_from=PREVIOUS[0], date_to=PREVIOUS[1], **by_town)),
        ("overview.case_daily", dict(as_of=NOW, date_from=PERIOD[0], date_to=PERIOD[1], **scope)),
        ("common.towns", {}),
    ], key=repr)
    wall = data.wall_cases(None, TODAY).calls
    assert wall["rates.by_town"] == ("cases.kpis_by_group", dict(
        as_of=NOW, dimension="town", date_from=dt.date(2026, 10, 22), date_to=TODAY, town_code=None,
        squadron_code=None, area=None, source_code=None, category_code=None))
    assert wall["bins.bins"][1]["date_from"] == dt.date(2026, 11, 14)
    grids = data.page(*PERIOD, PREVIOUS, town_code="330482001", squadron_code=None, area="330482001001",
                      source_code=None, category_code=None, level="community", hexagons=False, days=20,
                      today=TODAY).calls
    assert "map.bins" not in grids and grids["map.shapes"] == ("common.grid_shapes", {"town_code": "330482001"})
    assert "area" not in grids["map.by_grid"][1], "the map keeps the whole town in view"
    assert grids["sections.overdue"][1]["horizon_hours"] == rules.OVERDUE_HORIZON_HOURS


def test_flow_totals_and_open_cases():
    flow = pd.DataFrame({"source_code": ["a", "a", "b", "b"],
                         "outcome": ["closed_on_time", "closed_late", "open", "closed_on_time"],
                         "cases": [5, 2, 7, 1], "auto_closed": [3, 0, 0, 1]})
    assert data.build_flow_totals(flow) == data.FlowTotals(closed=8, auto_closed=4)
    assert data.open_total(pd.DataFrame({"open_cases": [2, 3]})) == 5
    assert rules.trend_is_weekly(63) and not rules.trend_is_weekly(62)


def test_shop_summary_counts_colours_red_this_week_and_ranks_roads():
    def days(*offsets):
        return [TODAY - dt.timedelta(days=o) for o in offsets]

    shops = [
        {"shop_id": 1, "road_name": "B路", "violation_days": days(1, 2, 3, 4, 5)},    # red since Thu 11-19
        {"shop_id": 2, "road_name": "B路", "violation_days": days(10, 11, 12, 13, 14)},  # red since 11-10
        {"shop_id": 3, "road_name": "A路", "violation_days": days(1, 2, 3)},          # yellow
        {"shop_id": 4, "road_name": "A路", "violation_days": []},                     # green
        {"shop_id": 5, "road_name": "C路", "violation_days": days(1, 2, 3, 4, 5)},    # red
        {"shop_id": 6, "road_name": None, "violation_days": days(1, 2, 3)},          # yellow, on no road
    ]
    summary = rules.shop_summary(shops, TODAY)
    assert summary.counts == {"green": 1, "yellow": 2, "red": 3}
    assert summary.turned_red_this_week == 2   # shops 1 and 5 (week from Monday 11-16)
    assert summary.by_road == [("B路", {"green": 0, "yellow": 0, "red": 2}),
                               ("C路", {"green": 0, "yellow": 0, "red": 1}),
                               ("A路", {"green": 1, "yellow": 1, "red": 0})]
    assert rules.shop_summary(shops, TODAY, roads=1).by_road == summary.by_road[:1]
