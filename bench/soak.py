"""Wall-screen soak: many refresh cycles of long-lived wall sessions in simulated time.

    python -m cockpit soak --url URL [--cycles 1000] [--sessions 1] [--compare-sessions 20]

Each session is one AppTest of `/?mode=wall` kept alive for the whole run, the way a browser keeps its
session. A cycle advances the shared gateway's clock by the refresh interval (every cached result
expires), then reruns every session once, rotating through the views. Measured:
- the process's resident memory after a warm-up and at the end (the growth must stay under 20 MB);
- database statements per refresh cycle, for 1 session and for N sessions (they must be equal: the
  cache is shared, so fifty wall screens cost the database what one does).
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux /proc)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


class WallSessions:
    """`count` wall sessions over one shared runtime, driven in simulated time."""

    def __init__(self, url: str, count: int, refresh_s: int = 60) -> None:
        from streamlit.testing.v1 import AppTest

        from cockpit import runtime, wall
        os.environ["COCKPIT_DATABASE_URL"] = url
        os.environ["COCKPIT_DEMO_FEED"] = "0"
        runtime.reset_runtime()
        self.gateway = runtime.get_runtime().gateway
        self.clock = [time.time()]
        self.gateway.clock = lambda: self.clock[0]
        self.refresh_s = refresh_s
        self.views = wall.VIEWS
        self.sessions = []
        for _ in range(count):
            at = AppTest.from_file(APP, default_timeout=120)
            at.query_params["mode"] = "wall"
            self.sessions.append(at)

    def cycle(self, i: int) -> int:
        """One refresh cycle; returns the database statements it cost."""
        self.clock[0] += self.refresh_s
        before = self.gateway.executions
        view = self.views[i % len(self.views)]
        for at in self.sessions:
            at.query_params["views"] = view
            at.run()
            if at.exception:
                raise RuntimeError(f"wall view {view} raised: {at.exception[0].value}")
        return self.gateway.executions - before


def run_soak(url: str, cycles: int = 1000, sessions: int = 1, compare_sessions: int = 20,
             compare_cycles: int = 12, warmup: int = 30, progress=print) -> dict:
    one = WallSessions(url, sessions)
    for i in range(warmup):
        one.cycle(i)
    gc.collect()
    start_mb = rss_mb()
    started = time.perf_counter()
    per_cycle = []
    for i in range(cycles):
        per_cycle.append(one.cycle(warmup + i))
        if progress and (i + 1) % 100 == 0:
            progress(f"  cycle {i + 1}/{cycles}: {rss_mb():.1f} MB")
    gc.collect()
    end_mb = rss_mb()
    elapsed = time.perf_counter() - started

    # the same rotation with 1 and with N sessions: statements per cycle must not grow with sessions
    counts = {}
    for n in (1, compare_sessions):
        group = WallSessions(url, n)
        for i in range(len(group.views)):  # fill every view's cache once
            group.cycle(i)
        counts[n] = [group.cycle(i) for i in range(compare_cycles)]
    return {
        "cycles": cycles, "sessions": sessions, "seconds": round(elapsed, 1),
        "rss_start_mb": round(start_mb, 1), "rss_end_mb": round(end_mb, 1),
        "rss_growth_mb": round(end_mb - start_mb, 1),
        "statements_per_cycle_median": statistics.median(per_cycle) if per_cycle else 0,
        f"statements_per_cycle_1_session": counts[1],
        f"statements_per_cycle_{compare_sessions}_sessions": counts[compare_sessions],
        "equal_for_1_and_n_sessions": counts[1] == counts[compare_sessions],
    }


def run_cli(args) -> int:
    result = run_soak(args.url, cycles=args.cycles, sessions=args.sessions,
                      compare_sessions=args.compare_sessions)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.out:
        Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    ok = result["rss_growth_mb"] < 20 and result["equal_for_1_and_n_sessions"]
    print("SOAK " + ("OK" if ok else "FAILED"), file=sys.stderr)
    return 0 if ok else 1
