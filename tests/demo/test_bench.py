"""The benchmark's parts on the small demo database: recording, floor, payload, naive, sharing, the CLI."""

from __future__ import annotations

import argparse
import json

import pytest

from bench import harness as bench
@pytest.fixture
def b(demo_url, monkeypatch):
    from cockpit import runtime
    monkeypatch.setenv("COCKPIT_DATABASE_URL", demo_url)
    monkeypatch.setenv("COCKPIT_DEMO_FEED", "0")
    yield bench.Bench(demo_url)
    runtime.reset_runtime()


def test_measure_records_statements_floor_and_payload(b):
    m = b.measure("cases", runs=1)
    names = [q["query"] for q in m["queries"]]
    assert "cases.by_grid" in names and "cases.kpis_by_group" in names
    assert m["statements"] == len(names) > 10
    assert m["floor_ms"] > 0 and all(q["server_ms"] > 0 for q in m["queries"])
    assert 10_000 < m["max_map_bytes"] <= m["map_bytes"] < m["all_bytes"]
    assert m["chart_bytes"] == 0, "the map part draws no chart"
    charts = b.measure("cases", runs=1, query={"section": "categories"})
    assert charts["chart_bytes"] > 0 and charts["map_bytes"] == 0
    # the warm run is served from the cache: it sends no statement (timings alone vary with the machine's load)
    assert m["warm_statements"] == 0 and m["warm_s"] > 0


def test_gateway_recorder_holds_the_bound_parameters(b):
    b.gateway.recorder = []
    b.gateway.clear()
    b.gateway.run("common.data_quality_recent", as_of=bench_now(), days=30)
    (name, params, ms), = b.gateway.recorder
    assert name == "common.data_quality_recent" and params["days"] == 30 and ms > 0
    b.gateway.recorder = None


def bench_now():
    import datetime as dt

    return dt.datetime.now(dt.timezone.utc)


def test_naive_cases_counts_the_same_cases_as_the_real_query(b, demo_url, monkeypatch):
    date_from, date_to = bench.default_period()
    naive = b.naive("cases", 1, date_from, date_to)
    assert naive["cold_s"] > 0 and naive["max_map_bytes"] > 0 and naive["chart_bytes"] > 0
    from bench import naive as naive_mod
    real = b.gateway.execute("cases.kpis_by_group", dimension="town", as_of=bench_now(), date_from=date_from,
                             date_to=date_to, town_code=None, squadron_code=None, area=None, source_code=None,
                             category_code=None)
    for read in ("period", "all"):  # outside Streamlit: the same code path, returns the count
        monkeypatch.setenv("COCKPIT_NAIVE_READ", read)
        assert naive_mod.cases_page() == int(real["received"].sum()) > 0


def test_naive_parking_counts_the_same_violations_as_the_real_query(b, monkeypatch):
    date_from, date_to = bench.default_period()
    naive = b.naive("parking", 1, date_from, date_to)
    assert naive["max_map_bytes"] > 0
    from bench import naive as naive_mod
    real = b.gateway.execute("parking.by_hour", as_of=bench_now(), date_from=date_from, date_to=date_to,
                             town_code=None, road_id=None, method=None, wait_minutes=10, window_days=180)
    assert naive_mod.parking_page() == int(real["violations"].sum()) > 0


def test_sharing_costs_the_same_for_one_and_three_sessions(b):
    one = b.statements_per_cycle("parking", 1)
    three = b.statements_per_cycle("parking", 3)  # three sessions rerunning at the same time, one thread each
    assert one == three > 5
    wall = {"mode": "wall", "views": "cases"}
    assert b.statements_per_cycle(None, 1, wall) == b.statements_per_cycle(None, 3, wall) > 0


def test_verdicts_apply_the_targets():
    result = {"pages": {"x": {"cold_s": 1.0, "warm_s": 0.4, "floor_ms": 400, "max_map_bytes": 2_000_000}},
              "naive": {"x": {"cold_s": 30.0}}, "naive_all": {"x": {"cold_s": 12.0}}, "sharing": {"x": {"1": 5, "20": 6}}}
    v = bench.verdicts(result)
    assert v["x"] == {"warm": True, "cold": True, "payload": False, "naive_factor": 30.0, "naive": True,
                      "naive_all_factor": 12.0, "naive_all": False}
    assert v["sharing:x"] == {"sharing": False}


def test_cli_writes_json(demo_url, tmp_path, monkeypatch):
    from cockpit import runtime
    monkeypatch.setenv("COCKPIT_DEMO_FEED", "0")
    out = tmp_path / "bench.json"
    from cockpit import cli
    try:  # the subcommand as typed: one page, one run, no naive pattern, sharing for 1 and 2 sessions
        assert cli.main(["bench", "--url", demo_url, "--runs", "1", "--pages", "parking", "--sessions", "2",
                         "--no-naive", "--out", str(out)]) == 0
    finally:
        runtime.reset_runtime()
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data["pages"]) == {"parking"}
    assert data["rows"]["parking_violation"] > 0 and data["machine"]["cpus"] >= 1
    assert data["sharing"]["parking"]["1"] == data["sharing"]["parking"]["2"]
    assert data["verdicts"]["parking"]["payload"] is True
    assert data["period"]["date_from"] < data["period"]["date_to"] and data["database_bytes"] > 0
    m = data["pages"]["parking"]
    assert {"cold_s", "warm_s", "floor_ms", "statements", "queries", "map_bytes", "max_map_bytes",
            "chart_bytes", "all_bytes"} <= set(m)
    assert m["floor_ms"] == pytest.approx(sum(q["server_ms"] for q in m["queries"]))
    assert "parking" in bench.table(data) and data["wall"] == {}
    # replicas sharing Redis (a private redis-server the bench starts): 1 × 1 and 2 × 2 cost the same statements,
    # the second replica's results taken from Redis; a page served from Redis sends no statement
    replicas = data["replicas"]
    assert replicas["1x1"]["statements"] == replicas["2x2"]["statements"] == data["sharing"]["parking"]["1"]
    assert replicas["2x2"]["replicas"] == 2 and replicas["2x2"]["from_redis"] > 0
    latency = replicas["latency"]
    assert latency["queries"] == m["statements"] and latency["statements"] == 0
    assert latency["query_redis_ms"] > latency["query_local_ms"] > 0 and data["verdicts"]["replicas"]["sharing"]
    assert "replicas × sessions" in bench.table(data)


def test_cli_refuses_an_unknown_page(demo_url):
    args = argparse.Namespace(url=demo_url, years=1, scale=1.0, runs=1, pages="parkng", sessions=2,
                              no_wall=False, no_naive=True, out=None)
    assert bench.run_cli(args) == 2
