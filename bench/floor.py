"""Floor stage of `python -m cockpit bench` (`--pages floor`): what Streamlit itself costs in this browser,
so that the browser stage's figures (bench/browser.py) are read against it.

Three apps of a few lines, served with the cockpit's own `.streamlit/config.toml` and measured as the
browser stage measures a page (`bench.browser.visit`: a new context, a first and a second visit, drawn
seconds), `runs` times each:
- **title**: a page with one title: the front end's boot, its websocket and one script run;
- **plotly**: the same with one plotly bar chart (plotly's bundle, loaded by the first chart of a page);
- **pydeck**: the same with one pydeck map of one dot (deck.gl's WebGL context and its shaders, which
  headless Chromium compiles in software).
No page of the cockpit can be drawn faster than the floor of what it shows.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
from pathlib import Path

from bench.harness import ROOT

APP = '''import streamlit as st

st.title("空白页 · an empty page")
shows = st.query_params.get("shows", "title")
if shows == "plotly":
    import plotly.graph_objects as go

    st.plotly_chart(go.Figure(go.Bar(x=["甲", "乙", "丙"], y=[1, 3, 2])), key="chart")
elif shows == "pydeck":
    import pydeck as pdk

    layer = pdk.Layer("ScatterplotLayer", data=[{"p": [121.02, 30.70]}], get_position="p", get_radius=500)
    st.pydeck_chart(pdk.Deck(layers=[layer], map_style=None,
                             initial_view_state=pdk.ViewState(latitude=30.70, longitude=121.02, zoom=10)), key="map")
'''
APPS = ("title", "plotly", "pydeck")


def run(runs: int = 3, apps=APPS, progress=print) -> dict:
    """Every app's first and second visits, `runs` times, and their medians."""
    from playwright.sync_api import sync_playwright

    from bench.browser import VIEWPORT, serve, visit
    from tests.browser.test_browser import CHROMIUM, CHROMIUM_ARGS

    result: dict = {"viewport": VIEWPORT, "runs": runs, "apps": {}}
    with tempfile.TemporaryDirectory(prefix="cockpit-floor-") as tmp:
        folder = Path(tmp)
        (folder / "floor_app.py").write_text(APP, encoding="utf-8")
        shutil.copytree(ROOT / ".streamlit", folder / ".streamlit",
                        ignore=shutil.ignore_patterns("secrets.toml"))
        with serve(None, app="floor_app.py", cwd=folder) as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                warm = browser.new_context(viewport=VIEWPORT)
                for name in apps:  # the server's first run of each (its imports) is no visit
                    visit(warm, base, f"/?shows={name}")
                warm.close()
                for name in apps:
                    visits: dict[str, list] = {"first": [], "second": []}
                    for _ in range(runs):
                        context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
                        try:
                            for which in ("first", "second"):
                                visits[which].append(visit(context, base, f"/?shows={name}"))
                        finally:
                            context.close()
                    result["apps"][name] = out = {
                        which: {"drawn_s": [v["drawn_s"] for v in got], "median_s": _median(got, "drawn_s"),
                                "script_s": _median(got, "script_s"), "long_tasks_s": _median(got, "long_tasks_s"),
                                "canvases": max(v["canvases"] for v in got), "deltas": max(v["deltas"] for v in got)}
                        for which, got in visits.items()}
                    if progress:
                        progress(f"    {name:<8} first {out['first']['median_s']} s, second {out['second']['median_s']} s"
                                 f" (medians of {runs})")
            finally:
                browser.close()
    return result


def _median(visits: list[dict], key: str) -> float | None:
    values = [v[key] for v in visits if v[key] is not None]
    return round(statistics.median(values), 2) if values else None


def table(result: dict) -> str:
    from bench.browser import _n

    lines = [f"floor (Streamlit alone, headless Chromium, software rendering): drawn s, medians of {result['runs']}",
             f"  {'app':<8}{'first s':>8}{'second s':>9}{'script s':>9}{'long tasks s':>13}   every run (second)"]
    for name, v in result["apps"].items():
        f, s = v["first"], v["second"]
        runs = ", ".join("–" if x is None else f"{x:.2f}" for x in s["drawn_s"])
        lines.append(f"  {name:<8}{_n(f['median_s']):>8}{_n(s['median_s']):>9}{_n(s['script_s']):>9}"
                     f"{_n(s['long_tasks_s']):>13}   {runs}")
    return "\n".join(lines)
