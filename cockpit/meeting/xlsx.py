"""The pack's XLSX: one table a sheet (header in row 1, frozen, with a filter), numbers stored as numbers
with a number format on every column: counts '#,##0', tonnes '#,##0.0', rates as percentages ('0.0%', the
cell holds 0.953 for 95.3 %), changes as signed numbers (relative changes '+0.0%', rates in percentage points,
scores in points), delays in days, deadlines as date-times. The 说明/About sheet and the file's properties carry
the stamp (week, the figures' and the data's as-of time, the cockpit's version); the workbook's own date is
the week's end, so the same week gives the same file."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd

from cockpit import __version__, i18n
from cockpit.i18n import t
from cockpit.meeting import deck, tables, weekly
from cockpit.meeting.briefing import briefing
from cockpit.meeting.tables import FONT_NAME, clean, with_unit
from cockpit.meeting.weekly import WeeklyReport

FORMATS = {
    "count": "#,##0", "tonnes": "#,##0.0", "rate": "0.0%", "score": "0.0", "days": "0.0", "number": "#,##0.0",
    "text": "@", "datetime": "yyyy-mm-dd hh:mm", "rank": "0", "id": "0",
    "change_relative": "+0.0%;-0.0%;0.0%",
}


def _change_format(mode: str) -> str:
    if mode == "relative":
        return FORMATS["change_relative"]
    unit = t("wk_pp" if mode == "points" else "wk_points")
    return f'+0.0" {unit}";-0.0" {unit}";0.0" {unit}"'


def change_value(change: weekly.Change) -> float | None:
    """A change as the cell stores it: a fraction for a relative change (0.75 for ↑75.0%), points otherwise;
    rounded as the text shows it."""
    d = change.delta
    if d is None:
        return None
    return round(round(d, 1) / 100.0, 4) if change.mode == "relative" else round(d, 1)


def build_xlsx(report: WeeklyReport, lang: str | None = None) -> bytes:
    """The workbook in `lang` (default: the current language)."""
    with i18n.language(lang or i18n.current()):
        return _workbook(report)


class _Book:
    def __init__(self, wb, report: WeeklyReport):
        self.wb = wb
        self.report = report
        self._formats: dict[str, object] = {}
        self.head = wb.add_format({"bold": True, "bg_color": "#1F3A5F", "font_color": "#FFFFFF", "font_name": FONT_NAME,
                                   "text_wrap": True, "valign": "vcenter", "border": 1})

    def fmt(self, num_format: str):
        if num_format not in self._formats:
            self._formats[num_format] = self.wb.add_format({"font_name": FONT_NAME, "border": 1,
                                                            "num_format": num_format, "valign": "top",
                                                            "text_wrap": num_format == "@"})
        return self._formats[num_format]

    def sheet(self, name: str, df: pd.DataFrame, kinds: dict[str, str] | None = None,
              cell_kinds: dict[str, list[str]] | None = None, widths: dict[str, int] | None = None) -> None:
        """One table on its own sheet. `kinds`: column → kind (FORMATS, or change_<mode>); inferred where not
        given (ints count, floats number, '（%）' headers rate, the rest text); `cell_kinds`: column → a kind per
        row (the headline and trend tables, whose rows have different units)."""
        ws = self.wb.add_worksheet(name[:31])
        ws.set_footer(f"&L&8{_footer(deck.stamp(self.report))}&R&8&P / &N")
        kinds = dict(kinds or {})
        cell_kinds = cell_kinds or {}
        if df is None or df.empty:
            df = pd.DataFrame({t("wk_col_name"): [t("empty")]})
        columns = list(df.columns)
        for c, column in enumerate(columns):
            ws.write_string(0, c, str(column), self.head)
            if column not in kinds and column not in cell_kinds:
                kinds[column] = _infer(column, df[column])
        for r, values in enumerate(df.itertuples(index=False), start=1):
            for c, v in enumerate(values):
                column = columns[c]
                kind = cell_kinds[column][r - 1] if column in cell_kinds else kinds[column]
                self._write(ws, r, c, clean(v), kind)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, len(df), len(columns) - 1)
        ws.set_row(0, 32)
        for c, column in enumerate(columns):
            width = (widths or {}).get(column) or min(max(10, max([deck.text_em(str(column)) * 1.8 / 2] + [
                deck.text_em(str(clean(v) or "")) * 1.8 for v in df[column]]) + 3), 48)
            kind = kinds.get(column) or "number"
            ws.set_column(c, c, width, self.fmt(_num_format(kind)))

    def _write(self, ws, r: int, c: int, v, kind: str) -> None:
        f = self.fmt(_num_format(kind))
        if v is None:
            ws.write_blank(r, c, None, f)
        elif kind == "id" and isinstance(v, str) and v.isdigit():  # a case number: a number, shown whole
            ws.write_number(r, c, int(v), f)
        elif kind == "datetime" and isinstance(v, str):
            ws.write_datetime(r, c, dt.datetime.strptime(v, "%Y-%m-%d %H:%M"), f)
        elif isinstance(v, bool) or isinstance(v, str):
            ws.write_string(r, c, str(v), self.fmt("@"))
        elif kind == "rate":
            ws.write_number(r, c, round(round(float(v), 1) / 100.0, 4), f)
        else:
            ws.write_number(r, c, v, f)


def _footer(text: str) -> str:
    return text.replace("&", "&&")


def _num_format(kind: str) -> str:
    if kind.startswith("change_") and kind != "change_relative":
        return _change_format(kind.split("_", 1)[1])
    return FORMATS.get(kind, FORMATS["number"])


def _infer(column: str, values: pd.Series) -> str:
    cells = [clean(v) for v in values]
    cells = [v for v in cells if v is not None]
    if column.endswith("（%）") or column.endswith("(%)"):
        return "rate"
    if column == t("wk_col_deadline"):
        return "datetime"
    if cells and all(isinstance(v, int) and not isinstance(v, bool) for v in cells):
        return "count"
    if cells and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in cells):
        return "number"
    return "text"


# -- the sheets whose rows have their own units ---------------------------------------------------------------------
def headline_rows(report: WeeklyReport) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """The headline figures with numeric changes (環比/同比 as numbers) and each row's kinds."""
    h = report.headlines()
    cols = {k: t(v) for k, v in (("area", "wk_col_area"), ("metric", "wk_col_metric"), ("unit", "wk_col_unit"),
                                 ("this", "wk_col_this"), ("prev", "wk_col_prev"), ("wow", "wk_col_wow"),
                                 ("ago", "wk_col_year_ago"), ("yoy", "wk_col_yoy"))}
    rows, kinds, change_kinds = [], [], []
    for r in h.to_dict("records"):
        m = weekly.METRIC[(r["area"], r["key"])]
        no_data_then = tables.year_ago_missing(report, r["area"])
        rows.append({cols["area"]: r["area_name"], cols["metric"]: r["metric"], cols["unit"]: r["unit"],
                     cols["this"]: r["this_week"], cols["prev"]: r["previous_week"],
                     cols["wow"]: change_value(report.change(r["area"], r["key"])),
                     cols["ago"]: tables.NO_VALUE if no_data_then else r["year_ago"],
                     cols["yoy"]: tables.NO_VALUE if no_data_then
                     else change_value(report.change(r["area"], r["key"], "year_ago"))})
        kinds.append(m.kind)
        change_kinds.append(f"change_{m.mode}")
    df = pd.DataFrame(rows, dtype=object)
    return df, {cols["this"]: kinds, cols["prev"]: kinds, cols["ago"]: kinds,
                cols["wow"]: change_kinds, cols["yoy"]: change_kinds}


def trend_rows(report: WeeklyReport) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    df = tables.trend_table(report)
    if df.empty:
        return df, {}
    kinds = [m.kind for m in weekly.METRICS]
    value_cols = [c for c in df.columns if c not in {t("wk_col_area"), t("wk_col_metric"), t("wk_col_status")}]
    # the target column is in the figure's unit too (a rate's target 90 % is stored as 0.9)
    return df, {c: kinds for c in value_cols}


def town_rows(report: WeeklyReport) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Every town's figures of the week (one row a town and figure): rank, this week, last week, change, status."""
    rows, kinds, change_kinds = [], [], []
    for code, name in tables.towns(report):
        rank, _ = tables.town_rank(report, code)
        before, _ = tables.town_rank(report, code, "previous")
        for r in tables.town_figures(report, code).to_dict("records"):
            mode = weekly.Metric("town", "", r["kpi_key"], r["kind"], "", "").mode
            change = weekly.Change(r["this_week"], r["previous_week"], mode)
            rows.append({t("wk_col_town"): name, t("wk_col_rank"): rank, t("wk_col_rank_prev"): before,
                         t("wk_col_metric"): r["metric"], t("wk_col_unit"): r["unit"],
                         t("wk_col_this"): r["this_week"], t("wk_col_prev"): r["previous_week"],
                         t("wk_col_wow"): change_value(change), t("wk_col_status"): tables.status_text(r["status"])})
            kinds.append(r["kind"])
            change_kinds.append(f"change_{mode}")
    df = pd.DataFrame(rows, dtype=object)
    return df, {t("wk_col_this"): kinds, t("wk_col_prev"): kinds, t("wk_col_wow"): change_kinds}


def mover_rows(report: WeeklyReport) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    frames, kinds = [], []
    for kind in weekly.MOVER_KINDS:
        m = tables.mover_rows(report, kind)
        if m.empty:
            continue
        unit = tables.mover_unit(kind)
        for r in m.to_dict("records"):
            frames.append({t("wk_col_area"): t(f"wk_kind_{kind}"), t("wk_col_name"): r["name"], t("wk_col_unit"): unit,
                           t("wk_col_this"): r["this_week"], t("wk_col_prev"): r["previous_week"],
                           t("wk_col_change"): r["change"],
                           t("wk_col_change_pct"): change_value(weekly.Change(r["this_week"], r["previous_week"]))})
            kinds.append("tonnes" if kind == "station" else "count")
    df = pd.DataFrame(frames, dtype=object)
    per_row = {t("wk_col_this"): kinds, t("wk_col_prev"): kinds, t("wk_col_change"): kinds,
               t("wk_col_change_pct"): ["change_relative"] * len(kinds)}
    return df, per_row


def grid_rows(report: WeeklyReport) -> pd.DataFrame:
    frames = []
    for code, name in tables.towns(report):
        g = tables.worst_grids_table(report, code)
        if not g.empty:
            g.insert(0, t("wk_col_town"), name)
            frames.append(g)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def about_rows(report: WeeklyReport) -> pd.DataFrame:
    items = [
        (t("wk_col_week"), report.week.label),
        (t("wk_choose_week"), report.week.title()),
        (t("wk_about_as_of"), f"{report.week.as_of:%Y-%m-%d %H:%M}"),
        (t("wk_about_data_as_of"), deck.data_as_of_text(report)),
        (t("wk_about_version"), __version__),
        (t("wk_briefing"), briefing(report)),
        (t("wk_about_status"), t("wk_status_rule")),
        (t("wk_about_escalation"), t("wk_escalation_rule", h=weekly.ESCALATE_HOURS, r=weekly.ESCALATE_REWORKS)),
    ]
    if note := tables.year_ago_note(report):
        items.append((t("wk_col_year_ago"), note))
    return pd.DataFrame(items, columns=[t("wk_about_item"), t("wk_about_value")])


def _workbook(report: WeeklyReport) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    wb.set_properties({"title": f"{t('wk_pack_title')} {report.week.label}", "subject": deck.stamp(report),
                       "keywords": f"{report.week.label}; {report.week.as_of.isoformat()}; {deck.data_as_of_text(report)}",
                       "comments": deck.stamp(report), "author": "cockpit", "created": deck.as_of_instant(report)})
    for name, value in ((t("wk_col_week"), report.week.label), ("as_of", report.week.as_of.isoformat()),
                        ("data_as_of", deck.data_as_of_text(report)), ("version", __version__)):
        wb.set_custom_property(name, value)
    book = _Book(wb, report)
    book.sheet(t("wk_sheet_about"), about_rows(report), kinds={t("wk_about_value"): "text"},
               widths={t("wk_about_item"): 18, t("wk_about_value"): 120})
    df, per_row = headline_rows(report)
    book.sheet(t("wk_sheet_overview"), df, cell_kinds=per_row)
    df, per_row = trend_rows(report)
    book.sheet(t("wk_sheet_trend"), df, cell_kinds=per_row)
    df, per_row = town_rows(report)
    book.sheet(t("wk_sheet_towns"), df, kinds={t("wk_col_rank"): "rank", t("wk_col_rank_prev"): "rank"},
               cell_kinds=per_row)
    book.sheet(t("wk_sheet_ranking_town"), tables.ranking_table(report, "town"), kinds={
        t("wk_col_score"): "score"})
    book.sheet(t("wk_sheet_ranking_squadron"), tables.ranking_table(report, "squadron"), kinds={
        t("wk_col_score"): "score"})
    book.sheet(t("wk_sheet_waste_categories"), tables.waste_category_table(report).drop(
        columns=[t("wk_col_wow")], errors="ignore"), kinds={
        with_unit(t("wk_col_this"), t("tonnes")): "tonnes", with_unit(t("wk_col_prev"), t("tonnes")): "tonnes"})
    book.sheet(t("wk_sheet_roads"), tables.road_table(report))
    df, per_row = mover_rows(report)
    book.sheet(t("wk_sheet_movers"), df, cell_kinds=per_row)
    days = with_unit(t("wk_col_max_age"), t("wk_unit_days"))
    book.sheet(t("wk_sheet_action_holders"), tables.action_summary(report, "department", ages="days"),
               kinds={days: "days"})
    book.sheet(t("wk_sheet_action"), tables.action_table(report, ages="days"),
               kinds={with_unit(t("wk_col_age"), t("wk_unit_days")): "days", t("wk_col_case"): "id"})
    book.sheet(t("wk_sheet_overdue"), tables.holders_table(report, ages="days"), kinds={days: "days"})
    book.sheet(t("wk_sheet_squadrons"), tables.squadron_table(report, ages="days"), kinds={days: "days"})
    book.sheet(t("wk_sheet_overdue_cases"), tables.overdue_table(report, ages="days"),
               kinds={with_unit(t("wk_col_age"), t("wk_unit_days")): "days", t("wk_col_case"): "id"})
    book.sheet(t("wk_sheet_grids"), grid_rows(report), kinds={t("wk_col_rank"): "rank", t("wk_col_grid"): "text"})
    wb.close()
    return buf.getvalue()
