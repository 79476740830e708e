"""The pack's PPTX: title and briefing, headlines, one slide per area (native, editable charts and tables,
the area's town map beside them), movers, overdue and escalated, KPI ranking. The file's own dates are
the week's end. Every run of text carries FONT_NAME for Latin and East-Asian script, so Chinese renders
where fonts-noto-cjk is installed."""

from __future__ import annotations

import io

import pandas as pd

from cockpit import i18n
from cockpit.i18n import t
from cockpit.meeting import deck, maps
from cockpit.meeting.deck import Chart, Slide
from cockpit.meeting.tables import FONT_NAME, clean
from cockpit.meeting.weekly import WeeklyReport, is_missing

NAVY = (0x1F, 0x3A, 0x5F)
GREY = (0x5A, 0x64, 0x73)


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
           weights: list[float] | None = None, status: list | None = None, status_column: str | None = None):
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
            fill = deck.status_fill(status[r - 1]) if status and df.columns[c] == status_column and \
                r - 1 < len(status) else None
            if fill:
                cell.fill.solid()
                cell.fill.fore_color.rgb = RGBColor(*fill)
            for p in cell.text_frame.paragraphs:
                for run in p.runs:
                    _font(run.font, size, bool(fill), (0xFF, 0xFF, 0xFF) if fill else (0x1B, 0x1F, 0x24))
    for r in range(rows):
        table.rows[r].height = row_height
    return shape


def _chart(slide, spec: Chart, left, top, width, height):
    """A native, editable chart: one unit on the value axis (named in its title)."""
    from pptx.chart.data import CategoryChartData
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION

    data = CategoryChartData()
    data.categories = spec.categories
    for series in spec.series:
        data.add_series(series.name, [None if is_missing(v) else float(v) for v in series.values])
    if spec.kind == "line":
        kind = XL_CHART_TYPE.LINE_MARKERS
    else:
        kind = XL_CHART_TYPE.BAR_CLUSTERED if spec.horizontal else XL_CHART_TYPE.COLUMN_CLUSTERED
    chart = slide.shapes.add_chart(kind, left, top, width, height, data).chart
    chart.has_title = True
    chart.chart_title.text_frame.text = spec.title
    for p in chart.chart_title.text_frame.paragraphs:
        for run in p.runs:
            _font(run.font, 12, True, NAVY)
    _font(chart.font, 10)
    chart.has_legend = len(spec.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
    for plot_series, series in zip(chart.plots[0].series, spec.series):
        if spec.kind == "line":
            plot_series.format.line.color.rgb = RGBColor(*series.color)
            plot_series.smooth = False
        else:
            plot_series.format.fill.solid()
            plot_series.format.fill.fore_color.rgb = RGBColor(*series.color)
    if spec.horizontal:
        chart.category_axis.reverse_order = True
    return chart


def build_pptx(report: WeeklyReport, lang: str | None = None, area_images: dict[str, bytes] | None = None) -> bytes:
    """The deck in `lang` (default: the current language), with `area_images` (default: drawn here)."""
    with i18n.language(lang or i18n.current()):
        images = area_images if area_images is not None else maps.area_maps(report)
        return _deck(report, deck.outline(report, images))


# the layout of the slides with two tables side by side: (left width, right width) in inches
SIDE_BY_SIDE = {"action": (4.9, 7.5), "overdue": (6.15, 6.15), "ranking": (6.15, 6.15), "town": (7.3, 5.0)}


def _rows_fit(df: pd.DataFrame, top: float, bottom: float = 6.85, most: float = 0.34) -> float:
    return max(0.2, min(most, (bottom - top) / (len(df) + 1)))


def _deck(report: WeeklyReport, slides: list[Slide]) -> bytes:
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    blank = prs.slide_layouts[6]
    props = prs.core_properties
    props.title = f"{t('wk_pack_title')} {report.week.label}"
    props.subject = deck.stamp(report)
    props.keywords = f"{report.week.label}; {report.week.as_of.isoformat()}; {deck.data_as_of_text(report)}"
    props.author = props.last_modified_by = "cockpit"
    props.created = props.modified = deck.as_of_instant(report)
    props.revision = 1
    total = len(slides)

    for spec in slides:
        slide = prs.slides.add_slide(blank)
        if spec.kind == "cover":
            _cover(slide, spec)
        else:
            size = deck.title_size(spec.title)
            box = _text(slide, spec.title, Inches(0.4), Inches(0.25), Inches(deck.TITLE_WIDTH_IN), Inches(0.7),
                        size=size, bold=True, color=NAVY)
            box.text_frame.word_wrap = False  # a title stays on its one line (deck.title_size fits it)
            top = 0.95
            for note in spec.notes:
                _text(slide, note, Inches(0.4), Inches(top), Inches(12.5), Inches(0.4), size=10, color=GREY)
                top += 0.32 if deck.text_em(note) * 10 <= 12.5 * 72 else 0.5
            _body(slide, spec, top + 0.1)
        _text(slide, deck.stamp(report), Inches(0.4), Inches(7.0), Inches(10), Inches(0.4), size=9, color=GREY)
        _text(slide, t("wk_slide_number", n=spec.number, of=total), Inches(11.2), Inches(7.0), Inches(1.8),
              Inches(0.4), size=10, color=GREY).text_frame.paragraphs[0].alignment = 3  # right

    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def _cover(slide, spec: Slide) -> None:
    from pptx.util import Inches

    _text(slide, spec.title, Inches(0.6), Inches(0.5), Inches(12), Inches(0.8), size=30, bold=True,
          color=NAVY).text_frame.word_wrap = False
    top = 1.35
    for i, note in enumerate(spec.notes):
        _text(slide, note, Inches(0.6), Inches(top), Inches(12), Inches(0.5), size=20 if i == 0 else 13, color=GREY)
        top += 0.55 if i == 0 else 0.36
    _text(slide, t("wk_briefing"), Inches(0.6), Inches(top + 0.15), Inches(12), Inches(0.5), size=16, bold=True,
          color=NAVY)
    _text(slide, spec.text, Inches(0.6), Inches(top + 0.6), Inches(12.1), Inches(6.9 - top - 0.6), size=13)


def _body(slide, spec: Slide, top: float) -> None:
    from pptx.util import Inches

    status_column = t("wk_col_status")
    frames = [(title, df) for title, df in spec.tables if df is not None and not df.empty]
    if spec.kind == "area":
        left_w = 7.2 if spec.image else 12.5
        _, heads = spec.tables[0]
        _table(slide, heads, Inches(0.4), Inches(top), Inches(left_w), size=10, row_height=Inches(0.3),
               weights=[2.4, 0.8, 1.2, 1.2, 1.7, 1.2, 1.7])
        below = top + 0.3 * (len(heads) + 1) + 0.2
        if spec.text:
            _text(slide, spec.text, Inches(0.4), Inches(below), Inches(left_w), Inches(1.0), size=22, bold=True,
                  color=GREY)
        elif spec.chart is not None:
            _chart(slide, spec.chart, Inches(0.4), Inches(below), Inches(left_w), Inches(6.9 - below))
        if spec.image:
            slide.shapes.add_picture(io.BytesIO(spec.image), Inches(7.85), Inches(1.05), height=Inches(5.85))
        return
    if not frames:
        if spec.text:
            _text(slide, spec.text, Inches(0.4), Inches(top + 0.2), Inches(12), Inches(0.6), size=18, color=GREY)
        return
    if spec.kind in SIDE_BY_SIDE and len(frames) > 1:
        left = 0.4
        for (title, df), width in zip(frames, SIDE_BY_SIDE[spec.kind]):
            y = top
            if title:
                _text(slide, title, Inches(left), Inches(y), Inches(width), Inches(0.35), size=12, bold=True,
                      color=NAVY)
                y += 0.4
            row = _rows_fit(df, y)
            _table(slide, df, Inches(left), Inches(y), Inches(width), size=10 if row >= 0.3 else 9,
                   row_height=Inches(row), status=spec.status if (title, df) == frames[0] else None,
                   status_column=status_column)
            left += width + 0.2
        return
    y = top
    for title, df in frames:
        if title:
            _text(slide, title, Inches(0.4), Inches(y), Inches(12.5), Inches(0.35), size=12, bold=True, color=NAVY)
            y += 0.4
        bottom = 4.2 if spec.chart is not None else 6.85
        row = _rows_fit(df, y, bottom, 0.34 if spec.kind != "agenda" else 0.42)
        width = 6.0 if spec.kind == "agenda" else 12.5
        weights = [1.0, 4.0] if spec.kind == "agenda" else None
        _table(slide, df, Inches(0.4), Inches(y), Inches(width), size=10 if row >= 0.27 else 9,
               row_height=Inches(row), weights=weights, status=spec.status, status_column=status_column)
        y += row * (len(df) + 1) + 0.2
    if spec.chart is not None:
        _chart(slide, spec.chart, Inches(0.4), Inches(y), Inches(12.5), Inches(6.9 - y))
