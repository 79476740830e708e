"""The wall screen in headless Chromium: the composed screen at 1920×1080, 3840×2160 and 3840×1080 (no two panels
overlap, none leaves the viewport, no text under 16 design pixels), every rotating view at 1920×1080, no
outside request, and a database outage in the middle (a real cut of the network path) that the screen
survives and recovers from."""

from __future__ import annotations

import itertools
import urllib.parse

import pytest
import sqlalchemy as sa

from cockpit import screen, wall
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


def open_wall(context, base: str, width: int = 1920, height: int = 1080, **params):
    page = new_page(context, width, height)
    runs = Runs(page)
    outside, errors = watch(page)
    page.goto(f"{base}/?mode=wall&{urllib.parse.urlencode(params)}", wait_until="domcontentloaded")
    # the first full run, its tiles or panels, charts and map drawn
    runs.settle(0, ".wall-tile" if params.get("layout") == "rotate" else "[data-panel='market']")
    return page, outside, errors


# every box of the screen (the panels, the title bar, the placed map and clock) and the smallest font of
# any element holding text (the clock's inside its frame)
MEASURE = """() => {
  const box = e => { const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, width: r.width, height: r.height}; };
  const boxes = {};
  for (const e of document.querySelectorAll('[data-panel], .scr-title')) boxes[e.dataset.panel || 'title'] = box(e);
  const deck = document.querySelector('.st-key-%(map)s'), clock = document.querySelector('.st-key-%(clock)s');
  const fonts = [];
  const texts = (doc, sel) => { for (const e of doc.querySelectorAll(sel))
    if ([...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()) && e.getClientRects().length)
      fonts.push([parseFloat(getComputedStyle(e).fontSize), e.textContent.trim().slice(0, 30)]); };
  texts(document, '.scr-title *, [data-panel] *');
  const frame = clock && clock.querySelector('iframe');
  if (frame && frame.contentDocument) texts(frame.contentDocument, 'body *');
  fonts.sort((a, b) => a[0] - b[0]);
  return {boxes, deck: deck && box(deck), canvas: deck && deck.querySelector('canvas') && box(deck.querySelector('canvas')),
          clock: clock && box(clock), smallest: fonts[0], count: fonts.length,
          page: [document.documentElement.scrollWidth, document.documentElement.scrollHeight]};
}""" % {"map": screen.MAP_KEY, "clock": screen.CLOCK_KEY}


def check_layout(m: dict, width: int, height: int, scale: float, canvas=screen.STANDARD) -> None:
    boxes = dict(m["boxes"])
    alarm = boxes.pop("alarms") if "alarms" not in canvas.boxes else None
    assert set(boxes) == set(canvas.boxes), boxes
    for (a, ba), (b, bb) in itertools.combinations(boxes.items(), 2):
        assert not screen.boxes_overlap(ba, bb), (a, ba, b, bb)
    inside = [m["deck"], m["canvas"], m["clock"], *boxes.values()]
    for b in inside:
        assert b["x"] >= 0 and b["y"] >= 0 and b["x"] + b["width"] <= width + 0.5 and b["y"] + b["height"] <= height + 0.5, b
    x0, y0 = (width - canvas.width * scale) / 2, (height - canvas.height * scale) / 2
    for name, (x, y, w, h) in canvas.boxes.items():  # the design, scaled uniformly
        got = boxes[name]
        assert [round((got["x"] - x0) / scale), round((got["y"] - y0) / scale), round(got["width"] / scale),
                round(got["height"] / scale)] == [x, y, w, h], (name, got)
    mx, my, mw, mh = canvas.map_box()
    assert abs(m["canvas"]["width"] - mw * scale) < 2 and abs(m["canvas"]["height"] - mh * scale) < 2, m["canvas"]
    if alarm is not None and alarm["width"] > 0:  # the alarms drawn over the map, inside it
        mb = boxes["map"]
        assert mb["x"] <= alarm["x"] and alarm["x"] + alarm["width"] <= mb["x"] + mb["width"] + 0.5
        assert mb["y"] <= alarm["y"] and alarm["y"] + alarm["height"] <= mb["y"] + mb["height"] + 0.5
    assert m["page"] == [width, height], "nothing scrolls"
    assert m["count"] > 60 and m["smallest"][0] >= screen.MIN_FONT_PX * scale - 0.01, m["smallest"]


def test_composed_screen_at_1080p_and_4k(proxied, context):
    """One page, one session: measured at 1920×1080, then the same screen at 3840×2160."""
    base, _ = proxied
    page, outside, errors = open_wall(context, base, views="cases,waste")
    page.wait_for_function("() => document.querySelector('.st-key-%s canvas')" % screen.MAP_KEY, timeout=WAIT_MS)
    page.wait_for_timeout(1500)  # the deck's first frame
    page.screenshot(path=str(ARTIFACTS / "wall-screen-1080.png"), timeout=WAIT_MS)
    check_layout(page.evaluate(MEASURE), 1920, 1080, 1.0)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator(".scr-panel.spot").count() == 1
    assert "None" not in page.locator('[data-testid="stMain"]').inner_text(), "no stray value on the screen"
    page.set_viewport_size({"width": 3840, "height": 2160})
    page.wait_for_function("() => document.documentElement.scrollWidth === 3840", timeout=WAIT_MS)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / "wall-screen-2160.png"), timeout=WAIT_MS)
    check_layout(page.evaluate(MEASURE), 3840, 2160, 2.0)
    # a spliced wall of 32:9: the wide canvas, chosen by the aspect ratio, more columns, nothing stretched
    page.set_viewport_size({"width": 3840, "height": 1080})
    page.wait_for_function("() => document.documentElement.scrollHeight === 1080", timeout=WAIT_MS)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / "wall-screen-wide.png"), timeout=WAIT_MS)
    check_layout(page.evaluate(MEASURE), 3840, 1080, 1.0, screen.WIDE)
    assert outside == [] and errors == [], (outside, errors)
    page.close()


@pytest.mark.parametrize("view", wall.VIEWS)
def test_each_view_full_screen_without_outside_requests(proxied, context, view):
    base, _ = proxied
    page, outside, errors = open_wall(context, base, views=view, layout="rotate")
    page.screenshot(path=str(ARTIFACTS / f"wall-{view}.png"))
    assert page.locator('[data-testid="stException"]').count() == 0
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert "数据更新于" in page.content()
    assert outside == [] and errors == [], (outside, errors)
    page.close()


def test_outage_keeps_numbers_warns_and_recovers_by_itself(proxied, context):
    base, proxy = proxied
    page, outside, errors = open_wall(context, base, views="overview", refresh="10", secs="10", layout="rotate")
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
