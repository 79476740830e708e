"""Load the generated demo into an empty database: contract DDL, COPY FREEZE of every relation, indexes,
VACUUM ANALYZE.

`load_demo(url, ...)` is the library function (the app calls it for the embedded demo, with a
progress callback); `run_load(args)` is `python -m cockpit demo load`. The load refuses a database
whose contract relations already hold rows: it never appends to or overwrites existing data.

Rows go in with COPY … FROM STDIN (FORMAT csv) in chunks. The CSV text is built column-wise from
the DataFrames (numpy formatting of timestamps and numbers, then one join per chunk), which is
several times faster than DataFrame.to_csv for timestamp-heavy relations; the server parses one
chunk while the next is being formatted. All relations load in one transaction: a failed load
leaves no half-filled contract behind.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import time
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import sqlalchemy as sa

from cockpit import db
from cockpit.demo.generate import RELATION_ORDER, RELATION_WEIGHT, DemoGenerator

log = logging.getLogger(__name__)

DEFAULT_SEED = 20261122
COPY_CHUNK_ROWS = 50_000
Progress = Callable[[float, str], None]
SH = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


class DemoLoadRefused(RuntimeError):
    """The target database already holds data in the contract's relations."""


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


# ------------------------------------------------------------------ the load
def _contract_rows(engine: sa.Engine) -> int | None:
    """None when the contract is absent, else 1 when any of its relations holds a row, else 0."""
    if not db.contract_present(engine):
        return None
    with engine.connect() as conn:
        tables = conn.execute(sa.text(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = :s AND table_type = 'BASE TABLE'"), {"s": db.CONTRACT_SCHEMA}).scalars()
        for table in tables.all():
            probe = f'SELECT EXISTS (SELECT 1 FROM {db.CONTRACT_SCHEMA}."{table}")'
            if conn.execute(sa.text(probe)).scalar():
                return 1
    return 0


def load_demo(url: str, days: int = 365, end: str | dt.datetime | dt.date | None = None,
              seed: int = DEFAULT_SEED, scale: float = 1.0, progress: Progress | None = None,
              assets_dir: Path | None = None) -> dict[str, int]:
    """Create the contract in an empty database and fill it with a generated demo; returns rows per relation.

    Raises DemoLoadRefused when the contract's relations already hold rows (an existing but empty
    contract is reused)."""
    started = time.monotonic()
    report = progress or (lambda fraction, message: None)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    end_at = resolve_end(end, now)
    engine = db.make_engine(url, pool_size=1, application_name="pinghu-cockpit-demo-load")
    try:
        existing = _contract_rows(engine)
        if existing:
            raise DemoLoadRefused(
                f"{db.redact(url)} already holds the cockpit contract with data; "
                "load the demo into an empty database (or drop schema cockpit first)")
        report(0.0, "generating")
        generator = DemoGenerator(seed=seed, end=end_at, days=days, scale=scale, assets_dir=assets_dir,
                                  future_after=max(end_at, now), applied_at=now)
        created = existing is None
        if created:
            db.apply_contract(engine)
        weights = {name: RELATION_WEIGHT.get(name, 0.2) * (scale if RELATION_WEIGHT.get(name, 0) > 2 else 1)
                   for name in RELATION_ORDER}
        total_weight = sum(weights.values()) + 6.0  # + indexes, ANALYZE and rollups
        done_weight = 0.0
        counts: dict[str, int] = {}
        raw = engine.raw_connection()
        try:
            conn = raw.driver_connection
            with conn.cursor() as cur:
                cur.execute("SET LOCAL synchronous_commit = off")
                for name, build in generator.relations():
                    report(done_weight / total_weight, f"generating {name}")
                    frame = build()
                    w = weights[name]
                    base = done_weight

                    def on_chunk(rows_done: int, frame_rows: int = len(frame), base: float = base,
                                 w: float = w, name: str = name) -> None:
                        report((base + w * rows_done / max(frame_rows, 1)) / total_weight, f"loading {name}")

                    # the relations are empty (checked above): truncating them in this transaction lets
                    # COPY write their rows frozen
                    cur.execute(f"TRUNCATE {db.CONTRACT_SCHEMA}.{name}")
                    counts[name] = copy_frame(cur, name, frame, on_chunk=on_chunk, freeze=True)
                    done_weight += w
                    del frame
            raw.commit()
        except BaseException:
            raw.rollback()
            if created:
                with engine.begin() as c:
                    c.exec_driver_sql(f"DROP SCHEMA IF EXISTS {db.CONTRACT_SCHEMA} CASCADE")
            raise
        finally:
            raw.close()
        report(done_weight / total_weight, "indexing")
        db.apply_demo_indexes(engine)
        report((done_weight + 3.0) / total_weight, "analyzing")
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            # after COPY FREEZE almost every page is all-visible already: VACUUM skips those and marks the
            # few a bulk insert leaves on some servers (1 s on a year of data), so index-only scans work
            # from the start
            c.exec_driver_sql("VACUUM (ANALYZE)")
        report((done_weight + 4.0) / total_weight, "rollups")
        db.refresh_rollups(engine)
        report(1.0, "done")
        log.info("demo loaded into %s in %.1f s: %s rows", db.redact(url), time.monotonic() - started,
                 f"{sum(counts.values()):,}")
        return counts
    finally:
        engine.dispose()


def _text_progress(stream=sys.stderr) -> Progress:
    """A one-line text progress bar for the CLI."""
    width = 30
    state = {"last": ""}

    def show(fraction: float, message: str) -> None:
        fraction = max(0.0, min(1.0, fraction))
        filled = int(round(width * fraction))
        line = f"\r[{'#' * filled}{'.' * (width - filled)}] {fraction * 100:5.1f}%  {message:<32}"
        if line != state["last"]:
            stream.write(line)
            stream.flush()
            state["last"] = line
        if fraction >= 1.0:
            stream.write("\n")

    return show


def run_load(args) -> int:
    """`python -m cockpit demo load`: exit 0 when loaded, 1 when refused or failed."""
    started = time.monotonic()
    try:
        counts = load_demo(args.url, days=args.days, end=args.end, seed=args.seed, scale=args.scale,
                           progress=_text_progress())
    except DemoLoadRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - one clear line for the operator, details in the log
        log.exception("demo load failed")
        first_line = str(exc).splitlines()[0] if str(exc) else ""
        print(f"failed: {type(exc).__name__}: {first_line}", file=sys.stderr)
        return 1
    elapsed = time.monotonic() - started
    width = max(len(n) for n in counts)
    for name, rows in counts.items():
        print(f"{name:<{width}}  {rows:>10,}")
    print(f"{'total':<{width}}  {sum(counts.values()):>10,}   loaded in {elapsed:.1f} s")
    return 0
