"""The weekly meeting pack: a PPTX (the slides of deck.outline: cover, agenda, headlines, trends against
the targets, one slide per area, movers, who must act, overdue, ranking, one slide per town; native charts
and tables), the same slides as a PDF for distribution (pdf.py), an XLSX (one table a sheet, numbers stored
as numbers with their formats) and a map image per area, all from one `weekly.WeeklyReport`, in one
language set once for the whole pack. Every file is stamped with the week, the figures' and the data's
as-of time and the cockpit's version (deck.stamp).

`python -m cockpit report --week 2026-W47 --out DIR [--url URL] [--lang zh|en]` writes them to DIR
(weekly-2026-W47.pptx, .pdf, .xlsx and the maps).
No Streamlit here; the page calls `build_pack` and offers the bytes for download.

- Reproducible: the report is judged at the week's end (weekly.IsoWeek.as_of), never "now"; the files'
  own dates are set to that instant too.
- Chinese renders where fonts-noto-cjk is installed (see pptx.py, xlsx.py and maps.py).
- No personal data: cases are listed by number, category, town, grid and holding department only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cockpit import i18n, settings
from cockpit.meeting import maps, weekly
from cockpit.meeting.pptx import build_pptx
from cockpit.meeting.weekly import WeeklyReport, is_missing
from cockpit.meeting.pdf import build_pdf
from cockpit.meeting.xlsx import build_xlsx


@dataclass(frozen=True)
class Pack:
    week: weekly.IsoWeek
    lang: str
    pptx: bytes
    xlsx: bytes
    maps: dict[str, bytes]
    pdf: bytes = b""

    @property
    def stem(self) -> str:
        return f"weekly-{self.week.label}" + ("" if self.lang == "zh" else f"-{self.lang}")


def build_pack(report: WeeklyReport, lang: str | None = None, with_pdf: bool = True) -> Pack:
    """The PPTX, the XLSX, the maps and (unless `with_pdf` is false) the PDF in `lang` (default: the current
    language)."""
    lang = lang or i18n.current()
    with i18n.language(lang):
        images = maps.area_maps(report)
        return Pack(report.week, lang, build_pptx(report, area_images=images), build_xlsx(report), images,
                    build_pdf(report, area_images=images) if with_pdf else b"")


def write_pack(pack: Pack, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix, blob in ((".pptx", pack.pptx), (".xlsx", pack.xlsx), (".pdf", pack.pdf)):
        if not blob:
            continue
        path = out_dir / f"{pack.stem}{suffix}"
        path.write_bytes(blob)
        written.append(path)
    for area, png in pack.maps.items():
        path = out_dir / f"{pack.stem}-map-{area}.png"
        path.write_bytes(png)
        written.append(path)
    return written


def check_week_has_data(span: pd.DataFrame, week: weekly.IsoWeek) -> None:
    """Raise WeekError when `week` lies outside the data (weekly.data_span): before its first day, after its
    newest, or when there is none at all."""
    row = span.iloc[0] if span is not None and not span.empty else {}
    first, last = (None if is_missing(row.get(k)) else pd.Timestamp(row[k]).date() for k in ("first_day", "last_day"))
    if first is None or last is None:
        raise weekly.WeekError("no_data", week.label)
    if week.end < first:
        raise weekly.WeekError("before_data", week.label, first=f"{first:%Y-%m-%d}")
    if week.start > last:
        raise weekly.WeekError("after_data", week.label, last=f"{last:%Y-%m-%d}")


def run_report(args) -> int:
    """`python -m cockpit report`: validate the week, check the database holds data for it, run the queries,
    write the pack. Failures raise to cli.main, which prints them in one line."""
    from cockpit.cli import require_contract
    from cockpit.errors import CommandError
    from cockpit.gateway import Gateway

    url = args.url or settings.get().database_url
    if not url:
        raise CommandError("需要 --url 或环境变量 COCKPIT_DATABASE_URL / --url or COCKPIT_DATABASE_URL is required", 2)
    week = weekly.parse_week(args.week, dt.datetime.now(weekly.SH))  # a WeekError is the operator's one line
    require_contract(url)  # an unreachable database or a missing contract, before any query
    gateway = Gateway(url)
    try:
        span = gateway.execute("weekly.data_span", as_of=dt.datetime.now(weekly.SH))
        check_week_has_data(span, week)
        report = weekly.load_report(gateway.execute, week)
    finally:
        gateway.dispose()
    if not any(report.this.has_data.values()):
        row = span.iloc[0]
        raise weekly.WeekError("empty_week", week.label, first=f"{pd.Timestamp(row['first_day']):%Y-%m-%d}",
                               last=f"{pd.Timestamp(row['last_day']):%Y-%m-%d}")
    pack = build_pack(report, args.lang)
    for path in write_pack(pack, Path(args.out)):
        print(path)
    return 0
