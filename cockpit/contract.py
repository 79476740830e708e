"""The data contract as data: parsed from the DDL in contract/, never maintained by hand.

`contract/01_relations.sql` is the single source of truth for the relations the cockpit reads and
`contract/02_checked_views.sql` for the checked views installed on top of them. This module reads
those files and describes them: every relation with its columns, each column's normalised type and
the comment after `--` on its line; the views of 02 and the data-quality issue codes each checked
view can give. `cockpit.check` compares a live database with this description and
`tests/test_contract.py` compares docs/data-contract.md with it.

The parser understands the subset of SQL the contract is written in: one `CREATE TABLE
cockpit.<name> ( ... );` block per relation with one column per line, table constraints
(`PRIMARY KEY (...)`, `UNIQUE`, `CHECK`, `CONSTRAINT`, `FOREIGN KEY`) on lines of their own, and
`CREATE [OR REPLACE] VIEW cockpit.<name> AS ... ;`. Anything it does not understand inside a
table block raises `ContractParseError` rather than being skipped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from cockpit import db

RELATIONS_FILE = "01_relations.sql"
VIEWS_FILE = "02_checked_views.sql"


class ContractParseError(ValueError):
    """The DDL holds something the contract parser does not understand."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # normalised, see normalise_type()
    comment: str  # text after `--` on the column's line ("" when none)
    not_null: bool = False
    primary_key: bool = False
    default: str | None = None  # the DEFAULT expression as written, e.g. "false", "0"


# Spellings PostgreSQL accepts (and format_type() prints) -> the one name used by the contract.
_TYPE_ALIASES = {
    "double precision": "double precision",
    "float8": "double precision",
    "float": "double precision",
    "real": "real",
    "float4": "real",
    "timestamptz": "timestamptz",
    "timestamp with time zone": "timestamptz",
    "timestamp": "timestamp",
    "timestamp without time zone": "timestamp",
    "time": "time",
    "time without time zone": "time",
    "timetz": "timetz",
    "time with time zone": "timetz",
    "date": "date",
    "text": "text",
    "character varying": "varchar",
    "varchar": "varchar",
    "character": "char",
    "char": "char",
    "bpchar": "char",
    "bigint": "bigint",
    "int8": "bigint",
    "integer": "integer",
    "int": "integer",
    "int4": "integer",
    "smallint": "smallint",
    "int2": "smallint",
    "numeric": "numeric",
    "decimal": "numeric",
    "boolean": "boolean",
    "bool": "boolean",
    "jsonb": "jsonb",
    "json": "json",
    "uuid": "uuid",
    "interval": "interval",
}

# Type spellings at the start of a column definition, longest first so that
# "timestamp with time zone" wins over "timestamp" and "double precision" over "double".
_TYPE_PATTERN = re.compile(
    r"(?P<type>"
    + "|".join(sorted((re.escape(k).replace(r"\ ", r"\s+") for k in _TYPE_ALIASES), key=len, reverse=True))
    + r")(?P<mod>\s*\([\d\s,]*\))?(?P<array>(\s*\[\s*\])*)(?=\s|,|$)",
    re.IGNORECASE,
)


def normalise_type(spelling: str) -> str:
    """One name per type: `timestamp(3) with time zone` -> `timestamptz`, `character varying(20)` ->
    `varchar`, `int4` -> `integer`, `numeric(10,2)` -> `numeric`, `text[]` -> `text[]`.
    Unknown types come back lower-cased."""
    s = " ".join(spelling.strip().lower().split())
    array = ""
    while s.endswith("[]"):
        array += "[]"
        s = s[:-2].rstrip()
    s = re.sub(r"\s*\([\d\s,]*\)", "", s)  # precision / length modifiers, wherever they stand
    s = " ".join(s.split())
    return _TYPE_ALIASES.get(s, s) + array


def _split_comment(line: str) -> tuple[str, str]:
    """(code, comment) of one line: the comment is what follows the first `--` outside a quoted string."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif line.startswith("--", i):
            return line[:i], line[i + 2:].strip()
    return line, ""


_CREATE_TABLE = re.compile(
    r"^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?P<schema>\w+)\.(?P<name>\w+)\s*\(\s*$", re.IGNORECASE
)
_TABLE_CONSTRAINT = re.compile(
    r"^(PRIMARY\s+KEY|UNIQUE|CHECK|CONSTRAINT|FOREIGN\s+KEY|EXCLUDE)\b", re.IGNORECASE
)
_COLUMN = re.compile(r"^(?P<name>[a-z_][a-z0-9_]*)\s+(?P<rest>.*)$", re.IGNORECASE)
_DEFAULT = re.compile(r"\bDEFAULT\s+('(?:[^']|'')*'|[^\s,]+)", re.IGNORECASE)


def parse_relations(sql: str) -> dict[str, list[Column]]:
    """Relations (without schema) of a contract DDL text, in file order, each with its columns in order."""
    relations: dict[str, list[Column]] = {}
    current: str | None = None
    table_key: list[str] = []  # columns of a table-level PRIMARY KEY (a, b)
    for lineno, raw in enumerate(sql.splitlines(), 1):
        code, comment = _split_comment(raw)
        code = code.strip()
        if current is None:
            m = _CREATE_TABLE.match(code)
            if m:
                if m["schema"].lower() != db.CONTRACT_SCHEMA:
                    raise ContractParseError(
                        f"line {lineno}: table outside schema {db.CONTRACT_SCHEMA}: {code}")
                current = m["name"].lower()
                if current in relations:
                    raise ContractParseError(f"line {lineno}: relation {current} defined twice")
                relations[current] = []
            elif re.match(r"^\s*CREATE\s+TABLE\b", code, re.IGNORECASE):
                raise ContractParseError(
                    f"line {lineno}: write `CREATE TABLE cockpit.name (` on one line: {code}")
            continue
        if code.startswith(")"):
            if not relations[current]:
                raise ContractParseError(f"line {lineno}: relation {current} has no columns")
            unknown = set(table_key) - {c.name for c in relations[current]}
            if unknown:
                raise ContractParseError(
                    f"line {lineno}: primary key of {current} names unknown {sorted(unknown)}")
            relations[current] = [replace(c, primary_key=True, not_null=True) if c.name in table_key else c
                                  for c in relations[current]]
            current, table_key = None, []
            continue
        if not code:
            continue
        if _TABLE_CONSTRAINT.match(code):
            key = re.match(r"^PRIMARY\s+KEY\s*\(([^)]*)\)", code, re.IGNORECASE)
            if key:
                table_key = [k.strip().lower() for k in key.group(1).split(",")]
            continue
        m = _COLUMN.match(code)
        # `timestamp(3) with time zone`: the precision stands inside the type name
        spelled = re.sub(r"^(timestamp|time)\s*\(\s*\d+\s*\)", r"\1", m["rest"], flags=re.I) if m else ""
        t = _TYPE_PATTERN.match(spelled)
        if not t:
            raise ContractParseError(f"line {lineno}: not a column definition of {current}: {code}")
        rest = spelled[t.end():]
        default = _DEFAULT.search(rest)
        relations[current].append(Column(
            name=m["name"].lower(),
            type=normalise_type(t.group(0)),
            comment=comment,
            not_null=bool(re.search(r"\bNOT\s+NULL\b|\bPRIMARY\s+KEY\b", rest, re.IGNORECASE)),
            primary_key=bool(re.search(r"\bPRIMARY\s+KEY\b", rest, re.IGNORECASE)),
            default=default.group(1) if default else None,
        ))
    if current is not None:
        raise ContractParseError(f"relation {current} is not closed with `);`")
    if not relations:
        raise ContractParseError("no CREATE TABLE found")
    return relations


_CREATE_VIEW = re.compile(
    r"CREATE\s+(?:OR\s+REPLACE\s+)?VIEW\s+(?P<schema>\w+)\.(?P<name>\w+)\s+AS\b(?P<body>.*?);",
    re.IGNORECASE | re.DOTALL,
)
_ISSUE = re.compile(r"\bTHEN\s+'(?P<code>[a-z_]+)'", re.IGNORECASE)


def _strip_comments(sql: str) -> str:
    return "\n".join(_split_comment(line)[0] for line in sql.splitlines())


def parse_views(sql: str) -> dict[str, str]:
    """Views (without schema) of a DDL text, in file order, each with its body (comments removed)."""
    found: dict[str, str] = {}
    for m in _CREATE_VIEW.finditer(_strip_comments(sql)):
        if m["schema"].lower() != db.CONTRACT_SCHEMA:
            raise ContractParseError(f"view outside schema {db.CONTRACT_SCHEMA}: {m['schema']}.{m['name']}")
        found[m["name"].lower()] = m["body"].strip()
    if not found:
        raise ContractParseError("no CREATE VIEW found")
    return found


def _read(name: str) -> str:
    return (db.CONTRACT_DIR / name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def _relations() -> dict[str, tuple[Column, ...]]:
    return {k: tuple(v) for k, v in parse_relations(_read(RELATIONS_FILE)).items()}


@lru_cache(maxsize=None)
def _views() -> dict[str, str]:
    return parse_views(_read(VIEWS_FILE))


def relations() -> dict[str, list[Column]]:
    """Every relation of 01_relations.sql (name without schema) -> its columns, in DDL order."""
    return {k: list(v) for k, v in _relations().items()}


def views() -> list[str]:
    """Every view of 02_checked_views.sql (name without schema), in DDL order."""
    return list(_views())


def functions() -> list[str]:
    """Every function of 02_checked_views.sql (name without schema), in DDL order."""
    import re

    return re.findall(r"CREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION\s+cockpit\.(\w+)\s*\(", _read(VIEWS_FILE), flags=re.I)


def checked_relations() -> list[str]:
    """Relations that have a `<relation>_checked` view (and so rows in data_quality), in DDL order."""
    return [v[: -len("_checked")] for v in _views() if v.endswith("_checked")]


def issue_codes() -> dict[str, list[str]]:
    """Relation -> the issue codes its `_checked` view can give, in the order they are tested."""
    result = {}
    for rel in checked_relations():
        codes: list[str] = []
        for m in _ISSUE.finditer(_views()[rel + "_checked"]):
            if m["code"] not in codes:
                codes.append(m["code"])
        result[rel] = codes
    return result


def ddl_version() -> str:
    """The version the header of 01_relations.sql states (`... the data contract, version X.Y.Z.`)."""
    m = re.search(r"version\s+(\d+\.\d+\.\d+)", _read(RELATIONS_FILE))
    if not m:
        raise ContractParseError(f"no version in the header of {RELATIONS_FILE}")
    return m.group(1)


def parse_version(text: str) -> tuple[int, int, int]:
    """`1.2.3` -> (1, 2, 3); `1.2` -> (1, 2, 0). Raises ValueError for anything else."""
    m = re.fullmatch(r"\s*v?(\d+)\.(\d+)(?:\.(\d+))?\s*", text or "")
    if not m:
        raise ValueError(f"not a semantic version: {text!r}")
    return int(m[1]), int(m[2]), int(m[3] or 0)


def dump() -> str:
    """A plain-text listing of the contract (for humans and for writing docs)."""
    lines = []
    for rel, cols in relations().items():
        lines.append(f"{db.CONTRACT_SCHEMA}.{rel}")
        for c in cols:
            flags = " NOT NULL" if c.not_null else ""
            lines.append(f"  {c.name:<24} {c.type:<17}{flags:<9} {c.comment}")
    lines.append("views: " + ", ".join(views()))
    return "\n".join(lines)

