"""The cases view of the wall screen (cockpit/wall.py holds the options, rotation and view types)."""

from __future__ import annotations

import datetime as dt
from typing import Callable

from cockpit import area, i18n, kpi
from cockpit.cases import charts, data
from cockpit.cases import maps as cases_map
from cockpit.gateway import NOW
from cockpit.wall import Runner, Tile, View, fmt, rate_state, town_view


def build(run: Runner, t: Callable[[str], str], town: str | None, today: dt.date, lang: str) -> View:
    with i18n.language(lang):
        cases = area.load(area.sequential(run), data.wall_cases(town, today))
        rates = cases.rates
        view = View("cases", t("wall_cases"), [
            Tile(t("wall_open_cases"), fmt(cases.open_cases, t("cases_unit"))),
            Tile(t("wall_overdue"), fmt(cases.overdue.overdue_open, t("cases_unit")),
                 t("due_24h", n=fmt(cases.overdue.due_within_24h)), "bad" if cases.overdue.any_overdue else "good"),
            Tile(kpi.KPIS["ontime_dispose_rate"].name(lang), fmt(rates.get("ontime_dispose_rate"), "%", 1),
                 t("wall_last_30d"), rate_state("ontime_dispose_rate", rates.get("ontime_dispose_rate"))),
            Tile(kpi.KPIS["close_rate"].name(lang), fmt(rates.get("close_rate"), "%", 1), t("wall_last_30d"),
                 rate_state("close_rate", rates.get("close_rate"))),
        ])
        if cases.bins is not None:
            view.deck, legend = cases_map.wall_density(cases.bins, town, town_view(run, town))
            view.legend = (t("wall_density_7d"), legend)
    return view


# ------------------------------------------------------------------ for the composed screen (cockpit/screen.py)
def daily(town: str | None, today: dt.date, days: int = 7, *, as_of=NOW) -> area.Plan:
    """Valid cases received and closed per local day of the last `days` days (overview.case_daily, the
    overview page's daily chart query), and the towns' names for the ranking."""
    return area.Plan({
        "daily": ("overview.case_daily", dict(as_of=as_of, **data.last_days(today, days), town_code=town,
                                              squadron_code=None)),
        "towns": ("common.towns", {}),
    }, lambda rows: (rows["daily"], rows["towns"]))


def ranking(by_town, towns) -> list[tuple[str, float | None]]:
    """(town name, composite score) best first: the cases page's town ranking (charts.town_ranking)."""
    table = charts.town_ranking(by_town, towns)
    if table.empty:
        return []
    return [(str(row[1]), area.number(row[3])) for row in table.itertuples(index=False)]
