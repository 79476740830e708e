"""The weekly meeting pack: a PPTX (one slide per area, native charts and tables), an XLSX (one sheet
per area, units in the headers) and a map image per area, all from one `weekly.WeeklyReport`.

`python -m cockpit report --week 2026-W47 --out DIR [--url URL] [--lang zh|en]` writes them to DIR.
No Streamlit here; the page calls `build_pack` and offers the bytes for download.

- Reproducible: the report is judged at the week's end (weekly.IsoWeek.as_of), never "now"; the files'
  own dates are set to that instant too.
- Chinese renders where fonts-noto-cjk is installed: every run of text carries the font name
  "Noto Sans CJK SC" for Latin and East-Asian script; the maps are drawn offline with matplotlib from the
  shipped town areas (assets/towns.geojson) using the Noto CJK font file.
- No personal data: cases are listed by number, category, town, grid and holding department only.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cockpit import i18n, maps, settings
from cockpit.meeting import weekly
from cockpit.meeting.weekly import WeeklyReport

log = logging.getLogger(__name__)

FONT_NAME = "Noto Sans CJK SC"
FONT_FILES = (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
              Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"))
NAVY = (0x1F, 0x3A, 0x5F)
GREY = (0x5A, 0x64, 0x73)
THIS_COLOR = (0x4C, 0x9B, 0xE8)
PREV_COLOR = (0xB8, 0xC2, 0xCC)
SHORT_TOWN_NAMES = {"330482400": ("经开区", "Dev. zone")}  # map labels that would not fit their area
MAP_AREAS = {  # area → (weekly.by_town column, legend key, palette, digits)
    "cases": ("cases_received", "wk_map_cases", "heat", 0),
    "waste": ("waste_tonnes", "wk_map_waste", "blue", 0),
    "parking": ("parking_violations", "wk_map_parking", "heat", 0),
    "drones": ("drone_sorties", "wk_map_drones", "good", 0),
}


def _t(key: str, lang: str, **values) -> str:
    return i18n.t(key, lang, **values)


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA


def _clean(v):
    """A cell value for the files: None for missing, plain int/float/str otherwise."""
    if _missing(v):
        return None
    if hasattr(v, "item"):
        v = v.item()
    return v


# -- the tables of the pack (shared by the XLSX and the slides) ---------------------------------------------------
def headline_table(report: WeeklyReport, lang: str, area: str | None = None) -> pd.DataFrame:
    """Headline figures with units in the figure's name: this week, last week, change, a year earlier."""
    h = report.headlines(lang, area)
    cols = {
        "area_name": _t("wk_col_area", lang), "metric": _t("wk_col_metric", lang), "unit": _t("wk_col_unit", lang),
        "this_week": _t("wk_col_this", lang), "previous_week": _t("wk_col_prev", lang), "wow": _t("wk_col_wow", lang),
        "year_ago": _t("wk_col_year_ago", lang), "yoy": _t("wk_col_yoy", lang),
    }
    out = h[list(cols)].rename(columns=cols)
    if area is not None:
        out = out.drop(columns=[cols["area_name"]])
    return out


def ranking_table(report: WeeklyReport, level: str, lang: str) -> pd.DataFrame:
    r = report.ranking(level, lang)
    if r.empty:
        return r
    return r.drop(columns=["group_code"]).rename(columns={
        "rank": _t("wk_col_rank", lang), "name": _t("wk_col_town" if level == "town" else "wk_col_squadron", lang),
        "received": _t("wk_col_received", lang), "closed": _t("wk_col_closed", lang),
        "ontime_close_rate": _t("wk_col_ontime_close", lang), "close_rate": _t("wk_col_close", lang),
        "ontime_dispose_rate": _t("wk_col_ontime_dispose", lang), "rework_rate": _t("wk_col_rework", lang),
        "composite_score": _t("wk_col_score", lang), "overdue_open": _t("wk_col_overdue", lang),
        "escalated": _t("wk_col_escalated", lang)})


def waste_category_table(report: WeeklyReport, lang: str) -> pd.DataFrame:
    this, prev = report.this.waste_categories, report.previous.waste_categories
    if this.empty:
        return pd.DataFrame()
    before = {} if prev.empty else dict(zip(prev["category_code"], prev["tonnes"]))
    name = "category_name_zh" if lang == "zh" else "category_name_en"
    rows = [{_t("wk_col_waste_category", lang): r[name],
             f"{_t('wk_col_this', lang)}（{_t('tonnes', lang)}）" if lang == "zh"
             else f"{_t('wk_col_this', lang)} (t)": round(float(r["tonnes"]), 1),
             f"{_t('wk_col_prev', lang)}（{_t('tonnes', lang)}）" if lang == "zh"
             else f"{_t('wk_col_prev', lang)} (t)": None if r["category_code"] not in before
             else round(float(before[r["category_code"]]), 1),
             _t("wk_col_wow", lang): weekly.Change(round(float(r["tonnes"]), 1),
                                                   None if r["category_code"] not in before
                                                   else round(float(before[r["category_code"]]), 1)).text(lang)}
            for r in this.sort_values("tonnes", ascending=False).to_dict("records")]
    return pd.DataFrame(rows)


def waste_town_table(report: WeeklyReport, lang: str) -> pd.DataFrame:
    t = report.this.waste_towns
    if t.empty:
        return pd.DataFrame()
    names = report.names.get("town", {})
    rows = []
    for r in t.to_dict("records"):
        rows.append({
            _t("wk_col_town", lang): names.get(r["town_code"], (r["town_code"],) * 2)[0 if lang == "zh" else 1],
            _t("wk_col_tonnes", lang): round(float(r.get("tonnes") or 0), 1),
            _t("wk_col_compliance", lang): None if _missing(r.get("compliance_rate"))
            else round(float(r["compliance_rate"]), 1),
            _t("wk_col_rounds_decided", lang): None if _missing(r.get("rounds_decided")) else int(r["rounds_decided"]),
            _t("wk_col_rounds_on_time", lang): None if _missing(r.get("rounds_on_time")) else int(r["rounds_on_time"]),
            _t("wk_col_breach_days", lang): None if _missing(r.get("stations_in_breach"))
            else int(r["stations_in_breach"]),
        })
    return pd.DataFrame(rows)


def road_table(report: WeeklyReport, lang: str, n: int | None = None) -> pd.DataFrame:
    roads = report.parking_roads
    if roads is None or roads.empty:
        return pd.DataFrame()
    roads = roads if n is None else roads.head(n)
    from cockpit import kpi
    return pd.DataFrame([{
        _t("wk_col_road", lang): r["name_zh"],
        _t("wk_col_violations", lang): int(r["violations"]),
        _t("wk_col_ecapture", lang): int(r["ecapture"]),
        _t("wk_col_reminded", lang): int(r["reminded"]),
        _t("wk_col_left", lang): int(r["left_within_10min"]),
        _t("wk_col_persuade", lang): None if kpi.percent(r["left_within_10min"], r["reminded"]) is None
        else round(kpi.percent(r["left_within_10min"], r["reminded"]), 1),
        _t("wk_col_ticketed", lang): int(r["ticketed"]),
    } for r in roads.to_dict("records")])


def town_table(report: WeeklyReport, lang: str, column: str, header_key: str) -> pd.DataFrame:
    b = report.by_town
    if b is None or b.empty:
        return pd.DataFrame()
    return pd.DataFrame([{
        _t("wk_col_town", lang): r["name_zh" if lang == "zh" else "name_en"],
        _t(header_key, lang): round(float(r[column]), 1) if column == "waste_tonnes" else int(r[column]),
    } for r in b.to_dict("records")])


def movers_table(report: WeeklyReport, lang: str, top: int | None = None) -> pd.DataFrame:
    frames = []
    for kind in weekly.MOVER_KINDS:
        m = weekly.movers_table(report, kind, lang)
        if m.empty:
            continue
        m = m if top is None else m.head(top)
        unit = weekly.mover_unit(kind, lang)
        frames.append(pd.DataFrame({
            _t("wk_col_area", lang): _t(f"wk_kind_{kind}", lang),
            _t("wk_col_name", lang): m["name"],
            _t("wk_col_unit", lang): unit,
            _t("wk_col_this", lang): m["this_week"],
            _t("wk_col_prev", lang): m["previous_week"],
            _t("wk_col_change", lang): m["change"],
            _t("wk_col_change_pct", lang): m["change_text"],
        }))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def holders_table(report: WeeklyReport, lang: str, n: int | None = None) -> pd.DataFrame:
    h = report.overdue_holders
    if h is None or h.empty:
        return pd.DataFrame()
    h = h if n is None else h.head(n)
    return pd.DataFrame([{
        _t("wk_col_holder", lang): r[f"holder_name_{lang}"] or r["handler_dept_code"] or "—",
        _t("wk_col_overdue", lang): int(r["overdue_open"]),
        _t("wk_col_escalated", lang): int(r["escalated"]),
        _t("wk_col_max_late", lang): round(float(r["max_hours_late"]), 1),
    } for r in h.to_dict("records")])


def overdue_table(report: WeeklyReport, lang: str, n: int | None = None) -> pd.DataFrame:
    o = report.overdue_cases
    if o is None or o.empty:
        return pd.DataFrame()
    o = o if n is None else o.head(n)
    return pd.DataFrame([{
        _t("wk_col_case", lang): str(r["case_id"]),
        _t("wk_col_category", lang): r[f"category_name_{lang}"],
        _t("wk_col_town", lang): r[f"town_name_{lang}"],
        _t("wk_col_grid", lang): r["grid_code"],
        _t("wk_col_holder", lang): r[f"holder_name_{lang}"] or "—",
        _t("wk_col_squadron", lang): r[f"squadron_name_{lang}"] or "—",
        _t("wk_col_deadline", lang): pd.Timestamp(r["close_deadline_at"]).strftime("%Y-%m-%d %H:%M"),
        _t("wk_col_late", lang): round(float(r["hours_late"]), 1),
        _t("wk_col_reworks", lang): int(r["rework_count"]),
        _t("wk_col_escalated_flag", lang): _t("wk_yes" if r["is_escalated"] else "wk_no", lang),
    } for r in o.to_dict("records")])


def area_tables(report: WeeklyReport, area: str, lang: str) -> list[tuple[str, pd.DataFrame]]:
    """The detail tables of one area's sheet (after its headline table)."""
    if area == "cases":
        return [(_t("wk_kind_town", lang), ranking_table(report, "town", lang)),
                (_t("wk_kind_squadron", lang), ranking_table(report, "squadron", lang))]
    if area == "waste":
        return [(_t("wk_by_category", lang), waste_category_table(report, lang)),
                (_t("wk_kind_town", lang), waste_town_table(report, lang))]
    if area == "parking":
        return [(_t("wk_by_road", lang), road_table(report, lang)),
                (_t("wk_kind_town", lang), town_table(report, lang, "parking_violations", "wk_col_violations"))]
    if area == "drones":
        return [(_t("wk_kind_town", lang), town_table(report, lang, "drone_sorties", "wk_col_sorties"))]
    return []


# -- maps -------------------------------------------------------------------------------------------------------------
def font_file() -> Path | None:
    for path in FONT_FILES:
        if path.exists():
            return path
    return None


def render_map(by_town: pd.DataFrame, column: str, title: str, unit: str, *, palette: str = "heat",
               digits: int = 0, lang: str = "zh") -> bytes:
    """A PNG of the town areas (assets/towns.geojson) coloured by `column`, drawn offline with matplotlib."""
    from matplotlib import patheffects
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.patches import Patch, Polygon
    from shapely.geometry import shape

    from cockpit import geo
    fpath = font_file()
    font = FontProperties(fname=str(fpath)) if fpath else FontProperties()
    values = {} if by_town is None or by_town.empty else {
        r["town_code"]: float(r[column]) for r in by_town.to_dict("records")}
    names = {} if by_town is None or by_town.empty else {
        r["town_code"]: r["name_zh" if lang == "zh" else "name_en"] for r in by_town.to_dict("records")}
    scale = maps.scale_for(values.values(), palette, unit, digits)
    fig = Figure(figsize=(6.0, 6.0), dpi=150)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.02, 0.12, 0.96, 0.80))
    lons, lats = [], []
    for feature in geo.load_towns()["features"]:
        code = feature["properties"]["town_code"]
        value = values.get(code)
        color = [c / 255 for c in scale.color(value)[:3]]
        geom = feature["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        for poly in polys:
            ring = poly[0]
            lons += [p[0] for p in ring]
            lats += [p[1] for p in ring]
            ax.add_patch(Polygon(ring, closed=True, facecolor=color, edgecolor="#ffffff", linewidth=1.2))
        point = shape(geom).representative_point()
        short = SHORT_TOWN_NAMES.get(code)
        label = short[0 if lang == "zh" else 1] if short else names.get(code, feature["properties"].get(
            f"name_{lang}", code))
        text = label if value is None else f"{label}\n{value:,.{digits}f}"
        ax.text(point.x, point.y, text, ha="center", va="center", fontproperties=font, fontsize=8,
                color="#1b1f24", linespacing=1.2,
                path_effects=[patheffects.withStroke(linewidth=2.5, foreground="#ffffff")])
    if lons:
        ax.set_xlim(min(lons) - 0.01, max(lons) + 0.01)
        ax.set_ylim(min(lats) - 0.01, max(lats) + 0.01)
        mid = math.radians((min(lats) + max(lats)) / 2)
        ax.set_aspect(1 / math.cos(mid))
    ax.axis("off")
    fig.suptitle(title, fontproperties=font, fontsize=13, y=0.97)
    handles = [Patch(facecolor=[c / 255 for c in color[:3]], edgecolor="#888888", label=text)
               for text, color in scale.legend_items(lang)]
    fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), 3), prop=font, fontsize=8,
               frameon=False, bbox_to_anchor=(0.5, 0.0))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None}, facecolor="white")
    return buf.getvalue()


def area_maps(report: WeeklyReport, lang: str) -> dict[str, bytes]:
    """One map per area that has a town dimension and data this week."""
    out = {}
    if report.by_town is None or report.by_town.empty:
        return out
    for area, (column, key, palette, digits) in MAP_AREAS.items():
        if not report.this.has_data[area]:
            continue
        title = f"{_t(f'wk_area_{area}', lang)} · {_t(key, lang)} · {report.week.label}"
        out[area] = render_map(report.by_town, column, title, "", palette=palette, digits=digits, lang=lang)
    return out


# -- XLSX -------------------------------------------------------------------------------------------------------------
def build_xlsx(report: WeeklyReport, lang: str = "zh") -> bytes:
    """One sheet of headlines (with the briefing), one per area, movers, overdue, ranking; units in headers."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    wb.set_properties({"title": f"{_t('wk_pack_title', lang)} {report.week.label}",
                       "created": report.week.as_of.astimezone(dt.timezone.utc).replace(tzinfo=None)})
    fmt = {
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

    def write_table(ws, row: int, title: str | None, df: pd.DataFrame) -> int:
        if title:
            ws.write(row, 0, title, fmt["section"])
            row += 1
        if df is None or df.empty:
            ws.write(row, 0, _t("empty", lang), fmt["note"])
            return row + 2
        for c, name in enumerate(df.columns):
            ws.write(row, c, str(name), fmt["head"])
        for values in df.itertuples(index=False):
            row += 1
            for c, v in enumerate(values):
                v = _clean(v)
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
            width = max([len(str(name))] + [len(str(_clean(v) or "")) for v in df.iloc[:, c]]) + 4
            ws.set_column(c, c, min(max(width, 10), 48))
        return row + 2

    ws = wb.add_worksheet(_t("wk_sheet_overview", lang))
    ws.write(0, 0, f"{_t('wk_pack_title', lang)} · {report.week.title(lang)}", fmt["title"])
    ws.write(1, 0, _t("wk_pack_generated", lang, as_of=f"{report.week.as_of:%Y-%m-%d %H:%M}"), fmt["note"])
    ws.merge_range(2, 0, 2, 7, weekly.briefing(report, lang), fmt["wrap"])
    ws.set_row(2, 150)
    write_table(ws, 4, _t("wk_headlines", lang), headline_table(report, lang))

    for area in weekly.AREAS:
        ws = wb.add_worksheet(_t(f"wk_area_{area}", lang))
        ws.write(0, 0, f"{_t(f'wk_area_{area}', lang)} · {report.week.title(lang)}", fmt["title"])
        row = 2
        if not report.this.has_data[area]:
            ws.write(1, 0, _t("wk_no_data_area", lang, area=_t(f"wk_area_{area}", lang)), fmt["note"])
        row = write_table(ws, row, _t("wk_headlines", lang), headline_table(report, lang, area))
        for title, df in area_tables(report, area, lang):
            row = write_table(ws, row, title, df)

    ws = wb.add_worksheet(_t("wk_sheet_movers", lang))
    write_table(ws, 0, _t("wk_movers", lang), movers_table(report, lang))
    ws = wb.add_worksheet(_t("wk_sheet_overdue", lang))
    ws.write(0, 0, _t("wk_escalation_rule", lang, h=weekly.ESCALATE_HOURS, r=weekly.ESCALATE_REWORKS), fmt["note"])
    row = write_table(ws, 2, _t("wk_holders", lang), holders_table(report, lang))
    write_table(ws, row, _t("wk_overdue", lang), overdue_table(report, lang))
    wb.close()
    return buf.getvalue()


# -- PPTX -------------------------------------------------------------------------------------------------------------
def _font(font, size: float | None = None, bold: bool | None = None, color: tuple[int, int, int] | None = None):
    """Set the font for Latin and East-Asian text (python-pptx sets only Latin by itself)."""
    from pptx.dml.color import RGBColor
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    font.name = FONT_NAME
    rpr = font._rPr
    latin = rpr.find(qn("a:latin"))
    for tag in ("a:ea", "a:cs"):
        el = rpr.find(qn(tag))
        if el is None:
            el = rpr.makeelement(qn(tag), {})
            latin.addnext(el) if tag == "a:ea" else rpr.find(qn("a:ea")).addnext(el)
        el.set("typeface", FONT_NAME)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if color is not None:
        font.color.rgb = RGBColor(*color)


def _text(slide, text: str, left, top, width, height, *, size: float = 14, bold: bool = False,
          color=(0x1B, 0x1F, 0x24)):
    box = slide.shapes.add_textbox(left, top, width, height)
    tf = box.text_frame
    tf.word_wrap = True
    lines = text.split("\n")
    for i, line in enumerate(lines):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        run = p.add_run()
        run.text = line
        _font(run.font, size, bold, color)
    return box


def _table(slide, df: pd.DataFrame, left, top, width, *, size: float = 10, row_height=None,
           weights: list[float] | None = None):
    from pptx.dml.color import RGBColor
    from pptx.util import Inches

    rows, cols = len(df) + 1, len(df.columns)
    row_height = row_height or Inches(0.3)
    shape = slide.shapes.add_table(rows, cols, left, top, width, row_height * rows)
    table = shape.table
    if weights:
        total = sum(weights)
        for c, w in enumerate(weights):
            table.columns[c].width = int(width * w / total)
    for c, name in enumerate(df.columns):
        cell = table.cell(0, c)
        cell.text = str(name)
        cell.fill.solid()
        cell.fill.fore_color.rgb = RGBColor(*NAVY)
        for p in cell.text_frame.paragraphs:
            for run in p.runs:
                _font(run.font, size, True, (0xFF, 0xFF, 0xFF))
    for r, values in enumerate(df.itertuples(index=False), start=1):
        for c, v in enumerate(values):
            v = _clean(v)
            if v is None:
                text = "—"
            elif isinstance(v, float):
                text = f"{v:,.1f}"
            elif isinstance(v, int) and not isinstance(v, bool):
                text = f"{v:,}"
            else:
                text = str(v)
            cell = table.cell(r, c)
            cell.text = text
            for p in cell.text_frame.paragraphs:
                for run in p.runs:
                    _font(run.font, size, False, (0x1B, 0x1F, 0x24))
    for r in range(rows):
        table.rows[r].height = row_height
    return shape


def _bar_chart(slide, categories: list[str], series: list[tuple[str, list[float], tuple[int, int, int]]],
               left, top, width, height, *, title: str, horizontal: bool = False):
    from pptx.chart.data import CategoryChartData
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION

    data = CategoryChartData()
    data.categories = categories
    for name, values, _ in series:
        data.add_series(name, [None if _missing(v) else float(v) for v in values])
    kind = XL_CHART_TYPE.BAR_CLUSTERED if horizontal else XL_CHART_TYPE.COLUMN_CLUSTERED
    chart = slide.shapes.add_chart(kind, left, top, width, height, data).chart
    chart.has_title = True
    chart.chart_title.text_frame.text = title
    for p in chart.chart_title.text_frame.paragraphs:
        for run in p.runs:
            _font(run.font, 12, True, NAVY)
    _font(chart.font, 10)
    chart.has_legend = len(series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
    for plot_series, (_, _, color) in zip(chart.plots[0].series, series):
        plot_series.format.fill.solid()
        plot_series.format.fill.fore_color.rgb = RGBColor(*color)
    if horizontal:
        chart.category_axis.reverse_order = True
    return chart


def _area_chart(slide, report: WeeklyReport, area: str, lang: str, left, top, width, height):
    """The area's native chart: this week against last week (roads: the week's top ten)."""
    this_name, prev_name = _t("wk_col_this", lang), _t("wk_col_prev", lang)
    title = f"{_t(f'wk_area_{area}', lang)} · {_t('wk_chart_this_prev', lang)}"
    if area == "cases":
        now_g, prev_g = report.this.case_groups, report.previous.case_groups
        towns = now_g[now_g["level"] == "town"] if not now_g.empty else pd.DataFrame()
        if towns.empty:
            return None
        before = {} if prev_g.empty else dict(zip(prev_g[prev_g["level"] == "town"]["group_code"],
                                                 prev_g[prev_g["level"] == "town"]["received"]))
        names = report.names.get("town", {})
        cats = [names.get(c, (c, c))[0 if lang == "zh" else 1] for c in towns["group_code"]]
        return _bar_chart(slide, cats, [(this_name, list(towns["received"]), THIS_COLOR),
                                        (prev_name, [before.get(c, 0) for c in towns["group_code"]], PREV_COLOR)],
                          left, top, width, height, title=f"{title}（{_t('wk_col_received', lang)}）"
                          if lang == "zh" else f"{title} — {_t('wk_col_received', lang)}")
    if area == "waste":
        now_c, prev_c = report.this.waste_categories, report.previous.waste_categories
        if now_c.empty:
            return None
        before = {} if prev_c.empty else dict(zip(prev_c["category_code"], prev_c["tonnes"]))
        name = "category_name_zh" if lang == "zh" else "category_name_en"
        return _bar_chart(slide, list(now_c[name]),
                          [(this_name, [round(float(v), 1) for v in now_c["tonnes"]], THIS_COLOR),
                           (prev_name, [round(float(before.get(c, 0)), 1) for c in now_c["category_code"]],
                            PREV_COLOR)],
                          left, top, width, height, title=f"{title}（{_t('tonnes', lang)}）" if lang == "zh"
                          else f"{title} (t)")
    if area == "parking":
        roads = report.parking_roads.head(10) if report.parking_roads is not None else pd.DataFrame()
        if roads.empty:
            return None
        return _bar_chart(slide, list(roads["name_zh"]),
                          [(_t("wk_col_violations", lang), list(roads["violations"]), THIS_COLOR)],
                          left, top, width, height, title=_t("wk_by_road", lang), horizontal=True)
    keys = {"drones": ("sorties", "detections", "detections_to_cases"),
            "market": ("received", "resolved", "open_now")}[area]
    cats = [f"{weekly.METRIC[(area, k)].name(lang)}（{weekly.METRIC[(area, k)].unit(lang)}）" if lang == "zh"
            else f"{weekly.METRIC[(area, k)].name(lang)} ({weekly.METRIC[(area, k)].unit(lang)})" for k in keys]
    return _bar_chart(slide, cats,
                      [(this_name, [report.value(area, k) or 0 for k in keys], THIS_COLOR),
                       (prev_name, [report.value(area, k, "previous") or 0 for k in keys], PREV_COLOR)],
                      left, top, width, height, title=title)


def build_pptx(report: WeeklyReport, lang: str = "zh", area_images: dict[str, bytes] | None = None) -> bytes:
    """Title and briefing, headlines, one slide per area, movers, overdue and escalated, KPI ranking."""
    from pptx import Presentation
    from pptx.util import Inches

    area_images = area_images if area_images is not None else area_maps(report, lang)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    blank = prs.slide_layouts[6]
    stamp = report.week.as_of.astimezone(dt.timezone.utc).replace(tzinfo=None)
    props = prs.core_properties
    props.title = f"{_t('wk_pack_title', lang)} {report.week.label}"
    props.author = props.last_modified_by = "cockpit"
    props.created = props.modified = stamp
    props.revision = 1

    def slide_with_title(title: str):
        slide = prs.slides.add_slide(blank)
        _text(slide, title, Inches(0.4), Inches(0.25), Inches(12.5), Inches(0.7), size=24, bold=True, color=NAVY)
        _text(slide, f"{report.week.label} · {report.week.dates_text(lang)}", Inches(0.4), Inches(7.0),
              Inches(8), Inches(0.4), size=10, color=GREY)
        return slide

    # 1. title and briefing
    slide = prs.slides.add_slide(blank)
    _text(slide, _t("wk_pack_title", lang), Inches(0.6), Inches(0.5), Inches(12), Inches(0.8), size=30, bold=True,
          color=NAVY)
    _text(slide, report.week.title(lang), Inches(0.6), Inches(1.3), Inches(12), Inches(0.6), size=20, color=GREY)
    _text(slide, _t("wk_pack_generated", lang, as_of=f"{report.week.as_of:%Y-%m-%d %H:%M}"), Inches(0.6),
          Inches(1.85), Inches(12), Inches(0.4), size=12, color=GREY)
    _text(slide, _t("wk_briefing", lang), Inches(0.6), Inches(2.5), Inches(12), Inches(0.5), size=16, bold=True,
          color=NAVY)
    _text(slide, weekly.briefing(report, lang), Inches(0.6), Inches(3.0), Inches(12.1), Inches(4.0), size=14)

    # 2. headlines of every area
    slide = slide_with_title(_t("wk_overview_slide", lang))
    _table(slide, headline_table(report, lang), Inches(0.4), Inches(1.1), Inches(12.5), size=10,
           row_height=Inches(0.29), weights=[1.3, 2.0, 0.7, 1.2, 1.2, 1.6, 1.2, 1.6])

    # 3–7. one slide per area
    for area in weekly.AREAS:
        slide = slide_with_title(_t(f"wk_area_{area}", lang))
        image = area_images.get(area)
        left_w = Inches(7.2) if image else Inches(12.5)
        heads = headline_table(report, lang, area)
        _table(slide, heads, Inches(0.4), Inches(1.1), left_w, size=10, row_height=Inches(0.3),
               weights=[2.4, 0.8, 1.2, 1.2, 1.7, 1.2, 1.7])
        chart_top = Inches(1.1 + 0.3 * (len(heads) + 1) + 0.3)
        if not report.this.has_data[area]:
            _text(slide, _t("wk_no_data_area", lang, area=_t(f"wk_area_{area}", lang)), Inches(0.4), chart_top,
                  left_w, Inches(1.0), size=22, bold=True, color=GREY)
        else:
            _area_chart(slide, report, area, lang, Inches(0.4), chart_top, left_w, Inches(6.95) - chart_top)
        if image:
            slide.shapes.add_picture(io.BytesIO(image), Inches(7.85), Inches(1.05), height=Inches(5.85))

    # 8. movers
    slide = slide_with_title(_t("wk_movers", lang))
    movers = movers_table(report, lang, top=3)
    if movers.empty:
        _text(slide, _t("empty", lang), Inches(0.4), Inches(1.2), Inches(12), Inches(0.6), size=18, color=GREY)
    else:
        _table(slide, movers, Inches(0.4), Inches(1.1), Inches(12.5), size=10, row_height=Inches(0.34))

    # 9. overdue and escalated, by holder
    slide = slide_with_title(_t("wk_overdue", lang))
    _text(slide, _t("wk_escalation_rule", lang, h=weekly.ESCALATE_HOURS, r=weekly.ESCALATE_REWORKS),
          Inches(0.4), Inches(0.85), Inches(12.5), Inches(0.4), size=10, color=GREY)
    holders = holders_table(report, lang, 12)
    if holders.empty:
        _text(slide, _t("wk_overdue_none", lang), Inches(0.4), Inches(1.4), Inches(12), Inches(0.6), size=18,
              color=GREY)
    else:
        _table(slide, holders, Inches(0.4), Inches(1.35), Inches(4.6), size=10, row_height=Inches(0.36))
        cases = overdue_table(report, lang, 14)
        keep = [_t(k, lang) for k in ("wk_col_case", "wk_col_category", "wk_col_town", "wk_col_holder",
                                      "wk_col_late", "wk_col_escalated_flag")]
        _table(slide, cases[keep], Inches(5.2), Inches(1.35), Inches(7.7), size=9, row_height=Inches(0.34))

    # 10. KPI ranking
    slide = slide_with_title(_t("wk_ranking", lang))
    for i, level in enumerate(("town", "squadron")):
        table = ranking_table(report, level, lang)
        if table.empty:
            continue
        keep = [c for c in table.columns if c in {_t(k, lang) for k in (
            "wk_col_rank", "wk_col_town", "wk_col_squadron", "wk_col_received", "wk_col_ontime_close",
            "wk_col_score")}]
        _table(slide, table[keep], Inches(0.4 + i * 6.35), Inches(1.2), Inches(6.15), size=10,
               row_height=Inches(0.42))

    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


# -- the pack ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Pack:
    week: weekly.IsoWeek
    lang: str
    pptx: bytes
    xlsx: bytes
    maps: dict[str, bytes]

    @property
    def stem(self) -> str:
        return f"weekly-{self.week.label}" + ("" if self.lang == "zh" else f"-{self.lang}")


def build_pack(report: WeeklyReport, lang: str = "zh") -> Pack:
    images = area_maps(report, lang)
    return Pack(report.week, lang, build_pptx(report, lang, images), build_xlsx(report, lang), images)


def write_pack(pack: Pack, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix, blob in ((".pptx", pack.pptx), (".xlsx", pack.xlsx)):
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
    first, last = (None if _missing(row.get(k)) else pd.Timestamp(row[k]).date() for k in ("first_day", "last_day"))
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
