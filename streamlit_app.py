"""Entry point: page configuration and navigation, nothing else."""

import streamlit as st

from cockpit import i18n
from cockpit.ui import current_lang

st.set_page_config(page_title=i18n.t("app_title", current_lang()), page_icon="🛡️", layout="wide")
lang = current_lang()
pages = {
    i18n.t("section_overview", lang): [
        st.Page("pages/overview.py", title=i18n.t("page_overview", lang), icon="📊", url_path="overview",
                default=True),
    ],
    i18n.t("section_areas", lang): [
        st.Page("pages/cases.py", title=i18n.t("page_cases", lang), icon="🗂️", url_path="cases"),
    ],
    i18n.t("section_reference", lang): [
        st.Page("pages/about.py", title=i18n.t("page_about", lang), icon="📖", url_path="about"),
    ],
}
st.navigation(pages).run()
