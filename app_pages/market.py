"""服装城联勤 Clothing-market joint service: what merchants ask, who answers, how fast, how satisfied."""

from __future__ import annotations

import streamlit as st

from cockpit import maps, places, ui
from cockpit.gateway import NOW
from cockpit.market import charts as cm
from cockpit.market import rules as market

ctx = ui.page_context()
ui.header(ctx, "market_title")
f = ctx.filters
lang = ctx.lang
name_col = "name_zh" if lang == "zh" else "name_en"
st.caption(ctx.t("market_intro"))

# -- who may see merchants' personal data (the URL may only hide more: ?view=wall)
role = market.viewer_role(secrets=st.secrets)
personal = market.personal_data_mode(role, wall=st.query_params.get("view") == "wall")

# -- page filters: department and item group (in the URL)
items = ctx.run("market.items")
departments = ctx.run("market.departments")
c1, c2 = st.columns(2)
with c1:
    dept_options = {} if departments is None else dict(zip(departments["dept_code"], departments[name_col]))
    dept = ui.url_choice(ctx, "dept", dept_options, ctx.t("mk_dept_filter"))
with c2:
    groups = [] if items is None else list(dict.fromkeys(items["group_zh"]))
    group = ui.url_choice(ctx, "group", {g: cm.label("group", g, lang) for g in groups}, ctx.t("mk_group_filter"))

period = {"date_from": f.date_from, "date_to": f.date_to}
scope = {"dept_code": dept, "item_group": group}
base = {"as_of": NOW, **period, **scope}
prev_from, prev_to = f.previous_period()

total = ctx.one("market.by_group", dimension="all", **base)
total_prev = ctx.one("market.by_group", dimension="all", **{**base, "date_from": prev_from, "date_to": prev_to})
daily = ctx.run("market.daily", **base)
repeat = ctx.one("market.repeat_share", **base)
duty = ctx.run("market.duty_today", as_of=NOW)
dq = ctx.run("market.data_quality")
ui.status_banner(ctx)

k = market.summary_kpis(total, daily, repeat)
k_prev = market.summary_kpis(total_prev)
k["market_waiting_absent"] = float(market.waiting_for_absent(duty)) if duty is not None else None
hours = ctx.t("mk_unit_hours_short")

# -- KPIs
st.subheader(ctx.t("mk_requests"))
row1 = st.columns(5)
with row1[0]:
    ui.kpi_card(ctx, "market_received", k["market_received"], previous=k_prev["market_received"],
                text=ui.fmt_int(k["market_received"], ctx.t("mk_unit_requests")),
                caption=ctx.t("mk_today", n=ui.fmt_int(k["market_received_today"]),
                              m=ui.fmt_int(k["market_resolved"])))
with row1[1]:
    ui.kpi_card(ctx, "market_open", k["market_open"], text=ui.fmt_int(k["market_open"], ctx.t("mk_unit_requests")),
                caption=ctx.t("mk_state_now", w=ui.fmt_int(k["market_waiting"]), p=ui.fmt_int(k["market_in_progress"]),
                              o=ui.fmt_int(k["market_overdue_open"])))
with row1[2]:
    ui.kpi_card(ctx, "market_within_promise_rate", k["market_within_promise_rate"],
                previous=k_prev["market_within_promise_rate"])
with row1[3]:
    ui.kpi_card(ctx, "market_first_response_hours", k["market_first_response_hours"],
                text=ui.fmt_num(k["market_first_response_hours"], hours, 1), caption=ctx.t("mk_working_time"))
with row1[4]:
    ui.kpi_card(ctx, "market_resolution_hours", k["market_resolution_hours"],
                text=ui.fmt_num(k["market_resolution_hours"], hours, 1), caption=ctx.t("mk_working_time"))
row2 = st.columns(5)
with row2[0]:
    ui.kpi_card(ctx, "market_satisfaction", k["market_satisfaction"], previous=k_prev["market_satisfaction"],
                text=ui.fmt_num(k["market_satisfaction"], "/ 5", 2))
with row2[1]:
    ui.kpi_card(ctx, "market_no_trip_share", k["market_no_trip_share"])
with row2[2]:
    ui.kpi_card(ctx, "market_repeat_share", k["market_repeat_share"])
with row2[3]:
    ui.kpi_card(ctx, "market_overdue_open", k["market_overdue_open"],
                text=ui.fmt_int(k["market_overdue_open"], ctx.t("mk_unit_requests")))
with row2[4]:
    ui.kpi_card(ctx, "market_waiting_absent", k["market_waiting_absent"],
                text=ui.fmt_int(k["market_waiting_absent"], ctx.t("mk_unit_requests")))
dq_text = cm.data_quality_text(dq, lang)
if dq_text:
    st.caption(dq_text)

# -- trend and channels
left, right = st.columns([3, 1])
with left:
    st.markdown(f"**{ctx.t('mk_trend')}**")
    if daily is None or daily["received"].sum() + daily["resolved"].sum() == 0:
        st.info(ctx.t("empty"))
    else:
        st.plotly_chart(cm.daily_trend(daily, lang), width="stretch", key="mk_trend")
with right:
    st.markdown(f"**{ctx.t('mk_by_channel')}**")
    by_channel = ctx.run("market.by_group", dimension="channel", **base)
    if by_channel is None or by_channel["received"].sum() == 0:
        st.info(ctx.t("empty"))
    else:
        st.plotly_chart(cm.channel_bars(by_channel, lang), width="stretch", key="mk_channels")

# -- map: requests by zone, context around the market
st.subheader(ctx.t("mk_map"))
zones = ctx.run("market.zones", **base)
context = ctx.run("market.context_nearby", as_of=NOW, **period, centre_lat=places.CLOTHING_CITY.lat,
                  centre_lon=places.CLOTHING_CITY.lon, radius_m=market.CONTEXT_RADIUS_M,
                  bin_deg=market.CONTEXT_BIN_DEG, case_major_code=market.STREET_ORDER_MAJOR)
deck = maps.market_deck(zones, context, lang=lang, radius_m=market.CONTEXT_RADIUS_M,
                        labels={layer: ctx.t(f"mk_layer_{layer}") for layer in maps.MARKET_COLORS}
                        | {"unit": ctx.t("mk_unit_requests"), "open": ctx.t("mk_col_open")})
maps.show(deck, key="mk_map", height=480)
maps.show_legend(ctx.t("map_layer"), [(ctx.t(f"mk_layer_{layer}"), color)
                                      for layer, color in maps.MARKET_COLORS.items()])
st.caption(ctx.t("mk_map_note", r=f"{market.CONTEXT_RADIUS_M:,.0f}") + " · "
           + ctx.t("map_payload", kb=f"{maps.payload_bytes(deck) / 1024:,.0f}"))

# -- by item and department, with speed
st.subheader(ctx.t("mk_speed"))
st.caption(ctx.t("mk_speed_note"))
tab_item, tab_dept = st.tabs([ctx.t("mk_by_item"), ctx.t("mk_by_dept")])
with tab_item:
    by_item = ctx.run("market.by_group", dimension="item", **base)
    reference = None if items is None else items[[c for c in items.columns if c != "dept_code"]]
    if reference is not None and group:
        reference = reference[reference["group_zh"] == group]
    table = market.group_table(by_item, reference, key="item_code") if reference is not None else None
    if table is None or table.empty:
        st.info(ctx.t("empty"))
    else:
        st.dataframe(cm.item_table(table, lang), hide_index=True, width="stretch", height=420)
with tab_dept:
    by_dept = ctx.run("market.by_group", dimension="department", **base)
    reference = departments if dept is None or departments is None else departments[departments["dept_code"] == dept]
    table = market.group_table(by_dept, reference, key="dept_code") if reference is not None else None
    if table is None or table.empty:
        st.info(ctx.t("empty"))
    else:
        st.dataframe(cm.department_table(table, lang), hide_index=True, width="stretch")

# -- longest open
st.markdown(f"**{ctx.t('mk_longest_open')}**")
longest = ctx.run("market.longest_open", as_of=NOW, **scope, with_personal=personal != "hidden",
                  limit_rows=market.LONGEST_OPEN_ROWS)
if longest is None or longest.empty:
    st.info(ctx.t("mk_longest_none"))
else:
    shown = market.present_personal(longest, personal)
    st.dataframe(cm.longest_open_table(shown, departments, lang), hide_index=True, width="stretch")
    st.caption(ctx.t("mk_personal_full" if personal == "full" else
                     "mk_personal_masked" if "merchant_name" in shown.columns else "mk_personal_hidden"))

# -- who is on duty
st.subheader(ctx.t("mk_duty"))
left, right = st.columns([2, 3])
with left:
    if duty is None or duty.empty:
        st.info(ctx.t("empty"))
    else:
        st.dataframe(cm.duty_table(duty, lang), hide_index=True, width="stretch")
        absent = market.waiting_for_absent(duty)
        if absent:
            st.warning(ctx.t("mk_absent_waiting", n=absent), icon="🕒")
with right:
    st.markdown(f"**{ctx.t('mk_roster')}**")
    roster = ctx.run("market.duty_roster", as_of=NOW, days=market.ROSTER_DAYS)
    matrix = cm.roster_table(market.roster_matrix(roster), departments, lang)
    if matrix.empty:
        st.info(ctx.t("empty"))
    else:
        st.dataframe(matrix, width="stretch")

# -- outcomes
st.subheader(ctx.t("mk_outcomes"))
c1, c2, c3 = st.columns([2, 2, 3])
with c1:
    st.markdown(f"**{ctx.t('mk_outcome_types')}**")
    outcomes = ctx.run("market.outcomes", **base)
    if outcomes is None or outcomes.empty:
        st.info(ctx.t("empty"))
    else:
        st.plotly_chart(cm.outcome_bars(outcomes, lang), width="stretch", key="mk_outcomes")
with c2:
    st.markdown(f"**{ctx.t('mk_satisfaction_dist')}**")
    scores = ctx.run("market.satisfaction", **base)
    if scores is None or scores["requests"].sum() == 0:
        st.info(ctx.t("empty"))
    else:
        st.plotly_chart(cm.satisfaction_bars(scores, lang), width="stretch", key="mk_scores")
with c3:
    st.markdown(f"**{ctx.t('mk_repeat')}**")
    stalls = ctx.run("market.repeat_stalls", **base, min_requests=market.REPEAT_MIN_REQUESTS,
                     limit_rows=market.LONGEST_OPEN_ROWS)
    if stalls is None or stalls.empty:
        st.info(ctx.t("mk_repeat_none"))
    else:
        st.dataframe(cm.repeat_table(stalls, lang), hide_index=True, width="stretch", height=260)

# -- IP protection
st.subheader(ctx.t("mk_ip"))
st.caption(ctx.t("mk_ip_note"))
ip = ctx.run("market.ip_monthly", as_of=NOW, months=market.IP_MONTHS, item_group=market.IP_GROUP)
if ip is None or ip["received"].sum() + ip["resolved"].sum() == 0:
    st.info(ctx.t("empty"))
else:
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{ctx.t('mk_ip_received')}**")
        st.plotly_chart(cm.ip_received(ip, lang), width="stretch", key="mk_ip_received")
    with right:
        st.markdown(f"**{ctx.t('mk_ip_lead')}**")
        st.plotly_chart(cm.ip_lead_time(ip, lang), width="stretch", key="mk_ip_lead")
