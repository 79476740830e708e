"""Who must act and one page per town, on hand-made rows: the escalation list at two week ends (carried, new,
cleared) by holder with delays in days and hours, the worst grids of each town, a town's figures with their
change and status."""

from __future__ import annotations

import datetime as dt

import pytest

from cockpit import i18n
from cockpit.gateway import Gateway
from cockpit.meeting import tables, weekly
from tests.factories import GRID_A, GRID_B, TOWN_A, TOWN_B, insert_rows, local, seed_reference
from tests.meeting.test_weekly import W47, closed_case, seed_cases

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def rep(contract_db):
    seed_reference(contract_db)
    seed_cases(contract_db)
    insert_rows(contract_db, "grid_case", [  # on last week's list (weeks late), closed during W47: cleared
        closed_case(local(2026, 10, 1, 9), grid=GRID_B, close_deadline_at=local(2026, 10, 2, 9),
                    closed_at=local(2026, 11, 18, 9))])
    gateway = Gateway(contract_db.url.render_as_string(hide_password=False))
    try:
        yield weekly.load_report(gateway.execute, W47)
    finally:
        gateway.dispose()


@pytest.mark.parametrize("seconds, zh, en", [
    (0, "0分钟", "0 min"), (59 * 60, "59分钟", "59 min"), (3600, "1小时", "1 h"), (86400 + 3 * 3600, "1天3小时", "1 d 3 h"),
    (51 * 86400 + 15 * 3600 + 59 * 60, "51天15小时", "51 d 15 h"), (None, "—", "—")])
def test_delays_read_as_days_and_hours(seconds, zh, en):
    with i18n.language("zh"):
        assert tables.age_text(seconds) == zh
    with i18n.language("en"):
        assert tables.age_text(seconds) == en


def test_the_escalation_list_carried_new_and_cleared(rep):
    a = rep.action_list.set_index("case_id")
    states = dict(zip(a.index, a["state"]))
    assert sorted(states.values()) == ["carried", "cleared", "new"]
    late = {s: a[a["state"] == s].iloc[0]["seconds_late"] for s in ("carried", "new", "cleared")}
    assert late["carried"] == (51 * 24 + 15) * 3600      # 2 Oct 09:00 → 23 Nov 00:00
    assert late["new"] == 3600                           # reworked twice, one hour late: new this week
    assert late["cleared"] == 47 * 24 * 3600             # 2 Oct 09:00 → closed 18 Nov 09:00
    with i18n.language("zh"):
        summary = tables.action_summary(rep, "department")
        assert summary.to_dict("records") == [
            {"处置部门": "当湖中队", "上周延续（件）": 1, "本周新增（件）": 1, "已销号（件）": 0, "最长超期": "51天15小时"},
            {"处置部门": "钟埭中队", "上周延续（件）": 0, "本周新增（件）": 0, "已销号（件）": 1, "最长超期": "—"}]
        by_squadron = tables.action_summary(rep, "squadron", ages="days")
        assert [tables.clean(v) for v in by_squadron["最长超期（天）"]] == [51.6, None]
        cleared = tables.action_table(rep, "cleared")
        assert cleared[["状态", "结案时限", "已超期"]].values.tolist() == [["已销号", "2026-10-02 09:00", "47天0小时"]]
        holders = tables.holders_table(rep)
        assert holders.to_dict("records") == [
            {"处置部门": "当湖中队", "超期未结（件）": 3, "升级督办（件）": 2, "最长超期": "51天15小时"}]
        assert tables.squadron_table(rep, ages="days").to_dict("records") == [
            {"责任中队": "当湖中队", "超期未结（件）": 3, "升级督办（件）": 2, "最长超期（天）": 51.6}]


def test_each_town_has_its_figures_rank_and_worst_grids(rep):
    with i18n.language("zh"):
        assert [c for c, _ in tables.towns(rep)] == [TOWN_A, TOWN_B]
        grids = tables.worst_grids_table(rep, TOWN_A)
        assert grids.to_dict("records") == [
            {"排名": 1, "网格": GRID_A, "超期未结（件）": 3, "升级督办（件）": 2, "受理（件）": 5}]
        assert tables.worst_grids_table(rep, TOWN_B).to_dict("records") == [
            {"排名": 1, "网格": GRID_B, "超期未结（件）": 0, "升级督办（件）": 0, "受理（件）": 2}]
        f = tables.town_figures(rep, TOWN_A).set_index("kpi_key")
        assert (f.loc["cases_received", "this_week"], f.loc["cases_received", "previous_week"]) == (5, 2)
        assert f.loc["cases_received", "change"] == 150.0 and f.loc["cases_received", "change_text"] == "↑150.0%"
        assert f.loc["week_overdue_open", "this_week"] == 3 and f.loc["week_escalated", "this_week"] == 2
        ranking = rep.ranking("town")
        for code in (TOWN_A, TOWN_B):
            rank, of = tables.town_rank(rep, code)
            assert of == 2 and rank == int(ranking[ranking["group_code"] == code]["rank"].iloc[0])
        # cases 1 (on time), 2 (late), 3 and 6 (due, open); 8 rejected: 1 of 4 closed on time, far off 90 %
        assert f.loc["ontime_close_rate", "this_week"] == 25.0 and f.loc["ontime_close_rate", "status"] == "red"
