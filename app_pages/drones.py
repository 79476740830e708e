"""无人机巡航 Drone patrols: are the drones flying, what do they cover, what do they find, where has none been."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from cockpit import kpi, maps, ui
from cockpit.drones import charts as cd
from cockpit.drones import rules as dr
from cockpit.gateway import NOW

ctx = ui.page_context()
ui.header(ctx, "dr_title")
f = ctx.filters
st.caption(ctx.t("dr_intro"))
name_col = "name_zh" if ctx.lang == "zh" else "name_en"

# -- the page's own choices: the day of tracks and the blind-spot window (both in the URL)
c1, c2 = st.columns([1, 2])
with c1:
    earliest = ctx.today - dt.timedelta(days=dr.DAY_PICKER_DAYS)
    raw_day = st.query_params.get("day")
    day, day_ok = dr.parse_day(raw_day, ctx.today, earliest)
    if not day_ok:
        st.warning(ctx.t("bad_param", key="day", value=ui.escape(raw_day)), icon=":material/warning:")
        del st.query_params["day"]
    picked = st.date_input(ctx.t("dr_day"), value=day, min_value=earliest, max_value=ctx.today,
                           key=f"dr_day_{day}", format="YYYY-MM-DD")
    if isinstance(picked, dt.date) and picked != day:
        ui.set_url({"day": None if picked == ctx.today else picked.isoformat()})
with c2:
    blind_days = int(ui.url_radio(ctx, "blind", {str(n): ctx.t("dr_days_opt", n=n) for n in dr.BLIND_DAYS_CHOICES},
                                  ctx.t("dr_blind_days"), str(dr.DEFAULT_BLIND_DAYS)))

scope = {"town_code": f.town_code}
period = {"date_from": f.date_from, "date_to": f.date_to}
q = ctx.start(  # side by side, the slowest first
    grid_status=("drones.grid_status", dict(as_of=NOW, **scope, blind_days=blind_days)),
    coverage=("drones.coverage_by_town", dict(as_of=NOW, **scope, blind_days=blind_days)),
    quality=("drones.track_quality", dict(as_of=NOW, **period)),
    summary=("overview.drone_summary", dict(as_of=NOW, **scope)),
    nests=("drones.nests", dict(as_of=NOW, **scope, **dr.nest_params())),
    grid_shapes=("common.grid_shapes", scope),
    paths=("drones.day_paths", dict(day=day, as_of=NOW, **scope, **dr.path_params())),
    detections=("drones.detections", dict(as_of=NOW, **period, **scope)),
)
summary = q.one("summary") or {}
nests = q["nests"]
coverage = q["coverage"]
grid_status = q["grid_status"]
grid_shapes = q["grid_shapes"]
paths = q["paths"]
detections = q["detections"]
quality = q["quality"]
towns = ctx.run("common.towns")
town_names = {} if towns is None else dict(zip(towns["town_code"], towns[name_col]))
ui.status_banner(ctx)

city = None
if coverage is not None and not coverage.empty:
    city_rows = coverage[coverage["town_code"].isna()]
    city = city_rows.iloc[0].to_dict() if not city_rows.empty else None
det_total = None
if detections is not None:
    total_rows = detections[detections["dimension"] == "total"]
    det_total = total_rows.iloc[0].to_dict() if not total_rows.empty else None

# -- KPIs
cols = st.columns(7)
with cols[0]:
    ui.kpi_card(ctx, "drone_sorties", summary.get("sorties_today"), label=ctx.t("dr_sorties_today"),
                text=ui.fmt_int(summary.get("sorties_today"), ctx.t("dr_unit_sorties")),
                caption=ctx.t("dr_sorties_caption", w=ui.fmt_int(summary.get("sorties_week")),
                              u=ui.fmt_pct(cd.utilisation_pct(nests))))
with cols[1]:
    ui.kpi_card(ctx, "drone_nests", summary.get("nests"),
                text=ctx.t("dr_nests_text", f=ui.fmt_int(summary.get("nests_flying")),
                           i=ui.fmt_int(summary.get("nests_idle")), d=ui.fmt_int(summary.get("nests_down"))),
                caption=ctx.t("dr_nests_caption", n=ui.fmt_int(summary.get("nests"))))
for col, days, key in zip(cols[2:5], dr.COVERAGE_WINDOWS_DAYS,
                          ("drone_coverage_1d", "drone_coverage", "drone_coverage_30d")):
    with col:
        share = None if not city else kpi.percent(city[f"covered_{days}d"], city["grids_total"])
        ui.kpi_card(ctx, key, share, label=ctx.t(f"dr_cov_{days}d"),
                    caption=None if not city else ctx.t("dr_cov_caption", c=ui.fmt_int(city[f"covered_{days}d"]),
                                                        n=ui.fmt_int(city["grids_total"])))
with cols[5]:
    ui.kpi_card(ctx, "drone_blind_spots", None if not city else city["blind_now"],
                previous=None if not city else city["blind_week_ago"], label=ctx.t("dr_blind", n=blind_days),
                delta_label=ctx.t("dr_vs_week"),
                text=ui.fmt_int(None if not city else city["blind_now"], ctx.t("dr_unit_grids_short")),
                caption=None if not city else ctx.t("dr_blind_caption", p=ui.fmt_int(city["blind_week_ago"]),
                                                    new=ui.fmt_int(city["blind_new"]),
                                                    res=ui.fmt_int(city["blind_resolved"])))
with cols[6]:
    sorties = None if not det_total else det_total["sorties"]
    cases = None if not det_total else det_total["became_case"]
    ui.kpi_card(ctx, "drone_detection_cases", cases, text=ui.fmt_int(cases, ctx.t("dr_unit_cases")),
                caption=ctx.t("dr_det_caption", s=ui.fmt_int(sorties),
                              d=ui.fmt_int(None if not det_total else det_total["detections"]), c=ui.fmt_int(cases),
                              q=ui.fmt_num(dr.cases_per_100_sorties(cases, sorties), ctx.t("dr_unit_cases")),
                              p=ui.fmt_num(dr.PUBLISHED_CASES_PER_100_SORTIES, ctx.t("dr_unit_cases"))))

# -- map: grids by days since the last pass, blind spots outlined, the day's tracks, the nests
st.subheader(ctx.t("dr_map"))
if grid_shapes is None and nests is None:
    st.info(ctx.t("empty"))
else:
    deck = cd.drone_deck(grid_shapes, grid_status, nests, paths, ctx.lang)
    maps.show(deck, key=f"drone_map_{f.town_code}_{day}_{blind_days}")
    left, right = st.columns(2)
    with left:
        maps.show_legend(ctx.t("dr_legend_days"), cd.days_legend(ctx.lang))
    with right:
        maps.show_legend(ctx.t("dr_legend_nests"), cd.nests_legend(ctx.lang))
    n_flights = 0 if paths is None or paths.empty else paths["flight_id"].nunique()
    if n_flights == 0:
        st.caption(ctx.t("dr_no_flights_day", d=f"{day:%Y-%m-%d}"))
    st.caption(ctx.t("dr_map_caption", d=f"{day:%Y-%m-%d}", n=n_flights, s=dr.PATH_STEP_S) + " · "
               + ctx.t("map_payload", kb=f"{cd.payload_kb(deck):,.0f}"))

# -- blind spots and coverage by town
left, right = st.columns([3, 2])
with left:
    st.subheader(ctx.t("dr_blind_table"))
    if grid_status is None or grid_status.empty:
        st.info(ctx.t("empty"))
    elif not grid_status["is_blind"].any():
        st.info(ctx.t("dr_no_blind", n=blind_days))
    else:
        st.dataframe(cd.blind_table(grid_status, grid_shapes, town_names, ctx.lang), hide_index=True,
                     width="stretch", key="dr_blind_table")
        st.caption(ctx.t("dr_blind_table_note"))
with right:
    st.subheader(ctx.t("dr_cov_table"))
    if coverage is None or coverage.empty:
        st.info(ctx.t("empty"))
    else:
        table = cd.coverage_table(coverage, ctx.lang)
        st.dataframe(table, hide_index=True, width="stretch", key="dr_cov_table",
                     column_config={c: st.column_config.NumberColumn(format="%.1f") for c in table.columns
                                    if c.endswith("(%)")})

# -- nests
st.subheader(ctx.t("dr_nests_table"))
if nests is None or nests.empty:
    st.info(ctx.t("empty"))
else:
    st.dataframe(cd.nests_table(nests, town_names, ctx.lang), hide_index=True, width="stretch", key="dr_nests")

# -- detections → cases
st.subheader(ctx.t("dr_detections"))
if detections is None or det_total is None or (det_total["sorties"] == 0 and det_total["detections"] == 0):
    st.info(ctx.t("empty"))
else:
    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"**{ctx.t('dr_det_by_category')}**")
        if (detections["dimension"] == "category").any():
            st.plotly_chart(cd.detection_bars(detections, ctx.lang), width="stretch", key="dr_det_bars")
        else:
            st.info(ctx.t("empty"))
    with right:
        st.plotly_chart(cd.funnel(detections, ctx.lang), width="stretch", key="dr_funnel")
        st.caption(ctx.t("dr_published", p=f"{dr.PUBLISHED_CASES_PER_100_SORTIES:.1f}"))
    tabs = st.tabs([ctx.t("dr_det_by_nest"), ctx.t("dr_det_by_route"), ctx.t("dr_det_by_category")])
    for tab, dimension in zip(tabs, ("nest", "route", "category")):
        with tab:
            st.dataframe(cd.detection_table(detections, dimension, ctx.lang), hide_index=True, width="stretch",
                         key=f"dr_det_{dimension}")

# -- broken tracks are left out and counted; the definition one click away
with st.expander(ctx.t("dr_quality")):
    line, details = cd.quality_text(quality, ctx.lang)
    st.write(line)
    if details:
        st.markdown("\n".join(f"- {d}" for d in details))
with st.expander(ctx.t("dr_definition")):
    st.markdown(dr.definition(ctx.lang))
    st.caption(ctx.t("dr_rules_more"))
