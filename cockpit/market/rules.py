"""Clothing-market joint service (平湖·中国服装城 联勤执法服务中心): the page's rules, defined once.

No Streamlit here. The SQL (queries/market/) returns counts and working hours; this module turns them
into the page's KPIs, completes the 28-item list, and decides how much of a merchant's personal data a
viewer may see:

- the wall screen (role wall, or ?view=wall in the URL) never receives names or phones: the page asks
  the SQL for none (with_personal = false);
- everyone else sees them masked (cockpit.privacy), unless their role allows them in full (a signed-in
  officer; COCKPIT_ROLE=officer without a login): cockpit.identity decides, and every view in full is
  audited. The role never comes from the URL: a URL may only hide more.
"""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from cockpit import kpi, privacy

IP_GROUP = "知识产权"                 # the service-item group whose requests carry the IP indicators
STREET_ORDER_MAJOR = "04"            # GB/T 30428 事件 大类 04 街面秩序: context cases around the market
CONTEXT_RADIUS_M = 1500.0            # context (parking, street order) within this distance of the market
CONTEXT_BIN_DEG = 0.002              # context bins, about 200 m
LONGEST_OPEN_ROWS = 15
REPEAT_MIN_REQUESTS = 2
IP_MONTHS = 12
ROSTER_DAYS = 7

CHANNELS = ("onsite", "online", "work_order")
NO_TRIP_CHANNELS = ("online", "work_order")   # "零次跑": the merchant needs no trip to the centre
STATES = ("waiting", "in_progress", "resolved")
OUTCOMES = ("resolved", "referred", "rejected", "withdrawn")
MODES = ("resident", "rotating", "appointment")
DIMENSIONS = ("all", "item", "item_group", "department", "channel")

PERSONAL_COLUMNS = ("merchant_name", "merchant_phone")


# ------------------------------------------------------------------ who may see personal data
def present_personal(df: pd.DataFrame, mode: str) -> pd.DataFrame:
    """A copy of `df` fit for `mode`: personal columns dropped ('hidden'), masked ('masked', by
    cockpit.privacy) or as they are ('full')."""
    out = df.copy()
    present = [c for c in PERSONAL_COLUMNS if c in out.columns]
    if mode == "full" or not present:
        return out
    if mode != "masked":
        return out.drop(columns=present)
    for column, mask in (("merchant_name", privacy.mask_name), ("merchant_phone", privacy.mask_phone)):
        if column in out.columns:
            out[column] = out[column].map(lambda v, mask=mask: None if v is None or pd.isna(v) else mask(str(v)))
    return out


# ------------------------------------------------------------------ KPIs from the SQL counts
def _num(row: Mapping | None, key: str) -> float:
    if not row:
        return 0.0
    value = row.get(key)
    return 0.0 if value is None or pd.isna(value) else float(value)


def _value(row: Mapping | None, key: str) -> float | None:
    if not row:
        return None
    value = row.get(key)
    return None if value is None or pd.isna(value) else float(value)


def summary_kpis(row: Mapping | None, daily: pd.DataFrame | None = None,
                 repeat: Mapping | None = None) -> dict[str, float | None]:
    """The page's KPIs from one `market.by_group` row (dimension 'all'), the daily rows and `market.repeat_share`."""
    received = _num(row, "received")
    out: dict[str, float | None] = {
        "market_received": received if row else None,
        "market_received_today": _num(row, "received_today") if row else None,
        "market_open": _num(row, "open_now") if row else None,
        "market_waiting": _num(row, "waiting_now") if row else None,
        "market_in_progress": _num(row, "in_progress_now") if row else None,
        "market_resolved": _num(row, "resolved") if row else None,
        "market_overdue_open": _num(row, "overdue_now") if row else None,
        "market_within_promise_rate": kpi.percent(_num(row, "within_promise"), _num(row, "due")),
        "market_first_response_hours": _value(row, "median_first_response_working_hours"),
        "market_resolution_hours": _value(row, "median_resolution_working_hours"),
        "market_satisfaction": kpi.ratio(_num(row, "satisfaction_points"), _num(row, "rated")),
        "market_satisfied_rate": kpi.percent(_num(row, "satisfied"), _num(row, "rated")),
        "market_no_trip_share": None,
        "market_repeat_share": None,
    }
    if daily is not None and not daily.empty:
        no_trip = sum(float(daily[f"received_{c}"].sum()) for c in NO_TRIP_CHANNELS)
        out["market_no_trip_share"] = kpi.percent(no_trip, float(daily["received"].sum()))
    if repeat:
        out["market_repeat_share"] = kpi.percent(_num(repeat, "requests_from_repeat_stalls"),
                                                 _num(repeat, "requests"))
    return out


def group_table(by_group: pd.DataFrame | None, reference: pd.DataFrame | None = None,
                key: str = "group_code") -> pd.DataFrame:
    """`market.by_group` rows with the shares computed; with `reference` (items or departments, keyed by
    `key`) every reference row is kept, with zero counts where nothing was asked."""
    counts = ["received", "resolved", "open_now", "waiting_now", "in_progress_now", "overdue_now", "due",
              "within_promise", "rated", "satisfaction_points"]
    df = pd.DataFrame(columns=["group_code", *counts]) if by_group is None else by_group.copy()
    if reference is not None:
        df = reference.merge(df.rename(columns={"group_code": key}), on=key, how="left")
        for col in counts:
            df[col] = df[col].fillna(0).astype(int)
    df["within_promise_rate"] = [kpi.percent(w, d) for w, d in zip(df["within_promise"], df["due"])]
    df["satisfaction_avg"] = [kpi.ratio(s, n) for s, n in zip(df["satisfaction_points"], df["rated"])]
    return df


def waiting_for_absent(duty: pd.DataFrame | None) -> int:
    """Requests waiting for a first response from a department that is not on site today."""
    if duty is None or duty.empty:
        return 0
    return int(duty.loc[~duty["is_on_site_today"].astype(bool), "waiting_now"].sum())


def roster_matrix(roster: pd.DataFrame | None) -> pd.DataFrame:
    """`market.duty_roster` rows as a department × day matrix of modes ('' when not on site)."""
    if roster is None or roster.empty:
        return pd.DataFrame()
    wide = roster.pivot(index="dept_code", columns="day", values="mode")
    return wide.where(wide.notna(), "")
