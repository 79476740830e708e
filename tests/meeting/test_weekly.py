"""Weekly meeting: ISO-week arithmetic, the weekly queries on hand-made rows with exact figures, the
briefing's numbers against the tables', and the meeting pack read back with python-pptx and openpyxl."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cockpit import i18n
from cockpit.gateway import Gateway
from cockpit.meeting import maps, pack, tables, weekly
from cockpit.meeting.briefing import briefing
from cockpit.meeting.weekly import Change, IsoWeek, WeekError
from tests.factories import GRID_B, TOWN_A, TOWN_B, case, insert_rows, local, seed_reference

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
HOUR = dt.timedelta(hours=1)
W47 = IsoWeek(2026, 47)                      # Mon 16 – Sun 22 November 2026
AS_OF = W47.as_of                           # Mon 23 November 00:00, Asia/Shanghai
AFTER = local(2026, 12, 1, 9)               # a "now" when W47 (and W48) have ended
ESC = {"escalate_hours": weekly.ESCALATE_HOURS, "escalate_reworks": weekly.ESCALATE_REWORKS}
SECRETS = ("张三", "13800138000", "浙F12345", "李四")  # personal data planted in the rows: never in the pack


# -- ISO weeks ---------------------------------------------------------------------------------------------------------
def test_week_parsing_and_boundaries():
    w = weekly.parse_week("2026-W47", AFTER)
    assert (w.start, w.end) == (dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    assert w.as_of == local(2026, 11, 23, 0, 0)
    assert weekly.parse_week("2026w47", AFTER) == w == weekly.parse_week(" 2026-W47 ", AFTER)
    assert weekly.parse_week("2026-W7", AFTER) == IsoWeek(2026, 7)
    assert w.previous() == IsoWeek(2026, 46) and w.year_ago() == IsoWeek(2025, 47)


def test_weeks_across_a_year_boundary_and_53_week_years():
    assert IsoWeek(2026, 1).start == dt.date(2025, 12, 29)          # week 1 of 2026 starts in 2025
    assert IsoWeek.of(dt.date(2027, 1, 3)) == IsoWeek(2026, 53)      # 3 Jan 2027 is still 2026-W53
    assert IsoWeek(2021, 1).previous() == IsoWeek(2020, 53)
    assert weekly.weeks_in_year(2026) == 53 and weekly.weeks_in_year(2025) == 52
    assert IsoWeek(2026, 53).year_ago() is None                      # 2025 has no W53: no base
    assert IsoWeek(2021, 53 - 1).year_ago() == IsoWeek(2020, 52)
    with pytest.raises(WeekError) as err:
        weekly.parse_week("2025-W53", AFTER)
    assert err.value.code == "no_such_week" and "52" in err.value.message("zh")


@pytest.mark.parametrize("text", ["2026-47", "W47", "abc", "2026-W", "26-W47", "2026-W147", "0999-W01"])
def test_malformed_weeks_are_refused(text):
    with pytest.raises(WeekError) as err:
        weekly.parse_week(text, AFTER)
    assert err.value.code in {"malformed", "no_such_week"}
    assert text.strip() in err.value.message("en")


def test_future_and_unfinished_weeks_are_refused_and_the_default_is_the_last_complete_week():
    sunday_night = local(2026, 11, 22, 23, 59)
    with pytest.raises(WeekError) as err:
        weekly.parse_week("2026-W47", sunday_night)                  # not over until Monday 00:00
    assert err.value.code == "not_ended" and "2026-11-22" in err.value.message("zh")
    with pytest.raises(WeekError):
        weekly.parse_week("2027-W10", AFTER)                         # the future
    assert weekly.parse_week("2026-W47", local(2026, 11, 23, 0, 0)) == W47
    assert weekly.parse_week(None, sunday_night) == IsoWeek(2026, 46)
    assert weekly.parse_week("", local(2026, 11, 23, 0, 0)) == W47
    assert weekly.last_complete_week(local(2027, 1, 4, 8)) == IsoWeek(2026, 53)
    assert weekly.recent_weeks(AFTER, 3) == [IsoWeek(2026, 48), W47, IsoWeek(2026, 46)]


def test_changes_rising_falling_unchanged_and_without_base():
    assert Change(110, 100).text() == "↑10.0%"
    assert Change(90, 100).text() == "↓10.0%"
    assert Change(100, 100).text() == "→0.0%"
    assert Change(5, 0).text() == "—" and Change(5, None).text() == "—" and Change(None, 5).text() == "—"
    with i18n.language("zh"):
        assert Change(91.2, 90.0, "points").text() == "↑1.2 个百分点"
        assert Change(99.1, 99.1, "score").text() == "→0.0 分"
    with i18n.language("en"):
        assert Change(88.0, 90.0, "points").text() == "↓2.0 pp"
        assert Change(110, 100).text() == "↑10.0%"


# -- hand-made rows ------------------------------------------------------------------------------------------------------
def closed_case(reported, *, late=False, grid=None, **extra):
    fields = {"accepted_at": reported + 0.1 * HOUR, "registered_at": reported + 0.2 * HOUR,
              "dispatched_at": reported + 0.3 * HOUR, "disposed_at": reported + 2 * HOUR,
              "closed_at": reported + 3 * HOUR, "dispose_deadline_at": reported + (1 if late else 4) * HOUR,
              "close_deadline_at": reported + (2 if late else 8) * HOUR, **({"grid": grid} if grid else {}), **extra}
    return case(reported, **fields)


def open_case(reported, deadline, **extra):
    return case(reported, registered_at=reported, dispatched_at=reported, dispose_deadline_at=deadline,
                close_deadline_at=deadline, **extra)


MON, PREV_MON = local(2026, 11, 16, 9), local(2026, 11, 9, 9)


def seed_cases(engine):
    insert_rows(engine, "department", [
        {"dept_code": "SQ-DH", "name_zh": "当湖中队", "name_en": "Danghu squadron", "kind": "squadron"},
        {"dept_code": "SQ-ZD", "name_zh": "钟埭中队", "name_en": "Zhongdai squadron", "kind": "squadron"}])
    insert_rows(engine, "grid_case", [
        closed_case(MON, description="张三 13800138000 举报"),      # 1 A: received, closed on time
        closed_case(MON + 24 * HOUR, late=True),                     # 2 A: received, closed late
        open_case(MON, local(2026, 11, 22, 20)),                     # 3 A: overdue 4 h at as_of, not escalated
        closed_case(local(2026, 11, 14, 9), closed_at=local(2026, 11, 17, 9)),  # 4 A: closed in the week only
        open_case(local(2026, 10, 1, 9), local(2026, 10, 2, 9)),     # 5 A: overdue for weeks: escalated
        open_case(MON, AS_OF - HOUR, rework_count=2),                # 6 A: overdue 1 h, reworked twice: escalated
        closed_case(local(2026, 11, 23, 0, 0)),                      # 7 A: next week: nothing
        case(MON, is_rejected=True),                                 # 8 A: received, excluded from the rates
        closed_case(MON, grid=GRID_B),                               # 9 B: received, closed on time
        open_case(MON, AS_OF + HOUR, grid=GRID_B),                   # 10 B: open, not due yet
        closed_case(PREV_MON), closed_case(PREV_MON, grid=GRID_B), closed_case(PREV_MON, grid=GRID_B),  # last week
    ])


def seed_waste(engine):
    insert_rows(engine, "waste_category", [
        {"category_code": c, "name_zh": zh, "name_en": en} for c, zh, en in (
            ("perishable", "易腐垃圾", "Perishable"), ("other", "其他垃圾", "Other"),
            ("recyclable", "可回收物", "Recyclable"), ("hazardous", "有害垃圾", "Hazardous"))])
    insert_rows(engine, "waste_site", [
        {"site_id": "WS01", "kind": "dropoff", "name_zh": "一号投放站", "town_code": TOWN_A, "community_code": None,
         "lat": 30.701, "lon": 121.001, "is_timed_fixed": True, "capacity_tonnes_per_day": None,
         "treats_category_code": None}])
    rows, n = [], 0
    for day in range(7):
        d = W47.start + dt.timedelta(days=day)
        n += 1
        rows.append({"weighing_id": n, "site_id": "WS01", "vehicle_id": "V1", "category_code": "perishable",
                     "stage": "collect", "from_site_id": None, "weighed_at": local(d.year, d.month, d.day, 8),
                     "net_tonnes": 1.0})
        if day != 2:  # Wednesday evening missed
            n += 1
            rows.append({"weighing_id": n, "site_id": "WS01", "vehicle_id": "V1", "category_code": "other",
                         "stage": "collect", "from_site_id": None, "weighed_at": local(d.year, d.month, d.day, 18),
                         "net_tonnes": 2.0})
    rows.append({"weighing_id": 99, "site_id": "WS01", "vehicle_id": "V1", "category_code": "other",
                 "stage": "collect", "from_site_id": None, "weighed_at": local(2026, 11, 9, 8), "net_tonnes": 4.0})
    insert_rows(engine, "waste_weighing", rows)


def seed_parking(engine):
    path = '{"type": "LineString", "coordinates": [[121.0, 30.70], [121.01, 30.70]]}'
    insert_rows(engine, "parking_road", [
        {"road_id": "R01", "name_zh": "解放路", "town_code": TOWN_A, "is_strict": True, "strict_since": None,
         "has_ecapture": True, "length_km": 1.0, "path": path},
        {"road_id": "R02", "name_zh": "当湖路", "town_code": TOWN_A, "is_strict": True, "strict_since": None,
         "has_ecapture": False, "length_km": 1.0, "path": path}])

    def v(i, road, at, *, reminded=False, left=None, method="ecapture"):
        return {"violation_id": i, "road_id": road, "observed_at": at, "lat": 30.70, "lon": 121.005,
                "grid_code": None, "method": method, "plate": "浙F12345",
                "reminder_at": at + dt.timedelta(minutes=1) if reminded else None, "left_within_10min": left,
                "ticketed_at": None, "is_first_warning": False}
    insert_rows(engine, "parking_violation", [
        v(1, "R01", MON, reminded=True, left=True), v(2, "R01", MON + HOUR, reminded=True, left=False),
        v(3, "R01", MON + 2 * HOUR), v(4, "R02", MON + 3 * HOUR, method="manual"),
        v(5, "R01", PREV_MON)])


def seed_drones(engine):
    insert_rows(engine, "drone_nest", [
        {"nest_id": "N1", "name_zh": "钟埭机巢", "town_code": TOWN_B, "lat": 30.72, "lon": 120.96,
         "status_code": "idle", "status_at": MON, "camera_radius_m": 300.0}])
    insert_rows(engine, "drone_flight", [
        {"flight_id": 1, "nest_id": "N1", "route_name": "河道", "purpose_code": "river", "started_at": MON,
         "ended_at": MON + 0.5 * HOUR, "distance_km": 12.5},
        {"flight_id": 2, "nest_id": "N1", "route_name": "河道", "purpose_code": "river", "started_at": MON + 2 * HOUR,
         "ended_at": MON + 3 * HOUR, "distance_km": 20.0}])
    insert_rows(engine, "drone_detection", [
        {"detection_id": 1, "flight_id": 1, "detected_at": MON + 0.2 * HOUR, "category_code": "E0102",
         "lat": 30.72, "lon": 120.96, "confidence": 0.9, "case_id": 1},
        {"detection_id": 2, "flight_id": 2, "detected_at": MON + 2.5 * HOUR, "category_code": "E0102",
         "lat": 30.72, "lon": 120.96, "confidence": 0.8, "case_id": None}])


@pytest.fixture
def gw(contract_db):
    seed_reference(contract_db)
    seed_cases(contract_db)
    seed_waste(contract_db)
    seed_parking(contract_db)
    seed_drones(contract_db)
    gateway = Gateway(contract_db.url.render_as_string(hide_password=False))
    yield gateway
    gateway.dispose()


# -- the weekly queries ----------------------------------------------------------------------------------------------------
def test_case_kpis_per_city_town_and_squadron_exact(gw):
    df = gw.execute("weekly.case_kpis", as_of=AS_OF, week_start=W47.start, **ESC)
    got = {(r["level"], r["group_code"] if isinstance(r["group_code"], str) else None): r
           for r in df.to_dict("records")}
    assert set(got) == {("all", None), ("town", TOWN_A), ("town", TOWN_B), ("squadron", "SQ-DH"),
                        ("squadron", "SQ-ZD")}
    city = got[("all", None)]
    # received: 1 2 3 6 8 (A) + 9 10 (B); due to close: 1 2 3 6 9; closed 1 2 9, on time 1 9
    assert {k: city[k] for k in ("received", "due_close", "closed", "closed_on_time", "due_dispose", "disposed",
                                 "disposed_on_time", "closed_in_week", "overdue_open", "escalated")} == {
        "received": 7, "due_close": 5, "closed": 3, "closed_on_time": 2, "due_dispose": 5, "disposed": 3,
        "disposed_on_time": 2, "closed_in_week": 4, "overdue_open": 3, "escalated": 2}
    a, b = got[("town", TOWN_A)], got[("town", TOWN_B)]
    assert (a["received"], a["overdue_open"], a["escalated"], a["closed_in_week"]) == (5, 3, 2, 3)
    assert (b["received"], b["due_close"], b["closed_on_time"]) == (2, 1, 1)
    assert got[("squadron", "SQ-ZD")]["received"] == 2
    city_rates = weekly.case_groups_with_rates(df).iloc[0]
    assert city_rates["ontime_close_rate"] == pytest.approx(40.0)
    assert city_rates["composite_score"] == pytest.approx(0.4 * 60 + 0.6 * 30 + 1.0 * 10)


def test_overdue_lists_add_up_and_hold_no_personal_data(gw):
    cases = gw.execute("weekly.overdue_cases", as_of=AS_OF, limit_rows=50, **ESC)
    holders = gw.execute("weekly.overdue_by_holder", as_of=AS_OF, **ESC)
    assert cases["is_escalated"].tolist() == [True, True, False]  # escalated first
    assert cases["hours_late"].round(1).tolist() == [pytest.approx(51 * 24 + 15), 1.0, 4.0]
    assert cases["rework_count"].tolist() == [0, 2, 0]
    assert holders.to_dict("records")[0] | {"max_hours_late": 0} == {
        "handler_dept_code": "SQ-DH", "holder_name_zh": "当湖中队", "holder_name_en": "Danghu squadron",
        "holder_kind": "squadron", "overdue_open": 3, "escalated": 2, "max_hours_late": 0}
    assert not {"description", "lat", "lon"} & set(cases.columns)


def test_movers_roads_drones_and_towns_exact(gw):
    movers = gw.execute("weekly.movers", as_of=AS_OF, week_start=W47.start, top_n=5)
    m = {(r["kind"], r["code"]): (r["this_week"], r["prev_week"], r["change"], r["mover_rank"])
         for r in movers.to_dict("records")}
    assert m[("town", TOWN_A)] == (5, 2, 3, 1) and m[("town", TOWN_B)] == (2, 2, 0, 2)
    assert m[("road", "R01")] == (3, 1, 2, 1) and m[("road", "R02")] == (1, 0, 1, 2)
    assert m[("station", "WS01")] == (pytest.approx(19.0), pytest.approx(4.0), pytest.approx(15.0), 1)
    assert m[("category", "E0102")][:2] == (7, 4)
    roads = gw.execute("weekly.parking_by_road", as_of=AS_OF, week_start=W47.start)
    assert roads[["road_id", "violations", "ecapture", "reminded", "left_within_10min"]].values.tolist() == [
        ["R01", 3, 3, 2, 1], ["R02", 1, 0, 0, 0]]
    drones = gw.execute("weekly.drone_summary", as_of=AS_OF, week_start=W47.start).iloc[0].to_dict()
    assert drones == {"sorties": 2, "distance_km": 32.5, "flight_hours": pytest.approx(1.5), "nests_flown": 1,
                      "detections": 2, "detections_to_cases": 1}
    empty = gw.execute("weekly.drone_summary", as_of=W47.previous().as_of, week_start=W47.previous().start)
    assert empty.iloc[0].to_dict()["sorties"] == 0
    towns = gw.execute("weekly.by_town", as_of=AS_OF, week_start=W47.start).set_index("town_code")
    assert towns.loc[TOWN_A, ["cases_received", "parking_violations", "waste_tonnes", "drone_sorties"]].tolist() == [
        5, 4, pytest.approx(19.0), 0]
    assert towns.loc[TOWN_B, ["cases_received", "drone_sorties"]].tolist() == [2, 2]


# -- the report and the briefing -----------------------------------------------------------------------------------------
@pytest.fixture
def rep(gw):
    return weekly.load_report(gw.execute, W47)


def test_report_figures_and_comparisons(rep):
    with i18n.language("zh"):
        h = rep.headlines().set_index(["area", "key"])
    assert h.loc[("cases", "received"), "this_week"] == 7 and h.loc[("cases", "received"), "previous_week"] == 4
    assert h.loc[("cases", "received"), "wow"] == "↑75.0%"
    assert h.loc[("cases", "ontime_close_rate"), "this_week"] == 40.0
    assert h.loc[("waste", "tonnes"), "this_week"] == 19.0 and h.loc[("waste", "tonnes"), "wow"] == "↑375.0%"
    assert h.loc[("waste", "compliance_rate"), "this_week"] == round(100 * 13 / 14, 1)
    assert h.loc[("waste", "recycling_rate"), "this_week"] == round(100 * 7 / 19, 1)
    assert h.loc[("parking", "persuade_rate"), "this_week"] == 50.0
    assert h.loc[("drones", "sorties"), "this_week"] == 2 and h.loc[("drones", "sorties"), "wow"] == "—"
    assert h.loc[("cases", "received"), "yoy"] == "—"  # nothing a year earlier: no base
    assert not rep.this.has_data["market"] and h.loc[("market", "received"), "this_week"] in (None, 0)
    assert rep.ranking("town")["group_code"].tolist() == [TOWN_B, TOWN_A]  # B: all on time


def _numbers(text: str) -> list[str]:
    return [n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)]


def test_briefing_numbers_are_the_table_numbers(rep):
    text = briefing(rep, "zh")
    with i18n.language("zh"):
        h = rep.headlines().set_index(["area", "key"])
    assert f"本周共受理案件 {h.loc[('cases', 'received'), 'this_week']} 件，环比 {h.loc[('cases', 'received'), 'wow']}" \
        in text
    assert f"按期结案率 {h.loc[('cases', 'ontime_close_rate'), 'this_week']:.1f}%，低于目标 50.0 个百分点" in text
    assert f"周末超期未结案 {h.loc[('cases', 'overdue_open'), 'this_week']} 件，其中升级督办 " \
           f"{h.loc[('cases', 'escalated'), 'this_week']} 件" in text
    assert "违停热点前二为解放路（3 起）、当湖路（1 起）" in text
    assert "本周无服装城联勤数据" in text
    # every number of the paragraph is a number of the tables (or the week's date and label)
    table_numbers = set()
    with i18n.language("zh"):
        for v in rep.headlines()[["this_week", "previous_week", "year_ago", "wow", "yoy"]].values.ravel():
            table_numbers.update(_numbers(str(v)))
        roads = tables.road_table(rep)
        table_numbers.update(str(v) for v in roads.values.ravel())
        table_numbers.update(_numbers(" ".join(map(str, tables.ranking_table(rep, "town").values.ravel()))))
        table_numbers.update(_numbers(" ".join(map(str, tables.holders_table(rep).values.ravel()))))
    week_numbers = {"2026", "47", "11", "16", "22", "50.0", "90", "1"}  # date, label, target gap, 前一
    assert set(_numbers(text)) - table_numbers - week_numbers == set()
    english = briefing(rep, "en")
    assert "7 cases were received (↑75.0% week on week)" in english and "No Clothing market data" in english


def test_briefing_words_for_rising_falling_and_unchanged(rep):
    rep.previous.values["cases"]["received"] = 7.0
    assert "环比 →0.0%" in briefing(rep, "zh")
    rep.previous.values["cases"]["received"] = 14.0
    assert "环比 ↓50.0%" in briefing(rep, "zh")
    rep.previous.values["cases"]["received"] = 5.0
    assert "环比 ↑40.0%" in briefing(rep, "zh")


# -- the pack ----------------------------------------------------------------------------------------------------------------
def _slide_texts(prs) -> list[str]:
    out = []
    for slide in prs.slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [c.text for row in shape.table.rows for c in row.cells]
        out.append("\n".join(parts))
    return out


def _table_values(prs) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in shape.table.rows]
            for slide in prs.slides for shape in slide.shapes if shape.has_table]


def _shown(df) -> list[list[str]]:
    """A table as a slide writes it: header, then cells ('—' for none, thousands, one decimal)."""
    def cell(v):
        v = tables.clean(v)
        if v is None:
            return "—"
        if isinstance(v, float):
            return f"{v:,.1f}"
        if isinstance(v, int) and not isinstance(v, bool):
            return f"{v:,}"
        return str(v)
    return [[str(c) for c in df.columns]] + [[cell(v) for v in row] for row in df.itertuples(index=False)]


def test_pack_pptx_xlsx_and_pdf_hold_what_they_claim(gw, rep, tmp_path):
    import openpyxl
    import pypdf
    from pptx import Presentation

    from cockpit.meeting import deck
    from cockpit.meeting import pdf as pdf_pack

    built = pack.build_pack(rep, "zh")
    prs = Presentation(io.BytesIO(built.pptx))
    with i18n.language("zh"):
        outline = deck.outline(rep, built.maps)
        stamp = deck.stamp(rep)
        town_names = [name for _, name in tables.towns(rep)]
    texts = _slide_texts(prs)
    titles = [t.split("\n")[0] for t in texts]
    assert len(prs.slides) == len(outline) == 13 + len(town_names)
    assert titles == [s.title for s in outline]
    assert titles[:13] == ["平湖市综合行政执法局 周例会材料", "议程", "各专题概况", "近 8 周趋势", "网格案件", "垃圾分类",
                           "违停治理", "无人机巡航", "服装城联勤", "变化最大", "督办事项：谁在何时前处理什么",
                           "超期与升级督办案件", "考核排名"]
    assert titles[13:] == [f"镇街道一页通 · {name}" for name in town_names]
    assert "统计截至 2026-11-23 00:00" in texts[0] and "数据截至 2026-11-23 00:00" in texts[0]  # the cover (case 7 at 00:00)
    assert "本周共受理案件 7 件" in texts[0] and "2026-W47" in texts[0]
    assert "本周无服装城联勤数据。" in texts[8]                      # the empty area says so
    for n, (slide, text) in enumerate(zip(prs.slides, texts), start=1):  # numbers, stamp, one-line titles
        assert f"第 {n} / {len(outline)} 页" in text and stamp in text
        title = slide.shapes[0].text_frame
        assert len(title.paragraphs) == 1 and title.word_wrap is False
        size = title.paragraphs[0].runs[0].font.size.pt
        assert deck.title_fits(title.text, size), (title.text, size)
    # every slide's tables are the page's tables (tables.py) for the same week, cell by cell
    values = [[_table_value(shape) for shape in slide.shapes if shape.has_table] for slide in prs.slides]
    for i, spec in enumerate(outline):
        expected = [_shown(df) for _, df in spec.tables if df is not None and not df.empty]
        assert values[i] == expected, spec.title
    with i18n.language("zh"):
        assert values[2][0] == _shown(tables.headline_table(rep))
        assert values[3][0][1:] == _shown(tables.trend_table(rep, deck.TREND_SLIDE_WEEKS, as_text=True))[3:4] + \
            _shown(tables.trend_table(rep, deck.TREND_SLIDE_WEEKS, as_text=True))[4:5] + \
            _shown(tables.trend_table(rep, deck.TREND_SLIDE_WEEKS, as_text=True))[8:10] + \
            _shown(tables.trend_table(rep, deck.TREND_SLIDE_WEEKS, as_text=True))[12:13]
        town = tables.towns(rep)[0][0]
        assert values[13][0] == _shown(tables.town_page_table(rep, town))
    assert values[4][0][1][:4] == ["受理案件数", "件", "7", "4"]       # the cases slide's headline table
    trend_w47 = values[3][0][1]
    assert trend_w47[:4] == ["网格案件", "按期结案率（%）", "90.0%", "未达标"] and trend_w47[-1] == "40.0%"
    # the status cell is coloured by the one rule (red: 40 % is more than 5 points short of 90 %)
    trend_table = next(s.table for s in prs.slides[3].shapes if s.has_table)
    assert str(trend_table.cell(1, 3).fill.fore_color.rgb) == "C62828"
    charts = [[s.chart for s in slide.shapes if s.has_chart] for slide in prs.slides]
    assert all(len(charts[i]) == 1 for i in (3, 4, 5, 6, 7)) and charts[8] == []
    road_chart = charts[6][0]
    assert list(road_chart.plots[0].categories) == ["解放路", "当湖路"]
    assert list(road_chart.plots[0].series[0].values) == [3.0, 1.0]
    for i in (3, 4, 5, 7):  # one unit on the value axis: named once in the chart's title
        title = charts[i][0].chart_title.text_frame.text
        assert re.search(r"（(件|吨|架次|%)）$", title), title
    pictures = [sum(1 for s in slide.shapes if s.shape_type == 13) for slide in prs.slides]
    assert pictures[4:9] == [1, 1, 1, 1, 0]                           # maps for areas with data and towns
    run = prs.slides[0].shapes[0].text_frame.paragraphs[0].runs[0]
    assert run.font.name == tables.FONT_NAME
    assert 'ea typeface="Noto Sans CJK SC"' in run._r.xml
    assert prs.core_properties.subject == stamp

    wb = openpyxl.load_workbook(io.BytesIO(built.xlsx))
    assert wb.sheetnames == ["说明", "概况", "趋势", "镇街道", "镇街道排名", "中队排名", "垃圾类别", "违停路段", "变化最大",
                             "督办按部门", "督办清单", "超期按部门", "超期按中队", "超期案件", "问题网格"]
    for ws in wb.worksheets:                    # frozen header, a format on every cell, numbers as numbers, no repeats
        assert ws.freeze_panes == "A2", ws.title
        rows = list(ws.iter_rows(min_row=2))
        assert len({tuple(c.value for c in r) for r in rows}) == len(rows), ws.title
        codes = {i for i, c in enumerate(ws[1]) if c.value == "网格"}  # grid codes: identifiers kept as text
        for r in rows:
            for i, c in enumerate(r):
                assert c.number_format != "General", (ws.title, c.coordinate)
                assert i in codes or not (isinstance(c.value, str) and re.fullmatch(r"[↑↓→]?-?\d[\d,]*(\.\d+)? ?(%|个百分点|分)?", c.value)), \
                    (ws.title, c.coordinate, c.value)            # no number written as text
    assert [c.value for c in wb["概况"][1]] == ["专题", "指标", "单位", "本周", "上周", "环比", "去年同周", "同比"]
    xl = {(r[0].value, r[1].value): r for r in wb["概况"].iter_rows(min_row=2)}
    received = xl[("网格案件", "受理案件数")]
    assert [c.value for c in received[3:6]] == [7, 4, 0.75]
    assert received[3].number_format == "#,##0" and received[5].number_format == "+0.0%;-0.0%;0.0%"
    ontime = xl[("网格案件", "按期结案率")]
    assert ontime[3].value == 0.4 and ontime[3].number_format == "0.0%"   # 40.0 % stored as a percentage
    assert ontime[5].number_format.startswith('+0.0" 个百分点"')
    assert xl[("垃圾分类", "垃圾收运量")][3].value == 19.0 and xl[("垃圾分类", "垃圾收运量")][3].number_format == "#,##0.0"
    roads = {r[0]: r[1:5] for r in wb["违停路段"].iter_rows(min_row=2, values_only=True)}
    assert [c.value for c in wb["违停路段"][1]][1] == "违停（起）" and roads["解放路"] == (3, 3, 2, 1)
    about = {r[0]: r[1] for r in wb["说明"].iter_rows(min_row=2, values_only=True)}
    assert about["周"] == "2026-W47" and about["驾驶舱版本"] and about["统计截至（该周结束时）"] == "2026-11-23 00:00"
    assert wb.properties.subject == stamp
    late = [c for c in wb["超期案件"][1]]
    days = [i for i, c in enumerate(late) if c.value == "已超期（天）"][0]
    assert {r[days].number_format for r in wb["超期案件"].iter_rows(min_row=2)} == {"0.0"}
    assert {r[6].number_format for r in wb["超期案件"].iter_rows(min_row=2)} == {"yyyy-mm-dd hh:mm"}

    # the PDF: the same slides, the same titles and figures, text extractable (Chinese glyphs embedded)
    reader = pypdf.PdfReader(io.BytesIO(built.pdf))
    assert len(reader.pages) == len(outline)
    assert reader.metadata.subject == stamp
    for n, (page, spec) in enumerate(zip(reader.pages, outline), start=1):
        text = page.extract_text().replace(" ", "")
        assert spec.title.replace(" ", "") in text and f"第{n}/{len(outline)}页" in text
        for table in values[n - 1]:
            for row in table[1:]:
                for cell in row:
                    assert cell.replace(" ", "") in text or cell.endswith("…") or len(cell) > 12, (spec.title, cell)

    everything = "\n".join(texts) + "\n".join(
        str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None) + \
        "\n".join(p.extract_text() for p in reader.pages)
    assert not [s for s in SECRETS if s in everything]

    # reproducible: the same week on the same data gives the same numbers
    again = pack.build_pack(weekly.load_report(gw.execute, W47), "zh")
    assert _table_values(Presentation(io.BytesIO(again.pptx))) == _table_values(prs)
    wb2 = openpyxl.load_workbook(io.BytesIO(again.xlsx))
    assert [list(ws.iter_rows(values_only=True)) for ws in wb2.worksheets] == \
           [list(ws.iter_rows(values_only=True)) for ws in wb.worksheets]
    assert [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(again.pdf)).pages] == \
           [p.extract_text() for p in reader.pages]

    # a render of every slide (the PDF's pages as PNG), kept to be looked at
    ARTIFACTS.mkdir(exist_ok=True)
    pngs = pdf_pack.page_pngs(rep, "zh", built.maps)
    assert len(pngs) == len(outline)
    from PIL import Image
    for n, png in enumerate(pngs, start=1):
        (ARTIFACTS / f"weekly-slide-{n:02d}.png").write_bytes(png)
        image = Image.open(io.BytesIO(png)).convert("RGB")
        assert image.size == (1066, 600) and len(image.getcolors(maxcolors=1_000_000)) > 20

    written = pack.write_pack(built, tmp_path)
    assert {p.name for p in written} >= {"weekly-2026-W47.pptx", "weekly-2026-W47.xlsx", "weekly-2026-W47.pdf",
                                          "weekly-2026-W47-map-cases.png"}


def pypdf_pages(blob: bytes):
    import pypdf

    return pypdf.PdfReader(io.BytesIO(blob)).pages


def _table_value(shape) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in shape.table.rows]


CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")  # Han, CJK punctuation, full-width forms


def _xlsx_headers(blob: bytes) -> tuple[list[str], list[str]]:
    """The sheet names and every header cell (the navy header rows) of a pack's workbook."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(blob))
    heads = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if c.value is not None and c.fill.fgColor.rgb == "FF1F3A5F"]
    return wb.sheetnames, heads


def _xlsx_cells(blob: bytes) -> list[list[tuple]]:
    import openpyxl

    return [list(ws.iter_rows(values_only=True)) for ws in openpyxl.load_workbook(io.BytesIO(blob)).worksheets]


@pytest.mark.parametrize("lang, ambient", [("en", "zh"), ("zh", "en")])
def test_a_pack_is_in_its_own_language_whatever_the_current_one(rep, lang, ambient):
    from pptx import Presentation

    with i18n.language(lang):
        own = pack.build_pack(rep, lang, with_pdf=False)
    with i18n.language(ambient):
        other = pack.build_pack(rep, lang, with_pdf=False)
        assert i18n.current() == ambient                            # the pack's language did not leak out
    assert other.lang == lang and other.stem == own.stem
    assert _xlsx_cells(other.xlsx) == _xlsx_cells(own.xlsx)
    assert _slide_texts(Presentation(io.BytesIO(other.pptx))) == _slide_texts(Presentation(io.BytesIO(own.pptx)))
    assert other.maps == own.maps

    sheets, heads = _xlsx_headers(other.xlsx)
    assert len(heads) > 50 and len(sheets) == 15
    units = [r[2] for r in _xlsx_cells(other.xlsx)[1][1:] if r and r[2]]   # the headline sheet's unit column
    assert len(units) == len(weekly.METRICS)
    if lang == "en":
        assert sheets[1] == "Headlines" and "Year on year" in heads and "Violations (records)" in heads
        assert [h for h in sheets + heads + units if CJK.search(h)] == []
    else:
        assert sheets[1] == "概况" and "同比" in heads and "违停（起）" in heads
        assert [h for h in sheets + heads if not CJK.search(h) and not re.fullmatch(r"\d{4}-W\d{2}", h)] == []
        assert set(units) - {"%"} <= {m.unit_zh for m in weekly.METRICS}
    slides = _slide_texts(Presentation(io.BytesIO(other.pptx)))
    headline_slide = slides[2].split("\n")
    assert (CJK.search(headline_slide[0]) is None) == (lang == "en")   # the slide title


def test_reloading_the_week_gives_identical_numbers(gw, rep):
    again = weekly.load_report(gw.execute, W47)
    with i18n.language("zh"):
        assert again.headlines().equals(rep.headlines())
    assert briefing(again, "zh") == briefing(rep, "zh")


def test_map_image_is_drawn_offline_with_the_week_values(rep):
    from PIL import Image

    with i18n.language("zh"):
        png = maps.render_map(rep.by_town, "cases_received", "网格案件 · 受理案件（件）", "")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "weekly-map-cases.png").write_bytes(png)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (900, 900)
    colours = image.getcolors(maxcolors=1_000_000)
    assert len(colours) > 20, "filled town areas, labels and a legend, not a blank canvas"
    assert maps.font_file() is None or maps.font_file().exists()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_pptx_converts_to_pdf_with_one_page_per_slide(rep, tmp_path):
    from pptx import Presentation

    built = pack.build_pack(rep, "en")
    path = tmp_path / "pack.pptx"
    path.write_bytes(built.pptx)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=180)
    pdf = (tmp_path / "pack.pdf").read_bytes()
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == len(Presentation(io.BytesIO(built.pptx)).slides)


def test_cli_refuses_a_future_week_and_writes_the_pack(gw, tmp_path, capsys):
    from cockpit import cli
    url = gw.url
    assert cli.main(["report", "--week", "2999-W01", "--out", str(tmp_path), "--url", url]) == 2
    assert "尚未结束" in capsys.readouterr().err
    assert cli.main(["report", "--week", "2026-W4x", "--out", str(tmp_path), "--url", url]) == 2
    assert cli.main(["report", "--week", "2026-W47", "--out", str(tmp_path), "--url", url]) == 0
    assert (tmp_path / "weekly-2026-W47.pptx").exists() and (tmp_path / "weekly-2026-W47.xlsx").exists()
    assert (tmp_path / "weekly-2026-W47.pdf").read_bytes().startswith(b"%PDF")


def test_every_text_key_of_the_weekly_meeting_exists_in_both_languages():
    for key in ("wk_error_malformed", "wk_error_no_such_week", "wk_error_not_ended", "wk_b_cases", "wk_b_parking"):
        zh, en = i18n.TEXT[key]
        assert zh and en and zh != en


def test_a_week_without_data_says_so_on_every_area_slide(contract_db):
    from pptx import Presentation

    seed_reference(contract_db)
    gateway = Gateway(contract_db.url.render_as_string(hide_password=False))
    try:
        empty = weekly.load_report(gateway.execute, W47)
    finally:
        gateway.dispose()
    assert not any(empty.this.has_data.values())
    assert briefing(empty, "zh").count("本周无") == 5
    built = pack.build_pack(empty, "zh")
    assert len(pypdf_pages(built.pdf)) == len(Presentation(io.BytesIO(built.pptx)).slides)
    texts = _slide_texts(Presentation(io.BytesIO(built.pptx)))
    titles = [t.split("\n")[0] for t in texts]
    for area in weekly.AREAS:
        name = i18n.t(f"wk_area_{area}", "zh")
        assert f"本周无{name}数据。" in texts[titles.index(name)]
    assert built.maps == {}
