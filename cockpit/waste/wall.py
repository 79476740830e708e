"""The waste view of the wall screen (cockpit/wall.py holds the options, rotation and view types); its
figures are cockpit/waste/data.py's, as on the waste page."""

from __future__ import annotations

import datetime as dt
from typing import Callable

from cockpit import area, i18n
from cockpit.wall import Runner, Tile, View, fmt, rate_state, town_view
from cockpit.waste import data
from cockpit.waste import maps as wmaps


def build(run: Runner, t: Callable[[str], str], town: str | None, today: dt.date, lang: str) -> View:
    with i18n.language(lang):  # the wall's language comes from its URL
        fetch = area.sequential(run)
        now = area.load(fetch, data.today(town))
        rule = area.load(fetch, data.compliance(town, today, today))
        view = View("waste", t("wall_waste"), [
            Tile(t("collected_today"), fmt(now.collected, t("tonnes"), 1)),
            Tile(t("disposed_today"), fmt(now.disposed, t("tonnes"), 1),
                 f"{t('capacity')} {fmt(now.capacity, t('tonnes'))}"),
            Tile(t("wall_collection_rule"), fmt(rule.rate, "%", 1), t("wall_rule_note"),
                 rate_state(data.COMPLIANCE_KPI, rule.rate)),
        ])
        sites = area.load(fetch, data.throughput(town, today, today))
        if sites.sites is not None:
            view.deck = wmaps.wall_deck(sites, town_view(run, town))
        return view
