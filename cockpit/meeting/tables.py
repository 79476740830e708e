"""The display tables of the weekly meeting, shared by the page and the pack (XLSX sheets, PPTX slides):
headers in the current language with their units, values rounded as shown everywhere."""

from __future__ import annotations

import pandas as pd

from cockpit import i18n, kpi
from cockpit.i18n import t
from cockpit.meeting import weekly
from cockpit.meeting.weekly import WeeklyReport, is_missing

FONT_NAME = "Noto Sans CJK SC"  # every run of text in the files names it, for Latin and East-Asian script


def clean(v):
    """A cell value for the files: None for missing, plain int/float/str otherwise."""
    if is_missing(v):
        return None
    if hasattr(v, "item"):
        v = v.item()
    return v


def with_unit(text: str, unit: str) -> str:
    """'本周（吨）' / 'This week (t)'."""
    return f"{text}（{unit}）" if i18n.current() == "zh" else f"{text} ({unit})"


def _name_col(prefix: str) -> str:
    """The column of a name in the current language: 'name_zh' or 'name_en'."""
    return f"{prefix}_{i18n.current()}"


# -- headline figures -----------------------------------------------------------------------------------------------
def headline_table(report: WeeklyReport, area: str | None = None) -> pd.DataFrame:
    """Headline figures with units in the figure's name: this week, last week, change, a year earlier."""
    h = report.headlines(area)
    cols = {
        "area_name": t("wk_col_area"), "metric": t("wk_col_metric"), "unit": t("wk_col_unit"),
        "this_week": t("wk_col_this"), "previous_week": t("wk_col_prev"), "wow": t("wk_col_wow"),
        "year_ago": t("wk_col_year_ago"), "yoy": t("wk_col_yoy"),
    }
    out = h[list(cols)].rename(columns=cols)
    if area is not None:
        out = out.drop(columns=[cols["area_name"]])
    return out


def headline_display(report: WeeklyReport, area: str | None = None) -> pd.DataFrame:
    """The headline table as the page shows it: each figure in its metric's format (thousands separators,
    counts without decimals, "—" when missing), since one column holds counts and rates."""
    out = headline_table(report, area)
    h = report.headlines(area)
    for col, source in (("wk_col_this", "this_week"), ("wk_col_prev", "previous_week"), ("wk_col_year_ago", "year_ago")):
        out[t(col)] = [weekly.METRIC[(a, k)].fmt(v, unit=False) for a, k, v in zip(h["area"], h["key"], h[source])]
    return out


def kpi_cards(report: WeeklyReport, area: str) -> list[dict]:
    """The page's KPI cards of one area: the value as shown, last week's as the base, the comparisons."""
    cards = []
    for m in weekly.METRICS:
        if m.area != area:
            continue
        value = m.rounded(report.value(area, m.key))
        wow = report.change(area, m.key)
        cards.append({"kpi_key": m.kpi_key, "value": value, "previous": wow.base, "text": m.fmt(value),
                      "caption": t("wk_wow_caption", wow=wow.text(),
                                   yoy=report.change(area, m.key, "year_ago").text())})
    return cards


def ranking_table(report: WeeklyReport, level: str) -> pd.DataFrame:
    r = report.ranking(level)
    if r.empty:
        return r
    return r.drop(columns=["group_code"]).rename(columns={
        "rank": t("wk_col_rank"), "name": t("wk_col_town" if level == "town" else "wk_col_squadron"),
        "received": t("wk_col_received"), "closed": t("wk_col_closed"),
        "ontime_close_rate": t("wk_col_ontime_close"), "close_rate": t("wk_col_close"),
        "ontime_dispose_rate": t("wk_col_ontime_dispose"), "rework_rate": t("wk_col_rework"),
        "composite_score": t("wk_col_score"), "overdue_open": t("wk_col_overdue"),
        "escalated": t("wk_col_escalated")})


# -- the areas' detail tables ---------------------------------------------------------------------------------------
def waste_category_table(report: WeeklyReport) -> pd.DataFrame:
    this, prev = report.this.waste_categories, report.previous.waste_categories
    if this.empty:
        return pd.DataFrame()
    before = {} if prev.empty else dict(zip(prev["category_code"], prev["tonnes"]))
    name = _name_col("category_name")
    this_col, prev_col = with_unit(t("wk_col_this"), t("tonnes")), with_unit(t("wk_col_prev"), t("tonnes"))
    rows = []
    for r in this.sort_values("tonnes", ascending=False).to_dict("records"):
        now = round(float(r["tonnes"]), 1)
        base = None if r["category_code"] not in before else round(float(before[r["category_code"]]), 1)
        rows.append({t("wk_col_waste_category"): r[name], this_col: now, prev_col: base,
                     t("wk_col_wow"): weekly.Change(now, base).text()})
    return pd.DataFrame(rows)


def _int_or_none(v):
    return None if is_missing(v) else int(v)


def waste_town_table(report: WeeklyReport) -> pd.DataFrame:
    towns = report.this.waste_towns
    if towns.empty:
        return pd.DataFrame()
    return pd.DataFrame([{
        t("wk_col_town"): report.name("town", r["town_code"]),
        t("wk_col_tonnes"): round(float(r.get("tonnes") or 0), 1),
        t("wk_col_compliance"): None if is_missing(r.get("compliance_rate")) else round(float(r["compliance_rate"]), 1),
        t("wk_col_rounds_decided"): _int_or_none(r.get("rounds_decided")),
        t("wk_col_rounds_on_time"): _int_or_none(r.get("rounds_on_time")),
        t("wk_col_breach_days"): _int_or_none(r.get("stations_in_breach")),
    } for r in towns.to_dict("records")])


def road_table(report: WeeklyReport, n: int | None = None) -> pd.DataFrame:
    roads = report.parking_roads
    if roads is None or roads.empty:
        return pd.DataFrame()
    roads = roads if n is None else roads.head(n)
    rows = []
    for r in roads.to_dict("records"):
        persuade = kpi.percent(r["left_within_10min"], r["reminded"])
        rows.append({
            t("wk_col_road"): r["name_zh"],
            t("wk_col_violations"): int(r["violations"]),
            t("wk_col_ecapture"): int(r["ecapture"]),
            t("wk_col_reminded"): int(r["reminded"]),
            t("wk_col_left"): int(r["left_within_10min"]),
            t("wk_col_persuade"): None if persuade is None else round(persuade, 1),
            t("wk_col_ticketed"): int(r["ticketed"]),
        })
    return pd.DataFrame(rows)


def town_table(report: WeeklyReport, column: str, header_key: str) -> pd.DataFrame:
    b = report.by_town
    if b is None or b.empty:
        return pd.DataFrame()
    return pd.DataFrame([{
        t("wk_col_town"): r[_name_col("name")],
        t(header_key): round(float(r[column]), 1) if column == "waste_tonnes" else int(r[column]),
    } for r in b.to_dict("records")])


def area_tables(report: WeeklyReport, area: str) -> list[tuple[str, pd.DataFrame]]:
    """The detail tables of one area's sheet (after its headline table)."""
    if area == "cases":
        return [(t("wk_kind_town"), ranking_table(report, "town")),
                (t("wk_kind_squadron"), ranking_table(report, "squadron"))]
    if area == "waste":
        return [(t("wk_by_category"), waste_category_table(report)),
                (t("wk_kind_town"), waste_town_table(report))]
    if area == "parking":
        return [(t("wk_by_road"), road_table(report)),
                (t("wk_kind_town"), town_table(report, "parking_violations", "wk_col_violations"))]
    if area == "drones":
        return [(t("wk_kind_town"), town_table(report, "drone_sorties", "wk_col_sorties"))]
    return []


# -- movers -----------------------------------------------------------------------------------------------------------
def mover_rows(report: WeeklyReport, kind: str) -> pd.DataFrame:
    """The week's largest movers of one kind: name, code, this week, last week, change and its arrow."""
    m = report.movers
    if m is None or m.empty:
        return pd.DataFrame()
    m = m[m["kind"] == kind]
    if m.empty:
        return pd.DataFrame()
    digits = 1 if kind == "station" else 0
    rows = []
    for r in m.to_dict("records"):
        this, prev = round(float(r["this_week"]), digits), round(float(r["prev_week"]), digits)
        rows.append({"name": r[_name_col("name")], "code": r["code"],
                     "this_week": this if digits else int(this), "previous_week": prev if digits else int(prev),
                     "change": round(this - prev, digits) if digits else int(this - prev),
                     "change_text": weekly.Change(this, prev).text()})
    return pd.DataFrame(rows)


def mover_unit(kind: str) -> str:
    zh = i18n.current() == "zh"
    if kind == "road":
        return "起" if zh else "records"
    if kind == "station":
        return "吨" if zh else "t"
    return "件" if zh else "cases"


def mover_display(rows: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The page's table of one kind's movers (`mover_rows`), the unit in each header."""
    unit = mover_unit(kind)
    return rows.drop(columns=["code"]).rename(columns={
        "name": t("wk_col_name"),
        "this_week": with_unit(t("wk_col_this"), unit),
        "previous_week": with_unit(t("wk_col_prev"), unit),
        "change": with_unit(t("wk_col_change"), unit),
        "change_text": t("wk_col_change_pct"),
    })


def movers_table(report: WeeklyReport, top: int | None = None) -> pd.DataFrame:
    """Every kind's movers in one table (the XLSX sheet and the slide), the unit in its own column."""
    frames = []
    for kind in weekly.MOVER_KINDS:
        m = mover_rows(report, kind)
        if m.empty:
            continue
        m = m if top is None else m.head(top)
        frames.append(pd.DataFrame({
            t("wk_col_area"): t(f"wk_kind_{kind}"),
            t("wk_col_name"): m["name"],
            t("wk_col_unit"): mover_unit(kind),
            t("wk_col_this"): m["this_week"],
            t("wk_col_prev"): m["previous_week"],
            t("wk_col_change"): m["change"],
            t("wk_col_change_pct"): m["change_text"],
        }))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


# -- overdue and escalated ------------------------------------------------------------------------------------------
def holders_table(report: WeeklyReport, n: int | None = None) -> pd.DataFrame:
    h = report.overdue_holders
    if h is None or h.empty:
        return pd.DataFrame()
    h = h if n is None else h.head(n)
    return pd.DataFrame([{
        t("wk_col_holder"): r[_name_col("holder_name")] or r["handler_dept_code"] or "—",
        t("wk_col_overdue"): int(r["overdue_open"]),
        t("wk_col_escalated"): int(r["escalated"]),
        t("wk_col_max_late"): round(float(r["max_hours_late"]), 1),
    } for r in h.to_dict("records")])


def overdue_table(report: WeeklyReport, n: int | None = None) -> pd.DataFrame:
    o = report.overdue_cases
    if o is None or o.empty:
        return pd.DataFrame()
    o = o if n is None else o.head(n)
    return pd.DataFrame([{
        t("wk_col_case"): str(r["case_id"]),
        t("wk_col_category"): r[_name_col("category_name")],
        t("wk_col_town"): r[_name_col("town_name")],
        t("wk_col_grid"): r["grid_code"],
        t("wk_col_holder"): r[_name_col("holder_name")] or "—",
        t("wk_col_squadron"): r[_name_col("squadron_name")] or "—",
        t("wk_col_deadline"): pd.Timestamp(r["close_deadline_at"]).strftime("%Y-%m-%d %H:%M"),
        t("wk_col_late"): round(float(r["hours_late"]), 1),
        t("wk_col_reworks"): int(r["rework_count"]),
        t("wk_col_escalated_flag"): t("wk_yes" if r["is_escalated"] else "wk_no"),
    } for r in o.to_dict("records")])
