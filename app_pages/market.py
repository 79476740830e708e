"""服装城联勤 Clothing-market joint service: what merchants ask, who answers, how fast, how satisfied.

Layout only: the figures are cockpit.market.data's plans, the charts and tables cockpit.market.charts,
the map cockpit.market.maps.
"""

from __future__ import annotations

import streamlit as st

from cockpit import area, maps, ui
from cockpit.market import charts as cm
from cockpit.market import data
from cockpit.market import maps as market_maps
from cockpit.market import rules

ctx = ui.page_context()
ui.header(ctx, "market_title")
f = ctx.filters
st.caption(ctx.t("market_intro"))

# -- who may see merchants' personal data (the role's; the URL may only hide more: ?view=wall)
personal = ui.personal_data(wall=st.query_params.get("view") == "wall")

# -- page filters: department and item group (in the URL)
ref = area.load(ctx.start, data.reference())
c1, c2 = st.columns(2)
with c1:
    dept = ui.url_choice(ctx, "dept", ref.dept_options(), ctx.t("mk_dept_filter"))
with c2:
    group = ui.url_choice(ctx, "group", ref.group_options(), ctx.t("mk_group_filter"))

scope = data.Scope(f.date_from, f.date_to, dept, group)
m = area.load_many(ctx.start, summary=data.summary(scope, *f.previous_period()), trend=data.trend(scope),
                   map=data.surroundings(scope), speed=data.speed(scope),
                   longest=data.longest_open(scope, personal), duty=data.duty(), outcomes=data.outcomes(scope),
                   ip=data.ip())
ui.status_banner(ctx)
k, k_prev = m["summary"].now, m["summary"].previous
hours = ctx.t("mk_unit_hours_short")
requests = ctx.t("mk_unit_requests")

# -- KPIs
st.subheader(ctx.t("mk_requests"))
row1 = st.columns(5)
with row1[0]:
    ui.kpi_card(ctx, "market_received", k.received, previous=k_prev.received,
                text=ui.fmt_int(k.received, requests),
                caption=ctx.t("mk_today", n=ui.fmt_int(k.received_today), m=ui.fmt_int(k.resolved)))
with row1[1]:
    ui.kpi_card(ctx, "market_open", k.open, text=ui.fmt_int(k.open, requests),
                caption=ctx.t("mk_state_now", w=ui.fmt_int(k.waiting), p=ui.fmt_int(k.in_progress),
                              o=ui.fmt_int(k.overdue_open)))
with row1[2]:
    ui.kpi_card(ctx, "market_within_promise_rate", k.within_promise_rate, previous=k_prev.within_promise_rate)
with row1[3]:
    ui.kpi_card(ctx, "market_first_response_hours", k.first_response_hours,
                text=ui.fmt_num(k.first_response_hours, hours, 1), caption=ctx.t("mk_working_time"))
with row1[4]:
    ui.kpi_card(ctx, "market_resolution_hours", k.resolution_hours,
                text=ui.fmt_num(k.resolution_hours, hours, 1), caption=ctx.t("mk_working_time"))
row2 = st.columns(5)
with row2[0]:
    ui.kpi_card(ctx, "market_satisfaction", k.satisfaction, previous=k_prev.satisfaction,
                text=ui.fmt_num(k.satisfaction, "/ 5", 2))
with row2[1]:
    ui.kpi_card(ctx, "market_no_trip_share", k.no_trip_share)
with row2[2]:
    ui.kpi_card(ctx, "market_repeat_share", k.repeat_share)
with row2[3]:
    ui.kpi_card(ctx, "market_overdue_open", k.overdue_open, text=ui.fmt_int(k.overdue_open, requests))
with row2[4]:
    waiting_absent = m["summary"].waiting_absent
    ui.kpi_card(ctx, "market_waiting_absent", waiting_absent, text=ui.fmt_int(waiting_absent, requests))
dq_text = cm.data_quality_text(m["summary"].data_quality)
if dq_text:
    st.caption(dq_text)

section = ui.url_section(ctx, "market")

# -- trend and channels
if section == "trend":
    left, right = st.columns([3, 1])
    with left:
        st.markdown(f"**{ctx.t('mk_trend')}**")
        ui.chart_or_empty(m["trend"].daily, cm.daily_trend, key="mk_trend")
    with right:
        st.markdown(f"**{ctx.t('mk_by_channel')}**")
        ui.chart_or_empty(m["trend"].by_channel, cm.channel_bars, key="mk_channels")

# -- map: requests by zone, context around the market
if section == "map":
    st.subheader(ctx.t("mk_map"))
    around = m["map"]
    deck = market_maps.market_deck(around.zones, around.context, radius_m=around.radius_m)
    maps.show(deck, key="mk_map", height=480)
    maps.show_legend(ctx.t("map_layer"), market_maps.legend())
    st.caption(ctx.t("mk_map_note", r=f"{around.radius_m:,.0f}") + " · "
               + ctx.t("map_payload", kb=f"{maps.payload_bytes(deck) / 1024:,.0f}"))

# -- by item and department, with speed
if section == "speed":
    st.subheader(ctx.t("mk_speed"))
    st.caption(ctx.t("mk_speed_note"))
    tab_item, tab_dept = st.tabs([ctx.t("mk_by_item"), ctx.t("mk_by_dept")])
    with tab_item:
        ui.table_or_empty(m["speed"].by_item, cm.item_table, key="mk_items")
    with tab_dept:
        ui.table_or_empty(m["speed"].by_department, cm.department_table, key="mk_departments")

    # -- the longest open
    st.markdown(f"**{ctx.t('mk_longest_open')}**")
    longest = m["longest"]
    if data.personal_shown(longest) and not ui.audit_view(ctx, "market", rules.PERSONAL_COLUMNS,
                                                          data.personal_shown(longest), dept=dept, group=group):
        longest = data.masked(longest)  # a view that cannot be recorded is not shown in full
    if ui.table_or_empty(longest.rows, lambda rows: cm.longest_open_table(rows, longest.departments),
                         key="mk_longest", empty_key="mk_longest_none"):
        st.caption(ctx.t(longest.note_key))

# -- who is on duty
if section == "duty":
    st.subheader(ctx.t("mk_duty"))
    duty = m["duty"]
    left, right = st.columns([2, 3])
    with left:
        ui.table_or_empty(duty.today, cm.duty_table, key="mk_duty")
        if duty.today is not None and duty.waiting_absent:
            st.warning(ctx.t("mk_absent_waiting", n=duty.waiting_absent), icon="🕒")
    with right:
        st.markdown(f"**{ctx.t('mk_roster')}**")
        ui.table_or_empty(duty.roster, lambda matrix: cm.roster_table(matrix, duty.departments), key="mk_roster")

# -- outcomes
if section == "outcomes":
    st.subheader(ctx.t("mk_outcomes"))
    out = m["outcomes"]
    c1, c2, c3 = st.columns([2, 2, 3])
    with c1:
        st.markdown(f"**{ctx.t('mk_outcome_types')}**")
        ui.chart_or_empty(out.outcomes, cm.outcome_bars, key="mk_outcomes")
    with c2:
        st.markdown(f"**{ctx.t('mk_satisfaction_dist')}**")
        ui.chart_or_empty(out.scores, cm.satisfaction_bars, key="mk_scores")
    with c3:
        st.markdown(f"**{ctx.t('mk_repeat')}**")
        ui.table_or_empty(out.repeat_stalls, cm.repeat_table, key="mk_repeat", empty_key="mk_repeat_none")

# -- IP protection
if section == "ip":
    st.subheader(ctx.t("mk_ip"))
    st.caption(ctx.t("mk_ip_note"))
    ip = m["ip"].monthly
    if ip is None:
        st.info(ctx.t("empty"))
    else:
        left, right = st.columns(2)
        with left:
            st.markdown(f"**{ctx.t('mk_ip_received')}**")
            st.plotly_chart(cm.ip_received(ip), width="stretch", key="mk_ip_received")
        with right:
            st.markdown(f"**{ctx.t('mk_ip_lead')}**")
            st.plotly_chart(cm.ip_lead_time(ip), width="stretch", key="mk_ip_lead")
