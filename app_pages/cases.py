"""网格案件 Grid cases: where problems arise, how they move through the workflow, who is late."""

from __future__ import annotations

import streamlit as st

from cockpit import area, i18n, maps, ui
from cockpit.cases import charts, data, rules
from cockpit.cases import maps as cases_map

ctx = ui.page_context()
ui.header(ctx, "cases_title")
f = ctx.filters
options = area.load(ctx.start, data.options(f.town_code))

c1, c2 = st.columns(2)
with c1:
    category = ui.url_choice(ctx, "category", charts.category_options(options.categories), ctx.t("category_filter"))
with c2:
    source = ui.url_choice(ctx, "source", charts.source_options(options.sources), ctx.t("source_filter"))

# -- the selected area (town → community → grid, narrowed by a click on the map): every part shows it
raw_area = st.query_params.get("area")
where, area_ok = cases_map.drill(f.town_code, raw_area, options.known_areas)
if not area_ok:
    st.warning(ctx.t("area_needs_town", value=ui.escape(raw_area)), icon=":material/warning:")
    del st.query_params["area"]
a1, a2 = st.columns([4, 1])
with a1:
    crumbs = cases_map.crumbs(where, charts.names(options.towns, "town_code"), options.grid_shapes)
    st.markdown(f"**{ctx.t('selected_area')}{i18n.colon().strip()}** " + " › ".join(crumbs))
with a2:
    if where.level != "city" and st.button(ctx.t("drill_up"), key="drill_up"):
        ui.set_url(where.up())

kpi_row = st.container()  # the status and the KPIs, drawn once the data is in, above the parts
section = ui.url_section(ctx, "cases")
layer_kind = "grids"
if section == "map":
    st.subheader(ctx.t("cases_map"))
    st.caption(ctx.t("drill_hint_city" if where.level == "city" else "drill_hint_town"))
    m1, m2 = st.columns(2)
    with m1:
        measure = ui.url_radio(ctx, "measure", {k: ctx.t(f"measure_{k}") for k in cases_map.MEASURES},
                               ctx.t("measure"), "received")
    with m2:
        layer_kind = ui.url_radio(ctx, "layer", {"grids": ctx.t("layer_grids"), "hex": ctx.t("layer_hex")},
                                  ctx.t("map_layer"), "grids")

cases = area.load(ctx.start, data.page(
    f.date_from, f.date_to, f.previous_period(), town_code=f.town_code, squadron_code=f.squadron_code,
    area=where.area, source_code=source, category_code=category, level=where.level,
    hexagons=layer_kind == "hex", days=f.days, today=ctx.today))

# -- the status and the standard KPIs for the current filter, on every part
with kpi_row:
    ui.status_banner(ctx)
    for col, key in zip(st.columns(len(rules.KPI_CARDS)), rules.KPI_CARDS):
        with col:
            ui.kpi_card(ctx, key, cases.rates.get(key), previous=cases.rates.before(key))
    side = cases.rates.side
    if side is not None:
        st.caption(ctx.t("side_paths", r=ui.fmt_int(side["reworked"]), e=ui.fmt_int(side["extended"]),
                         d=ui.fmt_int(side["deferred"]), j=ui.fmt_int(side["rejected"])))

# -- map: a click narrows everything
if section == "map":
    view = cases_map.page_map(where, cases.map, options.grid_shapes, measure, layer_kind)
    if view is None:
        st.info(ctx.t("empty"))
    else:
        event = maps.show(view.deck, key=f"cases_map_{where.level}_{where.town_code}_{where.area}_{measure}_"
                                         f"{layer_kind}", selectable=True)
        maps.show_legend(view.legend_title, view.legend)
        st.caption(ctx.t("map_payload", kb=f"{view.payload_kb:,.0f}"))
        picked = maps.selected_objects(event, "areas")
        change = cases_map.clicked(where, picked[0] if picked else {})
        if change is not None:
            ui.set_url(change)

# -- workflow
if section == "workflow":
    st.subheader(ctx.t("workflow"))
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{ctx.t('stage_now')}**")
        ui.chart_or_empty(cases.stage_now, charts.stage_bars, key="cases_stage_now",
                          is_empty=lambda df: df["open_cases"].sum() + df["deferred_cases"].sum() == 0)
    with right:
        st.markdown(f"**{ctx.t('stage_durations')}**")
        ui.table_or_empty(cases.durations, charts.stage_duration_table, key="cases_durations")

    st.markdown(f"**{ctx.t('flow_title')}**")
    if ui.chart_or_empty(cases.flow, charts.source_outcome_sankey, key="cases_flow"):
        st.caption(ctx.t("flow_auto", auto=ui.fmt_int(cases.flow_totals.auto_closed),
                         closed=ui.fmt_int(cases.flow_totals.closed)))

# -- ranking per town, squadron and department
if section == "ranking":
    st.subheader(ctx.t("ranking"))
    tabs = st.tabs([ctx.t("by_town"), ctx.t("by_squadron"), ctx.t("by_department")])
    for tab, dimension, code_col in ((tabs[0], "town", "town_code"), (tabs[1], "squadron", "squadron_code"),
                                     (tabs[2], "department", "dept_code")):
        with tab:
            ui.table_or_empty(charts.group_ranking(cases.by_group[dimension], cases.lookups[dimension], code_col),
                              lambda table: table, key=f"cases_rank_{dimension}")
    ui.kpi_definition(ctx, "composite_score")

# -- overdue and nearly due
if section == "overdue":
    st.subheader(ctx.t("overdue_title"))
    ui.table_or_empty(cases.overdue, charts.overdue_table, key="cases_overdue", empty_key="overdue_none",
                      ok_when_empty=True)

# -- categories, sources and rhythm
if section == "categories":
    st.subheader(ctx.t("categories_title"))
    left, right = st.columns([3, 2])
    if cases.by_category is None or cases.by_category.empty:
        st.info(ctx.t("empty"))
    else:
        with left:
            st.markdown(f"**{ctx.t('top_categories')}**")
            st.plotly_chart(charts.category_bars(cases.by_category), width="stretch", key="cases_categories")
        with right:
            st.markdown(f"**{ctx.t('sources')}**")
            st.plotly_chart(charts.source_donut(cases.by_category), width="stretch", key="cases_sources")
    st.markdown(f"**{ctx.t('trend_by_source')}**")
    if ui.chart_or_empty(cases.trend, lambda df: charts.trend_by_source(df, weekly=cases.trend_weekly),
                         key="cases_trend"):
        st.caption(ctx.t("trend_weekly" if cases.trend_weekly else "trend_daily"))
    st.markdown(f"**{ctx.t('rhythm')}**")
    ui.chart_or_empty(cases.pattern, charts.hour_weekday_heatmap, key="cases_rhythm")

# -- three-colour shop code
if section == "shops":
    st.subheader(ctx.t("shop_code"))
    st.caption(ctx.t("shop_rule"))
    shops = cases.shops
    if shops is None:
        st.info(ctx.t("empty"))
    else:
        for col, colour in zip(st.columns(3), rules.COLOURS):
            with col:
                ui.kpi_card(ctx, "shop_red", shops.counts[colour], label=ctx.t(f"shops_{colour}"),
                            text=ui.fmt_int(shops.counts[colour], ctx.t("shops_unit")),
                            caption=ctx.t("red_this_week", n=shops.turned_red_this_week) if colour == rules.RED else None)
        st.dataframe(charts.shops_by_road_table(shops), hide_index=True, width="stretch", key="cases_shops_by_road")
