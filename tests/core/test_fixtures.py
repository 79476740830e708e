"""The database fixtures themselves: every `contract_db` is a new, empty database holding exactly the
contract, whether it was copied from the template or recycled from a test that only wrote rows."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from cockpit import db
from tests import conftest
from tests.factories import TOWN_A, insert_rows, seed_reference


def _names(admin_url: str) -> set[str]:
    with conftest._admin(admin_url).connect() as conn:
        return set(conn.execute(sa.text("SELECT datname FROM pg_database")).scalars())


def _fresh(pool) -> str:
    """A database from the pool once every pending clean-up is done."""
    pool.settle()
    return pool.take()


def test_contract_db_holds_the_contract_and_no_rows(contract_db):
    assert db.contract_present(contract_db)
    with contract_db.connect() as conn:
        tables = conn.execute(sa.text(
            "SELECT format('%I.%I', schemaname, relname) FROM pg_stat_user_tables")).scalars().all()
        assert len(tables) > 20
        assert [t for t in tables if conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()] == []


def test_a_database_used_for_rows_comes_back_empty_under_a_new_name(_contract_pool, pg_admin_url):
    pool = _contract_pool
    if pool.fingerprint is None:
        pytest.skip("the template holds rows: databases are never recycled")
    url = _fresh(pool)
    engine = db.make_engine(url)
    seed_reference(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("SELECT cockpit.refresh_rollups()")
        conn.exec_driver_sql("ANALYZE cockpit.town")
    engine.dispose()
    before = pool.recycled
    pool.give_back(url)
    again = _fresh(pool)
    assert pool.recycled == before + 1
    assert sa.make_url(again).database != sa.make_url(url).database
    assert sa.make_url(url).database not in _names(pg_admin_url)
    engine = db.make_engine(again)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM cockpit.town")).scalar() == 0
        assert conn.execute(sa.text("SELECT count(*) FROM cockpit.rollup_state")).scalar() == 0
    insert_rows(engine, "town", [{"town_code": TOWN_A, "name_zh": "当湖街道", "name_en": "Danghu",
                                  "seat_lat": 30.7, "seat_lon": 121.0, "boundary": None, "area_km2": 1.0}])
    engine.dispose()
    pool.give_back(again)


CHANGES = [
    "ALTER TABLE cockpit.town ADD COLUMN extra int",
    "DROP VIEW cockpit.data_quality",
    "CREATE TABLE public.scratch (a int)",
    "CREATE INDEX ON cockpit.town (name_en)",
    "GRANT SELECT ON cockpit.town TO PUBLIC",
    "GRANT CREATE ON SCHEMA public TO PUBLIC",
    "GRANT EXECUTE ON FUNCTION pg_catalog.pg_sleep(float8) TO PUBLIC",
    "CREATE SEQUENCE cockpit.scratch_seq",
    "CREATE TYPE cockpit.scratch_kind AS ENUM ('a')",
    "COMMENT ON TABLE cockpit.town IS 'changed'",
    "CREATE OR REPLACE FUNCTION cockpit.scratch() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    "ALTER DATABASE {db} SET work_mem = '8MB'",
    "REFRESH MATERIALIZED VIEW cockpit.parking_road_day WITH NO DATA",
]


@pytest.mark.parametrize("change", CHANGES)
def test_a_database_whose_catalogue_changed_is_dropped(_contract_pool, pg_admin_url, change):
    pool = _contract_pool
    url = _fresh(pool)
    name = sa.make_url(url).database
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(change.format(db=f'"{name}"'))
    engine.dispose()
    before = pool.recycled
    pool.give_back(url)
    pool.settle()
    assert pool.recycled == before, "a changed database is not reused"
    assert name not in _names(pg_admin_url)
