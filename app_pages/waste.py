"""垃圾分类 Waste: how much is moving, where, in which categories, and which stations broke
"不过午、不过夜" today. Layout only: figures in cockpit/waste/data.py, rules in cockpit/waste/rules.py,
map layers in cockpit/waste/maps.py, charts and tables in cockpit/waste/charts.py."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from cockpit import area, maps, ui
from cockpit.waste import charts as cw
from cockpit.waste import data
from cockpit.waste import maps as wmaps
from cockpit.waste import rules as wr

ctx = ui.page_context()
ui.header(ctx, "ws_title")
f = ctx.filters
town = f.town_code
rule = wr.rule_params()

kpi_row = st.container()  # the headline figures, drawn once the data is in, above the parts
section = ui.url_section(ctx, "waste")
category, flow_day = "all", ctx.today
if section in ("map", "throughput"):
    c1, c2 = st.columns([3, 2])
    with c1:
        category = ui.url_radio(ctx, "category", {"all": ctx.t("ws_all"),
                                                  **{c: cw.category_name(c) for c in wr.CATEGORIES}},
                                ctx.t("ws_category"), "all")
    if section == "map":
        with c2:
            days = {(ctx.today - dt.timedelta(days=i)).isoformat():
                    (ctx.t("ws_today") if i == 0 else (ctx.today - dt.timedelta(days=i)).strftime("%m-%d"))
                    for i in range(14)}
            flow_day = dt.date.fromisoformat(ui.url_radio(ctx, "day", days, ctx.t("ws_day"), ctx.today.isoformat()))
chosen = None if category == "all" else category

got = area.load_many(ctx.start, **data.page(town, f.date_from, f.date_to, ctx.today, flow_day))
today: data.Today = got["today"]
recycling: data.Recycling = got["recycling"]
compliance: data.Compliance = got["compliance"]
compliance_today: data.Compliance = got["compliance_today"]
breaches: data.Breaches = got["breaches"]
tonnes: data.Tonnes = got["tonnes"]
vehicles: data.Vehicles = got["vehicles"]

# -- headline figures
with kpi_row:
    ui.status_banner(ctx)
    unit = ctx.t("tonnes")
    k1, k2, k3, k4, k5, k6 = st.columns(6)
    with k1:
        ui.kpi_card(ctx, "waste_collected", today.collected, label=ctx.t("collected_today"),
                    text=ui.fmt_num(today.collected, unit))
    with k2:
        ui.kpi_card(ctx, "waste_load", today.load, label=ctx.t("disposed_today"), text=ui.fmt_num(today.disposed, unit),
                    caption=f"{ctx.t('capacity')} {ui.fmt_num(today.capacity, unit, 0)}")
    with k3:
        ui.kpi_card(ctx, "waste_perishable_share", recycling.perishable_share, caption=ctx.t("ws_period"))
    with k4:
        ui.kpi_card(ctx, "waste_recycling_rate", recycling.recycling_rate, caption=ctx.t("ws_period"))
    with k5:
        ahead = compliance_today.rounds_ahead
        ui.kpi_card(ctx, "waste_compliance", compliance_today.rate,
                    caption=ctx.t("ws_today") + (f" · {ctx.t('ws_ahead', n=ui.fmt_int(ahead))}" if ahead else ""))
    with k6:
        ui.kpi_card(ctx, "waste_breaches", breaches.count, text=ui.fmt_int(breaches.count, ctx.t("ws_unit_rounds")))

# -- map: sites by type, throughput of the chosen category, flows of the chosen day
if section == "map":
    st.subheader(ctx.t("ws_map"))
    deck = wmaps.page_deck(got["sites"], chosen)
    maps.show(deck, key=f"ws_map_{category}_{flow_day}", height=520)
    maps.show_legend(*wmaps.legend())
    st.caption(ctx.t("ws_map_note", day=flow_day.isoformat()) + " · "
               + ctx.t("map_payload", kb=f"{maps.payload_bytes(deck) / 1024:,.0f}"))

# -- throughput
if section == "throughput":
    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"**{ctx.t('ws_throughput')}**")
        ui.chart_or_empty(tonnes.daily, lambda df: cw.tonnes_daily(df, chosen), key="ws_daily")
    with right:
        st.markdown(f"**{ctx.t('ws_disposal')}**")
        ui.table_or_empty(got["disposal"].rows, cw.disposal_table, key="ws_disposal")
        st.markdown(f"**{ctx.t('ws_by_town')}**")
        ui.table_or_empty(tonnes.by_town, cw.tonnes_by_town_table, key="ws_by_town")

# -- the collection rule
if section == "rule":
    st.subheader(ctx.t("ws_rule"))
    st.caption(ctx.t("ws_rule_note", ms=rule["morning_start"], nc=rule["noon_cutoff"], es=rule["evening_start"],
                     nt=rule["night_cutoff"]))
    ui.kpi_definition(ctx, "waste_compliance")
    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"**{ctx.t('ws_breaches')}**")
        ui.table_or_empty(breaches.rows, cw.breaches_table, key="ws_breaches", empty_key="ws_breaches_none",
                          ok_when_empty=True)
        st.markdown(f"**{ctx.t('ws_compliance_trend')}**")
        ui.chart_or_empty(compliance.trend_rows, cw.compliance_trend, key="ws_trend")
    with right:
        st.markdown(f"**{ctx.t('ws_compliance_town')}**")
        ui.table_or_empty(compliance.by_town_day, cw.compliance_by_town_table, key="ws_comp_town")

# -- vehicles and stations that need attention
if section == "vehicles":
    left, right = st.columns(2)
    with left:
        st.subheader(ctx.t("ws_vehicles"))
        if vehicles.rows is not None:
            st.markdown(ctx.t("ws_vehicle_state", a=vehicles.active, i=vehicles.idle, o=vehicles.offline))
        ui.table_or_empty(vehicles.rows, cw.vehicles_table, key="ws_vehicles")
    with right:
        st.subheader(ctx.t("ws_attention"))
        ui.table_or_empty(got["attention"].rows, cw.attention_table, key="ws_attention",
                          empty_key="ws_attention_none", ok_when_empty=True)
