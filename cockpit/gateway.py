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
- Read-only by construction: the gateway's connections start with default_transaction_read_only=on,
  every transaction is also set READ ONLY, and every statement goes over the extended protocol
  (one statement per message: the server refuses a string holding several).
- Every wait has a deadline: connecting (connect_timeout), each statement (its time limit, from the
  query's `-- timeout:` header or `statement_timeout_ms`, and `lock_timeout_ms` for lock waits), a
  silent network (a watchdog shuts the connection's socket down when the server has not answered
  shortly after the statement's limit), the pool, and a caller waiting for another's refresh.
- A failure has a kind (`Result.error_kind`, `DataUnavailable.kind`, `Health.error_kind`):
  "unavailable" (no connection, or no answer: the whole database), "timeout" (this query ran past its
  limit or waited too long on a lock) or "error" (this query failed). Only "unavailable" marks the
  database down; while it is, other queries are not sent (one probe every `retry_after_seconds`) and
  get their last good result at once.
- A failing query is logged once when it starts failing (name, parameters, kind, error) and once when
  it recovers, not on every retry.
- Many replicas (optional, `shared=`: cockpit.sharedcache, COCKPIT_REDIS_URL): every result is also kept in
  Redis, and one replica refreshes a query per time-to-live for all of them (a Redis lock with a deadline);
  the others take its result from Redis. Rows of a query whose header names personal columns are kept per
  viewer role (`viewer_role()`, `acting_as`). When Redis fails, each process goes on with its own cache.
- A read-only standby (optional, `standby_url=`, COCKPIT_STANDBY_URL): statements go to the standby first,
  and to the primary when the standby cannot answer (no connection, no answer, a recovery conflict); the
  standby is tried again after `retry_after_seconds`.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import decimal
import logging
import os
import socket
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import psycopg
import sqlalchemy as sa

from cockpit import db, queries, settings, sharedcache

log = logging.getLogger(__name__)

TIMEZONE = settings.TIMEZONE
# background threads per process for prefetched queries (a 2-core server; they mostly wait on the
# database, and a prefetch never waits for another caller's refresh, so a stuck relation holds a worker
# only for its query's time limit)
PREFETCH_WORKERS = 6
# every session's script thread and every prefetch worker may hold one at once (a slow relation holds its
# readers' connections up to their time limit): room for a dozen sessions besides the workers
POOL_SIZE, POOL_OVERFLOW = 10, 15
POOL_TIMEOUT_S = 5.0  # waiting for a free pooled connection
SETUP_DEADLINE_S = 5.0  # BEGIN and the transaction's settings: a healthy server answers in milliseconds
GRACE_S = 5.0  # past a statement's time limit, how long the server may take to say so before the link is cut

UNAVAILABLE, TIMEOUT, ERROR = "unavailable", "timeout", "error"
RECOVERY_CONFLICT = "40001"  # a standby cancelled the statement (conflict with recovery): the primary can answer

# the role of the session whose queries run now (its personal rows are cached apart); None: the configured one
_ROLE: contextvars.ContextVar[str | None] = contextvars.ContextVar("cockpit_viewer_role", default=None)


def viewer_role() -> str:
    """The role the current queries run for: the one set by `acting_as`, else COCKPIT_ROLE, else viewer."""
    return (_ROLE.get() or settings.get().role or "viewer").strip().lower() or "viewer"


@contextlib.contextmanager
def acting_as(role: str | None):
    """Run the queries of this block (and the prefetches it starts) for `role`'s session."""
    token = _ROLE.set(role)
    try:
        yield
    finally:
        _ROLE.reset(token)


class _Now:
    """Pass `as_of=NOW` for "the time of the refresh": results are then shared for the query's TTL."""

    def __repr__(self) -> str:
        return "NOW"


NOW = _Now()


class DataUnavailable(RuntimeError):
    """The query failed and there is no earlier result to fall back on; `kind` says how (see the module)."""

    def __init__(self, message: str | None, kind: str = UNAVAILABLE) -> None:
        super().__init__(message)
        self.kind = kind


class NoAnswer(psycopg.OperationalError):
    """The server did not answer within the deadline (a silent network): the connection was cut."""


class ShapeError(RuntimeError):
    """A result that breaks its query header's promise (`-- grain: one row` and not one row): a fault of
    the query or the data, shown as a local failure (ERROR), never drawn as if it were figures."""


@dataclass(frozen=True)
class Result:
    name: str
    df: pd.DataFrame
    fetched_at: float  # epoch seconds of the successful run that produced df
    is_stale: bool = False  # True when a refresh failed and this is the last good result
    error: str | None = None  # why the refresh failed, when stale
    error_kind: str | None = None  # UNAVAILABLE | TIMEOUT | ERROR, when stale

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
    error_kind: str | None = None
    failing_since: float | None = None  # the first failure of the current run of failures (for the log)


@dataclass
class Health:
    last_success_at: float | None = None
    last_failure_at: float | None = None  # any query's failure
    last_error: str | None = None
    error_kind: str | None = None  # of the last failure
    last_unavailable_at: float | None = None  # the last failure that was the database's, not one query's
    down_since: float | None = None  # the first of the current outage

    @property
    def is_down(self) -> bool:
        """The database itself failed (no connection, no answer) and nothing succeeded since."""
        return self.last_unavailable_at is not None and (
            self.last_success_at is None or self.last_unavailable_at > self.last_success_at
        )


def classify(exc: BaseException) -> str:
    """UNAVAILABLE, TIMEOUT or ERROR for an exception raised while running a query."""
    orig = getattr(exc, "orig", None) or exc
    if isinstance(exc, sa.exc.TimeoutError):  # no free pooled connection: the gateway is busy
        return TIMEOUT
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate in ("57014", "55P03"):  # query_canceled (statement_timeout), lock_not_available
        return TIMEOUT
    if sqlstate and sqlstate[:2] in ("08", "28", "53", "57", "3D"):
        return UNAVAILABLE  # connection, authorisation, resources, operator intervention, no such database
    if isinstance(orig, psycopg.OperationalError) and not sqlstate:
        return UNAVAILABLE  # no connection or no answer (client-side: no SQLSTATE)
    if isinstance(orig, (OSError, sa.exc.DisconnectionError)):
        return UNAVAILABLE
    return ERROR


class _Watchdog:
    """Shuts a connection's socket down when a phase runs past its deadline, so that a call blocked on a
    silent network returns (a peer that ACKs but never answers defeats TCP keepalives)."""

    def __init__(self, fileno: int) -> None:
        self.fileno = fileno
        self.fired = False
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def arm(self, seconds: float) -> None:
        self.disarm()
        with self._lock:
            self._timer = threading.Timer(seconds, self._fire)
            self._timer.daemon = True
            self._timer.start()

    def disarm(self) -> bool:
        """Stop the timer; once this returns the socket is not touched. True when it had fired."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            return self.fired

    def _fire(self) -> None:
        with self._lock:
            if self._timer is None:
                return
            self.fired = True
            self._timer = None
            try:
                sock = socket.socket(fileno=os.dup(self.fileno))
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                finally:
                    sock.close()
            except OSError:
                pass


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
        lock_timeout_ms: int = 2_000,
        retry_after_seconds: float = 5.0,
        max_entries: int = 1024,
        clock: Callable[[], float] = time.time,
        query_dir: Path | None = None,
        standby_url: str | None = None,
        shared: sharedcache.RedisStore | None = None,
    ) -> None:
        self.url = db.normalise_url(url)
        self.queries = queries.load_all(query_dir or queries.QUERY_DIR)
        # pre-ping off: the transaction's first statement is the ping, under the watchdog (see _execute)
        self.engine = db.make_engine(self.url, read_only=True, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW,
                                     pool_pre_ping=False, pool_timeout=POOL_TIMEOUT_S)
        self.statement_timeout_ms = statement_timeout_ms
        self.lock_timeout_ms = lock_timeout_ms
        self.retry_after_seconds = retry_after_seconds
        self.max_entries = max_entries
        self.clock = clock
        self.health = Health()
        self.executions = 0  # statements sent to the database, for tests and the benchmark
        # when a list, every successful statement is appended as (name, params, milliseconds): the benchmark
        # replays them under EXPLAIN ANALYZE for the database floor
        self.recorder: list[tuple[str, dict, float]] | None = None
        # an operator's cap on every query's TTL (seconds), e.g. for a wall that must show changes sooner
        self.max_ttl_seconds = settings.get().max_ttl_seconds
        self._expired_at = float("-inf")  # results of runs begun before this are read again (expire)
        self._entries: OrderedDict[tuple, _Entry] = OrderedDict()
        self._entries_lock = threading.Lock()
        self._probe_lock = threading.Lock()  # while the database is down, one query at a time tries it
        # threads start on the first prefetch
        self._prefetch_pool = ThreadPoolExecutor(PREFETCH_WORKERS, thread_name_prefix="cockpit-prefetch")
        # a read-only standby the statements go to first (the primary when it cannot answer)
        self.standby_url = db.normalise_url(standby_url) if standby_url else None
        self.standby_engine = (db.make_engine(self.standby_url, read_only=True, pool_size=POOL_SIZE,
                                              max_overflow=POOL_OVERFLOW, pool_pre_ping=False,
                                              pool_timeout=POOL_TIMEOUT_S) if self.standby_url else None)
        self._standby_retry_at = 0.0  # time.monotonic(): the standby failed, the primary answers until then
        self.served = {"standby": 0, "primary": 0}  # statements each server answered
        # the result cache shared with the other replicas (Redis), when there is one
        self.shared = shared
        self.adopted = 0  # results taken from the shared cache instead of running the query here
        self._shared_retry_at = 0.0  # time.monotonic(): Redis failed, this process caches alone until then
        self._unshareable: set[str] = set()  # queries whose rows cannot be stored exactly (logged once)

    # -- running -------------------------------------------------------------------------
    def execute(self, name: str, **params: Any) -> pd.DataFrame:
        """Run a query now, uncached, and return its rows; raises on failure (NoAnswer for a silent
        server, sqlalchemy's DBAPIError for what the server said)."""
        query = self._checked(name, params)
        self.executions += 1
        started = time.perf_counter()
        try:
            columns, rows = self._execute(query, params)
        except psycopg.Error as exc:
            log.debug("query %s failed after %.0f ms: %s", name, 1000 * (time.perf_counter() - started), _short(exc))
            if isinstance(exc, NoAnswer):
                raise
            raise sa.exc.DBAPIError.instance(query.sql, params, exc, psycopg.Error) from exc
        limits = query.row_limits  # the header's promise, kept or refused (an ERROR, not data)
        if limits is not None and not limits[0] <= len(rows) <= limits[1]:
            raise ShapeError(f"{name}: its header promises {query.grain.split(':')[0]}, the result has {len(rows)} rows")
        if self.recorder is not None:
            self.recorder.append((name, dict(params), 1000 * (time.perf_counter() - started)))
        return to_frame(columns, rows)

    def limit_ms(self, query: queries.Query) -> int:
        """The query's time limit: its header's `-- timeout:`, else the gateway's statement timeout."""
        return int(query.timeout_ms or self.statement_timeout_ms)

    def _longest_run_s(self, query: queries.Query) -> float:
        """An upper bound on how long one refresh of `query` can hold its entry (a waiter's deadline)."""
        one = POOL_TIMEOUT_S + 2 * (db.CONNECT_TIMEOUT_S + SETUP_DEADLINE_S) + self.limit_ms(query) / 1000 + GRACE_S
        return (2 * one if self.standby_engine is not None else one) + 1.0  # the standby, then the primary

    def _execute(self, query: queries.Query, params: dict[str, Any]) -> tuple[list[str], list[tuple]]:
        """On the standby when there is one and it can answer, else on the primary."""
        if self.standby_engine is not None and time.monotonic() >= self._standby_retry_at:
            try:
                out = self._execute_on(self.standby_engine, query, params)
            except (psycopg.Error, sa.exc.DBAPIError) as exc:  # the driver's, or connecting (the pool's)
                sqlstate = getattr(getattr(exc, "orig", None) or exc, "sqlstate", None)
                if not (classify(exc) == UNAVAILABLE or sqlstate == RECOVERY_CONFLICT):
                    raise  # the query's own failure: the primary would say the same
                if self._standby_retry_at == 0.0:
                    log.warning("standby cannot answer (%s): reading the primary, the standby again in %.0f s",
                                _short(exc), self.retry_after_seconds)
                self._standby_retry_at = time.monotonic() + self.retry_after_seconds
            else:
                if self._standby_retry_at:
                    log.warning("standby answers again")
                    self._standby_retry_at = 0.0
                self.served["standby"] += 1
                return out
        out = self._execute_on(self.engine, query, params)
        self.served["primary"] += 1
        return out

    def _execute_on(self, engine: sa.Engine, query: queries.Query,
                    params: dict[str, Any]) -> tuple[list[str], list[tuple]]:
        limit = self.limit_ms(query)
        lock_limit = max(1, min(limit, int(self.lock_timeout_ms)))
        # our own constants only (integers): the simple protocol may carry several statements here
        setup = (f"SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = {limit}; "
                 f"SET LOCAL lock_timeout = {lock_limit}; "
                 # JIT compilation costs more than it saves on the cockpit's aggregates (hundreds of ms a query)
                 "SET LOCAL jit = off")
        for attempt in (1, 2):
            conn = engine.connect()  # pool_timeout, connect_timeout
            try:
                driver = conn.connection.dbapi_connection
                dog = _Watchdog(driver.fileno())
            except BaseException:
                conn.invalidate()
                conn.close()
                raise
            try:
                try:
                    dog.arm(SETUP_DEADLINE_S)
                    with driver.cursor() as cur:
                        cur.execute(setup)  # also the ping of a pooled connection
                except psycopg.OperationalError as exc:
                    fired = dog.disarm()
                    conn.invalidate()
                    if fired:
                        raise NoAnswer(f"no answer from the database within {SETUP_DEADLINE_S:.0f} s") from exc
                    if attempt == 1 and not getattr(exc, "sqlstate", None):
                        continue  # a pooled connection the server closed: once more on a new one
                    raise
                try:
                    dog.arm(limit / 1000 + GRACE_S)
                    with driver.cursor() as cur:
                        # with parameters psycopg uses the extended protocol; without, a prepared statement:
                        # either way the server refuses a string that holds more than one statement
                        cur.execute(query.driver_sql, params, prepare=not params)
                        columns = [c.name for c in cur.description] if cur.description else []
                        rows = [tuple(r) for r in cur.fetchall()] if cur.description else []
                    driver.rollback()
                except psycopg.Error as exc:
                    if dog.disarm():
                        conn.invalidate()
                        raise NoAnswer(f"no answer from the database within {limit / 1000 + GRACE_S:.0f} s "
                                       "(the connection was cut)") from exc
                    if isinstance(exc, psycopg.OperationalError) and classify(exc) == UNAVAILABLE:
                        conn.invalidate()
                    else:
                        self._rollback(conn, driver, dog)
                    raise
                if dog.disarm():  # fired just as the statement ended: the connection is cut
                    conn.invalidate()
                return columns, rows
            finally:
                dog.disarm()
                conn.close()
        raise AssertionError("unreachable")

    @staticmethod
    def _rollback(conn: sa.Connection, driver: Any, dog: _Watchdog) -> None:
        """End a failed transaction under the watchdog; a connection that cannot is dropped."""
        try:
            dog.arm(SETUP_DEADLINE_S)
            driver.rollback()
        except psycopg.Error:
            conn.invalidate()
        finally:
            if dog.disarm():
                conn.invalidate()

    def run(self, name: str, /, *, wait_seconds: float | None = None, fresh_after: float | None = None,
            **params: Any) -> Result:
        """The query's result, shared across sessions for its TTL; the last good one when the query fails.

        A caller that finds another refreshing the result waits for it at most `wait_seconds` (default:
        as long as that refresh can take), then takes the previous result, or DataUnavailable(kind
        TIMEOUT) when there is none. `fresh_after` (epoch seconds): a cached result fetched before then
        counts as expired (the wall's change check: the data changed at that moment); the first caller
        refreshes it, every other caller then shares the new one."""
        return self._run(name, params, prefetch=False, wait_seconds=wait_seconds, fresh_after=fresh_after)

    def prefetch(self, *calls: tuple[str, dict[str, Any]], fresh_after: Callable[[str], float | None] | None = None,
                 ) -> None:
        """Start queries, given as (name, params), in the background and return at once.

        The `run` calls that follow with the same name and params find the result done or wait for
        it; a failure is theirs to report. Unknown names and wrong params raise here. `fresh_after`:
        query name -> as in `run`."""
        for name, params in calls:
            self._checked(name, params)
        for name, params in calls:
            role = viewer_role() if self.query(name).personal else None  # the caller's, not the worker's
            self._prefetch_pool.submit(self._prefetch_one, name, dict(params), role,
                                       None if fresh_after is None else fresh_after(name))

    def _prefetch_one(self, name: str, params: dict[str, Any], role: str | None = None,
                      fresh_after: float | None = None) -> None:
        try:
            self._run(name, params, prefetch=True, role=role, fresh_after=fresh_after)
        except DataUnavailable:
            pass  # recorded on the entry: the page's own run() reports it
        except Exception:  # noqa: BLE001 - a background thread has no caller to raise to
            log.exception("prefetch of %s failed", name)

    def _down(self, now: float) -> bool:
        """The database is down and its retry pause has not passed: send nothing."""
        return self.health.is_down and now < (self.health.last_unavailable_at or 0) + self.retry_after_seconds

    def _unavailable(self, entry: _Entry, name: str) -> Result:
        """While the database is down: the last good result marked stale, or DataUnavailable."""
        message = self.health.last_error
        if entry.result is None:
            raise DataUnavailable(message, UNAVAILABLE)
        if not (entry.result.is_stale and entry.result.error_kind == UNAVAILABLE):
            entry.result = Result(name, entry.result.df, entry.result.fetched_at, True, message, UNAVAILABLE)
        return entry.result

    def _run(self, name: str, params: dict[str, Any], *, prefetch: bool,
             wait_seconds: float | None = None, role: str | None = None,
             fresh_after: float | None = None) -> Result | None:
        query = self.query(name)
        key = (name, tuple(sorted((k, _freeze(v)) for k, v in params.items())))
        scope = "shared"
        if query.personal:  # personal rows: one entry per viewer role, never another role's
            scope = f"role:{role or viewer_role()}"
            key += (scope,)
        entry = self._entry(key)
        run_params = dict(params)
        now = self.clock()

        def current() -> bool:  # the cached result may be served as it is
            return (entry.result is not None and now < entry.expires_at
                    and (fresh_after is None or entry.result.fetched_at >= fresh_after))

        if current():
            return entry.result
        if entry.result is not None and now < entry.retry_at:
            return entry.result  # the query failed a moment ago: don't hammer the database
        if self._down(now):
            if entry.result is None and self._sharing():
                self._shared_call(lambda: self._adopt(entry, name, self.shared.read(self._shared_key(scope, query, params))))
            return self._unavailable(entry, name)
        # Only one caller refreshes; the others keep the previous result when there is one (unless a
        # prefetch is refreshing it: it was started for a page that is about to ask). A prefetch never
        # waits: the refresh it would start is already under way. Every wait has a deadline.
        failures_seen = entry.failures
        if prefetch:
            if not entry.lock.acquire(blocking=False):
                return None
        elif entry.result is None or entry.prefetching:
            timeout = self._longest_run_s(query) if wait_seconds is None else max(0.0, wait_seconds)
            if not entry.lock.acquire(timeout=timeout):
                if entry.result is not None:
                    return entry.result
                raise DataUnavailable(f"{name}: no result within {timeout:.1f} s", TIMEOUT)
        elif not entry.lock.acquire(blocking=False):
            return entry.result
        entry.prefetching = prefetch
        probing = False
        skey = shared_lock = None
        try:
            now = self.clock()
            if current() and not entry.result.is_stale:
                return entry.result  # refreshed by another caller while we waited
            if entry.result is None and entry.failures > failures_seen:
                # it failed while we waited: don't wait a second time
                raise DataUnavailable(entry.error, entry.error_kind or UNAVAILABLE)
            if self._sharing():
                # another replica's result, or the right to refresh for all of them (shared_lock)
                skey = self._shared_key(scope, query, params)
                found, shared_lock = self._from_shared(entry, query, skey, now, wait_seconds, fresh_after)
                if found is not None:
                    return found
            if self.health.is_down:
                # the database was down: one query at a time finds out whether it is back
                if self._down(now) or not self._probe_lock.acquire(blocking=False):
                    return self._unavailable(entry, name)
                probing = True
            if params.get("as_of") is NOW:
                run_params["as_of"] = dt.datetime.fromtimestamp(now, tz=dt.timezone.utc)
            begun = self.clock()
            try:
                df = self.execute(name, **run_params)
            except Exception as exc:  # noqa: BLE001 - every failure becomes a stale result
                kind = classify(exc)
                message = _short(exc)
                # the pause before the next attempt counts from the failure, not from the attempt's start
                # (an attempt on a silent network takes seconds)
                self._failed(entry, name, params, kind, message, max(now, self.clock()))
                if shared_lock is not None and kind != UNAVAILABLE:  # the query's failure, not our link's
                    self._shared_call(lambda: self.shared.fail(skey, message, kind, entry.retry_at))
                if entry.result is None:
                    raise DataUnavailable(message, kind) from exc
                entry.result = Result(name, entry.result.df, entry.result.fetched_at, True, message, kind)
                return entry.result
            fetched = self.clock()
            self._succeeded(entry, name, fetched)
            entry.result = Result(name, df, fetched)
            entry.expires_at = fetched + min(query.ttl_seconds, self.max_ttl_seconds)
            if begun <= self._expired_at:  # it may have read the rows as they were before: read again
                entry.expires_at = 0.0
            entry.retry_at = 0.0
            if shared_lock is not None:
                self._share(skey, entry.result, entry.expires_at)
            return entry.result
        finally:
            if shared_lock is not None:
                self._shared_call(lambda: self.shared.unlock(skey, shared_lock))
            if probing:
                self._probe_lock.release()
            entry.prefetching = False
            entry.lock.release()

    # -- the cache shared with the other replicas (Redis) ---------------------------------------------
    def _sharing(self) -> bool:
        """A shared cache is configured and did not fail a moment ago."""
        return self.shared is not None and time.monotonic() >= self._shared_retry_at

    def _shared_key(self, scope: str, query: queries.Query, params: dict[str, Any]) -> str:
        return self.shared.key(scope, query.name, query.sql, params)

    def _shared_call(self, call: Callable[[], Any]) -> Any:
        """A Redis call; when Redis fails: logged once, None, and this process caches alone for a while."""
        try:
            out = call()
        except Exception as exc:  # noqa: BLE001 - redis.RedisError, OSError: the shared cache is optional
            if self._shared_retry_at == 0.0:
                log.error("shared cache unavailable (%s): each process caches alone, Redis again in %.0f s",
                          _short(exc), self.retry_after_seconds)
            self._shared_retry_at = time.monotonic() + self.retry_after_seconds
            return None
        if self._shared_retry_at:
            log.warning("shared cache available again")
            self._shared_retry_at = 0.0
        return out

    def _adopt(self, entry: _Entry, name: str, shared: sharedcache.Shared | None) -> None:
        """Take the shared result when it is newer than the entry's."""
        if shared is None or shared.df is None:
            return
        if entry.result is None or shared.fetched_at > entry.result.fetched_at:
            entry.result = Result(name, shared.df, shared.fetched_at)
            entry.expires_at = shared.expires_at
            self.adopted += 1

    def _from_shared(self, entry: _Entry, query: queries.Query, skey: str, now: float,
                     wait_seconds: float | None, fresh_after: float | None = None) -> tuple[Result | None, str | None]:
        """Under the entry's lock, with its result expired: (the result to return, None), or (None, the
        shared lock's token: refresh here for every replica), or (None, None): Redis failed, refresh here."""
        name = query.name
        budget = self._longest_run_s(query) if wait_seconds is None else max(0.0, wait_seconds)
        deadline = time.monotonic() + budget
        failures_seen: int | None = None
        pause = 0.01
        while True:
            shared = self._shared_call(lambda: self.shared.read(skey))
            if self.shared is None or not self._sharing():
                return None, None
            self._adopt(entry, name, shared)
            if shared is not None and shared.df is not None and now < shared.expires_at and (
                    fresh_after is None or shared.fetched_at >= fresh_after):
                entry.retry_at = 0.0
                return entry.result, None  # fresh: another replica refreshed it
            if shared is not None and now < shared.retry_at and shared.error:
                # it failed a moment ago on some replica: nobody tries before retry_at
                entry.retry_at = shared.retry_at
                if failures_seen is None or shared.failures > failures_seen:
                    entry.failures += 1  # callers of this process waiting for it get the error
                    entry.error, entry.error_kind = shared.error, shared.error_kind or ERROR
                if entry.result is None:
                    raise DataUnavailable(shared.error, shared.error_kind or ERROR)
                entry.result = Result(name, entry.result.df, entry.result.fetched_at, True, shared.error,
                                      shared.error_kind or ERROR)
                return entry.result, None
            failures_seen = shared.failures if shared is not None and failures_seen is None else failures_seen
            token = self._shared_call(lambda: self.shared.lock(skey, self._longest_run_s(query)))
            if token is not None:
                again = self._shared_call(lambda: self.shared.read(skey))  # it may have just been refreshed
                self._adopt(entry, name, again)
                if again is not None and again.df is not None and now < again.expires_at and (
                        fresh_after is None or again.fetched_at >= fresh_after):
                    self._shared_call(lambda: self.shared.unlock(skey, token))
                    entry.retry_at = 0.0
                    return entry.result, None
                return None, token
            if not self._sharing():
                return None, None
            if entry.result is not None:
                return entry.result, None  # another replica is refreshing: keep the previous result meanwhile
            if time.monotonic() >= deadline:
                raise DataUnavailable(f"{name}: no result within {budget:.1f} s", TIMEOUT)
            time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
            pause = min(0.1, pause * 1.5)
            now = self.clock()

    def _share(self, skey: str, result: Result, expires_at: float) -> None:
        """Store a fresh result for the other replicas (rows that cannot be stored exactly stay here)."""
        try:
            data = sharedcache.encode(result.df)
        except sharedcache.EncodeError as exc:
            if result.name not in self._unshareable:
                self._unshareable.add(result.name)
                log.warning("query %s: rows not shared between replicas (%s)", result.name, exc)
            return
        self._shared_call(lambda: self.shared.write(skey, data, result.fetched_at, expires_at))

    def _failed(self, entry: _Entry, name: str, params: dict[str, Any], kind: str, message: str,
                now: float) -> None:
        was_down = self.health.is_down
        self.health.last_failure_at = now
        self.health.last_error = message
        self.health.error_kind = kind
        if kind == UNAVAILABLE:
            self.health.last_unavailable_at = now
            if not was_down:
                self.health.down_since = now
                log.error("database unavailable: %s (queries wait %.0f s between attempts)", message,
                          self.retry_after_seconds)
        entry.retry_at = now + self.retry_after_seconds
        entry.failures += 1
        entry.error = message
        entry.error_kind = kind
        if entry.failing_since is None:  # once per run of failures, without the SQL text
            entry.failing_since = now
            log.warning("query %s failed (%s): %s; params=%s", name, kind, message, _params_text(params))
        else:
            log.debug("query %s failed again (%s): %s", name, kind, message)

    def _succeeded(self, entry: _Entry, name: str, now: float) -> None:
        if self.health.is_down:
            log.warning("database available again after %.0f s", now - (self.health.down_since or now))
        self.health.last_success_at = now
        if entry.failing_since is not None:
            log.warning("query %s recovered after %.0f s", name, now - entry.failing_since)
            entry.failing_since = None

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

    def expire(self) -> None:
        """Every cached result is read again on its next use (the rows beneath changed at once: the demo's
        older history arrived). Until then each is still served, so no page waits without data."""
        with self._entries_lock:
            self._expired_at = self.clock()
            for entry in self._entries.values():
                entry.expires_at = 0.0

    def clear(self, *, shared: bool = False) -> None:
        """Forget every cached result (tests and the benchmark's cold runs); `shared`: also those in Redis
        (every replica's, under this prefix)."""
        with self._entries_lock:
            self._entries.clear()
        if shared and self.shared is not None:
            self.shared.clear()

    def dispose(self) -> None:
        self._prefetch_pool.shutdown(wait=True, cancel_futures=True)
        self.engine.dispose()
        if self.standby_engine is not None:
            self.standby_engine.dispose()
        if self.shared is not None:
            self.shared.close()


def _params_text(params: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in sorted(params.items())) or "none"


def _short(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]
