"""Weekly meeting, a year earlier: "no data then" (the year-earlier week begins before an area's data) reads
"—" with a note saying where the data begins, in the page, the XLSX and the PPTX, in both languages; a
year-earlier week inside the data with nothing in it reads its real 0. And 回收利用率 of a week is the
waste area's plan (one definition), on hand-made rows."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from cockpit import area, i18n, runtime
from cockpit.gateway import Gateway
from cockpit.meeting import pack, tables, weekly
from cockpit.meeting.weekly import IsoWeek
from cockpit.waste import data as waste_data
from tests.factories import insert_rows, local, seed_reference
from tests.meeting.test_weekly import W47, closed_case, seed_cases, seed_drones, seed_parking, seed_waste

AGO = IsoWeek(2025, 47)                               # Mon 17 – Sun 23 November 2025
CASES_SINCE = local(2025, 11, 10, 9)                  # the cases' first day: a week before AGO begins
NOTE_ZH = ("去年同期无数据（去年同周 2025-W47：垃圾分类、违停治理数据从 2026-11-09 开始；无人机巡航数据从 2026-11-16 开始；"
           "服装城联勤尚无数据）：去年同周与同比显示为“—”，不是 0。")
WASTE_NOTE_EN = ("No data a year ago (2025-W47: the Waste data begins 2026-11-09): the year-earlier figures and "
                 "changes read “—”, not 0.")


@pytest.fixture
def db(contract_db):
    """The weekly tests' rows (cases from 2026-10-01, waste and parking from 2026-11-09, drones from 2026-11-16,
    no market request), one case closed on 2025-11-10 (so the cases' data covers AGO, which holds no case)
    and one recyclable weighing in W47 (1 t)."""
    seed_reference(contract_db)
    seed_cases(contract_db)
    seed_waste(contract_db)
    seed_parking(contract_db)
    seed_drones(contract_db)
    insert_rows(contract_db, "grid_case", [closed_case(CASES_SINCE)])
    insert_rows(contract_db, "waste_weighing", [
        {"weighing_id": 500, "site_id": "WS01", "vehicle_id": "V1", "category_code": "recyclable", "stage": "collect",
         "from_site_id": None, "weighed_at": local(2026, 11, 18, 10), "net_tonnes": 1.0}])
    return contract_db


@pytest.fixture
def gw(db):
    gateway = Gateway(db.url.render_as_string(hide_password=False))
    yield gateway
    gateway.dispose()


@pytest.fixture
def rep(gw):
    return weekly.load_report(gw.execute, W47)


def test_data_span_gives_each_areas_first_day(gw):
    row = gw.execute("weekly.data_span", as_of=W47.as_of).iloc[0]
    # last: case 7, reported at the week's end itself (up to :as_of)
    assert {k: row[k] for k in ("first_day", "last_day", "cases_first_day", "waste_first_day", "parking_first_day",
                                "drones_first_day")} == {
        "first_day": dt.date(2025, 11, 10), "last_day": dt.date(2026, 11, 23), "cases_first_day": dt.date(2025, 11, 10),
        "waste_first_day": dt.date(2026, 11, 9), "parking_first_day": dt.date(2026, 11, 9),
        "drones_first_day": dt.date(2026, 11, 16)}
    assert row["market_first_day"] is None
    before = gw.execute("weekly.data_span", as_of=local(2025, 1, 1)).iloc[0]
    assert before["first_day"] is None and before["cases_first_day"] is None


def test_no_data_then_is_none_and_a_real_zero_is_zero(rep):
    assert rep.week.year_ago() == AGO
    assert [a for a in weekly.AREAS if rep.year_ago_before_data(a)] == ["waste", "parking", "drones", "market"]
    assert rep.value("cases", "received", "year_ago") == 0.0          # inside the data, nothing received
    assert rep.value("cases", "overdue_open", "year_ago") == 0.0
    assert rep.value("waste", "tonnes", "year_ago") is None           # before the waste data: no figure
    assert rep.value("parking", "violations", "year_ago") is None
    assert rep.change("waste", "tonnes", "year_ago").text() == "—"
    with i18n.language("zh"):
        h = tables.headline_table(rep).set_index(["专题", "指标"])
        assert h.loc[("网格案件", "受理案件数"), "去年同周"] == 0
        assert h.loc[("网格案件", "周末超期未结案"), "去年同周"] == 0
        assert h.loc[("垃圾分类", "垃圾收运量"), "去年同周"] == "—"
        assert (h.xs("违停治理")["去年同周"] == "—").all() and (h.xs("服装城联勤")["去年同周"] == "—").all()
        assert h.loc[("垃圾分类", "垃圾收运量"), "同比"] == "—"
        assert tables.year_ago_note(rep) == NOTE_ZH
        assert tables.year_ago_note(rep, "cases") == ""
    with i18n.language("en"):
        assert tables.year_ago_note(rep, "waste") == WASTE_NOTE_EN


def test_a_year_ago_week_the_data_covers_only_in_part_has_no_figures(rep):
    """The rule is the week's first day: data from its Wednesday on is not a week of data."""
    rep.first_days["cases"] = AGO.start + dt.timedelta(days=2)
    assert rep.year_ago_before_data("cases") and rep.value("cases", "received", "year_ago") is None
    with i18n.language("zh"):
        assert "网格案件数据从 2025-11-19 开始" in tables.year_ago_note(rep, "cases")
    rep.first_days["cases"] = AGO.start                              # from its Monday: a week of data
    assert not rep.year_ago_before_data("cases") and rep.value("cases", "received", "year_ago") == 0.0
    del rep.first_days["cases"]                                      # span unknown: the figures as they are
    assert not rep.year_ago_before_data("cases")


def test_a_year_without_the_week_says_so():
    with i18n.language("zh"):
        report = weekly.WeeklyReport(IsoWeek(2026, 53), *([None] * 3), *([None] * 5))
        assert tables.year_ago_note(report) == "2025 年没有第 53 周：去年同周与同比显示为“—”。"
    with i18n.language("en"):
        assert tables.year_ago_note(report, "cases") == "2025 has no week 53: the year-earlier figures and changes read “—”."


def _rows(ws) -> list[tuple]:
    return [r for r in ws.iter_rows(values_only=True) if any(v is not None for v in r)]


def test_xlsx_and_pptx_show_the_dash_and_the_note_in_both_languages(rep):
    import openpyxl
    from pptx import Presentation

    for lang, sheet, cases_name, waste_name, tonnes, received in (
            ("zh", "概况", "网格案件", "垃圾分类", "垃圾收运量", "受理案件数"),
            ("en", "Headlines", "Grid cases", "Waste", "Waste collected", "Cases received")):
        built = pack.build_pack(rep, lang, with_pdf=False)
        wb = openpyxl.load_workbook(io.BytesIO(built.xlsx))
        rows = _rows(wb[sheet])
        xl = {(r[0], r[1]): r for r in rows if r[0] and r[1]}
        assert xl[(cases_name, received)][6] == 0                       # a real zero, as a number
        assert xl[(waste_name, tonnes)][6] == "—" and xl[(waste_name, tonnes)][7] == "—"
        with i18n.language(lang):
            note, waste_note = tables.year_ago_note(rep), tables.year_ago_note(rep, "waste")
        about = _rows(wb.worksheets[0])                                # the about sheet names why
        assert note in [r[1] for r in about] and waste_name in note
        assert (waste_note == WASTE_NOTE_EN) == (lang == "en")

        slides = Presentation(io.BytesIO(built.pptx)).slides
        texts = [[s.text_frame.text for s in slide.shapes if s.has_text_frame] for slide in slides]
        titles = [t[0] for t in texts]
        headlines, cases, waste = (titles.index(x) for x in (
            i18n.t("wk_overview_slide", lang), cases_name, waste_name))
        assert note in texts[headlines] and waste_note in texts[waste] and not [t for t in texts[cases] if "—" in t]
        waste_table = next(s.table for s in slides[waste].shapes if s.has_table)
        cells = [[c.text for c in row.cells] for row in waste_table.rows]
        assert cells[1][0] == tonnes and cells[1][5:] == ["—", "—"]
        cases_table = next(s.table for s in slides[cases].shapes if s.has_table)
        assert [[c.text for c in row.cells] for row in cases_table.rows][1][5] == "0"


def test_weekly_page_shows_the_dash_and_the_note(db, rep, monkeypatch):
    from tests.pages.test_pages import run_app

    monkeypatch.setenv("COCKPIT_DATABASE_URL", db.url.render_as_string(hide_password=False))
    runtime.reset_runtime()
    try:
        for lang, header, waste_name, cases_name in (("zh", "去年同周", "垃圾分类", "网格案件"),
                                                     ("en", "A year earlier", "Waste", "Grid cases")):
            at = run_app("app_pages/weekly.py", week=W47.label, lang=lang)
            assert not at.exception, [e.value for e in at.exception]
            table = next(d.value for d in at.dataframe if header in d.value.columns)
            area_col = table.columns[0]
            waste = table[table[area_col] == waste_name][header].tolist()
            cases = table[table[area_col] == cases_name][header].tolist()
            assert waste == ["—"] * 3 and cases[:2] == ["0", "0"]  # received, closed: real zeros
            with i18n.language(lang):
                note, waste_note = tables.year_ago_note(rep), tables.year_ago_note(rep, "waste")
            captions = [c.value for c in at.caption]
            assert note in captions and waste_note in captions
            assert (waste_note == WASTE_NOTE_EN) == (lang == "en")
    finally:
        runtime.reset_runtime()


def test_recycling_rate_of_the_week_is_the_waste_areas_plan(gw):
    calls = []

    def run(name, **params):
        calls.append((name, params))
        return gw.execute(name, **params)

    figures = weekly.load_figures(run, W47)
    plan = waste_data.recycling(None, W47.start, W47.end, as_of=W47.as_of)
    assert list(plan.calls.values())[0] in calls                      # the same query, the same parameters
    # (perishable 7 t + recyclable 1 t) / 20 t collected in the week, by hand
    assert figures.values["waste"]["recycling_rate"] == pytest.approx(40.0)
    assert figures.values["waste"]["recycling_rate"] == area.load(area.sequential(gw.execute), plan).recycling_rate
    assert figures.values["waste"]["tonnes"] == pytest.approx(20.0)   # the week's other tonnes: tonnes_by_town
    assert figures.values["waste"]["tonnes_recyclable"] == pytest.approx(1.0)
    assert weekly.METRIC[("waste", "recycling_rate")].kpi_key == "waste_recycling_rate"
