"""The one loader of SQL files.

Every query is a file `queries/<area>/<name>.sql` holding one statement and a header:

    -- name: overview.case_counts
    -- grain: one row
    -- params: as_of, town_code
    -- ttl: 60
    SELECT ...

The file path is the query's name (`overview/case_counts.sql` is `overview.case_counts`). Values
enter only as `:named` bind parameters; the loader checks that the header's parameters and the
ones the statement uses agree, so a page can never pass a value the SQL does not bind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"
DEFAULT_TTL_SECONDS = 60

# :name not preceded by ':' (so '::int' casts are not parameters) and not inside a string or comment.
_PARAM_RE = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
# Strings and comments, matched in one left-to-right pass (an apostrophe in a comment is no string).
_STRING_OR_COMMENT_RE = re.compile(r"'(?:[^']|'')*'|--[^\n]*")


def _strip(sql: str) -> str:
    """The statement with string literals emptied and comments removed."""
    return _STRING_OR_COMMENT_RE.sub(lambda m: "''" if m.group(0).startswith("'") else "", sql)


class QueryFileError(ValueError):
    """A query file that breaks the rules of the loader."""


@dataclass(frozen=True)
class Query:
    name: str
    grain: str
    params: tuple[str, ...]
    sql: str
    ttl_seconds: int
    path: Path


def used_params(sql: str) -> set[str]:
    """The `:named` parameters a statement binds (strings and comments ignored)."""
    return set(_PARAM_RE.findall(_strip(sql)))


def parse_query(text: str, name: str, path: Path) -> Query:
    header: dict[str, str] = {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("--"):
            break
        key, sep, value = stripped[2:].partition(":")
        if sep and key.strip() in {"name", "grain", "params", "ttl"}:
            header[key.strip()] = value.strip()
    for key in ("name", "grain", "params"):
        if key not in header:
            raise QueryFileError(f"{path}: header lacks '-- {key}:'")
    if header["name"] != name:
        raise QueryFileError(f"{path}: header name {header['name']!r} differs from the path's {name!r}")
    declared = tuple(p.strip() for p in header["params"].split(",") if p.strip() and p.strip() != "none")
    used = used_params(text)
    if set(declared) != used:
        raise QueryFileError(
            f"{path}: declared params {sorted(declared)} differ from used {sorted(used)}"
        )
    body = _strip(text).strip().rstrip(";")
    if ";" in body:
        raise QueryFileError(f"{path}: holds more than one statement")
    ttl = int(header.get("ttl", DEFAULT_TTL_SECONDS))
    return Query(name=name, grain=header["grain"], params=declared, sql=text.strip().rstrip(";"),
                 ttl_seconds=ttl, path=path)


@lru_cache(maxsize=None)
def load_all(directory: Path = QUERY_DIR) -> dict[str, Query]:
    """Every query under `directory`, by name; raises QueryFileError on the first bad file."""
    queries: dict[str, Query] = {}
    for path in sorted(directory.rglob("*.sql")):
        rel = path.relative_to(directory).with_suffix("")
        name = ".".join(rel.parts)
        queries[name] = parse_query(path.read_text(encoding="utf-8"), name, path)
    return queries


def get(name: str) -> Query:
    try:
        return load_all()[name]
    except KeyError:
        raise KeyError(f"no query named {name!r} under {QUERY_DIR}") from None
