"""The SQL gateway and the query loader: rules of the files, read-only runs, sharing and the last good result."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from cockpit import queries
from cockpit.gateway import DataUnavailable, Gateway

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/none"


def write_query(directory: Path, name: str, body: str, params: str = "none", ttl: int = 60,
                grain: str = "test") -> None:
    area, leaf = name.split(".")
    (directory / area).mkdir(parents=True, exist_ok=True)
    (directory / area / f"{leaf}.sql").write_text(
        f"-- name: {name}\n-- grain: {grain}\n-- params: {params}\n-- ttl: {ttl}\n{body}\n", encoding="utf-8")


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def qdir(tmp_path):
    write_query(tmp_path, "t.towns", "SELECT count(*) AS n FROM cockpit.town WHERE CAST(:code AS text) IS NULL OR town_code = :code",
                params="code")
    write_query(tmp_path, "t.write", "INSERT INTO cockpit.town (town_code, name_zh, name_en) VALUES ('x', 'x', 'x')")
    write_query(tmp_path, "t.slow", "SELECT pg_sleep(2) AS slept")
    return tmp_path


@pytest.fixture
def gw(contract_db, qdir):
    clock = Clock()
    gateway = Gateway(contract_db.url.render_as_string(hide_password=False), query_dir=qdir, clock=clock,
                      statement_timeout_ms=300)
    gateway.clock_ = clock
    yield gateway
    gateway.dispose()


# -- loader -----------------------------------------------------------------------------------------
def test_every_project_query_file_follows_the_rules():
    loaded = queries.load_all()
    assert "cases.kpis_by_group" in loaded
    for name, query in loaded.items():
        assert query.path.relative_to(queries.QUERY_DIR).with_suffix("").as_posix().replace("/", ".") == name
        assert query.grain


def test_loader_rejects_undeclared_parameters(tmp_path):
    write_query(tmp_path, "a.b", "SELECT :x AS x, :y AS y", params="x")
    with pytest.raises(queries.QueryFileError, match="differ"):
        queries.load_all.__wrapped__(tmp_path)


def test_loader_rejects_two_statements(tmp_path):
    write_query(tmp_path, "a.b", "SELECT 1; SELECT 2")
    with pytest.raises(queries.QueryFileError, match="more than one statement"):
        queries.load_all.__wrapped__(tmp_path)


def test_casts_strings_and_comments_are_not_parameters():
    sql = "SELECT x::int, ':nope', y -- :comment's\nFROM t WHERE z = :yes"
    assert queries.used_params(sql) == {"yes"}


# -- running ----------------------------------------------------------------------------------------
def test_parameters_are_bound_not_pasted(gw):
    evil = "330482001' OR '1'='1"
    assert gw.execute("t.towns", code=evil)["n"].tolist() == [0]


def test_wrong_parameters_are_refused(gw):
    with pytest.raises(TypeError, match="missing"):
        gw.execute("t.towns")


def test_transactions_are_read_only(gw):
    with pytest.raises(sa.exc.DBAPIError, match="read-only"):
        gw.execute("t.write")


def test_statement_timeout_applies(gw):
    with pytest.raises(sa.exc.DBAPIError, match="statement timeout"):
        gw.execute("t.slow")


# -- sharing and the last good result ---------------------------------------------------------------
def test_results_are_shared_until_their_ttl(gw):
    first = gw.run("t.towns", code=None)
    second = gw.run("t.towns", code=None)
    assert second is first and gw.executions == 1
    gw.clock_.now += 61
    third = gw.run("t.towns", code=None)
    assert third is not first and gw.executions == 2


def test_expire_reads_every_result_again_on_its_next_use(gw, contract_db):
    first = gw.run("t.towns", code=None)
    with contract_db.begin() as conn:  # rows arrive beneath the cached result (the demo's older history)
        conn.execute(sa.text("INSERT INTO cockpit.town (town_code, name_zh, name_en) VALUES ('t1', '甲', 'A')"))
    assert gw.run("t.towns", code=None) is first  # within its ttl: still the cached result
    gw.expire()
    gw.clock_.now += 1
    again = gw.run("t.towns", code=None)
    assert gw.executions == 2 and again.df["n"].tolist() == [int(first.df["n"].iloc[0]) + 1]
    assert gw.run("t.towns", code=None) is again  # read once again, then cached as before


def test_a_run_begun_before_expire_is_read_again(gw, contract_db):
    """A result whose statement began before the rows changed may not hold them: it is served, and read
    once more on its next use."""
    real = gw.execute

    def expired_meanwhile(name, **params):
        df = real(name, **params)
        gw.clock_.now += 1
        gw.expire()  # the history committed while this statement ran
        gw.clock_.now += 1
        return df

    gw.execute = expired_meanwhile
    first = gw.run("t.towns", code=None)
    gw.execute = real
    second = gw.run("t.towns", code=None)
    assert second is not first and gw.executions == 2
    assert gw.run("t.towns", code=None) is second


def test_twenty_concurrent_sessions_issue_one_query(gw):
    barrier = threading.Barrier(20)
    results = []

    def session():
        barrier.wait()
        results.append(gw.run("t.towns", code=None))

    threads = [threading.Thread(target=session) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 20 and gw.executions == 1


def test_database_down_keeps_last_good_result_then_recovers(gw):
    good = gw.run("t.towns", code=None)
    healthy_engine = gw.engine
    gw.engine = sa.create_engine(UNREACHABLE, connect_args={"connect_timeout": 2})
    gw.clock_.now += 61
    stale = gw.run("t.towns", code=None)
    assert stale.is_stale and stale.error
    assert stale.df.equals(good.df) and stale.fetched_at == good.fetched_at
    assert gw.health.is_down
    # within the retry pause the database is not asked again
    executions = gw.executions
    assert gw.run("t.towns", code=None).is_stale and gw.executions == executions
    # the database returns: the next run after the pause is fresh again
    gw.engine.dispose()
    gw.engine = healthy_engine
    gw.clock_.now += gw.retry_after_seconds + 1
    fresh = gw.run("t.towns", code=None)
    assert not fresh.is_stale and fresh.fetched_at > good.fetched_at
    assert not gw.health.is_down


def test_no_earlier_result_means_data_unavailable(contract_db, qdir):
    gateway = Gateway(UNREACHABLE, query_dir=qdir)
    with pytest.raises(DataUnavailable):
        gateway.run("t.towns", code=None)


def test_as_of_now_is_shared_and_keeps_a_last_good_result(gw):
    from cockpit.gateway import NOW

    write_dir = gw.query("t.towns").path.parent.parent
    write_query(write_dir, "t.asof", "SELECT CAST(:as_of AS timestamptz) AS as_of", params="as_of", ttl=60)
    from cockpit import queries as q
    gw.queries = q.load_all.__wrapped__(write_dir)
    first = gw.run("t.asof", as_of=NOW)
    gw.clock_.now += 30
    assert gw.run("t.asof", as_of=NOW) is first and gw.executions == 1
    gw.clock_.now += 31
    second = gw.run("t.asof", as_of=NOW)
    assert gw.executions == 2
    assert (second.df["as_of"].iloc[0] - first.df["as_of"].iloc[0]).total_seconds() == pytest.approx(61)


def test_prefetched_queries_run_in_parallel_and_once(gw):
    write_dir = gw.query("t.towns").path.parent.parent
    write_query(write_dir, "t.nap",
                "SELECT clock_timestamp() AS began, pg_sleep(1) AS slept, clock_timestamp() AS ended, "
                "CAST(:n AS integer) AS n", params="n")
    gw.queries = queries.load_all.__wrapped__(write_dir)
    gw.statement_timeout_ms = 10000
    import time

    started = time.perf_counter()
    gw.prefetch(*[("t.nap", {"n": n}) for n in range(3)])
    assert time.perf_counter() - started < 0.9  # it returns at once, not after a 1 s statement
    results = [gw.run("t.nap", n=n) for n in range(3)]
    assert [int(r.df["n"].iloc[0]) for r in results] == [0, 1, 2]
    assert gw.executions == 3  # the page's own runs waited for the prefetches, none ran twice
    # side by side, not one after the other: the server ran the three statements at the same time
    began = max(r.df["began"].iloc[0] for r in results)
    ended = min(r.df["ended"].iloc[0] for r in results)
    assert began < ended
    # expired: the page's run waits for the prefetch refreshing it rather than take the old result
    gw.clock_.now += 61
    gw.prefetch(("t.nap", {"n": 0}))
    time.sleep(0.05)  # the prefetch is under way
    refreshed = gw.run("t.nap", n=0)
    assert refreshed is not results[0] and not refreshed.is_stale and gw.executions == 4


def test_prefetch_checks_names_and_parameters_at_once(gw):
    with pytest.raises(KeyError):
        gw.prefetch(("t.nothing", {}))
    with pytest.raises(TypeError):
        gw.prefetch(("t.towns", {"town": None}))
    assert gw.executions == 0


def test_a_caller_that_waited_through_a_failure_gets_it_without_asking_again(gw):
    gw.prefetch(("t.slow", {}))  # fails on the 300 ms statement timeout
    with pytest.raises(DataUnavailable):
        gw.run("t.slow")
    assert gw.executions == 1  # the page's run waited for the failing prefetch and reported it
    with pytest.raises(DataUnavailable):
        gw.run("t.slow")  # a later call tries again
    assert gw.executions == 2


def test_a_one_row_promise_is_checked(contract_db, tmp_path):
    """`-- grain: one row` is exactly one row, `at most one row` none or one: any other result is this
    query's own failure (an error, not figures), and the header's wording is what decides."""
    rows = "SELECT g AS n FROM generate_series(1, CAST(:k AS int)) AS g"
    write_query(tmp_path, "s.one", rows, params="k", grain="one row: a count")
    write_query(tmp_path, "s.most", rows, params="k", grain="at most one row")
    write_query(tmp_path, "s.many", rows, params="k", grain="one row per thing")
    loaded = queries.load_all.__wrapped__(tmp_path)
    assert [loaded[n].row_limits for n in ("s.one", "s.most", "s.many")] == [(1, 1), (0, 1), None]
    gateway = Gateway(contract_db.url.render_as_string(hide_password=False), query_dir=tmp_path, clock=Clock())
    try:
        assert gateway.run("s.one", k=1).df["n"].tolist() == [1]
        assert gateway.run("s.most", k=0).df.empty and gateway.run("s.most", k=1).df["n"].tolist() == [1]
        assert gateway.run("s.many", k=3).df["n"].tolist() == [1, 2, 3]
        for name, k in (("s.one", 0), ("s.one", 2), ("s.most", 2)):
            with pytest.raises(DataUnavailable) as failed:
                gateway.run(name, k=k)
            assert failed.value.kind == "error" and "promises" in str(failed.value), (name, k)
        assert not gateway.health.is_down  # a broken promise is local: the database is fine
    finally:
        gateway.dispose()
