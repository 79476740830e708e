"""The demo's recent days first: a load with `first_days` commits the last days (and the open rows) in a
first transaction, appends the older rows in a second, and ends with exactly the rows of one load; a
fill that was cut off is finished by `fill_history`, with the same rows again."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from cockpit import db
from cockpit.demo.generate import RELATION_ORDER
from cockpit.demo.load import SPLIT, YIELD_NICE, fill_history, load_demo, read_history, split_recent
from tests.conftest import _create_database, _drop_database

ROOT = Path(__file__).resolve().parents[2]
DAYS, FIRST, SCALE, SEED = 12, 3, 0.3, 11
NOW = dt.datetime(2026, 11, 30, 9, 15, tzinfo=dt.UTC)
END = NOW - dt.timedelta(minutes=1)
CUTOFF = END - dt.timedelta(days=FIRST)


def fingerprint(engine: sa.Engine) -> dict[str, tuple[int, str]]:
    """(rows, md5 of every row in order) of every relation of the demo and of its rollups."""
    out = {}
    with engine.connect() as conn:
        for name in (*RELATION_ORDER, "parking_road_day", "data_quality_day"):
            out[name] = tuple(conn.execute(sa.text(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
                f"FROM cockpit.{name} t")).one())
    return out


def older_rows(engine: sa.Engine) -> dict[str, int]:
    """Rows of each fact relation that the first transaction leaves to the fill."""
    out = {}
    with engine.connect() as conn:
        for name, (column, open_column) in SPLIT.items():
            still_open = f" AND {open_column} IS NOT NULL" if open_column else ""
            out[name] = conn.execute(sa.text(
                f"SELECT count(*) FROM cockpit.{name} WHERE {column} < :cut{still_open}"), {"cut": CUTOFF}).scalar()
    return out


@pytest.fixture(scope="module")
def one_load(pg_admin_url):
    """The reference: the same demo loaded in one transaction."""
    url = _create_database(pg_admin_url)
    load_demo(url, days=DAYS, end=END, seed=SEED, scale=SCALE, now=NOW)
    engine = db.make_engine(url)
    yield fingerprint(engine), older_rows(engine)
    engine.dispose()
    _drop_database(pg_admin_url, url)


def test_split_recent_keeps_the_last_days_the_open_rows_and_the_rows_without_a_time():
    cut = pd.Timestamp("2026-11-20T00:00:00Z")
    frame = pd.DataFrame({
        "case_id": [1, 2, 3, 4, 5],
        "reported_at": pd.to_datetime(["2026-11-19T23:59:59Z", "2026-11-20T00:00:00Z", None,
                                       "2026-11-01T08:00:00Z", "2026-11-02T08:00:00Z"], utc=True),
        "closed_at": pd.to_datetime(["2026-11-20T09:00:00Z", None, None, None, "2026-11-03T08:00:00Z"], utc=True),
    })
    recent, older = split_recent("grid_case", frame, cut.to_pydatetime())
    assert recent["case_id"].tolist() == [2, 3, 4]  # on the cut, without a time, still open
    assert older["case_id"].tolist() == [1, 5]
    reference, none = split_recent("town", frame, cut.to_pydatetime())
    assert reference is frame and none.empty


def test_recent_days_first_end_with_the_rows_of_one_load(pg_admin_url, one_load):
    reference, reference_older = one_load
    assert all(reference_older[name] > 0 for name in ("grid_case", "waste_weighing", "parking_violation"))
    url = _create_database(pg_admin_url)
    engine = db.make_engine(url)
    seen: dict = {}
    filled: list[tuple[float, str]] = []

    def first() -> None:  # what the pages can read once the first transaction is committed
        seen["older"] = older_rows(engine)
        seen["history"] = read_history(engine)
        seen["grid_case"] = fingerprint(engine)["grid_case"][0]

    try:
        counts = load_demo(url, days=DAYS, end=END, seed=SEED, scale=SCALE, now=NOW, first_days=FIRST,
                           on_first=first, history_progress=lambda f, m: filled.append((f, m)))
        assert seen["older"] == dict.fromkeys(SPLIT, 0)
        assert seen["history"].state == "filling" and seen["history"].cutoff == CUTOFF
        assert 0 < seen["grid_case"] < reference["grid_case"][0]
        assert filled[-1] == (1.0, "done") and any(m == "loading grid_case" for _, m in filled)
        assert fingerprint(engine) == reference
        assert counts == {name: reference[name][0] for name in RELATION_ORDER}
        assert read_history(engine).complete
        assert fill_history(url) == {}  # complete: nothing more to do
    finally:
        engine.dispose()
        _drop_database(pg_admin_url, url)


def test_a_fill_cut_off_is_finished_with_the_same_rows(pg_admin_url, one_load):
    reference, reference_older = one_load
    url = _create_database(pg_admin_url)
    engine = db.make_engine(url)

    def cut_off(fraction: float, message: str) -> None:
        if message == "loading waste_weighing":
            raise KeyboardInterrupt  # the server stopped while the history was filling

    try:
        with pytest.raises(KeyboardInterrupt):
            load_demo(url, days=DAYS, end=END, seed=SEED, scale=SCALE, now=NOW, first_days=FIRST,
                      history_progress=cut_off)
        assert older_rows(engine) == dict.fromkeys(SPLIT, 0)  # the fill's transaction rolled back whole
        assert read_history(engine).state == "filling"
        added = fill_history(url)
        assert added == reference_older
        assert fingerprint(engine) == reference
        assert read_history(engine).complete
    finally:
        engine.dispose()
        _drop_database(pg_admin_url, url)


# -- the embedded bootstrap: served on its recent days, the history behind them, in a process of its own --
def bootstrap(url: str, monkeypatch, first_days: int):
    """The embedded bootstrap on `url`; (runtime, terminal lines, what the pages could see when served)."""
    from cockpit import runtime

    monkeypatch.setattr(db, "embedded_url", lambda *a, **k: db.normalise_url(url))
    monkeypatch.setattr(runtime, "DEMO_DAYS", DAYS)
    monkeypatch.setattr(runtime, "DEMO_SCALE", SCALE)
    monkeypatch.setenv("COCKPIT_DEMO_FEED", "0")
    monkeypatch.setenv("COCKPIT_DEMO_FIRST_DAYS", str(first_days))
    served: dict = {}
    serve = runtime._serve

    def watched(state, *args):
        serve(state, *args)
        served.update(history=state.history, ready=state.ready, first_days=state.first_days)

    monkeypatch.setattr(runtime, "_serve", watched)
    out = io.StringIO()
    state = runtime.Runtime(is_embedded=True)
    runtime._bootstrap_embedded(state, runtime.TerminalProgress(stream=out))
    if state.gateway is not None:
        state.gateway.dispose()
    return state, [line.split("] ", 1)[1] for line in out.getvalue().splitlines()], served


def test_the_bootstrap_serves_the_recent_days_then_the_whole_history(empty_db, monkeypatch):
    state, lines, served = bootstrap(empty_db, monkeypatch, FIRST)
    assert state.state == "ready" and state.history == "complete", (state.error, lines)
    assert served == {"history": "filling", "ready": True, "first_days": FIRST}
    ready = lines.index(f"ready: the pages show the last {FIRST} days; the older history loads behind them")
    assert lines.index("the older history is in: the demo is complete") > ready
    assert any(line.startswith("older history ") and line.endswith("done") for line in lines[ready:])
    engine = db.make_engine(empty_db)
    try:
        assert read_history(engine).complete
        with engine.connect() as conn:  # the older days are in
            first_day = conn.execute(sa.text("SELECT min(reported_at) FROM cockpit.grid_case")).scalar()
        assert first_day < dt.datetime.now(dt.UTC) - dt.timedelta(days=DAYS - 1)
    finally:
        engine.dispose()


def test_the_next_start_finishes_a_history_the_last_one_left_out(empty_db, monkeypatch):
    def stopped(fraction: float, message: str) -> None:
        if message.startswith("loading"):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        load_demo(empty_db, days=DAYS, scale=SCALE, first_days=FIRST, history_progress=stopped)
    engine = db.make_engine(empty_db)
    try:
        left_out = sum(older_rows_since(engine, FIRST).values())
        assert left_out == 0
        state, lines, served = bootstrap(empty_db, monkeypatch, FIRST)
        assert state.state == "ready" and state.history == "complete", (state.error, lines)
        assert served["history"] == "filling"
        assert "the older history of the last start is not in yet: loading it" in lines
        assert read_history(engine).complete and sum(older_rows_since(engine, FIRST).values()) > 0
    finally:
        engine.dispose()


def older_rows_since(engine: sa.Engine, first_days: int) -> dict[str, int]:
    """Rows of each fact relation before the marker's cut-off."""
    cutoff = read_history(engine).cutoff
    with engine.connect() as conn:
        return {name: conn.execute(sa.text(f"SELECT count(*) FROM cockpit.{name} WHERE {column} < :cut"
                                           + (f" AND {open_column} IS NOT NULL" if open_column else "")),
                                   {"cut": cutoff}).scalar() for name, (column, open_column) in SPLIT.items()}


def test_the_fill_yields_the_processors_to_the_pages(demo_url):
    """In a process of its own (it lowers the priority of the process that calls it): the fill's process
    runs at nice 10, and so does its server process when that is a postgres of this user on this machine
    (the embedded demo's); another user's server is left alone."""
    script = (
        "import os, sys, psycopg\n"
        "from cockpit.demo.load import _yield_cpu, YIELD_NICE\n"
        "with psycopg.connect(sys.argv[1]) as conn, conn.cursor() as cur:\n"
        "    cur.execute('SELECT pg_backend_pid()'); pid = cur.fetchone()[0]\n"
        "    before = os.getpriority(os.PRIO_PROCESS, pid)\n"
        "    _yield_cpu(cur)\n"
        "    print(os.getpriority(os.PRIO_PROCESS, 0), before, os.getpriority(os.PRIO_PROCESS, pid),"
        " os.stat(f'/proc/{pid}').st_uid == os.getuid())\n")
    url = sa.make_url(demo_url).set(drivername="postgresql").render_as_string(hide_password=False)
    out = subprocess.run([sys.executable, "-c", script, url], capture_output=True, text=True, timeout=60,
                         cwd=ROOT, check=True).stdout.split()
    own, before, after, ours = int(out[0]), int(out[1]), int(out[2]), out[3] == "True"
    assert own == YIELD_NICE
    assert after == (YIELD_NICE if ours else before)
