"""The contract check's vocabulary: the levels (OK / INFO / WARN / FAIL), one finding per line, the
report with its verdict and exit status, and the verdict on a column's type.

Type compatibility (the columns are read, never written, so a type is accepted when the cockpit's
SQL and Python behave the same on it):
- exact match: OK;
- `double precision` also takes `numeric`, `bigint`, `integer`, `smallint` (INFO: exact numbers read
  the same); `real` is a WARN (single precision rounds coordinates to about a metre);
- `bigint`, `integer`, `smallint` take one another (INFO); `numeric` is a WARN (arrives as Decimal);
- `text` also takes `character varying` (INFO); `character(n)` is a WARN (blank-padded: cast to text);
- `jsonb` takes `json` with a WARN (jsonb operators are not available on json);
- everything else fails, in particular `timestamp without time zone` where the contract says
  `timestamptz` (a time must carry its zone: expose `col AT TIME ZONE 'Asia/Shanghai'`), enums or
  numbers where the contract says text, and integers where it says boolean.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cockpit import db
from cockpit.settings import SH

OK, INFO, WARN, FAIL = "OK", "INFO", "WARN", "FAIL"

_INTEGERS = ("bigint", "integer", "smallint")


# ---------------------------------------------------------------------------------------- report


@dataclass(frozen=True)
class Finding:
    level: str  # OK | INFO | WARN | FAIL
    subject: str  # relation, relation.column, or a topic: connection, role, contract_version ...
    message: str  # what was found
    hint: str = ""  # what to do about it

    def line(self, width: int = 0) -> str:
        text = f"{self.level:<5} {self.subject:<{width}}  {self.message}"
        return f"{text} — {self.hint}" if self.hint else text


@dataclass
class CheckReport:
    url: str  # redacted
    checked_at: dt.datetime
    findings: list[Finding] = field(default_factory=list)
    connected: bool = False

    def add(self, level: str, subject: str, message: str, hint: str = "") -> Finding:
        finding = Finding(level, subject, message, hint)
        self.findings.append(finding)
        return finding

    def at(self, level: str) -> list[Finding]:
        return [f for f in self.findings if f.level == level]

    @property
    def failures(self) -> list[Finding]:
        return self.at(FAIL)

    @property
    def warnings(self) -> list[Finding]:
        return self.at(WARN)

    @property
    def ok(self) -> bool:
        """True when the cockpit can serve from this database."""
        return self.connected and not self.failures

    @property
    def exit_code(self) -> int:
        if not self.connected:
            return 2
        return 1 if self.failures else 0

    def about(self, subject: str) -> list[Finding]:
        """Findings on a relation (or topic), including those on its columns (`subject.column`)."""
        return [f for f in self.findings if f.subject == subject or f.subject.startswith(subject + ".")]

    def verdict(self) -> str:
        n_fail, n_warn = len(self.failures), len(self.warnings)
        if not self.connected:
            return "VERDICT: FAIL — cannot connect; nothing else was checked (数据库无法连接)."
        if n_fail:
            return (f"VERDICT: FAIL — {n_fail} failure(s), {n_warn} warning(s): the cockpit cannot "
                    f"serve from this database until every FAIL line is fixed (数据库不符合数据契约).")
        return (f"VERDICT: OK — the cockpit can serve from this database ({n_warn} warning(s)) "
                f"(数据库符合数据契约).")

    def render(self) -> str:
        width = min(36, max((len(f.subject) for f in self.findings), default=10))
        head = (f"Contract check (数据契约检查) of {self.url} against contract {db.CONTRACT_VERSION}, "
                f"{self.checked_at.astimezone(SH):%Y-%m-%d %H:%M} Asia/Shanghai")
        return "\n".join([head, *(f.line(width) for f in self.findings), self.verdict()])


# ---------------------------------------------------------------------------------------- types


def type_verdict(expected: str, actual: str) -> tuple[str, str]:
    """(level, hint) for a column the contract types `expected` provided as `actual` (both normalised)."""
    if actual == expected:
        return OK, ""
    if expected == "timestamptz":
        if actual == "timestamp":
            return FAIL, ("times must carry a zone: if it holds Shanghai wall-clock time, expose "
                          "`col AT TIME ZONE 'Asia/Shanghai'` in the view")
        return FAIL, "expose a timestamptz (cast in the view)"
    if expected == "text":
        if actual == "varchar":
            return INFO, "accepted (read as text)"
        if actual == "char":
            return WARN, "character(n) is blank-padded and breaks code joins: cast to text in the view"
        return FAIL, "expose text: cast in the view (`col::text`)"
    if expected in _INTEGERS:
        if actual in _INTEGERS:
            return INFO, "accepted (an integer either way)"
        if actual == "numeric":
            return WARN, f"numeric arrives in Python as Decimal: cast to {expected} in the view"
        return FAIL, f"expose {expected}: cast in the view"
    if expected == "double precision":
        if actual in _INTEGERS or actual == "numeric":
            return INFO, "accepted (read as a number)"
        if actual == "real":
            return WARN, "single precision rounds coordinates to about a metre: cast to double precision"
        return FAIL, "expose double precision: cast in the view"
    if expected == "jsonb":
        if actual == "json":
            return WARN, "cast to jsonb in the view (jsonb operators do not work on json)"
        return FAIL, "expose jsonb: cast in the view (`col::jsonb`)"
    if expected == "boolean":
        return FAIL, "expose a boolean, e.g. `col <> 0` or `col = 'Y'` in the view"
    if expected == "date":
        return FAIL, "expose the local day: `(col AT TIME ZONE 'Asia/Shanghai')::date` or `col::date`"
    if expected == "time":
        return FAIL, "expose local time of day without zone: `col::time`"
    return FAIL, f"expose {expected}: cast in the view"
