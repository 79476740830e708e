"""Load the generated demo into an empty database: contract DDL, COPY FREEZE of every relation, indexes,
rollups, then VACUUM ANALYZE.

`load_demo(url, ...)` is the library function (the app calls it for the embedded demo, with a
progress callback); `run_load(args)` is `python -m cockpit demo load`.

Safe near real data: the load goes only into an empty database (no table, view, sequence, type or
routine in any non-system schema, extensions aside) or reloads a demo an earlier load made (schema
cockpit whose contract_version rows all say is_demo); anything else is refused before a byte is
written. `--allow-other-schemas` lets it load beside other schemas' objects while schema cockpit does
not exist yet. It never drops what it did not make: a reload drops the old demo schema in the load's
own transaction and rolls everything back when that would take anything outside the schema, or when
the schema held a relation no demo load makes.

Rows go in with COPY … FROM STDIN (FORMAT csv) in chunks. The CSV text is built column-wise from
the DataFrames (numpy formatting of timestamps and numbers, then one join per chunk), which is
several times faster than DataFrame.to_csv for timestamp-heavy relations; the server parses one
chunk while the next is being formatted. Everything (DDL, COPY, indexes, rollups) is one transaction
(PostgreSQL DDL is transactional): a failure or Ctrl-C at any point leaves the database exactly as
the load found it. Only VACUUM, which cannot run in a transaction, follows the commit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import pickle
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import sqlalchemy as sa
from psycopg import sql

from cockpit import db
from cockpit.demo.generate import RELATION_ORDER, RELATION_WEIGHT, DemoGenerator
from cockpit.errors import CommandError

log = logging.getLogger(__name__)

DEFAULT_SEED = 20261122
COPY_CHUNK_ROWS = 50_000
YIELD_NICE = 10  # the fill's priority when it yields the processors to the pages (os.setpriority)
Progress = Callable[[float, str], None]
SH = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


class DemoLoadRefused(CommandError):
    """The target database holds something a demo load did not make; nothing was written."""


def resolve_end(end: str | dt.datetime | dt.date | None, now: dt.datetime | None = None) -> dt.datetime:
    """The instant the demo period ends: now by default; a date means the end of that local day
    (but never later than now); an ISO datetime without zone is Asia/Shanghai time."""
    now = (now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
    if end is None or end == "":
        return now
    if isinstance(end, str):
        text = end.strip()
        if len(text) == 10:
            end = dt.date.fromisoformat(text)
        else:
            end = dt.datetime.fromisoformat(text)
    if isinstance(end, dt.datetime):
        value = end if end.tzinfo else end.replace(tzinfo=SH)
    else:
        value = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), SH) - dt.timedelta(seconds=1)
    return min(value.replace(microsecond=0), now)


# ------------------------------------------------------------------ CSV for COPY
def _text_column(series: pd.Series) -> list[str]:
    """One column as CSV field texts ('' = NULL)."""
    dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        values = series.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[s]")
        text = np.datetime_as_string(values, unit="s", timezone="UTC").astype(object)
        text[np.isnat(values)] = ""
        return text.tolist()
    if pd.api.types.is_bool_dtype(dtype) and not isinstance(dtype, pd.BooleanDtype):
        return np.where(series.to_numpy(dtype=bool), "t", "f").tolist()
    if isinstance(dtype, pd.BooleanDtype):
        values = series.to_numpy(dtype=object, na_value=None)
        return ["" if v is None else ("t" if v else "f") for v in values]
    if pd.api.types.is_integer_dtype(dtype):
        mask = series.isna().to_numpy()
        values = series.fillna(0).to_numpy(dtype=np.int64).astype(str).astype(object)
        values[mask] = ""
        return values.tolist()
    if pd.api.types.is_float_dtype(dtype):
        values = series.to_numpy(dtype=np.float64)
        text = values.astype(str).astype(object)
        text[np.isnan(values)] = ""
        return text.tolist()
    values = series.to_numpy(dtype=object, na_value=None)
    out = ["" if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else str(v)
           for v in values]
    if any(('"' in v) or (',' in v) or ('\n' in v) or ('\r' in v) for v in out):
        out = [v if v == "" else '"' + v.replace('"', '""') + '"' for v in out]
    return out


def frame_to_csv(frame: pd.DataFrame) -> str:
    """CSV text (no header) for COPY … (FORMAT csv): unquoted empty fields are NULL."""
    if frame.empty:
        return ""
    columns = [_text_column(frame[c]) for c in frame.columns]
    return "\n".join(map(",".join, zip(*columns, strict=True))) + "\n"


def copy_frame(cursor, relation: str, frame: pd.DataFrame, chunk_rows: int = COPY_CHUNK_ROWS,
               on_chunk: Callable[[int], None] | None = None, freeze: bool = False) -> int:
    """COPY a DataFrame into cockpit.<relation> in chunks; returns the row count.

    With freeze the relation must have been created or truncated in the cursor's transaction: its rows
    are written frozen and all-visible, so the first queries after a bulk load neither set hint bits
    on every page nor wait for a VACUUM to use index-only scans."""
    if frame.empty:
        return 0
    cols = ", ".join(frame.columns)
    options = "FORMAT csv, FREEZE" if freeze else "FORMAT csv"
    with cursor.copy(f"COPY {db.CONTRACT_SCHEMA}.{relation} ({cols}) FROM STDIN ({options})") as copy:
        for start in range(0, len(frame), chunk_rows):
            copy.write(frame_to_csv(frame.iloc[start:start + chunk_rows]))
            if on_chunk:
                on_chunk(min(start + chunk_rows, len(frame)))
    return len(frame)


# ------------------------------------------------------------------ what the database holds
# Schemas of the server itself; everything else is the user's. Objects that belong to an extension
# (pg_depend deptype 'e', e.g. PostGIS's spatial_ref_sys) are the extension's, not data.
_USER_OBJECTS_SQL = """
WITH ns AS (
    SELECT oid, nspname FROM pg_namespace
    WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      AND nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%'
), ext AS (
    SELECT classid, objid FROM pg_depend WHERE deptype = 'e'
)
SELECT ns.nspname, c.relname,
       CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view'
                      WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table'
                      WHEN 'S' THEN 'sequence' ELSE 'type' END
FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S', 'c')
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_class'::regclass AND ext.objid = c.oid)
UNION ALL
SELECT ns.nspname, p.proname,
       CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END
FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_proc'::regclass AND ext.objid = p.oid)
UNION ALL
SELECT ns.nspname, t.typname, 'type'
FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
WHERE t.typtype IN ('b', 'd', 'e', 'r')
  AND NOT EXISTS (SELECT 1 FROM pg_type a WHERE a.typarray = t.oid)
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_type'::regclass AND ext.objid = t.oid)
ORDER BY 1, 3, 2
"""

# Everything outside schema cockpit that a DROP SCHEMA cockpit CASCADE could take with it: relations
# and their columns (a column of a cockpit type), defaults, constraints (foreign keys), triggers,
# rules, policies, routines and types. Compared before and after the drop of a reload.
_OUTSIDE_OBJECTS_SQL = """
WITH ns AS (
    SELECT oid FROM pg_namespace
    WHERE nspname NOT IN (%(schema)s, 'pg_catalog', 'information_schema')
      AND nspname NOT LIKE 'pg\\_temp\\_%%' AND nspname NOT LIKE 'pg\\_toast%%'
), rel AS (
    SELECT c.oid FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
)
SELECT CASE WHEN o.objsubid <> 0 THEN 4 WHEN o.classid = 'pg_class'::regclass THEN 0
            WHEN o.classid = 'pg_proc'::regclass THEN 1 WHEN o.classid = 'pg_type'::regclass THEN 2 ELSE 3 END,
       i.type || ' ' || i.identity
FROM (
    SELECT 'pg_class'::regclass AS classid, oid AS objid, 0 AS objsubid FROM rel
    UNION ALL SELECT 'pg_class'::regclass, a.attrelid, a.attnum
        FROM pg_attribute a JOIN rel ON rel.oid = a.attrelid WHERE a.attnum > 0 AND NOT a.attisdropped
    UNION ALL SELECT 'pg_attrdef'::regclass, d.oid, 0 FROM pg_attrdef d JOIN rel ON rel.oid = d.adrelid
    UNION ALL SELECT 'pg_constraint'::regclass, k.oid, 0 FROM pg_constraint k JOIN ns ON ns.oid = k.connamespace
    UNION ALL SELECT 'pg_trigger'::regclass, t.oid, 0 FROM pg_trigger t JOIN rel ON rel.oid = t.tgrelid
    UNION ALL SELECT 'pg_rewrite'::regclass, r.oid, 0 FROM pg_rewrite r JOIN rel ON rel.oid = r.ev_class
    UNION ALL SELECT 'pg_policy'::regclass, p.oid, 0 FROM pg_policy p JOIN rel ON rel.oid = p.polrelid
    UNION ALL SELECT 'pg_proc'::regclass, p.oid, 0 FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
    UNION ALL SELECT 'pg_type'::regclass, t.oid, 0 FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
) o, LATERAL pg_identify_object(o.classid, o.objid, o.objsubid) i
"""

# The names a demo load creates in schema cockpit (relations and routines): a reload keeps nothing else.
_SCHEMA_NAMES_SQL = """
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S', 'c')
UNION
SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = %(schema)s
"""

DEMO_COMMENT = ("pinghu-cockpit demo: generated data written by `python -m cockpit demo load`, "
                "which may drop and reload this schema")


@dataclass(frozen=True)
class Target:
    """What a demo load found in its target database."""

    schema_exists: bool  # schema cockpit exists
    is_demo: bool  # ... and an earlier demo load marked it: every cockpit.contract_version row is_demo
    cockpit: tuple[tuple[str, str, str], ...]  # (schema, name, kind) of the objects in schema cockpit
    others: tuple[tuple[str, str, str], ...]  # ... in every other non-system schema


def _summary(objects: tuple[tuple[str, str, str], ...]) -> str:
    """'3 tables, 1 view in schema public (e.g. public.orders)'."""
    kinds: dict[str, int] = {}
    for _schema, _name, kind in objects:
        kinds[kind] = kinds.get(kind, 0) + 1
    plural = {"materialized view": "materialized views", "foreign table": "foreign tables"}
    parts = [f"{n} {kind if n == 1 else plural.get(kind, kind + 's')}" for kind, n in kinds.items()]
    schemas = sorted({schema for schema, _n, _k in objects})
    where = f"schema {schemas[0]}" if len(schemas) == 1 else "schemas " + ", ".join(schemas)
    example = next((o for o in objects if o[2] != "sequence"), objects[0])
    return f"{', '.join(parts)} in {where} (e.g. {example[0]}.{example[1]})"


def inspect_target(cur) -> Target:
    """Read the catalogue: is schema cockpit there, is it a demo's, what else does the database hold."""
    schema = db.CONTRACT_SCHEMA
    cur.execute(_USER_OBJECTS_SQL)
    found = [tuple(r) for r in cur.fetchall()]
    cockpit = tuple(o for o in found if o[0] == schema)
    others = tuple(o for o in found if o[0] != schema)
    cur.execute("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = %s)", (schema,))
    exists = bool(cur.fetchone()[0])
    is_demo = False
    if exists:
        cur.execute("""
            SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'is_demo' AND NOT a.attisdropped
            WHERE n.nspname = %s AND c.relname = 'contract_version' AND c.relkind = 'r'
              AND a.atttypid = 'boolean'::regtype""", (schema,))
        if cur.fetchone()[0]:
            cur.execute(f"SELECT count(*), coalesce(bool_and(is_demo), false) FROM {schema}.contract_version")
            rows, all_demo = cur.fetchone()
            is_demo = rows > 0 and bool(all_demo)
    return Target(exists, is_demo, cockpit, others)


def check_target(target: Target, where: str, allow_other_schemas: bool = False) -> bool:
    """Whether the load may go ahead: True to reload a demo, False to load afresh; raises DemoLoadRefused.

    A database is empty when no non-system schema holds a table, view, materialised view, foreign table,
    sequence, type or routine of its own (objects of extensions do not count) and schema cockpit does not
    exist. The load goes into an empty database, or reloads one whose schema cockpit an earlier demo load
    made (contract_version says is_demo). With allow_other_schemas, other schemas may hold objects (the
    load never touches them); schema cockpit must still be absent or a demo's."""
    schema = db.CONTRACT_SCHEMA
    if target.schema_exists and not target.is_demo:
        held = f"it holds {_summary(target.cockpit)}" if target.cockpit else "it is empty"
        raise DemoLoadRefused(
            f"refused: {where} already has a schema {schema} that no demo load made ({held}); "
            "use an empty database")
    if target.others and not allow_other_schemas:
        raise DemoLoadRefused(
            f"refused: {where} holds {_summary(target.others)}; use an empty database "
            "(or --allow-other-schemas to load beside them)")
    return target.schema_exists


def require_demo(url: str) -> None:
    """Raise DemoLoadRefused unless `url` holds a demo an earlier load made (the feed writes only there)."""
    engine = db.make_engine(url, pool_size=1, application_name="pinghu-cockpit-demo-feed")
    try:
        raw = engine.raw_connection()
        try:
            with raw.driver_connection.cursor() as cur:
                target = inspect_target(cur)
            raw.rollback()
        finally:
            raw.close()
    finally:
        engine.dispose()
    if not target.is_demo:
        found = ("no schema " + db.CONTRACT_SCHEMA) if not target.schema_exists else (
            f"schema {db.CONTRACT_SCHEMA} was not made by a demo load")
        raise DemoLoadRefused(f"refused: the feed writes generated events only into a demo database, and "
                              f"{db.redact(url)} is none ({found}); load one with python -m cockpit demo load")


def _outside(cur) -> set[tuple[int, str]]:
    """(rank, 'view public.v') of everything outside schema cockpit a drop could take; rank 0 relations,
    1 routines, 2 types, 3 their parts (rules, constraints, triggers, ...), 4 columns."""
    cur.execute(_OUTSIDE_OBJECTS_SQL, {"schema": db.CONTRACT_SCHEMA})
    return {(int(r[0]), r[1]) for r in cur.fetchall()}


def _schema_names(cur) -> set[str]:
    cur.execute(_SCHEMA_NAMES_SQL, {"schema": db.CONTRACT_SCHEMA})
    return {r[0] for r in cur.fetchall()}


def _drop_demo(cur, where: str) -> set[str]:
    """Drop the demo's schema in the load's transaction; returns the names it held.

    Raises DemoLoadRefused (the caller rolls back) when the drop took anything outside the schema."""
    schema = db.CONTRACT_SCHEMA
    names = _schema_names(cur)
    before = _outside(cur)
    cur.execute(f"DROP SCHEMA {schema} CASCADE")
    lost = before - _outside(cur)
    if lost:
        objects = sorted(o for o in lost if o[0] <= 2)  # relations, routines, types; else their parts only
        shown = [text for _rank, text in (objects or sorted(lost))]
        raise DemoLoadRefused(
            f"refused: reloading the demo in {where} would also drop {len(shown)} object(s) outside schema "
            f"{schema} that depend on it (e.g. {shown[0]}); nothing was changed")
    return names


def _abandon(raw) -> None:
    """Roll the load's transaction back; a connection that cannot is closed (the server then rolls back)."""
    try:
        raw.rollback()
    except BaseException:  # noqa: BLE001 - a failure here must not hide the one that brought us here
        raw.invalidate()


@contextlib.contextmanager
def _transaction(engine: sa.Engine):
    """A cursor in one transaction of its own: committed when the block ends, rolled back (see _abandon)
    when anything, an interrupt too, leaves it."""
    raw = engine.raw_connection()
    try:
        with raw.driver_connection.cursor() as cur:
            yield cur
        raw.commit()
    except BaseException:
        _abandon(raw)
        raise
    finally:
        raw.close()


def _copy_reported(cur, name: str, frame: pd.DataFrame, report: Progress, base: float, weight: float,
                   total: float, freeze: bool = False) -> int:
    """copy_frame, reporting the share of `weight` done after `base`, out of `total`, at every chunk."""
    def on_chunk(rows_done: int) -> None:
        report((base + weight * rows_done / max(len(frame), 1)) / total, f"loading {name}")

    return copy_frame(cur, name, frame, on_chunk=on_chunk, freeze=freeze)


# ------------------------------------------------------------------ recent days first
# The fact relations and when a row of theirs happened (and, for those that can be open, the column
# that stays empty while it is). A load with `first_days` commits the rows of the last days (and the
# open ones, whenever they began: a backlog is a figure of today) first, and appends the older rows
# behind them; rows without a time are recent (they are data quality, counted from the first moment).
SPLIT = {
    "grid_case": ("reported_at", "closed_at"),
    "shop_violation": ("observed_at", None),
    "drone_flight": ("started_at", "ended_at"),
    "drone_track_point": ("recorded_at", None),
    "drone_detection": ("detected_at", None),
    "waste_weighing": ("weighed_at", None),
    "parking_violation": ("observed_at", None),
    "market_request": ("submitted_at", "resolved_at"),
}
HISTORY_TABLE = "demo_history"
# What a load did: its generator's arguments (so that a fill an interrupted start left undone can
# generate the same rows again), where it cut, and whether the older rows are in.
_HISTORY_DDL = f"""
CREATE TABLE {db.CONTRACT_SCHEMA}.{HISTORY_TABLE} (
    seed         bigint           NOT NULL,
    end_at       timestamptz      NOT NULL,
    days         integer          NOT NULL,
    scale        double precision NOT NULL,
    future_after timestamptz      NOT NULL,
    applied_at   timestamptz      NOT NULL,
    cutoff       timestamptz,              -- rows before it came second (null: one load, no cut)
    state        text             NOT NULL CHECK (state IN ('filling', 'complete')),
    loaded_at    timestamptz      NOT NULL DEFAULT now(),
    completed_at timestamptz
)"""


def split_recent(name: str, frame: pd.DataFrame, cutoff: dt.datetime) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(recent rows, older rows) of one relation: together exactly `frame`. A relation that is not a
    fact relation is recent as a whole."""
    rule = SPLIT.get(name)
    if rule is None or frame.empty:
        return frame, frame.iloc[:0]
    column, open_column = rule
    at = frame[column]
    older = at.notna() & (at < pd.Timestamp(cutoff))
    if open_column is not None:
        older &= frame[open_column].notna()
    older = older.to_numpy(dtype=bool)
    return frame[~older], frame[older]


@dataclass(frozen=True)
class History:
    """The marker row of a demo load (cockpit.demo_history)."""

    seed: int
    end_at: dt.datetime
    days: int
    scale: float
    future_after: dt.datetime
    applied_at: dt.datetime
    cutoff: dt.datetime | None
    state: str

    @property
    def complete(self) -> bool:
        return self.state == "complete"


def read_history(engine: sa.Engine) -> History | None:
    """The demo's marker row, or None (no demo, or one loaded before the marker existed: complete)."""
    with engine.connect() as conn:
        if conn.execute(sa.text(f"SELECT to_regclass('{db.CONTRACT_SCHEMA}.{HISTORY_TABLE}') IS NULL")).scalar():
            return None
        row = conn.execute(sa.text(
            f"SELECT seed, end_at, days, scale, future_after, applied_at, cutoff, state "
            f"FROM {db.CONTRACT_SCHEMA}.{HISTORY_TABLE} ORDER BY loaded_at DESC LIMIT 1")).first()
    return History(int(row[0]), row[1], int(row[2]), float(row[3]), row[4], row[5], row[6], row[7]) if row else None


# ------------------------------------------------------------------ two generators at once
# Relations a second process generates while this one generates the others (the big ones after
# grid_case, in load order): every relation draws from its own random generator, so the rows are the
# same whichever process makes them.
APART = ("drone_track_point", "waste_weighing", "parking_violation")


class Apart:
    """A second Python process generating APART from the same generator arguments; `take(name)` returns
    its frame (they come in load order). A plain subprocess (frames pickled over its stdout), so that a
    daemonic process may start it too. Closing it ends the process."""

    def __init__(self, arguments: dict) -> None:
        self._child = subprocess.Popen(
            [sys.executable, "-c", "from cockpit.demo.load import _apart_main; _apart_main()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=str(db.ROOT),
            env={**os.environ, "PYTHONPATH": os.pathsep.join([str(db.ROOT), os.environ.get("PYTHONPATH", "")])})
        pickle.dump(arguments, self._child.stdin)
        self._child.stdin.close()

    def take(self, name: str) -> pd.DataFrame:
        try:
            got, frame = pickle.load(self._child.stdout)
        except EOFError:
            raise RuntimeError(f"the second generator stopped before {name} "
                               f"(exit code {self._child.wait(timeout=10)})") from None
        if got != name:
            raise RuntimeError(f"the second generator sent {got}, not {name}")
        return frame

    def close(self) -> None:
        if self._child.poll() is None:
            self._child.kill()
        self._child.wait(timeout=10)
        self._child.stdout.close()


def _apart_main() -> None:
    """The second generator's process: the arguments on stdin, (name, frame) pickles on stdout."""
    arguments = pickle.load(sys.stdin.buffer)
    generator = DemoGenerator(**arguments)
    out = sys.stdout.buffer
    for name in APART:
        pickle.dump((name, getattr(generator, name)()), out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()


# ------------------------------------------------------------------ the load
def load_demo(url: str, days: int = 365, end: str | dt.datetime | dt.date | None = None,
              seed: int = DEFAULT_SEED, scale: float = 1.0, progress: Progress | None = None,
              assets_dir: Path | None = None, allow_other_schemas: bool = False,
              first_days: int | None = None, on_first: Callable[[], None] | None = None,
              history_progress: Progress | None = None, now: dt.datetime | None = None,
              yield_cpu: bool = False, parallel: bool = False) -> dict[str, int]:
    """Create the contract in an empty database (or reload a demo) and fill it; returns rows per relation.

    Everything the load writes (schema, relations, rows, indexes, rollups; for a reload the drop of the
    old demo) happens in one transaction: a failure or an interrupt at any point leaves the database as
    it was. Only VACUUM runs after the commit. Raises DemoLoadRefused, before writing anything, for a
    database that is neither empty nor a demo's (see check_target).

    With `first_days` (fewer than `days`) that transaction holds the rows of the last `first_days` days
    and the open ones (`split_recent`); `on_first` is called once they are committed and vacuumed (the
    demo can be served), and the older rows are appended behind them in a second transaction, reported
    to `history_progress` (see `fill_history`). The result is the same rows as one load's. An
    interrupted fill is finished by `fill_history(url)`, which generates the same rows again. `now`: the
    instant the load takes for the wall clock (tests that compare two loads). `yield_cpu`: the fill runs at
    a lower priority (see `_yield_cpu`), so that the pages served meanwhile come first. `parallel`: a second
    process generates the relations of APART meanwhile (`Apart`)."""
    started = time.monotonic()
    report = progress or (lambda fraction, message: None)
    now = (now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
    end_at = resolve_end(end, now)
    future_after = max(end_at, now)
    cutoff = end_at - dt.timedelta(days=first_days) if first_days is not None and first_days < days else None
    where = db.redact(url)
    schema = db.CONTRACT_SCHEMA
    older: dict[str, pd.DataFrame] = {}
    apart: Apart | None = None
    engine = db.make_engine(url, pool_size=1, application_name="pinghu-cockpit-demo-load")
    try:
        try:
            with _transaction(engine) as cur:
                reload = check_target(inspect_target(cur), where, allow_other_schemas)
                report(0.0, "generating")
                arguments = {"seed": seed, "end": end_at, "days": days, "scale": scale, "assets_dir": assets_dir,
                             "future_after": future_after, "applied_at": now}
                generator = DemoGenerator(**arguments)
                apart = Apart(arguments) if parallel else None
                weights = _weights(scale)
                total_weight = sum(weights.values()) + (2.0 if cutoff else 6.0)  # + indexes, rollups and VACUUM
                done_weight = 0.0
                counts: dict[str, int] = {}
                old_names = _drop_demo(cur, where) if reload else set()
                if reload:
                    log.info("reloading the demo in %s", where)
                for name in db.CONTRACT_FILES:
                    cur.execute((db.CONTRACT_DIR / name).read_text(encoding="utf-8"))
                cur.execute(_HISTORY_DDL)
                foreign = sorted(old_names - _schema_names(cur))
                if foreign:
                    raise DemoLoadRefused(
                        f"refused: schema {schema} in {where} holds {', '.join(f'{schema}.{n}' for n in foreign[:3])}"
                        f"{' …' if len(foreign) > 3 else ''}, which a demo load does not make; nothing was changed")
                cur.execute(sql.SQL("COMMENT ON SCHEMA {} IS {}").format(sql.Identifier(schema),
                                                                          sql.Literal(DEMO_COMMENT)))
                cur.execute(f"INSERT INTO {schema}.{HISTORY_TABLE} (seed, end_at, days, scale, future_after, "
                            "applied_at, cutoff, state, completed_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, "
                            f"{'NULL' if cutoff else 'now()'})",
                            (seed, end_at, days, scale, future_after, now, cutoff,
                             "filling" if cutoff else "complete"))
                cur.execute("SET LOCAL synchronous_commit = off")
                for name, build in generator.relations():
                    report(done_weight / total_weight, f"generating {name}")
                    frame = apart.take(name) if apart is not None and name in APART else build()
                    if cutoff is not None:
                        frame, older[name] = split_recent(name, frame, cutoff)
                    share = len(frame) / max(len(frame) + len(older.get(name, ())), 1)  # of the relation's rows
                    # created in this transaction: COPY writes the rows frozen and all-visible
                    counts[name] = _copy_reported(cur, name, frame, report, done_weight, weights[name] * share,
                                                  total_weight, freeze=True)
                    done_weight += weights[name]
                    del frame
                report(done_weight / total_weight, "indexing")
                cur.execute((db.CONTRACT_DIR / db.DEMO_INDEX_FILE).read_text(encoding="utf-8"))
                if cutoff is None:
                    report((done_weight + 3.0) / total_weight, "rollups")
                    cur.execute(f"SELECT {schema}.refresh_rollups()")
                # else the rollups stay empty (every figure is counted from the rows, 14 days are few)
                # until the fill refreshes them with the whole history
        finally:
            if apart is not None:
                apart.close()
        report((total_weight - 1.0) / total_weight, "analyzing")
        vacuum_demo(engine)
        report(1.0, "done")
        log.info("demo %s into %s in %.1f s: %s rows", "recent days loaded" if cutoff else "loaded", where,
                 time.monotonic() - started, f"{sum(counts.values()):,}")
        if cutoff is None:
            return counts
        if on_first is not None:
            on_first()
        added = _fill(engine, older, history_progress, scale, yield_cpu)
        return {name: counts.get(name, 0) + added.get(name, 0) for name in counts}
    finally:
        engine.dispose()


def _weights(scale: float) -> dict[str, float]:
    return {name: RELATION_WEIGHT.get(name, 0.2) * (scale if RELATION_WEIGHT.get(name, 0) > 2 else 1)
            for name in RELATION_ORDER}


def fill_history(url: str, progress: Progress | None = None, assets_dir: Path | None = None,
                 yield_cpu: bool = False) -> dict[str, int]:
    """Finish a load that committed its recent days and not the older rows (the marker says 'filling'):
    generate the same rows again from the marker's arguments and append those before its cut-off.
    Returns the rows added per relation; nothing to do (no marker, or complete) returns {}."""
    engine = db.make_engine(url, pool_size=1, application_name="pinghu-cockpit-demo-load")
    try:
        history = read_history(engine)
        if history is None or history.complete or history.cutoff is None:
            return {}
        report = progress or (lambda fraction, message: None)
        report(0.0, "generating")
        generator = DemoGenerator(seed=history.seed, end=history.end_at, days=history.days, scale=history.scale,
                                  assets_dir=assets_dir, future_after=history.future_after,
                                  applied_at=history.applied_at)
        older: dict[str, pd.DataFrame] = {}
        for name, build in generator.relations():
            if name in SPLIT:
                older[name] = split_recent(name, build(), history.cutoff)[1]
        return _fill(engine, older, progress, history.scale, yield_cpu)
    finally:
        engine.dispose()


def _yield_cpu(cur) -> None:
    """Lower this process's priority, and that of its server process (the one backend serving this
    connection) when the server runs on this machine: the history fills with what the pages leave of the
    processors. The system allows the backend's only to a process of its user or a privileged one (the
    embedded demo's server runs as a user of its own when the cockpit runs as root). Where the pid is not a
    postgres process here, or the system refuses, nothing changes."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, 0, YIELD_NICE)
    cur.execute("SELECT pg_backend_pid(), coalesce(host(inet_server_addr()) IN ('127.0.0.1', '::1'), true)")
    pid, local = cur.fetchone()  # local: loopback, or a Unix socket (no address)
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
        if local and b"postgres" in command:
            os.setpriority(os.PRIO_PROCESS, int(pid), YIELD_NICE)
    except (OSError, AttributeError):
        pass


def _fill(engine: sa.Engine, older: dict[str, pd.DataFrame], progress: Progress | None,
          scale: float, yield_cpu: bool = False) -> dict[str, int]:
    """Append the older rows, refresh the rollups and mark the history complete, in one transaction
    (the pages see the whole history at once, or, after a failure, still the recent days); then VACUUM."""
    started = time.monotonic()
    report = progress or (lambda fraction, message: None)
    schema = db.CONTRACT_SCHEMA
    weights = {name: w for name, w in _weights(scale).items() if name in older}
    total_weight = sum(weights.values()) + 4.0
    done_weight = 0.0
    counts: dict[str, int] = {}
    with _transaction(engine) as cur:
        if yield_cpu:
            _yield_cpu(cur)
        cur.execute("SET LOCAL synchronous_commit = off")
        for name, frame in older.items():
            report(done_weight / total_weight, f"loading {name}")
            counts[name] = _copy_reported(cur, name, frame, report, done_weight, weights[name], total_weight)
            done_weight += weights[name]
        report(done_weight / total_weight, "rollups")
        cur.execute(f"SELECT {schema}.refresh_rollups()")
        cur.execute(f"UPDATE {schema}.{HISTORY_TABLE} SET state = 'complete', completed_at = now() "
                    "WHERE state = 'filling'")
    report((done_weight + 3.0) / total_weight, "analyzing")
    vacuum_demo(engine)
    report(1.0, "done")
    log.info("demo history filled in %.1f s: %s rows", time.monotonic() - started, f"{sum(counts.values()):,}")
    return counts


def vacuum_demo(engine: sa.Engine) -> None:
    """VACUUM (ANALYZE) the demo's tables and rollups (never another schema's): after COPY FREEZE almost
    every page is all-visible already, VACUUM skips those and marks the few a bulk insert leaves on some
    servers (1 s on a year of data), so index-only scans work from the start. It cannot run in a
    transaction, so it follows the load's commit."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        names = c.execute(sa.text(
            "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :s AND c.relkind IN ('r', 'm') "
            "ORDER BY 1"), {"s": db.CONTRACT_SCHEMA}).scalars().all()
        if names:
            c.exec_driver_sql(f"VACUUM (ANALYZE) {', '.join(names)}")


class _TextProgress:
    """A one-line text progress bar for the CLI; remembers the last step (the commit precedes "analyzing")."""

    width = 30

    def __init__(self, stream=sys.stderr) -> None:
        self.stream = stream
        self.last_line = ""
        self.last_message = ""

    def __call__(self, fraction: float, message: str) -> None:
        fraction = max(0.0, min(1.0, fraction))
        filled = int(round(self.width * fraction))
        line = f"\r[{'#' * filled}{'.' * (self.width - filled)}] {fraction * 100:5.1f}%  {message:<32}"
        self.last_message = message
        if line != self.last_line:
            self.stream.write(line)
            self.stream.flush()
            self.last_line = line
        if fraction >= 1.0:
            self.end()

    def end(self) -> None:
        """End the bar's line (before a message, or when done)."""
        if self.last_line:
            self.stream.write("\n")
            self.stream.flush()
            self.last_line = ""

    @property
    def committed(self) -> bool:
        return self.last_message in ("analyzing", "done")


def run_load(args) -> int:
    """`python -m cockpit demo load`: exit 0 when loaded; refusals and failures raise to cli.main, which
    prints them in one line (a refusal has written nothing; a failure before the commit rolled back)."""
    started = time.monotonic()
    bar = _TextProgress()
    try:
        counts = load_demo(args.url, days=args.days, end=args.end, seed=args.seed, scale=args.scale,
                           progress=bar, allow_other_schemas=getattr(args, "allow_other_schemas", False))
    except DemoLoadRefused:
        bar.end()
        raise
    except BaseException:
        bar.end()
        if bar.last_message and not bar.committed:  # it had begun: say what became of the database
            print("demo load rolled back: the database is as it was", file=sys.stderr)
        raise
    elapsed = time.monotonic() - started
    width = max(len(n) for n in counts)
    for name, rows in counts.items():
        print(f"{name:<{width}}  {rows:>10,}")
    print(f"{'total':<{width}}  {sum(counts.values()):>10,}   loaded in {elapsed:.1f} s")
    return 0
