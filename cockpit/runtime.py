"""The process-wide runtime: which database, the shared gateway, and the embedded demo's bootstrap.

One `Runtime` per server process, shared by every session. With a configured database it is
ready at once. Without one it starts the embedded PostgreSQL and, on first run, loads the demo
in a background thread (pages show its progress), then keeps the live feed running.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import threading
import time
from dataclasses import dataclass, field

import sqlalchemy as sa

from cockpit import db, settings
from cockpit.gateway import Gateway
from cockpit.worktime import SH

log = logging.getLogger(__name__)

# the embedded demo's size: COCKPIT_DEMO_DAYS / COCKPIT_DEMO_SCALE (settings) unless set here (tests)
DEMO_DAYS: int | None = None
DEMO_SCALE: float | None = None
# An embedded demo whose newest case is older than this is reloaded so that it looks live.
DEMO_MAX_GAP = dt.timedelta(days=2)


@dataclass
class Runtime:
    state: str = "starting"  # starting | loading | ready | failed
    fraction: float = 0.0
    message: str = ""
    error: str | None = None
    is_embedded: bool = False
    gateway: Gateway | None = None
    stop_event: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return self.state == "ready" and self.gateway is not None


_lock = threading.Lock()
_runtime: Runtime | None = None


def get_runtime() -> Runtime:
    """The process's runtime, started on first use."""
    global _runtime
    with _lock:
        if _runtime is None:
            _runtime = _start()
        return _runtime


def reset_runtime() -> None:
    """Stop the runtime (tests switch databases between apps)."""
    global _runtime
    with _lock:
        if _runtime is not None:
            _runtime.stop_event.set()
            if _runtime.gateway is not None:
                _runtime.gateway.dispose()
        _runtime = None


def _start() -> Runtime:
    url = db.configured_url()
    if url:
        runtime = Runtime(state="ready", gateway=_configured_gateway(url))
        log.info("cockpit reads %s", db.redact(url))
        return runtime
    runtime = Runtime(state="starting", is_embedded=True)
    thread = threading.Thread(target=_bootstrap_embedded, args=(runtime,), name="cockpit-bootstrap",
                              daemon=True)
    runtime.threads.append(thread)
    thread.start()
    return runtime


def _configured_gateway(url: str) -> Gateway:
    """The gateway of a configured database: its standby and the replicas' shared cache when configured
    (never for the embedded demo: each process has its own)."""
    config = settings.get()
    shared = None
    if config.redis_url:
        from cockpit.sharedcache import RedisStore

        shared = RedisStore(config.redis_url, prefix=config.redis_prefix, keep_seconds=config.redis_keep_seconds)
        log.info("results shared through Redis %s (prefix %s)", _redact_redis(config.redis_url), config.redis_prefix)
    if config.standby_url:
        log.info("queries read the standby %s first", db.redact(config.standby_url))
    return Gateway(url, standby_url=config.standby_url, shared=shared)


def _redact_redis(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}{':' + str(parts.port) if parts.port else ''}{parts.path}"


class TerminalProgress:
    """The embedded demo's progress on the terminal (stderr): a line when the load passes another
    `step` of its work or moves to another part, so whoever started the server sees it is working.
    Whole lines, not the `demo load` command's one-line bar: the server's own log shares the terminal."""

    def __init__(self, stream=None, step: float = 0.1) -> None:
        self.stream = stream
        self.step = step
        self.started = time.monotonic()
        self._last: tuple[int, str] | None = None

    def say(self, text: str) -> None:
        stream = self.stream or sys.stderr
        print(f"cockpit [{time.monotonic() - self.started:5.1f} s] {text}", file=stream, flush=True)

    def __call__(self, fraction: float, message: str) -> None:
        bucket = int(max(0.0, min(1.0, fraction)) / self.step + 1e-9)
        part = message.split(" ")[0] if message else ""
        part = "rows" if part in ("generating", "loading") else part  # the relations alternate: one part
        if self._last is not None and self._last[0] == bucket and self._last[1] == part:
            return
        self._last = (bucket, part)
        self.say(f"demo data {fraction:4.0%} {message}")


def _bootstrap_embedded(runtime: Runtime, terminal: TerminalProgress | None = None) -> None:
    terminal = terminal or TerminalProgress()
    try:
        runtime.message = "starting_db"
        terminal.say("starting the embedded PostgreSQL")
        url = db.embedded_url()
        engine = db.make_engine(url)
        try:
            stale = db.contract_present(engine) and _demo_too_old(engine)
            if stale:
                log.info("embedded demo data is older than %s: reloading", DEMO_MAX_GAP)
            elif db.contract_present(engine) and _demo_version(engine) != db.CONTRACT_VERSION:
                stale = True  # made by another version of the cockpit: its views differ from the queries'
                log.info("embedded demo has contract %s, the cockpit %s: reloading", _demo_version(engine),
                         db.CONTRACT_VERSION)
            if stale or not db.contract_present(engine):
                # the load reloads only a database an earlier demo load marked (and drops nothing else, in
                # its one transaction); anything else it refuses, and the page shows why
                from cockpit.demo.load import load_demo

                runtime.state = "loading"
                runtime.message = "loading_demo"
                terminal.say("no demo data yet: building it (the pages show the progress too)")

                def progress(fraction: float, message: str) -> None:
                    runtime.fraction = max(0.0, min(1.0, fraction))
                    runtime.message = message
                    terminal(runtime.fraction, message)

                load_demo(url, days=DEMO_DAYS or settings.get().demo_days,
                          scale=DEMO_SCALE or settings.get().demo_scale, progress=progress)
            else:
                _refresh_embedded_rollups(engine)
        finally:
            engine.dispose()
        runtime.gateway = Gateway(url)
        runtime.fraction = 1.0
        runtime.state = "ready"
        terminal.say("ready: the embedded demo database is serving the cockpit")
        _start_feed(runtime, url)
    except Exception as exc:  # noqa: BLE001 - shown on the page, logged in full
        log.exception("embedded database bootstrap failed")
        runtime.error = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        runtime.state = "failed"
        terminal.say(f"the embedded demo could not start: {runtime.error}")


def _refresh_embedded_rollups(engine: sa.Engine) -> None:
    """The embedded demo is ours: install the rollups (a demo made by an older version lacks them) and
    refresh them when their cut-off is not today."""
    if not db.rollups_present(engine):
        db.apply_rollups(engine)
    today = dt.datetime.now(dt.timezone.utc).astimezone(SH).date()
    if db.rollup_cutoff(engine) != today:
        db.refresh_rollups(engine)


def _demo_version(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        return conn.execute(sa.text(
            "SELECT version FROM cockpit.contract_version ORDER BY applied_at DESC LIMIT 1")).scalar()


def _demo_too_old(engine: sa.Engine) -> bool:
    with engine.connect() as conn:
        newest = conn.execute(sa.text("SELECT max(reported_at) FROM cockpit.grid_case")).scalar()
    return newest is None or newest < dt.datetime.now(dt.timezone.utc) - DEMO_MAX_GAP


def _start_feed(runtime: Runtime, url: str) -> None:
    if not settings.get().demo_feed:
        return
    from cockpit.demo.feed import run_feed_loop

    thread = threading.Thread(target=run_feed_loop, kwargs={"url": url, "stop_event": runtime.stop_event},
                              name="cockpit-demo-feed", daemon=True)
    runtime.threads.append(thread)
    thread.start()


def wait_until_ready(timeout_s: float = 120.0) -> Runtime:
    """Block until the runtime is ready or failed (CLI and tests)."""
    runtime = get_runtime()
    deadline = time.monotonic() + timeout_s
    while runtime.state not in ("ready", "failed") and time.monotonic() < deadline:
        time.sleep(0.2)
    return runtime
