"""总览 Overview: the headline KPIs of every area for the chosen period, town and squadron."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from cockpit import area, ui
from cockpit.cases import charts, data, rules
from cockpit.drones import data as drone_data
from cockpit.market import data as market_data
from cockpit.parking import data as parking_data
from cockpit.waste import charts as waste_charts
from cockpit.waste import data as waste_data

ctx = ui.page_context()
ui.header(ctx, "overview_title")
f = ctx.filters
scope = {"town_code": f.town_code, "squadron_code": f.squadron_code}
prev_from, prev_to = f.previous_period()


@st.fragment(run_every=ui.REFRESH_SECONDS)
def body() -> None:
    ctx.results.clear()
    ctx.now = dt.datetime.now(ui.SH)
    got = area.load_many(  # every area's queries side by side, then each area's figures
        ctx.start,
        cases=data.overview(f.date_from, f.date_to, (prev_from, prev_to), **scope),
        drones=drone_data.headline(f.town_code),
        waste=waste_data.today(f.town_code),
        parking=parking_data.summary(f.date_from, f.date_to, f.town_code),
        market=market_data.headline(f.date_from, f.date_to),
    )
    cases = got["cases"]
    ui.status_banner(ctx)  # after every area's figures, so the banner speaks for all of them

    # -- cases received and overdue
    st.subheader(ctx.t("cases_block"))
    counts, overdue = cases.counts, cases.overdue
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        ui.kpi_card(ctx, "cases_received", counts.received_today, label=ctx.t("received_today"),
                    previous=counts.received_yesterday_by_now, delta_label=ctx.t("vs_yesterday"),
                    text=ui.fmt_int(counts.received_today, ctx.t("cases_unit")))
    with c2:
        ui.kpi_card(ctx, "cases_received", counts.received_week, label=ctx.t("received_week"),
                    text=ui.fmt_int(counts.received_week, ctx.t("cases_unit")))
    with c3:
        ui.kpi_card(ctx, "cases_received", counts.received_year, label=ctx.t("received_year"),
                    text=ui.fmt_int(counts.received_year, ctx.t("cases_unit")))
    with c4:
        ui.kpi_card(ctx, "overdue_open", overdue.overdue_open,
                    text=ui.fmt_int(overdue.overdue_open, ctx.t("cases_unit")),
                    caption=ctx.t("due_24h", n=ui.fmt_int(overdue.due_within_24h)))

    # -- evaluation KPIs, against the previous period of the same length
    st.subheader(ctx.t("kpi_block"))
    keys = rules.KPI_CARDS
    for row_keys in (keys[:4], keys[4:]):
        cols = st.columns(4)
        for col, key in zip(cols, row_keys):
            with col:
                ui.kpi_card(ctx, key, cases.rates.get(key), previous=cases.rates.before(key))

    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"**{ctx.t('trend_title')}**")
        ui.chart_or_empty(cases.daily, charts.daily_received_closed, key="overview_daily")
    with right:
        st.markdown(f"**{ctx.t('town_ranking')}**")
        ui.table_or_empty(charts.town_ranking(cases.rates.by_town, cases.towns), lambda table: table,
                          key="overview_ranking")
        ui.kpi_definition(ctx, "composite_score")

    # -- the other areas
    a1, a2, a3, a4 = st.columns(4)
    with a1:
        drone_block(got["drones"])
    with a2:
        waste_block(got["waste"])
    with a3:
        parking_block(got["parking"])
    with a4:
        market_block(got["market"])


def drone_block(d: drone_data.Headline) -> None:
    st.subheader(ctx.t("drone_block"))
    s, cov = d.summary, d.coverage
    ui.kpi_card(ctx, "drone_sorties", s.sorties_today, label=ctx.t("sorties_today"),
                text=ui.fmt_int(s.sorties_today, ctx.t("dr_unit_sorties")),
                caption=f"{ctx.t('sorties_week')} {ui.fmt_int(s.sorties_week)} · "
                        + ctx.t("nests_state", f=ui.fmt_int(s.nests_flying), i=ui.fmt_int(s.nests_idle),
                                d=ui.fmt_int(s.nests_down)))
    ui.kpi_card(ctx, "drone_coverage", cov.pct,
                caption=f"{ui.fmt_int(cov.covered)} / {ui.fmt_int(cov.total)} {ctx.t('dr_unit_grids')}")


def waste_block(waste: waste_data.Today) -> None:
    st.subheader(ctx.t("waste_block"))
    if waste.by_category is None:
        st.info(ctx.t("empty"))
        return
    ui.kpi_card(ctx, "waste_load", waste.load, label=ctx.t("disposed_today"),
                text=ui.fmt_num(waste.disposed, ctx.t("tonnes")),
                caption=f"{ctx.t('capacity')} {ui.fmt_num(waste.capacity, ctx.t('tonnes'), 0)} · "
                        f"{ctx.t('collected_today')} {ui.fmt_num(waste.collected, ctx.t('tonnes'))}")
    ui.chart_or_empty(waste.by_category, waste_charts.waste_by_category, key="overview_waste")


def parking_block(park: parking_data.Summary) -> None:
    st.subheader(ctx.t("parking_block"))
    unit = ctx.t("pk_unit")
    ui.kpi_card(ctx, "parking_violations", park.violations_today, label=ctx.t("violations_today"),
                text=ui.fmt_int(park.violations_today, unit),
                caption=f"{ctx.t('violations_period')} {ui.fmt_int(park.violations_period, unit)} · "
                        + ctx.t("ecapture_share", p=ui.fmt_pct(park.ecapture_share)))
    ui.kpi_card(ctx, "parking_persuade_rate", park.persuade_rate,
                caption=f"{ui.fmt_int(park.left_within_10min)} / {ui.fmt_int(park.reminded)}")


def market_block(head: market_data.Headline) -> None:
    st.subheader(ctx.t("market_block"))
    ui.kpi_card(ctx, "market_open", head.open, text=ui.fmt_int(head.open, ctx.t("mk_unit_requests")),
                caption=ctx.t("market_received", n=ui.fmt_int(head.received), m=ui.fmt_int(head.resolved))
                + ("" if head.satisfaction is None else " · " + ctx.t("satisfaction", s=f"{head.satisfaction:.2f}")))


body()
