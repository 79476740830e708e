"""Domain rules of the grid-case area, as pure functions and constants (no Streamlit, no database).

The page's thresholds: the overdue list shows cases past their closing deadline or due within
OVERDUE_HORIZON_HOURS (at most OVERDUE_LIST_ROWS); the trend is per ISO week once the period is longer
than TREND_WEEKLY_AFTER_DAYS; case density is binned by BIN_DEGREES before the map folds the bins into
hexagons; the wall shows the KPI rates of the last WALL_RATE_DAYS days and the map of the last
WALL_MAP_DAYS.

Three-colour code for street shops (沿街商铺"三色码"), as published: every shop starts green;
3 to 4 violations -> yellow; 5 or more -> red; 30 consecutive days without a violation -> down one
colour. Where the publication is silent the cockpit decides, once, here:
- a step down resets the shop's violation count to the lowest count of its new colour
  (red -> yellow: 3, yellow -> green: 0), so one new violation after a step down from red makes
  it red again only once it reaches 5 again;
- a 30-day clean stretch also clears a green shop's count (1-2 violations are forgiven);
- days are local (Asia/Shanghai) calendar days; after a violation on day D the first step down
  happens at the end of day D+30 (days D+1..D+30 clean), the next at the end of D+60, and so on;
- several violations on one day count one by one;
- the code follows the whole history (a shop red for years stays red); the days before a stretch of
  RESET_AFTER_CLEAN_DAYS clean days or more change nothing and are not read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

OVERDUE_HORIZON_HOURS = 2
OVERDUE_LIST_ROWS = 200
TREND_WEEKLY_AFTER_DAYS = 62
BIN_DEGREES = 0.002
WALL_RATE_DAYS = 30
WALL_MAP_DAYS = 7
SHOP_ROADS_SHOWN = 10
# the standard case KPIs as the pages show them, in this order (cockpit/kpi.py defines each)
KPI_CARDS = ("close_rate", "ontime_close_rate", "dispose_rate", "ontime_dispose_rate", "rework_rate",
             "composite_score", "auto_close_rate")


def trend_is_weekly(days: int) -> bool:
    """Whether a period of `days` days is shown per ISO week (else per day)."""
    return days > TREND_WEEKLY_AFTER_DAYS


GREEN, YELLOW, RED = "green", "yellow", "red"
COLOURS = (GREEN, YELLOW, RED)
YELLOW_AT = 3  # violations
RED_AT = 5  # violations
CLEAN_DAYS_TO_STEP_DOWN = 30
# this many clean days (two step-downs, red -> yellow -> green) leave any shop green with a count of 0,
# as at the start: the violations before such a stretch no longer decide the code (cases.shop_violation_days)
RESET_AFTER_CLEAN_DAYS = 2 * CLEAN_DAYS_TO_STEP_DOWN


def colour_for_count(count: int) -> str:
    if count >= RED_AT:
        return RED
    if count >= YELLOW_AT:
        return YELLOW
    return GREEN


def _step_down(count: int) -> int:
    return YELLOW_AT if count >= RED_AT else 0


@dataclass(frozen=True)
class ShopCode:
    colour: str
    count: int  # violations counted towards the colour
    changed_on: dt.date | None  # the day the shop took its current colour (None: green from the start)


def shop_code(violation_days: Iterable[dt.date], as_of: dt.date) -> ShopCode:
    """The shop's colour at the end of day `as_of`, from the days of its violations (later days ignored)."""
    count = 0
    colour = GREEN
    changed_on: dt.date | None = None
    last: dt.date | None = None

    def apply_clean_days(until: dt.date) -> None:
        """Step down once per full 30-day clean stretch after `last`, up to the end of day `until`."""
        nonlocal count, colour, changed_on, last
        if last is None:
            return
        steps = (until - last).days // CLEAN_DAYS_TO_STEP_DOWN
        for i in range(1, steps + 1):
            count = _step_down(count)
            new = colour_for_count(count)
            if new != colour:
                colour, changed_on = new, last + dt.timedelta(days=i * CLEAN_DAYS_TO_STEP_DOWN)
        if steps:
            last = last + dt.timedelta(days=steps * CLEAN_DAYS_TO_STEP_DOWN)

    for day in sorted(d for d in violation_days if d <= as_of):
        apply_clean_days(day - dt.timedelta(days=1))
        count += 1
        new = colour_for_count(count)
        if new != colour:
            colour, changed_on = new, day
        last = day
    apply_clean_days(as_of)
    return ShopCode(colour, count, changed_on)


def classify_shops(shops: "Iterable[dict]", as_of: dt.date) -> list[dict]:
    """Each shop record (with `violation_days`) plus its `colour`, `count` and `changed_on` at the end of `as_of`."""
    out = []
    for shop in shops:
        code = shop_code(shop.get("violation_days") or [], as_of)
        out.append({**shop, "colour": code.colour, "count": code.count, "changed_on": code.changed_on})
    return out


@dataclass(frozen=True)
class ShopSummary:
    """The shops per colour at the end of a day, how many of the red ones turned red since that ISO week's
    Monday, and the roads with the most red (then yellow, then green) shops: (road, {colour: shops})."""
    counts: dict[str, int]
    turned_red_this_week: int
    by_road: list[tuple[str, dict[str, int]]]


def shop_summary(shops: "Iterable[dict]", as_of: dt.date, roads: int = SHOP_ROADS_SHOWN) -> ShopSummary:
    classified = classify_shops(shops, as_of)
    week_start = as_of - dt.timedelta(days=as_of.weekday())
    counts = {c: sum(1 for s in classified if s["colour"] == c) for c in COLOURS}
    turned = sum(1 for s in classified
                 if s["colour"] == RED and s["changed_on"] is not None and s["changed_on"] >= week_start)
    per_road: dict[str, dict[str, int]] = {}
    for shop in classified:
        road = shop.get("road_name")
        if road is None or road != road:  # a shop without a road is on no road's line
            continue
        per_road.setdefault(road, dict.fromkeys(COLOURS, 0))[shop["colour"]] += 1
    ranked = sorted(sorted(per_road.items()), key=lambda item: tuple(-item[1][c] for c in reversed(COLOURS)))
    return ShopSummary(counts, turned, ranked[:roads])
