"""无人机巡航 Drone patrols: are the drones flying, what do they cover, what do they find, where has none been."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from cockpit import area, maps, ui
from cockpit.drones import charts as cd
from cockpit.drones import data
from cockpit.drones import maps as dmaps
from cockpit.drones import rules as dr

ctx = ui.page_context()
ui.header(ctx, "dr_title")
f = ctx.filters
st.caption(ctx.t("dr_intro"))

# -- the page's own choices: the day of tracks (drawn with the map) and the blind-spot window (both in the URL)
earliest = ctx.today - dt.timedelta(days=dr.DAY_PICKER_DAYS)
raw_day = st.query_params.get("day")
day, day_ok = dr.parse_day(raw_day, ctx.today, earliest)
if not day_ok:
    st.warning(ctx.t("bad_param", key="day", value=ui.escape(raw_day)), icon=":material/warning:")
    del st.query_params["day"]
blind_days = int(ui.url_radio(ctx, "blind", {str(n): ctx.t("dr_days_opt", n=n) for n in dr.BLIND_DAYS_CHOICES},
                              ctx.t("dr_blind_days"), str(dr.DEFAULT_BLIND_DAYS)))

d = area.load(ctx.start, data.page(f.town_code, f.date_from, f.date_to, day, blind_days))
ui.status_banner(ctx)
s, city, det = d.summary, d.city, d.detection_totals

# -- KPIs
cols = st.columns(7)
with cols[0]:
    ui.kpi_card(ctx, "drone_sorties", s.sorties_today, label=ctx.t("dr_sorties_today"),
                text=ui.fmt_int(s.sorties_today, ctx.t("dr_unit_sorties")),
                caption=ctx.t("dr_sorties_caption", w=ui.fmt_int(s.sorties_week), u=ui.fmt_pct(d.utilisation_pct)))
with cols[1]:
    ui.kpi_card(ctx, "drone_nests", s.nests,
                text=ctx.t("dr_nests_text", f=ui.fmt_int(s.nests_flying), i=ui.fmt_int(s.nests_idle),
                           d=ui.fmt_int(s.nests_down)),
                caption=ctx.t("dr_nests_caption", n=ui.fmt_int(s.nests)))
for col, days, key in zip(cols[2:5], dr.COVERAGE_WINDOWS_DAYS,
                          ("drone_coverage_1d", "drone_coverage", "drone_coverage_30d")):
    with col:
        ui.kpi_card(ctx, key, city.share(days), label=ctx.t(f"dr_cov_{days}d"),
                    caption=None if not city.known else ctx.t("dr_cov_caption", c=ui.fmt_int(city.covered(days)),
                                                              n=ui.fmt_int(city.grids_total)))
with cols[5]:
    ui.kpi_card(ctx, "drone_blind_spots", city.blind_now, previous=city.blind_week_ago,
                label=ctx.t("dr_blind", n=blind_days), delta_label=ctx.t("dr_vs_week"),
                text=ui.fmt_int(city.blind_now, ctx.t("dr_unit_grids_short")),
                caption=None if not city.known else ctx.t("dr_blind_caption", p=ui.fmt_int(city.blind_week_ago),
                                                          new=ui.fmt_int(city.blind_new),
                                                          res=ui.fmt_int(city.blind_resolved)))
with cols[6]:
    ui.kpi_card(ctx, "drone_detection_cases", det.cases, text=ui.fmt_int(det.cases, ctx.t("dr_unit_cases")),
                caption=ctx.t("dr_det_caption", s=ui.fmt_int(det.sorties), d=ui.fmt_int(det.detections),
                              c=ui.fmt_int(det.cases), q=ui.fmt_num(det.cases_per_100_sorties, ctx.t("dr_unit_cases")),
                              p=ui.fmt_num(dr.PUBLISHED_CASES_PER_100_SORTIES, ctx.t("dr_unit_cases"))))

section = ui.url_section(ctx, "drones")

# -- map: grids by days since the last pass, blind spots outlined, the day's tracks, the nests
if section == "map":
    st.subheader(ctx.t("dr_map"))
    c1, _ = st.columns([1, 3])
    with c1:
        picked = st.date_input(ctx.t("dr_day"), value=day, min_value=earliest, max_value=ctx.today,
                               key=f"dr_day_{day}", format="YYYY-MM-DD")
    if isinstance(picked, dt.date) and picked != day:
        ui.set_url({"day": None if picked == ctx.today else picked.isoformat()})
    if d.map.empty:
        st.info(ctx.t("empty"))
    else:
        deck = dmaps.deck_of(d.map)
        maps.show(deck, key=f"drone_map_{f.town_code}_{day}_{blind_days}")
        left, right = st.columns(2)
        with left:
            maps.show_legend(ctx.t("dr_legend_days"), dmaps.days_legend())
        with right:
            maps.show_legend(ctx.t("dr_legend_nests"), dmaps.nests_legend())
        if d.map.n_flights == 0:
            st.caption(ctx.t("dr_no_flights_day", d=f"{day:%Y-%m-%d}"))
        st.caption(ctx.t("dr_map_caption", d=f"{day:%Y-%m-%d}", n=d.map.n_flights, s=dr.PATH_STEP_S) + " · "
                   + ctx.t("map_payload", kb=f"{dmaps.payload_kb(deck):,.0f}"))

# -- blind spots and coverage by town
if section == "blind":
    left, right = st.columns([3, 2])
    with left:
        st.subheader(ctx.t("dr_blind_table"))
        if d.grid_status is None or d.grid_status.empty:
            st.info(ctx.t("empty"))
        elif ui.table_or_empty(d.grid_status, lambda g: cd.blind_table(g, d.grid_shapes, d.town_names()),
                               key="dr_blind_table", is_empty=lambda g: not d.has_blind, empty_key="dr_no_blind",
                               n=blind_days):
            st.caption(ctx.t("dr_blind_table_note"))
    with right:
        st.subheader(ctx.t("dr_cov_table"))
        if d.coverage is None or d.coverage.empty:
            st.info(ctx.t("empty"))
        else:
            table = cd.coverage_table(d.coverage)
            st.dataframe(table, hide_index=True, width="stretch", key="dr_cov_table",
                         column_config={**ui.number_formats(table),
                                        **{c: st.column_config.NumberColumn(format="%,.1f") for c in table.columns
                                           if c.endswith("(%)")}})

# -- nests
if section == "nests":
    st.subheader(ctx.t("dr_nests_table"))
    ui.table_or_empty(d.nests, lambda n: cd.nests_table(n, d.town_names()), key="dr_nests")

# -- detections → cases
if section == "detections":
    st.subheader(ctx.t("dr_detections"))
    if not det.any:
        st.info(ctx.t("empty"))
    else:
        left, right = st.columns([3, 2])
        with left:
            st.markdown(f"**{ctx.t('dr_det_by_category')}**")
            ui.chart_or_empty(d.detections, cd.detection_bars, key="dr_det_bars", is_empty=lambda _: not d.has_categories)
        with right:
            st.plotly_chart(cd.funnel(d.detections), width="stretch", key="dr_funnel")
            st.caption(ctx.t("dr_published", p=f"{dr.PUBLISHED_CASES_PER_100_SORTIES:.1f}"))
        tabs = st.tabs([ctx.t("dr_det_by_nest"), ctx.t("dr_det_by_route"), ctx.t("dr_det_by_category")])
        for tab, dimension in zip(tabs, ("nest", "route", "category")):
            with tab:
                ui.table_or_empty(d.detections, lambda det_rows, dimension=dimension: cd.detection_table(det_rows, dimension),
                                  key=f"dr_det_{dimension}")

# -- broken tracks are left out and counted; the definition one click away
with st.expander(ctx.t("dr_quality")):
    line, details = cd.quality_text(d.quality)
    st.write(line)
    if details:
        st.markdown("\n".join(f"- {x}" for x in details))
with st.expander(ctx.t("dr_definition")):
    st.markdown(dr.definition())
    st.caption(ctx.t("dr_rules_more"))
