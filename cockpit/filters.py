"""The global filters (date range, town/street, squadron, language), read from and written to the URL.

Pure functions: a page hands in the query parameters and the known codes, and gets back valid
filters plus a message for every value that was refused (and replaced by a safe default).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Mapping

LANGS = ("zh", "en")
DEFAULT_DAYS = 30
MAX_DAYS = 366 * 5
# The earliest day a page accepts from its URL: the floor of every event time in the contract
# (cockpit.earliest_valid_time() in contract/02_checked_views.sql, 2000-01-01 Asia/Shanghai), so no
# valid row is older and no period can reach the calendar's edge. Dates after today are refused too.
EARLIEST_DATE = dt.date(2000, 1, 1)


def shift_days(day: dt.date, days: int) -> dt.date:
    """`day` + `days`, clamped to the calendar (date.min … date.max) instead of raising OverflowError."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.min if days < 0 else dt.date.max


@dataclass(frozen=True)
class Filters:
    date_from: dt.date
    date_to: dt.date
    town_code: str | None = None
    squadron_code: str | None = None
    lang: str = "zh"

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    def previous_period(self) -> tuple[dt.date, dt.date]:
        """The period of the same length just before this one (环比); clamped at the calendar's first day,
        never raising (parse() never gives a period that needs it)."""
        return shift_days(self.date_from, -self.days), max(shift_days(self.date_from, -1), dt.date.min)

    def sql_params(self) -> dict:
        return {"date_from": self.date_from, "date_to": self.date_to,
                "town_code": self.town_code, "squadron_code": self.squadron_code}

    def to_query_params(self, today: dt.date) -> dict[str, str]:
        """The URL parameters that reproduce these filters (defaults left out)."""
        out: dict[str, str] = {}
        if (self.date_from, self.date_to) != default_period(today):
            out["from"] = self.date_from.isoformat()
            out["to"] = self.date_to.isoformat()
        if self.town_code:
            out["town"] = self.town_code
        if self.squadron_code:
            out["squadron"] = self.squadron_code
        if self.lang != "zh":
            out["lang"] = self.lang
        return out


@dataclass
class Parsed:
    filters: Filters
    problems: list[tuple[str, str]] = field(default_factory=list)  # (parameter, refused value)


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    return today - dt.timedelta(days=DEFAULT_DAYS - 1), today


def _one(params: Mapping[str, object], key: str) -> str | None:
    value = params.get(key)
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else None
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _date(text: str | None) -> dt.date | None:
    if text is None or len(text) != 10:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def parse(params: Mapping[str, object], *, today: dt.date, town_codes: set[str],
          squadron_codes: set[str], earliest: dt.date | None = None) -> Parsed:
    """Valid filters from URL parameters; each refused value is reported and replaced by its default."""
    problems: list[tuple[str, str]] = []
    default_from, default_to = default_period(today)

    lang = _one(params, "lang") or "zh"
    if lang not in LANGS:
        problems.append(("lang", lang))
        lang = "zh"

    raw_from, raw_to = _one(params, "from"), _one(params, "to")
    date_from = _date(raw_from) if raw_from else default_from
    date_to = _date(raw_to) if raw_to else default_to
    if date_from is None:
        problems.append(("from", raw_from or ""))
        date_from = default_from
    if date_to is None:
        problems.append(("to", raw_to or ""))
        date_to = default_to
    from_outside = not EARLIEST_DATE <= date_from <= today  # outside the calendar the data can cover
    to_outside = date_to < EARLIEST_DATE
    if from_outside:
        problems.append(("from", date_from.isoformat()))
    if to_outside or (from_outside and date_to > today):
        problems.append(("to", date_to.isoformat()))
    if from_outside or to_outside:
        date_from, date_to = default_from, default_to
    if date_to > today:
        problems.append(("to", date_to.isoformat()))
        date_to = today
    if date_from > date_to or (date_to - date_from).days + 1 > MAX_DAYS or (
            earliest is not None and date_to < earliest):
        problems.append(("from", date_from.isoformat()))
        date_from, date_to = default_from, default_to

    town = _one(params, "town")
    if town is not None and town not in town_codes:
        problems.append(("town", town))
        town = None
    squadron = _one(params, "squadron")
    if squadron is not None and squadron not in squadron_codes:
        problems.append(("squadron", squadron))
        squadron = None

    return Parsed(Filters(date_from, date_to, town, squadron, lang), problems)
