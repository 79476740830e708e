"""First-start stage of `python -m cockpit bench` (`--pages firststart`): from an empty data directory to
figures, and to the whole demo, as a new user starts the cockpit.

`python -m cockpit serve` with no database configured and a new, empty `COCKPIT_EMBEDDED_DIR` (the demo
feed off), measured from the command's start:
- **ready**: the terminal says the pages are served (the demo's last days are in);
- **figures**: the overview, open in headless Chromium from the moment the server answers (it shows the
  bootstrap's progress and reruns by itself), shows its KPI figures;
- **complete**: the terminal says the older history is in (with `COCKPIT_DEMO_FIRST_DAYS=0`, one load:
  the ready line).
Also every terminal line with its time, so the progress a user sees is on record.
"""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
import time

from bench.harness import ROOT

TIMEOUT_S = 300.0
FIGURES_TARGET_S, COMPLETE_TARGET_S = 20.0, 60.0
READY = re.compile(r"\] ready: ")
COMPLETE = re.compile(r"\] (the older history is in|ready: the embedded demo database is serving)")
FAILED = re.compile(r"could not (start|be loaded)")
FIGURES = '[data-testid="stMetricValue"]'


def _lines(stream, out: queue.Queue, started: float) -> None:
    for line in iter(stream.readline, ""):
        out.put((round(time.monotonic() - started, 1), line.rstrip()))
    out.put(None)


def run(first_days: int | None = None, days: int | None = None, progress=print) -> dict:
    """One first start in a new data directory; the seconds to ready, figures and complete."""
    from playwright.sync_api import sync_playwright

    from bench.browser import VIEWPORT, _wait_health
    from tests.browser.test_browser import CHROMIUM, CHROMIUM_ARGS, free_port

    port = free_port()
    with tempfile.TemporaryDirectory(prefix="cockpit-firststart-") as data:
        env = {k: v for k, v in os.environ.items() if k not in ("COCKPIT_DATABASE_URL", "COCKPIT_REDIS_URL")}
        env.update({"COCKPIT_EMBEDDED_DIR": os.path.join(data, "pg"), "COCKPIT_DEMO_FEED": "0",
                    "PYTHONUNBUFFERED": "1"})
        if first_days is not None:
            env["COCKPIT_DEMO_FIRST_DAYS"] = str(first_days)
        if days is not None:
            env["COCKPIT_DEMO_DAYS"] = str(days)
        started = time.monotonic()
        server = subprocess.Popen([sys.executable, "-m", "cockpit", "serve", "--server.port", str(port),
                                   "--server.headless", "true"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True)
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=_lines, args=(server.stderr, lines, started), daemon=True).start()
        log: list[tuple[float, str]] = []
        result: dict = {"first_days": first_days, "ready_s": None, "figures_s": None, "complete_s": None}

        def drain() -> None:
            while True:
                try:
                    item = lines.get_nowait()
                except queue.Empty:
                    return
                if item is None:
                    return
                at, text = item
                if "cockpit [" not in text:
                    continue  # Streamlit's own lines
                log.append((at, text))
                if progress:
                    progress(f"    {at:6.1f} s  {text.split('] ', 1)[-1]}")
                if result["ready_s"] is None and READY.search(text):
                    result["ready_s"] = at
                if result["complete_s"] is None and COMPLETE.search(text):
                    result["complete_s"] = at
                if FAILED.search(text):
                    result["failed"] = text

        try:
            base = f"http://127.0.0.1:{port}"
            _wait_health(base, TIMEOUT_S)
            result["server_s"] = round(time.monotonic() - started, 1)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    page = browser.new_context(viewport=VIEWPORT, locale="zh-CN").new_page()
                    page.goto(base + "/", wait_until="commit", timeout=TIMEOUT_S * 1000)
                    deadline = started + TIMEOUT_S
                    while result["figures_s"] is None and time.monotonic() < deadline and "failed" not in result:
                        drain()
                        if page.locator(FIGURES).count() > 0:
                            result["figures_s"] = round(time.monotonic() - started, 1)
                            break
                        page.wait_for_timeout(200)
                finally:
                    browser.close()
            while result["complete_s"] is None and time.monotonic() < started + TIMEOUT_S and "failed" not in result:
                drain()
                time.sleep(0.2)
            drain()
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    result["terminal"] = log
    return result


def table(result: dict) -> str:
    rows = ["| first start | seconds | target |", "|---|---|---|"]
    rows.append(f"| server answers | {result.get('server_s')} | |")
    rows.append(f"| ready (terminal) | {result['ready_s']} | |")
    rows.append(f"| figures (overview in the browser) | {result['figures_s']} | {FIGURES_TARGET_S:g} |")
    rows.append(f"| complete (whole demo) | {result['complete_s']} | {COMPLETE_TARGET_S:g} |")
    return "\n".join(rows)
