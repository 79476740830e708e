"""The naive pattern, for the benchmark: what most Streamlit dashboards do.

Read the raw rows into pandas with `pd.read_sql`, aggregate there, and hand the raw points to a pydeck
ScatterplotLayer. Implemented honestly for the grid-cases and parking pages: the same figures as the real
pages (KPIs against the previous period, counts per town / squadron / department / grid, workflow stages,
source × outcome, overdue work, categories and sources, daily trend, weekday × hour, the shop code; for
parking the roads, hotspots week over week, reminders and the 10-minute / first-violation rules, supply
nearby, monthly trend of the strict roads, the latest records), run as real Streamlit scripts
(bench/naive_pages/) under AppTest exactly like the real pages. No cache: the benchmark measures cold runs.

Two ways of reading (COCKPIT_NAIVE_READ):
- `period` (default): each raw table is read with a plain time filter for what the figures need: the page's
  period and the one before it (for the deltas), the open cases, the year of shop violations, the 180 days
  of plate history of the first-violation rule, the strict roads' records since they became strict;
- `all`: the `@st.cache_data def load(): return pd.read_sql("SELECT * FROM …")` dashboard, cold: every
  table read whole, the periods applied with pandas masks.

The database URL and the period come from the environment: COCKPIT_DATABASE_URL, COCKPIT_NAIVE_FROM,
COCKPIT_NAIVE_TO (ISO dates, local days, as the real page's default period).
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import plotly.express as px
import pydeck as pdk
import sqlalchemy as sa
import streamlit as st

from cockpit import db
from cockpit.cases import rules

SH = "Asia/Shanghai"
STAGES = ("reported_at", "accepted_at", "registered_at", "dispatched_at", "disposed_at", "feedback_at",
          "verified_at", "closed_at")


class _Reader:
    """pd.read_sql of raw rows: with a time filter (`period`) or whole tables masked in pandas (`all`)."""

    def __init__(self) -> None:
        self.engine = sa.create_engine(db.normalise_url(os.environ["COCKPIT_DATABASE_URL"]))
        self.mode = os.environ.get("COCKPIT_NAIVE_READ", "period")
        self.start = pd.Timestamp(os.environ["COCKPIT_NAIVE_FROM"], tz=SH)
        self.end = pd.Timestamp(os.environ["COCKPIT_NAIVE_TO"], tz=SH) + pd.Timedelta(days=1)
        self.prev_start = self.start - (self.end - self.start)
        self.now = pd.Timestamp.now(tz="UTC")
        self._whole: dict[str, pd.DataFrame] = {}

    def table(self, relation: str) -> pd.DataFrame:
        if relation not in self._whole:
            self._whole[relation] = pd.read_sql(sa.text(f"SELECT * FROM cockpit.{relation}"), self.engine)
        return self._whole[relation]

    def rows(self, relation: str, where: str, params: dict, mask) -> pd.DataFrame:
        """`SELECT * … WHERE where` (period mode) or the whole table with the pandas `mask(df)` (all mode)."""
        if self.mode == "all":
            df = self.table(relation)
            return df[mask(df)]
        return pd.read_sql(sa.text(f"SELECT * FROM cockpit.{relation} WHERE {where}"), self.engine, params=params)

    def between(self, relation: str, column: str, start, end) -> pd.DataFrame:
        return self.rows(relation, f"{column} >= :a AND {column} < :b", {"a": start.to_pydatetime(),
                                                                           "b": end.to_pydatetime()},
                         lambda df: (df[column] >= start) & (df[column] < end))

    def close(self) -> None:
        self.engine.dispose()


def _raw_map(df: pd.DataFrame, extra: list | None = None) -> None:
    points = df.dropna(subset=["lat", "lon"])[["lat", "lon"]]
    layers = [pdk.Layer("ScatterplotLayer", data=points, get_position=["lon", "lat"], get_radius=20,
                        get_fill_color=[232, 87, 76, 160], pickable=True)] + (extra or [])
    st.pydeck_chart(pdk.Deck(layers=layers, map_provider=None,
                             initial_view_state=pdk.ViewState(latitude=30.70, longitude=121.02, zoom=11)))


def _local(series: pd.Series) -> pd.Series:
    return series.dt.tz_convert(SH)


# ------------------------------------------------------------------ grid cases
def case_counts(cases: pd.DataFrame, as_of: pd.Timestamp) -> dict[str, int]:
    """The KPI counts of cockpit's cases.kpis_by_group, computed in pandas."""
    def done(col):
        return cases[col].notna() & (cases[col] <= as_of)

    excluded = cases["is_rejected"] | cases["is_deferred"]
    registered, dispatched = done("registered_at") & ~excluded, done("dispatched_at") & ~excluded
    closed, disposed = registered & done("closed_at"), dispatched & done("disposed_at")
    return {
        "received": len(cases),
        "due_close": int((registered & (done("closed_at") | (cases["close_deadline_at"] <= as_of))).sum()),
        "closed": int(closed.sum()),
        "closed_on_time": int((closed & (cases["closed_at"] <= cases["close_deadline_at"])).sum()),
        "auto_closed": int((closed & cases["is_auto_closed"]).sum()),
        "due_dispose": int((dispatched & (done("disposed_at") | (cases["dispose_deadline_at"] <= as_of))).sum()),
        "disposed": int(disposed.sum()),
        "disposed_on_time": int((disposed & (cases["disposed_at"] <= cases["dispose_deadline_at"])).sum()),
        "reworked": int((disposed & (cases["rework_count"] > 0)).sum()),
    }


def _rates(c: dict) -> dict[str, float]:
    def pct(a, b):
        return 100.0 * c[a] / c[b] if c[b] else float("nan")

    return {"结案率": pct("closed", "due_close"), "按期结案率": pct("closed_on_time", "due_close"),
            "处置率": pct("disposed", "due_dispose"), "按期处置率": pct("disposed_on_time", "due_dispose"),
            "返工率": pct("reworked", "disposed"), "自动流转结案率": pct("auto_closed", "closed")}


def cases_page() -> int:
    """The grid-cases page, naively. Returns the cases received in the period (for the tests)."""
    r = _Reader()
    both = r.between("grid_case_valid", "reported_at", r.prev_start, r.end)
    open_cases = r.rows("grid_case_valid", "closed_at IS NULL", {}, lambda df: df["closed_at"].isna())
    year_ago = r.now - pd.Timedelta(days=365)
    shop_violations = r.rows("shop_violation", "observed_at > :a", {"a": year_ago.to_pydatetime()},
                             lambda df: df["observed_at"] > year_ago)
    shops = r.table("shop")
    grids = r.table("unit_grid")
    towns, squadrons, departments = r.table("town"), r.table("squadron"), r.table("department")
    categories, sources = r.table("case_category"), r.table("case_source")
    r.close()

    now = r.now
    cases = both[(both["reported_at"] >= r.start) & (both["reported_at"] <= now)]
    previous = both[both["reported_at"] < r.start]
    st.title("网格案件")
    counts, prev_counts = case_counts(cases, now), case_counts(previous, now)
    rates, prev_rates = _rates(counts), _rates(prev_counts)
    cols = st.columns(len(rates) + 1)
    cols[0].metric("受理", f"{len(cases):,} 件", delta=len(cases) - len(previous))
    for col, (label, value) in zip(cols[1:], rates.items()):
        col.metric(label, f"{value:.1f}%", delta=f"{value - prev_rates[label]:+.1f}")

    st.subheader("案件分布")
    _raw_map(cases)
    per_grid = cases.groupby("grid_code").agg(received=("case_id", "size"),
                                              closed=("closed_at", lambda s: s.notna().sum()))
    overdue_now = open_cases[(open_cases["close_deadline_at"] < now) & ~open_cases["is_rejected"]
                             & ~open_cases["is_deferred"]]
    per_grid = grids[["grid_code", "community_code", "town_code"]].merge(
        per_grid.join(overdue_now.groupby("grid_code").size().rename("overdue"), how="outer").reset_index(),
        on="grid_code", how="left").fillna(0)
    st.dataframe(per_grid.sort_values("received", ascending=False), hide_index=True)

    # workflow: where the open cases are now, how long each stage takes, source → outcome
    stage_now = open_cases[list(STAGES)].notna().iloc[:, ::-1].idxmax(axis=1).value_counts()
    st.plotly_chart(px.bar(stage_now.rename_axis("stage").reset_index(name="cases"), x="cases", y="stage",
                           orientation="h"))
    durations = []
    for a, b in zip(STAGES, STAGES[1:]):
        hours = ((cases[b] - cases[a]).dt.total_seconds() / 3600).dropna()
        durations.append({"stage": b, "median_h": hours.median(), "p90_h": hours.quantile(0.9)})
    st.dataframe(pd.DataFrame(durations), hide_index=True)
    outcome = np.select(
        [cases["is_rejected"], cases["is_deferred"],
         cases["closed_at"].notna() & (cases["closed_at"] <= cases["close_deadline_at"]), cases["closed_at"].notna(),
         cases["close_deadline_at"] < now],
        ["rejected", "deferred", "closed_on_time", "closed_late", "open_overdue"], "open")
    flow = cases.assign(outcome=outcome).groupby(["source_code", "outcome"]).size().rename("cases").reset_index()
    st.plotly_chart(px.bar(flow, x="cases", y="source_code", color="outcome", orientation="h"))

    # rankings per town, squadron, department
    tabs = st.tabs(["镇街", "中队", "部门"])
    for tab, col, lookup, key in ((tabs[0], "town_code", towns, "town_code"),
                                  (tabs[1], "squadron_code", squadrons, "squadron_code"),
                                  (tabs[2], "handler_dept_code", departments, "dept_code")):
        ranking = pd.DataFrame([{col: code, **_rates(case_counts(group, now)), "受理": len(group)}
                                for code, group in cases.groupby(col)])
        if not ranking.empty:
            ranking = lookup[[key, "name_zh"]].merge(ranking, left_on=key, right_on=col, how="right")
        tab.dataframe(ranking, hide_index=True)

    # overdue and nearly due
    soon = open_cases[(open_cases["close_deadline_at"] < now + pd.Timedelta(hours=2)) & ~open_cases["is_rejected"]
                      & ~open_cases["is_deferred"]].copy()
    soon["late_hours"] = (now - soon["close_deadline_at"]).dt.total_seconds() / 3600
    soon = soon.merge(categories[["category_code", "minor_name_zh"]], on="category_code", how="left")
    st.dataframe(soon.sort_values("late_hours", ascending=False)
                 [["case_id", "minor_name_zh", "grid_code", "handler_dept_code", "close_deadline_at",
                   "late_hours"]].head(200), hide_index=True)

    # categories, sources, trend, rhythm
    by_cat = (cases.merge(categories, on="category_code").groupby(["major_name_zh", "minor_name_zh"]).size()
              .rename("cases").reset_index().sort_values("cases", ascending=False))
    st.plotly_chart(px.bar(by_cat.head(15), x="cases", y="minor_name_zh", orientation="h"))
    by_source = cases.groupby("source_code").size().rename("cases").reset_index().merge(sources, on="source_code")
    st.plotly_chart(px.pie(by_source, names="name_zh", values="cases", hole=0.5))
    local = _local(cases["reported_at"])
    daily = cases.assign(day=local.dt.date).groupby(["day", "source_code"]).size().rename("cases").reset_index()
    st.plotly_chart(px.bar(daily, x="day", y="cases", color="source_code"))
    st.plotly_chart(px.imshow(pd.crosstab(local.dt.day_of_week, local.dt.hour)))

    # the three-colour shop code, from the raw violations of the year
    days = (shop_violations.assign(day=_local(shop_violations["observed_at"]).dt.date)
            .sort_values("observed_at").groupby("shop_id")["day"].agg(list))
    records = shops.assign(violation_days=[d if isinstance(d, list) else [] for d in shops["shop_id"].map(days)])
    records = records.to_dict("records")
    classified = pd.DataFrame(rules.classify_shops(records, now.tz_convert(SH).date()))
    cols = st.columns(3)
    counts_by_colour = classified["colour"].value_counts()
    for col, colour in zip(cols, rules.COLOURS):
        col.metric(colour, f"{int(counts_by_colour.get(colour, 0)):,} 家")
    st.dataframe(classified.groupby(["road_name", "colour"]).size().unstack(fill_value=0).head(10))
    return len(cases)


# ------------------------------------------------------------------ parking
def _metres(lat1, lon1, lat2, lon2):
    """Equirectangular distance in metres (numpy broadcasting)."""
    k = np.pi / 180
    x = (lon2 - lon1) * k * np.cos((lat1 + lat2) / 2 * k)
    return 6_371_000 * np.hypot(x, (lat2 - lat1) * k)


def _parking_counts(rows: pd.DataFrame) -> dict[str, int]:
    reminded = rows["reminder_at"].notna()
    return {"violations": len(rows), "reminded": int(reminded.sum()),
            "left": int((reminded & (rows["left_within_10min"] == True)).sum()),  # noqa: E712 - nullable
            "ticketed": int((reminded & rows["ticketed_at"].notna()).sum()),
            "warned": int(rows["is_first_warning"].sum())}


def parking_page() -> int:
    """The parking page, naively. Returns the violations in the period (for the tests)."""
    r = _Reader()
    window = pd.Timedelta(days=180)  # the first-violation rule looks this far back for the same plate
    history_start = min(r.prev_start, r.start - window)
    history = r.between("parking_violation_valid", "observed_at", history_start, r.end)
    roads, supply = r.table("parking_road"), r.table("parking_supply")
    strict_ids = list(roads.loc[roads["is_strict"], "road_id"])
    since = pd.Timestamp(roads["strict_since"].dropna().min(), tz=SH) if strict_ids else r.end
    strict_rows = r.rows("parking_violation_valid", "road_id = ANY(:ids) AND observed_at >= :a",
                         {"ids": strict_ids, "a": since.to_pydatetime()},
                         lambda df: df["road_id"].isin(strict_ids) & (df["observed_at"] >= since))
    r.close()

    now = r.now
    rows = history[(history["observed_at"] >= r.start) & (history["observed_at"] <= now)]
    previous = history[(history["observed_at"] >= r.prev_start) & (history["observed_at"] < r.start)]
    st.title("违停治理")
    c, p = _parking_counts(rows), _parking_counts(previous)
    cols = st.columns(6)
    cols[0].metric("违停记录数", f"{c['violations']:,} 起", delta=c["violations"] - p["violations"])
    cols[1].metric("电子抓拍占比", f"{100 * (rows['method'] == 'ecapture').mean() if len(rows) else 0:.1f}%")
    cols[2].metric("短信提醒", f"{c['reminded']:,} 条", delta=c["reminded"] - p["reminded"])
    cols[3].metric("劝离率", f"{100 * c['left'] / max(c['reminded'], 1):.1f}%")
    cols[4].metric("提醒后开单", f"{c['ticketed']:,} 起", delta=c["ticketed"] - p["ticketed"])
    cols[5].metric("首违警告", f"{c['warned']:,} 起", delta=c["warned"] - p["warned"])

    # the map: raw points, the roads and the supply sites
    paths = roads.assign(path=roads["path"].map(lambda v: v if isinstance(v, list) else []))
    road_layer = pdk.Layer("PathLayer", data=paths[["road_id", "name_zh", "path"]], get_path="path", get_width=8,
                           get_color=[255, 200, 0])
    supply_layer = pdk.Layer("ScatterplotLayer", data=supply.dropna(subset=["lat", "lon"]),
                             get_position=["lon", "lat"], get_radius=40, get_fill_color=[80, 160, 255])
    _raw_map(rows, [road_layer, supply_layer])

    # hotspots: grids this week against the week before
    last = r.end - pd.Timedelta(days=7)
    week = history[(history["observed_at"] >= last) & (history["observed_at"] < r.end)]
    before = history[(history["observed_at"] >= last - pd.Timedelta(days=7)) & (history["observed_at"] < last)]
    hot = pd.concat([week.groupby("grid_code").size().rename("this_week"),
                     before.groupby("grid_code").size().rename("last_week"),
                     week.groupby("grid_code")["road_id"].agg(lambda s: s.mode().iat[0] if s.notna().any() else None)
                     .rename("road_id")], axis=1).fillna({"this_week": 0, "last_week": 0})
    st.dataframe(hot.sort_values("this_week", ascending=False).head(15))
    local = _local(rows["observed_at"])
    daily = rows.assign(day=local.dt.date).groupby(["day", "method"]).size().rename("n").reset_index()
    st.plotly_chart(px.bar(daily, x="day", y="n", color="method"))

    # roads: per day and per km, monthly trend since strict
    per_road = rows.groupby("road_id").agg(violations=("violation_id", "size"),
                                           ecapture=("method", lambda s: (s == "ecapture").sum()),
                                           reminded=("reminder_at", lambda s: s.notna().sum())).reset_index()
    per_road = roads.drop(columns=["path"]).merge(per_road, on="road_id", how="left").fillna({"violations": 0})
    per_road["per_km"] = per_road["violations"] / per_road["length_km"]
    per_road["per_day"] = per_road["violations"] / max((r.end - r.start).days, 1)
    st.dataframe(per_road.sort_values("violations", ascending=False), hide_index=True)
    monthly = (strict_rows.assign(month=_local(strict_rows["observed_at"]).dt.strftime("%Y-%m"))
               .groupby(["road_id", "month"]).size().rename("violations").reset_index())
    st.plotly_chart(px.line(monthly, x="month", y="violations", color="road_id"))

    # reminders by hour and the rules
    by_hour = rows.assign(hour=local.dt.hour).groupby("hour").agg(
        reminded=("reminder_at", lambda s: s.notna().sum()),
        left=("left_within_10min", lambda s: (s == True).sum())).reset_index()  # noqa: E712
    st.plotly_chart(px.bar(by_hour, x="hour", y=["reminded", "left"], barmode="group"))
    st.plotly_chart(px.pie(values=[c["left"], c["ticketed"], c["warned"]], names=["劝离", "开单", "警告"]))
    ordered = history.dropna(subset=["plate"]).sort_values(["plate", "observed_at"])
    gap = ordered["observed_at"] - ordered.groupby("plate")["observed_at"].shift()
    first = (gap.isna() | (gap > window)).reindex(history.index, fill_value=False)
    judged = rows[rows["reminder_at"].notna()].assign(first=first)
    not_left = judged["left_within_10min"] == False  # noqa: E712
    early = judged["ticketed_at"] < judged["reminder_at"] + pd.Timedelta(minutes=10)
    cols = st.columns(3)
    cols[0].metric("10分钟内开单", f"{int(early.sum()):,} 起")
    cols[1].metric("首违却罚款", f"{int((not_left & judged['first'] & judged['ticketed_at'].notna()).sum()):,} 起")
    cols[2].metric("非首违却警告", f"{int((not_left & ~judged['first'] & judged['is_first_warning']).sum()):,} 起")

    # rhythm, supply nearby, the latest records
    st.plotly_chart(px.imshow(pd.crosstab(local.dt.day_of_week, local.dt.hour)))
    sites = supply.dropna(subset=["lat", "lon"])
    points = rows.dropna(subset=["lat", "lon"])
    near = _metres(sites["lat"].to_numpy()[:, None], sites["lon"].to_numpy()[:, None],
                   points["lat"].to_numpy()[None, :], points["lon"].to_numpy()[None, :]) <= 300
    st.dataframe(sites.assign(violations_nearby=near.sum(axis=1)).sort_values("violations_nearby", ascending=False),
                 hide_index=True)
    recent = rows.sort_values("observed_at", ascending=False).head(20).copy()
    recent["plate"] = recent["plate"].fillna("").str[:3] + "***"
    st.dataframe(recent[["observed_at", "road_id", "grid_code", "method", "plate", "reminder_at", "ticketed_at"]],
                 hide_index=True)
    return len(rows)
