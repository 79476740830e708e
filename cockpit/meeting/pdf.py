"""The pack as a PDF for distribution: the deck's slides (deck.outline, the same titles, tables and charts as
the PPTX) drawn with matplotlib's PDF backend and the Noto CJK font (fonts-noto-cjk), the glyphs embedded as
TrueType (pdf.fonttype 42) so the text can be searched and copied. No LibreOffice at run time. The file's
metadata carry the stamp (week, as-of times, version) and no creation time but the week's end, so the same
week gives the same file. `page_pngs` draws the same pages as PNG images (to look at them)."""

from __future__ import annotations

import io
import logging
import math

import matplotlib as mpl
import pandas as pd

from cockpit import i18n
from cockpit.i18n import t
from cockpit.meeting import deck, maps
from cockpit.meeting.deck import Chart, Slide
from cockpit.meeting.tables import clean
from cockpit.meeting.weekly import WeeklyReport, is_missing

W, H = 13.333, 7.5  # inches, as the PPTX
NAVY = "#1F3A5F"
GREY = "#5A6473"
INK = "#1B1F24"
RULE = "#C8CFD8"
SIDE_BY_SIDE = {"action": (4.9, 7.5), "overdue": (6.15, 6.15), "ranking": (6.15, 6.15), "town": (7.3, 5.0)}


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#%02X%02X%02X" % rgb


def _font():
    from matplotlib.font_manager import FontProperties

    path = maps.font_file()
    return FontProperties(fname=str(path)) if path else FontProperties()


class _Page:
    """A figure addressed in inches from the top left, as the PPTX places its shapes."""

    def __init__(self, font):
        from matplotlib.figure import Figure

        self.fig = Figure(figsize=(W, H), dpi=100)
        self.fig.patch.set_facecolor("white")
        self.font = font

    def text(self, x: float, y: float, s: str, size: float, *, bold: bool = False, color: str = INK,
             ha: str = "left", va: str = "top", wrap_in: float | None = None) -> float:
        """Text at (x, y) inches; wrapped to `wrap_in` inches; returns the height used (inches)."""
        lines = _wrap(s, size, wrap_in) if wrap_in else s.split("\n")
        self.fig.text(x / W, 1 - y / H, "\n".join(lines), fontproperties=self.font, fontsize=size, color=color,
                      ha=ha, va=va, fontweight="bold" if bold else "normal", linespacing=1.35)
        return len(lines) * size * 1.35 / 72.0

    def rect(self, x: float, y: float, w: float, h: float, color: str, edge: str | None = None) -> None:
        from matplotlib.patches import Rectangle

        self.fig.add_artist(Rectangle((x / W, 1 - (y + h) / H), w / W, h / H, transform=self.fig.transFigure,
                                      facecolor=color, edgecolor=edge or color, linewidth=0.5))

    def table(self, df: pd.DataFrame, x: float, y: float, width: float, row: float, size: float,
              weights: list[float] | None = None, status: list | None = None, status_column: str | None = None) -> float:
        cols = list(df.columns)
        cells = [[_cell(v) for v in values] for values in df.itertuples(index=False)]
        if weights is None:  # columns as wide as their longest text, within bounds
            weights = [min(max(deck.text_em(str(c)), *(deck.text_em(r[i]) for r in cells), 2.0), 14.0)
                       for i, c in enumerate(cols)]
        total = sum(weights)
        widths = [width * w / total for w in weights]
        left = x
        for c, name in enumerate(cols):
            self.rect(left, y, widths[c], row, NAVY, "#FFFFFF")
            self._cell_text(str(name), left, y, widths[c], row, size, "#FFFFFF", bold=True, numeric=False)
            left += widths[c]
        for r, values in enumerate(cells, start=1):
            left = x
            for c, text in enumerate(values):
                fill = deck.status_fill(status[r - 1]) if status and cols[c] == status_column and \
                    r - 1 < len(status) else None
                self.rect(left, y + r * row, widths[c], row, _hex(fill) if fill else "#FFFFFF", RULE)
                numeric = isinstance(clean(df.iat[r - 1, c]), (int, float))
                self._cell_text(text, left, y + r * row, widths[c], row, size, "#FFFFFF" if fill else INK,
                                bold=bool(fill), numeric=numeric)
                left += widths[c]
        return row * (len(cells) + 1)

    def _cell_text(self, s: str, x: float, y: float, w: float, h: float, size: float, color: str, *,
                   bold: bool, numeric: bool) -> None:
        fits = max(1, int((w - 0.1) * 72.0 / size / 0.6))
        s = s if deck.text_em(s) * size <= (w - 0.1) * 72.0 else _cut(s, (w - 0.1) * 72.0 / size) or s[:fits]
        if numeric:
            self.fig.text((x + w - 0.06) / W, 1 - (y + h / 2) / H, s, fontproperties=self.font, fontsize=size,
                          color=color, ha="right", va="center", fontweight="bold" if bold else "normal")
        else:
            self.fig.text((x + 0.06) / W, 1 - (y + h / 2) / H, s, fontproperties=self.font, fontsize=size,
                          color=color, ha="left", va="center", fontweight="bold" if bold else "normal")

    def image(self, png: bytes, x: float, y: float, height: float) -> None:
        import matplotlib.image as mpimg

        img = mpimg.imread(io.BytesIO(png), format="png")
        ratio = img.shape[1] / img.shape[0]
        ax = self.fig.add_axes((x / W, 1 - (y + height) / H, height * ratio / W, height / H))
        ax.imshow(img)
        ax.axis("off")

    def chart(self, spec: Chart, x: float, y: float, w: float, h: float) -> None:
        font = self.font
        ax = self.fig.add_axes(((x + 0.7) / W, 1 - (y + h - 0.45) / H, (w - 0.9) / W, (h - 1.0) / H))
        ax.set_title(spec.title, fontproperties=font, fontsize=12, color=NAVY, fontweight="bold")
        n = len(spec.categories)
        if spec.kind == "line":
            for s in spec.series:
                ax.plot(range(n), [math.nan if is_missing(v) else v for v in s.values], marker="o",
                        color=_hex(s.color), label=s.name)
            ax.set_xticks(range(n), spec.categories)
        elif spec.horizontal:
            ys = range(n)
            ax.barh(ys, [0 if is_missing(v) else v for v in spec.series[0].values], color=_hex(spec.series[0].color))
            ax.set_yticks(list(ys), spec.categories)
            ax.invert_yaxis()
        else:
            k = len(spec.series)
            width = 0.8 / k
            for i, s in enumerate(spec.series):
                ax.bar([j - 0.4 + width * (i + 0.5) for j in range(n)], [0 if is_missing(v) else v for v in s.values],
                       width=width, color=_hex(s.color), label=s.name)
            ax.set_xticks(range(n), spec.categories)
        for label in ax.get_xticklabels() + ax.get_yticklabels():
            label.set_fontproperties(font)
            label.set_fontsize(9)
        (ax.set_xlabel if spec.horizontal else ax.set_ylabel)(spec.unit, fontproperties=font, fontsize=10)
        if len(spec.series) > 1:
            ax.legend(prop=font, fontsize=9, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.12),
                      ncol=min(len(spec.series), 5))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.grid(axis="x" if spec.horizontal else "y", color="#E5E9EF")
        ax.set_axisbelow(True)


def _cell(v) -> str:
    v = clean(v)
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:,.1f}"
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,}"
    return str(v)


def _cut(s: str, em: float) -> str:
    out = ""
    for ch in s:
        if deck.text_em(out + ch + "…") > em:
            return out + "…"
        out += ch
    return out


def _wrap(s: str, size: float, width_in: float) -> list[str]:
    """Lines of at most `width_in` inches at `size` points (CJK text breaks anywhere, Latin at spaces)."""
    em = width_in * 72.0 / size
    lines = []
    for para in s.split("\n"):
        line = ""
        for token in _tokens(para):
            if deck.text_em(line + token) > em and line:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
        lines.append(line)
    return lines


def _tokens(s: str) -> list[str]:
    out, word = [], ""
    for ch in s:
        if ord(ch) >= 0x2E80:
            if word:
                out.append(word)
                word = ""
            out.append(ch)
        elif ch == " ":
            out.append(word + " ")
            word = ""
        else:
            word += ch
    if word:
        out.append(word)
    return out


def _rows_fit(df: pd.DataFrame, top: float, bottom: float = 6.85, most: float = 0.34) -> float:
    return max(0.2, min(most, (bottom - top) / (len(df) + 1)))


def _draw(page: _Page, spec: Slide, report: WeeklyReport, total: int) -> None:
    status_column = t("wk_col_status")
    if spec.kind == "cover":
        page.text(0.6, 0.5, spec.title, 30, bold=True, color=NAVY)
        top = 1.35
        for i, note in enumerate(spec.notes):
            page.text(0.6, top, note, 20 if i == 0 else 13, color=GREY)
            top += 0.55 if i == 0 else 0.36
        page.text(0.6, top + 0.15, t("wk_briefing"), 16, bold=True, color=NAVY)
        page.text(0.6, top + 0.6, spec.text, 13, wrap_in=12.1)
    else:
        page.text(0.4, 0.3, spec.title, deck.title_size(spec.title), bold=True, color=NAVY)
        top = 0.95
        for note in spec.notes:
            top += page.text(0.4, top, note, 10, color=GREY, wrap_in=12.5) + 0.08
        _body(page, spec, top + 0.1, status_column)
    page.text(0.4, 7.05, deck.stamp(report), 9, color=GREY)
    page.text(12.95, 7.05, t("wk_slide_number", n=spec.number, of=total), 10, color=GREY, ha="right")


def _body(page: _Page, spec: Slide, top: float, status_column: str) -> None:
    frames = [(title, df) for title, df in spec.tables if df is not None and not df.empty]
    if spec.kind == "area":
        left_w = 7.2 if spec.image else 12.5
        _, heads = spec.tables[0]
        used = page.table(heads, 0.4, top, left_w, 0.3, 10, weights=[2.4, 0.8, 1.2, 1.2, 1.7, 1.2, 1.7])
        below = top + used + 0.2
        if spec.text:
            page.text(0.4, below, spec.text, 22, bold=True, color=GREY)
        elif spec.chart is not None:
            page.chart(spec.chart, 0.4, below, left_w, 6.9 - below)
        if spec.image:
            page.image(spec.image, 7.85, 1.05, 5.85)
        return
    if not frames:
        if spec.text:
            page.text(0.4, top + 0.2, spec.text, 18, color=GREY)
        return
    if spec.kind in SIDE_BY_SIDE and len(frames) > 1:
        left = 0.4
        for i, ((title, df), width) in enumerate(zip(frames, SIDE_BY_SIDE[spec.kind])):
            y = top
            if title:
                page.text(left, y, title, 12, bold=True, color=NAVY)
                y += 0.4
            row = _rows_fit(df, y)
            page.table(df, left, y, width, row, 10 if row >= 0.3 else 9,
                       status=spec.status if i == 0 else None, status_column=status_column)
            left += width + 0.2
        return
    y = top
    for title, df in frames:
        if title:
            page.text(0.4, y, title, 12, bold=True, color=NAVY)
            y += 0.4
        bottom = 4.2 if spec.chart is not None else 6.85
        row = _rows_fit(df, y, bottom, 0.34 if spec.kind != "agenda" else 0.42)
        width = 6.0 if spec.kind == "agenda" else 12.5
        y += page.table(df, 0.4, y, width, row, 10 if row >= 0.27 else 9,
                        weights=[1.0, 4.0] if spec.kind == "agenda" else None,
                        status=spec.status, status_column=status_column) + 0.2
    if spec.chart is not None:
        page.chart(spec.chart, 0.4, y, 12.5, 6.9 - y)


def _pages(report: WeeklyReport, area_images: dict[str, bytes] | None):
    font = _font()
    slides = deck.outline(report, area_images if area_images is not None else maps.area_maps(report))
    for spec in slides:
        page = _Page(font)
        _draw(page, spec, report, len(slides))
        yield page.fig


def build_pdf(report: WeeklyReport, lang: str | None = None, area_images: dict[str, bytes] | None = None) -> bytes:
    """The pack's PDF in `lang` (default: the current language)."""
    from matplotlib.backends.backend_pdf import PdfPages

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # the font subsetter's notes are not the operator's
    with i18n.language(lang or i18n.current()), mpl.rc_context({"pdf.fonttype": 42, "pdf.compression": 6}):
        buf = io.BytesIO()
        metadata = {"Title": f"{t('wk_pack_title')} {report.week.label}", "Subject": deck.stamp(report),
                    "Keywords": f"{report.week.label}; {report.week.as_of.isoformat()}; {deck.data_as_of_text(report)}",
                    "Author": "cockpit", "Creator": "cockpit", "CreationDate": report.week.as_of,
                    "ModDate": report.week.as_of}
        with PdfPages(buf, metadata=metadata) as pdf:
            for fig in _pages(report, area_images):
                pdf.savefig(fig)
        return buf.getvalue()


def page_pngs(report: WeeklyReport, lang: str | None = None, area_images: dict[str, bytes] | None = None,
              dpi: int = 80) -> list[bytes]:
    """The PDF's pages drawn as PNG images (the same drawing, matplotlib's Agg backend)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    out = []
    with i18n.language(lang or i18n.current()):
        for fig in _pages(report, area_images):
            FigureCanvasAgg(fig)
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
            out.append(buf.getvalue())
    return out
