"""Shared fixtures: a real PostgreSQL for every test that needs one.

`COCKPIT_TEST_DATABASE_URL` may point at a server (any database on it; the tests create and drop
their own databases there). Without it the tests start the embedded server in a temporary folder.
"""

from __future__ import annotations

import itertools
import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from cockpit import db
from tests.factories import insert_rows  # noqa: F401 - re-exported for tests

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def pg_admin_url(tmp_path_factory) -> str:
    """A URL to a maintenance database on a real server, with the right to create databases."""
    url = os.environ.get("COCKPIT_TEST_DATABASE_URL", "").strip()
    if url:
        return db.normalise_url(url)
    return db.embedded_url(tmp_path_factory.mktemp("pgdata"))


_counter = itertools.count()


def _create_database(admin_url: str) -> str:
    name = f"cockpit_test_{os.getpid()}_{next(_counter)}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _drop_database(admin_url: str, url: str) -> None:
    name = sa.make_url(url).database
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def empty_db(pg_admin_url):
    """A new, empty database (no contract); dropped afterwards."""
    url = _create_database(pg_admin_url)
    yield url
    _drop_database(pg_admin_url, url)


@pytest.fixture
def contract_db(pg_admin_url):
    """A new database holding the empty contract (relations and checked views); yields an engine."""
    url = _create_database(pg_admin_url)
    engine = db.make_engine(url)
    db.apply_contract(engine)
    yield engine
    engine.dispose()
    _drop_database(pg_admin_url, url)


DEMO_DAYS = 21
DEMO_SCALE = 0.02


@pytest.fixture(scope="session")
def demo_url(pg_admin_url):
    """A database holding a small generated demo (three weeks ending now); read-only for the tests."""
    from cockpit.demo.load import load_demo

    url = _create_database(pg_admin_url)
    load_demo(url, days=DEMO_DAYS, scale=DEMO_SCALE)
    yield url
    _drop_database(pg_admin_url, url)


@pytest.fixture
def app_env(demo_url, monkeypatch):
    """Point the app at the demo database, with a fresh runtime and cache."""
    from cockpit import runtime

    monkeypatch.setenv("COCKPIT_DATABASE_URL", demo_url)
    runtime.reset_runtime()
    yield demo_url
    runtime.reset_runtime()
