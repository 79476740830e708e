"""Trust in the gateway (issue 16): no query file can write, every wait has a deadline, a slow relation slows
only what reads it, and failures say what they are. Real PostgreSQL over real connections, a real TCP proxy."""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from cockpit import db, queries
from cockpit import gateway as gateway_module
from cockpit.gateway import DataUnavailable, Gateway
from tests.tcp_proxy import TcpProxy, target_of, via
from tests.core.test_gateway import Clock, write_query

# the gateway's deadlines (read from the module so that this file also runs, and fails, on older code)
GRACE_S = getattr(gateway_module, "GRACE_S", 5.0)
SETUP_DEADLINE_S = getattr(gateway_module, "SETUP_DEADLINE_S", 5.0)
CONNECT_TIMEOUT_S = getattr(db, "CONNECT_TIMEOUT_S", 5)


def load(directory: Path) -> dict[str, queries.Query]:
    return queries.load_all.__wrapped__(directory)


def make_gateway(url: str, qdir: Path, **kwargs) -> Gateway:
    gateway = Gateway(url, query_dir=qdir, clock=kwargs.pop("clock", None) or Clock(), **kwargs)
    return gateway


def url_of(engine: sa.Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


# -- the loader's tokenizer ---------------------------------------------------------------------------
@pytest.mark.parametrize("sql, expected", [
    ("SELECT 1", ["SELECT 1"]),
    ("SELECT 1;", ["SELECT 1"]),
    ("SELECT 1; -- trailing; comment\n", ["SELECT 1"]),
    ("SELECT 'a;b', 'it''s; here'", ["SELECT 'a;b', 'it''s; here'"]),
    # E'' strings: a backslash escapes the quote, so the string runs on to the next lone quote
    (r"SELECT E'\'' AS a; COMMIT; DELETE FROM t; SELECT 'x' AS b",
     [r"SELECT E'\'' AS a", "COMMIT", "DELETE FROM t", "SELECT 'x' AS b"]),
    (r"SELECT e'\\' AS a; SELECT 2", [r"SELECT e'\\' AS a", "SELECT 2"]),
    # a plain '' string: the backslash is an ordinary character (standard_conforming_strings)
    (r"SELECT '\'; SELECT 2", [r"SELECT '\'", "SELECT 2"]),
    # dollar quotes, with and without a tag, holding quotes, semicolons and other dollar quotes
    ("SELECT $$'$$ AS a; COMMIT; DELETE FROM t; SELECT $$'$$ AS b",
     ["SELECT $$'$$ AS a", "COMMIT", "DELETE FROM t", "SELECT $$'$$ AS b"]),
    ("SELECT $fn$ $$;$$ ' $fn$; SELECT 2", ["SELECT $fn$ $$;$$ ' $fn$", "SELECT 2"]),
    ("SELECT a$b$c FROM t; SELECT 2", ["SELECT a$b$c FROM t", "SELECT 2"]),  # `$` inside an identifier
    # nested block comments and quoted identifiers
    ("SELECT 1 /* ; /* ; */ still comment ; */ AS x; SELECT 2", ["SELECT 1 /* ; /* ; */ still comment ; */ AS x",
                                                                 "SELECT 2"]),
    ('SELECT 1 AS "a;""b"; SELECT 2', ['SELECT 1 AS "a;""b"', "SELECT 2"]),
    ("SELECT U&'d\\0061t;a', U&\"x;\" FROM t; SELECT 2", ["SELECT U&'d\\0061t;a', U&\"x;\" FROM t", "SELECT 2"]),
    ("-- only a comment; here\n/* and ; here */", []),
])
def test_statements_are_split_by_a_real_tokenizer(sql, expected):
    assert queries.statements(sql) == expected


@pytest.mark.parametrize("sql", ["SELECT 'open", "SELECT E'\\'", "SELECT $$ open", "SELECT $a$ x $b$",
                                 "SELECT /* /* */", 'SELECT "open'])
def test_unterminated_literals_are_refused(sql):
    with pytest.raises(queries.QueryFileError, match="unterminated"):
        queries.tokenize(sql)


def test_parameters_are_found_by_the_tokenizer():
    sql = ("SELECT x::int, ':no1', E'\\':no2', $$ :no3 $$, $t$ :no4 $t$, \"col:no5\", a$b, "
           "y -- :no6\n /* :no7 /* :no8 */ :no9 */ FROM t WHERE z = :yes AND w = :also_yes")
    assert queries.used_params(sql) == {"yes", "also_yes"}
    assert queries.driver_sql("SELECT '%' || :x, 5 % 2 -- 100%\n") == "SELECT '%%' || %(x)s, 5 %% 2 -- 100%%\n"


HIDDEN_WRITES = {
    "dollar": "SELECT $$'$$ AS a; COMMIT; DELETE FROM public.canary; SELECT $$'$$ AS b",
    "estring": "SELECT E'\\'' AS a; COMMIT; DELETE FROM public.canary; SELECT 'x' AS b",
    "comment": "SELECT 1 AS a /* ' */; COMMIT; DELETE FROM public.canary; SELECT '*/' AS b",
}


@pytest.mark.parametrize("key", sorted(HIDDEN_WRITES))
def test_loader_refuses_statements_hidden_behind_quotes(tmp_path, key):
    write_query(tmp_path, "t.hidden", HIDDEN_WRITES[key])
    with pytest.raises(queries.QueryFileError, match="more than one statement"):
        load(tmp_path)


def test_timeout_header_is_parsed_and_checked(tmp_path):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "quick.sql").write_text(
        "-- name: t.quick\n-- grain: test\n-- params: none\n-- timeout: 1500\nSELECT 1", encoding="utf-8")
    assert load(tmp_path)["t.quick"].timeout_ms == 1500
    (tmp_path / "t" / "quick.sql").write_text(
        "-- name: t.quick\n-- grain: test\n-- params: none\n-- timeout: soon\nSELECT 1", encoding="utf-8")
    with pytest.raises(queries.QueryFileError, match="timeout"):
        load(tmp_path)


# -- read-only by construction ------------------------------------------------------------------------
# Single statements that the loader accepts: the server must refuse each of them.
WRITE_ATTEMPTS = {
    "delete": "DELETE FROM public.canary",
    "update": "UPDATE public.canary SET n = n + 1 RETURNING n",
    "cte": "WITH d AS (DELETE FROM public.canary RETURNING n) SELECT n FROM d",
    "for_update": "SELECT n FROM public.canary FOR UPDATE",
    "nextval": "SELECT nextval('public.canary_seq') AS v",
    "do_block": "DO $$BEGIN DELETE FROM public.canary; END$$",
    "create": "CREATE TABLE public.evil (x int)",
    "read_write_cte": ("WITH s AS (SELECT set_config('transaction_read_only', 'off', true)), "
                       "d AS (DELETE FROM public.canary RETURNING n) SELECT * FROM s, d"),
    # settings that try to undo read-only for later runs on the same pooled connection
    "session_off": "SET default_transaction_read_only = off",
    "config_off": "SELECT set_config('default_transaction_read_only', 'off', false) AS v",
    "begin_rw": "BEGIN READ WRITE",
    "commit": "COMMIT",
}


@pytest.fixture
def canary(contract_db):
    with contract_db.begin() as conn:
        conn.execute(sa.text("CREATE TABLE public.canary (n integer); INSERT INTO public.canary VALUES (1), (2); "
                             "CREATE SEQUENCE public.canary_seq"))
    return contract_db


def canary_state(engine: sa.Engine) -> tuple:
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT coalesce(array_agg(n ORDER BY n), '{}') FROM public.canary")).scalar()
        seq = conn.execute(sa.text("SELECT last_value, is_called FROM public.canary_seq")).one()
        evil = conn.execute(sa.text("SELECT to_regclass('public.evil') IS NOT NULL")).scalar()
    return list(rows), tuple(seq), evil


def test_no_query_file_can_write_as_a_superuser(canary, tmp_path):
    with canary.connect() as conn:
        assert conn.execute(sa.text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar()
    before = canary_state(canary)
    assert before == ([1, 2], (1, False), False)
    write_query(tmp_path, "w.read", "SELECT count(*) AS n FROM public.canary")
    loaded = load(tmp_path)
    template = loaded["w.read"]

    def loaded_or_slipped(name: str, sql: str, params: str = "none") -> queries.Query:
        """The query as the loader makes it; one that the loader refuses is sent anyway, as if it had
        slipped through (the server is the last line)."""
        try:
            return queries.parse_query(f"-- name: {name}\n-- grain: t\n-- params: {params}\n{sql}", name,
                                       template.path)
        except queries.QueryFileError:
            extra = {"driver_sql": sql} if hasattr(template, "driver_sql") else {}
            return dataclasses.replace(template, name=name, sql=sql, params=() if params == "none" else (params,),
                                       **extra)

    for key, sql in WRITE_ATTEMPTS.items():
        loaded[f"w.{key}"] = loaded_or_slipped(f"w.{key}", sql)
    for key, sql in HIDDEN_WRITES.items():
        loaded[f"h.{key}"] = loaded_or_slipped(f"h.{key}", sql)
    loaded["h.param"] = loaded_or_slipped("h.param", "SELECT CAST(:p AS int) AS a; COMMIT; DELETE FROM public.canary",
                                          params="p")
    if hasattr(template, "driver_sql"):
        loaded["h.param"] = dataclasses.replace(loaded["h.param"], driver_sql=queries.driver_sql(loaded["h.param"].sql))
    gw = make_gateway(url_of(canary), tmp_path)
    gw.queries = loaded
    try:
        outcomes = {}
        for name in [n for n in loaded if n != "w.read"]:
            params = {"p": 1} if name == "h.param" else {}
            try:
                gw.execute(name, **params)
                outcomes[name] = "ran"
            except Exception as exc:  # noqa: BLE001 - the outcome is the message
                outcomes[name] = str(getattr(exc, "orig", exc)).splitlines()[0]
            # after each attempt, a write on the (pooled) connections is still refused
            with pytest.raises(sa.exc.DBAPIError, match="read-only"):
                gw.execute("w.delete")
        assert gw.execute("w.read")["n"].tolist() == [2]
    finally:
        gw.dispose()
    assert canary_state(canary) == before
    for name in ("h.dollar", "h.estring", "h.comment", "h.param"):
        assert "cannot insert multiple commands into a prepared statement" in outcomes[name], outcomes
    for key in ("delete", "update", "cte", "for_update", "nextval", "do_block", "create", "read_write_cte"):
        assert "read-only transaction" in outcomes[f"w.{key}"], outcomes


def test_the_gateways_connections_are_read_only_sessions(contract_db, tmp_path):
    write_query(tmp_path, "s.setting", "SELECT current_setting('default_transaction_read_only') AS v")
    gw = make_gateway(url_of(contract_db), tmp_path)
    try:
        assert gw.execute("s.setting")["v"].tolist() == ["on"]
    finally:
        gw.dispose()


# -- every wait has a deadline: a silent network --------------------------------------------------------
@pytest.fixture
def proxy(pg_admin_url):
    p = TcpProxy(target_of(sa.make_url(pg_admin_url)))
    p.start()
    yield p
    p.stop()


def through(proxy: TcpProxy, engine: sa.Engine) -> str:
    return via(engine.url, proxy.port).render_as_string(hide_password=False)


def timed(fn, limit_s: float):
    """Run fn in a thread; (outcome, seconds) where outcome is its result or exception; fails past limit_s."""
    box: dict = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001
            box["value"] = exc

    thread = threading.Thread(target=target, daemon=True)
    started = time.perf_counter()
    thread.start()
    thread.join(limit_s)
    elapsed = time.perf_counter() - started
    assert not thread.is_alive(), f"still blocked after {limit_s} s"
    return box["value"], elapsed


def test_silent_network_is_declared_down_within_the_deadline_then_recovers(contract_db, proxy, tmp_path):
    write_query(tmp_path, "t.towns", "SELECT count(*) AS n FROM cockpit.town")
    write_query(tmp_path, "t.other", "SELECT 1 AS one")
    clock = Clock()
    gw = make_gateway(through(proxy, contract_db), tmp_path, clock=clock, statement_timeout_ms=2000,
                      retry_after_seconds=5)
    try:
        good = gw.run("t.towns")
        proxy.go_silent()
        clock.now += 61
        stale, elapsed = timed(lambda: gw.run("t.towns"), 30)
        print(f"silent network (pooled connection) declared down after {elapsed:.1f} s")
        assert stale.is_stale and stale.error_kind == "unavailable" and stale.df.equals(good.df)
        assert gw.health.is_down and elapsed < SETUP_DEADLINE_S + 5
        # while down, a query without a cached result fails at once, without waiting on the network
        missing, elapsed = timed(lambda: gw.run("t.other"), 5)
        assert isinstance(missing, DataUnavailable) and missing.kind == "unavailable" and elapsed < 1
        # after the pause one probe tries again: a new connection through the silent link times out
        clock.now += 6
        again, elapsed = timed(lambda: gw.run("t.towns"), 30)
        print(f"silent network (new connection) declared down after {elapsed:.1f} s")
        assert again.is_stale and gw.health.is_down and elapsed < 2 * (CONNECT_TIMEOUT_S + SETUP_DEADLINE_S) + 5
        # the network returns: the next run after the pause is fresh, by itself
        proxy.resume()
        clock.now += 6
        fresh, elapsed = timed(lambda: gw.run("t.towns"), 30)
        assert not isinstance(fresh, Exception) and not fresh.is_stale, fresh
        assert not gw.health.is_down
        assert gw.run("t.other").df["one"].tolist() == [1]
    finally:
        proxy.resume()
        gw.dispose()


def test_silent_network_mid_statement_and_cold(contract_db, proxy, tmp_path):
    write_query(tmp_path, "t.nap", "SELECT pg_sleep(0.5) AS slept")
    gw = make_gateway(through(proxy, contract_db), tmp_path, statement_timeout_ms=1000)
    try:
        gw.execute("t.nap")  # a pooled connection exists

        def silent_soon():
            time.sleep(0.2)
            proxy.go_silent()

        threading.Thread(target=silent_soon, daemon=True).start()
        outcome, elapsed = timed(lambda: gw.run("t.nap"), 30)
        print(f"silent network mid-statement declared down after {elapsed:.1f} s")
        assert isinstance(outcome, DataUnavailable) and outcome.kind == "unavailable", outcome
        assert elapsed < 1 + GRACE_S + 3  # the statement's limit + the grace, and some slack
    finally:
        proxy.resume()
        gw.dispose()
    cold = make_gateway(through(proxy, contract_db), tmp_path)
    proxy.go_silent()
    try:
        outcome, elapsed = timed(lambda: cold.run("t.nap"), 30)
        print(f"silent network, no connection yet: unavailable after {elapsed:.1f} s")
        assert isinstance(outcome, DataUnavailable) and outcome.kind == "unavailable"
        assert elapsed < 2 * (CONNECT_TIMEOUT_S + SETUP_DEADLINE_S) + 5
    finally:
        proxy.resume()
        cold.dispose()


# -- a slow relation slows only what reads it -----------------------------------------------------------
@pytest.fixture
def locked(contract_db):
    """cockpit.grid_case locked ACCESS EXCLUSIVE by another session (a VACUUM FULL, a migration)."""
    conn = contract_db.connect()
    conn.exec_driver_sql("LOCK TABLE cockpit.grid_case IN ACCESS EXCLUSIVE MODE")
    yield contract_db
    conn.rollback()
    conn.close()


def test_a_locked_table_fails_its_own_query_fast_as_a_timeout(locked, tmp_path):
    write_query(tmp_path, "t.cases", "SELECT count(*) AS n FROM cockpit.grid_case")
    write_query(tmp_path, "t.towns", "SELECT count(*) AS n FROM cockpit.town")
    gw = make_gateway(url_of(locked), tmp_path, statement_timeout_ms=6000)
    try:
        started = time.perf_counter()
        assert gw.run("t.towns").df["n"].tolist() == [0]
        assert time.perf_counter() - started < 1.5
        outcome, elapsed = timed(lambda: gw.run("t.cases"), 30)
        print(f"query on a locked table failed after {elapsed:.1f} s")
        assert isinstance(outcome, DataUnavailable) and outcome.kind == "timeout", outcome
        assert "lock" in str(outcome) and elapsed < 5  # the lock timeout (2 s), well before the 6 s limit
        assert not gw.health.is_down and gw.health.error_kind == "timeout"
        started = time.perf_counter()
        gw.clock.now += 61
        assert not gw.run("t.towns").is_stale and time.perf_counter() - started < 1.5
    finally:
        gw.dispose()


def test_a_query_header_timeout_limits_that_query(contract_db, tmp_path):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "nap.sql").write_text(
        "-- name: t.nap\n-- grain: test\n-- params: none\n-- timeout: 300\nSELECT pg_sleep(1.5) AS slept",
        encoding="utf-8")
    gw = make_gateway(url_of(contract_db), tmp_path, statement_timeout_ms=5000)
    try:
        outcome, elapsed = timed(lambda: gw.run("t.nap"), 30)
        assert isinstance(outcome, DataUnavailable) and outcome.kind == "timeout" and elapsed < 1.2, (outcome, elapsed)
    finally:
        gw.dispose()


def test_twelve_cold_sessions_on_a_locked_table_do_not_starve_an_unrelated_query(locked, tmp_path):
    write_query(tmp_path, "t.cases", "SELECT count(*) AS n FROM cockpit.grid_case WHERE CAST(:n AS int) >= 0",
                params="n")
    write_query(tmp_path, "t.towns", "SELECT count(*) AS n FROM cockpit.town")
    gw = make_gateway(url_of(locked), tmp_path, statement_timeout_ms=5000)
    outcomes: list = []
    barrier = threading.Barrier(12)

    def session(i: int) -> None:  # a cold page: prefetch its header, then ask for it
        barrier.wait()
        gw.prefetch(("t.cases", {"n": i}), ("t.cases", {"n": 100 + i}))
        for n in (i, 100 + i):
            try:
                outcomes.append(gw.run("t.cases", n=n))
            except DataUnavailable as exc:
                outcomes.append(exc)

    threads = [threading.Thread(target=session, args=(i,), daemon=True) for i in range(12)]
    try:
        for t in threads:
            t.start()
        with locked.connect() as conn:  # wait until the sessions are stuck on the lock
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and conn.execute(sa.text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database()")).scalar() < 10:
                time.sleep(0.05)
        started = time.perf_counter()
        assert gw.run("t.towns").df["n"].tolist() == [0]
        elapsed = time.perf_counter() - started
        print(f"unrelated query answered in {elapsed:.2f} s beside 12 sessions stuck on a locked table")
        assert elapsed < 1.5
        for t in threads:
            t.join(30)
        assert not any(t.is_alive() for t in threads)
        assert len(outcomes) == 24
        assert all(isinstance(o, DataUnavailable) and o.kind == "timeout" for o in outcomes), outcomes
        assert not gw.health.is_down
    finally:
        gw.dispose()


# -- failures say what they are, and are logged once -----------------------------------------------------
@pytest.fixture
def toggle(contract_db):
    with contract_db.begin() as conn:
        conn.execute(sa.text("CREATE TABLE public.toggle (v integer); INSERT INTO public.toggle VALUES (1)"))
    return contract_db


def set_toggle(engine: sa.Engine, value: int) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE public.toggle SET v = :v"), {"v": value})


def test_an_sql_error_is_the_querys_own_failure_not_the_databases(toggle, tmp_path):
    write_query(tmp_path, "t.ratio", "SELECT 10 / v AS x FROM public.toggle WHERE CAST(:k AS int) > 0", params="k")
    write_query(tmp_path, "t.broken", "SELECT 1 / 0 AS x")
    gw = make_gateway(url_of(toggle), tmp_path)
    try:
        with pytest.raises(DataUnavailable) as caught:
            gw.run("t.broken")
        assert caught.value.kind == "error" and "division by zero" in str(caught.value)
        good = gw.run("t.ratio", k=1)
        set_toggle(toggle, 0)
        gw.clock.now += 61
        stale = gw.run("t.ratio", k=1)
        assert stale.is_stale and stale.error_kind == "error" and stale.df.equals(good.df)
        assert not gw.health.is_down and gw.health.error_kind == "error"
    finally:
        gw.dispose()


def test_a_failing_query_is_logged_once_with_its_parameters_and_its_recovery(toggle, tmp_path, caplog):
    write_query(tmp_path, "t.ratio", "SELECT 10 / v AS x FROM public.toggle WHERE CAST(:k AS int) > 0", params="k")
    gw = make_gateway(url_of(toggle), tmp_path, retry_after_seconds=5)
    set_toggle(toggle, 0)
    caplog.set_level(logging.DEBUG, logger="cockpit.gateway")
    try:
        for _ in range(4):
            with pytest.raises(DataUnavailable):
                gw.run("t.ratio", k=7)
            gw.clock.now += 6
        set_toggle(toggle, 5)
        assert gw.run("t.ratio", k=7).df["x"].tolist() == [2]
        gw.clock.now += 61
        gw.run("t.ratio", k=7)
    finally:
        gw.dispose()
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    messages = [r.getMessage() for r in records]
    assert len(messages) == 2, messages
    assert "t.ratio" in messages[0] and "k=7" in messages[0] and "division by zero" in messages[0]
    assert "recovered" in messages[1] and "t.ratio" in messages[1]
    assert not any("SELECT" in r.getMessage() for r in caplog.records), "no SQL text in the log"


def test_an_outage_is_logged_once_not_per_query_and_retry(contract_db, proxy, tmp_path, caplog):
    for i in range(5):
        write_query(tmp_path, f"t.q{i}", f"SELECT {i} AS v")
    clock = Clock()
    gw = make_gateway(through(proxy, contract_db), tmp_path, clock=clock, retry_after_seconds=5)
    caplog.set_level(logging.INFO, logger="cockpit.gateway")
    try:
        for i in range(5):
            gw.run(f"t.q{i}")
        proxy.stop()  # connections cut, new ones refused
        for _ in range(3):
            clock.now += 61
            for i in range(5):
                assert gw.run(f"t.q{i}").is_stale
        proxy.start()
        clock.now += 61
        assert not any(gw.run(f"t.q{i}").is_stale for i in range(5))
    finally:
        gw.dispose()
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert sum("database unavailable" in m for m in messages) == 1, messages
    assert sum("available again" in m for m in messages) == 1, messages
    assert len(messages) <= 4, messages
    assert sum(len(m) for m in messages) < 2000


# -- the screens --------------------------------------------------------------------------------------
@pytest.fixture
def app_through_proxy(demo_url, proxy, monkeypatch):
    """The app reading the demo database through the TCP proxy, with a fresh runtime."""
    from cockpit import runtime
    url = via(sa.make_url(demo_url), proxy.port).render_as_string(hide_password=False)
    monkeypatch.setenv("COCKPIT_DATABASE_URL", url)
    runtime.reset_runtime()
    yield runtime
    proxy.resume()
    runtime.reset_runtime()


def expire_all(gateway: Gateway) -> None:
    for entry in gateway._entries.values():
        entry.expires_at = 0


def test_wall_under_a_silent_network_shows_the_banner_in_time_and_recovers(app_through_proxy, proxy):
    from tests.pages.test_wall import html, run_wall

    at = run_wall(views="cases", layout="rotate")
    before = [m.value for m in at.markdown if "wall-tiles" in m.value]
    gateway = app_through_proxy.get_runtime().gateway
    proxy.go_silent()
    expire_all(gateway)
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    print(f"wall rerun under a silent network drew the banner after {elapsed:.1f} s")
    assert not at.exception and elapsed < 30
    assert "数据库连接中断" in html(at)
    assert [m.value for m in at.markdown if "wall-tiles" in m.value] == before, "the last good numbers stay"
    proxy.resume()
    gateway.health.last_unavailable_at -= gateway.retry_after_seconds  # the retry pause has passed
    for entry in gateway._entries.values():
        entry.expires_at = entry.retry_at = 0
    at.run()
    assert not at.exception and "数据库连接中断" not in html(at)


def test_a_page_beside_a_locked_table_says_which_figures_failed_not_that_the_database_is_down(app_env):
    from tests.pages.test_pages import run_app

    engine = sa.create_engine(app_env)
    conn = engine.connect()
    try:
        run_app()  # warm: lookups and the header are cached
        from cockpit import runtime
        gateway = runtime.get_runtime().gateway
        gateway.clear()
        conn.exec_driver_sql("LOCK TABLE cockpit.parking_violation IN ACCESS EXCLUSIVE MODE")
        started = time.perf_counter()
        at = run_app()
        elapsed = time.perf_counter() - started
        print(f"overview beside a locked table drawn in {elapsed:.1f} s")
    finally:
        conn.rollback()
        conn.close()
        engine.dispose()
    assert not at.exception
    assert not any("数据库暂时无法连接" in e.value for e in at.error), [e.value for e in at.error]
    assert any("查询超时或出错" in w.value for w in at.warning), [w.value for w in at.warning]
    labels = {m.label: m.value for m in at.metric}
    assert labels["本年受理"] not in ("—", ""), "figures that do not read the locked table are shown"
    assert not gateway.health.is_down


def test_check_warns_about_a_role_that_may_write(contract_db):
    """The gateway cannot write whatever the role may; `check` still tells the DBA to give it a read-only one."""
    import uuid

    from cockpit import check
    role = f"cockpit_rw_{uuid.uuid4().hex[:8]}"
    dbname = contract_db.url.database
    statements = [f"CREATE ROLE {role} LOGIN", f'GRANT CONNECT ON DATABASE "{dbname}" TO {role}',
                  f"GRANT USAGE ON SCHEMA cockpit TO {role}", f"GRANT SELECT ON ALL TABLES IN SCHEMA cockpit TO {role}",
                  f"GRANT INSERT ON cockpit.grid_case, cockpit.town TO {role}"]
    with contract_db.begin() as conn:
        for sql in statements:
            conn.exec_driver_sql(sql)
    try:
        url = contract_db.url.set(username=role, password=None).render_as_string(hide_password=False)
        report = check.check_database(url)
        roles = [f.message for f in report.warnings if f.subject == "role"]
        assert any(f"{role} may write to 2 contract relation(s)" in m for m in roles), report.render()
    finally:
        with contract_db.begin() as conn:
            conn.exec_driver_sql(f"DROP OWNED BY {role}")
            conn.exec_driver_sql(f'REVOKE ALL ON DATABASE "{dbname}" FROM {role}')
            conn.exec_driver_sql(f"DROP ROLE {role}")
