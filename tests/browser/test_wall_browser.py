"""The wall screen in headless Chromium at 1920×1080: every view, no outside request, and a database
outage in the middle (a real cut of the network path) that the screen survives and recovers from."""

from __future__ import annotations

import urllib.parse

import pytest
import sqlalchemy as sa

from cockpit import wall
from tests.tcp_proxy import TcpProxy
from tests.browser.test_browser import ARTIFACTS, WAIT_MS, Runs, new_page, running_app, watch
from tests.browser.test_browser import browser, context, pytestmark  # noqa: F401  (fixtures and skip marker)


@pytest.fixture(scope="module")
def proxied(demo_url):
    """The demo database behind a TCP proxy the test can cut, and the app running through it."""
    url = sa.make_url(demo_url)
    host = url.query.get("host")
    if host:  # the embedded server listens on a Unix socket
        target = f"{host if isinstance(host, str) else host[0]}/.s.PGSQL.{url.port or 5432}"
    else:
        target = (url.host or "127.0.0.1", url.port or 5432)
    proxy = TcpProxy(target)
    port = proxy.start()
    via = url.set(host="127.0.0.1", port=port, query={})
    with running_app(via.render_as_string(hide_password=False), name="wall",
                     COCKPIT_MAX_TTL_SECONDS="3") as base:
        yield base, proxy
    proxy.stop()


def open_wall(context, base: str, **params):
    page = new_page(context, 1920, 1080)
    runs = Runs(page)
    outside, errors = watch(page)
    page.goto(f"{base}/?mode=wall&{urllib.parse.urlencode(params)}", wait_until="domcontentloaded")
    runs.settle(0, ".wall-tile")  # the first full run, its tiles, charts and map drawn
    return page, outside, errors


@pytest.mark.parametrize("view", wall.VIEWS)
def test_each_view_full_screen_without_outside_requests(proxied, context, view):
    base, _ = proxied
    page, outside, errors = open_wall(context, base, views=view)
    page.screenshot(path=str(ARTIFACTS / f"wall-{view}.png"))
    assert page.locator('[data-testid="stException"]').count() == 0
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert "数据更新于" in page.content()
    assert outside == [] and errors == [], (outside, errors)
    page.close()


def test_outage_keeps_numbers_warns_and_recovers_by_itself(proxied, context):
    base, proxy = proxied
    page, outside, errors = open_wall(context, base, views="overview", refresh="10", secs="10")
    tiles = page.locator(".wall-tiles").inner_text()
    proxy.stop()
    page.wait_for_function("() => document.body.innerText.includes('数据库连接中断')", timeout=WAIT_MS)
    assert page.locator(".wall-tiles").inner_text() == tiles, "the last good numbers stay"
    page.screenshot(path=str(ARTIFACTS / "wall-outage.png"))
    proxy.start()
    page.wait_for_function("() => !document.body.innerText.includes('数据库连接中断')", timeout=2 * WAIT_MS)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert outside == [], outside
    page.close()
