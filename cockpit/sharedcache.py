"""The result cache shared by every replica of the cockpit: Redis (`COCKPIT_REDIS_URL`).

Without it each process keeps its own cache (cockpit.gateway, as always). With it, the gateway of every
replica also keeps each result here, so that one refresh per query per time-to-live serves every replica:

- a result is one Redis hash, `<prefix>:v1:<scope>:<digest>`: its rows (`df`) and when they were fetched,
  until when they are fresh, and the last failure (when the next attempt may be made, the error, how many);
  it is kept `redis_keep_seconds` after it was written (the last good result for a replica that starts
  while the database is down);
- the replica that refreshes holds `<prefix>:v1:lock:<scope>:<digest>` (SET NX with a deadline: the longest
  a refresh can take; a replica that dies holding it frees it by the deadline); the others keep the result
  they have, or, having none, wait for the refresher's result up to their own deadline;
- `<digest>` is a SHA-256 of the query's name, its SQL text and its parameters (a replica of another version
  of a query never reads this one's rows); `<scope>` is `shared`, or `role:<role>` for a query whose header
  names personal columns (`-- personal:`): such rows are kept apart per viewer role, never under a key
  another role's sessions read;
- rows are stored as Apache Arrow IPC (a columnar format with no code in it: reading a tampered value gives
  wrong figures at worst, never code execution). A frame that does not come back exactly as it went in
  (dtypes, values and the Python type of every object cell) is not shared; that query then stays per process.

Every Redis call has a deadline (`socket_timeout`); when Redis cannot be reached the gateway logs it once and
goes on with its own cache, trying Redis again after a pause.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import hashlib
import io
import json
import logging
import secrets
import time
from typing import Any

import pandas as pd

log = logging.getLogger(__name__)

FORMAT = "arrow-ipc-1"
VERSION = "v1"  # of the key layout and the hash's fields
SOCKET_TIMEOUT_S = 3.0  # every Redis command: a healthy Redis on the LAN answers in a millisecond, a busy
# replica host may not run the client thread for a second or two; past this the replica caches alone a while
JSON_COLUMNS = b"cockpit.json_columns"  # schema metadata: columns whose cells were lists or dicts

_UNLOCK = """if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"""


class EncodeError(ValueError):
    """A frame that cannot be stored exactly (it stays in the process's own cache)."""


# -- rows as Arrow IPC ---------------------------------------------------------------------------------
def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        raise EncodeError("a date or time inside a list")
    if isinstance(value, decimal.Decimal):
        raise EncodeError("a decimal inside a list")
    raise EncodeError(f"{type(value).__name__} inside a list")


def _is_nested(value: Any) -> bool:
    return isinstance(value, (list, tuple, dict))


def encode(df: pd.DataFrame) -> bytes:
    """The frame as Arrow IPC stream bytes; EncodeError when it would not come back exactly (see decode)."""
    import pyarrow as pa

    frame = df
    nested = []
    for column in df.columns:
        if df[column].dtype == object:
            values = df[column].dropna()
            if len(values) and values.map(_is_nested).any():
                if not values.map(_is_nested).all():
                    raise EncodeError(f"column {column!r} mixes lists and scalars")
                nested.append(str(column))
    if nested:
        frame = df.copy()
        for column in nested:
            frame[column] = df[column].map(lambda v: None if v is None else json.dumps(
                v, ensure_ascii=False, default=_json_default, allow_nan=False))
    try:
        table = pa.Table.from_pandas(frame, preserve_index=None)
    except (pa.ArrowException, TypeError, ValueError) as exc:
        raise EncodeError(str(exc).splitlines()[0][:200]) from None
    metadata = dict(table.schema.metadata or {})
    metadata[JSON_COLUMNS] = json.dumps(nested).encode()
    table = table.replace_schema_metadata(metadata)
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    data = sink.getvalue()
    _check_same(df, decode(data))
    return data


def decode(data: bytes) -> pd.DataFrame:
    """Arrow IPC stream bytes (from `encode`) as the frame that was encoded."""
    import pyarrow as pa

    with pa.ipc.open_stream(pa.py_buffer(data)) as reader:
        table = reader.read_all()
    nested = json.loads((table.schema.metadata or {}).get(JSON_COLUMNS, b"[]"))
    df = table.to_pandas()
    for column in nested:
        df[column] = pd.Series([None if v is None or v != v else json.loads(v) for v in df[column]],
                               index=df.index, dtype=object)
    return df


def _cell_types(series: pd.Series) -> list[type]:
    return [type(v) for v in series]


def _check_same(original: pd.DataFrame, back: pd.DataFrame) -> None:
    """EncodeError unless `back` is `original`: columns, index, dtypes, values, the type of each object cell."""
    try:
        pd.testing.assert_frame_equal(original, back, check_exact=True)
    except AssertionError as exc:
        raise EncodeError(f"does not come back as it went in: {str(exc).splitlines()[0][:200]}") from None
    for column in original.columns:
        if original[column].dtype == object and _cell_types(original[column]) != _cell_types(back[column]):
            raise EncodeError(f"column {column!r}: the cells' Python types change")


# -- keys --------------------------------------------------------------------------------------------
def _canon(value: Any) -> Any:
    """A parameter value as JSON that tells its type (1, 1.0, '1', True and a date are different keys)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return ["b", value]
    if isinstance(value, int):
        return ["i", str(value)]
    if isinstance(value, float):
        return ["f", repr(value)]
    if isinstance(value, str):
        return ["s", value]
    if isinstance(value, decimal.Decimal):
        return ["dec", str(value)]
    if isinstance(value, dt.datetime):
        return ["dt", value.isoformat()]
    if isinstance(value, dt.date):
        return ["d", value.isoformat()]
    if isinstance(value, dt.time):
        return ["t", value.isoformat()]
    if isinstance(value, (list, tuple)):
        return ["l", [_canon(v) for v in value]]
    if isinstance(value, (set, frozenset)):
        return ["set", sorted((_canon(v) for v in value), key=json.dumps)]
    if type(value).__name__ == "_Now":  # cockpit.gateway.NOW: "the time of the refresh"
        return ["now"]
    raise TypeError(f"no shared-cache key for a parameter of type {type(value).__name__}")


def digest(name: str, sql: str, params: dict[str, Any]) -> str:
    text = json.dumps([name, hashlib.sha256(sql.encode()).hexdigest(),
                       sorted((k, _canon(v)) for k, v in params.items())], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


# -- the store -----------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Shared:
    """What Redis holds for one query and parameters."""

    df: pd.DataFrame | None  # None: no good result yet (only a failure is recorded)
    fetched_at: float = 0.0
    expires_at: float = 0.0
    retry_at: float = 0.0  # a refresh failed: nobody tries again before this
    failures: int = 0
    error: str | None = None
    error_kind: str | None = None


class RedisStore:
    """The shared results in one Redis; every method raises redis.RedisError (or OSError) when Redis fails."""

    def __init__(self, url: str, *, prefix: str = "cockpit", keep_seconds: float = 86_400.0) -> None:
        import redis

        self.url = url
        self.prefix = prefix
        self.keep_ms = max(1000, int(keep_seconds * 1000))
        self.client = redis.Redis.from_url(url, socket_timeout=SOCKET_TIMEOUT_S,
                                           socket_connect_timeout=SOCKET_TIMEOUT_S, health_check_interval=30)
        self._unlock = self.client.register_script(_UNLOCK)
        self.reads = self.writes = 0  # for tests and the benchmark

    def key(self, scope: str, name: str, sql: str, params: dict[str, Any]) -> str:
        return f"{self.prefix}:{VERSION}:{scope}:{digest(name, sql, params)}"

    def _lock_key(self, key: str) -> str:
        head, _, rest = key.partition(f":{VERSION}:")
        return f"{head}:{VERSION}:lock:{rest}"

    def read(self, key: str) -> Shared | None:
        """The stored result (its rows decoded), or None when there is none."""
        self.reads += 1
        fields = self.client.hgetall(key)
        if not fields:
            return None

        def num(name: bytes, kind=float):
            raw = fields.get(name)
            try:
                return kind(raw) if raw is not None else kind(0)
            except ValueError:
                return kind(0)

        def text(name: bytes) -> str | None:
            raw = fields.get(name)
            return raw.decode("utf-8", "replace") if raw else None

        df = None
        if fields.get(b"df") is not None and fields.get(b"format") == FORMAT.encode():
            try:
                df = decode(fields[b"df"])
            except Exception as exc:  # noqa: BLE001 - a damaged entry is no entry
                log.warning("shared result %s cannot be read (%s): ignored", key, str(exc)[:200])
                df = None
        return Shared(df=df, fetched_at=num(b"fetched_at"), expires_at=num(b"expires_at") if df is not None else 0.0,
                      retry_at=num(b"retry_at"), failures=num(b"failures", int), error=text(b"error"),
                      error_kind=text(b"error_kind"))

    def write(self, key: str, data: bytes, fetched_at: float, expires_at: float) -> None:
        """Store a good result (rows already encoded); its failure record is cleared, its count kept."""
        self.writes += 1
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(key, mapping={"df": data, "format": FORMAT, "fetched_at": repr(fetched_at),
                                "expires_at": repr(expires_at), "retry_at": "0"})
        pipe.hdel(key, "error", "error_kind")
        pipe.pexpire(key, self.keep_ms)
        pipe.execute()

    def fail(self, key: str, message: str, kind: str, retry_at: float) -> None:
        """Record a failed refresh: nobody tries again before `retry_at`; the rows stay."""
        self.writes += 1
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(key, mapping={"retry_at": repr(retry_at), "error": message[:300], "error_kind": kind})
        pipe.hincrby(key, "failures", 1)
        pipe.pexpire(key, self.keep_ms)
        pipe.execute()

    def lock(self, key: str, seconds: float) -> str | None:
        """The right to refresh `key` for at most `seconds`, or None when another replica holds it."""
        token = secrets.token_hex(16)
        ok = self.client.set(self._lock_key(key), token, nx=True, px=max(1, int(seconds * 1000)))
        return token if ok else None

    def locked(self, key: str) -> bool:
        return bool(self.client.exists(self._lock_key(key)))

    def unlock(self, key: str, token: str) -> None:
        """Give the right back (only if it is still ours: past its deadline another may hold it)."""
        self._unlock(keys=[self._lock_key(key)], args=[token])

    def ping(self) -> float:
        """Round trip in seconds."""
        started = time.perf_counter()
        self.client.ping()
        return time.perf_counter() - started

    def clear(self) -> int:
        """Delete every key of this prefix (tests and the benchmark); the number deleted."""
        deleted = 0
        for batch in _batches(self.client.scan_iter(match=f"{self.prefix}:{VERSION}:*", count=500), 500):
            deleted += self.client.unlink(*batch)
        return deleted

    def close(self) -> None:
        self.client.close()


def _batches(items, size: int):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
