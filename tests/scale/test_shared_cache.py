"""The result cache shared by replicas (Redis): one refresh per query per TTL for all of them, the last good
result kept there, personal rows kept per role, rows stored exactly (Arrow IPC), Redis failing is survivable.

Two `Gateway` objects on one Redis are two replicas (each has its own in-process cache and its own pool);
they share a fake clock, as replicas share the real one."""

from __future__ import annotations

import datetime as dt
import decimal
import threading
import time

import pandas as pd
import pytest
import redis
import sqlalchemy as sa

from cockpit import gateway as gw_mod
from cockpit import sharedcache
from cockpit.gateway import DataUnavailable, Gateway, acting_as, to_frame
from tests.services import free_port

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/none"


def write_query(directory, name, body, params="none", ttl=60, extra=""):
    area, leaf = name.split(".")
    (directory / area).mkdir(parents=True, exist_ok=True)
    (directory / area / f"{leaf}.sql").write_text(
        f"-- name: {name}\n-- grain: test\n-- params: {params}\n{extra}-- ttl: {ttl}\n{body}\n", encoding="utf-8")


class Clock:
    def __init__(self) -> None:
        self.now = 2_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def qdir(tmp_path):
    write_query(tmp_path, "t.towns", "SELECT count(*) AS n, min(name_zh) AS first FROM cockpit.town "
                                     "WHERE CAST(:code AS text) IS NULL OR town_code = :code", params="code")
    write_query(tmp_path, "t.slow_towns", "SELECT count(*) AS n FROM cockpit.town, pg_sleep(0.6)")
    write_query(tmp_path, "t.broken", "SELECT 1 / (count(*) - count(*)) AS n FROM cockpit.town")
    write_query(tmp_path, "t.plates", "SELECT town_code, name_zh AS plate FROM cockpit.town ORDER BY town_code",
                extra="-- personal: plate\n")
    return tmp_path


@pytest.fixture
def towns(contract_db):
    from tests.factories import insert_rows
    insert_rows(contract_db, "town", [{"town_code": "330482001", "name_zh": "当湖街道", "name_en": "Danghu"},
                                      {"town_code": "330482002", "name_zh": "钟埭街道", "name_en": "Zhongdai"}])
    return contract_db


@pytest.fixture
def replicas(towns, qdir, redis_server, redis_prefix):
    """Two gateways ("replicas") on the same database and the same Redis prefix, one clock."""
    clock = Clock()
    url = towns.url.render_as_string(hide_password=False)
    made = []

    def make(database_url=url, **kwargs):
        store = sharedcache.RedisStore(redis_server.url(), prefix=redis_prefix)
        gateway = Gateway(database_url, query_dir=qdir, clock=clock, statement_timeout_ms=3000, shared=store,
                          **kwargs)
        made.append(gateway)
        return gateway

    make.clock = clock
    yield make
    for gateway in made:
        gateway.dispose()


def run_together(calls):
    """Run every call at once, one thread each; their results in order."""
    barrier = threading.Barrier(len(calls))
    out = [None] * len(calls)

    def one(i, call):
        barrier.wait()
        try:
            out[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            out[i] = exc

    threads = [threading.Thread(target=one, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return out


# -- the rows, exactly --------------------------------------------------------------------------------
def test_rows_come_back_exactly_as_the_database_gave_them():
    rows = [(7, "当湖", decimal.Decimal("1.25"), dt.datetime(2026, 3, 1, 1, 2, 3, 456000, tzinfo=dt.timezone.utc),
             dt.date(2026, 3, 1), True, [1, 2], {"type": "Point", "coordinates": [121.0, 30.7]}, 2.5, None),
            (None, None, None, None, None, None, None, None, None, None),
            (-3, "", decimal.Decimal("0"), dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc), dt.date(2026, 3, 2),
             False, [], {}, float("nan"), None)]
    frame = to_frame(list("abcdefghij"), rows)
    back = sharedcache.decode(sharedcache.encode(frame))
    pd.testing.assert_frame_equal(back, frame, check_exact=True)
    assert [type(v) for v in back["g"]] == [list, type(None), list]
    assert back["h"][0] == {"type": "Point", "coordinates": [121.0, 30.7]}
    assert str(back["d"].dt.tz) == "Asia/Shanghai" and back["d"][0].microsecond == 456000
    empty = to_frame(list("ab"), [])
    pd.testing.assert_frame_equal(sharedcache.decode(sharedcache.encode(empty)), empty)


def test_rows_that_would_not_come_back_exactly_are_refused():
    with pytest.raises(sharedcache.EncodeError):
        sharedcache.encode(to_frame(["x"], [(1,), ("one",)]))  # mixed types in one column
    with pytest.raises(sharedcache.EncodeError):
        sharedcache.encode(to_frame(["x"], [([1],), ("one",)]))  # a list beside a scalar
    with pytest.raises(sharedcache.EncodeError):
        sharedcache.encode(to_frame(["x"], [((1, 2),)]))  # a tuple would come back a list


def test_keys_tell_parameter_types_apart():
    keys = {sharedcache.digest("q", "SELECT 1", {"x": v}) for v in (1, 1.0, "1", True, None, dt.date(2026, 1, 1),
                                                                     "2026-01-01", gw_mod.NOW)}
    assert len(keys) == 8
    assert sharedcache.digest("q", "SELECT 1", {"x": 1}) != sharedcache.digest("q", "SELECT 2", {"x": 1})


# -- one refresh for every replica ------------------------------------------------------------------
def test_twenty_sessions_on_two_replicas_cost_one_statement_per_ttl(replicas):
    a, b = replicas(), replicas()
    results = run_together([lambda g=g: g.run("t.towns", code=None) for g in (a, b) * 10])
    assert all(r.df["n"].tolist() == [2] for r in results)
    assert a.executions + b.executions == 1
    # every TTL has passed: the next cycle costs one statement again, whichever replica sends it
    replicas.clock.now += 61
    results = run_together([lambda g=g: g.run("t.towns", code=None) for g in (a, b) * 10])
    assert all(isinstance(r, gw_mod.Result) and r.df["n"].tolist() == [2] for r in results)
    assert a.executions + b.executions == 2
    # and the third replica that starts now finds it in Redis: no statement at all
    c = replicas()
    assert c.run("t.towns", code=None).df["first"].tolist() == ["当湖街道"] and c.executions == 0 and c.adopted == 1


def test_a_cold_replica_waits_for_the_refresh_another_replica_is_making(replicas):
    a, b = replicas(), replicas()
    started = threading.Event()
    out = {}

    def refresh_on_a():
        started.set()
        out["a"] = a.run("t.slow_towns")

    thread = threading.Thread(target=refresh_on_a)
    thread.start()
    started.wait()
    deadline = time.monotonic() + 10
    while not a.shared.locked(a.shared.key("shared", "t.slow_towns", a.query("t.slow_towns").sql, {})):
        assert time.monotonic() < deadline, "replica a never took the refresh"
        time.sleep(0.01)
    got = b.run("t.slow_towns")
    thread.join()
    assert got.df["n"].tolist() == [2] and got.fetched_at == out["a"].fetched_at
    assert (a.executions, b.executions) == (1, 0)


def test_a_replica_that_died_refreshing_holds_nobody_up_past_its_deadline(replicas):
    a = replicas()
    query = a.query("t.towns")
    key = a.shared.key("shared", "t.towns", query.sql, {"code": None})
    assert a.shared.lock(key, 0.4)  # a replica took the refresh and was killed
    started = time.monotonic()
    assert a.run("t.towns", code=None).df["n"].tolist() == [2]
    assert 0.3 < time.monotonic() - started < 5 and a.executions == 1


# -- failures ---------------------------------------------------------------------------------------
def test_last_good_result_is_kept_in_redis_for_a_replica_that_starts_while_the_database_is_down(replicas):
    a = replicas()
    good = a.run("t.towns", code=None)
    late = replicas(UNREACHABLE)  # a new replica: the database cannot be reached from it
    assert late.run("t.towns", code=None).df.equals(good.df) and late.executions == 0
    replicas.clock.now += 61  # expired everywhere: the late replica tries, fails, keeps the last good rows
    stale = late.run("t.towns", code=None)
    assert stale.is_stale and stale.error_kind == gw_mod.UNAVAILABLE and stale.df.equals(good.df)
    assert stale.fetched_at == good.fetched_at and late.executions == 1 and late.health.is_down


def test_a_query_that_fails_is_not_retried_by_every_replica(replicas):
    a, b = replicas(), replicas()
    with pytest.raises(DataUnavailable) as first:
        a.run("t.broken")
    assert first.value.kind == gw_mod.ERROR and "division by zero" in str(first.value)
    with pytest.raises(DataUnavailable) as second:
        b.run("t.broken")
    assert second.value.kind == gw_mod.ERROR and b.executions == 0  # within the retry pause: not sent again
    replicas.clock.now += a.retry_after_seconds + 1
    with pytest.raises(DataUnavailable):
        b.run("t.broken")
    assert b.executions == 1


def test_without_redis_each_replica_goes_on_alone(towns, qdir, caplog):
    dead = sharedcache.RedisStore(f"redis://127.0.0.1:{free_port()}/0", prefix="cockpit-test-dead")
    gateway = Gateway(towns.url.render_as_string(hide_password=False), query_dir=qdir, shared=dead,
                      clock=Clock())
    try:
        with caplog.at_level("ERROR", logger="cockpit.gateway"):
            assert gateway.run("t.towns", code=None).df["n"].tolist() == [2]
            assert gateway.run("t.towns", code="330482001").df["n"].tolist() == [1]
        assert gateway.executions == 2
        assert sum("shared cache unavailable" in r.getMessage() for r in caplog.records) == 1
    finally:
        gateway.dispose()


# -- personal rows ------------------------------------------------------------------------------------
def test_personal_rows_are_kept_per_role_never_where_another_role_reads(replicas, redis_server, redis_prefix):
    a, b = replicas(), replicas()
    with acting_as("officer"):
        officer = a.run("t.plates")
    with acting_as("viewer"):
        viewer = b.run("t.plates")
        again = b.run("t.plates")
    assert officer.df["plate"].tolist() == viewer.df["plate"].tolist() == ["当湖街道", "钟埭街道"]
    assert (a.executions, b.executions) == (1, 1) and again is viewer  # the viewer did not read the officer's
    with acting_as("officer"):
        assert b.run("t.plates").df.equals(officer.df) and b.executions == 1  # the officer's, from Redis
    client = redis.Redis.from_url(redis_server.url())
    keys = sorted(k.decode() for k in client.scan_iter(match=f"{redis_prefix}:*"))
    scopes = sorted(k.split(":")[2] for k in keys)
    assert scopes == ["role", "role"] and {k.split(":")[3] for k in keys} == {"officer", "viewer"}
    # a prefetch runs for the role of the session that asked for it, not the worker thread's
    with acting_as("admin"):
        a.prefetch(("t.plates", {}))
        assert a.run("t.plates").df.equals(officer.df)
    assert sum(":role:admin:" in k.decode() for k in client.scan_iter(match=f"{redis_prefix}:*")) == 1
    client.close()


def test_every_personal_column_a_query_returns_is_declared(contract_db):
    """The columns the contract marks personal (plates, merchant names and phones) leave the database only from
    a query whose `-- personal:` header names them, so their rows are never shared between roles."""
    from tests.core.test_queries import TYPICAL

    personal_names = {"plate", "merchant_name", "merchant_phone"}
    gateway = Gateway(contract_db.url.render_as_string(hide_password=False))
    try:
        for name, query in gateway.queries.items():
            returned = set(gateway.execute(name, **{p: TYPICAL[p] for p in query.params}).columns)
            assert returned & personal_names <= set(query.personal), name
            assert set(query.personal) <= returned, name
        assert gateway.query("parking.recent").personal == ("plate",)
        assert gateway.query("market.longest_open").personal == ("merchant_name", "merchant_phone")
    finally:
        gateway.dispose()

