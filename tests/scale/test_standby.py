"""Reads from a standby: a real primary and its streaming standby (pg_basebackup -R), started here.

The queries go to the standby; when it stops, to the primary, without a failure or a stale figure; when
it is back, to the standby again."""

from __future__ import annotations

import shutil
import time

import pytest
import sqlalchemy as sa

from cockpit.gateway import Gateway
from tests.services import PgCluster, cluster_root


class Clock:
    def __init__(self) -> None:
        self.now = 3_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def clusters():
    root = cluster_root()
    primary = PgCluster(root, "primary").start()
    standby = None
    try:
        engine = sa.create_engine(primary.url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql("CREATE TABLE reading (x integer)")
            conn.exec_driver_sql("INSERT INTO reading VALUES (1), (2), (3)")
        engine.dispose()
        standby = PgCluster(root, "standby", primary=primary).start()
        yield primary, standby
    finally:
        for cluster in (standby, primary):
            if cluster is not None:
                cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def qdir(tmp_path):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "where.sql").write_text(
        "-- name: t.where\n-- grain: one row\n-- params: none\n-- ttl: 60\n"
        "SELECT pg_is_in_recovery() AS on_standby, count(*) AS n, sum(x) AS total FROM reading\n", encoding="utf-8")
    return tmp_path


def wait_replayed(standby: PgCluster, n: int) -> None:
    engine = sa.create_engine(standby.url())
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                with engine.connect() as conn:
                    if conn.exec_driver_sql("SELECT count(*) FROM reading").scalar() == n:
                        return
            except sa.exc.OperationalError:
                pass
            assert time.monotonic() < deadline, "the standby did not replay the primary's rows"
            time.sleep(0.1)
    finally:
        engine.dispose()


def test_queries_read_the_standby_and_fall_back_to_the_primary(clusters, qdir):
    primary, standby = clusters
    wait_replayed(standby, 3)
    clock = Clock()
    gateway = Gateway(primary.url(), standby_url=standby.url(), query_dir=qdir, clock=clock,
                      retry_after_seconds=0.5)
    try:
        first = gateway.run("t.where").df.iloc[0].to_dict()
        assert first == {"on_standby": True, "n": 3, "total": 6} and gateway.served == {"standby": 1, "primary": 0}
        # a row written on the primary reaches the readers through the standby
        engine = sa.create_engine(primary.url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql("INSERT INTO reading VALUES (4)")
        engine.dispose()
        wait_replayed(standby, 4)
        clock.now += 61
        assert gateway.run("t.where").df.iloc[0].to_dict() == {"on_standby": True, "n": 4, "total": 10}

        standby.kill()  # the standby is gone: the primary answers, the figure is current, nothing is down
        clock.now += 61
        result = gateway.run("t.where")
        assert result.df.iloc[0].to_dict() == {"on_standby": False, "n": 4, "total": 10}
        assert not result.is_stale and not gateway.health.is_down
        assert gateway.served == {"standby": 2, "primary": 1}
        clock.now += 61  # within the standby's pause: straight to the primary, no second attempt on it
        gateway.run("t.where")
        assert gateway.served == {"standby": 2, "primary": 2}

        standby.start()  # back: after the pause the standby answers again
        wait_replayed(standby, 4)
        time.sleep(0.6)
        clock.now += 61
        assert gateway.run("t.where").df.iloc[0].to_dict() == {"on_standby": True, "n": 4, "total": 10}
        assert gateway.served == {"standby": 3, "primary": 2} and gateway.executions == 5
    finally:
        gateway.dispose()


def test_without_a_standby_the_primary_answers(clusters, qdir):
    primary, _ = clusters
    gateway = Gateway(primary.url(), query_dir=qdir, clock=Clock())
    try:
        assert gateway.run("t.where").df.iloc[0].to_dict()["on_standby"] is False
        assert gateway.served == {"standby": 0, "primary": 1}
    finally:
        gateway.dispose()
