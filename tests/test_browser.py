"""The running app in a real headless Chromium (Debian's package, driven by Playwright).

Opens every page of `streamlit run`, checks that no exception element appears, that the page
shows its numbers, and that the browser asks no host but the cockpit's own.
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
from playwright.sync_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
PAGES = {"overview": "/", "cases": "/cases", "about": "/about", "market": "/market", "weekly": "/weekly",
         "drones": "/drones", "waste": "/waste", "parking": "/parking"}

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(db_url: str, name: str = "streamlit", **env_extra: str):
    """`streamlit run` of the real app on a free local port, pointed at `db_url`; yields its base URL."""
    port = free_port()
    env = {**os.environ, "COCKPIT_DATABASE_URL": db_url, "COCKPIT_DEMO_FEED": "0", **env_extra}
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / f"{name}.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
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


def test_deep_link_as_first_request_gets_the_app_navigation(app_url, browser):
    """Runs first on a fresh server: a page opened by its own URL still gets the app's menu and layout."""
    page = browser.new_page(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    page.goto(app_url + "/cases?town=330482001", wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "总览" in nav and "网格案件" in nav and "streamlit" not in nav.lower()
    assert "当湖街道" in page.locator('[data-testid="stMarkdownContainer"]').all_inner_texts().__str__()
    page.close()


def test_clicking_a_town_on_the_map_drills_down(app_url, browser):
    page = browser.new_page(viewport={"width": 1600, "height": 1200}, locale="zh-CN")
    outside, errors = watch(page)
    page.goto(app_url + "/cases", wait_until="domcontentloaded")
    chart = page.locator('[data-testid="stDeckGlJsonChart"]').first
    chart.wait_for(timeout=60_000)
    page.wait_for_timeout(3000)
    # On a busy machine the map may still be drawing when first clicked: click again until the URL changes.
    for _ in range(6):
        box = chart.bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
        try:
            page.wait_for_function("() => location.search.includes('town=')", timeout=8_000)
            break
        except PlaywrightTimeout:
            continue
    assert "town=" in page.url, "a click on a town filters the page by it"
    page.wait_for_timeout(2500)
    assert "当前区域" in page.content() and page.locator('[data-testid="stException"]').count() == 0
    town = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)["town"][0]
    assert town.startswith("330482")
    page.screenshot(path=str(ARTIFACTS / "cases-drilled.png"))
    assert errors == [] and outside == []
    page.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_page_renders_without_exception_or_outside_requests(app_url, browser, name):
    page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    outside, errors = watch(page)
    page.on("request", lambda r: outside.append(r.url)
            if urllib.parse.urlsplit(r.url).hostname not in LOCAL_HOSTS
            and not r.url.startswith(("data:", "blob:")) else None)
    page.goto(app_url + PAGES[name], wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stMetric"], [data-testid="stDataFrame"]', timeout=60_000)
    page.wait_for_timeout(2500)  # let charts and late elements settle
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator("h1").first.inner_text().strip()
    if name == "overview":
        metrics = page.locator('[data-testid="stMetric"]')
        assert metrics.count() >= 10
        assert "结案率" in page.content()
    assert outside == [], f"requests to other hosts: {outside}"
    assert errors == [], errors
    page.close()
