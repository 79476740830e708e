"""Benchmark: every page and wall view, cold and warm, against the database floor and the naive pattern.

    python -m cockpit bench [--url URL] [--years N] [--scale F] [--runs K] [--pages a,b] [--out FILE.json]

Without --url it loads N years of demo data (default 5) into a database of its own, `cockpit_bench_<N>y`,
on the server of COCKPIT_BENCH_ADMIN_URL / COCKPIT_TEST_DATABASE_URL, or on an embedded server, and
reuses it on the next run. Per page (the real script under streamlit.testing.v1.AppTest):
- cold: the shared cache emptied, then one run of the page; warm: the next run (cache filled); medians
  over --runs;
- floor: every statement the cold run sent, replayed with the same bind parameters under
  EXPLAIN (ANALYZE), planning + execution time summed: what the database itself needs;
- payload: bytes of every map (deck.gl JSON) and chart (plotly JSON) the page sends, and of all elements;
- naive (cases, parking): the same page written the usual way (cockpit/naive.py), cold;
- sharing: database statements per refresh cycle with 1 and with 20 sessions (every cached result
  expired between cycles).
It prints a table and writes everything as JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
NAIVE = {"cases": ROOT / "cockpit" / "naive_pages" / "cases.py",
         "parking": ROOT / "cockpit" / "naive_pages" / "parking.py"}
PAGES = ("overview", "cases", "drones", "waste", "parking", "market", "weekly", "about")
TARGET_WARM_S = 0.5
TARGET_PAYLOAD = 1_000_000
TARGET_NAIVE_FACTOR = 20.0


def page_script(page: str) -> str:
    return f"pages/{page}.py"


# ------------------------------------------------------------------ data
def prepare_database(url: str | None, years: int, scale: float) -> str:
    """The database to measure: `url` as is, or a demo of `years` years loaded once into its own database."""
    from cockpit import db

    if url:
        return db.normalise_url(url)
    admin = os.environ.get("COCKPIT_BENCH_ADMIN_URL") or os.environ.get("COCKPIT_TEST_DATABASE_URL")
    admin = db.normalise_url(admin) if admin else db.embedded_url(ROOT / ".cockpit-data" / "bench-pg")
    name = f"cockpit_bench_{years}y" + ("" if scale == 1.0 else f"_x{scale:g}".replace(".", "_"))
    target = sa.make_url(admin).set(database=name).render_as_string(hide_password=False)
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    if not exists or not _has_data(target):
        from cockpit.demo.load import load_demo

        print(f"loading {years} year(s) of demo data into {name} …", flush=True)
        load_demo(target, days=365 * years, scale=scale)
    return target


def _has_data(url: str) -> bool:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return bool(conn.execute(sa.text("SELECT EXISTS (SELECT 1 FROM cockpit.grid_case)")).scalar())
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        engine.dispose()


def relation_rows(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        names = [r[0] for r in conn.execute(sa.text(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'cockpit' "
            "AND table_type = 'BASE TABLE' ORDER BY table_name"))]
        counts = {n: int(conn.execute(sa.text(f'SELECT count(*) FROM cockpit."{n}"')).scalar()) for n in names}
        version = conn.execute(sa.text("SHOW server_version")).scalar()
    engine.dispose()
    counts["_server_version"] = version
    return counts


# ------------------------------------------------------------------ measuring one run
def _walk(node):
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _walk(child)


def payload(at) -> dict[str, int]:
    """Bytes the run sends: maps (deck.gl JSON), charts (plotly JSON), all elements."""
    maps_b, charts_b, biggest, total = 0, 0, 0, 0
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        total += proto.ByteSize()
        kind = type(proto).__name__
        if kind == "DeckGlJsonChart":
            size = len(proto.json.encode("utf-8"))
            maps_b += size
            biggest = max(biggest, size)
        elif kind == "PlotlyChart":
            charts_b += len(proto.spec.encode("utf-8"))
    return {"map_bytes": maps_b, "max_map_bytes": biggest, "chart_bytes": charts_b, "all_bytes": total}


def database_floor_ms(gateway, recorded: list[tuple[str, dict, float]]) -> tuple[float, list[dict]]:
    """Planning + execution time of each recorded statement under EXPLAIN (ANALYZE), summed."""
    details = []
    with gateway.engine.connect() as conn:
        conn.execute(sa.text("SELECT set_config('jit', 'off', true)"))  # as the gateway runs them
        for name, params, client_ms in recorded:
            sql = gateway.query(name).sql
            plan = conn.execute(sa.text(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}"), params).scalar()
            plan = plan if isinstance(plan, list) else json.loads(plan)
            server_ms = float(plan[0].get("Planning Time", 0.0)) + float(plan[0].get("Execution Time", 0.0))
            details.append({"query": name, "server_ms": round(server_ms, 2), "client_ms": round(client_ms, 2)})
        conn.rollback()
    return sum(d["server_ms"] for d in details), details


class Bench:
    """One runtime pointed at the database; pages run under AppTest against it."""

    def __init__(self, url: str) -> None:
        from cockpit import runtime

        os.environ["COCKPIT_DATABASE_URL"] = url
        os.environ["COCKPIT_DEMO_FEED"] = "0"
        runtime.reset_runtime()
        self.url = url
        self.gateway = runtime.get_runtime().gateway

    def _session(self, page: str | None, query: dict | None = None):
        from streamlit.testing.v1 import AppTest

        at = AppTest.from_file(APP, default_timeout=300)
        for key, value in (query or {}).items():
            at.query_params[key] = value
        at.run()
        if page and page != "overview":
            at.switch_page(page_script(page))
        return at

    def _timed_run(self, at) -> float:
        started = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - started
        if at.exception:
            raise RuntimeError(f"page failed: {[e.value for e in at.exception][:1]}")
        return elapsed

    def measure(self, page: str, runs: int, query: dict | None = None) -> dict:
        """Cold and warm medians, the floor of the cold run's statements, the payload."""
        at = self._session(page, query)
        colds, warms, recorded = [], [], []
        for _ in range(runs):
            self.gateway.clear()
            self.gateway.recorder = []
            colds.append(self._timed_run(at))
            recorded = self.gateway.recorder
            self.gateway.recorder = None
            warms.append(self._timed_run(at))
        floor_ms, details = database_floor_ms(self.gateway, recorded)
        return {"cold_s": statistics.median(colds), "warm_s": statistics.median(warms),
                "floor_ms": floor_ms, "statements": len(recorded), "queries": details, **payload(at)}

    def naive(self, page: str, runs: int, date_from: dt.date, date_to: dt.date) -> dict:
        from streamlit.testing.v1 import AppTest

        os.environ["COCKPIT_NAIVE_FROM"], os.environ["COCKPIT_NAIVE_TO"] = date_from.isoformat(), date_to.isoformat()
        times, at = [], None
        for _ in range(runs):
            at = AppTest.from_file(str(NAIVE[page]), default_timeout=600)
            times.append(self._timed_run(at))
        return {"cold_s": statistics.median(times), **payload(at)}

    _fake_now = time.time()

    def statements_per_cycle(self, page: str | None, sessions: int, query: dict | None = None) -> int:
        """Statements one refresh cycle costs with `sessions` sessions (every cached result expired)."""
        Bench._fake_now += 2 * 24 * 3600  # past every entry cached so far
        clock = [Bench._fake_now]
        self.gateway.clock = lambda: clock[0]
        try:
            ats = [self._session(page, query) for _ in range(sessions)]
            for at in ats:
                at.run()
            clock[0] += 24 * 3600  # every TTL has passed
            Bench._fake_now = clock[0]
            before = self.gateway.executions
            for at in ats:
                at.run()
            return self.gateway.executions - before
        finally:
            self.gateway.clock = time.time


def default_period() -> tuple[dt.date, dt.date]:
    from cockpit import filters, ui

    today = dt.datetime.now(ui.SH).date()
    return filters.default_period(today)


def run(url: str, *, runs: int = 3, pages: tuple[str, ...] = PAGES, wall: bool = True, naive: bool = True,
        sessions: int = 20) -> dict:
    from cockpit import wall as wall_mod

    bench = Bench(url)
    out: dict = {"pages": {}, "wall": {}, "naive": {}, "sharing": {}}
    for page in pages:
        if not (ROOT / page_script(page)).exists():
            continue
        print(f"  page {page} …", flush=True)
        out["pages"][page] = bench.measure(page, runs)
    if wall:
        for view in wall_mod.VIEWS:
            print(f"  wall {view} …", flush=True)
            out["wall"][view] = bench.measure(None, runs, {"mode": "wall", "views": view})
    if naive:
        date_from, date_to = default_period()
        for page in NAIVE:
            if page in out["pages"]:
                print(f"  naive {page} …", flush=True)
                out["naive"][page] = bench.naive(page, runs, date_from, date_to)
    if sessions > 1:
        targets = [(p, p, None) for p in ("cases", "parking") if p in out["pages"]]
        if wall:
            targets.append(("wall", None, {"mode": "wall", "views": "overview"}))
        for label, page, query in targets:
            print(f"  sharing {label} …", flush=True)
            out["sharing"][label] = {"1": bench.statements_per_cycle(page, 1, query),
                                     str(sessions): bench.statements_per_cycle(page, sessions, query)}
    return out


# ------------------------------------------------------------------ report
def verdicts(result: dict) -> dict[str, dict]:
    """Per page and wall view: each target met or not."""
    rows = {}
    for group in ("pages", "wall"):
        for name, m in result.get(group, {}).items():
            key = name if group == "pages" else f"wall:{name}"
            row = {"warm": m["warm_s"] < TARGET_WARM_S,
                   "cold": m["cold_s"] < 1.5 * m["floor_ms"] / 1000 + 0.5,
                   "payload": m["max_map_bytes"] < TARGET_PAYLOAD}
            naive = result.get("naive", {}).get(name) if group == "pages" else None
            if naive:
                row["naive_factor"] = naive["cold_s"] / m["cold_s"] if m["cold_s"] else None
                row["naive"] = row["naive_factor"] is not None and row["naive_factor"] >= TARGET_NAIVE_FACTOR
            rows[key] = row
    for name, s in result.get("sharing", {}).items():
        values = list(s.values())
        rows.setdefault(f"sharing:{name}", {})["sharing"] = len(set(values)) == 1
    return rows


def table(result: dict) -> str:
    verdict = verdicts(result)
    mark = {True: "ok", False: "MISS", None: ""}
    lines = [f"{'page':<16}{'cold s':>8}{'warm s':>8}{'floor ms':>10}{'stmts':>7}{'map KB':>8}{'charts KB':>10}"
             f"{'naive s':>9}{'×':>7}  targets"]
    for group in ("pages", "wall"):
        for name, m in result.get(group, {}).items():
            key = name if group == "pages" else f"wall:{name}"
            naive = result.get("naive", {}).get(name) if group == "pages" else None
            v = verdict[key]
            flags = " ".join(f"{k}:{mark[v.get(k)]}" for k in ("warm", "cold", "payload", "naive") if k in v)
            lines.append(f"{key:<16}{m['cold_s']:>8.2f}{m['warm_s']:>8.2f}{m['floor_ms']:>10.0f}{m['statements']:>7}"
                         f"{m['max_map_bytes'] / 1024:>8.0f}{m['chart_bytes'] / 1024:>10.0f}"
                         f"{(naive['cold_s'] if naive else float('nan')):>9.2f}"
                         f"{(v.get('naive_factor') or float('nan')):>7.1f}  {flags}")
    for name, s in result.get("sharing", {}).items():
        lines.append(f"statements per refresh cycle, {name}: " + ", ".join(f"{k} session(s) → {n}" for k, n in s.items())
                     + f"  {mark[verdict[f'sharing:{name}']['sharing']]}")
    return "\n".join(lines)


def run_cli(args) -> int:
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    url = prepare_database(args.url, args.years, args.scale)
    rows = relation_rows(url)
    pages = tuple(p.strip() for p in args.pages.split(",")) if args.pages else PAGES
    started = time.time()
    result = run(url, runs=args.runs, pages=pages, wall=not args.no_wall, naive=not args.no_naive,
                 sessions=args.sessions)
    result.update({
        "measured_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "platform": platform.platform(),
                    "postgres": rows.pop("_server_version")},
        "database": sa.make_url(url).database, "years": None if args.url else args.years, "runs": args.runs,
        "rows": rows, "seconds": round(time.time() - started, 1), "verdicts": verdicts(result),
    })
    print(f"rows: {sum(rows.values()):,} in {len(rows)} relations "
          + ", ".join(f"{k} {v:,}" for k, v in rows.items() if v >= 100_000))
    print(table(result))
    if args.out:
        Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        print(f"written to {args.out}")
    return 0
