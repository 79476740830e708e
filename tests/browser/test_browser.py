"""The running app in a real headless Chromium (Debian's package, driven by Playwright).

Opens every page of `streamlit run`, checks that no exception element appears, that the page
shows its numbers, and that the browser asks no host but the cockpit's own.

Waits are event-driven, with generous deadlines (a loaded machine makes the tests slower, not red):
`Runs` counts the script runs the server reports finished over the page's websocket, and `settle` waits
for a run that finished after a given point (not the previous run's "notRunning") and then for the page
to be drawn: the app root's `data-test-script-state` is `notRunning`, no element is stale or still
loading, every plotly chart has its svg and every deck.gl chart its canvas, and the element the test
needs is there.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from google.protobuf.message import DecodeError
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
PAGES = {"overview": "/", "cases": "/cases", "about": "/about", "market": "/market", "weekly": "/weekly",
         "drones": "/drones", "waste": "/waste", "parking": "/parking"}

WAIT_MS = 90_000  # per wait: a script run and the drawing of the page it produced
# a full run that finished (not one ended early for a rerun, nor a fragment's rerun)
RUN_DONE = {ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY,
            ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR}
# the page drawn: argument is the selector of the element the test needs
DRAWN = """sel => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.dataset.testScriptState !== 'notRunning' || app.dataset.testConnectionState !== 'CONNECTED')
    return false;
  if (document.querySelector('[data-testid="stSkeleton"], [data-stale="true"]')) return false;
  for (const c of document.querySelectorAll('[data-testid="stPlotlyChart"]'))
    if (!c.querySelector('svg.main-svg')) return false;
  for (const c of document.querySelectorAll('[data-testid="stDeckGlJsonChart"]'))
    if (!c.querySelector('canvas')) return false;
  return document.querySelector(sel) !== null;
}"""

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(db_url: str, name: str = "streamlit", args: tuple[str, ...] = (), **env_extra: str):
    """`streamlit run` of the real app on a free local port, pointed at `db_url` (with more command-line
    `args`, e.g. ``--secrets.files=…``); yields its base URL."""
    port = free_port()
    env = {**os.environ, "COCKPIT_DATABASE_URL": db_url, "COCKPIT_DEMO_FEED": "0", **env_extra}
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / f"{name}.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", *args],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(base + "/_stcore/health", timeout=2).status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail(f"streamlit did not start; see test-artifacts/{name}.log")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


class Runs:
    """The script runs of one page's sessions, counted from the server's messages on its websocket."""

    def __init__(self, page) -> None:
        self.page = page
        self.started = 0  # sessions' runs started (new_session messages), fragments' reruns included
        self.finished = 0  # full runs finished (RUN_DONE)
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload) -> None:
        if isinstance(payload, str):
            return
        msg = ForwardMsg()
        try:
            msg.ParseFromString(payload)
        except DecodeError:
            return
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.started += 1
        elif kind == "script_finished" and msg.script_finished in RUN_DONE:
            self.finished += 1

    def wait(self, until, deadline: float) -> bool:
        """Let Playwright deliver the websocket's messages until `until()` holds (polled every 50 ms) or
        the monotonic `deadline` passes; whether it holds."""
        while not until():
            if time.monotonic() > deadline:
                return False
            self.page.wait_for_timeout(50)
        return True

    def settle(self, after: int, element: str, timeout_ms: int = WAIT_MS) -> None:
        """Wait for a full run that finished after `after` runs, then for the page it drew, `element` included."""
        deadline = time.monotonic() + timeout_ms / 1000
        assert self.wait(lambda: self.finished > after, deadline), \
            f"no script run finished within {timeout_ms / 1000:.0f} s (after run {after})"
        left = max(1_000, int((deadline - time.monotonic()) * 1000))
        self.page.wait_for_function(DRAWN, arg=element, timeout=left, polling=100)


@pytest.fixture(scope="module")
def app_url(demo_url):
    with running_app(demo_url) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def context(browser):
    """One browser context per module: its HTTP cache keeps the app's scripts (plotly's and deck.gl's are
    megabytes) from being fetched and compiled again for every page; the cookies the app sets hold no state."""
    ctx = browser.new_context(locale="zh-CN")
    yield ctx
    ctx.close()


def new_page(context, width: int, height: int):
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    return page


def watch(page) -> tuple[list[str], list[str]]:
    """Collect requests to other hosts and deck.gl / page errors from the console."""
    outside: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if urllib.parse.urlsplit(r.url).hostname not in LOCAL_HOSTS
            and not r.url.startswith(("data:", "blob:")) else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "deck" in m.text.lower() else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return outside, errors


# An element each page always draws, by the cockpit's own keys (Streamlit gives a keyed chart or container
# the class st-key-<key>; a map only where one can click it): a chart, else a KPI card, the weekly
# briefing; the about page has no keyed element: its first table.
# what shows a page drawn: an element of its first part (cockpit/sections.py), a map's canvas where it is a map
MAP_DRAWN = '[data-testid="stDeckGlJsonChart"] canvas'
PAGE_MARKS = {"overview": ".st-key-overview_daily", "cases": '[class*="st-key-cases_map_"] canvas',
              "about": '[data-testid="stDataFrame"]', "market": ".st-key-kpi_market_received_",
              "weekly": ".st-key-weekly_briefing", "drones": MAP_DRAWN, "waste": MAP_DRAWN,
              "parking": ".st-key-pk_daily"}


class Tab:
    """The module's one browser tab, reused by its tests: the app's scripts are loaded and compiled once per
    tab, and a page of the menu is opened in the app (a click in its navigation) rather than by a new load.
    `outside` and `errors` collect what `watch` sees (cleared by `fresh`); `menu_ready` says whether the tab
    shows a session that was opened by a URL without parameters and only navigated since (so
    that every page opened from its menu runs with the default filters)."""

    def __init__(self, page) -> None:
        self.page = page
        self.runs = Runs(page)
        self.outside, self.errors = watch(page)
        self.menu_ready = False

    def fresh(self, width: int, height: int):
        self.page.set_viewport_size({"width": width, "height": height})
        self.outside.clear()
        self.errors.clear()
        return self.page

    def goto(self, url: str, element: str, *, menu_ready: bool = False) -> None:
        """Load `url` (a new session) and wait for its first full run, `element` drawn."""
        before = self.runs.finished
        self.page.goto(url, wait_until="domcontentloaded")
        self.runs.settle(before, element)
        self.menu_ready = menu_ready

    def open_from_menu(self, path: str, element: str) -> None:
        """Open the page at `path` with a click on its link in the app's navigation and wait for its run."""
        before = self.runs.finished
        link = self.page.locator(f'[data-testid="stSidebarNav"] a[href$="{path}"]').first
        link.click()
        self.runs.settle(before, element)
        assert urllib.parse.urlsplit(self.page.url).path.rstrip("/") == path.rstrip("/"), self.page.url


@pytest.fixture(scope="module")
def tab(context):
    t = Tab(context.new_page())
    yield t
    t.page.close()


def test_deep_link_as_first_request_gets_the_app_navigation(app_url, tab):
    """Runs first on a fresh server: a page opened by its own URL still gets the app's menu and layout."""
    page = tab.fresh(1600, 1000)
    tab.goto(app_url + "/cases?town=330482001", '[class*="st-key-kpi_"]')  # the KPI cards
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "总览" in nav and "网格案件" in nav and "streamlit" not in nav.lower()
    assert "当湖街道" in page.locator('[data-testid="stMarkdownContainer"]').all_inner_texts().__str__()


def test_clicking_a_town_on_the_map_drills_down(app_url, tab):
    page = tab.fresh(1600, 1200)
    runs = tab.runs
    tab.goto(app_url + "/cases", '[class*="st-key-cases_map_"] canvas')
    chart = page.locator('[class*="st-key-cases_map_"]').first
    # deck.gl may not pick yet when its canvas is first there: a click that starts no run within 5 s
    # missed, and one whose run leaves the URL without a town hit no town; click again (but never while
    # a click's run is under way: a second click could undo the first)
    deadline = time.monotonic() + WAIT_MS / 1000
    finished = runs.finished
    while "town=" not in page.url and time.monotonic() < deadline:
        started, finished = runs.started, runs.finished
        # in view first: a banner above it (the data-age warning shows at night, when the demo's newest
        # event is hours old) can push the map's centre below the window, where a click reaches nothing
        with contextlib.suppress(Exception):  # the element is being redrawn: the box below says so
            chart.scroll_into_view_if_needed(timeout=2000)
        box = chart.bounding_box()
        if box is None:  # the map's element is being redrawn (a slow machine): wait for it, then click
            page.wait_for_timeout(200)
            continue
        page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
        if runs.wait(lambda n=started: runs.started > n, min(deadline, time.monotonic() + 5)):
            runs.wait(lambda n=finished: runs.finished > n, deadline)
    assert "town=" in page.url, "a click on a town filters the page by it"
    # the click's run set the URL and reran; the page of that rerun has the drill-up button
    runs.settle(finished, ".st-key-drill_up")
    assert "当前区域" in page.content() and page.locator('[data-testid="stException"]').count() == 0
    town = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)["town"][0]
    assert town.startswith("330482")
    page.screenshot(path=str(ARTIFACTS / "cases-drilled.png"))
    assert tab.errors == [] and tab.outside == []


@pytest.mark.parametrize("name", list(PAGES))
def test_page_renders_without_exception_or_outside_requests(app_url, tab, name):
    page = tab.fresh(1920, 1080)
    # the first full run, its charts and maps drawn: the overview (first in PAGES) opened by its URL, the
    # other pages from the app's menu in the same session (its filters the defaults)
    if name == "overview" or not tab.menu_ready:
        tab.goto(app_url + PAGES[name], PAGE_MARKS[name], menu_ready=not urllib.parse.urlsplit(PAGES[name]).query)
    else:
        tab.open_from_menu(PAGES[name], PAGE_MARKS[name])
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator("h1").first.inner_text().strip()
    assert page.locator('[data-testid="stMetric"], [data-testid="stDataFrame"]').count() > 0
    if name == "overview":
        metrics = page.locator('[data-testid="stMetric"]')
        assert metrics.count() >= 10
        assert "结案率" in page.content()
    assert tab.outside == [], f"requests to other hosts: {tab.outside}"
    assert tab.errors == [], tab.errors


def test_a_section_button_shows_its_part_and_puts_it_in_the_url(app_url, tab):
    """The cases page opens on its map; a click on the 流转环节 button of the section control runs the
    page again with the workflow charts and no map, and the URL holds section=workflow (a link to it)."""
    page = tab.fresh(1600, 1000)
    runs = tab.runs
    tab.goto(app_url + "/cases", '[class*="st-key-cases_map_"] canvas')
    before = runs.finished
    page.locator('.st-key-url_section button', has_text="流转环节").click()
    runs.settle(before, ".st-key-cases_flow")
    assert "section=workflow" in page.url
    assert page.locator('[data-testid="stDeckGlJsonChart"]').count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(ARTIFACTS / "cases-workflow.png"))
    assert tab.errors == [] and tab.outside == []
