"""`python -m cockpit serve` (what scripts/run.sh runs) builds the embedded demo as the server starts,
before any browser asks, and tells the terminal how far it is."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from cockpit.runtime import TerminalProgress
from tests.services import free_port

ROOT = Path(__file__).resolve().parents[2]


def lines(progress: TerminalProgress) -> list[str]:
    return [line.split("] ", 1)[1] for line in progress.stream.getvalue().splitlines()]


def test_the_terminal_progress_prints_a_line_a_tenth_and_a_phase():
    progress = TerminalProgress(stream=io.StringIO())
    for fraction, message in [(0.0, "generating"), (0.02, "generating town"), (0.05, "loading town"),
                              (0.12, "loading unit_grid"), (0.13, "generating shop"), (0.61, "indexing"),
                              (0.62, "indexing"), (0.8, "rollups"), (1.0, "done")]:
        progress(fraction, message)
    assert lines(progress) == ["demo data   0% generating", "demo data  12% loading unit_grid",
                               "demo data  61% indexing", "demo data  80% rollups", "demo data 100% done"]


def test_serve_builds_the_demo_before_any_visit(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COCKPIT_")}
    env.update(COCKPIT_EMBEDDED_DIR=str(tmp_path / "pg"), COCKPIT_DEMO_DAYS="2", COCKPIT_DEMO_SCALE="0.02",
               COCKPIT_DEMO_FEED="0", PYTHONPATH=str(ROOT))
    with open(tmp_path / "stderr.txt", "w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "cockpit", "serve", "--server.port", str(port),
                                 "--server.headless", "true"], cwd=tmp_path, env=env,
                                stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        text = ""
        while time.monotonic() < deadline and "] ready:" not in text and proc.poll() is None:
            time.sleep(0.5)
            text = (tmp_path / "stderr.txt").read_text()
        assert "] ready:" in text, text[-2000:]  # no page was opened: the server built it by itself
        assert "demo data 100% done" in text and "demo data   0% generating" in text
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=10) as response:
            assert response.read() == b"ok"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
