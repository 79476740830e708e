"""周例会 Weekly meeting: one ISO week against the week before and a year earlier, what is late, who ranks where."""

from __future__ import annotations

import streamlit as st

from cockpit import ui
from cockpit.meeting import pack as pack_builder
from cockpit.meeting import charts, tables, weekly
from cockpit.meeting.briefing import briefing

ctx = ui.page_context()
ui.header(ctx, "weekly_title")

# -- the week: URL parameter `week` (validated), default the last complete week
default_week = weekly.last_complete_week(ctx.now)
raw = st.query_params.get("week")
try:
    week = weekly.parse_week(raw, ctx.now)
except weekly.WeekError as exc:
    st.warning(exc.message(quote=ui.escape), icon=":material/warning:")
    week = default_week
choices = weekly.recent_weeks(ctx.now, 60)
if week not in choices:
    choices = sorted({*choices, week}, reverse=True)
labels = [w.label for w in choices]
option_texts = {w.label: ctx.t("wk_week_option", label=w.label, dates=w.dates_text()) for w in choices}
picked = st.selectbox(ctx.t("wk_choose_week"), labels, index=labels.index(week.label), key=f"week_{week.label}",
                      format_func=option_texts.__getitem__)
week = choices[labels.index(picked)]
if st.query_params.get("week") != week.label:
    st.query_params["week"] = week.label
st.caption(ctx.t("wk_judged_at", as_of=f"{week.as_of:%Y-%m-%d %H:%M}"))

report = weekly.load_report(ctx.run, week)
ui.status_banner(ctx)

# -- briefing
with st.container(border=True, key="weekly_briefing"):
    st.markdown(f"**{ctx.t('wk_briefing')}**")
    st.markdown(briefing(report, quote=ui.escape))
    st.caption(ctx.t("wk_briefing_note"))

section = ui.url_section(ctx, "weekly")

# -- headline figures per area, with arrows against last week and a year earlier
if section == "headlines":
    st.subheader(ctx.t("wk_headlines"))
    for area in weekly.AREAS:
        cards = tables.kpi_cards(report, area)
        st.markdown(f"#### {ctx.t(f'wk_area_{area}')}")
        if not report.this.has_data[area]:
            st.info(ctx.t("wk_no_data_area", area=ctx.t(f"wk_area_{area}")))
        if note := tables.year_ago_note(report, area):  # no data a year earlier: why the "—"
            st.caption(note)
        for col, card in zip(st.columns(len(cards)), cards):
            with col:
                ui.kpi_card(ctx, card["kpi_key"], card["value"], previous=card["previous"], text=card["text"],
                            delta_label=ctx.t("wk_vs_prev_week"), caption=card["caption"])

    with st.expander(ctx.t("wk_headlines"), expanded=False):
        st.dataframe(tables.headline_table(report, as_text=True), hide_index=True, width="stretch")
        if note := tables.year_ago_note(report):
            st.caption(note)

# -- trends: the last weeks of every headline figure against its target (one query over the weeks)
if section == "trend":
    st.subheader(ctx.t("wk_trend", n=weekly.TREND_WEEKS))
    st.caption(ctx.t("wk_status_rule"))
    if ui.table_or_empty(tables.trend_table(report, as_text=True), lambda table: table, key="wk_trend_table"):
        choices = charts.trend_choices()
        names = {f"{a}.{k}": tables.with_unit(weekly.METRIC[(a, k)].name(), weekly.METRIC[(a, k)].unit())
                 for a, k in choices}
        picked_metric = st.selectbox(ctx.t("wk_trend_pick"), list(names), format_func=names.__getitem__,
                                     key="wk_trend_metric")
        area_key, metric_key = picked_metric.split(".", 1)
        st.plotly_chart(charts.trend_figure(report, area_key, metric_key), width="stretch", key="wk_trend_chart")

# -- largest movers
if section == "movers":
    st.subheader(ctx.t("wk_movers"))
    tabs = st.tabs([ctx.t(f"wk_kind_{k}") for k in weekly.MOVER_KINDS])
    for tab, kind in zip(tabs, weekly.MOVER_KINDS):
        with tab:
            ui.table_or_empty(tables.mover_rows(report, kind), lambda rows, kind=kind: tables.mover_display(rows, kind),
                              key=f"wk_movers_{kind}")

# -- who must act: the escalation list by holder (carried from last week, new, cleared), overdue by holder
if section == "act":
    st.subheader(ctx.t("wk_act"))
    st.caption(ctx.t("wk_escalation_rule", h=weekly.ESCALATE_HOURS, r=weekly.ESCALATE_REWORKS) + " " + ctx.t("wk_act_hint"))
    if report.action_list.empty:
        st.info(ctx.t("wk_act_none"))
    else:
        dept_tab, squadron_tab, open_tab, cleared_tab = st.tabs(
            [ctx.t("wk_holders"), ctx.t("wk_by_squadron"), ctx.t("wk_act_open"), ctx.t("wk_act_cleared_list")])
        with dept_tab:
            ui.table_or_empty(tables.action_summary(report, "department"), lambda table: table, key="wk_act_dept")
        with squadron_tab:
            ui.table_or_empty(tables.action_summary(report, "squadron"), lambda table: table, key="wk_act_squadron")
        with open_tab:
            still = tables.action_table(report)
            still = still[still[ctx.t("wk_col_state")] != ctx.t("wk_state_cleared")] if not still.empty else still
            ui.table_or_empty(still, lambda table: table, key="wk_act_open")
        with cleared_tab:
            ui.table_or_empty(tables.action_table(report, "cleared"), lambda table: table, key="wk_act_cleared")

    st.markdown(f"**{ctx.t('wk_overdue')}**")
    holders = tables.holders_table(report)
    if holders.empty:
        st.info(ctx.t("wk_overdue_none"))
    else:
        left, right = st.columns(2)
        with left:
            st.dataframe(ui.display_table(holders), hide_index=True, width="stretch",
                         column_config=ui.number_formats(holders))
        with right:
            squadrons = tables.squadron_table(report)
            st.dataframe(ui.display_table(squadrons), hide_index=True, width="stretch",
                         column_config=ui.number_formats(squadrons))
        overdue = tables.overdue_table(report)
        st.dataframe(ui.display_table(overdue), hide_index=True, width="stretch",
                     column_config=ui.number_formats(overdue))

# -- KPI ranking of towns and squadrons
if section == "ranking":
    st.subheader(ctx.t("wk_ranking"))
    town_tab, squadron_tab = st.tabs([ctx.t("by_town"), ctx.t("by_squadron")])
    for tab, level in ((town_tab, "town"), (squadron_tab, "squadron")):
        with tab:
            if ui.table_or_empty(tables.ranking_table(report, level), lambda table: table, key=f"wk_ranking_{level}"):
                ui.kpi_definition(ctx, "composite_score")

# -- one page per town: its figures, rank and change, its worst grids
if section == "town":
    st.subheader(ctx.t("wk_town"))
    town_names = dict(tables.towns(report))
    if town_names:
        town = st.selectbox(ctx.t("wk_town_pick"), list(town_names), format_func=town_names.__getitem__, key="wk_town")
        rank, of = tables.town_rank(report, town)
        before, _ = tables.town_rank(report, town, "previous")
        st.caption(ctx.t("wk_town_rank", rank=rank, of=of, prev=before or "—") if rank else ctx.t("wk_town_unranked"))
        left, right = st.columns([3, 2])
        with left:
            ui.table_or_empty(tables.town_page_table(report, town, as_text=True), lambda table: table, key="wk_town_figures")
        with right:
            st.markdown(f"**{ctx.t('wk_worst_grids')}**")
            ui.table_or_empty(tables.worst_grids_table(report, town), lambda table: table, key="wk_town_grids")


# -- the meeting pack, built on demand and cached per week
@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _pack(url: str, week_label: str, lang: str, history: str, _report: weekly.WeeklyReport) -> pack_builder.Pack:
    return pack_builder.build_pack(_report, lang)


st.subheader(ctx.t("wk_pack"))
st.caption(ctx.t("wk_pack_hint"))
pack_key = f"weekly_pack_{week.label}_{ctx.lang}"
if report.unavailable:
    st.button(ctx.t("wk_generate"), disabled=True, key="wk_generate_disabled")
elif st.button(ctx.t("wk_generate"), key="wk_generate", icon=":material/slideshow:") or st.session_state.get(pack_key):
    with st.spinner(ctx.t("wk_generating")):
        # the history is in the key: a pack made while the demo's older history loaded lacks the year before
        pack = _pack(ctx.gateway.url, week.label, ctx.lang, ctx.runtime.history, report)
    st.session_state[pack_key] = True
    c1, c2, c3 = st.columns(3)
    with c1:
        st.download_button(ctx.t("wk_download_pptx"), pack.pptx, file_name=f"{pack.stem}.pptx",
                           mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                           icon=":material/download:", key="wk_dl_pptx", on_click="ignore")
    with c2:
        st.download_button(ctx.t("wk_download_xlsx"), pack.xlsx, file_name=f"{pack.stem}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           icon=":material/download:", key="wk_dl_xlsx", on_click="ignore")
    with c3:
        st.download_button(ctx.t("wk_download_pdf"), pack.pdf, file_name=f"{pack.stem}.pdf", mime="application/pdf",
                           icon=":material/download:", key="wk_dl_pdf", on_click="ignore")
