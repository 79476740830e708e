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
- naive (cases, parking): the same page written the usual way (bench/naive.py), cold: the raw rows the
  figures need read into pandas (and, with --naive-all, the whole tables as a cached-load dashboard does);
- sharing: database statements per refresh cycle with 1 and with 20 concurrent sessions (one thread each,
  every cached result expired between cycles);
- replicas (with Redis: --redis-url, COCKPIT_REDIS_URL, else a private redis-server the bench starts when
  Debian's is installed): statements per refresh cycle of 1 replica × 1 session and of 2 replicas × 20
  sessions (each replica a process of its own, bench/replica.py, its sessions concurrent, both replicas' cycles
  at once, sharing the database and Redis), and the latency the Redis cache adds to the in-process one: per
  query (a result read from Redis, the in-process cache empty, against one found in the process) and per page
  (a run served from Redis against a warm run).
It prints a table and writes everything as JSON.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import platform
import statistics
import sys
import threading
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
NAIVE = {"cases": ROOT / "bench" / "naive_pages" / "cases.py",
         "parking": ROOT / "bench" / "naive_pages" / "parking.py"}
PAGES = ("overview", "cases", "drones", "waste", "parking", "market", "weekly", "about")
TARGET_WARM_S = 0.5
TARGET_PAYLOAD = 1_000_000
TARGET_NAIVE_FACTOR = 20.0


def page_script(page: str) -> str:
    return f"app_pages/{page}.py"


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
    """count(*) of every relation of the contract (tables in the demo, views on the operational database)."""
    from cockpit import contract
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        counts = {n: int(conn.execute(sa.text(f'SELECT count(*) FROM cockpit."{n}"')).scalar())
                  for n in sorted(contract.relations())}
        version = conn.execute(sa.text("SHOW server_version")).scalar()
        size = conn.execute(sa.text("SELECT pg_database_size(current_database())")).scalar()
    engine.dispose()
    counts["_server_version"] = version
    counts["_database_bytes"] = int(size)
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
            details.append({"query": name, "server_ms": round(server_ms, 2), "client_ms": round(client_ms, 2),
                            "params": {k: str(v) for k, v in params.items()}})
        conn.rollback()
    return sum(d["server_ms"] for d in details), details


_NOISE = ("streamlit.runtime.caching.cache_data_api", "streamlit.runtime.scriptrunner_utils.script_run_context")


def _quiet(record: logging.LogRecord) -> bool:
    text = record.getMessage()
    return "No runtime found" not in text and "missing ScriptRunContext" not in text


_COMPILE_LOCK = threading.Lock()


@contextlib.contextmanager
def _one_compiler():
    """Compile page scripts one at a time while sessions run in threads.

    A Streamlit server shares one script cache, so a page is compiled once; every AppTest run has a cache of its
    own, and CPython 3.11's parser is not safe to run from several threads at once ("AST constructor recursion
    depth mismatch"). Serialising the compile keeps the sessions' runs concurrent and the parser sane."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    original = ScriptCache.get_bytecode

    def get_bytecode(self, script_path):
        with _COMPILE_LOCK:
            return original(self, script_path)

    ScriptCache.get_bytecode = get_bytecode
    try:
        yield
    finally:
        ScriptCache.get_bytecode = original


class Bench:
    """One runtime pointed at the database; pages run under AppTest against it."""

    def __init__(self, url: str, *, shared: bool = False) -> None:
        """`shared`: the gateway uses COCKPIT_REDIS_URL (a replica of `replicated_statements`); otherwise the
        pages are measured with the in-process cache alone (and never touch an operator's Redis)."""
        from streamlit import logger as st_logger

        from cockpit import runtime
        st_logger.set_log_level("error")
        for name in _NOISE:  # bare-mode warnings of the cache clearing and the naive script called outside a run
            logging.getLogger(name).addFilter(_quiet)
        os.environ["COCKPIT_DATABASE_URL"] = url
        os.environ["COCKPIT_DEMO_FEED"] = "0"
        if not shared:
            os.environ.pop("COCKPIT_REDIS_URL", None)
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

    def _cold(self) -> None:
        import streamlit as st

        self.gateway.clear()
        st.cache_data.clear()

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
        self._timed_run(at)  # untimed warm-up: the page's modules imported, as in a running server
        colds, warms, recorded, warm_statements = [], [], [], 0
        for _ in range(runs):
            self._cold()
            self.gateway.recorder = []
            colds.append(self._timed_run(at))
            recorded = self.gateway.recorder
            self.gateway.recorder = None
            before = self.gateway.executions
            warms.append(self._timed_run(at))
            warm_statements = max(warm_statements, self.gateway.executions - before)
        floor_ms, details = database_floor_ms(self.gateway, recorded)
        return {"cold_s": statistics.median(colds), "warm_s": statistics.median(warms),
                "floor_ms": floor_ms, "statements": len(recorded), "warm_statements": warm_statements,
                "queries": details, **payload(at)}

    def naive(self, page: str, runs: int, date_from: dt.date, date_to: dt.date, read: str = "period") -> dict:
        """The naive counterpart under AppTest, cold (it has no cache); `read`: period | all (bench.naive)."""
        from streamlit.testing.v1 import AppTest

        os.environ["COCKPIT_NAIVE_FROM"], os.environ["COCKPIT_NAIVE_TO"] = date_from.isoformat(), date_to.isoformat()
        os.environ["COCKPIT_NAIVE_READ"] = read
        times, at = [], None
        for _ in range(runs):
            at = AppTest.from_file(str(NAIVE[page]), default_timeout=600)
            times.append(self._timed_run(at))
        return {"cold_s": statistics.median(times), "read": read, "runs": runs, **payload(at)}

    _fake_now = time.time()

    @staticmethod
    def _run_together(ats: list) -> None:
        """Rerun every session once, each in its own thread at the same time (as the server runs sessions)."""
        errors: list[str] = []
        gate = threading.Barrier(len(ats))

        def rerun(at) -> None:
            try:
                gate.wait(timeout=60)
                at.run()
                if at.exception:
                    errors.append(str(at.exception[0].value))
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(repr(exc))

        threads = [threading.Thread(target=rerun, args=(at,), name=f"bench-session-{i}") for i, at in enumerate(ats)]
        with _one_compiler():
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        if errors:
            raise RuntimeError(f"{len(errors)} session(s) failed: {errors[0]}")

    def statements_per_cycle(self, page: str | None, sessions: int, query: dict | None = None) -> int:
        """Statements one refresh cycle costs with `sessions` concurrent sessions (every cached result expired)."""
        Bench._fake_now += 2 * 24 * 3600  # past every entry cached so far
        clock = [Bench._fake_now]
        self.gateway.clock = lambda: clock[0]
        try:
            ats = [self._session(page, query) for _ in range(sessions)]
            self._run_together(ats)  # the first cycle fills the cache
            clock[0] += 24 * 3600  # every TTL has passed
            Bench._fake_now = clock[0]
            before = self.gateway.executions
            self._run_together(ats)
            return self.gateway.executions - before
        finally:
            self.gateway.clock = time.time


# ------------------------------------------------------------------ many replicas (Redis)
REPLICA_PAGE = "parking"  # a page with a personal query (its rows cached per role) besides shared ones


@contextlib.contextmanager
def redis_for_bench(url: str | None):
    """A Redis URL: `url`, else a private redis-server on a free port (stopped at the end); None when there is
    none to be had."""
    import shutil
    import socket
    import subprocess
    import tempfile

    if url:
        yield url
        return
    binary = shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None)
    if binary is None:
        yield None
        return
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    folder = tempfile.mkdtemp(prefix="cockpit-bench-redis-")
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", folder], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the bench's redis-server did not start") from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def replicated_statements(url: str, redis_url: str, replicas: int, sessions: int, page: str | None = REPLICA_PAGE,
                          query: dict | None = None) -> dict:
    """Statements one refresh cycle costs with `sessions` sessions spread over `replicas` replica processes that
    share Redis (a prefix of their own): the first cycle fills the caches, the second runs with every TTL past."""
    import subprocess
    import uuid

    prefix = f"cockpit-bench-{uuid.uuid4().hex[:8]}"
    counts = [sessions // replicas + (1 if i < sessions % replicas else 0) for i in range(replicas)]
    procs = [subprocess.Popen([sys.executable, "-m", "bench.replica", "--url", url, "--redis-url", redis_url,
                               "--prefix", prefix, "--sessions", str(n), "--page", page or "",
                               "--query", json.dumps(query or {})],
                              cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONUNBUFFERED": "1"})
             for n in counts if n]

    def answer(proc) -> dict:
        for line in proc.stdout:
            if line.startswith("@@ "):
                return json.loads(line[3:])
        raise RuntimeError(f"a replica ended (exit {proc.wait()})")

    try:
        for proc in procs:
            if not answer(proc).get("shared"):
                raise RuntimeError("a replica has no shared cache")
        Bench._fake_now += 2 * 24 * 3600
        cycles = []
        for step in (0, 1):  # fill, then every TTL past
            now = Bench._fake_now + step * 24 * 3600
            for proc in procs:
                proc.stdin.write(f"cycle {now}\n")
                proc.stdin.flush()
            got = [answer(proc) for proc in procs]
            errors = [g["error"] for g in got if "error" in g]
            if errors:
                raise RuntimeError(errors[0])
            cycles.append(got)
        Bench._fake_now += 2 * 24 * 3600
        return {"replicas": len(procs), "sessions": sessions, "fill": sum(g["statements"] for g in cycles[0]),
                "statements": sum(g["statements"] for g in cycles[1]),
                "per_replica": [g["statements"] for g in cycles[1]],
                "from_redis": sum(g["adopted"] for g in cycles[1])}
    finally:
        for proc in procs:
            try:
                proc.stdin.write("quit\n")
                proc.stdin.close()
            except OSError:
                pass
        for proc in procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
        from cockpit.sharedcache import RedisStore
        store = RedisStore(redis_url, prefix=prefix)
        store.clear()
        store.close()


def redis_latency(bench: "Bench", redis_url: str, page: str = REPLICA_PAGE, runs: int = 5) -> dict:
    """What reading through Redis adds to the in-process cache, per query and per page (medians over `runs`)."""
    import uuid

    from cockpit.sharedcache import RedisStore
    store = RedisStore(redis_url, prefix=f"cockpit-bench-{uuid.uuid4().hex[:8]}")
    gateway = bench.gateway
    at = bench._session(page)
    try:
        bench._timed_run(at)
        gateway.recorder = []
        bench._cold()
        bench._timed_run(at)
        calls = [(name, params) for name, params, _ in gateway.recorder]  # the page's statements
        gateway.recorder = None
        gateway.shared = store
        bench._cold()
        bench._timed_run(at)  # every result of the page fetched and written to Redis
        local_page, redis_page = [], []
        before = gateway.executions
        for _ in range(runs):
            local_page.append(bench._timed_run(at))  # in-process hits
            gateway.clear()  # the in-process cache only: every result comes from Redis
            redis_page.append(bench._timed_run(at))
        page_statements = gateway.executions - before  # 0: every result came from one cache or the other
        for name, params in calls:  # these exact parameters (as_of as sent) cached in both places
            gateway.run(name, **params)
        local_q, redis_q = [], []
        for name, params in calls:
            lt, rt = [], []
            for _ in range(runs):
                started = time.perf_counter()
                gateway.run(name, **params)
                lt.append(time.perf_counter() - started)
                gateway.clear()
                started = time.perf_counter()
                gateway.run(name, **params)
                rt.append(time.perf_counter() - started)
            local_q.append(statistics.median(lt) * 1000)
            redis_q.append(statistics.median(rt) * 1000)
        return {"page": page, "queries": len(calls), "ping_ms": round(store.ping() * 1000, 3),
                "statements": page_statements,
                "query_local_ms": round(statistics.median(local_q), 3),
                "query_redis_ms": round(statistics.median(redis_q), 3),
                "query_redis_max_ms": round(max(redis_q), 3),
                "page_local_s": round(statistics.median(local_page), 3),
                "page_redis_s": round(statistics.median(redis_page), 3),
                "added_ms_per_query": round(statistics.median(redis_q) - statistics.median(local_q), 3),
                # every query of the page read from Redis one after the other (a page's worst case: its prefetch
                # reads them side by side)
                "added_ms_all_queries": round(sum(redis_q) - sum(local_q), 2),
                "added_ms_per_page": round(1000 * (statistics.median(redis_page) - statistics.median(local_page)), 1)}
    finally:
        gateway.shared = None
        gateway.clear()
        store.clear()
        store.close()


def default_period() -> tuple[dt.date, dt.date]:
    from cockpit import filters, ui
    today = dt.datetime.now(ui.SH).date()
    return filters.default_period(today)


def run(url: str, *, runs: int = 3, pages: tuple[str, ...] = PAGES, wall: bool = True, naive: bool = True,
        naive_all: bool = False, sessions: int = 20, redis_url: str | None = None, replicas: bool = True) -> dict:
    from cockpit import settings
    from cockpit import wall as wall_mod
    redis_url = redis_url or settings.get().redis_url  # before Bench() measures the pages without it
    bench = Bench(url)
    out: dict = {"pages": {}, "wall": {}, "naive": {}, "naive_all": {}, "sharing": {}, "replicas": {}}
    for page in pages:
        if not (ROOT / page_script(page)).exists():
            continue
        print(f"  page {page} …", flush=True)
        out["pages"][page] = bench.measure(page, runs)
    if wall:
        for view in wall_mod.VIEWS:
            print(f"  wall {view} …", flush=True)
            out["wall"][view] = bench.measure(None, runs, {"mode": "wall", "views": view})
    date_from, date_to = default_period()
    out["period"] = {"date_from": date_from.isoformat(), "date_to": date_to.isoformat()}
    for wanted, key, read, n in ((naive, "naive", "period", runs), (naive_all, "naive_all", "all", 1)):
        for page in NAIVE if wanted else ():
            if page in out["pages"]:
                print(f"  {key} {page} …", flush=True)
                out[key][page] = bench.naive(page, n, date_from, date_to, read)
    if sessions > 1:
        targets = [(p, p, None) for p in ("cases", "parking") if p in out["pages"]]
        if wall:
            targets.append(("wall", None, {"mode": "wall", "views": "overview"}))
        for label, page, query in targets:
            print(f"  sharing {label} …", flush=True)
            try:
                out["sharing"][label] = {"1": bench.statements_per_cycle(page, 1, query),
                                         str(sessions): bench.statements_per_cycle(page, sessions, query)}
            except RuntimeError as exc:  # a failed session: recorded, the other figures are kept
                out["sharing"][label] = {"error": str(exc)[:300]}
    out["sessions"] = sessions
    if replicas:
        out["replicas"] = measure_replicas(bench, url, redis_url, sessions, runs)
    return out


def measure_replicas(bench: "Bench", url: str, redis_url: str | None, sessions: int, runs: int) -> dict:
    """1 replica × 1 session against 2 replicas × `sessions` sessions, and the latency Redis adds."""
    with redis_for_bench(redis_url) as redis:
        if redis is None:
            return {"error": "no Redis (give --redis-url or install redis-server)"}
        out: dict = {}
        for label, n_replicas, n_sessions in (("1x1", 1, 1), (f"2x{sessions}", 2, sessions)):
            print(f"  replicas {label} …", flush=True)
            try:
                out[label] = replicated_statements(url, redis, n_replicas, n_sessions)
            except RuntimeError as exc:
                out[label] = {"error": str(exc)[:300]}
        print("  redis latency …", flush=True)
        out["latency"] = redis_latency(bench, redis, runs=max(3, runs))
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
            naive_all = result.get("naive_all", {}).get(name) if group == "pages" else None
            if naive_all and m["cold_s"]:
                row["naive_all_factor"] = naive_all["cold_s"] / m["cold_s"]
                row["naive_all"] = row["naive_all_factor"] >= TARGET_NAIVE_FACTOR
            rows[key] = row
    for name, s in result.get("sharing", {}).items():
        values = list(s.values())
        rows.setdefault(f"sharing:{name}", {})["sharing"] = "error" not in s and len(set(values)) == 1
    cycles = [v for k, v in result.get("replicas", {}).items() if k != "latency" and isinstance(v, dict)]
    if cycles:
        rows["replicas"] = {"sharing": all("error" not in c for c in cycles)
                            and len({c["statements"] for c in cycles}) == 1}
    return rows


def table(result: dict) -> str:
    """The figures as a plain-text table, the targets per row, the sharing and the dominant queries."""
    verdict = verdicts(result)
    mark = {True: "ok", False: "MISS", None: "-"}
    nan = float("nan")
    head = (f"{'page':<15}{'cold s':>7}{'warm s':>7}{'floor s':>8}{'stmts':>6}{'map KB':>7}{'maps KB':>8}"
            f"{'charts KB':>10}{'naive s':>8}{'×':>6}{'all s':>7}{'×':>6}   warm  cold  map naive   all")
    lines = [head]
    for group in ("pages", "wall"):
        for name, m in result.get(group, {}).items():
            key = name if group == "pages" else f"wall:{name}"
            naive = result.get("naive", {}).get(name) if group == "pages" else None
            naive_all = result.get("naive_all", {}).get(name) if group == "pages" else None
            v = verdict[key]
            flags = "".join(f"{mark[v.get(k)]:>6}" for k in ("warm", "cold", "payload", "naive", "naive_all"))
            lines.append(f"{key:<15}{m['cold_s']:>7.2f}{m['warm_s']:>7.2f}{m['floor_ms'] / 1000:>8.2f}"
                         f"{m['statements']:>6}{m['max_map_bytes'] / 1024:>7.0f}{m['map_bytes'] / 1024:>8.0f}"
                         f"{m['chart_bytes'] / 1024:>10.0f}{(naive['cold_s'] if naive else nan):>8.2f}"
                         f"{(v.get('naive_factor') or nan):>6.1f}{(naive_all['cold_s'] if naive_all else nan):>7.1f}"
                         f"{(v.get('naive_all_factor') or nan):>6.1f} {flags}")
    for name, s in result.get("sharing", {}).items():
        lines.append(f"statements per refresh cycle, {name}: "
                     + (s["error"] if "error" in s else ", ".join(f"{k} session(s) → {n}" for k, n in s.items()))
                     + f"  {mark[verdict[f'sharing:{name}']['sharing']]}")
    reps = result.get("replicas", {})
    if reps.get("error"):
        lines.append(f"replicas: {reps['error']}")
    cycles = {k: v for k, v in reps.items() if k not in ("latency", "error")}
    if cycles:
        lines.append("statements per refresh cycle, replicas × sessions (shared Redis): "
                     + ", ".join(f"{k} → {v.get('statements', v.get('error'))}" for k, v in cycles.items())
                     + f"  {mark[verdict['replicas']['sharing']]}")
    latency = reps.get("latency")
    if latency:
        lines.append(f"Redis cache against the in-process one ({latency['page']}, {latency['queries']} queries, "
                     f"ping {latency['ping_ms']:.2f} ms): a query {latency['query_local_ms']:.3f} → "
                     f"{latency['query_redis_ms']:.2f} ms (median; largest {latency['query_redis_max_ms']:.1f} ms), "
                     f"all of them {latency['added_ms_all_queries']:.1f} ms; a page run "
                     f"{latency['page_local_s']:.2f} → {latency['page_redis_s']:.2f} s "
                     f"({latency['added_ms_per_page']:+.0f} ms, within the run's noise)")
    lines.append("dominant queries of the cold runs (server ms under EXPLAIN ANALYZE):")
    for group in ("pages", "wall"):
        for name, m in result.get(group, {}).items():
            top = sorted(m.get("queries", []), key=lambda q: -q["server_ms"])[:3]
            lines.append(f"  {name if group == 'pages' else 'wall:' + name:<14} "
                         + ", ".join(f"{q['query']} {q['server_ms']:.0f}" for q in top))
    return "\n".join(lines)


def markdown(result: dict) -> str:
    """The page figures as a Markdown table (for docs/performance.md)."""
    verdict = verdicts(result)
    mark = {True: "ok", False: "**MISS**", None: "–"}

    def num(value, fmt):
        return "–" if value is None else format(value, fmt)

    lines = ["| page | cold s | warm s | floor s | stmts | largest map KB | maps + charts KB | naive s (×) "
             "| naive whole-table s (×) | warm | cold | map | naive ≥ 20× | whole-table ≥ 20× |",
             "|---|--:|--:|--:|--:|--:|--:|--:|--:|:-:|:-:|:-:|:-:|:-:|"]
    for group in ("pages", "wall"):
        for name, m in result.get(group, {}).items():
            key = name if group == "pages" else f"wall:{name}"
            v = verdict[key]
            naive = result.get("naive", {}).get(name) if group == "pages" else None
            naive_all = result.get("naive_all", {}).get(name) if group == "pages" else None
            lines.append(
                f"| {key} | {m['cold_s']:.2f} | {m['warm_s']:.2f} | {m['floor_ms'] / 1000:.2f} | {m['statements']} "
                f"| {m['max_map_bytes'] / 1024:.0f} | {(m['map_bytes'] + m['chart_bytes']) / 1024:.0f} "
                f"| {num(naive and naive['cold_s'], '.2f')} ({num(v.get('naive_factor'), '.1f')}×) "
                f"| {num(naive_all and naive_all['cold_s'], '.1f')} ({num(v.get('naive_all_factor'), '.1f')}×) "
                f"| {mark[v.get('warm')]} | {mark[v.get('cold')]} | {mark[v.get('payload')]} | {mark[v.get('naive')]} "
                f"| {mark[v.get('naive_all')]} |")
    return "\n".join(lines).replace(" (–×)", "")


STAGES = ("wall", "screen", "browser", "floor", "firststart")  # --pages names that are stages, not pages


def run_cli(args) -> int:
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    chosen = (tuple(p.strip() for p in args.pages.split(",") if p.strip()) if args.pages
              else PAGES + STAGES)
    unknown = set(chosen) - set(PAGES) - set(STAGES)
    if unknown:
        print(f"unknown pages: {', '.join(sorted(unknown))} (known: {', '.join(PAGES + STAGES)})", file=sys.stderr)
        return 2
    first_start = None
    if "firststart" in chosen and not getattr(args, "no_firststart", False):
        from bench import firststart

        print("  first start (an empty data directory to figures and to the whole demo) …", flush=True)
        first_start = firststart.run(progress=lambda line: print(line, flush=True))
        print(firststart.table(first_start))
        if set(chosen) == {"firststart"}:  # with the floor too, both are written below
            if args.out:
                Path(args.out).write_text(json.dumps({"firststart": first_start}, ensure_ascii=False, indent=1,
                                                     default=str), encoding="utf-8")
            return 0
    floor = None
    if "floor" in chosen:
        from bench import floor as floor_bench

        print("  floor (Streamlit alone: an empty page, one chart, one map, in headless Chromium) …", flush=True)
        floor = floor_bench.run(runs=args.runs, progress=lambda line: print(line, flush=True))
        print(floor_bench.table(floor))
        if set(chosen) <= {"floor", "firststart"}:
            if args.out:
                Path(args.out).write_text(json.dumps({"floor": floor, "firststart": first_start}, ensure_ascii=False,
                                                     indent=1, default=str), encoding="utf-8")
            return 0
    url = prepare_database(args.url, args.years, args.scale)
    rows = relation_rows(url)
    pages = tuple(p for p in chosen if p not in STAGES)
    started = time.time()
    result = run(url, runs=args.runs, pages=pages, wall="wall" in chosen and not args.no_wall, naive=not args.no_naive,
                 naive_all=getattr(args, "naive_all", False), sessions=args.sessions,
                 redis_url=getattr(args, "redis_url", None), replicas=not getattr(args, "no_replicas", False))
    if "screen" in chosen and not args.no_wall:
        from bench import screen as screen_bench
        print("  screen (server) …", flush=True)
        result["screen"] = {"server": screen_bench.server_stage(Bench(url), args.sessions)}
        refreshes = getattr(args, "screen_refreshes", 1000)
        if refreshes:
            print(f"  screen (browser, {refreshes} refreshes) …", flush=True)
            result["screen"]["browser"] = screen_bench.browser_stage(url, refreshes)
    if "browser" in chosen and not getattr(args, "no_browser", False):
        from bench import browser as browser_bench
        print("  browser (headless Chromium: every page, first and second visit; the big screen) …", flush=True)
        result["browser"] = browser_bench.run(url, pages or PAGES, screen=not args.no_wall,
                                              progress=lambda line: print(line, flush=True))
    if first_start is not None:
        result["firststart"] = first_start
    if floor is not None:
        result["floor"] = floor
    result.update({
        "measured_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "platform": platform.platform(),
                    "postgres": rows.pop("_server_version")},
        "database_bytes": rows.pop("_database_bytes"),
        "database": sa.make_url(url).database, "years": None if args.url else args.years, "runs": args.runs,
        "rows": rows, "seconds": round(time.time() - started, 1), "verdicts": verdicts(result),
    })
    print(f"rows: {sum(rows.values()):,} in {len(rows)} relations "
          + ", ".join(f"{k} {v:,}" for k, v in rows.items() if v >= 100_000))
    print(table(result))
    if "screen" in result:
        from bench import screen as screen_bench
        print(screen_bench.table(result["screen"]))
    if "browser" in result:
        from bench import browser as browser_bench
        print(browser_bench.table(result["browser"]))
    if floor is not None:
        from bench import floor as floor_bench
        print(floor_bench.table(floor))
    if args.out:
        Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        print(f"written to {args.out}")
    return 0
