"""`demo load` near real data: it loads only into an empty database or reloads an earlier demo, refuses
anything else without touching it, and a failure or an interrupt at any point (during COPY, while
indexing, while refreshing the rollups) leaves the catalogue exactly as it was. Also the embedded
bootstrap, which reloads a too-old demo through the same path."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from cockpit import db
from cockpit.demo import load as demo_load
from cockpit.demo.load import DemoLoadRefused, load_demo
from tests.conftest import _create_database, _drop_database

ROOT = Path(__file__).resolve().parents[2]
DAYS, SCALE = 2, 0.02  # the smallest demo that fills every relation the load copies


def execute(url: str, *statements: str) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
    finally:
        engine.dispose()


def scalar(url: str, sql: str):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql)).scalar()
    finally:
        engine.dispose()


def catalogue(url: str) -> list[tuple]:
    """Every schema of the user with its comment, and every relation (oid, name, kind) and routine in it:
    identical before and after means nothing was created, dropped or replaced."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(r"""
                SELECT n.nspname, coalesce(obj_description(n.oid, 'pg_namespace'), ''), 'relation',
                       c.oid::bigint, c.relname, c.relkind::text
                FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid
                WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
                UNION ALL
                SELECT n.nspname, coalesce(obj_description(n.oid, 'pg_namespace'), ''), 'routine',
                       p.oid::bigint, p.proname, p.prokind::text
                FROM pg_namespace n JOIN pg_proc p ON p.pronamespace = n.oid
                WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
                UNION ALL
                SELECT n.nspname, coalesce(obj_description(n.oid, 'pg_namespace'), ''), 'schema', n.oid::bigint, '', ''
                FROM pg_namespace n
                WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
                ORDER BY 1, 3, 5""")).all()]
    finally:
        engine.dispose()


def demo_rows(url: str) -> dict[str, int]:
    return {name: scalar(url, f"SELECT count(*) FROM cockpit.{name}")
            for name in ("contract_version", "grid_case", "waste_weighing", "parking_violation", "town")}


@pytest.fixture
def demo_db(pg_admin_url):
    """A database holding a small demo that an earlier load made (ended 3 days ago: stale for the app)."""
    url = _create_database(pg_admin_url)
    load_demo(url, days=DAYS, scale=SCALE, seed=5,
              end=dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(days=3))
    yield url
    _drop_database(pg_admin_url, url)


# -- refusals: nothing written ----------------------------------------------------------------------------------------
def test_a_foreign_table_in_schema_cockpit_and_a_view_on_it_are_refused_and_kept(empty_db):
    execute(empty_db,
            "CREATE FOREIGN DATA WRAPPER legacy_fdw",
            "CREATE SERVER legacy FOREIGN DATA WRAPPER legacy_fdw",
            "CREATE SCHEMA cockpit",
            "CREATE FOREIGN TABLE cockpit.legacy_orders (order_id bigint, placed_at timestamptz) SERVER legacy",
            "CREATE VIEW public.orders_by_day AS SELECT CAST(placed_at AS date) AS day, count(*) AS orders "
            "FROM cockpit.legacy_orders GROUP BY 1")
    before = catalogue(empty_db)
    with pytest.raises(DemoLoadRefused) as refused:
        load_demo(empty_db, days=DAYS, scale=SCALE)
    message = str(refused.value)
    assert message.startswith("refused: ") and "\n" not in message
    assert "schema cockpit that no demo load made (it holds 1 foreign table in schema cockpit " \
           "(e.g. cockpit.legacy_orders))" in message
    assert catalogue(empty_db) == before
    assert scalar(empty_db, "SELECT to_regclass('public.orders_by_day') IS NOT NULL")


def test_an_empty_schema_cockpit_that_no_load_made_is_refused(empty_db):
    execute(empty_db, "CREATE SCHEMA cockpit")
    before = catalogue(empty_db)
    with pytest.raises(DemoLoadRefused, match=r"schema cockpit that no demo load made \(it is empty\)"):
        load_demo(empty_db, days=DAYS, scale=SCALE)
    assert catalogue(empty_db) == before


def test_data_in_public_is_refused_and_allowed_beside_with_the_flag(empty_db):
    execute(empty_db,
            "CREATE TABLE public.orders (order_id bigint PRIMARY KEY, amount numeric)",
            "INSERT INTO public.orders VALUES (1, 10.5), (2, 20), (3, 7)",
            "CREATE VIEW public.big_orders AS SELECT * FROM public.orders WHERE amount > 8",
            "CREATE SCHEMA sales",
            "CREATE FUNCTION sales.tax(numeric) RETURNS numeric LANGUAGE sql AS 'SELECT $1 * 0.13'")
    before = catalogue(empty_db)
    with pytest.raises(DemoLoadRefused) as refused:
        load_demo(empty_db, days=DAYS, scale=SCALE)
    assert str(refused.value).endswith(
        "holds 1 table, 1 view, 1 function in schemas public, sales (e.g. public.orders); use an empty database "
        "(or --allow-other-schemas to load beside them)")
    assert catalogue(empty_db) == before

    counts = load_demo(empty_db, days=DAYS, scale=SCALE, allow_other_schemas=True)
    assert counts["grid_case"] > 0 and demo_rows(empty_db)["grid_case"] == counts["grid_case"]
    after = catalogue(empty_db)
    assert [r for r in after if r[0] != "cockpit"] == [r for r in before if r[0] != "cockpit"]
    assert scalar(empty_db, "SELECT string_agg(order_id || ':' || amount, ' ' ORDER BY order_id) "
                            "FROM public.big_orders") == "1:10.5 2:20"
    # the demo it made is a demo: a reload (with the flag, other schemas still there) replaces only it
    load_demo(empty_db, days=DAYS, scale=SCALE, seed=9, allow_other_schemas=True)
    assert [r for r in catalogue(empty_db) if r[0] != "cockpit"] == [r for r in before if r[0] != "cockpit"]
    assert scalar(empty_db, "SELECT count(*) FROM public.orders") == 3


def test_the_cli_refuses_in_one_line_and_changes_nothing(empty_db):
    execute(empty_db, "CREATE TABLE public.orders (order_id bigint)")
    before = catalogue(empty_db)
    done = subprocess.run([sys.executable, "-m", "cockpit", "demo", "load", "--url", empty_db, "--days", "1",
                           "--scale", "0.01"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={k: v for k, v in os.environ.items() if k != "COCKPIT_DEBUG"})
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"refused: {db.redact(empty_db)} holds 1 table in schema public (e.g. public.orders); use an empty "
        "database (or --allow-other-schemas to load beside them)"]
    assert catalogue(empty_db) == before


# -- a demo is reloaded, and only the demo ---------------------------------------------------------------------------
def test_a_demo_marked_database_is_reloaded(demo_db):
    first = demo_rows(demo_db)
    counts = load_demo(demo_db, days=DAYS + 1, scale=SCALE, seed=6)
    again = demo_rows(demo_db)
    assert again["contract_version"] == 1 and again["grid_case"] == counts["grid_case"] != first["grid_case"]
    assert scalar(demo_db, "SELECT bool_and(is_demo) FROM cockpit.contract_version")
    assert scalar(demo_db, "SELECT max(reported_at) FROM cockpit.grid_case") > \
        dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=2)
    assert scalar(demo_db, "SELECT obj_description('cockpit'::regnamespace, 'pg_namespace')") == demo_load.DEMO_COMMENT
    assert scalar(demo_db, "SELECT count(*) FROM cockpit.rollup_state") == 1


def test_a_reload_that_would_drop_a_view_outside_the_demo_is_refused(demo_db):
    execute(demo_db, "CREATE VIEW public.my_cases AS SELECT case_id FROM cockpit.grid_case")
    before, rows = catalogue(demo_db), demo_rows(demo_db)
    with pytest.raises(DemoLoadRefused) as refused:
        load_demo(demo_db, days=DAYS, scale=SCALE, allow_other_schemas=True)
    assert "would also drop" in str(refused.value) and "view public.my_cases" in str(refused.value)
    assert catalogue(demo_db) == before and demo_rows(demo_db) == rows


def test_a_reload_keeps_a_table_a_user_added_to_the_demo_schema(demo_db):
    execute(demo_db, "CREATE TABLE cockpit.my_notes (note text)", "INSERT INTO cockpit.my_notes VALUES ('keep')")
    before, rows = catalogue(demo_db), demo_rows(demo_db)
    with pytest.raises(DemoLoadRefused, match=r"holds cockpit\.my_notes, which a demo load does not make"):
        load_demo(demo_db, days=DAYS, scale=SCALE)
    assert catalogue(demo_db) == before and demo_rows(demo_db) == rows
    assert scalar(demo_db, "SELECT note FROM cockpit.my_notes") == "keep"


# -- failures and interrupts at any point roll everything back -------------------------------------------------------
class Injected(Exception):
    pass


def failing_at(step: str, error: type[BaseException]):
    def progress(fraction: float, message: str) -> None:
        if message == step:
            raise error(f"injected at {step}")
    return progress


# "loading grid_case" is reported from inside the COPY of grid_case (after its first chunk); "indexing" and
# "rollups" come after every COPY, before the commit
STEPS = [("loading grid_case", Injected), ("loading grid_case", KeyboardInterrupt), ("indexing", Injected),
         ("rollups", KeyboardInterrupt)]


@pytest.mark.parametrize(("step", "error"), STEPS)
def test_a_failed_load_leaves_an_empty_database_empty(empty_db, step, error):
    before = catalogue(empty_db)
    with pytest.raises(error):
        load_demo(empty_db, days=DAYS, scale=SCALE, progress=failing_at(step, error))
    assert catalogue(empty_db) == before
    assert scalar(empty_db, "SELECT to_regnamespace('cockpit') IS NULL")


@pytest.mark.parametrize(("step", "error"), STEPS)
def test_a_failed_reload_leaves_the_old_demo_as_it_was(demo_db, step, error):
    before, rows = catalogue(demo_db), demo_rows(demo_db)
    with pytest.raises(error):
        load_demo(demo_db, days=DAYS, scale=SCALE, seed=8, progress=failing_at(step, error))
    assert catalogue(demo_db) == before and demo_rows(demo_db) == rows


def test_a_copy_step_that_raises_mid_copy_rolls_back(demo_db, monkeypatch):
    before, rows = catalogue(demo_db), demo_rows(demo_db)
    real = demo_load.frame_to_csv

    def frame_to_csv(frame):
        if "reported_at" in frame.columns:  # grid_case: several relations are in already
            raise OSError("disk full (injected)")
        return real(frame)

    monkeypatch.setattr(demo_load, "frame_to_csv", frame_to_csv)
    with pytest.raises(OSError, match="injected"):
        load_demo(demo_db, days=DAYS, scale=SCALE, seed=8)
    assert catalogue(demo_db) == before and demo_rows(demo_db) == rows


def test_ctrl_c_during_the_cli_load_rolls_back(empty_db):
    """A real SIGINT to `python -m cockpit demo load` while it copies: exit 130, nothing left behind."""
    before = catalogue(empty_db)
    proc = subprocess.Popen([sys.executable, "-m", "cockpit", "demo", "load", "--url", empty_db, "--days", "3",
                             "--scale", "0.05"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={k: v for k, v in os.environ.items() if k != "COCKPIT_DEBUG"})
    seen = b""
    try:
        while b"loading " not in seen:  # the bar says "loading <relation>" from inside a COPY
            chunk = proc.stderr.read1(4096)
            assert chunk, f"the load ended before copying: {seen[-300:]!r}"
            seen += chunk
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    lines = [line.strip() for line in (seen + err).decode().replace("\r", "\n").splitlines() if line.strip()]
    assert proc.returncode == 130, lines[-5:]
    assert lines[-2:] == ["demo load rolled back: the database is as it was", "interrupted"]
    assert not any("Traceback" in line for line in lines)
    assert catalogue(empty_db) == before


# -- the embedded bootstrap reloads a stale demo through the same path ------------------------------------------------
def bootstrap(url: str, monkeypatch):
    from cockpit import runtime
    monkeypatch.setattr(db, "embedded_url", lambda *a, **k: db.normalise_url(url))
    monkeypatch.setattr(runtime, "DEMO_DAYS", DAYS)
    monkeypatch.setattr(runtime, "DEMO_SCALE", SCALE)
    monkeypatch.setenv("COCKPIT_DEMO_FEED", "0")
    state = runtime.Runtime(is_embedded=True)
    runtime._bootstrap_embedded(state)
    if state.gateway is not None:
        state.gateway.dispose()
    return state


def test_the_embedded_bootstrap_reloads_a_stale_demo(demo_db, monkeypatch):
    stale = scalar(demo_db, "SELECT max(reported_at) FROM cockpit.grid_case")
    state = bootstrap(demo_db, monkeypatch)
    assert state.state == "ready", state.error
    assert scalar(demo_db, "SELECT max(reported_at) FROM cockpit.grid_case") > stale + dt.timedelta(days=2)


def test_the_embedded_bootstrap_never_drops_a_contract_no_demo_made(contract_db, monkeypatch):
    url = contract_db.url.render_as_string(hide_password=False)
    execute(url, "INSERT INTO cockpit.contract_version VALUES ('1.1.0', now() - interval '30 days', false)",
            "CREATE VIEW public.versions AS SELECT version FROM cockpit.contract_version")
    before = catalogue(url)
    state = bootstrap(url, monkeypatch)
    assert state.state == "failed" and state.error.startswith("refused: ")
    assert catalogue(url) == before
    assert scalar(url, "SELECT version FROM public.versions") == "1.1.0"
