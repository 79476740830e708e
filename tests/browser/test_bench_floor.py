"""The floor stage of the bench (bench/floor.py) in a real headless Chromium: its one-dot map app is served
with the cockpit's config, drawn (a canvas, the script's deltas) and timed on both visits."""

from __future__ import annotations

from bench import floor
from bench.browser import TIMEOUT_S
from tests.browser.test_browser import pytestmark  # noqa: F401  (the skip marker)


def test_the_floor_map_is_drawn_and_timed():
    result = floor.run(runs=1, apps=("pydeck",), progress=None)
    assert set(result["apps"]) == {"pydeck"}
    for which in ("first", "second"):
        got = result["apps"]["pydeck"][which]
        assert len(got["drawn_s"]) == 1 and 0 < got["median_s"] == got["drawn_s"][0] < TIMEOUT_S
        assert got["canvases"] >= 1 and got["deltas"] >= 2  # the title and the map
    text = floor.table(result)
    assert "pydeck" in text and f"{result['apps']['pydeck']['second']['median_s']:.2f}" in text
