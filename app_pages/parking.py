"""违停治理 Parking: where and when sidewalk parking happens, whether the strict roads work, whether
reminders work. Layout only: SQL in queries/parking/, masking in cockpit/privacy.py."""

from __future__ import annotations

import streamlit as st

from cockpit import maps, ui
from cockpit.cases import charts
from cockpit.gateway import NOW
from cockpit.parking import charts as cp
from cockpit.parking import rules as pr

SUPPLY_RADIUS_M = 300       # "near": within a 5-minute walk

ctx = ui.page_context()
ui.header(ctx, "pk_title")
f = ctx.filters
lang = ctx.lang
town = f.town_code
period = {"date_from": f.date_from, "date_to": f.date_to}
prev_from, prev_to = f.previous_period()

c1, c2 = st.columns([2, 3])
with c2:
    method_key = ui.url_radio(ctx, "method", {"all": ctx.t("all"), "manual": ctx.t("pk_method_manual"),
                                              "ecapture": ctx.t("pk_method_ecapture")}, ctx.t("pk_method"), "all")
method = None if method_key == "all" else method_key
roads = ctx.run("parking.roads", as_of=NOW, **period, town_code=town, method=method)
with c1:
    road_options = {} if roads is None else {r["road_id"]: cp.road_label(r, lang)
                                              for r in roads.sort_values("road_id").to_dict("records")}
    road = ui.url_choice(ctx, "road", road_options, ctx.t("pk_road_filter"))
scope = {"town_code": town, "road_id": road, "method": method}
# every later query depends on the filters only: start them side by side
q = ctx.start(
    by_hour=("parking.by_hour", dict(as_of=NOW, **period, **scope)),
    by_hour_prev=("parking.by_hour", dict(as_of=NOW, date_from=prev_from, date_to=prev_to, **scope)),
    daily=("parking.daily", dict(as_of=NOW, **period, town_code=town, road_id=road)),
    bins=("parking.density_bins", dict(as_of=NOW, **period, bin_deg=cp.BIN_DEG, **scope)),
    supply=("parking.supply", dict(as_of=NOW, **period, radius_m=SUPPLY_RADIUS_M, town_code=town)),
    hot=("parking.hotspots", dict(as_of=NOW, date_to=f.date_to, **scope)),
    monthly=("parking.road_monthly", dict(as_of=NOW, town_code=town)),
    rules=("parking.rule_check", dict(as_of=NOW, **period, town_code=town, road_id=road, **pr.rule_params())),
    pattern=("parking.hour_weekday", dict(as_of=NOW, **period, **scope)),
    recent=("parking.recent", dict(as_of=NOW, **scope, limit_rows=20)),
)
by_hour = q["by_hour"]
by_hour_prev = q["by_hour_prev"]
daily = q["daily"]
ui.status_banner(ctx)

# -- headline figures (the period against the one before)
now_counts, prev_counts = cp.totals(by_hour), cp.totals(by_hour_prev)
has_prev = by_hour_prev is not None
ecap = None
if daily is not None and (daily["manual"].sum() + daily["ecapture"].sum()) > 0:
    ecap = 100.0 * float(daily["ecapture"].sum()) / float(daily["manual"].sum() + daily["ecapture"].sum())
k1, k2, k3, k4, k5, k6 = st.columns(6)
with k1:
    ui.kpi_card(ctx, "parking_violations", now_counts["violations"],
                previous=prev_counts["violations"] if has_prev else None,
                caption=f"{ctx.t('vs_previous')} {ui.fmt_int(prev_counts['violations'], ctx.t('pk_unit'))}")
with k2:
    ui.kpi_card(ctx, "parking_ecapture_share", ecap)
with k3:
    ui.kpi_card(ctx, "parking_reminders", now_counts["reminded"],
                previous=prev_counts["reminded"] if has_prev else None)
with k4:
    rate = cp.persuade_rate(now_counts)
    ui.kpi_card(ctx, "parking_persuade_rate", rate, previous=cp.persuade_rate(prev_counts) if has_prev else None)
with k5:
    ui.kpi_card(ctx, "parking_tickets", now_counts["ticketed_after_reminder"],
                previous=prev_counts["ticketed_after_reminder"] if has_prev else None)
with k6:
    ui.kpi_card(ctx, "parking_warnings", now_counts["warned"], previous=prev_counts["warned"] if has_prev else None)

# -- hotspots: hexagons, the strict and capture roads, parking supply
st.subheader(ctx.t("pk_map"))
bins = q["bins"]
supply = q["supply"]
shown_roads = roads if roads is None or road is None else roads[roads["road_id"] == road]
layers, scale = cp.hotspot_layers(bins, shown_roads, lang)
if supply is not None and not supply.empty:
    sup = supply.assign(name=supply["name_zh"],
                        value_text=[ctx.t("pk_supply_tip", n=int(s), kind=ctx.t(f"pk_supply_{k}"), near=int(v),
                                          r=SUPPLY_RADIUS_M)
                                    for s, k, v in zip(supply["spaces"], supply["kind"], supply["violations_nearby"])],
                        color=[cp.SUPPLY_COLORS.get(k, [200, 200, 200, 220]) for k in supply["kind"]],
                        radius=[25 + 4 * float(s) ** 0.5 for s in supply["spaces"]])
    supply_layer = maps.points_layer(sup, layer_id="pk-supply", color="color", radius="radius", min_pixels=3,
                                    max_pixels=9, columns=["name", "value_text"])
    layers.insert(1 if bins is not None else 0, supply_layer)  # under the roads and their names
focus = shown_roads
if road is None and town is None and roads is not None:
    focus = roads[roads["has_ecapture"]]  # the city centre, where the capture roads are
bounds = cp.map_bounds(focus)
deck = maps.deck(layers, lang=lang, view=maps.view_for(bounds), tooltip=maps.TOOLTIP)
maps.show(deck, key=f"pk_map_{town}_{road}_{method_key}")
legend = [(ctx.t("pk_capture_road"), cp.CAPTURE_COLOR), (ctx.t("pk_strict_road"), cp.STRICT_COLOR),
          (ctx.t("pk_supply_shared"), cp.SUPPLY_COLORS["shared"]),
          (ctx.t("pk_supply_temporary"), cp.SUPPLY_COLORS["temporary"]),
          (ctx.t("pk_supply_nonmotor"), cp.SUPPLY_COLORS["nonmotor"])]
if scale is not None:
    legend = scale.legend_items(lang) + legend
maps.show_legend(ctx.t("pk_map_legend"), legend)
st.caption(ctx.t("pk_map_note") + " · " + ctx.t("map_payload", kb=f"{maps.payload_bytes(deck) / 1024:,.0f}"))

left, right = st.columns([3, 2])
with left:
    st.markdown(f"**{ctx.t('pk_hotspots', day=f.date_to.strftime('%m-%d'))}**")
    hot = q["hot"]
    if hot is None or hot.empty:
        st.info(ctx.t("empty"))
    else:
        st.dataframe(cp.hotspot_table(hot, lang), hide_index=True, width="stretch", key="pk_hot")
with right:
    st.markdown(f"**{ctx.t('pk_daily')}**")
    if daily is None or (daily["manual"].sum() + daily["ecapture"].sum()) == 0:
        st.info(ctx.t("empty"))
    else:
        st.plotly_chart(cp.daily_by_method(daily, lang), width="stretch", key="pk_daily")

# -- roads: the strict and capture roads, per day and per km, manual against e-capture, trend since strict
st.subheader(ctx.t("pk_roads"))
if roads is None or roads.empty:
    st.info(ctx.t("empty"))
else:
    st.dataframe(cp.road_table(roads, lang), hide_index=True, width="stretch", key="pk_roads")
    st.caption(ctx.t("pk_roads_note"))
    monthly = q["monthly"]
    if monthly is not None and not monthly.empty:
        chosen = [road] if road else list(roads[roads["has_ecapture"]]["road_id"]) or list(roads["road_id"][:5])
        part = monthly[monthly["road_id"].isin(chosen)]
        st.markdown(f"**{ctx.t('pk_trend')}**")
        if part.empty:
            st.info(ctx.t("empty"))
        else:
            st.plotly_chart(cp.road_trend(part, lang), width="stretch", key="pk_trend")

# -- reminders: what the SMS and the 10-minute rule achieve
st.subheader(ctx.t("pk_reminders"))
ui.kpi_definition(ctx, "parking_persuade_rate")
left, right = st.columns([3, 2])
with left:
    if not now_counts["reminded"]:
        st.info(ctx.t("empty"))
    else:
        st.plotly_chart(cp.reminders_by_hour(by_hour, lang), width="stretch", key="pk_by_hour")
with right:
    if not now_counts["reminded"]:
        st.info(ctx.t("empty"))
    else:
        st.plotly_chart(cp.warnings_vs_tickets(now_counts, lang), width="stretch", key="pk_outcomes")
        st.caption(ctx.t("pk_outcomes_note"))

rules = q.one("rules")
if rules and rules.get("reminded"):
    st.markdown(f"**{ctx.t('pk_rules')}**")
    r1, r2, r3 = st.columns(3)
    r1.metric(ctx.t("pk_rule_early", m=pr.TICKET_WAIT_MINUTES), ui.fmt_int(rules["ticket_too_early"], ctx.t("pk_unit")),
              help=ctx.t("pk_rule_early_help", m=pr.TICKET_WAIT_MINUTES))
    r2.metric(ctx.t("pk_rule_fined_first"), ui.fmt_int(rules["fined_not_due"], ctx.t("pk_unit")),
              help=ctx.t("pk_rule_first_help", d=pr.FIRST_WARNING_WINDOW_DAYS))
    r3.metric(ctx.t("pk_rule_warned_repeat"), ui.fmt_int(rules["warned_not_due"], ctx.t("pk_unit")),
              help=ctx.t("pk_rule_first_help", d=pr.FIRST_WARNING_WINDOW_DAYS))
    st.caption(ctx.t("pk_rules_note", due=ui.fmt_int(rules["warning_due"]), ok=ui.fmt_int(rules["warned_as_due"]),
                     unknown=ui.fmt_int(rules["plate_unknown"])))

# -- rhythm and supply
left, right = st.columns([3, 2])
with left:
    st.subheader(ctx.t("pk_rhythm"))
    pattern = q["pattern"]
    if pattern is None or pattern.empty:
        st.info(ctx.t("empty"))
    else:
        st.plotly_chart(charts.hour_weekday_heatmap(pattern, lang, "violations", ctx.t("pk_unit")),
                        width="stretch", key="pk_rhythm")
with right:
    st.subheader(ctx.t("pk_supply"))
    if supply is None or supply.empty:
        st.info(ctx.t("empty"))
    else:
        st.caption(ctx.t("pk_supply_note", spaces=f"{int(supply['spaces'].sum()):,}", n=len(supply),
                         r=SUPPLY_RADIUS_M))
        st.dataframe(cp.supply_table(supply, lang, SUPPLY_RADIUS_M), hide_index=True, width="stretch",
                     key="pk_supply", height=300)

# -- the latest records (plates masked) and data quality
st.subheader(ctx.t("pk_recent"))
recent = q["recent"]
if recent is None or recent.empty:
    st.info(ctx.t("empty"))
else:
    st.dataframe(cp.recent_table(recent, lang), hide_index=True, width="stretch", key="pk_recent")
    st.caption(ctx.t("pk_plate_note"))
dq = ctx.run("common.data_quality_recent", as_of=NOW, days=ui.DQ_DAYS)
if dq is not None:
    bad = dq[dq["relation_name"] == "parking_violation"]
    if not bad.empty:
        st.caption(cp.data_quality_note(bad, lang, ui.DQ_DAYS))
