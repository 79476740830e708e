"""The one SQL gateway: every query of the cockpit runs here.

- Queries are named files (see cockpit.queries); values enter as bind parameters only.
- Each run is a read-only transaction with a statement timeout, on a pooled connection.
- Results are shared by every session of the process for the query's time-to-live, and only
  one session refreshes an expired result while the others keep the previous one
  (so ten wall screens cost the database what one does).
- `prefetch` starts a page's independent queries on a few background connections; the page's
  `run` calls then find them done or wait for them (a cold page waits for its slowest queries, not
  for their sum).
- When the database is slow or down, the last good result is returned marked stale, with its
  age and the error; a failing database is retried at most every `retry_after_seconds`, and
  the next successful run clears the stale state by itself.
"""

from __future__ import annotations

import datetime as dt
import decimal
import logging
import os
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import sqlalchemy as sa

from cockpit import db, queries

log = logging.getLogger(__name__)

TIMEZONE = "Asia/Shanghai"
PREFETCH_WORKERS = 3  # background connections per process for prefetched queries (a 2-core server)


class _Now:
    """Pass `as_of=NOW` for "the time of the refresh": results are then shared for the query's TTL."""

    def __repr__(self) -> str:
        return "NOW"


NOW = _Now()


class DataUnavailable(RuntimeError):
    """The database failed and there is no earlier result to fall back on."""


@dataclass(frozen=True)
class Result:
    name: str
    df: pd.DataFrame
    fetched_at: float  # epoch seconds of the successful run that produced df
    is_stale: bool = False  # True when a refresh failed and this is the last good result
    error: str | None = None  # why the refresh failed, when stale

    def age_seconds(self, now: float | None = None) -> float:
        return max(0.0, (time.time() if now is None else now) - self.fetched_at)

    @property
    def fetched_at_local(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.fetched_at, tz=dt.timezone.utc).astimezone(
            _zone()
        )


@dataclass
class _Entry:
    result: Result | None = None
    expires_at: float = 0.0
    retry_at: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    prefetching: bool = False  # a prefetch holds the lock: callers wait for it rather than take an old result
    failures: int = 0  # refreshes that failed: a caller that waited through one gets its error
    error: str | None = None


@dataclass
class Health:
    last_success_at: float | None = None
    last_failure_at: float | None = None
    last_error: str | None = None

    @property
    def is_down(self) -> bool:
        return self.last_failure_at is not None and (
            self.last_success_at is None or self.last_failure_at > self.last_success_at
        )


def _zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo(TIMEZONE)


def _freeze(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(_freeze(v) for v in value)
    return value


def to_frame(columns: list[str], rows: list[tuple]) -> pd.DataFrame:
    """Rows as a DataFrame with numbers as floats/ints and times in Asia/Shanghai."""
    df = pd.DataFrame.from_records(rows, columns=columns)
    for col in df.columns:
        sample = df[col].dropna()
        if sample.empty:
            continue
        first = sample.iloc[0]
        if isinstance(first, decimal.Decimal):
            df[col] = pd.to_numeric(df[col].map(lambda v: None if v is None else float(v)))
        elif isinstance(first, dt.datetime) and first.tzinfo is not None:
            df[col] = pd.to_datetime(df[col], utc=True).dt.tz_convert(TIMEZONE)
    return df


class Gateway:
    """Runs named queries against one database; safe to share between threads and sessions."""

    def __init__(
        self,
        url: str,
        *,
        statement_timeout_ms: int = 10_000,
        retry_after_seconds: float = 5.0,
        max_entries: int = 1024,
        clock: Callable[[], float] = time.time,
        query_dir: Path | None = None,
    ) -> None:
        self.url = db.normalise_url(url)
        self.queries = queries.load_all(query_dir or queries.QUERY_DIR)
        self.engine = db.make_engine(self.url)
        self.statement_timeout_ms = statement_timeout_ms
        self.retry_after_seconds = retry_after_seconds
        self.max_entries = max_entries
        self.clock = clock
        self.health = Health()
        self.executions = 0  # statements sent to the database, for tests and the benchmark
        # when a list, every successful statement is appended as (name, params, milliseconds): the benchmark
        # replays them under EXPLAIN ANALYZE for the database floor
        self.recorder: list[tuple[str, dict, float]] | None = None
        # an operator's cap on every query's TTL (seconds), e.g. for a wall that must show changes sooner
        self.max_ttl_seconds = float(os.environ.get("COCKPIT_MAX_TTL_SECONDS") or "inf")
        self._entries: OrderedDict[tuple, _Entry] = OrderedDict()
        self._entries_lock = threading.Lock()
        # threads start on the first prefetch
        self._prefetch_pool = ThreadPoolExecutor(PREFETCH_WORKERS, thread_name_prefix="cockpit-prefetch")

    # -- running -------------------------------------------------------------------------
    def execute(self, name: str, **params: Any) -> pd.DataFrame:
        """Run a query now, uncached, and return its rows; raises on failure."""
        query = self._checked(name, params)
        self.executions += 1
        started = time.perf_counter()
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                # JIT compilation costs more than it saves on the cockpit's aggregates (hundreds of ms a query)
                conn.execute(
                    sa.text("SELECT set_config('statement_timeout', :ms, true), set_config('jit', 'off', true)"),
                    {"ms": str(int(self.statement_timeout_ms))},
                )
                cursor = conn.execute(sa.text(query.sql), params)
                columns = list(cursor.keys())
                rows = [tuple(r) for r in cursor.fetchall()]
                conn.rollback()
        except Exception as exc:
            log.error("query %s failed after %.0f ms: %s\nparams=%r\nsql=%s", name,
                      1000 * (time.perf_counter() - started), _short(exc), params, query.sql)
            raise
        if self.recorder is not None:
            self.recorder.append((name, dict(params), 1000 * (time.perf_counter() - started)))
        return to_frame(columns, rows)

    def run(self, name: str, **params: Any) -> Result:
        """The query's result, shared across sessions for its TTL; the last good one when the database fails."""
        return self._run(name, params, prefetch=False)

    def prefetch(self, *calls: tuple[str, dict[str, Any]]) -> None:
        """Start queries, given as (name, params), in the background and return at once.

        The `run` calls that follow with the same name and params find the result done or wait for
        it; a failure is theirs to report. Unknown names and wrong params raise here."""
        for name, params in calls:
            self._checked(name, params)
        for name, params in calls:
            self._prefetch_pool.submit(self._prefetch_one, name, dict(params))

    def _prefetch_one(self, name: str, params: dict[str, Any]) -> None:
        try:
            self._run(name, params, prefetch=True)
        except DataUnavailable:
            pass  # recorded on the entry: the page's own run() reports it
        except Exception:  # noqa: BLE001 - a background thread has no caller to raise to
            log.exception("prefetch of %s failed", name)

    def _run(self, name: str, params: dict[str, Any], *, prefetch: bool) -> Result:
        query = self.query(name)
        key = (name, tuple(sorted((k, _freeze(v)) for k, v in params.items())))
        entry = self._entry(key)
        run_params = dict(params)
        now = self.clock()
        if entry.result is not None and now < entry.expires_at:
            return entry.result
        if entry.result is not None and now < entry.retry_at:
            return entry.result  # the database failed a moment ago: don't hammer it
        # Only one caller refreshes; the others keep the previous result when there is one (unless a
        # prefetch is refreshing it: it was started for a page that is about to ask).
        failures_seen = entry.failures
        if not entry.lock.acquire(blocking=entry.result is None or entry.prefetching):
            return entry.result
        entry.prefetching = prefetch
        try:
            now = self.clock()
            if entry.result is not None and now < entry.expires_at and not entry.result.is_stale:
                return entry.result  # refreshed by another caller while we waited
            if entry.result is None and entry.failures > failures_seen:
                raise DataUnavailable(entry.error)  # it failed while we waited: don't wait a second time
            if params.get("as_of") is NOW:
                run_params["as_of"] = dt.datetime.fromtimestamp(now, tz=dt.timezone.utc)
            try:
                df = self.execute(name, **run_params)
            except Exception as exc:  # noqa: BLE001 - every failure becomes a stale result
                message = _short(exc)
                self.health.last_failure_at = now
                self.health.last_error = message
                entry.retry_at = now + self.retry_after_seconds
                entry.failures += 1
                entry.error = message
                if entry.result is None:
                    raise DataUnavailable(message) from exc
                entry.result = Result(name, entry.result.df, entry.result.fetched_at, True, message)
                return entry.result
            fetched = self.clock()
            self.health.last_success_at = fetched
            entry.result = Result(name, df, fetched)
            entry.expires_at = fetched + min(query.ttl_seconds, self.max_ttl_seconds)
            entry.retry_at = 0.0
            return entry.result
        finally:
            entry.prefetching = False
            entry.lock.release()

    def _checked(self, name: str, params: dict[str, Any]) -> queries.Query:
        query = self.query(name)
        missing = set(query.params) - set(params)
        extra = set(params) - set(query.params)
        if missing or extra:
            raise TypeError(f"{name}: missing params {sorted(missing)}, unexpected {sorted(extra)}")
        return query

    def query(self, name: str) -> queries.Query:
        try:
            return self.queries[name]
        except KeyError:
            raise KeyError(f"no query named {name!r}") from None

    def _entry(self, key: tuple) -> _Entry:
        with self._entries_lock:
            entry = self._entries.get(key)
            if entry is None:
                entry = self._entries[key] = _Entry()
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
            else:
                self._entries.move_to_end(key)
            return entry

    def clear(self) -> None:
        """Forget every cached result (tests and the benchmark's cold runs)."""
        with self._entries_lock:
            self._entries.clear()

    def dispose(self) -> None:
        self._prefetch_pool.shutdown(wait=True, cancel_futures=True)
        self.engine.dispose()


def _short(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]
