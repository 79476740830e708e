"""违停治理 Parking: where and when sidewalk parking happens, whether the strict roads work, whether
reminders work. Layout only: figures in cockpit/parking/data.py, SQL in queries/parking/, masking in
cockpit/privacy.py."""

from __future__ import annotations

import streamlit as st

from cockpit import area, ui
from cockpit import maps as base_maps
from cockpit.parking import charts as cp
from cockpit.parking import data
from cockpit.parking import maps as pm
from cockpit.parking import rules as pr

ctx = ui.page_context()
ui.header(ctx, "pk_title")
f = ctx.filters
town = f.town_code
prev_from, prev_to = f.previous_period()

c1, c2 = st.columns([2, 3])
with c2:
    method_key = ui.url_radio(ctx, "method", {"all": ctx.t("all"), "manual": ctx.t("pk_method_manual"),
                                              "ecapture": ctx.t("pk_method_ecapture")}, ctx.t("pk_method"), "all")
method = None if method_key == "all" else method_key
roads = area.load(ctx.start, data.roads(f.date_from, f.date_to, town, method))
with c1:
    road = ui.url_choice(ctx, "road", cp.road_options(roads), ctx.t("pk_road_filter"))
# every later query depends on the filters only: they run side by side
p = area.load(ctx.start, data.page(f.date_from, f.date_to, prev_from, prev_to, town=town, road=road, method=method,
                                   roads=roads, dq_days=ui.DQ_DAYS))
ui.status_banner(ctx)

# -- headline figures (the period against the one before)
now, prev = p.now, p.previous
k1, k2, k3, k4, k5, k6 = st.columns(6)
with k1:
    ui.kpi_card(ctx, "parking_violations", now.violations, previous=prev.violations,
                caption=f"{ctx.t('vs_previous')} {ui.fmt_int(prev.violations, ctx.t('pk_unit'))}")
with k2:
    ui.kpi_card(ctx, "parking_ecapture_share", p.ecapture_share)
with k3:
    ui.kpi_card(ctx, "parking_reminders", now.reminded, previous=prev.reminded)
with k4:
    ui.kpi_card(ctx, "parking_persuade_rate", now.persuade_rate, previous=prev.persuade_rate)
with k5:
    ui.kpi_card(ctx, "parking_tickets", now.ticketed_after_reminder, previous=prev.ticketed_after_reminder)
with k6:
    ui.kpi_card(ctx, "parking_warnings", now.warned, previous=prev.warned)

section = ui.url_section(ctx, "parking")

# -- hotspots: hexagons, the strict and capture roads, parking supply
if section == "map":
    st.subheader(ctx.t("pk_map"))
    deck, legend = pm.page_map(p.bins, p.shown_roads, p.focus_roads, p.supply, pr.SUPPLY_RADIUS_M)
    base_maps.show(deck, key=f"pk_map_{town}_{road}_{method_key}")
    base_maps.show_legend(ctx.t("pk_map_legend"), legend)
    st.caption(ctx.t("pk_map_note") + " · " + ctx.t("map_payload", kb=f"{base_maps.payload_bytes(deck) / 1024:,.0f}"))

    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"**{ctx.t('pk_hotspots', day=f.date_to.strftime('%m-%d'))}**")
        ui.table_or_empty(p.hot, cp.hotspot_table, key="pk_hot")
    with right:
        st.markdown(f"**{ctx.t('pk_daily')}**")
        ui.chart_or_empty(p.daily, cp.daily_by_method, key="pk_daily", is_empty=lambda _: not p.has_daily)

# -- roads: the strict and capture roads, per day and per km, manual against e-capture, trend since strict
if section == "roads":
    st.subheader(ctx.t("pk_roads"))
    if ui.table_or_empty(roads, cp.road_table, key="pk_roads"):
        st.caption(ctx.t("pk_roads_note"))
        if p.trend is not None:
            st.markdown(f"**{ctx.t('pk_trend')}**")
            ui.chart_or_empty(p.trend, cp.road_trend, key="pk_trend")

# -- reminders: what the SMS and the 10-minute rule achieve
if section == "reminders":
    st.subheader(ctx.t("pk_reminders"))
    ui.kpi_definition(ctx, "parking_persuade_rate")
    left, right = st.columns([3, 2])
    with left:
        ui.chart_or_empty(p.by_hour, cp.reminders_by_hour, key="pk_by_hour", is_empty=lambda _: not p.has_reminders)
    with right:
        if ui.chart_or_empty(p.by_hour, lambda _: cp.warnings_vs_tickets(now), key="pk_outcomes",
                             is_empty=lambda _: not p.has_reminders):
            st.caption(ctx.t("pk_outcomes_note"))

    rules = p.rules
    if rules is not None:
        st.markdown(f"**{ctx.t('pk_rules')}**")
        r1, r2, r3 = st.columns(3)
        r1.metric(ctx.t("pk_rule_early", m=pr.TICKET_WAIT_MINUTES), ui.fmt_int(rules.ticket_too_early, ctx.t("pk_unit")),
                  help=ctx.t("pk_rule_early_help", m=pr.TICKET_WAIT_MINUTES))
        r2.metric(ctx.t("pk_rule_fined_first"), ui.fmt_int(rules.fined_not_due, ctx.t("pk_unit")),
                  help=ctx.t("pk_rule_first_help", d=pr.FIRST_WARNING_WINDOW_DAYS))
        r3.metric(ctx.t("pk_rule_warned_repeat"), ui.fmt_int(rules.warned_not_due, ctx.t("pk_unit")),
                  help=ctx.t("pk_rule_first_help", d=pr.FIRST_WARNING_WINDOW_DAYS))
        st.caption(ctx.t("pk_rules_note", due=ui.fmt_int(rules.warning_due), ok=ui.fmt_int(rules.warned_as_due),
                         unknown=ui.fmt_int(rules.plate_unknown)))

# -- rhythm and supply
if section == "rhythm":
    left, right = st.columns([3, 2])
    with left:
        st.subheader(ctx.t("pk_rhythm"))
        ui.chart_or_empty(p.pattern, cp.rhythm, key="pk_rhythm")
    with right:
        st.subheader(ctx.t("pk_supply"))
        if p.supply is None or p.supply.empty:
            st.info(ctx.t("empty"))
        else:
            st.caption(ctx.t("pk_supply_note", spaces=f"{p.supply_spaces:,}", n=len(p.supply), r=pr.SUPPLY_RADIUS_M))
            supply = cp.supply_table(p.supply, pr.SUPPLY_RADIUS_M)
            st.dataframe(supply, hide_index=True, width="stretch", key="pk_supply", height=300,
                         column_config=ui.number_formats(supply))

# -- the latest records (plates masked) and data quality
if section == "recent":
    st.subheader(ctx.t("pk_recent"))
    if ui.table_or_empty(p.recent, cp.recent_table, key="pk_recent"):
        st.caption(ctx.t("pk_plate_note"))

# -- data quality, on every part
if p.data_quality is not None:
    st.caption(cp.data_quality_note(p.data_quality, ui.DQ_DAYS))
