"""The parts of the long area pages. A page shows one part at a time, chosen by a segmented control whose
value lives in the URL (`?section=`): only the chosen part runs its layout and is drawn in the browser, so a
page delivers a map or a few charts, not all of them at once. The headline KPIs stay above the control on
every part. Each part's label is the i18n text `part_<page>_<part>`; the first part is the default."""

from __future__ import annotations

from pathlib import PurePosixPath

SECTIONS: dict[str, tuple[str, ...]] = {
    "cases": ("map", "workflow", "ranking", "overdue", "categories", "shops"),
    "drones": ("map", "blind", "nests", "detections"),
    "waste": ("map", "throughput", "rule", "vehicles"),
    "parking": ("map", "roads", "reminders", "rhythm", "recent"),
    "market": ("trend", "map", "speed", "duty", "outcomes", "ip"),
    "weekly": ("headlines", "trend", "movers", "act", "ranking", "town"),
}

URL_KEY = "section"


def of(page: str) -> tuple[str, ...]:
    """The parts of `page` ("cases" or "app_pages/cases.py"); () for a page shown whole."""
    return SECTIONS.get(PurePosixPath(page).stem, ())


def label_key(page: str, part: str) -> str:
    return f"part_{PurePosixPath(page).stem}_{part}"


def every() -> list[tuple[str, str]]:
    """(page script, part) for every part of every page: what the page tests run over."""
    return [(f"app_pages/{page}.py", part) for page, parts in SECTIONS.items() for part in parts]
