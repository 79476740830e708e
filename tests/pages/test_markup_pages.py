"""No markup from data, under AppTest: every page and every wall view, with hostile values in every URL
parameter they read and hostile text in every free-text column of the contract, runs without an
exception, and no element that interprets markdown or HTML receives a raw hostile fragment."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from cockpit import runtime, wall
from cockpit.markup import escape
from tests import hostile
from tests.pages.test_pages import APP, PAGES, VIEW_IDS, VIEWS, part_query

COMMON_KEYS = ("from", "to", "town", "squadron", "lang")
PAGE_KEYS = {  # the page's own URL parameters (st.query_params, ui.url_choice, ui.url_radio, ui.url_section)
    "app_pages/cases.py": ("category", "source", "area", "measure", "layer", "section"),
    "app_pages/drones.py": ("day", "blind", "section"),
    "app_pages/waste.py": ("category", "day", "section"),
    "app_pages/parking.py": ("method", "road", "section"),
    "app_pages/market.py": ("dept", "group", "view", "section"),
    "app_pages/weekly.py": ("week", "section"),
}
WALL_KEYS = ("views", "secs", "refresh", "town", "lang", "layout")
TOWN = "330482001"


def run(page: str | None, **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    if page:  # the page's first run gets the URL as given
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def interpreted_texts(at: AppTest) -> list[str]:
    """The source of every element that Streamlit renders as markdown (and, for some, HTML)."""
    texts = []
    for kind in ("markdown", "caption", "warning", "info", "error", "success", "title", "header", "subheader"):
        texts += [str(e.value) for e in getattr(at, kind)]
    for kind in ("metric", "tabs", "expander", "radio", "selectbox", "date_input", "button", "toggle", "checkbox",
                 "segmented_control"):
        texts += [str(e.label) for e in getattr(at, kind)]
    for e in at.metric:
        texts.append(str(e.proto.help))
    for e in at.radio:
        texts += [str(o) for o in e.options]
    for e in at.segmented_control:  # a button group: its options are in its message
        texts += [o.content for o in e.proto.options]
    texts += [str(e.proto.popover.label) for e in at.get("popover")]
    return texts


@pytest.fixture(scope="module")
def hostile_url(pg_admin_url, demo_url):
    url = hostile.hostile_copy(pg_admin_url, demo_url)
    yield url
    hostile.drop(pg_admin_url, url)


@pytest.fixture(scope="module")
def hostile_env(hostile_url):
    """The app on the hostile copy, one runtime for the module's views of it (as a server's pages share it)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COCKPIT_DATABASE_URL", hostile_url)
        runtime.reset_runtime()
        yield hostile_url
    runtime.reset_runtime()


@pytest.mark.parametrize("page", PAGES)
def test_hostile_url_values_are_shown_as_text(app_env, page):
    at = run(page, **{k: hostile.URL_VALUE for k in COMMON_KEYS + PAGE_KEYS.get(page, ())})
    texts = interpreted_texts(at)
    assert hostile.raw_markup(texts) == []
    notices = " ".join(w.value for w in at.warning)
    for key in COMMON_KEYS + PAGE_KEYS.get(page, ()):  # each notice still names the refused value, as text
        if key not in ("view", "week"):  # ?view= only hides more; a bad week has a message of its own
            assert f"{key}={escape(hostile.URL_VALUE)}" in notices, (key, notices)


def test_hostile_wall_options_are_shown_as_text(app_env):
    at = run(None, mode="wall", **{k: hostile.URL_VALUE for k in WALL_KEYS})
    texts = interpreted_texts(at)
    assert hostile.raw_markup(texts) == []
    status = " ".join(texts)
    for key in WALL_KEYS:
        assert f"{key}={escape(hostile.URL_VALUE)}" in status, (key, status)


@pytest.mark.parametrize(("page", "part"), VIEWS, ids=VIEW_IDS)
def test_hostile_url_values_in_every_part_are_shown_as_text(shared_app_env, page, part):
    """Each part of a long page reads the common parameters too (the page's own: the test above)."""
    at = run(page, **{k: hostile.URL_VALUE for k in COMMON_KEYS}, **part_query(part))
    assert hostile.raw_markup(interpreted_texts(at)) == []


@pytest.mark.parametrize(("page", "part"), VIEWS, ids=VIEW_IDS)
def test_hostile_text_in_the_database_is_shown_as_text(hostile_env, page, part):
    query = {"town": TOWN} if page == "app_pages/cases.py" else {}
    at = run(page, **query, **part_query(part))
    texts = interpreted_texts(at)
    assert hostile.raw_markup(texts) == []
    if page == "app_pages/cases.py":  # the breadcrumb names the town, escaped
        crumb = next(t for t in at.markdown if "›" in t.value).value
        assert "&#60;img src=x onerror" in crumb and "&#33;&#91;p&#93;&#40;http" in crumb, crumb


@pytest.mark.parametrize("layout", wall.LAYOUTS)
@pytest.mark.parametrize("view", wall.VIEWS)
def test_hostile_text_on_every_wall_view(hostile_env, view, layout):
    at = run(None, mode="wall", views=view, layout=layout)
    assert hostile.raw_markup(interpreted_texts(at)) == []
