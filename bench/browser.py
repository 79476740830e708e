"""Browser stage of `python -m cockpit bench`: how fast each page is drawn where the user is.

A real server (`streamlit run streamlit_app.py` on the bench's database, the demo feed off) and headless
Chromium (Debian's, software rendering, 1920 × 1080). For every page, and every other part of a long
page opened by its link (`/cases?section=workflow`, named `cases:workflow`):
- **first visit**: a new browser context (empty HTTP cache: the app's JavaScript is fetched and compiled)
  opening the page for the first time since the server started (its figures not in the shared cache);
- **second visit**: a new tab of the same context opening the same page again (a new session: the script
  runs again, its figures from the shared cache, the JavaScript from the HTTP cache).
Per visit: **drawn**, seconds from navigation until the script has finished (Streamlit's
`script_finished` message) and the page has settled: no main-thread long task, no new element, canvas
or websocket message for `QUIET_S` (a map's first frame blocks the main thread while WebGL compiles
its shaders, so its end is the last long task); drawn is the end of the last of these. Also the
script's end, the websocket bytes received, the deltas (elements sent), the element containers and
canvases on the page, and the main thread's script time (Chrome DevTools Performance.getMetrics).

The big screen (`/?mode=wall&layout=screen`, panels checked every `SCREEN_CHECK_S`, spotlight every
`SCREEN_SECS`): for each refresh (a fragment run of the panels, or the spotlight's step to another
view's map) seconds from its first websocket message until the screen has settled again.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import time
import urllib.request

from bench.harness import APP, ROOT

PATHS = {"overview": "/", "cases": "/cases", "drones": "/drones", "waste": "/waste", "parking": "/parking",
         "market": "/market", "weekly": "/weekly", "about": "/about"}
VIEWPORT = {"width": 1920, "height": 1080}


def views(pages, parts: bool = True) -> list[tuple[str, str]]:
    """(name, path) of each page as it opens, and of every other part of a long page (cockpit/sections.py)
    as a link to it opens: "cases:workflow" → /cases?section=workflow."""
    from cockpit import sections

    out = []
    for name in pages:
        out.append((name, PATHS[name]))
        if parts:
            out += [(f"{name}:{part}", f"{PATHS[name]}?{sections.URL_KEY}={part}") for part in sections.of(name)[1:]]
    return out

QUIET_S = 1.5          # settled: nothing new for this long
TIMEOUT_S = 90.0       # per visit
SCREEN_CHECK_S = 3     # the screen's change check (its panels' fragment) in this stage
SCREEN_SECS = 15       # the screen's spotlight period in this stage

# Recorded in the page from its first script on: long tasks, element and canvas counts, messages.
PROBE = """
(() => {
  const cp = window.__cockpitProbe = {longEnd: 0, longMs: 0, changeAt: 0, msgAt: 0, msgs: 0, bytes: 0,
                                      elements: 0, canvases: 0};
  try {
    new PerformanceObserver(list => {
      for (const e of list.getEntries()) { cp.longEnd = Math.max(cp.longEnd, e.startTime + e.duration);
                                           cp.longMs += e.duration; }
    }).observe({type: 'longtask', buffered: true});
  } catch (e) {}
  const count = () => {
    const el = document.querySelectorAll('[data-testid="stElementContainer"]').length;
    const cv = document.querySelectorAll('canvas').length;
    if (el !== cp.elements || cv !== cp.canvases) { cp.elements = el; cp.canvases = cv; cp.changeAt = performance.now(); }
  };
  setInterval(count, 50);
  const WS = window.WebSocket;
  window.WebSocket = function (...args) {
    const ws = new WS(...args);
    ws.addEventListener('message', e => {
      cp.msgs += 1; cp.msgAt = performance.now();
      cp.bytes += (e.data && (e.data.byteLength || e.data.size || e.data.length)) || 0;
    });
    return ws;
  };
  window.WebSocket.prototype = WS.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
})();
"""
READ = "() => ({...window.__cockpitProbe, now: performance.now()})"


def message_kind(data) -> str | None:
    """The type of a ForwardMsg (binary websocket frame), or None."""
    from google.protobuf.message import DecodeError
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    if isinstance(data, str):
        return None
    msg = ForwardMsg()
    try:
        msg.ParseFromString(data)
    except DecodeError:
        return None
    return msg.WhichOneof("type")


class Tab:
    """One tab with the probe and a tally of the ForwardMsgs it received."""

    def __init__(self, context) -> None:
        self.page = context.new_page()
        self.page.add_init_script(PROBE)
        self.kinds: dict[str, int] = {}
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._frame))
        self.cdp = context.new_cdp_session(self.page)
        self.cdp.send("Performance.enable")

    def _frame(self, data) -> None:
        kind = message_kind(data)
        if kind:
            self.kinds[kind] = self.kinds.get(kind, 0) + 1

    def settle(self, *, after_ms: float = 0.0, runs: int = 1, timeout_s: float = TIMEOUT_S) -> dict:
        """Wait for `runs` script_finished messages and QUIET_S of nothing new; the probe's record."""
        deadline = time.monotonic() + timeout_s
        while True:
            got = self.page.evaluate(READ)
            last = max(got["longEnd"], got["changeAt"], got["msgAt"], after_ms)
            if self.kinds.get("script_finished", 0) >= runs and got["now"] - last >= QUIET_S * 1000:
                got["drawn_ms"] = last
                return got
            if time.monotonic() > deadline:
                got["drawn_ms"] = None
                return got
            self.page.wait_for_timeout(100)

    def metrics(self) -> dict:
        return {m["name"]: m["value"] for m in self.cdp.send("Performance.getMetrics")["metrics"]}

    def close(self) -> None:
        self.page.close()


def visit(context, base: str, path: str) -> dict:
    """Open `path` in a new tab of `context`; the visit's figures."""
    tab = Tab(context)
    try:
        tab.page.goto(base + path, wait_until="commit", timeout=TIMEOUT_S * 1000)
        got = tab.settle()
        m = tab.metrics()
        return {"drawn_s": None if got["drawn_ms"] is None else round(got["drawn_ms"] / 1000, 2),
                "ws_kb": round(got["bytes"] / 1024, 1), "deltas": tab.kinds.get("delta", 0),
                "elements": got["elements"], "canvases": got["canvases"],
                "long_tasks_s": round(got["longMs"] / 1000, 2), "script_s": round(m.get("ScriptDuration", 0), 2),
                "layout_s": round(m.get("LayoutDuration", 0) + m.get("RecalcStyleDuration", 0), 2)}
    finally:
        tab.close()


def screen_refreshes(context, base: str, count: int = 6) -> dict:
    """Seconds from each refresh's first message until the big screen has settled, for `count` refreshes."""
    tab = Tab(context)
    out: list[dict] = []
    try:
        tab.page.goto(base + f"/?mode=wall&layout=screen&secs={SCREEN_SECS}", wait_until="commit",
                      timeout=TIMEOUT_S * 1000)
        first = tab.settle()
        got = first
        deadline = time.monotonic() + count * SCREEN_SECS * 2 + 60
        while len(out) < count and time.monotonic() < deadline:
            msgs, canvases_before = got["msgs"], got["canvases"]
            while tab.page.evaluate(READ)["msgs"] == msgs and time.monotonic() < deadline:
                tab.page.wait_for_timeout(50)
            start = tab.page.evaluate(READ)
            # the run began at its first message (recorded in the page as it arrived)
            began = start["msgAt"]
            runs = tab.kinds.get("script_finished", 0) + 1
            got = tab.settle(runs=runs, timeout_s=60)
            if got["drawn_ms"] is None:
                break
            out.append({"seconds": round((got["drawn_ms"] - began) / 1000, 2), "messages": got["msgs"] - msgs,
                        "canvases": got["canvases"], "map_redrawn": got["longEnd"] > began and got["canvases"] >= canvases_before
                        and got["longMs"] > start["longMs"] + 200})
    finally:
        tab.close()
    secs = [r["seconds"] for r in out]
    return {"first_drawn_s": None if first["drawn_ms"] is None else round(first["drawn_ms"] / 1000, 2),
            "refreshes": out, "median_s": statistics.median(secs) if secs else None,
            "max_s": max(secs) if secs else None}


def _wait_health(base: str, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("the cockpit server did not start")
        time.sleep(0.5)


@contextlib.contextmanager
def serve(url: str | None, check_seconds: int = SCREEN_CHECK_S, *, app: str = APP, cwd=ROOT):
    """A server of `app` (the cockpit's by default) on `url` (the demo feed off, the wall's change check
    every `check_seconds`) on a free port; yields its base URL once it answers its health check, and
    stops it afterwards."""
    from tests.browser.test_browser import free_port

    port = free_port()
    env = {**os.environ, "COCKPIT_DEMO_FEED": "0", "COCKPIT_WALL_CHECK_SECONDS": str(check_seconds)}
    if url is not None:
        env["COCKPIT_DATABASE_URL"] = url
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", app, "--server.port", str(port),
                               "--server.headless", "true"], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_health(base)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def run(url: str, pages=tuple(PATHS), *, screen: bool = True, parts: bool = True, progress=print) -> dict:
    """Start a server on `url` and measure two visits of every page and of every part of a long page (and
    the big screen's refreshes)."""
    from playwright.sync_api import sync_playwright

    from tests.browser.test_browser import CHROMIUM, CHROMIUM_ARGS

    result: dict = {"viewport": VIEWPORT, "quiet_s": QUIET_S, "pages": {}}
    with serve(url, SCREEN_CHECK_S) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # the server's own first run (modules imported, the pool opened) is not any page's visit
            warm = browser.new_context(viewport=VIEWPORT)
            visit(warm, base, "/about")
            warm.close()
            for name, path in views(pages, parts):
                context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
                try:
                    first = visit(context, base, path)
                    second = visit(context, base, path)
                finally:
                    context.close()
                result["pages"][name] = {"first": first, "second": second}
                if progress:
                    progress(f"    {name:<19} first {first['drawn_s']} s, second {second['drawn_s']} s")
            if screen:
                context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
                try:
                    result["screen"] = screen_refreshes(context, base)
                finally:
                    context.close()
        finally:
            browser.close()
    return result


FIRST_TARGET_S, SECOND_TARGET_S, SCREEN_TARGET_S = 4.0, 2.0, 1.0


def table(result: dict) -> str:
    lines = ["browser (headless Chromium, software rendering, 1920×1080): drawn s, first / second visit",
             (f"  {'page (part)':<20}{'first s':>8}{'second s':>9}{'ws KB':>8}{'deltas':>7}{'elems':>6}{'canvas':>7}"
              f"{'script s':>9}   first ≤ {FIRST_TARGET_S:g} s / second ≤ {SECOND_TARGET_S:g} s")]
    for name, v in result.get("pages", {}).items():
        f, s = v["first"], v["second"]
        ok = [("ok" if x is not None and x <= t else "MISS") for x, t in ((f["drawn_s"], FIRST_TARGET_S),
                                                                        (s["drawn_s"], SECOND_TARGET_S))]
        lines.append(f"  {name:<20}{_n(f['drawn_s']):>8}{_n(s['drawn_s']):>9}{s['ws_kb']:>8.0f}{s['deltas']:>7}"
                     f"{s['elements']:>6}{s['canvases']:>7}{s['script_s']:>9.2f}   {ok[0]} / {ok[1]}")
    sc = result.get("screen")
    if sc:
        verdict = "ok" if sc["max_s"] is not None and sc["max_s"] <= SCREEN_TARGET_S else "MISS"
        lines.append(f"  big screen: first drawn {_n(sc['first_drawn_s'])} s; {len(sc['refreshes'])} refreshes, "
                     f"median {_n(sc['median_s'])} s, max {_n(sc['max_s'])} s   ≤ {SCREEN_TARGET_S:g} s: {verdict}")
    return "\n".join(lines)


def _n(x) -> str:
    return "–" if x is None else f"{x:.2f}"


if __name__ == "__main__":  # python -m bench.browser URL [pages][,screen][,noparts]
    chosen = tuple(sys.argv[2].split(",")) if len(sys.argv) > 2 else tuple(PATHS)
    res = run(sys.argv[1], tuple(c for c in chosen if c in PATHS), screen="screen" in chosen or len(sys.argv) <= 2,
              parts="noparts" not in chosen)
    print(table(res))
