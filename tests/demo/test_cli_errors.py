"""Every `python -m cockpit …` failure an operator can meet ends in one clear line on stderr and a
non-zero exit status, never a traceback: a closed port, a missing database, an unknown role, an
unwritable --out, a malformed or impossible week, and a week outside the data.

The commands run in this process (`cockpit.cli.main`, what `python -m cockpit` calls), as a fresh
interpreter would see them: without COCKPIT_DEBUG and COCKPIT_DATABASE_URL, logging set up by the command
itself onto stderr, argparse's exit taken as the exit status. Real `python -m cockpit` processes check
that the entry point gives the same status and lines, and the developer's traceback."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from cockpit import cli, db

from cockpit.meeting import weekly
from tests.factories import SH, case, insert_rows, seed_reference

ROOT = Path(__file__).resolve().parents[2]
HIDDEN_ENV = ("COCKPIT_DEBUG", "COCKPIT_DATABASE_URL")


@dataclass
class Done:
    """What a command left: its exit status and what it wrote (as `subprocess.CompletedProcess`)."""
    returncode: int
    stdout: str
    stderr: str


def python_m_cockpit(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """A real `python -m cockpit …` process."""
    env = {k: v for k, v in os.environ.items() if k not in HIDDEN_ENV}
    return subprocess.run([sys.executable, "-m", "cockpit", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env=env)


@contextlib.contextmanager
def _as_a_new_process():
    """os.environ without the variables a new process is not given, and a root logger without handlers
    (so that the command's own `logging.basicConfig` writes to stderr, as in a new process); both restored
    afterwards, the environment as a whole (a command may set variables)."""
    saved_env = dict(os.environ)
    for key in HIDDEN_ENV:
        os.environ.pop(key, None)
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    root.handlers.clear()
    try:
        yield
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        os.environ.clear()
        os.environ.update(saved_env)


def cockpit(*args: str) -> Done:
    """`python -m cockpit …` run in this process: `cli.main`, its exit status and its stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with _as_a_new_process(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(list(args))
        except SystemExit as exc:  # argparse's exit (a bad argument)
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return Done(code, out.getvalue(), err.getvalue())


def one_line(done) -> str:
    """The failure's line: exit status not 0, exactly one line on stderr, no traceback anywhere."""
    assert done.returncode != 0, done
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


@pytest.fixture(scope="module")
def closed_port() -> int:
    """A port nobody listens on: bound once, then closed."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def a_file(tmp_path) -> Path:
    """A regular file: a path under it cannot be written, not even by root."""
    path = tmp_path / "plain-file"
    path.write_text("x")
    return path


def server(admin_url: str, database: str, user: str | None = None) -> str:
    url = sa.make_url(admin_url).set(database=database)
    if user:
        url = url.set(username=user, password="wrong")
    return url.render_as_string(hide_password=False).replace("postgresql+psycopg://", "postgresql://")


COMMANDS = {  # every subcommand that reaches a database, with the least arguments it needs
    "demo load": ["demo", "load", "--days", "1", "--scale", "0.01"],
    "demo feed": ["demo", "feed", "--duration", "1"],
    "soak": ["soak", "--cycles", "1"],
    "bench": ["bench", "--runs", "1"],
    "rollups": ["rollups", "status"],
    "calendar": ["calendar", "--years", "2026"],
    "report": ["report", "--week", "2026-W01", "--out", "{tmp}"],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_a_closed_port_is_one_line(command, closed_port, tmp_path):
    url = f"postgresql://reader@127.0.0.1:{closed_port}/ops"
    args = [a.replace("{tmp}", str(tmp_path / "pack")) for a in COMMANDS[command]]
    line = one_line(cockpit(*args, "--url", url))
    assert line.startswith(f"cannot connect to postgresql+psycopg://reader@127.0.0.1:{closed_port}/ops: ")
    assert "Connection refused" in line


def test_check_reports_a_closed_port_in_its_report(closed_port):
    done = cockpit("check", "--url", f"postgresql://reader@127.0.0.1:{closed_port}/ops")
    assert done.returncode == 2 and "Traceback" not in done.stdout + done.stderr
    assert "cannot connect" in done.stdout and "Connection refused" in done.stdout


@pytest.mark.parametrize("command", ["demo load", "rollups", "calendar", "report"])
def test_a_missing_database_is_one_line(command, pg_admin_url, tmp_path):
    url = server(pg_admin_url, "cockpit_no_such_database")
    args = [a.replace("{tmp}", str(tmp_path / "pack")) for a in COMMANDS[command]]
    line = one_line(cockpit(*args, "--url", url))
    assert line.startswith('database missing: database "cockpit_no_such_database" does not exist'), line


def test_an_unknown_role_is_an_authentication_failure(pg_admin_url):
    line = one_line(cockpit("rollups", "status", "--url", server(pg_admin_url, "postgres", "cockpit_nobody")))
    assert line.startswith("authentication failed for ") and "cockpit_nobody" in line
    assert "wrong" not in line, "the password is never shown"


def test_a_database_without_the_contract_is_one_line(empty_db, tmp_path):
    for args in (COMMANDS["report"], COMMANDS["rollups"], COMMANDS["soak"], COMMANDS["calendar"]):
        args = [a.replace("{tmp}", str(tmp_path / "pack")) for a in args]
        line = one_line(cockpit(*args, "--url", empty_db))
        assert line == (f"{db.redact(empty_db)} does not hold the cockpit contract (no cockpit.contract_version): "
                        "create it from contract/*.sql, or see python -m cockpit check --url …")


def test_the_feed_writes_only_into_a_demo(contract_db):
    url = contract_db.url.render_as_string(hide_password=False)
    line = one_line(cockpit("demo", "feed", "--url", url, "--duration", "1"))
    assert line.startswith("refused: the feed writes generated events only into a demo database")
    assert "schema cockpit was not made by a demo load" in line


# -- unwritable output: refused before any work (a closed port would fail later) -----------------------------------
def test_an_unwritable_out_is_one_line(a_file, closed_port):
    url = f"postgresql://reader@127.0.0.1:{closed_port}/ops"
    line = one_line(cockpit("report", "--week", "2026-W01", "--out", str(a_file / "pack"), "--url", url))
    assert line == f"cannot write to {a_file / 'pack'}: Not a directory"
    line = one_line(cockpit("report", "--week", "2026-W01", "--out", str(a_file), "--url", url))
    assert line == f"cannot write to {a_file}: it exists and is not a folder"
    for command in ("soak", "bench"):
        line = one_line(cockpit(*COMMANDS[command], "--url", url, "--out", str(a_file / "figures.json")))
        assert line == f"cannot write to {a_file / 'figures.json'}: {a_file} is not a folder"


# -- weeks ------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("week", "expected"), [
    ("2026-W4x", "The week '2026-W4x' is not valid: write an ISO week such as 2026-W47."),
    ("2025-W53", "2025-W53 does not exist: that year has 52 weeks."),
    ("0999-W01", "The week '0999-W01' is not valid: write an ISO week such as 2026-W47."),
])
def test_a_bad_week_is_one_line_before_any_connection(week, expected, closed_port, tmp_path):
    done = cockpit("report", "--week", week, "--out", str(tmp_path), "--url",
                   f"postgresql://reader@127.0.0.1:{closed_port}/ops", "--lang", "en")
    assert one_line(done) == expected and done.returncode == 2


@pytest.fixture
def sparse(contract_db):
    """Cases on the Tuesday of the fourth and of the second week before the last complete one: a week
    before them, one between them (empty) and one after them."""
    now = dt.datetime.now(SH)
    last = weekly.last_complete_week(now)
    w2 = last.previous()
    w3 = w2.previous()
    w4 = w3.previous()
    seed_reference(contract_db)
    days = [w4.start + dt.timedelta(days=1), w2.start + dt.timedelta(days=1)]
    insert_rows(contract_db, "grid_case", [case(dt.datetime.combine(d, dt.time(10), SH)) for d in days])
    return contract_db.url.render_as_string(hide_password=False), days, {"gap": w3, "after": last}


def test_weeks_outside_the_data_are_refused(sparse, tmp_path):
    url, (first, last), weeks = sparse
    out = tmp_path / "pack"
    # before the earliest time any row may have (2000-01-01): not a week the cockpit reports on at all
    done = cockpit("report", "--week", "1900-W01", "--out", str(out), "--url", url, "--lang", "en")
    assert one_line(done) == "The week '1900-W01' is not valid: write an ISO week such as 2026-W47."
    done = cockpit("report", "--week", "2001-W01", "--out", str(out), "--url", url, "--lang", "en")
    assert one_line(done) == f"no data for week 2001-W01: the data begins {first:%Y-%m-%d}."
    done = cockpit("report", "--week", "2001-W01", "--out", str(out), "--url", url)
    assert one_line(done) == f"2001-W01 无数据：数据从 {first:%Y-%m-%d} 开始。"
    gap = weeks["gap"].label
    done = cockpit("report", "--week", gap, "--out", str(out), "--url", url, "--lang", "en")
    assert one_line(done) == f"no data for week {gap} (the data runs from {first:%Y-%m-%d} to {last:%Y-%m-%d})."
    after = weeks["after"].label
    done = cockpit("report", "--week", after, "--out", str(out), "--url", url, "--lang", "en")
    assert one_line(done) == f"no data for week {after}: the newest data is from {last:%Y-%m-%d}."
    assert not list(out.iterdir()), "no pack for a week without data"


def test_a_database_without_events_is_refused(contract_db, tmp_path):
    url = contract_db.url.render_as_string(hide_password=False)
    done = cockpit("report", "--out", str(tmp_path), "--url", url, "--lang", "en")
    label = weekly.last_complete_week(dt.datetime.now(SH)).label
    assert one_line(done) == f"no data for week {label}: the database holds no events yet."


# -- arguments and the developer's traceback ---------------------------------------------------------------------------
@pytest.mark.parametrize("args", [["demo", "load", "--url", "mysql://x/y"],
                                  ["demo", "load", "--url", "postgresql://x/y", "--days", "0"],
                                  ["demo", "load", "--url", "postgresql://x/y", "--end", "yesterday"],
                                  ["soak", "--url", "postgresql://x/y", "--cycles", "-3"],
                                  ["check", "--url", "postgresql://x/y", "--max-bad-share", "2"],
                                  ["calendar", "--url", "postgresql://x/y", "--years", "2027-2026"]])
def test_bad_arguments_are_refused_by_the_parser(args):
    line = one_line(done := cockpit(*args))
    assert done.returncode == 2
    assert line.startswith(f"python -m cockpit {args[0]}") and line.endswith("--help)")
    assert "argument " in line


def test_debug_shows_the_traceback(closed_port):
    url = f"postgresql://reader@127.0.0.1:{closed_port}/ops"
    done = python_m_cockpit("rollups", "status", "--url", url, "--debug")
    assert done.returncode == 2 and "Traceback" in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("cannot connect to ")


@pytest.mark.parametrize("args", [["soak", "--url", "postgresql://x/y", "--cycles", "-3"],
                                  ["demo", "feed", "--url", "{url}", "--duration", "1"]])
def test_python_m_cockpit_exits_as_main_returns(args, contract_db):
    """The real entry point: the exit status and the lines of `cli.main` in this process (a parser error,
    exit 2; a refusal, exit 1)."""
    url = contract_db.url.render_as_string(hide_password=False)
    args = [a.replace("{url}", url) for a in args]
    real, here = python_m_cockpit(*args), cockpit(*args)
    assert (real.returncode, real.stdout, real.stderr) == (here.returncode, here.stdout, here.stderr)
    assert real.returncode in (1, 2) and one_line(real)
