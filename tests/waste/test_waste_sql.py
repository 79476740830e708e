"""Waste queries against a real PostgreSQL, on hand-made weighings with exact expected results.

The collection rule is checked against cockpit.waste.rules.day_compliance (the reference) on the same rows.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from cockpit import queries
from cockpit.waste import rules as wr
from cockpit.gateway import Gateway
from tests.factories import TOWN_A, TOWN_B, insert_rows, local, seed_reference

SH = ZoneInfo("Asia/Shanghai")
D0, D1, D2 = dt.date(2026, 11, 18), dt.date(2026, 11, 19), dt.date(2026, 11, 20)
AS_OF = local(2026, 11, 20, 12, 30)  # D2, after noon, before night
RULE = wr.rule_params()
PERIOD = {"date_from": D0, "date_to": D2 + dt.timedelta(days=1)}  # the day after as_of is left out

SITES = [
    # site_id, kind, town, timed, lat, lon, capacity, treats
    ("WS01", "dropoff", TOWN_A, True, 30.701, 121.001, None, None),
    ("WS02", "dropoff", TOWN_A, True, 30.702, 121.002, None, None),
    ("WS03", "dropoff", TOWN_B, True, 30.721, 120.961, None, None),
    ("WS04", "dropoff", TOWN_A, False, 30.704, 121.004, None, None),
    ("WS05", "dropoff", TOWN_A, True, 30.705, 121.005, None, None),
    ("WT01", "transfer", TOWN_A, False, 30.690, 121.010, 150.0, None),
    ("WT02", "transfer", TOWN_B, False, 30.730, 120.970, 80.0, None),
    ("WD01", "disposal", TOWN_A, False, 30.650, 121.050, 1000.0, "other"),
    ("WD02", "disposal", TOWN_B, False, 30.660, 121.060, 180.0, "perishable"),
]
VEHICLES = [("V1", "other", TOWN_A), ("V2", "other", TOWN_A), ("V3", "other", TOWN_B),
            ("V4", "perishable", TOWN_A), ("V5", "perishable", TOWN_A)]

_ids = itertools.count(1)


def weigh(site: str | None, at: dt.datetime | None, tonnes: float | None = 1.0, *, category: str = "other",
          vehicle: str | None = "V1", stage: str = "collect", from_site: str | None = None,
          weighing_id: int | None = None) -> dict:
    return {"weighing_id": weighing_id or next(_ids), "site_id": site, "vehicle_id": vehicle,
            "category_code": category, "stage": stage, "from_site_id": from_site, "weighed_at": at,
            "net_tonnes": tonnes}


def seed_waste(engine) -> None:
    seed_reference(engine)
    insert_rows(engine, "waste_category", [
        {"category_code": c, "name_zh": zh, "name_en": en} for c, zh, en in (
            ("perishable", "易腐垃圾", "Perishable"), ("other", "其他垃圾", "Other"),
            ("recyclable", "可回收物", "Recyclable"), ("hazardous", "有害垃圾", "Hazardous"))])
    insert_rows(engine, "waste_site", [
        {"site_id": s, "kind": k, "name_zh": f"站{s}", "town_code": t, "community_code": None, "lat": la,
         "lon": lo, "is_timed_fixed": tf, "capacity_tonnes_per_day": cap, "treats_category_code": tr}
        for s, k, t, tf, la, lo, cap, tr in SITES])
    insert_rows(engine, "waste_vehicle", [
        {"vehicle_id": v, "plate": f"浙F·{v}000", "category_code": c, "town_code": t, "capacity_tonnes": 8.0}
        for v, c, t in VEHICLES])


@pytest.fixture
def gw(contract_db):
    seed_waste(contract_db)
    gateway = Gateway(contract_db.url.render_as_string(hide_password=False))
    yield gateway
    gateway.dispose()


def t(day: dt.date, hh: int, mm: int = 0, ss: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=SH)


# -- the collection rule ----------------------------------------------------------------------------
# Valid collections at the timed stations, by station (also the reference's input).
VALID_COLLECTIONS = {
    "WS01": [(t(D1, 11, 59), "V1"), (t(D1, 21, 0), "V1"), (t(D2, 12, 0), "V1")],
    "WS02": [(t(D1, 12, 0), "V2"), (t(D2, 12, 1), "V2")],
    "WS03": [(t(D1, 12, 1), "V3"), (t(D1, 22, 0), "V3"), (t(D1, 22, 1), "V3"), (t(D2, 12, 45), "V3")],
    # 07:00 local on D1 is 23:00 UTC on D0; 00:30 and 04:30 fall in neither window
    "WS05": [(t(D1, 7, 0), "V4"), (t(D1, 0, 30), "V5"), (t(D2, 4, 30), "V5")],
}


def rule_rows(engine) -> None:
    rows = [weigh(s, at, vehicle=v) for s, times in VALID_COLLECTIONS.items() for at, v in times]
    rows += [
        weigh("WS01", t(D1, 11, 59), vehicle="V1"),                  # duplicate of the first: counted once
        weigh("WS02", t(D1, 20, 0), -0.5, vehicle="V2"),             # negative weight: not a collection
        weigh("WS02", t(D1, 20, 30), 60.0, vehicle="V2"),            # absurd weight: not a collection
        weigh("WS99", t(D1, 20, 0), vehicle="V2"),                   # unknown site
        weigh("WS02", t(D1, 21, 0), category="unknown", vehicle="V2"),  # unknown category
        weigh("WS04", t(D1, 9, 0)),                                  # not a timed station
        weigh("WT01", t(D1, 20, 0), stage="transfer", from_site="WS02"),  # not a collection
    ]
    # history for the expected vehicle (before the period): WS02 mornings by V2 on 3 days, by V1 on 2 days,
    # evenings by V1 on 6 days; V9 collected mornings on 5 days more than 14 days before D2
    rows += [weigh("WS02", t(dt.date(2026, 11, d), 8), vehicle="V2") for d in (10, 11, 12)]
    rows += [weigh("WS02", t(dt.date(2026, 11, d), 8, 5), vehicle="V1") for d in (13, 14)]
    rows += [weigh("WS02", t(dt.date(2026, 11, d), 19), vehicle="V1") for d in range(10, 16)]
    rows += [weigh("WS02", t(dt.date(2026, 11, d), 8), vehicle="V9") for d in range(1, 6)]
    insert_rows(engine, "waste_weighing", rows)


def compliance(gw, as_of, **rule):
    return gw.execute("waste.collection_compliance", as_of=as_of, **PERIOD, town_code=None,
                      **{**RULE, **rule})


def test_collection_compliance_exact(gw, contract_db):
    rule_rows(contract_db)
    df = compliance(gw, AS_OF)
    assert sorted(set(df["day"])) == [D0, D1, D2]
    assert sorted(set(df["site_id"])) == ["WS01", "WS02", "WS03", "WS05"]   # timed stations only
    got = {(r.site_id, r.day): (r.morning_state, r.evening_state) for r in df.itertuples()}
    missed, pending = ("missed", "missed"), "pending"
    assert got == {
        ("WS01", D0): missed, ("WS02", D0): missed, ("WS03", D0): missed, ("WS05", D0): missed,
        ("WS01", D1): ("on_time", "on_time"),   # 11:59 and 21:00
        ("WS02", D1): ("on_time", "missed"),    # 12:00 exactly; bad evening rows do not count
        ("WS03", D1): ("late", "on_time"),      # 12:01; 22:00 exactly
        ("WS05", D1): ("on_time", "missed"),    # collected once, at 07:00 local (23:00 UTC the day before)
        ("WS01", D2): ("on_time", pending),
        ("WS02", D2): ("late", pending),        # 12:01
        ("WS03", D2): ("missed", pending),      # 12:45 is after as_of
        ("WS05", D2): ("missed", pending),      # 04:30 is before the morning window
    }
    row = df.set_index(["site_id", "day"])
    assert row.loc[("WS01", D1), "collect_weighings"] == 2   # the duplicate counted once
    assert row.loc[("WS05", D1), "collect_weighings"] == 2   # 00:30 is a collection, of neither round
    assert row.loc[("WS05", D1), "first_morning_at"] == t(D1, 7, 0)
    assert bool(row.loc[("WS02", D1), "has_evening"]) is False
    assert row.loc[("WS01", D2), "evening_ok"] is None
    assert bool(row.loc[("WS03", D1), "morning_ok"]) is False
    assert row.loc[("WS01", D1), "noon_cutoff_at"] == t(D1, 12)
    assert df["is_breach"].sum() == 4 + 3 + 3
    only_b = gw.execute("waste.collection_compliance", as_of=AS_OF, **PERIOD, town_code=TOWN_B, **RULE)
    assert set(only_b["site_id"]) == {"WS03"}


@pytest.mark.parametrize("as_of", [
    t(D2, 11, 0), t(D2, 12, 0), t(D2, 12, 0, 1), AS_OF, t(D2, 23, 59),
    t(D1, 12, 0), t(D1, 22, 0), t(D1, 22, 0, 1), t(D1, 23, 59),
])
@pytest.mark.parametrize("rule", [{}, {"noon_cutoff": "11:00", "night_cutoff": "21:30"},
                                  {"evening_start": "12:30"}])
def test_collection_compliance_matches_the_reference(gw, contract_db, as_of, rule):
    rule_rows(contract_db)
    params = wr.rule_params(**rule)
    df = compliance(gw, as_of, **params)
    assert not df.empty
    for r in df.itertuples():
        ref = wr.day_compliance([at for at, _ in VALID_COLLECTIONS[r.site_id]], r.day, as_of, **params)
        assert (r.has_morning, r.has_evening, r.morning_state, r.evening_state) == \
            (ref.has_morning, ref.has_evening, ref.morning_state, ref.evening_state), (r.site_id, r.day)
        assert (r.morning_ok, r.evening_ok, r.is_breach) == (ref.morning_ok, ref.evening_ok, ref.is_breach)
        assert r.is_breach == wr.is_breach([at for at, _ in VALID_COLLECTIONS[r.site_id]], r.day, as_of,
                                           params["noon_cutoff"], params["night_cutoff"],
                                           morning_start=params["morning_start"],
                                           evening_start=params["evening_start"])


def test_compliance_by_town_exact(gw, contract_db):
    rule_rows(contract_db)
    df = gw.execute("waste.compliance_by_town", as_of=AS_OF, **PERIOD, town_code=None, **RULE)
    cols = ["timed_stations", "morning_decided", "morning_on_time", "morning_late", "morning_missed",
            "evening_decided", "evening_on_time", "evening_late", "evening_missed", "rounds_decided",
            "rounds_on_time", "stations_in_breach"]
    got = {(r["town_code"], r["day"]): [r[c] for c in cols] for r in df.to_dict("records")}
    assert got == {
        (TOWN_A, D0): [3, 3, 0, 0, 3, 3, 0, 0, 3, 6, 0, 3],
        (TOWN_B, D0): [1, 1, 0, 0, 1, 1, 0, 0, 1, 2, 0, 1],
        (TOWN_A, D1): [3, 3, 3, 0, 0, 3, 1, 0, 2, 6, 4, 2],
        (TOWN_B, D1): [1, 1, 0, 1, 0, 1, 1, 0, 0, 2, 1, 1],
        (TOWN_A, D2): [3, 3, 1, 1, 1, 0, 0, 0, 0, 3, 1, 2],
        (TOWN_B, D2): [1, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1],
    }
    rates = {(r["town_code"], r["day"]): r["compliance_rate"] for r in df.to_dict("records")}
    assert rates[(TOWN_A, D1)] == pytest.approx(4 / 6)
    assert rates[(TOWN_A, D1)] == pytest.approx(wr.compliance_rate(4, 6))
    assert rates[(TOWN_B, D0)] == 0
    assert df.loc[0, "town_name_zh"] == "当湖街道"
    # before any cut-off of the day nothing is decided: the rate is null, not 0 or 100 %
    early = gw.execute("waste.compliance_by_town", as_of=t(D2, 9, 0), date_from=D2, date_to=D2,
                       town_code=TOWN_B, **RULE)
    assert early["rounds_decided"].tolist() == [0]
    assert early["compliance_rate"].isna().tolist() == [True]


def test_breaches_today_with_expected_vehicle(gw, contract_db):
    rule_rows(contract_db)
    df = gw.execute("waste.breaches_today", as_of=AS_OF, town_code=None, **RULE)
    assert df[["site_id", "round", "state"]].values.tolist() == [
        ["WS05", "morning", "missed"], ["WS03", "morning", "missed"], ["WS02", "morning", "late"]]
    assert df["town_code"].tolist() == [TOWN_A, TOWN_B, TOWN_A]
    assert df["town_name_zh"].tolist() == ["当湖街道", "钟埭街道", "当湖街道"]
    assert df["minutes_late"].round(6).tolist() == [30.0, 30.0, 1.0]
    assert df["collected_at"].iloc[2] == t(D2, 12, 1)
    # WS02 mornings in the 14 days before D2: V2 on 11-10/11/12 and D1 (4 days), V1 on 2; V9 only before the window
    # WS03: V3 (D1); WS05: V4 collected on the morning of D1, V5 only at 00:30 (neither round)
    assert df["expected_vehicle_id"].tolist() == ["V4", "V3", "V2"]
    assert df["expected_vehicle_days"].tolist() == [1, 1, 4]
    assert df["expected_vehicle_category_code"].tolist() == ["perishable", "other", "other"]
    assert not [c for c in df.columns if "plate" in c]
    only_a = gw.execute("waste.breaches_today", as_of=AS_OF, town_code=TOWN_A, **RULE)
    assert only_a["site_id"].tolist() == ["WS05", "WS02"]


def test_breaches_in_the_evening_and_not_before_a_cutoff(gw, contract_db):
    rule_rows(contract_db)
    for as_of in (t(D2, 11, 0), t(D2, 12, 0)):
        assert gw.execute("waste.breaches_today", as_of=as_of, town_code=None, **RULE).empty
    just_after = gw.execute("waste.breaches_today", as_of=t(D2, 12, 0, 1), town_code=None, **RULE)
    assert sorted(just_after["site_id"]) == ["WS02", "WS03", "WS05"]
    at_night = gw.execute("waste.breaches_today", as_of=t(D1, 22, 0), town_code=None, **RULE)
    assert at_night[["site_id", "round", "state"]].values.tolist() == [["WS03", "morning", "late"]]
    late_night = gw.execute("waste.breaches_today", as_of=t(D1, 22, 30), town_code=None, **RULE)
    assert late_night[["site_id", "round", "state"]].values.tolist() == [
        ["WS02", "evening", "missed"], ["WS05", "evening", "missed"], ["WS03", "morning", "late"]]
    # V1 collected WS02 on 6 evenings in the 14 days before D1; WS05 and WS03 have no collection in those days
    assert late_night["expected_vehicle_id"].tolist()[0] == "V1"
    assert late_night["expected_vehicle_id"].isna().tolist() == [False, True, True]
    # the window of 14 days before D1 reaches 11-05: V9's morning on 11-05 counts, but not its evening
    assert late_night["expected_vehicle_days"].tolist()[0] == 6
    # a later noon cut-off turns today's late round into an on-time one
    relaxed = gw.execute("waste.breaches_today", as_of=AS_OF, town_code=None,
                         **wr.rule_params(noon_cutoff="12:05"))
    assert sorted(relaxed["site_id"]) == ["WS03", "WS05"]


def test_the_three_rule_queries_read_the_one_definition():
    """The rule is written once (cockpit.collection_rounds); no query re-implements its rounds."""
    for name in ("collection_compliance", "compliance_by_town", "breaches_today"):
        text = (queries.QUERY_DIR / "waste" / f"{name}.sql").read_text(encoding="utf-8")
        assert "cockpit.collection_rounds(" in text, name
        assert "station_rounds" not in text and "noon_cutoff_at" not in text.split("collection_rounds(")[0], name


# -- throughput --------------------------------------------------------------------------------------
def tonnes_rows(engine) -> None:
    insert_rows(engine, "waste_weighing", [
        weigh("WS01", t(D1, 8, 0), 1.0, weighing_id=501),
        weigh("WS01", t(D1, 8, 1), 0.25, category="perishable", vehicle="V4"),
        weigh("WS03", t(D1, 7, 30), 2.0, vehicle="V3"),                  # 23:30 UTC on D0
        weigh("WS03", t(D1, 0, 10), 0.75, vehicle="V3"),                 # 16:10 UTC on D0
        weigh("WS02", t(D1, 10, 0), 0.5, category="recyclable", vehicle="V2"),
        weigh("WS01", t(D2, 8, 0), 0.02, category="hazardous", vehicle="V2"),
        weigh("WS01", t(D1, 8, 0), 1.0, weighing_id=502),                # duplicate of 501
        weigh("WS01", t(D1, 9, 0), -1.0),                                # negative
        weigh("WS01", t(D1, 9, 0), 0.0),                                 # zero
        weigh("WS01", t(D1, 9, 30), 80.0),                               # absurd (kilograms?)
        weigh("WS99", t(D1, 9, 0), 1.0),                                 # unknown site
        weigh(None, t(D1, 9, 0), 1.0),                                   # no site
        weigh("WS01", None, 1.0),                                        # no time
        weigh("WS01", t(D1, 9, 0), 1.0, stage="unload"),                 # unknown stage
        weigh("WS01", t(D2, 13, 0), 3.0),                                # after as_of
        weigh("WS03", t(D0, 7, 59) - dt.timedelta(days=1), 9.0, vehicle="V3"),  # before the period
        weigh("WT01", t(D1, 9, 0), 5.0, stage="transfer", from_site="WS01"),  # not a collection
        weigh("WD01", t(D1, 10, 0), 4.0, stage="dispose", from_site="WT01"),
    ])


def test_tonnes_daily_exact(gw, contract_db):
    tonnes_rows(contract_db)
    df = gw.execute("waste.tonnes_daily", as_of=AS_OF, **PERIOD, town_code=None)
    assert len(df) == 3 * 4   # D0..D2 (the day after as_of is left out) x four categories, zero-filled
    got = {(r["day"], r["category_code"]): (r["tonnes"], r["weighings"]) for r in df.to_dict("records")}
    assert got[(D0, "other")] == (0, 0)
    assert got[(D1, "other")] == (pytest.approx(3.75), 3)
    assert got[(D1, "perishable")] == (pytest.approx(0.25), 1)
    assert got[(D1, "recyclable")] == (pytest.approx(0.5), 1)
    assert got[(D2, "hazardous")] == (pytest.approx(0.02), 1)
    assert df["tonnes"].sum() == pytest.approx(4.52)
    town_a = gw.execute("waste.tonnes_daily", as_of=AS_OF, **PERIOD, town_code=TOWN_A)
    a = {(r["day"], r["category_code"]): r["tonnes"] for r in town_a.to_dict("records")}
    assert a[(D1, "other")] == pytest.approx(1.0)
    assert town_a["tonnes"].sum() == pytest.approx(1.77)
    assert df["category_code"].tolist()[:4] == ["hazardous", "other", "perishable", "recyclable"]
    assert df["category_name_zh"].tolist()[:4] == ["有害垃圾", "其他垃圾", "易腐垃圾", "可回收物"]


def test_tonnes_by_town_and_recycling_rate_exact(gw, contract_db):
    tonnes_rows(contract_db)
    df = gw.execute("waste.tonnes_by_town", as_of=AS_OF, **PERIOD)
    got = {(r["town_code"], r["category_code"]): r["tonnes"] for r in df.to_dict("records")}
    assert len(got) == 2 * 4
    assert got == {
        (TOWN_A, "other"): pytest.approx(1.0), (TOWN_A, "perishable"): pytest.approx(0.25),
        (TOWN_A, "recyclable"): pytest.approx(0.5), (TOWN_A, "hazardous"): pytest.approx(0.02),
        (TOWN_B, "other"): pytest.approx(2.75), (TOWN_B, "perishable"): 0,
        (TOWN_B, "recyclable"): 0, (TOWN_B, "hazardous"): 0,
    }
    rate = gw.execute("waste.recycling_rate", as_of=AS_OF, **PERIOD, town_code=None).iloc[0]
    assert rate["collected_tonnes"] == pytest.approx(4.52)
    assert rate["recycled_tonnes"] == pytest.approx(0.75)
    assert rate[["perishable_tonnes", "other_tonnes", "recyclable_tonnes", "hazardous_tonnes"]].tolist() == \
        pytest.approx([0.25, 3.75, 0.5, 0.02])
    assert rate["weighings"] == 6
    value = wr.recycling_rate(rate["recyclable_tonnes"], rate["perishable_tonnes"], rate["collected_tonnes"])
    assert value == pytest.approx(0.75 / 4.52)
    assert wr.category_share(rate["perishable_tonnes"], rate["collected_tonnes"]) == pytest.approx(0.25 / 4.52)
    b = gw.execute("waste.recycling_rate", as_of=AS_OF, **PERIOD, town_code=TOWN_B).iloc[0]
    assert (b["collected_tonnes"], b["recycled_tonnes"]) == (pytest.approx(2.75), 0)
    empty = gw.execute("waste.recycling_rate", as_of=AS_OF, date_from=D0, date_to=D0, town_code=None).iloc[0]
    assert empty["collected_tonnes"] == 0
    assert wr.recycling_rate(empty["recyclable_tonnes"], empty["perishable_tonnes"], empty["collected_tonnes"]) is None


def test_future_weighings_are_left_out(gw, contract_db):
    now = dt.datetime.now(SH)
    insert_rows(contract_db, "waste_weighing", [
        weigh("WS01", now - dt.timedelta(hours=1), 1.0),
        weigh("WS01", now + dt.timedelta(days=1), 2.0),   # future_time in the checked view, even before as_of
    ])
    df = gw.execute("waste.tonnes_daily", as_of=now + dt.timedelta(days=2), date_from=now.date() - dt.timedelta(days=1),
                    date_to=now.date() + dt.timedelta(days=2), town_code=None)
    assert df["tonnes"].sum() == pytest.approx(1.0)


def test_station_throughput_by_category(gw, contract_db):
    tonnes_rows(contract_db)
    df = gw.execute("waste.station_throughput", as_of=AS_OF, **PERIOD, town_code=None).set_index("site_id")
    assert len(df) == len(SITES)
    assert df.index.tolist()[:4] == ["WD01", "WD02", "WT01", "WT02"]
    cats = ["perishable_tonnes", "other_tonnes", "recyclable_tonnes", "hazardous_tonnes", "total_tonnes", "weighings"]
    assert df.loc["WS01", cats].tolist() == pytest.approx([0.25, 1.0, 0, 0.02, 1.27, 3])
    assert df.loc["WS02", cats].tolist() == pytest.approx([0, 0, 0.5, 0, 0.5, 1])
    assert df.loc["WS03", cats].tolist() == pytest.approx([0, 2.75, 0, 0, 2.75, 2])
    assert df.loc["WT01", cats].tolist() == pytest.approx([0, 5.0, 0, 0, 5.0, 1])
    assert df.loc["WD01", cats].tolist() == pytest.approx([0, 4.0, 0, 0, 4.0, 1])
    assert df.loc["WS04", "total_tonnes"] == 0
    assert df.loc["WD01", ["kind", "lat", "lon", "capacity_tonnes_per_day"]].tolist() == \
        ["disposal", 30.650, 121.050, 1000.0]
    only_b = gw.execute("waste.station_throughput", as_of=AS_OF, **PERIOD, town_code=TOWN_B)
    assert only_b["site_id"].tolist() == ["WD02", "WT02", "WS03"]
    assert only_b["total_tonnes"].sum() == pytest.approx(2.75)


# -- flows --------------------------------------------------------------------------------------------
def test_flows_aggregate_arcs_for_a_day(gw, contract_db):
    insert_rows(contract_db, "waste_weighing", [
        weigh("WT01", t(D1, 9, 0), 1.0, stage="transfer", from_site="WS01"),
        weigh("WT01", t(D1, 10, 0), 0.5, stage="transfer", from_site="WS02"),
        weigh("WT01", t(D1, 10, 30), 0.25, category="perishable", stage="transfer", from_site="WS05"),
        weigh("WT02", t(D1, 7, 30), 2.0, stage="transfer", from_site="WS03", vehicle="V3"),  # 23:30 UTC on D0
        weigh("WT01", t(D1, 11, 0), 1.0, stage="transfer", from_site=None),       # upstream unknown: not drawn
        weigh("WT01", t(D1, 11, 0), 1.0, stage="transfer", from_site="WS99"),     # unknown upstream: not drawn
        weigh("WT01", t(D1, 11, 5), 70.0, stage="transfer", from_site="WS01"),    # absurd weight
        weigh("WT01", t(D2, 9, 0), 1.0, stage="transfer", from_site="WS01"),      # another day
        weigh("WD01", t(D1, 14, 0), 4.0, stage="dispose", from_site="WT01"),
        weigh("WD01", t(D1, 16, 0), 1.0, stage="dispose", from_site="WT01"),
        weigh("WD02", t(D1, 16, 0), 0.25, category="perishable", stage="dispose", from_site="WT01", vehicle="V4"),
        weigh("WD01", t(D1, 23, 59), 3.0, stage="dispose", from_site="WT02", vehicle="V3"),
        weigh("WS01", t(D1, 8, 0), 1.0),                                           # a collection: not an arc
    ])
    df = gw.execute("waste.flows", as_of=AS_OF, day=D1)
    got = [(r["stage"], r["from_kind"], r["from_code"], r["to_site_id"], r["category_code"], r["from_sites"],
            r["loads"], round(r["tonnes"], 6)) for r in df.to_dict("records")]
    assert got == [
        ("transfer", "town", TOWN_A, "WT01", "other", 2, 2, 1.5),
        ("transfer", "town", TOWN_A, "WT01", "perishable", 1, 1, 0.25),
        ("transfer", "town", TOWN_B, "WT02", "other", 1, 1, 2.0),
        ("dispose", "transfer", "WT01", "WD01", "other", 1, 2, 5.0),
        ("dispose", "transfer", "WT01", "WD02", "perishable", 1, 1, 0.25),
        ("dispose", "transfer", "WT02", "WD01", "other", 1, 1, 3.0),
    ]
    first = df.iloc[0]
    assert (first["from_lat"], first["from_lon"], first["to_lat"], first["to_lon"]) == (30.70, 121.01, 30.690, 121.010)
    assert (first["from_name_zh"], first["to_name_zh"], first["to_kind"]) == ("当湖街道", "站WT01", "transfer")
    assert df.iloc[3][["from_lat", "from_lon", "from_name_zh"]].tolist() == [30.690, 121.010, "站WT01"]
    # as_of cuts the day
    early = gw.execute("waste.flows", as_of=t(D1, 12, 0), day=D1)
    assert early["tonnes"].sum() == pytest.approx(1.0 + 0.5 + 0.25 + 2.0)


# -- vehicles -----------------------------------------------------------------------------------------
def test_vehicles_today_states_trips_and_tonnes(gw, contract_db):
    insert_rows(contract_db, "waste_weighing", [
        weigh("WS01", t(D2, 8, 0), 1.0, vehicle="V1"),
        weigh("WS02", t(D2, 8, 10), 0.5, vehicle="V1"),
        weigh("WT01", t(D2, 11, 0), 1.5, stage="transfer", from_site="WS02", vehicle="V1"),   # active
        weigh("WS01", t(D2, 8, 0), 1.0, vehicle="V1"),                                        # duplicate
        weigh("WS02", t(D2, 10, 29), 0.25, vehicle="V2"),                                     # idle
        weigh("WS03", t(D1, 23, 0), 2.0, vehicle="V3"),                                       # offline
        weigh("WS05", t(D2, 11, 0), -1.0, category="perishable", vehicle="V5"),               # bad row only
        weigh("WS05", t(D2, 12, 31), 1.0, category="perishable", vehicle="V4"),               # after as_of
        weigh("WS05", t(D2, 9, 0), 1.0, vehicle="V8"),                                        # unregistered
    ])
    df = gw.execute("waste.vehicles_today", as_of=AS_OF, town_code=None, **wr.vehicle_params())
    assert not [c for c in df.columns if "plate" in c]
    got = {r["vehicle_id"]: (r["state"], r["weighings"], r["collections"], r["trips"], r["stations_collected"])
           for r in df.to_dict("records")}
    assert got == {"V1": ("active", 3, 2, 1, 2), "V2": ("idle", 1, 1, 0, 1), "V3": ("offline", 0, 0, 0, 0),
                   "V4": ("offline", 0, 0, 0, 0), "V5": ("offline", 0, 0, 0, 0)}
    assert df["vehicle_id"].tolist() == ["V1", "V2", "V3", "V4", "V5"]
    v = df.set_index("vehicle_id")
    assert v.loc["V1", ["collected_tonnes", "unloaded_tonnes"]].tolist() == pytest.approx([1.5, 1.5])
    assert v.loc["V1", "first_weighed_at"] == t(D2, 8, 0)
    assert v.loc["V1", "last_weighed_at"] == t(D2, 11, 0)
    assert v.loc["V3", "last_weighed_at"] == t(D1, 23, 0)
    assert v["last_weighed_at"].isna().tolist() == [False, False, False, True, True]
    # the SQL states are the rule's
    for r in df.to_dict("records"):
        last = None if r["last_weighed_at"] is None or r["last_weighed_at"] != r["last_weighed_at"] \
            else r["last_weighed_at"].to_pydatetime()
        assert r["state"] == wr.vehicle_state(last, AS_OF)
    # just after midnight a vehicle weighed late yesterday is still active
    night = gw.execute("waste.vehicles_today", as_of=t(D2, 0, 30), town_code=TOWN_B, **wr.vehicle_params())
    assert night[["vehicle_id", "state", "weighings"]].values.tolist() == [["V3", "active", 0]]


# -- stations needing attention -------------------------------------------------------------------------
def test_stations_attention_exact(gw, contract_db):
    history_days = [D2 - dt.timedelta(days=n) for n in range(1, 29)]
    ws01_history = [1.0 if i % 2 else 1.5 for i in range(28)]
    rows = []
    for day, tonnes in zip(history_days, ws01_history):
        rows.append(weigh("WS01", t(day, 8), tonnes))
        rows.append(weigh("WS01", t(day, 20), 5.0))          # after 12:30: left out of the like-for-like day
        rows.append(weigh("WS02", t(day, 9), 1.0, vehicle="V2"))
        rows.append(weigh("WS05", t(day, 11), 1.0, vehicle="V4"))
    rows += [
        weigh("WS01", t(D2, 8), 3.0),                                   # far above its normal
        weigh("WS02", t(D2, 9), 1.1, vehicle="V2"),                     # within the band (flat history: +/- 0.2)
        weigh("WS03", t(D1, 12, 31), 10.0, vehicle="V3"),               # 23 h 59 min ago, little history
        weigh("WS04", t(D2 - dt.timedelta(days=1), 12, 30), 1.0),       # exactly 24 h ago
        weigh("WS02", t(D2, 10), 90.0, vehicle="V2"),                   # absurd: not counted
        weigh("WS05", t(D2, 12, 0), -2.0, vehicle="V4"),                # negative: not a collection
    ]
    insert_rows(contract_db, "waste_weighing", rows)
    df = gw.execute("waste.stations_attention", as_of=AS_OF, town_code=None, **wr.attention_params())
    assert df["site_id"].tolist() == ["WS05", "WS04", "WS01"]
    r = df.set_index("site_id")
    assert r["no_collection"].tolist() == [True, True, False]
    assert r.loc["WS05", "hours_since_collection"] == pytest.approx(25.5)
    assert r.loc["WS05", "unusual"] == "low"     # nothing today by 12:30, usually 1 t by 11:00
    assert pd.isna(r.loc["WS04", "unusual"])     # one day of history: not judged
    assert r.loc["WS04", "history_days_collected"] == 1
    assert r.loc["WS01", "unusual"] == "high"
    band = wr.normal_band(ws01_history)
    assert r.loc["WS01", ["today_tonnes", "median_tonnes", "mad_tonnes", "low_tonnes", "high_tonnes"]].tolist() == \
        pytest.approx([3.0, band.median, band.mad, band.low, band.high])
    assert r.loc["WS01", "history_days_collected"] == 28
    flat = wr.normal_band([1.0] * 28)
    assert r.loc["WS05", ["low_tonnes", "high_tonnes"]].tolist() == pytest.approx([flat.low, flat.high])
    only_b = gw.execute("waste.stations_attention", as_of=AS_OF, town_code=TOWN_B, **wr.attention_params())
    assert only_b.empty
    # a minute later WS03's collection is more than 24 h old
    later = gw.execute("waste.stations_attention", as_of=AS_OF + dt.timedelta(minutes=1), town_code=TOWN_B,
                       **wr.attention_params())
    assert later[["site_id", "no_collection"]].values.tolist() == [["WS03", True]]


# -- disposal -------------------------------------------------------------------------------------------
def test_disposal_load_today_against_capacity(gw, contract_db):
    insert_rows(contract_db, "waste_weighing", [
        weigh("WD01", t(D2, 8), 20.0, stage="dispose", from_site="WT01"),
        weigh("WD01", t(D2, 10), 30.0, stage="dispose", from_site="WT02", vehicle="V3"),
        weigh("WD01", t(D2, 10, 30), 2.0, category="perishable", stage="dispose", from_site="WT01", vehicle="V4"),
        weigh("WD01", t(D2, 10), 30.0, stage="dispose", from_site="WT02", vehicle="V3"),   # duplicate
        weigh("WD01", t(D2, 0, 0) - dt.timedelta(minutes=1), 10.0, stage="dispose", from_site="WT01"),  # yesterday
        weigh("WD01", t(D2, 13), 20.0, stage="dispose", from_site="WT01"),                 # after as_of
        weigh("WD01", t(D2, 9), 55.0, stage="dispose", from_site="WT01"),                  # absurd
        weigh("WD01", t(D2, 9), 5.0, stage="transfer", from_site="WS01"),                  # not a disposal
    ])
    df = gw.execute("waste.disposal_load", as_of=AS_OF).set_index("site_id")
    assert df.index.tolist() == ["WD01", "WD02"]
    assert df.loc["WD01", ["tonnes_today", "treated_category_tonnes", "loads_today", "capacity_tonnes_per_day"]].tolist() \
        == pytest.approx([52.0, 50.0, 3, 1000.0])
    assert df.loc["WD01", "load_ratio"] == pytest.approx(0.052)
    assert df.loc["WD01", "last_received_at"] == t(D2, 10, 30)
    assert df.loc["WD02", ["tonnes_today", "loads_today", "load_ratio"]].tolist() == [0, 0, 0]
    assert df["day_elapsed"].tolist() == pytest.approx([12.5 / 24, 12.5 / 24])


def test_waste_queries_declare_their_parameters():
    expected = {
        "waste.collection_compliance": {"as_of", "date_from", "date_to", "town_code", *RULE},
        "waste.compliance_by_town": {"as_of", "date_from", "date_to", "town_code", *RULE},
        "waste.breaches_today": {"as_of", "town_code", *RULE},
        "waste.tonnes_daily": {"as_of", "date_from", "date_to", "town_code"},
        "waste.tonnes_by_town": {"as_of", "date_from", "date_to"},
        "waste.recycling_rate": {"as_of", "date_from", "date_to", "town_code"},
        "waste.station_throughput": {"as_of", "date_from", "date_to", "town_code"},
        "waste.flows": {"as_of", "day"},
        "waste.vehicles_today": {"as_of", "town_code", *wr.vehicle_params()},
        "waste.stations_attention": {"as_of", "town_code", *wr.attention_params()},
        "waste.disposal_load": {"as_of"},
    }
    loaded = {n: set(q.params) for n, q in queries.load_all().items() if n.startswith("waste.")}
    assert loaded == expected
    assert Path(queries.QUERY_DIR / "waste").is_dir()


def test_sql_constants_agree_with_the_rules_module():
    text = (queries.QUERY_DIR / "waste" / "stations_attention.sql").read_text(encoding="utf-8")
    assert text.count(f"* {wr.MAD_SCALE} *") == 2
    breaches = (queries.QUERY_DIR / "waste" / "breaches_today.sql").read_text(encoding="utf-8")
    assert f"d.day - {wr.EXPECTED_VEHICLE_DAYS} AS timestamp" in breaches
