"""`python -m cockpit check`: can this database serve the cockpit? Checked against the contract, read-only.

Every probe runs in its own transaction opened with `SET TRANSACTION READ ONLY` and a local
`statement_timeout`, so the check never writes and one failing probe does not hide the others:
the report lists every problem found, one line each (OK / INFO / WARN / FAIL), then a verdict.

What is checked
- connection: the server answers (exit status 2 and the redacted URL when it does not);
- the role: SELECT on every relation; a warning when it can write (the cockpit wants a read-only role);
- every relation of contract/01_relations.sql in schema `cockpit` (a table, view, materialised view,
  foreign or partitioned table are all fine) with every contract column, each of a compatible type;
- every view of contract/02_checked_views.sql (they are part of the contract);
- cockpit.contract_version: the newest row's major version equals the cockpit's (minor: a warning);
- content: no relation empty, and the newest event of each fact relation not older than
  `max_age_hours` (drone_flight and market_request are sparse: a warning, not a failure);
- bad rows: per checked relation, the rows cockpit.data_quality leaves out over all its rows;
  above `max_bad_share` fails, anything above 0 is listed per issue code;
- the working calendar: a warning, with the command that fills it, when cockpit.work_calendar lacks
  days of the current or the next year (days it lacks count as the standard week in every figure).

Column types are judged by cockpit.check_report.type_verdict; its module lists what each contract
type accepts.
"""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from cockpit import contract, db, official_calendar
from cockpit.check_report import FAIL, INFO, OK, WARN, CheckReport, Finding, type_verdict
from cockpit.settings import SH

SCHEMA = db.CONTRACT_SCHEMA

# Fact relations and the event time that tells how fresh they are. A stale or empty relation of the
# first group fails; drone sorties and market requests are sparse (a quiet day is normal), so for
# them staleness is a warning. Emptiness of any of them fails.
FRESHNESS: dict[str, str] = {
    "grid_case": "reported_at",
    "waste_weighing": "weighed_at",
    "parking_violation": "observed_at",
    "drone_flight": "started_at",
    "market_request": "submitted_at",
}
SPARSE = frozenset({"drone_flight", "market_request"})

# Columns the check itself reads from the views of 02 (their full definition is the DDL).
ISSUE_COLUMN = "issue_code"
DATA_QUALITY_VIEW = "data_quality"
DATA_QUALITY_COLUMNS = ("relation_name", "issue_code", "row_count")
WORK_CLOCK_VIEW = "work_clock"
WORK_CLOCK_COLUMNS = ("day", "is_workday", "am_start", "am_end", "pm_start", "pm_end", "seconds_before_day")

_RELKINDS = {"r": "table", "v": "view", "m": "materialised view", "f": "foreign table",
             "p": "partitioned table"}
_DOC = "docs/data-contract.md"


# ---------------------------------------------------------------------------------------- probes


class _ProbeError(Exception):
    def __init__(self, message: str, timed_out: bool) -> None:
        super().__init__(message)
        self.timed_out = timed_out


def _error_text(exc: BaseException, secret: str | None = None) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = " ".join(str(orig).split())
    text = re.sub(r"\(Background on this error at: [^)]*\)", "", text).strip()
    if secret:
        text = text.replace(secret, "***")
    return text or type(orig).__name__


class _Probe:
    """Runs each query in its own read-only transaction with a statement timeout."""

    def __init__(self, conn: sa.Connection, timeout_ms: int) -> None:
        self.conn = conn
        self.timeout_ms = timeout_ms

    def rows(self, sql: str, params: dict | None = None) -> list[sa.RowMapping]:
        trans = self.conn.begin()
        try:
            self.conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            self.conn.execute(sa.text("SELECT set_config('statement_timeout', :ms, true)"),
                              {"ms": str(int(self.timeout_ms))})
            return list(self.conn.execute(sa.text(sql), params or {}).mappings())
        except sa.exc.DBAPIError as exc:
            timed_out = getattr(getattr(exc, "orig", None), "sqlstate", None) == "57014"
            raise _ProbeError(_error_text(exc), timed_out) from exc
        finally:
            trans.rollback()


def _q(name: str) -> str:
    """A schema-qualified, quoted relation name (names come from the parsed DDL)."""
    return f'{SCHEMA}."{name}"'


def _local(ts: dt.datetime) -> str:
    return f"{ts.astimezone(SH):%Y-%m-%d %H:%M} Asia/Shanghai"


def _hours(td: dt.timedelta) -> str:
    return f"{td.total_seconds() / 3600:.1f} h"


# ---------------------------------------------------------------------------------------- the check


def check_database(
    url: str,
    max_age_hours: float = 24,
    max_bad_share: float = 0.05,
    now: dt.datetime | None = None,
    *,
    statement_timeout_ms: int = 30_000,
    connect_timeout_s: int = 5,
) -> CheckReport:
    """Check the database at `url` against the contract, read-only.

    `now` (timezone-aware; default: the current time) is the clock freshness is measured on.
    """
    if now is None:
        now = dt.datetime.now(dt.timezone.utc)
    elif now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    report = CheckReport(url=db.redact(url), checked_at=now)

    try:
        sa_url = sa.make_url(db.normalise_url(url))
    except Exception as exc:  # noqa: BLE001 - any malformed URL is a connection failure
        report.add(FAIL, "connection", f"not a usable PostgreSQL URL: {report.url} ({type(exc).__name__})",
                   "give postgresql://user:password@host:port/database")
        return report
    engine = sa.create_engine(
        sa_url, poolclass=NullPool,
        connect_args={"connect_timeout": connect_timeout_s, "application_name": "pinghu-cockpit-check"},
    )
    try:
        try:
            conn = engine.connect()
        except sa.exc.DBAPIError as exc:
            reason = _error_text(exc, sa_url.password)
            report.add(FAIL, "connection", f"cannot connect to {report.url}: {reason}",
                       "is the server running and reachable from here (host, port, firewall), "
                       "and are the user, password and database name right?")
            return report
        with conn:
            report.connected = True
            _Checker(_Probe(conn, statement_timeout_ms), report, now, max_age_hours, max_bad_share).run()
    finally:
        engine.dispose()
    return report


class _Checker:
    def __init__(self, probe: _Probe, report: CheckReport, now: dt.datetime,
                 max_age_hours: float, max_bad_share: float) -> None:
        self.probe = probe
        self.report = report
        self.now = now
        self.max_age = dt.timedelta(hours=max_age_hours)
        self.max_age_hours = max_age_hours
        self.max_bad_share = max_bad_share
        self.relations = contract.relations()
        self.views = contract.views()
        self.found: dict[str, sa.RowMapping] = {}  # relation or view -> pg_class facts
        self.columns: dict[str, dict[str, str]] = {}  # relation or view -> column -> normalised type
        self.usable: set[str] = set()  # relations present, readable, with all columns of usable types
        self.readable: set[str] = set()
        self.role = "?"
        self.is_super = False

    def add(self, *args) -> Finding:
        return self.report.add(*args)

    # -- connection and role
    def run(self) -> None:
        try:
            self._connection_and_role()
            if not self._schema():
                return
            self._catalogue()
            for name in self.relations:
                self._relation(name)
            self._write_access()
            self._views()
            self._rollups()
            self._version()
            counts = self._content()
            self._calendar_years()
            self._bad_rows(counts)
        except _ProbeError as exc:  # a catalogue query failed: nothing sensible can follow
            self.add(FAIL, "catalogue", f"cannot read the system catalogue: {exc}",
                     "the role needs to read pg_catalog (every role can by default)")

    def _connection_and_role(self) -> None:
        row = self.probe.rows(
            "SELECT current_user AS role, current_database() AS database, "
            "current_setting('server_version') AS version, "
            "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS is_super, "
            "(SELECT reset_val FROM pg_settings WHERE name = 'statement_timeout') AS role_timeout"
        )[0]
        self.role = row["role"]
        self.is_super = bool(row["is_super"])
        self.add(OK, "connection", f"connected to database {row['database']} as {row['role']} "
                                   f"(PostgreSQL {row['version']})")
        if row["is_super"]:
            self.add(WARN, "role", f"{row['role']} is a superuser",
                     f"connect the cockpit with a read-only role (see {_DOC}, 'How to connect')")
        if str(row["role_timeout"]) == "0":
            self.add(INFO, "role", f"{row['role']} has no default statement_timeout",
                     "the cockpit sets one per query; `ALTER ROLE ... SET statement_timeout = '30s'` "
                     "also protects other clients")

    def _schema(self) -> bool:
        rows = self.probe.rows(
            "SELECT has_schema_privilege(oid, 'USAGE') AS usable FROM pg_namespace WHERE nspname = :s",
            {"s": SCHEMA},
        )
        row = {"present": bool(rows), "usable": bool(rows) and rows[0]["usable"]}
        if not row["present"]:
            self.add(FAIL, SCHEMA, f"schema {SCHEMA} does not exist, so none of the {len(self.relations)} "
                                   f"relations and {len(self.views)} views of the contract are there",
                     f"create it and map the relations as documented in {_DOC}, then install "
                     f"contract/02_checked_views.sql")
            return False
        if not row["usable"]:
            self.add(FAIL, SCHEMA, f"role {self.role} has no USAGE on schema {SCHEMA}",
                     f"GRANT USAGE ON SCHEMA {SCHEMA} TO {self.role}")
            return False
        return True

    def _catalogue(self) -> None:
        for row in self.probe.rows(
            "SELECT c.relname, c.relkind, has_table_privilege(c.oid, 'SELECT') AS can_select, "
            "       has_table_privilege(c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE') AS can_write "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = :s",
            {"s": SCHEMA},
        ):
            self.found[row["relname"]] = row
        # pg_attribute rather than information_schema.columns: the latter omits materialised views
        # and hides relations the role has no privilege on (which is reported separately).
        for row in self.probe.rows(
            "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) AS formatted, t.typtype, "
            "       CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS base "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
            "JOIN pg_type t ON t.oid = a.atttypid "
            "WHERE n.nspname = :s ORDER BY c.relname, a.attnum",
            {"s": SCHEMA},
        ):
            if row["typtype"] == "e":
                kind = f"enum {row['formatted']}"
            elif row["typtype"] == "d":
                kind = contract.normalise_type(row["base"])
            else:
                kind = contract.normalise_type(row["formatted"])
            self.columns.setdefault(row["relname"], {})[row["attname"]] = kind

    def _present(self, name: str, what: str, fix: str) -> bool:
        """Present as something readable; reports and returns False otherwise."""
        row = self.found.get(name)
        if row is None:
            self.add(FAIL, name, f"{what} {_q(name)} is missing", fix)
            return False
        if row["relkind"] not in _RELKINDS:
            self.add(FAIL, name, f"{_q(name)} is not a table or view (relkind {row['relkind']!r})", fix)
            return False
        if not row["can_select"]:
            self.add(FAIL, name, f"role {self.role} may not read {_q(name)}",
                     f"GRANT SELECT ON {_q(name)} TO {self.role}")
            return False
        self.readable.add(name)
        return True

    # -- relations of 01
    def _relation(self, name: str) -> None:
        if not self._present(name, "relation",
                             f"create it (on the operational database: a view over the source tables) "
                             f"as documented in {_DOC}"):
            return
        row, have = self.found[name], self.columns.get(name, {})
        kind = _RELKINDS[row["relkind"]]
        bad = 0
        for col in self.relations[name]:
            subject = f"{name}.{col.name}"
            actual = have.get(col.name)
            if actual is None:
                bad += 1
                self.add(FAIL, subject, f"column missing (contract: {col.type})",
                         f"add it to {_q(name)}; when the source has no such data, "
                         f"`NULL::{col.type} AS {col.name}`")
                continue
            level, hint = type_verdict(col.type, actual)
            if level != OK:
                self.add(level, subject, f"is {actual} (contract: {col.type})", hint)
            if level == FAIL:
                bad += 1
        if bad:
            return
        self.usable.add(name)
        extra = len(set(have) - {c.name for c in self.relations[name]})
        more = f"; {extra} more column(s) ignored" if extra else ""
        self.add(OK, name, f"{kind} with all {len(self.relations[name])} contract columns{more}")

    def _write_access(self) -> None:
        if self.is_super:
            return  # said already
        writable = [n for n in self.relations if n in self.found and self.found[n]["can_write"]]
        if writable:
            self.add(WARN, "role", f"{self.role} may write to {len(writable)} contract relation(s), "
                                   f"e.g. {_q(writable[0])}",
                     f"the cockpit only reads: give it a role with SELECT only (see {_DOC})")

    # -- views of 02
    def _views(self) -> None:
        fix = "install contract/02_checked_views.sql as is (after the relations)"
        present = 0
        for name in self.views:
            if not self._present(name, "view", fix):
                continue
            have = self.columns.get(name, {})
            needed = (DATA_QUALITY_COLUMNS if name == DATA_QUALITY_VIEW
                      else WORK_CLOCK_COLUMNS if name == WORK_CLOCK_VIEW
                      else (ISSUE_COLUMN,) if name.endswith("_checked") else ())
            missing = [c for c in needed if c not in have]
            if missing:
                self.add(FAIL, name, f"view lacks column(s) {', '.join(missing)}: "
                                     "not the contract's definition", fix)
                continue
            present += 1
        if present == len(self.views):
            self.add(OK, "checked views", f"all {len(self.views)} views of 02_checked_views.sql present")
        have = {r["proname"] for r in self.probe.rows(
            "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = :s AND has_function_privilege(p.oid, 'EXECUTE')", {"s": SCHEMA})}
        for name in contract.functions():
            if name not in have:
                self.add(FAIL, name, f"function {_q(name)} of 02_checked_views.sql is missing or not executable",
                         fix)

    # -- rollups of 04
    def _rollups(self) -> None:
        fix = "install contract/04_rollups.sql as is and refresh it nightly (python -m cockpit rollups --help)"
        rows = self.probe.rows(
            "SELECT to_regclass('cockpit.parking_road_day') IS NOT NULL AS road_day, "
            "to_regclass('cockpit.data_quality_day') IS NOT NULL AS dq_day, "
            "to_regclass('cockpit.rollup_state') IS NOT NULL AS state")
        missing = [n for n, ok in (("parking_road_day", rows[0]["road_day"]), ("data_quality_day", rows[0]["dq_day"]),
                                   ("rollup_state", rows[0]["state"])) if not ok]
        if missing:
            self.add(FAIL, "rollups", f"missing: {', '.join(_q(n) for n in missing)}", fix)
            return
        try:
            cut = self.probe.rows("SELECT max(complete_before) AS cut, max(refreshed_at) AS at "
                                  "FROM cockpit.rollup_state")[0]
        except _ProbeError as exc:
            self.add(FAIL, "rollups", f"cannot read {_q('rollup_state')}: {exc}", fix)
            return
        if cut["cut"] is None:
            self.add(WARN, "rollups", "never refreshed: every figure is counted from the rows (slow on years of data)",
                     "SELECT cockpit.refresh_rollups(); then schedule it nightly")
            return
        today = self.now.astimezone(SH).date()
        said = f"complete before {cut['cut']} (refreshed {_local(cut['at'])})"
        if (today - cut["cut"]).days > 2:
            self.add(WARN, "rollups", f"{said}: more than two days old, the days since are counted from the rows",
                     "is the nightly SELECT cockpit.refresh_rollups() running?")
        else:
            self.add(OK, "rollups", said)

    # -- contract_version
    def _version(self) -> None:
        name = "contract_version"
        if name not in self.usable:
            return  # already reported
        try:
            rows = self.probe.rows(f"SELECT version, applied_at, is_demo FROM {_q(name)} "
                                   "ORDER BY applied_at DESC NULLS LAST LIMIT 1")
        except _ProbeError as exc:
            self.add(FAIL, name, f"cannot read it: {exc}")
            return
        insert = (f"INSERT INTO {_q(name)} (version, applied_at, is_demo) "
                  f"VALUES ('{db.CONTRACT_VERSION}', now(), false)")
        if not rows:
            self.add(FAIL, name, "no row: the database does not say which contract version it provides",
                     insert)
            return
        row = rows[0]
        ours = contract.parse_version(db.CONTRACT_VERSION)
        try:
            theirs = contract.parse_version(row["version"])
        except ValueError:
            self.add(FAIL, name, f"newest version {row['version']!r} is not a semantic version X.Y.Z", insert)
            return
        applied = _local(row["applied_at"]) if row["applied_at"] else "unknown time"
        said = (f"database provides contract {row['version']} (applied {applied}), "
                f"the cockpit reads {db.CONTRACT_VERSION}")
        if theirs[0] != ours[0]:
            self.add(FAIL, name, f"{said}: major versions differ, the contract changed incompatibly",
                     "run a cockpit release for that contract, or migrate the database's relations "
                     f"to contract {db.CONTRACT_VERSION}")
        elif theirs[1] != ours[1]:
            older = "older" if theirs[1] < ours[1] else "newer"
            self.add(WARN, name, f"{said}: the database's minor version is {older}",
                     "compatible; plan the upgrade so both sides agree")
        else:
            self.add(OK, name, said)
        if row["is_demo"]:
            self.add(INFO, name, "is_demo is true: the relations hold generated demo data")

    # -- emptiness and freshness
    def _content(self) -> dict[str, int]:
        """Row counts of the fact relations and those data_quality covers; reports empty and stale ones."""
        counted = set(FRESHNESS) | set(contract.checked_relations())
        counts: dict[str, int] = {}
        for name in self.relations:
            if name not in self.readable or name == "contract_version":
                continue  # missing (reported) or checked by _version
            fact = name in FRESHNESS
            ts = FRESHNESS.get(name)
            fresh_probe = fact and self.columns.get(name, {}).get(ts) == "timestamptz"
            if name in counted:
                newest = f', max("{ts}") FILTER (WHERE "{ts}" <= :now) AS newest' if fresh_probe else ""
                sql = f"SELECT count(*) AS n{newest} FROM {_q(name)}"
            else:
                sql = f"SELECT CAST(EXISTS (SELECT 1 FROM {_q(name)}) AS int) AS n"
            try:
                row = self.probe.rows(sql, {"now": self.now} if fresh_probe else None)[0]
            except _ProbeError as exc:
                level = WARN if exc.timed_out else FAIL
                self.add(level, name, f"cannot read its rows: {exc}",
                         "add the indexes of contract/03_demo_indexes.sql or simplify the view"
                         if exc.timed_out else "fix the view so that it can be selected from")
                continue
            n = int(row["n"])
            if name in counted:
                counts[name] = n
            if n == 0:
                if fact:
                    self.add(FAIL, name, "is empty: the cockpit has nothing to show for it",
                             "map it to the operational table that holds these events")
                else:
                    self.add(WARN, name, "is empty: the pages and filters that use it show nothing",
                             f"fill it (see {_DOC})")
                continue
            if fresh_probe:
                self._freshness(name, ts, n, row["newest"])

        return counts

    def _freshness(self, name: str, ts: str, n: int, newest: dt.datetime | None) -> None:
        level = WARN if name in SPARSE else FAIL
        limit = f"limit {self.max_age_hours:g} h"
        if newest is None:
            self.add(level, name, f"none of its {n} rows has {ts} at or before {_local(self.now)}",
                     f"{ts} is null or in the future everywhere: check the mapping of {ts}")
            return
        age = self.now - newest
        said = f"newest {ts} {_local(newest)}, {_hours(age)} old"
        if age > self.max_age:
            sparse = " (sparse relation: a quiet spell may be normal)" if name in SPARSE else ""
            self.add(level, name, f"stale: {said} ({limit}){sparse}",
                     "is the feed from the operational system running?")
        else:
            self.add(OK, name, f"fresh: {said} ({limit})")

    # -- the working calendar: the current and the next year
    def _calendar_years(self) -> None:
        if "work_calendar" not in self.usable:
            return  # missing or unusable: reported with the relations
        this = self.now.astimezone(SH).year
        years = (this, this + 1)
        try:
            missing = self.probe.rows(official_calendar.COUNT_SQL, {
                "first": dt.date(this, 1, 1), "after": dt.date(this + 2, 1, 1)})
        except _ProbeError as exc:
            self.add(WARN, "work_calendar", f"cannot count its days: {exc}",
                     "fix the relation so that it can be selected from")
            return
        held = {int(r["year"]): int(r["n"]) for r in missing}
        lacking = {y: official_calendar.days_in_year(y) - held.get(y, 0) for y in years}
        if not any(lacking.values()):
            self.add(OK, "work_calendar", f"holds every day of {this} and {this + 1}")
            return
        size = official_calendar.days_in_year
        said = "; ".join(f"all of {y}" if n == size(y) else f"{n} of the {size(y)} days of {y}"
                         for y, n in lacking.items() if n)
        gaps = [y for y, n in lacking.items() if n]
        span = f"{gaps[0]}" if len(gaps) == 1 else f"{gaps[0]}-{gaps[-1]}"
        fix = f"python -m cockpit calendar --url {self.report.url} --years {span}"
        unknown = [str(y) for y in gaps if not official_calendar.covers(y)]
        if unknown:
            fix += (f" (the official schedule of {', '.join(unknown)} is not in {official_calendar.SOURCE} "
                    "yet: upgrade it once the State Council has published the year, or add the rows by hand)")
        self.add(WARN, "work_calendar",
                 f"lacks {said}: on the days it lacks, working hours count the standard week "
                 "(Monday to Friday), so public holidays count as working time and make-up days do not", fix)

    # -- bad rows
    def _bad_rows(self, counts: dict[str, int]) -> None:
        if DATA_QUALITY_VIEW not in self.readable or any(
            c not in self.columns.get(DATA_QUALITY_VIEW, {}) for c in DATA_QUALITY_COLUMNS
        ):
            return  # reported with the views
        try:
            rows = self.probe.rows(
                f"SELECT relation_name, issue_code, row_count FROM {_q(DATA_QUALITY_VIEW)} "
                "ORDER BY relation_name, row_count DESC, issue_code"
            )
        except _ProbeError as exc:
            if exc.timed_out:
                self.add(WARN, DATA_QUALITY_VIEW, f"did not finish within the statement timeout: {exc}",
                         "the cockpit's data-quality panel will time out too: add the indexes of "
                         "contract/03_demo_indexes.sql to the operational tables")
            else:
                self.add(FAIL, DATA_QUALITY_VIEW, f"cannot be computed: {exc}",
                         "the _valid views every figure reads fail the same way: fix the column types")
            return
        issues: dict[str, list[tuple[str, int]]] = {}
        for r in rows:
            issues.setdefault(r["relation_name"], []).append((r["issue_code"], int(r["row_count"])))
        for name in contract.checked_relations():
            if name not in counts or counts[name] == 0:
                continue  # missing, unreadable or empty: reported already
            n = counts[name]
            found = issues.pop(name, [])
            bad = sum(c for _, c in found)
            if not bad:
                self.add(OK, name, f"no bad rows among {n}")
                continue
            share = bad / n
            detail = ", ".join(f"{code} {count}" for code, count in found)
            said = f"{bad} of {n} rows ({share:.1%}) are bad and left out of every figure: {detail}"
            if share > self.max_bad_share:
                self.add(FAIL, name, f"{said} (limit {self.max_bad_share:.1%})",
                         f"fix them at the source or in the mapping; issue codes are explained in {_DOC}")
            else:
                self.add(INFO, name, said)
        for name, found in issues.items():
            if name not in self.relations:
                self.add(WARN, DATA_QUALITY_VIEW, f"reports unknown relation {name!r}",
                         "install contract/02_checked_views.sql as is")


# ---------------------------------------------------------------------------------------- CLI


def run_check(args) -> int:
    """`python -m cockpit check --url URL [--max-age-hours H] [--max-bad-share F]`.

    Prints the report and returns the exit status: 0 can serve, 1 something fails, 2 cannot connect.
    """
    report = check_database(args.url, max_age_hours=args.max_age_hours, max_bad_share=args.max_bad_share)
    print(report.render(), flush=True)
    return report.exit_code
