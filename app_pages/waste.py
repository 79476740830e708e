"""垃圾分类 Waste: how much is moving, where, in which categories, and which stations broke
"不过午、不过夜" today. Layout only: queries in queries/waste/, rules in cockpit/waste/rules.py."""

from __future__ import annotations

import datetime as dt

import numpy as np
import streamlit as st

from cockpit import kpi, maps, ui
from cockpit.gateway import NOW
from cockpit.waste import charts as cw
from cockpit.waste import rules as wr

ctx = ui.page_context()
ui.header(ctx, "ws_title")
f = ctx.filters
lang = ctx.lang
town = f.town_code
period = {"date_from": f.date_from, "date_to": f.date_to}
rule = wr.rule_params()

c1, c2 = st.columns([3, 2])
with c1:
    category = ui.url_radio(ctx, "category", {"all": ctx.t("ws_all"),
                                              **{c: cw.category_name(c, lang) for c in wr.CATEGORIES}},
                            ctx.t("ws_category"), "all")
with c2:
    days = {(ctx.today - dt.timedelta(days=i)).isoformat(): (ctx.t("ws_today") if i == 0 else
                                                            (ctx.today - dt.timedelta(days=i)).strftime("%m-%d"))
            for i in range(14)}
    flow_day = dt.date.fromisoformat(ui.url_radio(ctx, "day", days, ctx.t("ws_day"), ctx.today.isoformat()))
chosen = None if category == "all" else category

q = ctx.start(  # side by side, the slowest first
    attention=("waste.stations_attention", dict(as_of=NOW, town_code=town, **wr.attention_params())),
    by_town_day=("waste.compliance_by_town", dict(as_of=NOW, **period, town_code=town, **rule)),
    sites=("waste.station_throughput", dict(as_of=NOW, **period, town_code=town)),
    today=("overview.waste_today", dict(as_of=NOW, town_code=town)),
    rate=("waste.recycling_rate", dict(as_of=NOW, **period, town_code=town)),
    today_rule=("waste.compliance_by_town", dict(as_of=NOW, date_from=ctx.today, date_to=ctx.today,
                                                 town_code=town, **rule)),
    breaches=("waste.breaches_today", dict(as_of=NOW, town_code=town, **rule)),
    flows=("waste.flows", dict(as_of=NOW, day=flow_day)),
    daily=("waste.tonnes_daily", dict(as_of=NOW, **period, town_code=town)),
    load=("waste.disposal_load", dict(as_of=NOW)),
    by_town=("waste.tonnes_by_town", dict(as_of=NOW, **period)),
    vehicles=("waste.vehicles_today", dict(as_of=NOW, town_code=town, **wr.vehicle_params())),
)
today = q["today"]
rate_row = q.one("rate") or {}
by_town_day = q["by_town_day"]
today_rule = q["today_rule"]
breaches = q["breaches"]
ui.status_banner(ctx)

# -- headline figures
collected = None if today is None else float(today["collected_tonnes"].sum())
disposed = None if today is None else float(today["disposed_tonnes"].sum())
capacity = None if today is None else float(today["capacity_tonnes_per_day"].fillna(0).sum())
collected_period = rate_row.get("collected_tonnes")
perishable = kpi.percent(rate_row.get("perishable_tonnes") or 0, collected_period or 0) if collected_period else None
recycling = (None if not collected_period else
             100.0 * wr.recycling_rate(rate_row["recyclable_tonnes"], rate_row["perishable_tonnes"], collected_period))
today_rate = None
if today_rule is not None and not today_rule.empty:
    today_rate = kpi.percent(float(today_rule["rounds_on_time"].sum()), float(today_rule["rounds_decided"].sum()))
k1, k2, k3, k4, k5, k6 = st.columns(6)
with k1:
    ui.kpi_card(ctx, "waste_collected", collected, label=ctx.t("collected_today"), text=ui.fmt_num(collected, "吨" if lang == "zh" else "t"))
with k2:
    ui.kpi_card(ctx, "waste_load", kpi.percent(disposed or 0, capacity or 0) if capacity else None,
                label=ctx.t("disposed_today"), text=ui.fmt_num(disposed, "吨" if lang == "zh" else "t"),
                caption=f"{ctx.t('capacity')} {ui.fmt_num(capacity, '吨' if lang == 'zh' else 't', 0)}")
with k3:
    ui.kpi_card(ctx, "waste_perishable_share", perishable, caption=ctx.t("ws_period"))
with k4:
    ui.kpi_card(ctx, "waste_recycling_rate", recycling, caption=ctx.t("ws_period"))
with k5:
    ui.kpi_card(ctx, "waste_compliance", today_rate, caption=ctx.t("ws_today"))
with k6:
    n_breach = 0 if breaches is None else len(breaches)
    ui.kpi_card(ctx, "waste_breaches", n_breach, text=ui.fmt_int(n_breach, "次" if lang == "zh" else "rounds"))

# -- map: sites by type, throughput of the chosen category, flows of the chosen day
st.subheader(ctx.t("ws_map"))
sites = q["sites"]
flows = q["flows"]
layers = []
if sites is not None and not sites.empty:
    column = "total_tonnes" if chosen is None else f"{chosen}_tonnes"
    shown = sites.assign(value=sites[column].astype(float))
    shown["value_text"] = shown["value"].map(lambda t: f"{t:,.1f} {'吨' if lang == 'zh' else 't'}")
    top = float(shown["value"].max()) or 1.0
    shown["radius"] = (30 + 220 * np.sqrt(shown["value"] / top)).round(1)
    for kind, color, key in (("dropoff", [78, 161, 255, 190], "ws_layer_dropoff"),
                             ("transfer", [255, 159, 64, 230], "ws_layer_transfer"),
                             ("disposal", [232, 87, 76, 240], "ws_layer_disposal")):
        part = shown[shown["kind"] == kind].copy()
        if kind != "dropoff":
            part["radius"] = 420.0 if kind == "disposal" else 300.0
        part["name"] = part["name_zh"]
        layers.append(maps.points_layer(part, layer_id=f"ws-{kind}", color=color, radius="radius",
                                        min_pixels=2, max_pixels=30, columns=["name", "value_text"]))
if flows is not None and not flows.empty:
    arcs = flows if chosen is None else flows[flows["category_code"] == chosen]
    arcs = (arcs.groupby(["from_name_zh", "from_lat", "from_lon", "to_name_zh", "to_lat", "to_lon"], as_index=False)
            ["tonnes"].sum())
    arcs["name"] = arcs["from_name_zh"] + " → " + arcs["to_name_zh"]
    arcs["value_text"] = arcs["tonnes"].map(lambda t: f"{t:,.1f} {'吨' if lang == 'zh' else 't'}")
    layers.append(maps.arcs_layer(arcs, layer_id="ws-flows", weight="tonnes", columns=["name", "value_text"]))
deck = maps.deck(layers, lang=lang, view=maps.view_for(pitch=35),
                 tooltip=maps.TOOLTIP)
maps.show(deck, key=f"ws_map_{category}_{flow_day}", height=520)
maps.show_legend(ctx.t("map_layer"), [(ctx.t("ws_layer_dropoff"), [78, 161, 255]),
                                      (ctx.t("ws_layer_transfer"), [255, 159, 64]),
                                      (ctx.t("ws_layer_disposal"), [232, 87, 76]),
                                      (ctx.t("ws_layer_flow"), [200, 160, 120])])
st.caption(ctx.t("ws_map_note", day=flow_day.isoformat()) + " · "
           + ctx.t("map_payload", kb=f"{maps.payload_bytes(deck) / 1024:,.0f}"))

# -- throughput
left, right = st.columns([3, 2])
with left:
    st.markdown(f"**{ctx.t('ws_throughput')}**")
    daily = q["daily"]
    if daily is None or daily["tonnes"].sum() == 0:
        st.info(ctx.t("empty"))
    else:
        st.plotly_chart(cw.tonnes_daily(daily, lang, chosen), width="stretch", key="ws_daily")
with right:
    st.markdown(f"**{ctx.t('ws_disposal')}**")
    load = q["load"]
    if load is None or load.empty:
        st.info(ctx.t("empty"))
    else:
        st.dataframe(cw.disposal_table(load, lang), hide_index=True, width="stretch", key="ws_disposal")
    st.markdown(f"**{ctx.t('ws_by_town')}**")
    by_town = q["by_town"]
    if by_town is None or by_town.empty:
        st.info(ctx.t("empty"))
    else:
        if town:
            by_town = by_town[by_town["town_code"] == town]
        st.dataframe(cw.tonnes_by_town_table(by_town, lang), hide_index=True, width="stretch", key="ws_by_town")

# -- the collection rule
st.subheader(ctx.t("ws_rule"))
st.caption(ctx.t("ws_rule_note", ms=rule["morning_start"], nc=rule["noon_cutoff"], es=rule["evening_start"],
                 nt=rule["night_cutoff"]))
ui.kpi_definition(ctx, "waste_compliance")
left, right = st.columns([3, 2])
with left:
    st.markdown(f"**{ctx.t('ws_breaches')}**")
    if breaches is None or breaches.empty:
        st.success(ctx.t("ws_breaches_none"))
    else:
        st.dataframe(cw.breaches_table(breaches, lang), hide_index=True, width="stretch", key="ws_breaches")
    st.markdown(f"**{ctx.t('ws_compliance_trend')}**")
    if by_town_day is None or by_town_day["rounds_decided"].sum() == 0:
        st.info(ctx.t("empty"))
    else:
        st.plotly_chart(cw.compliance_trend(by_town_day, lang), width="stretch", key="ws_trend")
with right:
    st.markdown(f"**{ctx.t('ws_compliance_town')}**")
    if by_town_day is None or by_town_day.empty:
        st.info(ctx.t("empty"))
    else:
        st.dataframe(cw.compliance_by_town_table(by_town_day, lang), hide_index=True, width="stretch",
                     key="ws_comp_town")

# -- vehicles and stations that need attention
left, right = st.columns(2)
with left:
    st.subheader(ctx.t("ws_vehicles"))
    vehicles = q["vehicles"]
    if vehicles is None or vehicles.empty:
        st.info(ctx.t("empty"))
    else:
        states = vehicles["state"].value_counts()
        st.markdown(ctx.t("ws_vehicle_state", a=int(states.get("active", 0)), i=int(states.get("idle", 0)),
                          o=int(states.get("offline", 0))))
        st.dataframe(cw.vehicles_table(vehicles, lang), hide_index=True, width="stretch", key="ws_vehicles")
with right:
    st.subheader(ctx.t("ws_attention"))
    att = q["attention"]
    if att is None or att.empty:
        st.success(ctx.t("ws_attention_none"))
    else:
        st.dataframe(cw.attention_table(att, lang), hide_index=True, width="stretch", key="ws_attention")
