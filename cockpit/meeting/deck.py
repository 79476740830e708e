"""The meeting pack's slides as the meeting runs them, one outline for the PPTX (pptx.py) and the PDF (pdf.py):
cover, agenda, headlines, trends against the targets, one slide per area, movers, who must act, overdue,
ranking, one slide per town. Each slide holds its title, its tables (the page's tables, tables.py), its chart
(one unit on the axis) and its notes; the renderers only lay them out, so a slide's figures are the page's.

Titles are short enough to stay on one line at the renderers' title size (`title_fits`); a slide number
and the stamp (week, the figures' and the data's as-of time, the cockpit's version) are on every slide."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from cockpit import __version__, i18n, kpi
from cockpit.i18n import t
from cockpit.meeting import tables, weekly
from cockpit.meeting.briefing import briefing
from cockpit.meeting.tables import with_unit
from cockpit.meeting.weekly import WeeklyReport, is_missing

TREND_SLIDE_WEEKS = 8      # the trend slide's weeks (the page and the XLSX show all TREND_WEEKS)
ACTION_ROWS = 14           # cases on the escalation slide
HOLDER_ROWS = 12           # holders on the escalation and overdue slides
TITLE_SIZE = 24.0          # points
TITLE_WIDTH_IN = 12.5      # inches: the title box of a 13.333 in wide slide
MIN_TITLE_SIZE = 16.0


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]
    color: tuple[int, int, int]


@dataclass(frozen=True)
class Chart:
    kind: str                   # bar | line
    title: str                  # names the one unit of its value axis
    unit: str
    categories: list[str]
    series: list[Series]
    horizontal: bool = False
    target: float | None = None  # a line chart's target, drawn as its own series


@dataclass
class Slide:
    kind: str        # cover | agenda | headlines | trend | area | movers | action | overdue | ranking | town
    title: str
    section: str = ""                                   # the agenda's entry (the first slide of a section)
    tables: list[tuple[str | None, pd.DataFrame]] = field(default_factory=list)
    chart: Chart | None = None
    notes: list[str] = field(default_factory=list)      # small grey lines under the title
    text: str = ""                                      # a paragraph (the briefing) or the empty state
    image: bytes | None = None                          # the area's town map
    status: list[str | None] = field(default_factory=list)  # the first table's status per row (cell colours)
    number: int = 0


THIS_COLOR = (0x4C, 0x9B, 0xE8)
PREV_COLOR = (0xB8, 0xC2, 0xCC)
LINE_COLORS = [(0x4C, 0x9B, 0xE8), (0x3D, 0xBE, 0x8B), (0xF5, 0x9E, 0x0B), (0x8E, 0x6C, 0xEF), (0xE0, 0x5D, 0x5D)]


# -- titles that stay on one line ------------------------------------------------------------------------------------
def text_em(text: str) -> float:
    """The width of a line in em: a CJK character or full-width sign is 1 em, anything else about 0.6 em."""
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.6 for ch in text)


def title_size(text: str, width_in: float = TITLE_WIDTH_IN) -> float:
    """The title's font size (pt): TITLE_SIZE, smaller for a long title, never below MIN_TITLE_SIZE."""
    em = text_em(text)
    fits = width_in * 72.0 / em if em else TITLE_SIZE
    return max(MIN_TITLE_SIZE, min(TITLE_SIZE, float(int(fits))))


def title_fits(text: str, size: float, width_in: float = TITLE_WIDTH_IN) -> bool:
    return text_em(text) * size <= width_in * 72.0


def short_title(text: str, width_in: float = TITLE_WIDTH_IN) -> str:
    """The title cut (with "…") where even MIN_TITLE_SIZE would not hold it on one line."""
    if title_fits(text, MIN_TITLE_SIZE, width_in):
        return text
    out = ""
    for ch in text:
        if not title_fits(out + ch + "…", MIN_TITLE_SIZE, width_in):
            break
        out += ch
    return out + "…"


def _title(text: str) -> str:
    return short_title(text.split("（")[0] if i18n.current() == "zh" else text.split(" (")[0])


# -- the stamp --------------------------------------------------------------------------------------------------------
def stamp(report: WeeklyReport) -> str:
    """'2026-W47 · 统计截至 2026-11-23 00:00 · 数据截至 2026-11-22 23:58 · 版本 0.1.0': on every slide, the
    XLSX's about sheet and the files' properties, so the same week can be reproduced."""
    return t("wk_stamp", week=report.week.label, as_of=f"{report.week.as_of:%Y-%m-%d %H:%M}",
             data=data_as_of_text(report), version=__version__)


def data_as_of_text(report: WeeklyReport) -> str:
    at = report.data_as_of
    return "—" if at is None else f"{at:%Y-%m-%d %H:%M}"


# -- charts ------------------------------------------------------------------------------------------------------------
def trend_chart(report: WeeklyReport, unit_kind: str = "rate", weeks: int = TREND_SLIDE_WEEKS) -> Chart | None:
    """The targeted rates over the last `weeks` weeks: one line each, one unit (%) on the axis."""
    metrics = [m for m in tables.targeted_metrics() if m.kind == unit_kind]
    if report.trend is None or report.trend.empty or not metrics:
        return None
    labels = list(dict.fromkeys(report.trend["week"]))[-weeks:]
    series = []
    for i, m in enumerate(metrics):
        rows = report.trend_of(m.area, m.key).set_index("week")
        series.append(Series(m.name(), [None if lb not in rows.index or is_missing(rows["value"][lb])
                                        else float(rows["value"][lb]) for lb in labels],
                             LINE_COLORS[i % len(LINE_COLORS)]))
    unit = "%" if unit_kind == "rate" else t("wk_points")
    return Chart("line", with_unit(t("wk_trend", n=len(labels)), unit), unit, [lb[-3:] for lb in labels], series)


def area_chart(report: WeeklyReport, area: str) -> Chart | None:
    """The area's chart, one unit on its value axis: cases received by town (件), tonnes by category (吨),
    violations by road (起), drone sorties over the trend's weeks (架次), market requests (件)."""
    this_name, prev_name = t("wk_col_this"), t("wk_col_prev")
    base = f"{t(f'wk_area_{area}')} · {t('wk_chart_this_prev')}"
    if area == "cases":
        now_g, prev_g = report.this.case_groups, report.previous.case_groups
        towns = now_g[now_g["level"] == "town"] if not now_g.empty else pd.DataFrame()
        if towns.empty:
            return None
        prev_towns = prev_g[prev_g["level"] == "town"] if not prev_g.empty else pd.DataFrame()
        before = {} if prev_towns.empty else dict(zip(prev_towns["group_code"], prev_towns["received"]))
        unit = weekly.METRIC[("cases", "received")].unit()
        return Chart("bar", with_unit(f"{base} · {t('wk_col_received').split('（')[0].split(' (')[0]}", unit), unit,
                     [report.name("town", c) for c in towns["group_code"]],
                     [Series(this_name, [float(v) for v in towns["received"]], THIS_COLOR),
                      Series(prev_name, [float(before.get(c, 0)) for c in towns["group_code"]], PREV_COLOR)])
    if area == "waste":
        now_c, prev_c = report.this.waste_categories, report.previous.waste_categories
        if now_c.empty:
            return None
        before = {} if prev_c.empty else dict(zip(prev_c["category_code"], prev_c["tonnes"]))
        return Chart("bar", with_unit(base, t("tonnes")), t("tonnes"),
                     list(now_c[f"category_name_{i18n.current()}"]),
                     [Series(this_name, [round(float(v), 1) for v in now_c["tonnes"]], THIS_COLOR),
                      Series(prev_name, [round(float(before.get(c, 0)), 1) for c in now_c["category_code"]],
                             PREV_COLOR)])
    if area == "parking":
        roads = report.parking_roads.head(10) if report.parking_roads is not None else pd.DataFrame()
        if roads.empty:
            return None
        unit = weekly.METRIC[("parking", "violations")].unit()
        return Chart("bar", t("wk_by_road"), unit, list(roads["name_zh"]),
                     [Series(t("wk_col_violations"), [float(v) for v in roads["violations"]], THIS_COLOR)],
                     horizontal=True)
    if area == "drones":
        m = weekly.METRIC[("drones", "sorties")]
        rows = report.trend_of("drones", "sorties").tail(TREND_SLIDE_WEEKS)
        if rows.empty:
            return None
        return Chart("bar", with_unit(t("wk_trend_chart", metric=m.name(), n=len(rows)), m.unit()), m.unit(),
                     [w[-3:] for w in rows["week"]],
                     [Series(m.name(), [0.0 if is_missing(v) else float(v) for v in rows["value"]], THIS_COLOR)])
    keys = ("received", "resolved", "open_now")  # market: every figure in requests (件)
    unit = weekly.METRIC[("market", "received")].unit()
    return Chart("bar", with_unit(base, unit), unit, [weekly.METRIC[("market", k)].name() for k in keys],
                 [Series(this_name, [float(report.value("market", k) or 0) for k in keys], THIS_COLOR),
                  Series(prev_name, [float(report.value("market", k, "previous") or 0) for k in keys], PREV_COLOR)])


# -- the outline ---------------------------------------------------------------------------------------------------------
def outline(report: WeeklyReport, area_images: dict[str, bytes] | None = None) -> list[Slide]:
    """Every slide of the pack in order, numbered from 1 (the cover)."""
    images = area_images or {}
    slides: list[Slide] = []
    cover = Slide("cover", t("wk_pack_title"), text=briefing(report),
                  notes=[report.week.title(),
                         t("wk_pack_generated", as_of=f"{report.week.as_of:%Y-%m-%d %H:%M}"),
                         t("wk_cover_data_as_of", at=data_as_of_text(report)),
                         t("wk_cover_version", version=__version__, week=report.week.label)])
    slides.append(cover)
    agenda = Slide("agenda", t("wk_agenda"))
    slides.append(agenda)

    note = tables.year_ago_note(report)
    slides.append(Slide("headlines", _title(t("wk_overview_slide")), section=t("wk_overview_slide"),
                        tables=[(None, tables.headline_table(report))], notes=[note] if note else []))

    trend = tables.trend_table(report, TREND_SLIDE_WEEKS, as_text=True)
    if not trend.empty:
        targeted = {with_unit(m.name(), m.unit()) for m in tables.targeted_metrics()}
        trend = trend[trend[t("wk_col_metric")].isin(targeted)].reset_index(drop=True)
        statuses = [report.status(m.area, m.key) for m in tables.targeted_metrics()]
        slides.append(Slide("trend", _title(t("wk_trend", n=TREND_SLIDE_WEEKS)),
                            section=t("wk_trend", n=TREND_SLIDE_WEEKS), tables=[(None, trend)],
                            chart=trend_chart(report), notes=[t("wk_status_rule")], status=statuses))

    for i, area in enumerate(weekly.AREAS):
        heads = tables.headline_table(report, area)
        notes = [n for n in (tables.year_ago_note(report, area),) if n]
        empty = "" if report.this.has_data[area] else t("wk_no_data_area", area=t(f"wk_area_{area}"))
        slides.append(Slide("area", _title(t(f"wk_area_{area}")), section=t("wk_areas") if i == 0 else "",
                            tables=[(None, heads)], chart=None if empty else area_chart(report, area),
                            notes=notes, text=empty, image=images.get(area)))

    movers = tables.movers_table(report, top=3)
    slides.append(Slide("movers", _title(t("wk_movers")), section=t("wk_movers"),
                        tables=[(None, movers)] if not movers.empty else [], text="" if not movers.empty else t("empty")))

    rule = t("wk_escalation_rule", h=weekly.ESCALATE_HOURS, r=weekly.ESCALATE_REWORKS)
    summary = tables.action_summary(report, "department").head(HOLDER_ROWS)
    cases = tables.action_table(report, n=None)
    if not cases.empty:  # the still-open ones first (carried, new), then what was cleared, as many as fit
        state = t("wk_col_state")
        cleared = cases[cases[state] == t("wk_state_cleared")]
        cases = pd.concat([cases[cases[state] != t("wk_state_cleared")].head(ACTION_ROWS - min(len(cleared), 4)),
                           cleared.head(4)], ignore_index=True)
        keep = [t(k) for k in ("wk_col_holder", "wk_col_case", "wk_col_category", "wk_col_state", "wk_col_deadline",
                               "wk_col_age")]
        cases = cases[keep]
    slides.append(Slide("action", _title(t("wk_act")), section=t("wk_act"),
                        tables=[(t("wk_holders"), summary), (t("wk_act_open"), cases)] if not summary.empty else [],
                        notes=[rule + " " + t("wk_act_hint")], text="" if not summary.empty else t("wk_act_none")))

    holders = tables.holders_table(report, HOLDER_ROWS)
    squadrons = tables.squadron_table(report, HOLDER_ROWS)
    slides.append(Slide("overdue", _title(t("wk_overdue")), section=t("wk_overdue").split("（")[0],
                        tables=[(t("wk_holders"), holders), (t("wk_by_squadron"), squadrons)] if not holders.empty else [],
                        notes=[rule], text="" if not holders.empty else t("wk_overdue_none")))

    ranking = []
    for level in ("town", "squadron"):
        table = tables.ranking_table(report, level)
        if table.empty:
            continue
        keep = [c for c in table.columns if c in {t(k) for k in (
            "wk_col_rank", "wk_col_town", "wk_col_squadron", "wk_col_received", "wk_col_ontime_close",
            "wk_col_score")}]
        ranking.append((t(f"wk_kind_{level}"), table[keep]))
    slides.append(Slide("ranking", _title(t("wk_ranking")), section=t("wk_ranking").split("（")[0].split(" (")[0],
                        tables=ranking, text="" if ranking else t("empty")))

    for i, (code, name) in enumerate(tables.towns(report)):
        rank, of = tables.town_rank(report, code)
        before, _ = tables.town_rank(report, code, "previous")
        line = t("wk_town_rank", rank=rank, of=of, prev=before or "—") if rank else t("wk_town_unranked")
        figures = tables.town_figures(report, code)
        slides.append(Slide("town", short_title(f"{t('wk_town')} · {name}"), section=t("wk_town") if i == 0 else "",
                            tables=[(None, tables.town_page_table(report, code)),
                                    (t("wk_worst_grids"), tables.worst_grids_table(report, code))],
                            notes=[line], status=list(figures["status"])))

    for n, slide in enumerate(slides, start=1):
        slide.number = n
    agenda.tables = [(None, pd.DataFrame({t("wk_col_page"): [s.number for s in slides if s.section],
                                          t("wk_agenda"): [s.section for s in slides if s.section]}))]
    return slides


def status_fill(status: str | None) -> tuple[int, int, int] | None:
    return tables.STATUS_COLORS.get(status) if status else None


def targets_met(report: WeeklyReport) -> dict[str, int]:
    """How many targeted headline figures are green, amber and red this week (the cover's summary)."""
    out = dict.fromkeys(kpi.STATUSES, 0)
    for m in tables.targeted_metrics():
        s = report.status(m.area, m.key)
        if s:
            out[s] += 1
    return out


def as_of_instant(report: WeeklyReport) -> dt.datetime:
    """The files' own date: the week's end, in UTC without a zone (what the file formats store)."""
    return report.week.as_of.astimezone(dt.timezone.utc).replace(tzinfo=None)
