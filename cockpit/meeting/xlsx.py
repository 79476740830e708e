"""The pack's XLSX: a sheet of headlines (with the briefing), one per area, movers and overdue; units in
the headers. The workbook's own date is the week's end, so the same week gives the same file."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd

from cockpit import i18n
from cockpit.i18n import t
from cockpit.meeting import tables, weekly
from cockpit.meeting.briefing import briefing
from cockpit.meeting.tables import FONT_NAME, clean
from cockpit.meeting.weekly import WeeklyReport


def build_xlsx(report: WeeklyReport, lang: str | None = None) -> bytes:
    """The workbook in `lang` (default: the current language)."""
    with i18n.language(lang or i18n.current()):
        return _workbook(report)


def _formats(wb) -> dict:
    return {
        "title": wb.add_format({"bold": True, "font_size": 14, "font_name": FONT_NAME}),
        "section": wb.add_format({"bold": True, "font_size": 11, "font_name": FONT_NAME, "font_color": "#1F3A5F"}),
        "head": wb.add_format({"bold": True, "bg_color": "#1F3A5F", "font_color": "#FFFFFF", "font_name": FONT_NAME,
                               "text_wrap": True, "valign": "vcenter", "border": 1}),
        "text": wb.add_format({"font_name": FONT_NAME, "border": 1}),
        "wrap": wb.add_format({"font_name": FONT_NAME, "text_wrap": True, "valign": "top"}),
        "int": wb.add_format({"font_name": FONT_NAME, "num_format": "#,##0", "border": 1}),
        "dec": wb.add_format({"font_name": FONT_NAME, "num_format": "#,##0.0", "border": 1}),
        "note": wb.add_format({"font_name": FONT_NAME, "italic": True, "font_color": "#5A6473"}),
    }


def _write_table(ws, fmt: dict, row: int, title: str | None, df: pd.DataFrame) -> int:
    """A section title, a header row and the rows from `row` on; the next free row (after one blank)."""
    if title:
        ws.write(row, 0, title, fmt["section"])
        row += 1
    if df is None or df.empty:
        ws.write(row, 0, t("empty"), fmt["note"])
        return row + 2
    for c, name in enumerate(df.columns):
        ws.write(row, c, str(name), fmt["head"])
    for values in df.itertuples(index=False):
        row += 1
        for c, v in enumerate(values):
            v = clean(v)
            if v is None:
                ws.write_blank(row, c, None, fmt["text"])
            elif isinstance(v, bool):
                ws.write(row, c, str(v), fmt["text"])
            elif isinstance(v, int):
                ws.write_number(row, c, v, fmt["int"])
            elif isinstance(v, float):
                ws.write_number(row, c, v, fmt["dec"])
            else:
                ws.write_string(row, c, str(v), fmt["text"])
    for c, name in enumerate(df.columns):
        width = max([len(str(name))] + [len(str(clean(v) or "")) for v in df.iloc[:, c]]) + 4
        ws.set_column(c, c, min(max(width, 10), 48))
    return row + 2


def _note(ws, fmt: dict, row: int, text: str) -> int:
    """A note on the line below a table (the year-ago note); the next free row (after one blank)."""
    if not text:
        return row + 1
    ws.write(row, 0, text, fmt["note"])
    return row + 2


def _workbook(report: WeeklyReport) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    wb.set_properties({"title": f"{t('wk_pack_title')} {report.week.label}",
                       "created": report.week.as_of.astimezone(dt.timezone.utc).replace(tzinfo=None)})
    fmt = _formats(wb)

    ws = wb.add_worksheet(t("wk_sheet_overview"))
    ws.write(0, 0, f"{t('wk_pack_title')} · {report.week.title()}", fmt["title"])
    ws.write(1, 0, t("wk_pack_generated", as_of=f"{report.week.as_of:%Y-%m-%d %H:%M}"), fmt["note"])
    ws.merge_range(2, 0, 2, 7, briefing(report), fmt["wrap"])
    ws.set_row(2, 150)
    row = _write_table(ws, fmt, 4, t("wk_headlines"), tables.headline_table(report))
    _note(ws, fmt, row - 1, tables.year_ago_note(report))

    for area in weekly.AREAS:
        ws = wb.add_worksheet(t(f"wk_area_{area}"))
        ws.write(0, 0, f"{t(f'wk_area_{area}')} · {report.week.title()}", fmt["title"])
        row = 2
        if not report.this.has_data[area]:
            ws.write(1, 0, t("wk_no_data_area", area=t(f"wk_area_{area}")), fmt["note"])
        row = _write_table(ws, fmt, row, t("wk_headlines"), tables.headline_table(report, area))
        row = _note(ws, fmt, row - 1, tables.year_ago_note(report, area))
        for title, df in tables.area_tables(report, area):
            row = _write_table(ws, fmt, row, title, df)

    ws = wb.add_worksheet(t("wk_sheet_movers"))
    _write_table(ws, fmt, 0, t("wk_movers"), tables.movers_table(report))
    ws = wb.add_worksheet(t("wk_sheet_overdue"))
    ws.write(0, 0, t("wk_escalation_rule", h=weekly.ESCALATE_HOURS, r=weekly.ESCALATE_REWORKS), fmt["note"])
    row = _write_table(ws, fmt, 2, t("wk_holders"), tables.holders_table(report))
    _write_table(ws, fmt, row, t("wk_overdue"), tables.overdue_table(report))
    wb.close()
    return buf.getvalue()
