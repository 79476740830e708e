"""Command line: `python -m cockpit demo load|feed`, `soak`, `bench`, `check`, `rollups`, `calendar`, `report`,
`wall-token`, `serve`.

Every expected failure (database unreachable, authentication failed, database or contract missing,
output not writable, a bad argument, a refused load, a week without data) ends the command with one
clear line on stderr and a non-zero exit status, never a traceback: `main` is the one place that turns
exceptions into that line (`describe`). `--debug` (or COCKPIT_DEBUG=1) also prints the traceback.

Exit status: 0 done, 1 failed or refused, 2 bad arguments or no usable database, 130 interrupted.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import traceback
from pathlib import Path

from cockpit import settings
from cockpit.errors import CommandError, ensure_writable_dir, ensure_writable_file


# -- argument types: a bad value is an argparse error (one line, exit 2) ------------------------------
def _url(text: str) -> str:
    from cockpit import db
    try:
        db.normalise_url(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{exc} (give postgresql://user@host:port/database)") from None
    return text


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number: {text!r}")
    return value


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1: {text!r}")
    return value


def _years(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?", text or "")
    if not m:
        raise argparse.ArgumentTypeError(f"not a year or a span of years (YYYY or YYYY-YYYY): {text!r}")
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    if last < first or last - first > 50:
        raise argparse.ArgumentTypeError(f"not a span of at most 50 years, first to last: {text!r}")
    return first, last


def _end(text: str) -> str:
    from cockpit.demo.load import resolve_end

    try:
        resolve_end(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD) or ISO date-time: {text!r}") from None
    return text


class _Parser(argparse.ArgumentParser):
    """argparse with its error in one line (no usage block): `python -m cockpit soak: argument …`."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    # on each subcommand too (`report --debug`); SUPPRESS keeps a subcommand from resetting the main flag
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="print the traceback of a failure (also: COCKPIT_DEBUG=1)")
    parser = _Parser(prog="python -m cockpit", description="平湖综合执法指挥中心驾驶舱")
    parser.add_argument("--debug", action="store_true", default=False,
                        help="print the traceback of a failure (also: COCKPIT_DEBUG=1)")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="demo database: load or feed generated data")
    demo_sub = demo.add_subparsers(dest="demo_command", required=True)
    load = demo_sub.add_parser("load", parents=[common],
                               help="create the contract in an empty database and fill it")
    load.add_argument("--url", required=True, type=_url,
                      help="postgresql:// URL of an empty database (or of an earlier demo, reloaded)")
    load.add_argument("--days", type=_positive_int, default=365, help="days of history (default 365)")
    load.add_argument("--end", default=None, type=_end, help="last day, YYYY-MM-DD (default: now)")
    load.add_argument("--seed", type=int, default=20261122, help="random seed (default 20261122)")
    load.add_argument("--scale", type=_positive_float, default=1.0, help="volume factor (default 1.0)")
    load.add_argument("--allow-other-schemas", action="store_true",
                      help="load although other schemas hold tables or views (they are not touched); "
                           "schema cockpit must still be absent or an earlier demo's")
    feed = demo_sub.add_parser("feed", parents=[common], help="append live events at a realistic rate")
    feed.add_argument("--url", required=True, type=_url, help="a database a demo load made")
    feed.add_argument("--speed", type=_positive_float, default=1.0,
                      help="time factor (default 1.0 = real time)")
    feed.add_argument("--seed", type=int, default=None)
    feed.add_argument("--duration", type=_positive_float, default=None, help="stop after this many seconds")

    soak = sub.add_parser("soak", parents=[common],
                          help="wall-screen soak: memory and statements per refresh cycle")
    soak.add_argument("--url", required=True, type=_url, help="database holding the data (read only)")
    soak.add_argument("--cycles", type=_positive_int, default=1000, help="refresh cycles (default 1000)")
    soak.add_argument("--sessions", type=_positive_int, default=1,
                      help="wall sessions during the long run (default 1)")
    soak.add_argument("--compare-sessions", type=_positive_int, default=20,
                      help="sessions compared with 1 for statements per cycle (default 20)")
    soak.add_argument("--out", default=None, help="write the figures as JSON")

    bench = sub.add_parser("bench", parents=[common],
                           help="benchmark every page: cold, warm, database floor, payload, naive, sharing")
    bench.add_argument("--url", default=None, type=_url,
                       help="database to measure (default: load a demo of --years)")
    bench.add_argument("--years", type=_positive_int, default=5,
                       help="years of demo data when no --url (default 5)")
    bench.add_argument("--scale", type=_positive_float, default=1.0, help="demo volume factor (default 1.0)")
    bench.add_argument("--runs", type=_positive_int, default=3,
                       help="runs per measurement; medians (default 3)")
    bench.add_argument("--pages", default=None,
                       help="comma-separated pages, `wall` for the wall views, `screen` for the big screen's "
                            "refreshes, `browser` for every page drawn in headless Chromium, `floor` for what Streamlit "
                            "alone costs in that browser (an empty page, one chart, one map), `firststart` for a "
                            "new user's first start (default: every page and every stage)")
    bench.add_argument("--sessions", type=_positive_int, default=20,
                       help="sessions compared with 1 (default 20)")
    bench.add_argument("--no-wall", action="store_true", help="skip the wall views and the screen")
    bench.add_argument("--screen-refreshes", type=int, default=1000,
                       help="browser refreshes of the big screen for its JS heap (0: skip the browser; default 1000)")
    bench.add_argument("--no-browser", action="store_true",
                       help="skip the browser stage (pages drawn in headless Chromium)")
    bench.add_argument("--no-firststart", action="store_true",
                       help="skip the first start (an empty embedded data directory to figures and to the whole demo)")
    bench.add_argument("--no-naive", action="store_true", help="skip the naive pattern")
    bench.add_argument("--redis-url", default=None,
                       help="Redis of the replica figures (default COCKPIT_REDIS_URL, else a private redis-server)")
    bench.add_argument("--no-replicas", action="store_true", help="skip the replicas and the Redis latency")
    bench.add_argument("--naive-all", action="store_true",
                       help="also the naive pattern reading whole tables (a cached-load dashboard, cold; one run)")
    bench.add_argument("--out", default=None, help="write the figures as JSON")

    check = sub.add_parser("check", parents=[common], help="check a database against the contract")
    check.add_argument("--url", required=True, type=_url)
    check.add_argument("--max-age-hours", type=_positive_float, default=24.0,
                       help="newest rows older than this fail the freshness check (default 24)")
    check.add_argument("--max-bad-share", type=_share, default=0.05,
                       help="share of bad rows above which a relation fails (default 0.05)")

    rollups = sub.add_parser("rollups", parents=[common],
                             help="the rollups of contract/04: install or refresh (a nightly job)")
    rollups.add_argument("action", choices=("install", "refresh", "status"))
    rollups.add_argument("--url", required=True, type=_url,
                         help="database URL of a role that owns the rollups")

    calendar = sub.add_parser("calendar", parents=[common],
                              help="add the official holidays and make-up days the work calendar lacks")
    calendar.add_argument("--url", required=True, type=_url,
                          help="database URL of a role that may insert into cockpit.work_calendar")
    calendar.add_argument("--years", type=_years, default=None,
                          help="YYYY or YYYY-YYYY (default: the current and the next year)")

    report = sub.add_parser("report", parents=[common],
                            help="weekly meeting pack: PPTX, XLSX and maps of one ISO week")
    report.add_argument("--week", default=None,
                        help="ISO week, e.g. 2026-W47 (default: the last complete week)")
    report.add_argument("--out", required=True, help="folder to write the files to")
    report.add_argument("--url", default=None, type=_url,
                        help="database URL (default: $COCKPIT_DATABASE_URL)")
    report.add_argument("--lang", choices=("zh", "en"), default="zh",
                        help="language of the pack (default zh)")
    token = sub.add_parser("wall-token", help="a new device token for a wall display, and its settings entry")
    token.add_argument("--name", required=True, help="the display's name, e.g. hall-1 (letters, digits, - and _)")
    # listed for --help only: main() hands everything after `serve` to run_serve, options included
    serve = sub.add_parser("serve", help="start the cockpit: the embedded demo is built at once, then the web server",
                           description="Start the database (the embedded demo's is started and, on first run, "
                                       "loaded now, with its progress on the terminal, not on the first visit) "
                                       "and then `streamlit run streamlit_app.py` with the arguments given.")
    serve.add_argument("streamlit_args", nargs="*", metavar="STREAMLIT_OPTION",
                       help="passed to streamlit run as they are (e.g. --server.port 8501)")
    return parser


def _debug_requested(args) -> bool:
    return bool(getattr(args, "debug", False)) or _debug_setting()


def _debug_setting() -> bool:
    try:
        return settings.get().debug
    except settings.SettingsError:
        return False


def main(argv: list[str] | None = None) -> int:
    """Run one command; every failure ends in one line on stderr (see the module's docstring)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"] and not {"-h", "--help"} & set(argv[1:]):
        return run_serve(argv[1:])  # everything after `serve` is Streamlit's, options included
    args = build_parser().parse_args(argv)
    debug = _debug_requested(args)
    logging.basicConfig(level=logging.DEBUG if debug else logging.INFO,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return _dispatch(args)
    except KeyboardInterrupt:
        if debug:
            traceback.print_exc()
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the one place that turns a failure into one line
        if debug:
            traceback.print_exc()
        message, code = describe(exc, _target_url(args), getattr(args, "lang", "zh"))
        if not debug and code == 1 and not isinstance(exc, CommandError):
            message += " (run with --debug for the traceback)"
        print(message, file=sys.stderr)
        return code


def _target_url(args) -> str | None:
    return getattr(args, "url", None) or settings.get().database_url


def _dispatch(args) -> int:
    if getattr(args, "out", None):
        # before any work: a pack or figures that cannot be written are not worth computing
        (ensure_writable_dir if args.command == "report" else ensure_writable_file)(Path(args.out))
    if args.command == "demo" and args.demo_command == "load":
        from cockpit.demo.load import run_load

        return run_load(args)
    if args.command == "demo" and args.demo_command == "feed":
        from cockpit.demo.feed import run_feed
        from cockpit.demo.load import require_demo

        require_demo(args.url)  # the feed writes: only into a demo
        return run_feed(args)
    if args.command == "soak":
        from bench.soak import run_cli

        require_contract(args.url)
        return run_cli(args)
    if args.command == "bench":
        from bench.harness import run_cli as run_bench

        if args.url:
            require_contract(args.url)
        return run_bench(args)
    if args.command == "check":
        from cockpit.check import run_check

        return run_check(args)  # reports an unreachable database itself, as its first finding
    if args.command == "rollups":
        return run_rollups(args)
    if args.command == "calendar":
        return run_calendar(args)
    if args.command == "report":
        from cockpit.meeting.pack import run_report

        return run_report(args)
    if args.command == "wall-token":
        return run_wall_token(args)
    raise CommandError(f"unknown command {args.command}", 2)


def run_wall_token(args) -> int:
    """Print a fresh device token (it goes into the wall's URL or header) and the COCKPIT_WALL_DEVICES
    entry (name:sha256) that registers it; only the digest is ever stored."""
    from cockpit import identity

    name = args.name.strip()
    if not name or any(not (c.isalnum() or c in "-_") for c in name):
        raise CommandError("--name: letters, digits, - and _ only", 2)
    token, digest = identity.new_device_token()
    print(f"token: {token}")
    print(f"COCKPIT_WALL_DEVICES entry: {name}:{digest}")
    return 0


def run_serve(streamlit_args: list[str]) -> int:
    """The runtime first (with no database configured its bootstrap thread starts the embedded server and
    builds the demo while the web server comes up), then Streamlit in this same process, so the pages
    find the runtime already under way."""
    from cockpit.runtime import get_runtime

    get_runtime()  # before Streamlit's import (seconds): the embedded server starts meanwhile
    from streamlit.web import cli as streamlit_cli

    script = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
    extra = [a for a in streamlit_args if a != "--"]
    sys.argv = ["streamlit", "run", script, *extra]
    try:
        streamlit_cli.main()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def require_contract(url: str) -> None:
    """Connect (a failure raises the driver's error, which `describe` explains) and insist on the contract."""
    from cockpit import db
    engine = db.make_engine(url, pool_size=1, application_name="pinghu-cockpit-cli")
    try:
        if not db.contract_present(engine):
            raise CommandError(f"{db.redact(url)} does not hold the cockpit contract (no "
                               f"{db.CONTRACT_SCHEMA}.contract_version): create it from contract/*.sql, "
                               "or see python -m cockpit check --url …", 2)
    finally:
        engine.dispose()


# -- failures as one line ---------------------------------------------------------------------------
_BACKGROUND = re.compile(r"\(Background on this error at: [^)]*\)")


def _driver_text(exc: BaseException) -> str:
    """The driver's message on one line, without SQLAlchemy's wrapping (statement, parameters, link)."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).split("\n[SQL:")[0]
    text = _BACKGROUND.sub("", text)
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first or type(orig).__name__


def _connect_reason(text: str) -> str:
    """'connection failed: connection to server at "h", port 1 failed: Connection refused' -> 'Connection refused'."""
    reason = text.rsplit(" failed: ", 1)[-1] if " failed: " in text else text
    return re.sub(r"^(FATAL|ERROR):\s*", "", reason).strip()


def describe(exc: BaseException, url: str | None = None, lang: str = "zh") -> tuple[str, int]:
    """One line and an exit status for a failure of a command."""
    if isinstance(exc, CommandError):
        return str(exc), exc.exit_code
    weekly = sys.modules.get("cockpit.meeting.weekly")
    if weekly is not None and isinstance(exc, weekly.WeekError):
        return exc.message(lang if lang in ("zh", "en") else "zh"), 2
    import sqlalchemy as sa

    try:
        import psycopg
        driver_errors: tuple[type[BaseException], ...] = (sa.exc.DBAPIError, psycopg.Error)
    except ImportError:  # pragma: no cover - psycopg is a requirement
        driver_errors = (sa.exc.DBAPIError,)
    if isinstance(exc, driver_errors):
        return _database_error(exc, url)
    if isinstance(exc, sa.exc.ArgumentError):
        return f"not a usable database URL: {exc}", 2
    if isinstance(exc, OSError):
        name = exc.filename if exc.filename is not None else ""
        return f"cannot use {name}: {exc.strerror or exc}" if name else f"system error: {exc}", 1
    text = " ".join(str(exc).split()) or ""
    return f"failed: {type(exc).__name__}{': ' + text[:300] if text else ''}", 1


def _database_error(exc: BaseException, url: str | None) -> tuple[str, int]:
    from cockpit import db
    orig = getattr(exc, "orig", None) or exc
    sqlstate = getattr(orig, "sqlstate", None) or ""
    text = _driver_text(exc)
    low = text.lower()
    where = db.redact(url) if url else "the database"
    connecting = text.startswith("connection failed") or "connection to server" in low
    if sqlstate in ("28P01", "28000") or "authentication failed" in low or (
            connecting and "role" in low and "does not exist" in low):
        return f"authentication failed for {where}: {_connect_reason(text)}", 2
    if sqlstate == "3D000" or (connecting and "database" in low and "does not exist" in low):
        return f"database missing: {_connect_reason(text)} (on {where})", 2
    if connecting or sqlstate.startswith("08") or "could not translate host name" in low \
            or "resolve host" in low or "timeout expired" in low:
        return (f"cannot connect to {where}: {_connect_reason(text)} "
                "(is the server running and reachable from here?)"), 2
    if sqlstate in ("42P01", "3F000"):
        return (f"{where} does not hold the cockpit contract ({text}): create it from contract/*.sql, "
                "or see python -m cockpit check --url …"), 2
    if sqlstate == "42501":
        return f"permission denied on {where}: {text}", 2
    if sqlstate == "57014":
        return f"a query on {where} took too long and was cancelled: {text}", 1
    if sqlstate == "25006":
        return f"{where} is read-only for this command: {text}", 1
    return f"database error on {where}: {text}", 1


def run_rollups(args) -> int:
    """`python -m cockpit rollups install|refresh|status --url URL`."""
    import time

    from cockpit import db
    require_contract(args.url)
    engine = db.make_engine(db.normalise_url(args.url), pool_size=1, application_name="pinghu-cockpit-rollups")
    try:
        if args.action == "install":
            db.apply_rollups(engine)
            print("rollups installed (contract/04_rollups.sql); refresh them: python -m cockpit rollups refresh")
            return 0
        if not db.rollups_present(engine):
            raise CommandError("the rollups are not installed: python -m cockpit rollups install --url …", 2)
        if args.action == "refresh":
            started = time.monotonic()
            cut = db.refresh_rollups(engine)
            print(f"rollups refreshed in {time.monotonic() - started:.1f} s: complete before {cut}")
            return 0
        cut = db.rollup_cutoff(engine)
        print(f"rollups complete before {cut}" if cut else "rollups never refreshed: every figure is counted live")
        return 0
    finally:
        engine.dispose()


def run_calendar(args) -> int:
    """`python -m cockpit calendar --url URL [--years 2026-2027]`: add the official days (public holidays,
    make-up working days, ordinary days; chinese-calendar) that cockpit.work_calendar lacks, in one short
    transaction. A row that exists is never changed. Exit status 1 when a year could not be filled because
    the installed chinese-calendar does not hold its schedule yet."""
    import datetime as dt

    from cockpit import db, official_calendar
    require_contract(args.url)
    if args.years is None:
        this = dt.datetime.now(settings.SH).year
        first, last = this, this + 1
    else:
        first, last = args.years
    years = range(first, last + 1)
    engine = db.make_engine(db.normalise_url(args.url), pool_size=1, application_name="pinghu-cockpit-calendar")
    try:
        with engine.begin() as conn:
            added = official_calendar.fill(conn, years)
            missing = official_calendar.missing_days(conn, years)
    finally:
        engine.dispose()
    unknown = []
    for year in years:
        held = official_calendar.days_in_year(year) - missing[year]
        if added[year] is None:
            unknown.append(year)
            print(f"{year}: nothing added, the official schedule is not in {official_calendar.SOURCE}; "
                  f"the table holds {held} of its {official_calendar.days_in_year(year)} days (days it lacks "
                  "count as the standard week): upgrade chinese-calendar once the State Council has "
                  "published the year, or add its rows by hand")
        else:
            print(f"{year}: {added[year]} days added from {official_calendar.SOURCE}, "
                  f"{held - added[year]} already there (kept as they are)")
    return 1 if unknown else 0
