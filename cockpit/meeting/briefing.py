"""The meeting's opening paragraph (本周简报), written by templates from one `weekly.WeeklyReport`'s own
figures: the page shows it, the XLSX and the PPTX carry it, the numbers are the tables' numbers."""

from __future__ import annotations

from typing import Callable

from cockpit import i18n, kpi
from cockpit.meeting.weekly import METRIC, WeeklyReport


def _zh() -> bool:
    return i18n.current() == "zh"


def _target_clause(value: float | None, kpi_key: str) -> str:
    item = kpi.KPIS[kpi_key]
    if value is None or item.target is None:
        return ""
    gap = round(round(float(value), 1) - item.target, 1)
    if not item.higher_is_better:
        gap = -gap
    if gap == 0:
        return i18n.t("wk_b_target_met")
    key = "wk_b_target_above" if gap > 0 else "wk_b_target_below"
    return i18n.t(key, gap=f"{abs(gap):.1f}")


def _changes(report: WeeklyReport, area: str, key: str) -> str:
    """'环比 ↑3.2%' and, when there is a base, '，同比 ↓1.0%'."""
    text = i18n.t("wk_b_wow", change=report.change(area, key).text())
    yoy = report.change(area, key, "year_ago")
    if yoy.delta is not None:
        text += i18n.t("wk_b_yoy", change=yoy.text())
    return text


def _no_data(area: str) -> str:
    return i18n.t("wk_b_no_data", area=i18n.t(f"wk_area_{area}"))


def briefing(report: WeeklyReport, lang: str | None = None, quote: Callable[[str], str] = str) -> str:
    """The paragraph in `lang` (default: the current language); `quote` writes the names from the data
    into it (markup.escape for a page, plain for the pack)."""
    with i18n.language(lang or i18n.current()):
        return _paragraph(report, quote)


def _paragraph(report: WeeklyReport, quote: Callable[[str], str]) -> str:
    v = report.this.values
    fmt = lambda area, key: METRIC[(area, key)].fmt(v[area].get(key), unit=False)  # noqa: E731
    sentences = [i18n.t("wk_b_intro", week=report.week.title())]
    # cases
    if report.this.has_data["cases"]:
        sentences.append(i18n.t(
            "wk_b_cases", received=fmt("cases", "received"),
            changes=_changes(report, "cases", "received"), closed=fmt("cases", "closed_in_week"),
            ontime=fmt("cases", "ontime_close_rate"),
            target=_target_clause(METRIC[("cases", "ontime_close_rate")].rounded(v["cases"]["ontime_close_rate"]),
                                  "ontime_close_rate"),
            overdue=fmt("cases", "overdue_open"), escalated=fmt("cases", "escalated")))
        holders = report.overdue_holders
        if holders is not None and not holders.empty and v["cases"].get("overdue_open"):
            top = holders.iloc[0]
            sentences.append(i18n.t("wk_b_holder", holder=quote(top[f"holder_name_{i18n.current()}"] or "—"),
                                    n=f"{int(top['overdue_open']):,}"))
        ranking = report.ranking("town")
        ranked = ranking.dropna(subset=["composite_score"]) if not ranking.empty else ranking
        if len(ranked) >= 2:
            best, worst = ranked.iloc[0], ranked.iloc[-1]
            sentences.append(i18n.t("wk_b_towns", best=quote(best["name"]), best_score=f"{best['composite_score']:.1f}",
                                    worst=quote(worst["name"]), worst_score=f"{worst['composite_score']:.1f}"))
    else:
        sentences.append(_no_data("cases"))
    # waste
    if report.this.has_data["waste"]:
        sentences.append(i18n.t(
            "wk_b_waste", tonnes=fmt("waste", "tonnes"), changes=_changes(report, "waste", "tonnes"),
            compliance=fmt("waste", "compliance_rate"), recycling=fmt("waste", "recycling_rate")))
    else:
        sentences.append(_no_data("waste"))
    # parking
    if report.this.has_data["parking"]:
        text = i18n.t("wk_b_parking", violations=fmt("parking", "violations"),
                      changes=_changes(report, "parking", "violations"),
                      reminded=fmt("parking", "reminded"), persuade=fmt("parking", "persuade_rate"))
        roads = report.top_roads(3)
        if not roads.empty:
            spots = [i18n.t("wk_b_spot", road=quote(r["name_zh"]), n=f"{int(r['violations']):,}")
                     for r in roads.to_dict("records")]
            n = "一二三四五"[len(spots) - 1] if _zh() else str(len(spots))
            text += i18n.t("wk_b_hotspots", n=n, spots=("、" if _zh() else ", ").join(spots))
        sentences.append(text + ("。" if _zh() else "."))
    else:
        sentences.append(_no_data("parking"))
    # drones
    if report.this.has_data["drones"]:
        sentences.append(i18n.t("wk_b_drones", sorties=fmt("drones", "sorties"),
                                changes=_changes(report, "drones", "sorties"),
                                detections=fmt("drones", "detections"), cases=fmt("drones", "detections_to_cases")))
    else:
        sentences.append(_no_data("drones"))
    # market
    if report.this.has_data["market"]:
        sentences.append(i18n.t("wk_b_market", received=fmt("market", "received"),
                                resolved=fmt("market", "resolved"), open=fmt("market", "open_now")))
    else:
        sentences.append(_no_data("market"))
    return ("" if _zh() else " ").join(sentences)
