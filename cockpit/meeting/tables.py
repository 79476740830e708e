"""The display tables of the weekly meeting, shared by the page and the pack (XLSX sheets, PPTX slides):
headers in the current language with their units, values rounded as shown everywhere."""

from __future__ import annotations

import datetime as dt

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
def headline_table(report: WeeklyReport, area: str | None = None, as_text: bool = False) -> pd.DataFrame:
    """Headline figures with units in the figure's name: this week, last week, change, a year earlier.
    `as_text` (the page): the values written as the cards write them ("1,234", "—" for none)."""
    h = report.headlines(area)
    if as_text:
        for col in ("this_week", "previous_week", "year_ago"):
            h[col] = [weekly.METRIC[(a, k)].fmt(v, unit=False) for a, k, v in zip(h["area"], h["key"], h[col])]
    cols = {
        "area_name": t("wk_col_area"), "metric": t("wk_col_metric"), "unit": t("wk_col_unit"),
        "this_week": t("wk_col_this"), "previous_week": t("wk_col_prev"), "wow": t("wk_col_wow"),
        "year_ago": t("wk_col_year_ago"), "yoy": t("wk_col_yoy"),
    }
    out = h[list(cols)].copy()
    no_data_then = [year_ago_missing(report, a) for a in h["area"]] if len(h) else []
    out.loc[no_data_then, "year_ago"] = NO_VALUE  # no data then: "—", not a blank a reader takes for 0
    out = out.rename(columns=cols)
    if area is not None:
        out = out.drop(columns=[cols["area_name"]])
    return out


NO_VALUE = "—"


def year_ago_missing(report: WeeklyReport, area: str) -> bool:
    """No year-earlier figures for `area`: the year has no such week, or the week precedes the area's data."""
    return report.year_ago is None or report.year_ago_before_data(area)


def year_ago_note(report: WeeklyReport, area: str | None = None) -> str:
    """Why the year-earlier figures read "—" (of one area, or of every area), in the current language; ""
    when every area has them. Areas whose data begins on the same day are named together."""
    ago = report.week.year_ago()
    if ago is None:
        return t("wk_year_ago_no_week", year=report.week.year - 1, week=report.week.week)
    missing = [a for a in ((area,) if area else weekly.AREAS) if report.year_ago_before_data(a)]
    by_first: dict = {}
    for a in missing:
        by_first.setdefault(report.first_days.get(a), []).append(t(f"wk_area_{a}"))
    if not missing:
        return ""
    zh = i18n.current() == "zh"
    parts = []
    for first, names in sorted(by_first.items(), key=lambda kv: (kv[0] is None, kv[0] or dt.date.min)):
        areas = ("、" if zh else ", ").join(names)
        parts.append(t("wk_year_ago_never", areas=areas) if first is None
                     else t("wk_year_ago_begins", areas=areas, first=f"{first:%Y-%m-%d}"))
    return t("wk_year_ago_note", week=ago.label, parts=("；" if zh else "; ").join(parts))


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
        }, dtype=object))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


# -- overdue and escalated ------------------------------------------------------------------------------------------
def holders_table(report: WeeklyReport, n: int | None = None, ages: str = "text") -> pd.DataFrame:
    """Overdue and escalated cases at the week's end by handling department; the longest delay as days and
    hours (`ages="text"`) or in days (`ages="days"`, the XLSX's number)."""
    h = report.overdue_holders
    if h is None or h.empty:
        return pd.DataFrame()
    h = h if n is None else h.head(n)
    return pd.DataFrame([{
        t("wk_col_holder"): r[_name_col("holder_name")] or r["handler_dept_code"] or "—",
        t("wk_col_overdue"): int(r["overdue_open"]),
        t("wk_col_escalated"): int(r["escalated"]),
        _age_header("wk_col_max_age", ages): _age(float(r["max_hours_late"]) * 3600.0, ages),
    } for r in h.to_dict("records")])


def overdue_table(report: WeeklyReport, n: int | None = None, ages: str = "text") -> pd.DataFrame:
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
        _age_header("wk_col_age", ages): _age(float(r["hours_late"]) * 3600.0, ages),
        t("wk_col_reworks"): int(r["rework_count"]),
        t("wk_col_escalated_flag"): t("wk_yes" if r["is_escalated"] else "wk_no"),
    } for r in o.to_dict("records")])


# -- ages -------------------------------------------------------------------------------------------------------------
def age_text(seconds) -> str:
    """A delay as the meeting says it: '12天3小时', '5小时', '40分钟' ('12 d 3 h', '5 h', '40 min'); '—' for none."""
    if is_missing(seconds):
        return NO_VALUE
    minutes = int(max(float(seconds), 0.0) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    zh = i18n.current() == "zh"
    if days:
        return f"{days}天{hours}小时" if zh else f"{days} d {hours} h"
    if hours:
        return f"{hours}小时" if zh else f"{hours} h"
    return f"{mins}分钟" if zh else f"{mins} min"


def age_days(seconds) -> float | None:
    """A delay in days, one decimal (the XLSX stores it as a number)."""
    return None if is_missing(seconds) else round(float(seconds) / 86400.0, 1)


def _age(seconds, ages: str):
    return age_text(seconds) if ages == "text" else age_days(seconds)


def _age_header(key: str, ages: str) -> str:
    return t(key) if ages == "text" else with_unit(t(key), t("wk_unit_days"))


# -- status (the one red/amber/green rule: cockpit.kpi.Kpi.status) ---------------------------------------------------
def status_text(status: str | None) -> str:
    """'达标' / '接近目标' / '未达标' ('on target' / 'near target' / 'off target'); '—' without a target."""
    return NO_VALUE if status is None else t(f"status_{status}")


STATUS_COLORS = {"green": (0x2E, 0x7D, 0x32), "amber": (0xF5, 0x9E, 0x0B), "red": (0xC6, 0x28, 0x28)}


# -- trends against targets ---------------------------------------------------------------------------------------------
def trend_table(report: WeeklyReport, weeks: int | None = None, as_text: bool = False) -> pd.DataFrame:
    """One row per headline figure: area, figure (unit), target, this week's status by the one rule, then
    its value in each of the trend's weeks (oldest first; the last `weeks` only when given). `as_text` (the
    page): values written as the cards write them, "—" for none."""
    tr = report.trend
    if tr is None or tr.empty:
        return pd.DataFrame()
    labels = list(dict.fromkeys(tr["week"]))
    labels = labels if weeks is None else labels[-weeks:]
    rows = []
    for m in weekly.METRICS:
        one = tr[(tr["area"] == m.area) & (tr["key"] == m.key)].set_index("week")
        target = kpi.KPIS[m.kpi_key].target
        last = one["status"].get(labels[-1]) if labels and labels[-1] in one.index else None
        row = {t("wk_col_area"): t(f"wk_area_{m.area}"), t("wk_col_metric"): with_unit(m.name(), m.unit()),
               t("wk_col_target"): (NO_VALUE if target is None else m.fmt(target, unit=False)) if as_text else target,
               t("wk_col_status"): status_text(None if is_missing(last) else last)}
        for label in labels:
            value = clean(one["value"].get(label)) if label in one.index else None
            row[label] = m.fmt(value, unit=False) if as_text else value
        rows.append(row)
    return pd.DataFrame(rows, dtype=object)


def targeted_metrics() -> list[weekly.Metric]:
    """The headline figures that have a target (their trend has a status)."""
    return [m for m in weekly.METRICS if kpi.KPIS[m.kpi_key].target is not None]


# -- who must act --------------------------------------------------------------------------------------------------------
def holder_name(r: dict, prefix: str = "holder_name", code: str = "handler_dept_code") -> str:
    return r.get(_name_col(prefix)) or r.get(code) or NO_VALUE


def squadron_table(report: WeeklyReport, n: int | None = None, ages: str = "text") -> pd.DataFrame:
    """Overdue and escalated cases at the week's end by responsible squadron, with the longest delay."""
    h = report.overdue_squadrons
    if h is None or h.empty:
        return pd.DataFrame()
    h = h if n is None else h.head(n)
    return pd.DataFrame([{
        t("wk_col_squadron"): holder_name(r, code="squadron_code"),
        t("wk_col_overdue"): int(r["overdue_open"]),
        t("wk_col_escalated"): int(r["escalated"]),
        _age_header("wk_col_max_age", ages): _age(float(r["max_hours_late"]) * 3600.0, ages),
    } for r in h.to_dict("records")])


def action_summary(report: WeeklyReport, by: str = "department", ages: str = "text") -> pd.DataFrame:
    """The escalation list by holder (handling department or squadron): still open from last week's list,
    new this week, cleared since last week, the open ones' longest delay and nearest deadline."""
    a = report.action_list
    if a is None or a.empty:
        return pd.DataFrame()
    code, prefix = ("handler_dept_code", "holder_name") if by == "department" else ("squadron_code", "squadron_name")
    rows = []
    for key, g in a.groupby(a[code].fillna(""), sort=False):
        first = g.iloc[0].to_dict()
        open_ = g[g["state"] != "cleared"]
        rows.append({
            t("wk_col_holder" if by == "department" else "wk_col_squadron"): holder_name(first, prefix, code),
            t("wk_col_carried"): int((g["state"] == "carried").sum()),
            t("wk_col_new"): int((g["state"] == "new").sum()),
            t("wk_col_cleared"): int((g["state"] == "cleared").sum()),
            _age_header("wk_col_max_age", ages): _age(open_["seconds_late"].max() if len(open_) else None, ages),
            "_open": len(open_),
        })
    out = pd.DataFrame(rows).sort_values("_open", ascending=False, kind="stable").drop(columns="_open")
    return out.reset_index(drop=True)


def action_table(report: WeeklyReport, state: str | None = None, n: int | None = None,
                 ages: str = "text") -> pd.DataFrame:
    """The escalation list's cases (of one state: carried | new | cleared), by holder, most late first."""
    a = report.action_list
    if a is None or a.empty:
        return pd.DataFrame()
    if state is not None:
        a = a[a["state"] == state]
    a = a if n is None else a.head(n)
    if a.empty:
        return pd.DataFrame()
    return pd.DataFrame([{
        t("wk_col_holder"): holder_name(r),
        t("wk_col_squadron"): holder_name(r, "squadron_name", "squadron_code"),
        t("wk_col_case"): str(r["case_id"]),
        t("wk_col_category"): r[_name_col("category_name")],
        t("wk_col_town"): r[_name_col("town_name")],
        t("wk_col_state"): t(f"wk_state_{r['state']}"),
        t("wk_col_deadline"): pd.Timestamp(r["close_deadline_at"]).strftime("%Y-%m-%d %H:%M"),
        _age_header("wk_col_age", ages): _age(r["seconds_late"], ages),
    } for r in a.to_dict("records")])


# -- one page per town ---------------------------------------------------------------------------------------------------
TOWN_FIGURES = (  # (source, column, kpi key, kind)
    ("cases", "received", "cases_received", "count"),
    ("cases", "ontime_close_rate", "ontime_close_rate", "rate"),
    ("cases", "composite_score", "composite_score", "score"),
    ("cases", "overdue_open", "week_overdue_open", "count"),
    ("cases", "escalated", "week_escalated", "count"),
    ("waste", "tonnes", "week_waste_tonnes", "tonnes"),
    ("waste", "compliance_rate", "week_collection_compliance", "rate"),
    ("town", "parking_violations", "parking_violations", "count"),
    ("town", "drone_sorties", "drone_sorties", "count"),
)


def towns(report: WeeklyReport) -> list[tuple[str, str]]:
    """(code, name) of every town, in code order."""
    b = report.by_town
    if b is None or b.empty:
        return [(c, report.name("town", c)) for c in sorted(report.names.get("town", {}))]
    return [(r["town_code"], r[_name_col("name")]) for r in b.to_dict("records")]


def _town_value(report: WeeklyReport, code: str, source: str, column: str, which: str):
    figures = report.this if which == "this" else report.previous
    if source == "cases":
        g = figures.case_groups
        if g.empty:
            return None
        row = g[(g["level"] == "town") & (g["group_code"] == code)]
        return None if row.empty else row.iloc[0].get(column)
    if source == "waste":
        w = figures.waste_towns
        if w.empty or column not in w.columns:
            return None
        row = w[w["town_code"] == code]
        return None if row.empty else row.iloc[0].get(column)
    b = report.by_town if which == "this" else report.by_town_previous
    if b is None or b.empty:
        return None
    row = b[b["town_code"] == code]
    return None if row.empty else row.iloc[0].get(column)


def town_rank(report: WeeklyReport, code: str, which: str = "this") -> tuple[int | None, int]:
    """(rank by 综合指标值, of how many towns ranked) in the week (or the week before)."""
    r = report.ranking("town", which)
    if r.empty:
        return None, 0
    hit = r[r["group_code"] == code]
    return (None if hit.empty else int(hit.iloc[0]["rank"])), len(r)


def town_figures(report: WeeklyReport, code: str) -> pd.DataFrame:
    """A town's figures of the week: this week, last week, the change (a number: % for counts and tonnes,
    points for rates and scores), its text, and the status where the figure has a target."""
    rows = []
    for source, column, kpi_key, kind in TOWN_FIGURES:
        m = weekly.Metric("town", column, kpi_key, kind, "", "")
        item = kpi.KPIS[kpi_key]
        now = m.rounded(_town_value(report, code, source, column, "this"))
        before = m.rounded(_town_value(report, code, source, column, "previous"))
        change = weekly.Change(now, before, m.mode)
        rows.append({"kpi_key": kpi_key, "kind": kind, "metric": item.name(i18n.current()),
                     "unit": item.unit_in(i18n.current()), "this_week": now, "previous_week": before,
                     "change": None if change.delta is None else round(change.delta, 1), "change_text": change.text(),
                     "status": item.status(now)})
    return pd.DataFrame(rows, dtype=object)


def town_page_table(report: WeeklyReport, code: str, as_text: bool = False) -> pd.DataFrame:
    """`town_figures` with headers (the slide's table; `as_text`, the page: values written as the cards
    write them, since the rows have different units)."""
    f = town_figures(report, code)
    this, prev = f["this_week"], f["previous_week"]
    if as_text:
        metrics = [weekly.Metric("town", "", k, kind, "", "") for k, kind in zip(f["kpi_key"], f["kind"])]
        this = [m.fmt(v, unit=False) for m, v in zip(metrics, this)]
        prev = [m.fmt(v, unit=False) for m, v in zip(metrics, prev)]
    return pd.DataFrame({
        t("wk_col_metric"): f["metric"], t("wk_col_unit"): f["unit"], t("wk_col_this"): this,
        t("wk_col_prev"): prev, t("wk_col_wow"): f["change_text"],
        t("wk_col_status"): [status_text(s) for s in f["status"]]})


def worst_grids_table(report: WeeklyReport, code: str) -> pd.DataFrame:
    g = report.worst_grids
    if g is None or g.empty:
        return pd.DataFrame()
    g = g[g["town_code"] == code]
    if g.empty:
        return pd.DataFrame()
    return pd.DataFrame([{
        t("wk_col_rank"): int(r["grid_rank"]), t("wk_col_grid"): r["grid_code"],
        t("wk_col_overdue"): int(r["overdue_open"]), t("wk_col_escalated"): int(r["escalated"]),
        t("wk_col_received"): int(r["received"]),
    } for r in g.to_dict("records")])
