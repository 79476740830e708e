"""Shared fixtures: a real PostgreSQL for every test that needs one.

`COCKPIT_TEST_DATABASE_URL` may point at a server (any database on it; the tests create and drop
their own databases there). Without it the tests start the embedded server in a temporary folder
(a throwaway cluster, tuned for speed: no fsync).

Speed: the contract is applied once per pytest process, to a template database of the process's own
name; a `contract_db` is a copy of it (`CREATE DATABASE … TEMPLATE`) rather than a new database plus
the contract DDL. A `DROP DATABASE` waits for a checkpoint (seconds on a busy shared server), so a
contract database a test only wrote rows to is emptied, renamed and handed to the next test instead
(see `_ContractPool`: its catalogue must match the template's exactly, else it is dropped). Drops run
on a background thread; the session waits for them before it ends. The run prints how many databases
were copied, recycled and dropped.
"""

from __future__ import annotations

import atexit
import itertools
import os
import queue
import shutil
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from cockpit import db
from tests.factories import insert_rows  # noqa: F401 - re-exported for tests

ROOT = Path(__file__).resolve().parent.parent

# Settings for the throwaway embedded cluster only (never for a server given by the environment):
# its data is gone after the run, so durability is not worth a disk flush per commit and checkpoint.
FAST_CLUSTER_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    """A URL to a maintenance database on a real server, with the right to create databases."""
    url = os.environ.get("COCKPIT_TEST_DATABASE_URL", "").strip()
    if url:
        return db.normalise_url(url)
    # not under pytest's basetemp: a second pytest run on the machine rotates those directories away,
    # and with them a running cluster. Removed at exit, after the server's own stop (atexit is LIFO).
    data_dir = Path(tempfile.mkdtemp(prefix="cockpit-test-pg-"))
    atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    url = db.embedded_url(data_dir)
    _tune_throwaway_cluster(url, data_dir)
    return url


def _tune_throwaway_cluster(url: str, data_dir: Path) -> None:
    """Turn off durability on the embedded test cluster, if it is the one in `data_dir` (the process's
    embedded server may have been started elsewhere first; that one is left as it is)."""
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            directory = Path(conn.execute(sa.text("SHOW data_directory")).scalar()).resolve()
            if directory != data_dir.resolve():
                return
            for name, value in FAST_CLUSTER_SETTINGS.items():
                conn.exec_driver_sql(f"ALTER SYSTEM SET {name} = '{value}'")
            conn.execute(sa.text("SELECT pg_reload_conf()"))
    finally:
        engine.dispose()


# -- creating and dropping databases ---------------------------------------------------------------
_counter = itertools.count()
_admin_engines: dict[str, sa.Engine] = {}
_admin_lock = threading.Lock()


def _admin(admin_url: str) -> sa.Engine:
    """One autocommit engine per maintenance URL for the whole run (a new connection costs time too)."""
    with _admin_lock:
        engine = _admin_engines.get(admin_url)
        if engine is None:
            engine = _admin_engines[admin_url] = sa.create_engine(
                admin_url, isolation_level="AUTOCOMMIT", pool_size=2, max_overflow=2, pool_pre_ping=True)
        return engine


def _url_of(admin_url: str, name: str) -> str:
    return sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _new_name() -> str:
    return f"cockpit_test_{os.getpid()}_{next(_counter)}_{uuid.uuid4().hex[:6]}"


def _create_database(admin_url: str, template: str | None = None) -> str:
    """A new database on the server of `admin_url` (a copy of `template` if given); returns its URL."""
    name = _new_name()
    sql = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
    with _admin(admin_url).connect() as conn:
        conn.execute(sa.text(sql))
    return _url_of(admin_url, name)


# the template of each demo database handed out (demo_url -> name of its template)
_demo_templates: dict[str, str] = {}


def demo_copy(admin_url: str, demo_url: str) -> str:
    """A new database holding the small demo's rows, for a test that changes them: a copy (CREATE DATABASE …
    TEMPLATE) of the template `demo_url` was copied from, which nobody connects to, so the copy always
    succeeds; else (a `demo_url` of no template) a copy of `demo_url` when no session is on it, or a fresh
    load of the same size. Dropped by the caller."""
    template = _demo_templates.get(demo_url)
    if template:
        return _create_database(admin_url, template=template)
    try:
        return _create_database(admin_url, template=sa.make_url(demo_url).database)
    except sa.exc.DBAPIError:  # the template is in use
        from cockpit.demo.load import load_demo

        url = _create_database(admin_url)
        load_demo(url, days=DEMO_DAYS, scale=DEMO_SCALE)
        return url


def _drop_database(admin_url: str, url: str) -> None:
    name = sa.make_url(url).database
    with _admin(admin_url).connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


class _Background:
    """One thread that runs the clean-up of finished tests (drops, recycling) while the next test runs;
    `wait()` returns when every job asked for is done. Errors are kept and reported at the end."""

    def __init__(self) -> None:
        self._queue: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.errors: list[str] = []

    def submit(self, job, *args) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="test-db-cleanup", daemon=True)
                self._thread.start()
        self._queue.put((job, args))

    def _run(self) -> None:
        while True:
            job, args = self._queue.get()
            try:
                job(*args)
            except Exception as exc:  # noqa: BLE001 - reported at the end of the run
                self.errors.append(f"{job.__name__}{args[1:]}: {str(exc).splitlines()[0][:200]}")
            finally:
                self._queue.task_done()

    def wait(self) -> None:
        self._queue.join()


_background = _Background()


def _drop_later(admin_url: str, url: str) -> None:
    _background.submit(_drop_database, admin_url, url)


# -- recycling contract databases ---------------------------------------------------------------------
# A `DROP DATABASE` waits for a checkpoint, which on a busy shared server takes seconds. So a contract
# database a test is done with is reused when the test changed only rows: its catalogue must be exactly
# the template's (a fingerprint of every per-database catalogue row of user objects, every ACL and the
# database's own settings); its tables are then truncated, its materialised views refreshed and it is
# renamed, so that the next test still gets a new, unique, empty database. Anything else is dropped.
FIRST_USER_OID = 16384  # PostgreSQL's FirstNormalObjectId: objects below it come with initdb
_PG_CLASS_STABLE = ("oid, relname, relnamespace, reltype, reloftype, relowner, relam, reltablespace, "
                    "reltoastrelid, relisshared, relpersistence, relkind, relnatts, relchecks, relhasrules, "
                    "relhastriggers, relhassubclass, relrowsecurity, relforcerowsecurity, relispopulated, "
                    "relreplident, relispartition, relacl, reloptions, relpartbound")
_USER_SCHEMAS = ("n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' "
                 "AND n.nspname NOT LIKE 'pg_temp%'")


def _fingerprint_sql(conn) -> str:
    """One statement giving an md5 of the database's catalogue as far as a test can change it."""
    return "SELECT md5(" + " || ".join(f"coalesce({p}, '-')" for p in _fingerprint_parts(conn)) + ")"


def _fingerprint_parts(conn) -> list[str]:
    """Scalar subqueries, one per catalogue (or part of one), each an md5 of its rows."""
    catalogues = conn.execute(sa.text(
        "SELECT c.relname, "
        "       EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'oid'), "
        "       (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum = 1) "
        "FROM pg_class c WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relkind = 'r' "
        "AND NOT c.relisshared AND c.relname NOT IN ('pg_class', 'pg_statistic', 'pg_statistic_ext_data') "
        "ORDER BY 1")).all()
    # pg_class without what truncating, analysing or vacuuming changes (file node, sizes, xids)
    parts = [f"(SELECT md5(coalesce(string_agg(ROW({_PG_CLASS_STABLE})::text, '|' ORDER BY oid), '')) "
             f"FROM pg_catalog.pg_class)"]
    for name, has_oid, first in catalogues:
        if has_oid and name != "pg_namespace":
            where, order = f"t.oid >= {FIRST_USER_OID}", "t.oid"
        elif name == "pg_namespace":  # every schema (a test may grant or revoke on public) but the
            # temporary ones, which stay once a session needed one
            where = "t.nspname NOT LIKE 'pg\\_temp\\_%' AND t.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'"
            order = "t.oid"
        elif name == "pg_depend":
            where, order = f"t.objid >= {FIRST_USER_OID} OR t.refobjid >= {FIRST_USER_OID}", "t::text"
        else:
            where, order = f"t.{first}::oid >= {FIRST_USER_OID}", "t::text"
        parts.append(f"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY {order}), '')) "
                     f"FROM pg_catalog.{name} t WHERE {where})")
    # privileges granted on objects that come with initdb
    for name, acl in (("pg_proc", "proacl"), ("pg_type", "typacl"), ("pg_language", "lanacl")):
        parts.append(f"(SELECT md5(coalesce(string_agg(t.oid::text || ':' || t.{acl}::text, '|' "
                     f"ORDER BY t.oid), '')) FROM pg_catalog.{name} t WHERE t.{acl} IS NOT NULL)")
    parts.append("(SELECT concat_ws('|', datdba, encoding, datcollate, datctype, datistemplate, "
                 "datallowconn, datconnlimit, datacl) FROM pg_database WHERE datname = current_database())")
    parts.append("(SELECT coalesce(string_agg(setrole::text || ':' || setconfig::text, '|' "
                 "ORDER BY setrole), '') FROM pg_db_role_setting WHERE setdatabase = "
                 "(SELECT oid FROM pg_database WHERE datname = current_database()))")
    return parts


def _user_relations(conn, kinds: str) -> list[str]:
    return conn.execute(sa.text(
        f"SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c "
        f"JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ({kinds}) AND {_USER_SCHEMAS} "
        f"ORDER BY 1")).scalars().all()


def _direct_engine(url: str) -> sa.Engine:
    return sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool,
                            connect_args={"connect_timeout": 10})


class _ContractPool:
    """Contract databases ready for a test: fresh copies of the template or recycled ones."""

    def __init__(self, admin_url: str, template: str) -> None:
        self.admin_url, self.template = admin_url, template
        self._ready: list[str] = []
        self._pending = 0  # databases given back and not yet recycled or dropped
        self._changed = threading.Condition()
        self.fingerprint: str | None = None  # of a fresh copy; None: recycling is off
        self.recycled = self.copied = self.dropped = 0
        self.recycle_seconds = 0.0
        first = _create_database(admin_url, template=template)
        engine = _direct_engine(first)
        try:
            with engine.connect() as conn:
                self._fingerprint = _fingerprint_sql(conn)
                # emptying gives back the template only if the template holds no rows (no page even)
                tables_empty = not conn.execute(sa.text(
                    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    f"WHERE c.relkind = 'r' AND {_USER_SCHEMAS} AND pg_relation_size(c.oid) > 0")).scalar()
                views_empty = all(not conn.execute(sa.text(f"SELECT EXISTS (SELECT 1 FROM {v})")).scalar()
                                  for v in _user_relations(conn, "'m'"))
                if tables_empty and views_empty:
                    self.fingerprint = conn.execute(sa.text(self._fingerprint)).scalar()
        finally:
            engine.dispose()
        self.copied += 1
        self._ready.append(first)

    def take(self) -> str:
        """A database for a test: a recycled one (waiting for one being recycled, which is quicker than a
        copy that must be dropped later), else a new copy of the template."""
        deadline = time.monotonic() + 60
        with self._changed:
            while not self._ready and self._pending and time.monotonic() < deadline:
                self._changed.wait(timeout=1.0)
            if self._ready:
                return self._ready.pop()
        self.copied += 1
        return _create_database(self.admin_url, template=self.template)

    def give_back(self, url: str) -> None:
        with self._changed:
            self._pending += 1
        _background.submit(self._recycle, url)

    def _recycle(self, url: str) -> None:
        started = time.monotonic()
        new = None
        try:
            if self.fingerprint is not None and self._reset(url):
                new = _url_of(self.admin_url, _new_name())
                try:
                    with _admin(self.admin_url).connect() as conn:
                        conn.execute(sa.text(f'ALTER DATABASE "{sa.make_url(url).database}" '
                                             f'RENAME TO "{sa.make_url(new).database}"'))
                except sa.exc.DBAPIError:  # someone connected again: not reusable
                    new = None
            if new is None:
                self.dropped += 1
                _drop_database(self.admin_url, url)
            else:
                self.recycled += 1
                self.recycle_seconds += time.monotonic() - started
        finally:
            with self._changed:
                if new is not None:
                    self._ready.append(new)
                self._pending -= 1
                self._changed.notify_all()

    def _reset(self, url: str) -> bool:
        """Empty the database if its catalogue is the template's; False if it is not (or cannot be)."""
        engine = _direct_engine(url)
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("SET lock_timeout = '5s'")
                conn.exec_driver_sql("SET statement_timeout = '60s'")
                # connections a test left open (the drop would end them too)
                conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                     "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
                # a closed session may still be dropping its temporary tables: wait until it is gone
                deadline = time.monotonic() + 30
                while conn.execute(sa.text("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                           "current_database() AND pid <> pg_backend_pid()")).scalar():
                    if time.monotonic() > deadline:
                        return False
                    time.sleep(0.02)
                if conn.execute(sa.text(self._fingerprint)).scalar() != self.fingerprint:
                    return False
                # only the tables a test wrote to (every table of the template is empty, size 0), with
                # those that refer to them; RESTART IDENTITY resets their sequences
                written = conn.execute(sa.text(
                    "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    f"WHERE c.relkind = 'r' AND {_USER_SCHEMAS} AND pg_relation_size(c.oid) > 0 "
                    "ORDER BY 1")).scalars().all()
                if written:
                    conn.exec_driver_sql(f"TRUNCATE {', '.join(written)} RESTART IDENTITY CASCADE")
                for sequence in _user_relations(conn, "'S'"):
                    conn.exec_driver_sql(f"ALTER SEQUENCE {sequence} RESTART")
                refreshed = False
                for view in _user_relations(conn, "'m'"):
                    # CONCURRENTLY deletes the rows in place (a plain refresh makes a new toast table,
                    # which the fingerprint would see); it needs a unique index, else: not reusable
                    if conn.execute(sa.text(f"SELECT EXISTS (SELECT 1 FROM {view})")).scalar():
                        conn.exec_driver_sql(f"REFRESH MATERIALIZED VIEW CONCURRENTLY {view}")
                        refreshed = True
                return not refreshed or conn.execute(sa.text(self._fingerprint)).scalar() == self.fingerprint
        except sa.exc.DBAPIError:
            return False
        finally:
            engine.dispose()

    def settle(self) -> None:
        """Wait until every database given back is recycled or dropped."""
        _background.wait()

    def close(self) -> None:
        _background.wait()
        while self._ready:
            _drop_database(self.admin_url, self._ready.pop())
        mean = self.recycle_seconds / self.recycled if self.recycled else 0.0
        _summaries.append(f"contract databases: {self.copied} copied from the template, {self.recycled} "
                          f"recycled ({mean:.2f} s each), {self.dropped} dropped after a change")


_pools: list[_ContractPool] = []
_summaries: list[str] = []


def pytest_terminal_summary(terminalreporter) -> None:
    for line in _summaries:
        terminalreporter.write_line(line)


@pytest.fixture(scope="session", autouse=True)
def _clean_up_at_the_end():
    """The run ends once every test database is dropped (before the embedded server stops)."""
    yield
    _background.wait()
    for pool in _pools:
        pool.close()
    _background.wait()
    for engine in _admin_engines.values():
        engine.dispose()
    assert not _background.errors, f"test databases not cleaned up: {_background.errors}"


@pytest.fixture(scope="session")
def contract_template(pg_admin_url) -> str:
    """The name of a database holding the empty contract, built once per pytest process, copied by
    `contract_db`. Nobody may connect to it (a copy needs a template without connections)."""
    name = f"cockpit_contract_template_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with _admin(pg_admin_url).connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        engine = db.make_engine(_url_of(pg_admin_url, name))
        try:
            db.apply_contract(engine)
        finally:
            engine.dispose()
        with _admin(pg_admin_url).connect() as conn:
            conn.execute(sa.text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false'))
        yield name
    finally:
        for pool in _pools:
            pool.close()
        _pools.clear()
        _drop_later(pg_admin_url, _url_of(pg_admin_url, name))


@pytest.fixture(scope="session")
def _contract_pool(pg_admin_url, contract_template) -> _ContractPool:
    pool = _ContractPool(pg_admin_url, contract_template)
    _pools.append(pool)
    return pool


@pytest.fixture
def empty_db(pg_admin_url):
    """A new, empty database (no contract); dropped afterwards."""
    url = _create_database(pg_admin_url)
    yield url
    _drop_later(pg_admin_url, url)


@pytest.fixture
def contract_db(_contract_pool):
    """A new database holding the empty contract (relations and checked views); yields an engine.
    (A copy of the session's template, or one a previous test used for rows only, emptied and renamed.)"""
    url = _contract_pool.take()
    engine = db.make_engine(url)
    yield engine
    engine.dispose()
    _contract_pool.give_back(url)


DEMO_DAYS = 21
DEMO_SCALE = 0.02


@pytest.fixture(scope="session")
def demo_template(pg_admin_url) -> str:
    """The name of a database holding the small generated demo (three weeks ending now), loaded once per
    pytest process; nobody may connect to it, so that `demo_url` and every `demo_copy` are copies of it."""
    from cockpit.demo.load import load_demo

    url = _create_database(pg_admin_url)
    name = sa.make_url(url).database
    try:
        load_demo(url, days=DEMO_DAYS, scale=DEMO_SCALE)
        with _admin(pg_admin_url).connect() as conn:
            conn.execute(sa.text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false'))
        yield name
    finally:
        _drop_later(pg_admin_url, url)


@pytest.fixture(scope="session")
def demo_url(pg_admin_url, demo_template):
    """A database holding the small demo (a copy of `demo_template`); read-only for the tests."""
    url = _create_database(pg_admin_url, template=demo_template)
    _demo_templates[url] = demo_template
    yield url
    _demo_templates.pop(url, None)
    _drop_later(pg_admin_url, url)


@pytest.fixture(scope="module")
def shared_app_env(demo_url):
    """The app on the demo database with one runtime (and cache) for a module's tests, as the pages of a
    server share it: for tests that run many views of the same data. A test using `app_env` in the same
    module resets it; the next one starts it again."""
    from cockpit import runtime
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COCKPIT_DATABASE_URL", demo_url)
        runtime.reset_runtime()
        yield demo_url
    runtime.reset_runtime()


@pytest.fixture
def app_env(demo_url, monkeypatch):
    """Point the app at the demo database, with a fresh runtime and cache."""
    from cockpit import runtime
    monkeypatch.setenv("COCKPIT_DATABASE_URL", demo_url)
    runtime.reset_runtime()
    yield demo_url
    runtime.reset_runtime()
