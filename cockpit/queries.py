"""The one loader of SQL files.

Every query is a file `queries/<area>/<name>.sql` holding one statement and a header:

    -- name: overview.case_counts
    -- grain: one row      ('one row[: …]' or 'at most one row[: …]': the gateway refuses any other size)
    -- params: as_of, town_code
    -- ttl: 60
    -- timeout: 3000      (optional: this query's time limit in ms; default the gateway's statement timeout)
    -- personal: plate    (optional: the result columns that are personal data; such rows are cached per
                           viewer role, never shared between roles: see cockpit.sharedcache)
    SELECT ...

The file path is the query's name (`overview/case_counts.sql` is `overview.case_counts`). Values
enter only as `:named` bind parameters; the loader checks that the header's parameters and the
ones the statement uses agree, so a page can never pass a value the SQL does not bind. Statements,
strings, comments and parameters are found by a PostgreSQL tokenizer (`tokenize`), not a pattern.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"
DEFAULT_TTL_SECONDS = 60
MAX_TIMEOUT_MS = 120_000  # a header's `-- timeout:` may not exceed this
HEADER_KEYS = {"name", "grain", "params", "ttl", "timeout", "personal"}


class QueryFileError(ValueError):
    """A query file that breaks the rules of the loader."""


# -- a PostgreSQL tokenizer -------------------------------------------------------------------------
# Enough of PostgreSQL's lexer (scan.l) to know, for every character, whether it is code, a comment, a
# string or an identifier: `--` and nested `/* */` comments, '' strings (standard_conforming_strings:
# a backslash is an ordinary character), E'' strings (backslash escapes), B''/X''/N''/U&'' strings,
# $tag$ dollar quotes, "quoted" and U&"quoted" identifiers, `::` casts and `:name` parameters.

@dataclass(frozen=True)
class Token:
    kind: str  # space | comment | string | ident | word | param | positional | cast | semicolon | other
    text: str
    start: int


def _ident_start(ch: str) -> bool:
    return ch.isalpha() or ch == "_" or ord(ch) >= 0x80


def _ident_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_$" or ord(ch) >= 0x80


def _quoted_end(sql: str, i: int, quote: str, backslash: bool) -> int:
    """Index just past the closing quote of a literal whose opening quote is at sql[i]."""
    n = len(sql)
    j = i + 1
    while j < n:
        ch = sql[j]
        if backslash and ch == "\\":
            j += 2
            continue
        if ch == quote:
            if j + 1 < n and sql[j + 1] == quote:  # doubled quote: part of the literal
                j += 2
                continue
            return j + 1
        j += 1
    what = "quoted identifier" if quote == '"' else "string"
    raise QueryFileError(f"unterminated {what} at offset {i}")


def _string_continues(sql: str, j: int) -> int | None:
    """PostgreSQL joins 'a'\n'b' (string literals separated by whitespace holding a newline): where the
    next part's quote is, or None."""
    k = j
    newline = False
    while k < len(sql) and sql[k] in " \t\r\n\f":
        newline = newline or sql[k] in "\r\n"
        k += 1
    return k if newline and k < len(sql) and sql[k] == "'" else None


def tokenize(sql: str) -> list[Token]:
    """The statement(s) as tokens; raises QueryFileError on an unterminated comment, string or quote."""
    out: list[Token] = []
    n = len(sql)
    i = 0
    while i < n:
        ch = sql[i]
        nxt = sql[i + 1] if i + 1 < n else ""
        if ch.isspace():
            j = i
            while j < n and sql[j].isspace():
                j += 1
            out.append(Token("space", sql[i:j], i))
        elif ch == "-" and nxt == "-":
            j = sql.find("\n", i)
            j = n if j < 0 else j
            out.append(Token("comment", sql[i:j], i))
        elif ch == "/" and nxt == "*":
            depth, j = 1, i + 2
            while depth:
                if j >= n:
                    raise QueryFileError(f"unterminated /* comment at offset {i}")
                if sql.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif sql.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(Token("comment", sql[i:j], i))
        elif ch == "'":
            j = _quoted_end(sql, i, "'", False)
            while (k := _string_continues(sql, j)) is not None:
                j = _quoted_end(sql, k, "'", False)
            out.append(Token("string", sql[i:j], i))
        elif ch == '"':
            j = _quoted_end(sql, i, '"', False)
            out.append(Token("ident", sql[i:j], i))
        elif ch == "$" and (nxt.isdigit()):
            j = i + 1
            while j < n and sql[j].isdigit():
                j += 1
            out.append(Token("positional", sql[i:j], i))
        elif ch == "$":
            j = i + 1
            while j < n and (sql[j] == "_" or sql[j].isalnum() or ord(sql[j]) >= 0x80):
                j += 1
            if j < n and sql[j] == "$":
                tag = sql[i:j + 1]
                end = sql.find(tag, j + 1)
                if end < 0:
                    raise QueryFileError(f"unterminated dollar quote {tag} at offset {i}")
                out.append(Token("string", sql[i:end + len(tag)], i))
                j = end + len(tag)
            else:
                j = i + 1
                out.append(Token("other", "$", i))
        elif _ident_start(ch):
            j = i
            while j < n and _ident_char(sql[j]):
                j += 1
            word = sql[i:j]
            after = sql[j] if j < n else ""
            if word.lower() in {"e", "b", "x", "n"} and after == "'":
                backslash = word.lower() == "e"
                k = _quoted_end(sql, j, "'", backslash)
                while (m := _string_continues(sql, k)) is not None:
                    k = _quoted_end(sql, m, "'", backslash)
                out.append(Token("string", sql[i:k], i))
                j = k
            elif word.lower() == "u" and after == "&" and j + 1 < n and sql[j + 1] in "'\"":
                quote = sql[j + 1]
                k = _quoted_end(sql, j + 1, quote, False)
                out.append(Token("string" if quote == "'" else "ident", sql[i:k], i))
                j = k
            else:
                out.append(Token("word", word, i))
        elif ch == ":" and nxt == ":":
            j = i + 2
            out.append(Token("cast", "::", i))
        elif ch == ":" and nxt and _ident_start(nxt):
            j = i + 1
            while j < n and (sql[j] == "_" or sql[j].isalnum()):
                j += 1
            out.append(Token("param", sql[i:j], i))
        elif ch == ";":
            j = i + 1
            out.append(Token("semicolon", ";", i))
        else:
            j = i + 1
            out.append(Token("other", ch, i))
        i = j
    return out


def statements(sql: str) -> list[str]:
    """The statements of a text, split at semicolons outside strings, comments and quotes; each without
    its semicolon, comments kept, empty ones (only whitespace and comments) left out."""
    parts: list[list[Token]] = [[]]
    for token in tokenize(sql):
        if token.kind == "semicolon":
            parts.append([])
        else:
            parts[-1].append(token)
    return ["".join(t.text for t in part).strip() for part in parts
            if any(t.kind not in ("space", "comment") for t in part)]


def used_params(sql: str) -> set[str]:
    """The `:named` parameters a statement binds (strings, comments, quoted identifiers and casts ignored)."""
    return {t.text[1:] for t in tokenize(sql) if t.kind == "param"}


def driver_sql(sql: str) -> str:
    """The statement for psycopg: `:name` as `%(name)s`, every other `%` doubled."""
    return "".join(f"%({t.text[1:]})s" if t.kind == "param" else t.text.replace("%", "%%")
                   for t in tokenize(sql))


@dataclass(frozen=True)
class Query:
    name: str
    grain: str
    params: tuple[str, ...]
    sql: str  # the one statement, `:named` parameters (for SQLAlchemy's text())
    ttl_seconds: int
    path: Path
    timeout_ms: int | None = None  # the header's `-- timeout:`; None: the gateway's statement timeout
    driver_sql: str = ""  # the same statement for psycopg (`%(name)s`)
    personal: tuple[str, ...] = ()  # the header's `-- personal:` columns (personal data: cached per role)

    @property
    def row_limits(self) -> tuple[int, int] | None:
        """(fewest, most) rows the header promises: `-- grain: one row[: …]` exactly one, `-- grain: at most
        one row[: …]` none or one; None when the grain is a row per something."""
        grain = self.grain.strip().lower()
        for words, limits in (("one row", (1, 1)), ("at most one row", (0, 1))):
            if grain == words or grain.startswith(words + ":"):
                return limits
        return None


def parse_query(text: str, name: str, path: Path) -> Query:
    header: dict[str, str] = {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("--"):
            break
        key, sep, value = stripped[2:].partition(":")
        if sep and key.strip() in HEADER_KEYS:
            header[key.strip()] = value.strip()
    for key in ("name", "grain", "params"):
        if key not in header:
            raise QueryFileError(f"{path}: header lacks '-- {key}:'")
    if header["name"] != name:
        raise QueryFileError(f"{path}: header name {header['name']!r} differs from the path's {name!r}")
    declared = tuple(p.strip() for p in header["params"].split(",") if p.strip() and p.strip() != "none")
    try:
        tokens = tokenize(text)
        found = statements(text)
    except QueryFileError as exc:
        raise QueryFileError(f"{path}: {exc}") from None
    if len(found) != 1:
        raise QueryFileError(f"{path}: holds more than one statement" if found else f"{path}: holds no statement")
    if any(t.kind == "positional" for t in tokens):
        raise QueryFileError(f"{path}: uses $n parameters; use :named ones")
    used = {t.text[1:] for t in tokens if t.kind == "param"}
    if set(declared) != used:
        raise QueryFileError(
            f"{path}: declared params {sorted(declared)} differ from used {sorted(used)}"
        )
    ttl = int(header.get("ttl", DEFAULT_TTL_SECONDS))
    timeout_ms = None
    if "timeout" in header:
        try:
            timeout_ms = int(header["timeout"])
        except ValueError:
            raise QueryFileError(f"{path}: '-- timeout:' must be a whole number of milliseconds") from None
        if not 0 < timeout_ms <= MAX_TIMEOUT_MS:
            raise QueryFileError(f"{path}: '-- timeout:' must be between 1 and {MAX_TIMEOUT_MS} ms")
    personal = tuple(c.strip() for c in header.get("personal", "").split(",") if c.strip())
    if any(not c.isidentifier() for c in personal):
        raise QueryFileError(f"{path}: '-- personal:' must list result columns, comma-separated")
    sql = found[0]
    return Query(name=name, grain=header["grain"], params=declared, sql=sql, ttl_seconds=ttl, path=path,
                 timeout_ms=timeout_ms, driver_sql=driver_sql(sql), personal=personal)


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
