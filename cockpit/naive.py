"""The naive pattern, for the benchmark: what most Streamlit dashboards do.

Read the raw table into pandas (the common `pd.read_sql("SELECT * FROM …")` behind `@st.cache_data`,
then the sidebar's period applied with a pandas mask), aggregate there, and hand raw points to pydeck. Implemented
honestly for the grid-cases and parking pages (the same figures as the real pages: KPIs, per-town and
per-grid counts, daily trend, weekday × hour, categories / roads, overdue work, the map), run as real
Streamlit scripts (cockpit/naive_pages/) under AppTest exactly like the real pages. No cache: the
benchmark measures cold runs.

The database URL and the period come from the environment: COCKPIT_DATABASE_URL, COCKPIT_NAIVE_FROM,
COCKPIT_NAIVE_TO (ISO dates, local days).
"""

from __future__ import annotations

import datetime as dt
import os

import pandas as pd
import plotly.express as px
import pydeck as pdk
import sqlalchemy as sa
import streamlit as st

from cockpit import db

SH = "Asia/Shanghai"


def _setup() -> tuple[sa.Engine, dt.datetime, dt.datetime, dt.datetime]:
    url = db.normalise_url(os.environ["COCKPIT_DATABASE_URL"])
    start = pd.Timestamp(os.environ["COCKPIT_NAIVE_FROM"], tz=SH).to_pydatetime()
    end = (pd.Timestamp(os.environ["COCKPIT_NAIVE_TO"], tz=SH) + pd.Timedelta(days=1)).to_pydatetime()
    return sa.create_engine(url), start, end, dt.datetime.now(dt.timezone.utc)


def _raw_map(df: pd.DataFrame) -> None:
    points = df.dropna(subset=["lat", "lon"])[["lat", "lon"]]
    layer = pdk.Layer("ScatterplotLayer", data=points, get_position=["lon", "lat"], get_radius=20,
                      get_fill_color=[232, 87, 76, 160])
    st.pydeck_chart(pdk.Deck(layers=[layer], map_provider=None,
                             initial_view_state=pdk.ViewState(latitude=30.70, longitude=121.02, zoom=11)))


def cases_page() -> int:
    """The grid-cases page, naively. Returns the cases received in the period (for the tests)."""
    engine, start, end, now = _setup()
    everything = pd.read_sql(sa.text("SELECT * FROM cockpit.grid_case_valid"), engine)
    cases = everything[(everything["reported_at"] >= start) & (everything["reported_at"] < end)]
    open_cases = everything[everything["closed_at"].isna()]
    grids = pd.read_sql(sa.text("SELECT grid_code, community_code, town_code FROM cockpit.unit_grid"), engine)
    categories = pd.read_sql(sa.text("SELECT * FROM cockpit.case_category"), engine)
    engine.dispose()

    st.title("网格案件")
    due = cases[(cases["registered_at"].notna()) & ~cases["is_rejected"] & ~cases["is_deferred"]
                & (cases["closed_at"].notna() | (cases["close_deadline_at"] < now))]
    closed = due[due["closed_at"].notna()]
    ontime = closed[closed["closed_at"] <= closed["close_deadline_at"]]
    disposed = cases[cases["disposed_at"].notna()]
    cols = st.columns(5)
    cols[0].metric("受理", f"{len(cases):,} 件")
    cols[1].metric("结案率", f"{100 * len(closed) / max(len(due), 1):.1f}%")
    cols[2].metric("按期结案率", f"{100 * len(ontime) / max(len(due), 1):.1f}%")
    cols[3].metric("返工率", f"{100 * (disposed['rework_count'] > 0).sum() / max(len(disposed), 1):.1f}%")
    cols[4].metric("自动流转结案率", f"{100 * closed['is_auto_closed'].sum() / max(len(closed), 1):.1f}%")

    _raw_map(cases)
    merged = cases.merge(grids, on="grid_code", how="left", suffixes=("", "_g"))
    by_town = merged.groupby("town_code_g").agg(received=("case_id", "size"),
                                                closed=("closed_at", lambda s: s.notna().sum())).reset_index()
    st.dataframe(by_town)
    st.dataframe(merged.groupby("grid_code").size().rename("cases").sort_values(ascending=False).reset_index())
    local = cases["reported_at"].dt.tz_convert(SH)
    daily = local.dt.date.value_counts().sort_index().rename_axis("day").reset_index(name="cases")
    st.plotly_chart(px.bar(daily, x="day", y="cases"))
    pattern = pd.crosstab(local.dt.day_of_week, local.dt.hour)
    st.plotly_chart(px.imshow(pattern))
    by_cat = (cases.merge(categories, on="category_code").groupby(["major_name_zh", "minor_name_zh"]).size()
              .rename("cases").reset_index().sort_values("cases", ascending=False))
    st.plotly_chart(px.bar(by_cat.head(15), x="cases", y="minor_name_zh", orientation="h"))
    st.plotly_chart(px.pie(cases.groupby("source_code").size().rename("cases").reset_index(),
                           names="source_code", values="cases"))
    overdue = open_cases[(open_cases["close_deadline_at"] < now) & ~open_cases["is_rejected"]
                         & ~open_cases["is_deferred"]].copy()
    overdue["late_hours"] = (now - overdue["close_deadline_at"]).dt.total_seconds() / 3600
    st.dataframe(overdue.sort_values("late_hours", ascending=False)
                 [["case_id", "category_code", "grid_code", "squadron_code", "late_hours"]].head(200))
    return len(cases)


def parking_page() -> int:
    """The parking page, naively. Returns the violations in the period (for the tests)."""
    engine, start, end, _ = _setup()
    everything = pd.read_sql(sa.text("SELECT * FROM cockpit.parking_violation_valid"), engine)
    rows = everything[(everything["observed_at"] >= start) & (everything["observed_at"] < end)]
    roads = pd.read_sql(sa.text("SELECT * FROM cockpit.parking_road"), engine)
    supply = pd.read_sql(sa.text("SELECT * FROM cockpit.parking_supply"), engine)
    engine.dispose()

    st.title("违停治理")
    reminded = rows[rows["reminder_at"].notna()]
    cols = st.columns(5)
    cols[0].metric("违停记录数", f"{len(rows):,} 起")
    cols[1].metric("电子抓拍占比", f"{100 * (rows['method'] == 'ecapture').mean() if len(rows) else 0:.1f}%")
    cols[2].metric("短信提醒", f"{len(reminded):,} 条")
    cols[3].metric("劝离率", f"{100 * reminded['left_within_10min'].fillna(False).astype(bool).mean() if len(reminded) else 0:.1f}%")
    cols[4].metric("首违警告", f"{int(rows['is_first_warning'].sum()):,} 起")

    _raw_map(rows)
    per_road = rows.groupby("road_id").agg(violations=("violation_id", "size"),
                                           ecapture=("method", lambda s: (s == "ecapture").sum()),
                                           reminded=("reminder_at", lambda s: s.notna().sum())).reset_index()
    per_road = roads.merge(per_road, on="road_id", how="left").fillna({"violations": 0})
    per_road["per_km"] = per_road["violations"] / per_road["length_km"]
    st.dataframe(per_road.drop(columns=["path"]))
    st.dataframe(rows.groupby("grid_code").size().rename("violations").sort_values(ascending=False)
                 .reset_index().head(15))
    local = rows["observed_at"].dt.tz_convert(SH)
    daily = (rows.assign(day=local.dt.date).groupby(["day", "method"]).size().rename("n").reset_index())
    st.plotly_chart(px.bar(daily, x="day", y="n", color="method"))
    st.plotly_chart(px.imshow(pd.crosstab(local.dt.day_of_week, local.dt.hour)))
    by_hour = rows.assign(hour=local.dt.hour).groupby("hour").agg(
        reminded=("reminder_at", lambda s: s.notna().sum()),
        left=("left_within_10min", lambda s: s.fillna(False).astype(bool).sum())).reset_index()
    st.plotly_chart(px.bar(by_hour, x="hour", y=["reminded", "left"]))
    st.dataframe(supply)
    return len(rows)
