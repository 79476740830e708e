"""The pack's PPTX: title and briefing, headlines, one slide per area (native, editable charts and tables,
the area's town map beside them), movers, overdue and escalated, KPI ranking. The file's own dates are
the week's end. Every run of text carries FONT_NAME for Latin and East-Asian script, so Chinese renders
where fonts-noto-cjk is installed."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd

from cockpit import i18n
from cockpit.i18n import t
from cockpit.meeting import maps, tables, weekly
from cockpit.meeting.briefing import briefing
from cockpit.meeting.tables import FONT_NAME, clean, with_unit
from cockpit.meeting.weekly import WeeklyReport, is_missing

NAVY = (0x1F, 0x3A, 0x5F)
GREY = (0x5A, 0x64, 0x73)
THIS_COLOR = (0x4C, 0x9B, 0xE8)
PREV_COLOR = (0xB8, 0xC2, 0xCC)


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
            v = clean(v)
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
        data.add_series(name, [None if is_missing(v) else float(v) for v in values])
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



def _area_chart(slide, report: WeeklyReport, area: str, left, top, width, height):
    """The area's native chart: this week against last week (roads: the week's top ten)."""
    this_name, prev_name = t("wk_col_this"), t("wk_col_prev")
    title = f"{t(f'wk_area_{area}')} · {t('wk_chart_this_prev')}"
    if area == "cases":
        now_g, prev_g = report.this.case_groups, report.previous.case_groups
        towns = now_g[now_g["level"] == "town"] if not now_g.empty else pd.DataFrame()
        if towns.empty:
            return None
        before = {} if prev_g.empty else dict(zip(prev_g[prev_g["level"] == "town"]["group_code"],
                                                 prev_g[prev_g["level"] == "town"]["received"]))
        cats = [report.name("town", c) for c in towns["group_code"]]
        received = t("wk_col_received")
        return _bar_chart(slide, cats, [(this_name, list(towns["received"]), THIS_COLOR),
                                        (prev_name, [before.get(c, 0) for c in towns["group_code"]], PREV_COLOR)],
                          left, top, width, height, title=f"{title}（{received}）"
                          if i18n.current() == "zh" else f"{title} — {received}")
    if area == "waste":
        now_c, prev_c = report.this.waste_categories, report.previous.waste_categories
        if now_c.empty:
            return None
        before = {} if prev_c.empty else dict(zip(prev_c["category_code"], prev_c["tonnes"]))
        return _bar_chart(slide, list(now_c[f"category_name_{i18n.current()}"]),
                          [(this_name, [round(float(v), 1) for v in now_c["tonnes"]], THIS_COLOR),
                           (prev_name, [round(float(before.get(c, 0)), 1) for c in now_c["category_code"]],
                            PREV_COLOR)],
                          left, top, width, height, title=with_unit(title, t("tonnes")))
    if area == "parking":
        roads = report.parking_roads.head(10) if report.parking_roads is not None else pd.DataFrame()
        if roads.empty:
            return None
        return _bar_chart(slide, list(roads["name_zh"]),
                          [(t("wk_col_violations"), list(roads["violations"]), THIS_COLOR)],
                          left, top, width, height, title=t("wk_by_road"), horizontal=True)
    keys = {"drones": ("sorties", "detections", "detections_to_cases"),
            "market": ("received", "resolved", "open_now")}[area]
    cats = [with_unit(weekly.METRIC[(area, k)].name(), weekly.METRIC[(area, k)].unit()) for k in keys]
    return _bar_chart(slide, cats,
                      [(this_name, [report.value(area, k) or 0 for k in keys], THIS_COLOR),
                       (prev_name, [report.value(area, k, "previous") or 0 for k in keys], PREV_COLOR)],
                      left, top, width, height, title=title)


def build_pptx(report: WeeklyReport, lang: str | None = None, area_images: dict[str, bytes] | None = None) -> bytes:
    """The deck in `lang` (default: the current language), with `area_images` (default: drawn here)."""
    with i18n.language(lang or i18n.current()):
        return _deck(report, area_images if area_images is not None else maps.area_maps(report))


def _deck(report: WeeklyReport, area_images: dict[str, bytes]) -> bytes:
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    blank = prs.slide_layouts[6]
    stamp = report.week.as_of.astimezone(dt.timezone.utc).replace(tzinfo=None)
    props = prs.core_properties
    props.title = f"{t('wk_pack_title')} {report.week.label}"
    props.author = props.last_modified_by = "cockpit"
    props.created = props.modified = stamp
    props.revision = 1

    def slide_with_title(title: str):
        slide = prs.slides.add_slide(blank)
        _text(slide, title, Inches(0.4), Inches(0.25), Inches(12.5), Inches(0.7), size=24, bold=True, color=NAVY)
        _text(slide, f"{report.week.label} · {report.week.dates_text()}", Inches(0.4), Inches(7.0),
              Inches(8), Inches(0.4), size=10, color=GREY)
        return slide

    # 1. title and briefing
    slide = prs.slides.add_slide(blank)
    _text(slide, t("wk_pack_title"), Inches(0.6), Inches(0.5), Inches(12), Inches(0.8), size=30, bold=True,
          color=NAVY)
    _text(slide, report.week.title(), Inches(0.6), Inches(1.3), Inches(12), Inches(0.6), size=20, color=GREY)
    _text(slide, t("wk_pack_generated", as_of=f"{report.week.as_of:%Y-%m-%d %H:%M}"), Inches(0.6),
          Inches(1.85), Inches(12), Inches(0.4), size=12, color=GREY)
    _text(slide, t("wk_briefing"), Inches(0.6), Inches(2.5), Inches(12), Inches(0.5), size=16, bold=True,
          color=NAVY)
    _text(slide, briefing(report), Inches(0.6), Inches(3.0), Inches(12.1), Inches(4.0), size=14)

    # 2. headlines of every area
    slide = slide_with_title(t("wk_overview_slide"))
    note = tables.year_ago_note(report)  # no data a year earlier: why the "—", under the title
    if note:
        _text(slide, note, Inches(0.4), Inches(0.8), Inches(12.5), Inches(0.45), size=9, color=GREY)
    _table(slide, tables.headline_table(report), Inches(0.4), Inches(1.3 if note else 1.1), Inches(12.5), size=10,
           row_height=Inches(0.29), weights=[1.3, 2.0, 0.7, 1.2, 1.2, 1.6, 1.2, 1.6])

    # 3–7. one slide per area
    for area in weekly.AREAS:
        slide = slide_with_title(t(f"wk_area_{area}"))
        image = area_images.get(area)
        left_w = Inches(7.2) if image else Inches(12.5)
        heads = tables.headline_table(report, area)
        _table(slide, heads, Inches(0.4), Inches(1.1), left_w, size=10, row_height=Inches(0.3),
               weights=[2.4, 0.8, 1.2, 1.2, 1.7, 1.2, 1.7])
        chart_top = Inches(1.1 + 0.3 * (len(heads) + 1) + 0.3)
        if note := tables.year_ago_note(report, area):  # no data a year earlier: why the "—"
            _text(slide, note, Inches(0.4), chart_top - Inches(0.25), left_w, Inches(0.5), size=10, color=GREY)
            chart_top += Inches(0.45)
        if not report.this.has_data[area]:
            _text(slide, t("wk_no_data_area", area=t(f"wk_area_{area}")), Inches(0.4), chart_top,
                  left_w, Inches(1.0), size=22, bold=True, color=GREY)
        else:
            _area_chart(slide, report, area, Inches(0.4), chart_top, left_w, Inches(6.95) - chart_top)
        if image:
            slide.shapes.add_picture(io.BytesIO(image), Inches(7.85), Inches(1.05), height=Inches(5.85))

    # 8. movers
    slide = slide_with_title(t("wk_movers"))
    movers = tables.movers_table(report, top=3)
    if movers.empty:
        _text(slide, t("empty"), Inches(0.4), Inches(1.2), Inches(12), Inches(0.6), size=18, color=GREY)
    else:
        _table(slide, movers, Inches(0.4), Inches(1.1), Inches(12.5), size=10, row_height=Inches(0.34))

    # 9. overdue and escalated, by holder
    slide = slide_with_title(t("wk_overdue"))
    _text(slide, t("wk_escalation_rule", h=weekly.ESCALATE_HOURS, r=weekly.ESCALATE_REWORKS),
          Inches(0.4), Inches(0.85), Inches(12.5), Inches(0.4), size=10, color=GREY)
    holders = tables.holders_table(report, 12)
    if holders.empty:
        _text(slide, t("wk_overdue_none"), Inches(0.4), Inches(1.4), Inches(12), Inches(0.6), size=18,
              color=GREY)
    else:
        _table(slide, holders, Inches(0.4), Inches(1.35), Inches(4.6), size=10, row_height=Inches(0.36))
        cases = tables.overdue_table(report, 14)
        keep = [t(k) for k in ("wk_col_case", "wk_col_category", "wk_col_town", "wk_col_holder",
                                      "wk_col_age", "wk_col_escalated_flag")]
        _table(slide, cases[keep], Inches(5.2), Inches(1.35), Inches(7.7), size=9, row_height=Inches(0.34))

    # 10. KPI ranking
    slide = slide_with_title(t("wk_ranking"))
    for i, level in enumerate(("town", "squadron")):
        table = tables.ranking_table(report, level)
        if table.empty:
            continue
        keep = [c for c in table.columns if c in {t(k) for k in (
            "wk_col_rank", "wk_col_town", "wk_col_squadron", "wk_col_received", "wk_col_ontime_close",
            "wk_col_score")}]
        _table(slide, table[keep], Inches(0.4 + i * 6.35), Inches(1.2), Inches(6.15), size=10,
               row_height=Inches(0.42))

    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()
