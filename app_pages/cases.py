"""网格案件 Grid cases: where problems arise, how they move through the workflow, who is late."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from cockpit import maps, ui
from cockpit.cases import charts, rules
from cockpit.cases import maps as cases_map
from cockpit.gateway import NOW

ctx = ui.page_context()
ui.header(ctx, "cases_title")
f = ctx.filters
name_col = "name_zh" if ctx.lang == "zh" else "name_en"

categories = ctx.run("common.case_categories")
sources = ctx.run("common.case_sources")
c1, c2 = st.columns(2)
with c1:
    category_options = {} if categories is None else {
        r["category_code"]: f"{r['major_name_zh']} / {r['minor_name_zh' if ctx.lang == 'zh' else 'minor_name_en']}"
        for r in categories.to_dict("records")}
    category = ui.url_choice(ctx, "category", category_options, ctx.t("category_filter"))
with c2:
    source_options = {} if sources is None else dict(zip(sources["source_code"], sources[name_col]))
    source = ui.url_choice(ctx, "source", source_options, ctx.t("source_filter"))

period = {"date_from": f.date_from, "date_to": f.date_to}
map_scope = {"town_code": f.town_code, "squadron_code": f.squadron_code, "source_code": source,
             "category_code": category}

# -- map: town → community → grid; a click narrows everything below
st.subheader(ctx.t("cases_map"))
grid_shapes = ctx.run("common.grid_shapes", town_code=f.town_code)
known = set() if grid_shapes is None else set(grid_shapes["grid_code"]) | set(grid_shapes["community_code"])
raw_area = st.query_params.get("area")
where, area_ok = cases_map.drill(f.town_code, raw_area, known)
if not area_ok:
    st.warning(ctx.t("area_needs_town", value=ui.escape(raw_area)), icon=":material/warning:")
    del st.query_params["area"]
m1, m2, m3 = st.columns([2, 2, 3])
with m1:
    measure = ui.url_radio(ctx, "measure", {k: ctx.t(f"measure_{k}") for k in cases_map.MEASURES},
                           ctx.t("measure"), "received")
with m2:
    layer_kind = ui.url_radio(ctx, "layer", {"grids": ctx.t("layer_grids"), "hex": ctx.t("layer_hex")},
                              ctx.t("map_layer"), "grids")
with m3:
    crumbs = [ctx.t("drill_city")]
    towns_all = ctx.run("common.towns")
    town_names = {} if towns_all is None else dict(zip(towns_all["town_code"], towns_all[name_col]))
    if where.town_code:
        crumbs.append(ui.escape(town_names.get(where.town_code, where.town_code)))
    if where.community_code and grid_shapes is not None:
        names = dict(zip(grid_shapes["community_code"], grid_shapes["community_name_zh"]))
        crumbs.append(ui.escape(names.get(where.community_code, where.community_code)))
    if where.grid_code:
        crumbs.append(f"{ctx.t('grid')} {ui.escape(where.grid_code)}")
    st.markdown(f"**{ctx.t('selected_area')}：** " + " › ".join(crumbs))
    if where.level != "city" and st.button(ctx.t("drill_up"), key="drill_up"):
        ui.set_url(where.up())
    st.caption(ctx.t("drill_hint_city" if where.level == "city" else "drill_hint_town"))

scope = {"town_code": f.town_code, "squadron_code": f.squadron_code}
case_scope = {**scope, "area": where.area, "source_code": source, "category_code": category}
kpi_params = {"as_of": NOW, **period, **case_scope}
prev_from, prev_to = f.previous_period()
# every later query depends on the filters only: start them side by side, the slowest first
q = ctx.start(
    durations=("cases.stage_durations", dict(as_of=NOW, **period, **case_scope)),
    by_grid=("cases.by_grid", dict(as_of=NOW, **period, **map_scope)),
    **({"bins": ("cases.density_bins", dict(as_of=NOW, **period, **map_scope, bin_deg=0.002))}
       if layer_kind == "hex" else {}),
    by_town=("cases.kpis_by_group", dict(dimension="town", **kpi_params)),
    by_town_prev=("cases.kpis_by_group", dict(dimension="town", **{**kpi_params, "date_from": prev_from,
                                                                    "date_to": prev_to})),
    stage_now=("cases.stage_now", dict(as_of=NOW, **case_scope)),
    flow=("cases.source_outcome", kpi_params),
    by_squadron=("cases.kpis_by_group", dict(dimension="squadron", **kpi_params)),
    by_department=("cases.kpis_by_group", dict(dimension="department", **kpi_params)),
    overdue=("cases.overdue_list", dict(as_of=NOW, horizon_hours=2, limit_rows=200, **case_scope)),
    by_category=("cases.by_category", dict(as_of=NOW, **period, **case_scope)),
    trend=("cases.trend", kpi_params),
    pattern=("cases.hour_weekday", dict(as_of=NOW, **period, **case_scope)),
    shops=("cases.shop_violation_days", dict(as_of=NOW, town_code=f.town_code)),
)

by_grid = q["by_grid"]
column, unit_zh, unit_en, palette, digits = cases_map.MEASURES[measure]
unit = unit_zh if ctx.lang == "zh" else unit_en
layers = []
shape_key = "grid_code"
if by_grid is not None and grid_shapes is not None:
    shape_key, values = cases_map.values_for(where, by_grid)
    scale = maps.scale_for(values[column], palette, unit, digits,
                           fixed=cases_map.ONTIME_BREAKS if measure == "ontime" else None)
    if where.level == "city":
        shapes = ctx.run("common.town_shapes")
        shapes = shapes.assign(name=shapes[name_col]) if shapes is not None else None
    else:
        shapes = grid_shapes.assign(name=grid_shapes["community_name_zh"] + " · " + grid_shapes["grid_code"])
    if shapes is not None:
        layers.append(maps.choropleth_layer(shapes, values, column, scale, key=shape_key, layer_id="areas",
                                            extra=["name", "town_code", "grid_code", "community_code"]))
        if where.area:
            chosen = grid_shapes[grid_shapes["grid_code"].str.startswith(where.area)]
            layers.append(maps.outline_layer(chosen))
    if layer_kind == "hex":
        bins = q["bins"]
        if bins is not None:
            hexes, hex_scale = maps.hexagon_layer(bins.rename(columns={"cases": "n"}), weight="n",
                                                  resolution=8 if f.town_code else 7, layer_id="hexagons",
                                                  unit=ctx.t("cases_unit"))
            layers.append(hexes)
            scale = hex_scale
    bounds = None
    if f.town_code is not None and not grid_shapes.empty:
        bounds = maps.points_bounds(grid_shapes, lat="centroid_lat", lon="centroid_lon")
    deck = maps.deck(layers, lang=ctx.lang, view=maps.view_for(bounds),
                     tooltip=maps.TOOLTIP)
    event = maps.show(deck, key=f"cases_map_{where.level}_{where.town_code}_{where.area}_{measure}_{layer_kind}",
                      selectable=True)
    legend_title = ctx.t("layer_hex") if layer_kind == "hex" else ctx.t(f"measure_{measure}")
    maps.show_legend(legend_title, scale.legend_items(ctx.lang))
    st.caption(ctx.t("map_payload", kb=f"{maps.payload_bytes(deck) / 1024:,.0f}"))
    picked = maps.selected_objects(event, "areas")
    change = cases_map.clicked(where, picked[0] if picked else {})
    if change is not None:
        ui.set_url(change)
else:
    st.info(ctx.t("empty"))

by_town = q["by_town"]
by_town_prev = q["by_town_prev"]
ui.status_banner(ctx)

# -- standard KPIs for the current filter
rates = charts.case_rates_total(by_town)
prev_rates = charts.case_rates_total(by_town_prev)
keys = ["close_rate", "ontime_close_rate", "dispose_rate", "ontime_dispose_rate", "rework_rate", "composite_score",
        "auto_close_rate"]
cols = st.columns(len(keys))
for col, key in zip(cols, keys):
    with col:
        ui.kpi_card(ctx, key, rates.get(key), previous=prev_rates.get(key))
if by_town is not None and not by_town.empty:
    st.caption(ctx.t("side_paths", r=ui.fmt_int(by_town["reworked"].sum()), e=ui.fmt_int(by_town["extended"].sum()),
                     d=ui.fmt_int(by_town["deferred"].sum()), j=ui.fmt_int(by_town["rejected"].sum())))

# -- workflow
st.subheader(ctx.t("workflow"))
left, right = st.columns(2)
with left:
    st.markdown(f"**{ctx.t('stage_now')}**")
    stage_now = q["stage_now"]
    if stage_now is None or stage_now["open_cases"].sum() == 0:
        st.info(ctx.t("empty"))
    else:
        st.plotly_chart(charts.stage_bars(stage_now, ctx.lang), width="stretch", key="cases_stage_now")
with right:
    st.markdown(f"**{ctx.t('stage_durations')}**")
    durations = q["durations"]
    table = charts.stage_duration_table(durations, ctx.lang)
    if table.empty:
        st.info(ctx.t("empty"))
    else:
        st.dataframe(table, hide_index=True, width="stretch", key="cases_durations")

st.markdown(f"**{ctx.t('flow_title')}**")
flow = q["flow"]
if flow is None or flow.empty:
    st.info(ctx.t("empty"))
else:
    st.plotly_chart(charts.source_outcome_sankey(flow, ctx.lang), width="stretch", key="cases_flow")
    auto = int(flow["auto_closed"].sum())
    closed = int(flow[flow["outcome"].str.startswith("closed")]["cases"].sum())
    st.caption(ctx.t("flow_auto", auto=ui.fmt_int(auto), closed=ui.fmt_int(closed)))

# -- ranking per town, squadron and department
st.subheader(ctx.t("ranking"))
towns = ctx.run("common.towns")
squadrons = ctx.run("common.squadrons")
departments = ctx.run("common.departments")
tabs = st.tabs([ctx.t("by_town"), ctx.t("by_squadron"), ctx.t("by_department")])
for tab, dimension, lookup, code_col in (
        (tabs[0], "town", towns, "town_code"), (tabs[1], "squadron", squadrons, "squadron_code"),
        (tabs[2], "department", departments, "dept_code")):
    with tab:
        frame = by_town if dimension == "town" else q[f"by_{dimension}"]
        names = {} if lookup is None else dict(zip(lookup[code_col], lookup[name_col]))
        ranking = charts.group_ranking(frame, names, ctx.lang)
        if ranking.empty:
            st.info(ctx.t("empty"))
        else:
            st.dataframe(ranking, hide_index=True, width="stretch", key=f"cases_rank_{dimension}")
ui.kpi_definition(ctx, "composite_score")

# -- overdue and nearly due
st.subheader(ctx.t("overdue_title"))
overdue = q["overdue"]
if overdue is None or overdue.empty:
    st.success(ctx.t("overdue_none"))
else:
    st.dataframe(pd.DataFrame({
        ctx.t("col_case"): overdue["case_id"].astype(str),
        ctx.t("col_category"): overdue["category_name_zh" if ctx.lang == "zh" else "category_name_en"],
        ctx.t("col_grid"): overdue["grid_code"],
        ctx.t("col_holder"): overdue["handler_name_zh" if ctx.lang == "zh" else "handler_name_en"]
        .fillna(overdue["handler_dept_code"]),
        ctx.t("col_deadline"): overdue["close_deadline_at"].dt.strftime("%Y-%m-%d %H:%M"),
        ctx.t("col_late"): overdue["hours_late"].round(1),
        ctx.t("col_age"): overdue["age_hours"].round(1),
    }), hide_index=True, width="stretch", key="cases_overdue")

# -- categories, sources and rhythm
st.subheader(ctx.t("categories_title"))
by_category = q["by_category"]
left, right = st.columns([3, 2])
if by_category is None or by_category.empty:
    st.info(ctx.t("empty"))
else:
    with left:
        st.markdown(f"**{ctx.t('top_categories')}**")
        st.plotly_chart(charts.category_bars(by_category, ctx.lang), width="stretch", key="cases_categories")
    with right:
        st.markdown(f"**{ctx.t('sources')}**")
        st.plotly_chart(charts.source_donut(by_category, ctx.lang), width="stretch", key="cases_sources")
st.markdown(f"**{ctx.t('trend_by_source')}**")
trend = q["trend"]
if trend is None or trend["received"].sum() == 0:
    st.info(ctx.t("empty"))
else:
    weekly = f.days > 62
    st.plotly_chart(charts.trend_by_source(trend, ctx.lang, weekly=weekly), width="stretch", key="cases_trend")
    st.caption(ctx.t("trend_weekly" if weekly else "trend_daily"))
st.markdown(f"**{ctx.t('rhythm')}**")
pattern = q["pattern"]
if pattern is None or pattern.empty:
    st.info(ctx.t("empty"))
else:
    st.plotly_chart(charts.hour_weekday_heatmap(pattern, ctx.lang), width="stretch", key="cases_rhythm")

# -- three-colour shop code
st.subheader(ctx.t("shop_code"))
st.caption(ctx.t("shop_rule"))
shops = q["shops"]
if shops is None or shops.empty:
    st.info(ctx.t("empty"))
else:
    classified = pd.DataFrame(rules.classify_shops(shops.to_dict("records"), ctx.today))
    week_start = ctx.today - dt.timedelta(days=ctx.today.weekday())
    counts = classified["colour"].value_counts()
    turned_red = classified[(classified["colour"] == rules.RED)
                            & classified["changed_on"].apply(lambda d: d is not None and d >= week_start)]
    g, y, r = st.columns(3)
    for col, colour in ((g, rules.GREEN), (y, rules.YELLOW), (r, rules.RED)):
        with col:
            ui.kpi_card(ctx, "shop_red", int(counts.get(colour, 0)), label=ctx.t(f"shops_{colour}"),
                        text=ui.fmt_int(counts.get(colour, 0), ctx.t("shops_unit")),
                        caption=ctx.t("red_this_week", n=len(turned_red)) if colour == rules.RED else None)
    by_road = (classified.groupby(["road_name", "colour"]).size().unstack(fill_value=0)
               .reindex(columns=list(rules.COLOURS), fill_value=0))
    by_road = by_road.sort_values(list(reversed(rules.COLOURS)), ascending=False).head(10)
    by_road.columns = [ctx.t(f"shops_{c}") + f"（{ctx.t('shops_unit')}）" for c in by_road.columns]
    st.dataframe(by_road, width="stretch", key="cases_shops_by_road")
