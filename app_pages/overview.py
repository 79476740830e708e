"""总览 Overview: the headline KPIs of every area for the chosen period, town and squadron."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from cockpit import kpi, ui
from cockpit.cases import charts
from cockpit.gateway import NOW
from cockpit.market import data as market_data
from cockpit.waste import charts as waste_charts

ctx = ui.page_context()
ui.header(ctx, "overview_title")
f = ctx.filters
scope = {"town_code": f.town_code, "squadron_code": f.squadron_code}
prev_from, prev_to = f.previous_period()


@st.fragment(run_every=ui.REFRESH_SECONDS)
def body() -> None:
    ctx.results.clear()
    ctx.now = dt.datetime.now(ui.SH)
    market = market_data.headline(f.date_from, f.date_to)
    q = ctx.start(  # side by side, the slowest first
        counts=("overview.case_counts", dict(as_of=NOW, **scope)),
        overdue=("overview.case_overdue", dict(as_of=NOW, **scope)),
        coverage=("overview.drone_coverage", dict(as_of=NOW, days=7, town_code=f.town_code)),
        by_town=("cases.kpis_by_group", dict(as_of=NOW, **f.sql_params(), **charts.BY_TOWN)),
        by_town_prev=("cases.kpis_by_group", dict(as_of=NOW, date_from=prev_from, date_to=prev_to, **scope,
                                                  **charts.BY_TOWN)),
        daily=("overview.case_daily", dict(as_of=NOW, **f.sql_params())),
        drone=("overview.drone_summary", dict(as_of=NOW, town_code=f.town_code)),
        waste=("overview.waste_today", dict(as_of=NOW, town_code=f.town_code)),
        parking=("overview.parking_summary", dict(as_of=NOW, date_from=f.date_from, date_to=f.date_to,
                                                  town_code=f.town_code)),
        **market.calls,
    )
    counts = q.one("counts") or {}
    overdue = q.one("overdue") or {}
    by_town = q["by_town"]
    by_town_prev = q["by_town_prev"]
    daily = q["daily"]
    ui.status_banner(ctx)

    # -- cases received and overdue
    st.subheader(ctx.t("cases_block"))
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        ui.kpi_card(ctx, "cases_received", counts.get("received_today"), label=ctx.t("received_today"),
                    previous=counts.get("received_yesterday_by_now"), delta_label=ctx.t("vs_yesterday"),
                    text=ui.fmt_int(counts.get("received_today"), ctx.t("cases_unit")))
    with c2:
        ui.kpi_card(ctx, "cases_received", counts.get("received_week"), label=ctx.t("received_week"),
                    text=ui.fmt_int(counts.get("received_week"), ctx.t("cases_unit")))
    with c3:
        ui.kpi_card(ctx, "cases_received", counts.get("received_year"), label=ctx.t("received_year"),
                    text=ui.fmt_int(counts.get("received_year"), ctx.t("cases_unit")))
    with c4:
        ui.kpi_card(ctx, "overdue_open", overdue.get("overdue_open"),
                    text=ui.fmt_int(overdue.get("overdue_open"), ctx.t("cases_unit")),
                    caption=ctx.t("due_24h", n=ui.fmt_int(overdue.get("due_within_24h"))))

    # -- evaluation KPIs, against the previous period of the same length
    st.subheader(ctx.t("kpi_block"))
    rates = charts.case_rates_total(by_town)
    prev_rates = charts.case_rates_total(by_town_prev)
    keys = ["close_rate", "ontime_close_rate", "dispose_rate", "ontime_dispose_rate", "rework_rate",
            "composite_score", "auto_close_rate"]
    for row_keys in (keys[:4], keys[4:]):
        cols = st.columns(4)
        for col, key in zip(cols, row_keys):
            with col:
                ui.kpi_card(ctx, key, rates.get(key), previous=prev_rates.get(key))

    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"**{ctx.t('trend_title')}**")
        if daily is None or daily.empty:
            st.info(ctx.t("empty"))
        else:
            st.plotly_chart(charts.daily_received_closed(daily, ctx.lang), width="stretch",
                            key="overview_daily")
    with right:
        st.markdown(f"**{ctx.t('town_ranking')}**")
        towns = ctx.run("common.towns")
        ranking = charts.town_ranking(by_town, towns, ctx.lang)
        if ranking.empty:
            st.info(ctx.t("empty"))
        else:
            st.dataframe(ranking, hide_index=True, width="stretch", key="overview_ranking")
        ui.kpi_definition(ctx, "composite_score")

    # -- the other areas
    a1, a2, a3, a4 = st.columns(4)
    with a1:
        drone_block(q)
    with a2:
        waste_block(q)
    with a3:
        parking_block(q)
    with a4:
        market_block(market.build(q))


def drone_block(q: ui.Started) -> None:
    st.subheader(ctx.t("drone_block"))
    drone = q.one("drone") or {}
    cov = q.one("coverage") or {}
    ui.kpi_card(ctx, "drone_sorties", drone.get("sorties_today"), label=ctx.t("sorties_today"),
                text=ui.fmt_int(drone.get("sorties_today"), "架次" if ctx.lang == "zh" else "sorties"),
                caption=f"{ctx.t('sorties_week')} {ui.fmt_int(drone.get('sorties_week'))} · "
                        + ctx.t("nests_state", f=ui.fmt_int(drone.get("nests_flying")),
                                i=ui.fmt_int(drone.get("nests_idle")), d=ui.fmt_int(drone.get("nests_down"))))
    ui.kpi_card(ctx, "drone_coverage", kpi.percent(cov.get("grids_covered", 0), cov.get("grids_total", 0)),
                caption=f"{ui.fmt_int(cov.get('grids_covered'))} / {ui.fmt_int(cov.get('grids_total'))}"
                        + (" 个网格" if ctx.lang == "zh" else " grids"))


def waste_block(q: ui.Started) -> None:
    st.subheader(ctx.t("waste_block"))
    waste = q["waste"]
    if waste is None or waste.empty:
        st.info(ctx.t("empty"))
        return
    collected = float(waste["collected_tonnes"].sum())
    disposed = float(waste["disposed_tonnes"].sum())
    capacity = float(waste["capacity_tonnes_per_day"].fillna(0).sum())
    ui.kpi_card(ctx, "waste_load", kpi.percent(disposed, capacity), label=ctx.t("disposed_today"),
                text=ui.fmt_num(disposed, ctx.t("tonnes")),
                caption=f"{ctx.t('capacity')} {ui.fmt_num(capacity, ctx.t('tonnes'), 0)} · "
                        f"{ctx.t('collected_today')} {ui.fmt_num(collected, ctx.t('tonnes'))}")
    st.plotly_chart(waste_charts.waste_by_category(waste, ctx.lang), width="stretch", key="overview_waste")


def parking_block(q: ui.Started) -> None:
    st.subheader(ctx.t("parking_block"))
    park = q.one("parking") or {}
    unit = "起" if ctx.lang == "zh" else "records"
    ui.kpi_card(ctx, "parking_violations", park.get("violations_today"), label=ctx.t("violations_today"),
                text=ui.fmt_int(park.get("violations_today"), unit),
                caption=f"{ctx.t('violations_period')} {ui.fmt_int(park.get('violations_period'), unit)} · "
                        + ctx.t("ecapture_share", p=ui.fmt_pct(kpi.percent(park.get("ecapture_period", 0),
                                                                           park.get("violations_period", 0)))))
    ui.kpi_card(ctx, "parking_persuade_rate", kpi.percent(park.get("left_period", 0), park.get("reminded_period", 0)),
                caption=f"{ui.fmt_int(park.get('left_period'))} / {ui.fmt_int(park.get('reminded_period'))}")


def market_block(head: market_data.Headline) -> None:
    st.subheader(ctx.t("market_block"))
    ui.kpi_card(ctx, "market_open", head.open, text=ui.fmt_int(head.open, ctx.t("cases_unit")),
                caption=ctx.t("market_received", n=ui.fmt_int(head.received), m=ui.fmt_int(head.resolved))
                + ("" if head.satisfaction is None else " · " + ctx.t("satisfaction", s=f"{head.satisfaction:.2f}")))


body()
