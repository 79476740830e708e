"""Domain rules of the bureau, as pure functions (no Streamlit, no database).

Three-colour code for street shops (沿街商铺"三色码"), as published: every shop starts green;
3 to 4 violations -> yellow; 5 or more -> red; 30 consecutive days without a violation -> down one
colour. Where the publication is silent the cockpit decides, once, here:
- a step down resets the shop's violation count to the lowest count of its new colour
  (red -> yellow: 3, yellow -> green: 0), so one new violation after a step down from red makes
  it red again only once it reaches 5 again;
- a 30-day clean stretch also clears a green shop's count (1-2 violations are forgiven);
- days are local (Asia/Shanghai) calendar days; after a violation on day D the first step down
  happens at the end of day D+30 (days D+1..D+30 clean), the next at the end of D+60, and so on;
- several violations on one day count one by one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

GREEN, YELLOW, RED = "green", "yellow", "red"
COLOURS = (GREEN, YELLOW, RED)
YELLOW_AT = 3  # violations
RED_AT = 5  # violations
CLEAN_DAYS_TO_STEP_DOWN = 30


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
