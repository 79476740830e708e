"""指标与数据说明: every KPI's definition, the data-quality detail and the contract version."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cockpit import kpi, ui
from cockpit.gateway import NOW

ctx = ui.page_context()
ui.header(ctx, "about_title")
meta = ctx.one("common.contract_meta")
DQ_ABOUT_DAYS = 365  # a year of rows; `python -m cockpit check` counts all history
dq = ctx.run("common.data_quality_recent", as_of=NOW, days=DQ_ABOUT_DAYS)
ui.status_banner(ctx)

st.subheader(ctx.t("kpi_definitions"))
rows = [{
    ctx.t("kpi"): item.name(ctx.lang),
    ctx.t("formula"): item.formula(ctx.lang),
    ctx.t("unit"): item.unit_in(ctx.lang) or ctx.t("unit_count"),
    ctx.t("target"): "—" if item.target is None else f"{'≥' if item.higher_is_better else '≤'} {item.target:g}",
    ctx.t("direction"): ctx.t("higher_better" if item.higher_is_better else "lower_better"),
    ctx.t("source"): item.source(ctx.lang),
} for item in kpi.KPIS.values()]
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

st.subheader(ctx.t("data_quality"))
st.caption(ctx.t("dq_detail_title", days=DQ_ABOUT_DAYS))
if dq is None:
    st.info(ctx.t("empty"))
elif dq.empty:
    st.success(ctx.t("dq_none"))
else:
    dq_table = ui.data_quality_table(dq)
    st.dataframe(dq_table, hide_index=True, width="stretch", column_config=ui.number_formats(dq_table))

st.subheader(ctx.t("contract"))
if meta:
    st.markdown(ctx.t("contract_version", v=ui.escape(meta["version"]), t=f"{meta['applied_at']:%Y-%m-%d %H:%M}"))
st.caption(ctx.t("contract_doc"))
