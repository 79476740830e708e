"""Entry point: page configuration and navigation, nothing else."""

from pathlib import Path

import streamlit as st

from cockpit import i18n, settings, wall
from cockpit.gateway import acting_as
from cockpit.identity import IdentityConfigError
from cockpit.markup import escape
from cockpit.ui import current_lang, gate

ROOT = Path(__file__).resolve().parent
lang = current_lang()
try:  # a setting that does not parse stops the app with its name, not a traceback
    settings.get()
    settings.secrets()
except settings.SettingsError as exc:
    st.set_page_config(page_title=i18n.t("app_title", lang), layout="wide")
    st.error(i18n.t("settings_invalid", lang, error=escape(str(exc))), icon=":material/settings:")
    st.stop()
wall_mode = wall.requested(st.query_params.to_dict())
st.set_page_config(page_title=i18n.t("wall_title" if wall_mode else "app_title", lang),
                   page_icon=str(ROOT / "assets" / "favicon.png"), layout="wide",
                   initial_sidebar_state="collapsed" if wall_mode else "auto")
try:  # who is looking: the login page or a clear refusal stops here; a wall never sees a login page
    who = gate(lang, wall_mode)
except IdentityConfigError as exc:
    st.error(i18n.t("settings_invalid", lang, error=escape(str(exc))), icon=":material/settings:")
    st.stop()
wall_mode = wall_mode or who.wall_only  # a wall's device token opens the wall screen and nothing else
if wall_mode:  # the wall screen: one full-screen page, no menu
    with acting_as("wall"):  # personal rows are cached per role: a wall's never another's
        st.navigation([st.Page("app_pages/wall.py", title=i18n.t("wall_title", lang), url_path="wall",
                               default=True)], position="hidden").run()
    st.stop()

# (section key, script, title key, icon, url path): one line a page, in menu order.
PAGES = [
    ("section_overview", "app_pages/overview.py", "page_overview", ":material/dashboard:", "overview"),
    ("section_areas", "app_pages/cases.py", "page_cases", ":material/grid_on:", "cases"),
    ("section_areas", "app_pages/drones.py", "page_drones", ":material/flight:", "drones"),
    ("section_areas", "app_pages/waste.py", "page_waste", ":material/recycling:", "waste"),
    ("section_areas", "app_pages/parking.py", "page_parking", ":material/local_parking:", "parking"),
    ("section_areas", "app_pages/market.py", "page_market", ":material/storefront:", "market"),
    ("section_meetings", "app_pages/weekly.py", "page_weekly", ":material/event_note:", "weekly"),
    ("section_reference", "app_pages/about.py", "page_about", ":material/menu_book:", "about"),
]
pages: dict[str, list] = {}
for section, script, title, icon, url_path in PAGES:
    if not (ROOT / script).exists():  # an area whose page is not part of this build
        continue
    pages.setdefault(i18n.t(section, lang), []).append(
        st.Page(script, title=i18n.t(title, lang), icon=icon, url_path=url_path, default=url_path == "overview"))
with acting_as(who.role):  # the queries of this run are this viewer's (personal rows are cached per role)
    st.navigation(pages).run()
