"""The waste area's plans and builds (cockpit/waste/data.py), its map layers (cockpit/waste/maps.py) and
its wall view, on hand-made frames: exact figures, and None (never an exception) for a failed query."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cockpit import area, i18n, kpi
from cockpit.gateway import NOW
from cockpit.waste import charts as cw
from cockpit.waste import data
from cockpit.waste import maps as wmaps
from cockpit.waste import rules as wr
from cockpit.waste import wall as waste_wall

DAY = dt.date(2026, 11, 23)


def waste_today_rows() -> pd.DataFrame:
    return pd.DataFrame({
        "category_code": ["hazardous", "other", "perishable", "recyclable"],
        "name_zh": ["有害垃圾", "其他垃圾", "易腐垃圾", "可回收物"],
        "name_en": ["Hazardous", "Other", "Perishable", "Recyclable"],
        "collected_tonnes": [0.5, 300.0, 120.0, 40.0],
        "disposed_tonnes": [0.0, 250.0, 90.0, 0.0],
        "capacity_tonnes_per_day": [None, 1000.0, 180.0, None],
    })


def compliance_rows() -> pd.DataFrame:
    return pd.DataFrame({
        "town_code": ["330482001", "330482001", "330482002"],
        "day": [DAY - dt.timedelta(days=1), DAY, DAY],
        "rounds_on_time": [18, 9, 10],
        "rounds_decided": [20, 10, 10],
        "stations_in_breach": [2, 1, 0],
    })


# ------------------------------------------------------------------ today
def test_today_sums_the_categories_and_the_load_is_disposed_over_capacity():
    got = data.build_today({"today": waste_today_rows()})
    assert (got.collected, got.disposed, got.capacity) == (460.5, 340.0, 1180.0)
    assert got.load == pytest.approx(100.0 * 340.0 / 1180.0)
    assert got.by_category["category_code"].tolist() == ["hazardous", "other", "perishable", "recyclable"]


def test_today_without_rows_or_capacity_has_no_figures():
    for rows in (None, waste_today_rows().iloc[0:0]):
        got = data.build_today({"today": rows})
        assert (got.collected, got.disposed, got.capacity, got.load, got.by_category) == (None,) * 5
    no_capacity = waste_today_rows().assign(capacity_tonnes_per_day=None)
    got = data.build_today({"today": no_capacity})
    assert (got.capacity, got.load) == (0.0, None) and got.disposed == 340.0


def test_today_plan_asks_for_the_overview_query():
    assert data.today("330482001").calls == {
        "today": ("overview.waste_today", {"as_of": NOW, "town_code": "330482001"})}


# ------------------------------------------------------------------ "不过午、不过夜"
def test_compliance_adds_the_counts_before_dividing():
    got = data.build_compliance({"compliance": compliance_rows()})
    assert (got.rounds_on_time, got.rounds_decided) == (37.0, 40.0)
    assert got.rate == pytest.approx(92.5) and got.station_days_in_breach == 3.0
    assert got.meets_target is False and got.trend_rows is got.by_town_day


def test_compliance_with_nothing_decided_or_no_rows():
    pending = compliance_rows().assign(rounds_on_time=0, rounds_decided=0)
    got = data.build_compliance({"compliance": pending})
    assert got.rate is None and got.rounds_decided == 0.0 and got.trend_rows is None
    assert got.meets_target is None and len(got.by_town_day) == 3
    for rows in (None, compliance_rows().iloc[0:0]):
        got = data.build_compliance({"compliance": rows})
        assert (got.rounds_on_time, got.rounds_decided, got.rate, got.station_days_in_breach, got.by_town_day,
                got.trend_rows) == (None,) * 6


def test_compliance_target_is_the_registers():
    on_target = compliance_rows().assign(rounds_on_time=[19, 19, 19], rounds_decided=[20, 20, 20])
    assert data.build_compliance({"compliance": on_target}).rate == pytest.approx(95.0)
    assert data.build_compliance({"compliance": on_target}).meets_target is True
    assert kpi.KPIS[data.COMPLIANCE_KPI].target == 95.0


def test_compliance_plan_carries_the_rule():
    plan = data.compliance(None, DAY, DAY)
    assert plan.calls == {"compliance": ("waste.compliance_by_town", {
        "as_of": NOW, "date_from": DAY, "date_to": DAY, "town_code": None, **wr.rule_params()})}
    week_end = dt.datetime(2026, 11, 30, tzinfo=dt.timezone.utc)
    assert data.compliance(None, DAY, DAY, as_of=week_end).calls["compliance"][1]["as_of"] == week_end


def test_breaches_count_rows_and_none_when_failed():
    rows = pd.DataFrame({"site_id": ["a", "a", "b"], "round": ["morning", "evening", "morning"]})
    got = data.build_breaches({"breaches": rows})
    assert got.count == 3 and got.rows is rows
    empty = data.build_breaches({"breaches": rows.iloc[0:0]})
    assert (empty.count, empty.rows) == (0, None)
    failed = data.build_breaches({"breaches": None})
    assert (failed.count, failed.rows) == (None, None)


# ------------------------------------------------------------------ the period
def test_recycling_rate_and_perishable_share():
    rows = pd.DataFrame({"collected_tonnes": [200.0], "perishable_tonnes": [50.0], "other_tonnes": [120.0],
                         "recyclable_tonnes": [30.0], "hazardous_tonnes": [0.0]})
    got = data.build_recycling({"rate": rows})
    assert got == data.Recycling(200.0, 25.0, 40.0)


def test_recycling_with_nothing_collected_or_no_row():
    zero = pd.DataFrame({"collected_tonnes": [0.0], "perishable_tonnes": [0.0], "recyclable_tonnes": [0.0]})
    assert data.build_recycling({"rate": zero}) == data.Recycling(0.0, None, None)
    assert data.build_recycling({"rate": None}) == data.Recycling(None, None, None)
    nulls = pd.DataFrame({"collected_tonnes": [10.0], "perishable_tonnes": [None], "recyclable_tonnes": [None]})
    assert data.build_recycling({"rate": nulls}) == data.Recycling(10.0, 0.0, 0.0)


def test_tonnes_total_and_the_chosen_town():
    daily = pd.DataFrame({"day": [DAY, DAY], "category_code": ["other", "perishable"], "tonnes": [7.5, 2.5]})
    by_town = pd.DataFrame({"town_code": ["330482001", "330482002"], "category_code": ["other", "other"],
                            "tonnes": [6.0, 4.0]})
    got = data.build_tonnes({"daily": daily, "by_town": by_town}, town="330482002")
    assert got.total == 10.0 and got.daily is daily
    assert got.by_town["town_code"].tolist() == ["330482002"] and got.by_town["tonnes"].tolist() == [4.0]
    every = data.build_tonnes({"daily": daily, "by_town": by_town})
    assert len(every.by_town) == 2
    nothing = data.build_tonnes({"daily": daily.assign(tonnes=0.0), "by_town": by_town}, town="330482009")
    assert (nothing.total, nothing.daily, nothing.by_town) == (0.0, None, None)
    failed = data.build_tonnes({"daily": None, "by_town": None}, town="330482001")
    assert (failed.total, failed.daily, failed.by_town) == (None, None, None)


def test_tonnes_plan_binds_the_town_into_its_build():
    plan = data.tonnes("330482001", DAY, DAY)
    assert plan.calls["by_town"] == ("waste.tonnes_by_town", {"as_of": NOW, "date_from": DAY, "date_to": DAY})
    by_town = pd.DataFrame({"town_code": ["330482001", "330482002"], "tonnes": [1.0, 2.0]})
    assert plan.build({"daily": None, "by_town": by_town}).by_town["tonnes"].tolist() == [1.0]


# ------------------------------------------------------------------ vehicles, attention, throughput
def test_vehicle_states_are_counted():
    rows = pd.DataFrame({"vehicle_id": ["v1", "v2", "v3", "v4"], "state": ["active", "idle", "active", "offline"]})
    got = data.build_vehicles({"vehicles": rows})
    assert (got.active, got.idle, got.offline) == (2, 1, 1) and got.rows is rows
    only_active = data.build_vehicles({"vehicles": rows.iloc[[0]]})
    assert (only_active.active, only_active.idle, only_active.offline) == (1, 0, 0)
    failed = data.build_vehicles({"vehicles": None})
    assert (failed.active, failed.idle, failed.offline, failed.rows) == (None,) * 4


def test_attention_and_disposal_rows():
    rows = pd.DataFrame({"site_id": ["s1"], "no_collection": [True]})
    assert data.build_attention({"attention": rows}).count == 1
    assert data.build_attention({"attention": None}).count is None
    assert data.build_disposal({"load": rows.iloc[0:0]}).rows is None


def test_throughput_keeps_the_sites_that_weighed_anything():
    rows = pd.DataFrame({"site_id": ["a", "b", "c"], "total_tonnes": [0.0, 3.5, 1.0]})
    assert data.build_throughput({"sites": rows}).sites["site_id"].tolist() == ["b", "c"]
    assert data.build_throughput({"sites": rows.assign(total_tonnes=0.0)}).sites.empty
    assert data.build_throughput({"sites": None}).sites is None


def test_page_plans_load_in_one_fetch_and_every_query_is_asked_for():
    plans = data.page("330482001", DAY - dt.timedelta(days=6), DAY, DAY, DAY)
    asked = []

    def fetch(**calls):
        asked.extend(calls)
        return {key: None for key in calls}

    got = area.load_many(fetch, **plans)
    assert list(plans)[0] == "attention" and len(asked) == 12 and len(set(asked)) == 12
    assert got["today"].collected is None and got["breaches"].count is None and got["vehicles"].active is None
    assert plans["compliance_today"].calls["compliance"][1]["date_from"] == DAY
    assert plans["compliance"].calls["compliance"][1]["date_from"] == DAY - dt.timedelta(days=6)


# ------------------------------------------------------------------ map layers
def sites_rows() -> pd.DataFrame:
    return pd.DataFrame({
        "site_id": ["d1", "d2", "t1", "p1"], "kind": ["dropoff", "dropoff", "transfer", "disposal"],
        "name_zh": ["甲站", "乙站", "转运站", "处置厂"], "lat": [30.70, 30.71, 30.72, 30.73],
        "lon": [121.01, 121.02, 121.03, 121.04], "total_tonnes": [4.0, 1.0, 16.0, 25.0],
        "perishable_tonnes": [1.0, 0.0, 2.0, 5.0],
    })


def test_site_radius_is_30_plus_220_sqrt_of_the_share_of_the_largest():
    assert wmaps.site_radius(pd.Series([25.0, 4.0, 0.0])).tolist() == [250.0, 118.0, 30.0]
    assert wmaps.site_radius(pd.Series([0.0, 0.0])).tolist() == [30.0, 30.0]


def test_site_frames_by_kind_with_fixed_radii_for_transfer_and_disposal():
    with i18n.language("en"):
        frames = wmaps.site_frames(sites_rows(), "perishable")
    assert list(frames) == ["dropoff", "transfer", "disposal"]
    assert frames["dropoff"]["value"].tolist() == [1.0, 0.0]
    assert frames["dropoff"]["radius"].tolist() == [round(30 + 220 * (1 / 5) ** 0.5, 1), 30.0]
    assert frames["transfer"]["radius"].tolist() == [300.0] and frames["disposal"]["radius"].tolist() == [420.0]
    assert frames["disposal"]["value_text"].tolist() == ["5.0 t"] and frames["transfer"]["name"].tolist() == ["转运站"]


def test_flow_arcs_add_up_stages_and_categories_per_pair():
    flows = pd.DataFrame({
        "stage": ["transfer", "transfer", "dispose"], "category_code": ["other", "perishable", "other"],
        "from_name_zh": ["新埭镇", "新埭镇", "转运站"], "from_lat": [30.7, 30.7, 30.72],
        "from_lon": [121.0, 121.0, 121.03], "to_name_zh": ["转运站", "转运站", "处置厂"],
        "to_lat": [30.72, 30.72, 30.73], "to_lon": [121.03, 121.03, 121.04], "tonnes": [10.0, 2.5, 8.0],
    })
    with i18n.language("zh"):
        arcs = wmaps.flow_arcs(flows, None)
    assert arcs["name"].tolist() == ["新埭镇 → 转运站", "转运站 → 处置厂"]
    assert arcs["tonnes"].tolist() == [12.5, 8.0] and arcs["value_text"].tolist() == ["12.5 吨", "8.0 吨"]
    assert wmaps.flow_arcs(flows, "perishable")["tonnes"].tolist() == [2.5]
    assert wmaps.flow_arcs(flows, "hazardous").empty


def test_page_layers_skip_what_failed_and_the_legend_has_four_items():
    layers = wmaps.page_layers(data.Sites(sites_rows(), None), None)
    assert [layer.id for layer in layers] == ["ws-dropoff", "ws-transfer", "ws-disposal"]
    assert wmaps.page_layers(data.Sites(None, None), None) == []
    with i18n.language("en"):
        title, items = wmaps.legend()
    assert title == "Layer" and [name for name, _ in items] == [
        "Drop-off stations", "Transfer stations", "Disposal sites", "Flows (t)"]
    assert items[0][1] == [78, 161, 255]


def test_compliance_trend_draws_the_registers_target():
    fig = cw.compliance_trend(compliance_rows())
    assert [shape.y0 for shape in fig.layout.shapes] == [kpi.KPIS["waste_compliance"].target]
    assert list(fig.data[0].y) == [90.0, pytest.approx(95.0)]


# ------------------------------------------------------------------ the wall's waste view
def test_wall_view_uses_the_same_figures_and_the_registers_target():
    asked = []

    def run(name, **params):
        asked.append(name)
        if name == "overview.waste_today":
            return waste_today_rows()
        if name == "waste.compliance_by_town":
            return compliance_rows().assign(rounds_on_time=[19, 19, 19], rounds_decided=[20, 20, 20])
        if name == "waste.station_throughput":
            return sites_rows()
        raise AssertionError(name)

    view = waste_wall.build(run, lambda key: i18n.t(key, "en"), None, DAY, "en")
    assert asked == ["overview.waste_today", "waste.compliance_by_town", "waste.station_throughput"]
    assert [(tile.value, tile.state) for tile in view.tiles] == [
        ("460.5 t", "normal"), ("340.0 t", "normal"), ("95.0 %", "good")]
    assert view.tiles[1].note == "Design capacity per day 1,180 t"
    assert view.deck is not None


def test_wall_view_when_every_query_failed():
    view = waste_wall.build(lambda name, **params: None, lambda key: i18n.t(key, "zh"), None, DAY, "zh")
    assert [(tile.value, tile.state) for tile in view.tiles] == [("—", "normal"), ("—", "normal"), ("—", "normal")]
    assert view.deck is None


def test_vehicles_table_with_no_weighing_yet_shows_a_dash():
    """A town's vehicles that have not weighed anything yet (no last time at all) do not break the table."""
    vehicles = pd.DataFrame({"vehicle_id": ["V1", "V2"], "category_code": ["other", "other"],
                             "state": ["idle", "idle"], "trips": [0, 0], "collected_tonnes": [0.0, 0.0],
                             "unloaded_tonnes": [0.0, 0.0], "last_weighed_at": [None, None]})
    with i18n.language("en"):
        table = cw.vehicles_table(vehicles)
    assert table.iloc[:, -1].tolist() == ["—", "—"]
    vehicles["last_weighed_at"] = pd.to_datetime(["2026-11-08 01:30:00+00:00", None], utc=True)
    with i18n.language("en"):
        assert cw.vehicles_table(vehicles).iloc[:, -1].tolist() == ["09:30", "—"]
