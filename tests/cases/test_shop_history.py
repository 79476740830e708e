"""The three-colour shop code follows a shop's whole history (issue 18): cases.shop_violation_days on
hand-made violations over years, against cockpit.cases.rules.shop_code on every violation."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from cockpit import area
from cockpit.cases import data, rules
from cockpit.gateway import Gateway
from tests.factories import GRID_A, insert_rows, local, seed_reference

AS_OF = local(2026, 11, 20, 12, 0)
TODAY = AS_OF.date()


@pytest.fixture
def gw(contract_db):
    seed_reference(contract_db)
    gateway = Gateway(contract_db.url.render_as_string(hide_password=False))
    yield gateway
    gateway.dispose()


def _shops(engine, n: int) -> None:
    insert_rows(engine, "shop", [{"shop_id": i, "name_zh": f"店{i}", "road_name": "新华路", "lat": 30.70,
                                  "lon": 121.01, "grid_code": GRID_A, "opened_on": None} for i in range(1, n + 1)])


def _violations(engine, days_by_shop: dict[int, list[dt.date]]) -> None:
    rows, vid = [], 0
    for shop_id, days in days_by_shop.items():
        for day in days:
            vid += 1
            rows.append({"violation_id": vid, "shop_id": shop_id, "observed_at": local(day.year, day.month, day.day, 8),
                         "kind_code": "clutter_box", "was_cleared_in_time": False, "case_id": None})
    insert_rows(engine, "shop_violation", rows)


def _read(gw) -> dict[int, list[dt.date]]:
    df = gw.execute("cases.shop_violation_days", as_of=AS_OF, town_code=None,
                    reset_days=rules.RESET_AFTER_CLEAN_DAYS)
    return dict(zip(df["shop_id"], [list(d) for d in df["violation_days"]]))


def test_a_shop_red_for_years_stays_red(gw, contract_db):
    """Shop 1: red in 2024 (five violations), then two violations every 37 days: each 30-day clean stretch
    takes it to yellow (count 3) and the next pair back to red (count 5). The last pair is on 11-18 and
    11-19, so at the end of 11-20 it is red with a count of 5 — though in any 365-day window it never
    reaches five violations without a 30-day gap (by the last year alone it is green).
    Shop 2: red in June, then 60 clean days (a reset): only the days after are read. Shop 3: none."""
    _shops(contract_db, 3)
    red_start = [dt.date(2024, 6, d) for d in range(1, 6)]
    pairs = []
    first = TODAY - dt.timedelta(days=2)
    while first > dt.date(2024, 6, 6):
        pairs += [first, first + dt.timedelta(days=1)]
        first -= dt.timedelta(days=37)
    shop1 = sorted(red_start + pairs)
    shop2 = [dt.date(2026, 6, d) for d in range(1, 8)] + [dt.date(2026, 8, 7), dt.date(2026, 10, 1)]
    _violations(contract_db, {1: shop1, 2: shop2})
    got = _read(gw)
    assert rules.shop_code(got[1], TODAY) == rules.ShopCode(rules.RED, 5, dt.date(2026, 11, 19))
    assert rules.shop_code(shop1, TODAY) == rules.shop_code(got[1], TODAY)
    # 06-07 to 08-07: 60 clean days between (06-08 .. 08-06): the code starts afresh on 08-07
    assert got[2] == [dt.date(2026, 8, 7), dt.date(2026, 10, 1)]
    assert rules.shop_code(got[2], TODAY) == rules.ShopCode(rules.GREEN, 0, None)
    assert got[3] == []
    # the page's summary reads the same rows
    shops = area.load(area.sequential(lambda name, **params: gw.execute(name, **params)),
                      data.page(TODAY, TODAY, (TODAY, TODAY), town_code=None, squadron_code=None, area=None,
                                source_code=None, category_code=None, level="city", hexagons=False, days=1,
                                today=TODAY, as_of=AS_OF)).shops
    assert shops.counts == {"green": 2, "yellow": 0, "red": 1} and shops.turned_red_this_week == 1


def test_deciding_days_give_the_code_of_the_whole_history(gw, contract_db):
    """80 random histories over three years (bursts, gaps of 29 to 61 days, several violations a day): the
    code from the days the query returns equals the code from every violation."""
    rng = random.Random(18)
    histories = {}
    for shop_id in range(1, 81):
        day, days = dt.date(2023, 11, 1) + dt.timedelta(days=rng.randrange(60)), []
        while day <= TODAY:
            days += [day] * rng.choice((1, 1, 1, 2))
            day += dt.timedelta(days=rng.choice((1, 2, 5, 20, 29, 30, 31, 59, 60, 61, 62, 90)))
        histories[shop_id] = days
    _shops(contract_db, 80)
    _violations(contract_db, histories)
    got = _read(gw)
    colours = set()
    for shop_id, days in histories.items():
        whole, read = rules.shop_code(days, TODAY), rules.shop_code(got[shop_id], TODAY)
        assert (read.colour, read.count) == (whole.colour, whole.count), shop_id
        if whole.colour != rules.GREEN:
            assert read.changed_on == whole.changed_on, shop_id
        colours.add(whole.colour)
    assert colours == set(rules.COLOURS)
    assert sum(map(len, got.values())) < sum(map(len, histories.values()))
