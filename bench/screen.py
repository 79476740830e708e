"""Benchmark of the big screen (指挥大屏, /?mode=wall): part of `python -m cockpit bench` (the `screen` stage).

Server side, through AppTest sessions of the screen over the bench's shared gateway:
- a refresh with nothing cached (every figure from the database): statements and database time (the
  statements replayed under EXPLAIN ANALYZE, as the pages' floor);
- a refresh of an unchanged database (within the figures' TTL): the change check only;
- a refresh after one area changed (the change check saw the cases' rows move): that area's figures only;
- a refresh cycle after every TTL passed, for 1 screen and for 20 screens (equal: the cache is shared);
- the payload of a refresh: the panels' HTML and the map's deck.gl JSON.
Browser side (`--screen-refreshes`, default 1000): a real server with the change check every second
(COCKPIT_WALL_CHECK_SECONDS=1) and headless Chromium on the screen for that many panel refreshes; the
JS heap (Chrome DevTools Performance.getMetrics) and DOM nodes after a warm-up and at the end.
"""

from __future__ import annotations

import statistics
import time

from bench.harness import database_floor_ms, payload

SCREEN = {"mode": "wall"}


def _panels_bytes(at) -> int:
    return sum(len(m.value.encode("utf-8")) for m in at.markdown if "scr-canvas" in m.value)


def server_stage(bench, sessions: int = 20) -> dict:
    """The server-side figures (see the module's text); `bench` is a harness.Bench."""
    from cockpit import live

    gateway = bench.gateway
    at = bench._session(None, SCREEN)
    bench._timed_run(at)                      # modules imported, as in a running server
    bench._cold()
    gateway.recorder = []
    cold_s = bench._timed_run(at)
    recorded, gateway.recorder = gateway.recorder, None
    floor_ms, details = database_floor_ms(gateway, recorded)

    def statements(prepare=None) -> tuple[int, float]:
        if prepare:
            prepare()
        before = gateway.executions
        took = bench._timed_run(at)
        return gateway.executions - before, took

    unchanged = [statements() for _ in range(3)]

    def cases_changed() -> None:
        live.changes_for(gateway).changed_at["cases"] = time.time()
    changed = statements(cases_changed)
    out = {
        "cold": {"statements": len(recorded), "database_ms": floor_ms, "run_s": cold_s, "queries": details},
        "unchanged": {"statements": max(n for n, _ in unchanged), "run_s": statistics.median(t for _, t in unchanged)},
        "one_area_changed": {"statements": changed[0], "run_s": changed[1]},
        "payload": {**payload(at), "panels_bytes": _panels_bytes(at)},
    }
    per_cycle = {}
    for n in (1, sessions):
        try:
            per_cycle[str(n)] = bench.statements_per_cycle(None, n, SCREEN)
        except RuntimeError as exc:
            per_cycle[str(n)] = {"error": str(exc)[:300]}
    out["statements_per_cycle"] = per_cycle
    return out


def browser_stage(url: str, refreshes: int = 1000, warmup: int = 20, progress=print) -> dict:
    """JS heap and DOM nodes of a screen after `warmup` and after `refreshes` panel refreshes (counted
    from the server's fragment runs on the websocket), the change check every second."""
    from playwright.sync_api import sync_playwright

    from bench.browser import serve
    from tests.browser.test_browser import CHROMIUM, CHROMIUM_ARGS

    with serve(url, check_seconds=1) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        runs = [0]
        page.on("websocket", lambda ws: ws.on("framereceived", lambda data: _count(data, runs)))
        page.goto(f"{base}/?mode=wall&secs=10", wait_until="domcontentloaded")
        page.wait_for_selector("[data-panel='ticker']", timeout=60_000)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")

        def metrics() -> dict:
            cdp.send("HeapProfiler.collectGarbage")
            got = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
            return {"js_heap_mb": round(got.get("JSHeapUsedSize", 0) / 2 ** 20, 2), "dom_nodes": int(got.get("Nodes", 0)),
                    "listeners": int(got.get("JSEventListeners", 0))}

        def wait_runs(n: int) -> float:
            start = time.monotonic()
            target = runs[0] + n
            while runs[0] < target:
                page.wait_for_timeout(200)
                if progress and runs[0] % 100 == 0:
                    progress(f"    {runs[0]} refreshes …")
            return time.monotonic() - start

        wait_runs(warmup)
        first = metrics()
        took = wait_runs(refreshes)
        last = metrics()
        browser.close()
    return {"refreshes": refreshes, "seconds": round(took, 1), "after_warmup": first, "at_end": last,
            "heap_growth_mb": round(last["js_heap_mb"] - first["js_heap_mb"], 2)}


def _count(data, runs: list[int]) -> None:
    from bench.browser import message_kind

    if message_kind(data) == "script_finished":
        runs[0] += 1


def table(result: dict) -> str:
    s = result.get("server", {})
    lines = ["big screen (/?mode=wall)"]
    if s:
        c, u, ch, pl = s["cold"], s["unchanged"], s["one_area_changed"], s["payload"]
        lines += [f"  nothing cached     {c['statements']:>4} statements  {c['database_ms']:>8.1f} ms database  {c['run_s']:.2f} s run",
                  f"  unchanged          {u['statements']:>4} statements                    {u['run_s']:.2f} s run",
                  f"  cases changed      {ch['statements']:>4} statements                    {ch['run_s']:.2f} s run",
                  "  per refresh cycle  " + "  ".join(f"{k} screen(s): {v}" for k, v in s["statements_per_cycle"].items()),
                  f"  payload            panels {pl['panels_bytes'] / 1024:.1f} KB, map {pl['map_bytes'] / 1024:.1f} KB,"
                  f" all {pl['all_bytes'] / 1024:.1f} KB"]
    b = result.get("browser")
    if b:
        lines.append(f"  browser            {b['refreshes']} refreshes in {b['seconds']:.0f} s: JS heap "
                     f"{b['after_warmup']['js_heap_mb']} → {b['at_end']['js_heap_mb']} MB, DOM nodes "
                     f"{b['after_warmup']['dom_nodes']} → {b['at_end']['dom_nodes']}")
    return "\n".join(lines)
