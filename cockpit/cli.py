"""Command line: `python -m cockpit demo load|feed`, `python -m cockpit check`, `python -m cockpit report`."""

from __future__ import annotations

import argparse
import logging
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cockpit", description="平湖综合执法指挥中心驾驶舱")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="demo database: load or feed generated data")
    demo_sub = demo.add_subparsers(dest="demo_command", required=True)
    load = demo_sub.add_parser("load", help="create the contract in an empty database and fill it")
    load.add_argument("--url", required=True, help="SQLAlchemy or postgresql:// URL of an empty database")
    load.add_argument("--days", type=int, default=365, help="days of history (default 365)")
    load.add_argument("--end", default=None, help="last day, YYYY-MM-DD (default: now)")
    load.add_argument("--seed", type=int, default=20261122, help="random seed (default 20261122)")
    load.add_argument("--scale", type=float, default=1.0, help="volume factor (default 1.0)")
    feed = demo_sub.add_parser("feed", help="append live events at a realistic rate")
    feed.add_argument("--url", required=True)
    feed.add_argument("--speed", type=float, default=1.0, help="time factor (default 1.0 = real time)")
    feed.add_argument("--seed", type=int, default=None)
    feed.add_argument("--duration", type=float, default=None, help="stop after this many seconds")

    soak = sub.add_parser("soak", help="wall-screen soak: memory and statements per refresh cycle")
    soak.add_argument("--url", required=True, help="database holding the data (read only)")
    soak.add_argument("--cycles", type=int, default=1000, help="refresh cycles (default 1000)")
    soak.add_argument("--sessions", type=int, default=1, help="wall sessions during the long run (default 1)")
    soak.add_argument("--compare-sessions", type=int, default=20,
                      help="sessions compared with 1 for statements per cycle (default 20)")
    soak.add_argument("--out", default=None, help="write the figures as JSON")

    bench = sub.add_parser("bench", help="benchmark every page: cold, warm, database floor, payload, naive, sharing")
    bench.add_argument("--url", default=None, help="database to measure (default: load a demo of --years)")
    bench.add_argument("--years", type=int, default=5, help="years of demo data when no --url (default 5)")
    bench.add_argument("--scale", type=float, default=1.0, help="demo volume factor (default 1.0)")
    bench.add_argument("--runs", type=int, default=3, help="runs per measurement; medians (default 3)")
    bench.add_argument("--pages", default=None,
                       help="comma-separated pages, `wall` for the wall views (default: every page and the wall)")
    bench.add_argument("--sessions", type=int, default=20, help="sessions compared with 1 (default 20)")
    bench.add_argument("--no-wall", action="store_true", help="skip the wall views")
    bench.add_argument("--no-naive", action="store_true", help="skip the naive pattern")
    bench.add_argument("--naive-all", action="store_true",
                       help="also the naive pattern reading whole tables (a cached-load dashboard, cold; one run)")
    bench.add_argument("--out", default=None, help="write the figures as JSON")

    check = sub.add_parser("check", help="check a database against the contract")
    check.add_argument("--url", required=True)
    check.add_argument("--max-age-hours", type=float, default=24.0,
                       help="newest rows older than this fail the freshness check (default 24)")
    check.add_argument("--max-bad-share", type=float, default=0.05,
                       help="share of bad rows above which a relation fails (default 0.05)")

    rollups = sub.add_parser("rollups", help="the rollups of contract/04: install or refresh (a nightly job)")
    rollups.add_argument("action", choices=("install", "refresh", "status"))
    rollups.add_argument("--url", required=True, help="database URL of a role that owns the rollups")

    report = sub.add_parser("report", help="weekly meeting pack: PPTX, XLSX and maps of one ISO week")
    report.add_argument("--week", default=None, help="ISO week, e.g. 2026-W47 (default: the last complete week)")
    report.add_argument("--out", required=True, help="folder to write the files to")
    report.add_argument("--url", default=None, help="database URL (default: $COCKPIT_DATABASE_URL)")
    report.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the pack (default zh)")
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    if args.command == "demo" and args.demo_command == "load":
        from cockpit.demo.load import run_load

        return run_load(args)
    if args.command == "demo" and args.demo_command == "feed":
        from cockpit.demo.feed import run_feed

        return run_feed(args)
    if args.command == "soak":
        from cockpit.soak import run_cli

        return run_cli(args)
    if args.command == "bench":
        from cockpit.bench import run_cli as run_bench

        return run_bench(args)
    if args.command == "check":
        from cockpit.check import run_check

        return run_check(args)
    if args.command == "rollups":
        return run_rollups(args)
    if args.command == "report":
        from cockpit.report import run_report

        return run_report(args)
    print(f"unknown command {args.command}", file=sys.stderr)
    return 2


def run_rollups(args) -> int:
    """`python -m cockpit rollups install|refresh|status --url URL`."""
    import time

    from cockpit import db

    engine = db.make_engine(db.normalise_url(args.url), pool_size=1, application_name="pinghu-cockpit-rollups")
    try:
        if not db.contract_present(engine):
            print(f"{db.redact(args.url)} does not hold the cockpit contract", file=sys.stderr)
            return 2
        if args.action == "install":
            db.apply_rollups(engine)
            print("rollups installed (contract/04_rollups.sql); refresh them: python -m cockpit rollups refresh")
            return 0
        if not db.rollups_present(engine):
            print("the rollups are not installed: python -m cockpit rollups install --url …", file=sys.stderr)
            return 2
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
