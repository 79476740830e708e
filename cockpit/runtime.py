"""The process-wide runtime: which database, the shared gateway, and the embedded demo's bootstrap.

One `Runtime` per server process, shared by every session. With a configured database it is
ready at once. Without one it starts the embedded PostgreSQL and, on first run, loads the demo
in a background thread (pages show its progress), then keeps the live feed running.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import multiprocessing
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
    # the embedded demo's older history: complete | filling (the recent days are served, the rest loads
    # behind them) | failed (only the recent days are in; the next start goes on)
    history: str = "complete"
    history_fraction: float = 1.0
    first_days: int = 0
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

    def __init__(self, stream=None, step: float = 0.1, label: str = "demo data") -> None:
        self.stream = stream
        self.step = step
        self.label = label
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
        self.say(f"{self.label} {fraction:4.0%} {message}")


def _bootstrap_embedded(runtime: Runtime, terminal: TerminalProgress | None = None) -> None:
    terminal = terminal or TerminalProgress()
    config = settings.get()
    days = DEMO_DAYS or config.demo_days
    first_days = config.demo_first_days if 0 < config.demo_first_days < days else 0
    history = TerminalProgress(stream=terminal.stream, label="older history")
    history.started = terminal.started

    def history_progress(fraction: float, message: str) -> None:
        runtime.history_fraction = max(0.0, min(1.0, fraction))
        history(runtime.history_fraction, message)

    worker = None
    try:
        runtime.message = "starting_db"
        terminal.say("starting the embedded PostgreSQL")
        worker = LoadWorker()
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
                runtime.state = "loading"
                runtime.message = "loading_demo"
                terminal.say("no demo data yet: building it (the pages show the progress too)"
                             + (f"; the last {first_days} days first" if first_days else ""))

                def progress(fraction: float, message: str) -> None:
                    runtime.fraction = max(0.0, min(1.0, fraction))
                    runtime.message = message
                    terminal(runtime.fraction, message)

                try:
                    worker.run(runtime, url, days=days, scale=DEMO_SCALE or config.demo_scale, first_days=first_days,
                               progress=progress, history_progress=history_progress,
                               on_first=lambda: _serve(runtime, url, terminal, first_days))
                except Exception:  # after the recent days, a failure is only the history's
                    if not runtime.ready:
                        raise
                    _history_failed(runtime, terminal)
                    return
            else:
                from cockpit.demo.load import read_history

                marker = read_history(engine)
                if marker is not None and not marker.complete and marker.cutoff is not None:
                    # an earlier start served its recent days and stopped before the older rows were in
                    _serve(runtime, url, terminal, max(1, (marker.end_at - marker.cutoff).days))
                    terminal.say("the older history of the last start is not in yet: loading it")
                    try:
                        worker.run(runtime, url, days=0, history_progress=history_progress)
                    except Exception:  # noqa: BLE001 - the recent days stay served; logged in full
                        _history_failed(runtime, terminal)
                        return
                else:
                    worker.dismiss()
                    _refresh_embedded_rollups(engine)
        finally:
            engine.dispose()
        if not runtime.ready:
            _serve(runtime, url, terminal, 0)
        else:  # the older history is in: every cached figure is read again, with it
            runtime.gateway.expire()
            runtime.history, runtime.history_fraction = "complete", 1.0
            terminal.say("the older history is in: the demo is complete")
        _start_feed(runtime, url)
    except Exception as exc:  # noqa: BLE001 - shown on the page, logged in full
        if worker is not None:
            worker.dismiss()
        log.exception("embedded database bootstrap failed")
        runtime.error = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        runtime.state = "failed"
        terminal.say(f"the embedded demo could not start: {runtime.error}")


class LoadFailed(RuntimeError):
    """The demo load (in its own process) failed or was refused; its message."""


def _worker_main(jobs, sender) -> None:
    """The demo loader's process (`LoadWorker`): imports the generator while the server starts, then runs
    the one job it is sent (or none) and sends its progress and its end back."""
    from cockpit.demo.load import fill_history, load_demo

    job = jobs.recv()
    jobs.close()
    if job is None:
        return
    url, days, scale, first_days = job
    try:
        if days:
            load_demo(url, days=days, scale=scale, first_days=first_days or None,
                      progress=lambda f, m: sender.send(("progress", f, m)),
                      history_progress=lambda f, m: sender.send(("history", f, m)),
                      on_first=lambda: sender.send(("first",)), yield_cpu=True, parallel=True)
        else:  # the older history an earlier start left out
            fill_history(url, progress=lambda f, m: sender.send(("history", f, m)), yield_cpu=True)
        sender.send(("done",))
    except BaseException as exc:  # noqa: BLE001 - sent to the server, which shows it and logs it
        text = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        sender.send(("error", text))
    finally:
        sender.close()


class LoadWorker:
    """The demo load in a process of its own, with its own interpreter lock: the web server answers while the
    demo is generated, and the generation has a core to itself rather than turns with the server's threads.
    Started before the embedded server (its imports take as long as the server's start), it then runs one
    job: `run` (`load_demo`, or with days 0 `fill_history`) or `dismiss`. Its progress, the moment its
    recent days are in (`on_first`) and its end come back through a pipe; a failure raises LoadFailed with
    its message. Stopping the runtime stops it (its transaction rolls back)."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._receiver, sender = context.Pipe(duplex=False)
        jobs, self._jobs = context.Pipe(duplex=False)
        self._child = context.Process(target=_worker_main, args=(jobs, sender), name="cockpit-demo-load",
                                      daemon=True)
        self._child.start()
        sender.close()
        jobs.close()

    def dismiss(self) -> None:
        with contextlib.suppress(OSError):
            self._jobs.send(None)
        self._close()

    def run(self, runtime: Runtime, url: str, *, days: int, scale: float = 1.0, first_days: int = 0,
            progress=None, history_progress=None, on_first=None) -> None:
        try:
            self._jobs.send((url, days, scale, first_days))
            while True:
                if runtime.stop_event.is_set():
                    raise LoadFailed("stopped")
                if not self._receiver.poll(0.5):
                    continue
                try:
                    message = self._receiver.recv()
                except EOFError:
                    self._child.join(timeout=5)
                    raise LoadFailed(f"the demo load stopped (exit code {self._child.exitcode})") from None
                kind = message[0]
                if kind == "progress" and progress:
                    progress(*message[1:])
                elif kind == "history" and history_progress:
                    history_progress(*message[1:])
                elif kind == "first" and on_first:
                    on_first()
                elif kind == "error":
                    raise LoadFailed(message[1])
                elif kind == "done":
                    return
        finally:
            self._close()

    def _close(self) -> None:
        self._jobs.close()
        self._receiver.close()
        self._child.join(timeout=2)
        if self._child.is_alive():
            self._child.terminate()


def _serve(runtime: Runtime, url: str, terminal: TerminalProgress, first_days: int) -> None:
    """The demo can be read: the pages get their gateway (the recent days only while `first_days`)."""
    if first_days:
        runtime.first_days = first_days
        runtime.history, runtime.history_fraction = "filling", 0.0
    runtime.gateway = Gateway(url)
    runtime.fraction = 1.0
    runtime.state = "ready"
    terminal.say(f"ready: the pages show the last {first_days} days; the older history loads behind them"
                 if first_days else "ready: the embedded demo database is serving the cockpit")


def _history_failed(runtime: Runtime, terminal: TerminalProgress) -> None:
    log.exception("the demo's older history could not be loaded")
    runtime.history = "failed"
    terminal.say("the older history could not be loaded (only the recent days are in); a restart goes on")


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
