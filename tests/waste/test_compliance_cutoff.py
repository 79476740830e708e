"""按时清运率 today around the cut-offs: a round is in the rate once its cut-off has passed (KPI
waste_compliance), through the waste area's plan (cockpit/waste/data.py) on hand-made weighings.

Four timed stations on 2026-11-20 (noon cut-off 12:00, night cut-off 22:00):
    WS01 (town A)  09:00 morning, 18:00 evening          both on time, early
    WS02 (town A)  11:00 morning, 22:00:00 evening       both on time (22:00 itself is on time)
    WS03 (town B)  no morning, 22:30 evening             morning missed, evening late
    WS05 (town A)  12:00:30 morning, no evening          morning late, evening missed
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cockpit import area
from cockpit.waste import data
from cockpit.waste import rules as wr
from tests.factories import TOWN_A, TOWN_B, insert_rows
from tests.waste.test_waste_sql import gw, t, weigh  # noqa: F401  (gw is the fixture)

DAY = dt.date(2026, 11, 20)
COLLECTIONS = {
    "WS01": [t(DAY, 9, 0), t(DAY, 18, 0)],
    "WS02": [t(DAY, 11, 0), t(DAY, 22, 0)],
    "WS03": [t(DAY, 22, 30)],
    "WS05": [t(DAY, 12, 0, 30)],
}


def rows(engine) -> None:
    insert_rows(engine, "waste_weighing", [weigh(s, at) for s, times in COLLECTIONS.items() for at in times])


def today(gw, as_of, town=None) -> data.Compliance:  # noqa: F811
    return area.load(area.sequential(gw.execute), data.compliance(town, DAY, DAY, as_of=as_of))


# as_of -> (rounds due collected on time, rounds due, rate %), worked out by hand from the table above
EXPECTED = {
    t(DAY, 11, 59): (0, 0, None),            # no cut-off passed: "—", not 100 % (WS01, WS02 are ahead)
    t(DAY, 12, 0): (0, 0, None),             # 12:00:00 is not past noon
    t(DAY, 12, 0, 1): (2, 4, 50.0),          # every morning round due: WS01, WS02 on time; WS03, WS05 not yet
    t(DAY, 12, 1): (2, 4, 50.0),             # WS05 now late (12:00:30), WS03 missed
    t(DAY, 21, 59): (2, 4, 50.0),            # WS01's evening (18:00) is done but not due: not in the rate
    t(DAY, 22, 0): (2, 4, 50.0),             # WS02's 22:00:00 counts, the night cut-off has not passed
    t(DAY, 22, 0, 1): (4, 8, 50.0),          # every evening round due: WS01, WS02 on time; WS03, WS05 missed
    t(DAY, 23, 0): (4, 8, 50.0),             # WS03 collected at 22:30: late, still not on time
}


@pytest.mark.parametrize("as_of", list(EXPECTED))
def test_the_rate_today_counts_only_rounds_past_their_cutoff(gw, contract_db, as_of):  # noqa: F811
    rows(contract_db)
    got = today(gw, as_of)
    on_time, due, rate = EXPECTED[as_of]
    assert (got.rounds_on_time, got.rounds_decided) == (on_time, due)
    assert got.rate == (None if rate is None else pytest.approx(rate))


AHEAD = {t(DAY, 11, 59): 2, t(DAY, 12, 0): 2, t(DAY, 12, 0, 1): 0, t(DAY, 21, 59): 1, t(DAY, 22, 0): 2,
         t(DAY, 22, 0, 1): 0}


@pytest.mark.parametrize("as_of", list(AHEAD))
def test_the_card_caption_counts_the_rounds_collected_ahead(gw, contract_db, as_of):  # noqa: F811
    """The rounds already collected on time whose cut-off is still to come (the card's caption)."""
    rows(contract_db)
    assert today(gw, as_of).rounds_ahead == AHEAD[as_of]


def test_rounds_collected_before_their_cutoff_are_counted_apart(gw, contract_db):  # noqa: F811
    rows(contract_db)
    cols = ["morning_decided", "morning_on_time", "morning_late", "morning_missed", "morning_ahead",
            "evening_decided", "evening_on_time", "evening_late", "evening_missed", "evening_ahead",
            "rounds_decided", "rounds_on_time", "rounds_ahead", "stations_in_breach"]

    def by_town(as_of):
        df = today(gw, as_of).by_town_day
        return {r["town_code"]: [int(r[c]) for c in cols] for r in df.to_dict("records")}

    assert by_town(t(DAY, 11, 59)) == {TOWN_A: [0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 2, 0],
                                       TOWN_B: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]}
    assert by_town(t(DAY, 22, 0)) == {TOWN_A: [3, 2, 1, 0, 0, 0, 0, 0, 0, 2, 3, 2, 2, 1],
                                      TOWN_B: [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1]}
    assert by_town(t(DAY, 23, 0)) == {TOWN_A: [3, 2, 1, 0, 0, 3, 2, 0, 1, 0, 6, 4, 0, 1],
                                      TOWN_B: [1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 2, 0, 0, 1]}
    only_b = today(gw, t(DAY, 23, 0), TOWN_B)
    assert (only_b.rounds_on_time, only_b.rounds_decided, only_b.rate) == (0, 2, 0.0)


@pytest.mark.parametrize("as_of", list(EXPECTED))
def test_the_counts_match_the_reference(gw, contract_db, as_of):  # noqa: F811
    rows(contract_db)
    ref = {s: wr.day_compliance(times, DAY, as_of) for s, times in COLLECTIONS.items()}
    due = sum(r.morning_due for r in ref.values()) + sum(r.evening_due for r in ref.values())
    on_time = (sum(r.morning_due and r.morning_state == wr.ON_TIME for r in ref.values())
               + sum(r.evening_due and r.evening_state == wr.ON_TIME for r in ref.values()))
    got = today(gw, as_of)
    assert (got.rounds_on_time, got.rounds_decided) == (on_time, due)
    assert got.rate == (None if not due else pytest.approx(100.0 * wr.compliance_rate(on_time, due)))


# -- the normal range of tonnes is never negative --------------------------------------------------------
def test_the_normal_range_of_a_light_station_starts_at_zero(gw, contract_db):  # noqa: F811
    """WS05 collected 0.1 t at 11:00 on each of the 28 days before: median 0.1, MAD 0, so the band is
    0.1 +/- 0.2 (the minimum band): 0.00 – 0.30, not -0.10 – 0.30. Nothing today by 12:30 (0 t) is within it;
    the station is listed for having no collection in 24 h, as are the four never collected (0 +/- 0.2)."""
    from cockpit import i18n
    from cockpit.waste import charts as cw

    as_of = t(DAY, 12, 30)
    insert_rows(contract_db, "waste_weighing",
                [weigh("WS05", t(DAY - dt.timedelta(days=n), 11), 0.1) for n in range(1, 29)])
    df = gw.execute("waste.stations_attention", as_of=as_of, town_code=None, **wr.attention_params())
    r = df.set_index("site_id").loc["WS05"]
    assert [r["median_tonnes"], r["mad_tonnes"], r["low_tonnes"], r["high_tonnes"]] == \
        pytest.approx([0.1, 0.0, 0.0, 0.3])
    assert bool(r["no_collection"]) is True and pd.isna(r["unusual"])
    band = wr.normal_band([0.1] * 28)
    assert (band.low, band.high) == (0.0, pytest.approx(0.3))
    assert band.judge(0.0) is None
    with i18n.language("en"):
        table = cw.attention_table(df)
    # the stations never collected have a band of 0 +/- 0.2: 0.00 – 0.20 (it read -0.20 – 0.20)
    assert df["site_id"].tolist() == ["WS05", "WS01", "WS02", "WS03", "WS04"]
    assert table[i18n.t("ws_col_normal", "en")].tolist() == ["0.00 – 0.30"] + ["0.00 – 0.20"] * 4
    assert (df["low_tonnes"] >= 0).all()
