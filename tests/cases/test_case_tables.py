"""The cases page's tables as shown (issue 18): durations in days and hours, thousands separators,
counts without decimals, units in the headers in both languages, no raw column names and "—" instead
of None. Hand-made rows in PostgreSQL, through the page's own queries and table builders."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from cockpit import i18n
from cockpit.cases import charts, rules
from cockpit.gateway import Gateway
from tests.factories import GRID_B, TOWN_A, TOWN_B, case, insert_rows, local, seed_reference

AS_OF = local(2026, 11, 20, 12, 0)
H = dt.timedelta(hours=1)
PERIOD = {"date_from": dt.date(2026, 11, 16), "date_to": dt.date(2026, 11, 20)}
SCOPE = {"town_code": None, "squadron_code": None, "area": None, "source_code": None, "category_code": None}


@pytest.fixture
def gw(contract_db):
    seed_reference(contract_db)
    gateway = Gateway(contract_db.url.render_as_string(hide_password=False))
    yield gateway
    gateway.dispose()


def test_overdue_table_in_days_and_hours_without_none(gw, contract_db):
    reported = AS_OF - dt.timedelta(hours=8725, minutes=18)          # 363 d 13 h 18 min ago
    insert_rows(contract_db, "grid_case", [
        case(reported, case_id=1, close_deadline_at=reported + dt.timedelta(hours=100)),   # 8,625.3 h late
        case(AS_OF - 5 * H, case_id=2, close_deadline_at=AS_OF - dt.timedelta(minutes=20),
             handler_dept_code=None),                                                      # no holder
        case(AS_OF - 30 * H, case_id=3, close_deadline_at=AS_OF + H),                      # due in an hour
    ])
    rows = gw.execute("cases.overdue_list", as_of=AS_OF, horizon_hours=rules.OVERDUE_HORIZON_HOURS,
                      limit_rows=10, **SCOPE)
    with i18n.language("zh"):
        zh = charts.overdue_table(rows)
    with i18n.language("en"):
        en = charts.overdue_table(rows)
    assert zh["超期时长"].tolist() == ["359 天 9 小时", "20 分钟", "还剩 1 小时 0 分钟"]
    assert zh["已用时长"].tolist() == ["363 天 13 小时", "5 小时 0 分钟", "1 天 6 小时"]
    assert en["Late by"].tolist() == ["359 d 9 h", "20 min", "1 h 0 min left"]
    assert en["Age"].tolist() == ["363 d 13 h", "5 h 0 min", "1 d 6 h"]
    assert zh["处置部门"].tolist() == ["SQ-DH", "—", "SQ-DH"]
    assert "None" not in zh.to_string() and "None" not in en.to_string()


def test_rankings_with_thousands_separators_and_units(gw, contract_db):
    with contract_db.begin() as conn:      # 1,234 cases in town A, every one closed on time
        conn.execute(sa.text(
            "INSERT INTO cockpit.grid_case (case_id, source_code, category_code, lat, lon, grid_code, "
            "handler_dept_code, squadron_code, reported_at, registered_at, closed_at, close_deadline_at) "
            "SELECT 10000 + i, 'grid_worker', 'E0102', 30.705, 121.005, '33048200100101', 'SQ-DH', 'SQ-DH', "
            ":t, :t, :t + interval '1 hour', :t + interval '2 hours' FROM generate_series(1, 1234) i"),
            {"t": local(2026, 11, 17, 9)})
    insert_rows(contract_db, "grid_case", [case(local(2026, 11, 17, 9), grid=GRID_B)])  # town B: nothing due
    by_town = gw.execute("cases.kpis_by_group", as_of=AS_OF, dimension="town", **PERIOD, **SCOPE)
    towns = gw.execute("common.towns")
    with i18n.language("zh"):
        zh = charts.town_ranking(by_town, towns)
        group = charts.group_ranking(by_town, towns, "town_code")
    with i18n.language("en"):
        en = charts.group_ranking(by_town, towns, "town_code")
    assert zh["受理（件）"].tolist() == ["1,234", "1"]
    assert zh["结案率（%）"].tolist() == ["100.0", "—"]
    assert zh["综合指标值（分）"].tolist()[1] == "—"
    assert group["受理（件）"].tolist() == ["1,234", "1"] and group["名称"].tolist() == ["当湖街道", "钟埭街道"]
    assert en["Received (cases)"].tolist() == ["1,234", "1"]
    assert [c for c in en.columns if "分" in c or "（" in c] == []
    assert {TOWN_A, TOWN_B} == set(by_town["group_code"])


def test_shops_table_names_its_road_column(gw, contract_db):
    summary = rules.ShopSummary({"green": 1, "yellow": 0, "red": 1}, 0,
                                [("新华路", {"green": 1200, "yellow": 0, "red": 1})])
    with i18n.language("zh"):
        zh = charts.shops_by_road_table(summary)
    with i18n.language("en"):
        en = charts.shops_by_road_table(summary)
    assert zh.columns.tolist() == ["道路", "绿码商铺（家）", "黄码商铺（家）", "红码商铺（家）"]
    assert zh.iloc[0].tolist() == ["新华路", "1,200", "0", "1"]
    assert en.columns.tolist() == ["Road", "Green shops (shops)", "Yellow shops (shops)", "Red shops (shops)"]
    assert "road_name" not in zh.to_string() + str(zh.index.name)
