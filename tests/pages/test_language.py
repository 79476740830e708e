"""Every page and every wall view speaks the chosen language, under AppTest on the small demo.

English mode: no Chinese character in anything the page sends (metric labels and values, markdown,
captions, table headers and cells, widget labels and options, plotly figures, map tooltips), except data
that exists only in Chinese in the database (place, road, station names, free text), which is taken from
the database itself. Chinese mode: no English month or weekday names on chart date axes. Both modes: no
raw column names and no `None` in tables."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from cockpit import runtime, wall
from tests.pages.test_pages import APP, VIEW_IDS, VIEWS, part_query

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
# shown in both languages on purpose: the language switch and the demo badge; a plate as it is written
BILINGUAL = ("语言 / Language", "Language / 语言", "中文", "demo data / 演示数据", "演示数据 / demo data")
# English month and weekday names as plotly's default date formats print them
ENGLISH_DATE_FORMATS = re.compile(r"%[bBaA]")
MASKED_PLATE = r"[\u4e00-\u9fff][A-Z]·[A-Z0-9]{2}\*+"  # a plate as shown: province, authority, two characters
TOWN = "330482002"
RAW_COLUMN = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")


def run(page: str | None, **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _strings(value) -> list[str]:
    """Every string inside a JSON value (keys left out; a text layer's glyph set is not text shown)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() if k != "characterSet" for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _is_text(column: pd.Series) -> bool:
    return column.dtype == object or pd.api.types.is_string_dtype(column)


def figures(at: AppTest) -> list[dict]:
    return [json.loads(e.proto.spec) for e in at.get("plotly_chart")]


def sent_texts(at: AppTest) -> list[tuple[str, str]]:
    """(where, text) for every text the page sends to the browser."""
    out: list[tuple[str, str]] = []
    for kind in ("markdown", "caption", "warning", "info", "error", "success", "title", "header", "subheader"):
        out += [(kind, str(e.value)) for e in getattr(at, kind)]
    for e in at.metric:
        out += [("metric label", e.label), ("metric value", e.value), ("metric delta", str(e.proto.delta)),
                ("metric help", str(e.proto.help))]
    for kind in ("tabs", "expander", "radio", "selectbox", "multiselect", "date_input", "button", "toggle",
                 "checkbox", "text_input", "segmented_control"):
        out += [(f"{kind} label", str(e.label)) for e in getattr(at, kind)]
    for kind in ("radio", "selectbox", "multiselect"):
        for e in getattr(at, kind):
            out += [(f"{kind} option", str(o)) for o in e.options]
    for e in at.segmented_control:  # a button group: its options are in its message
        out += [("segmented_control option", o.content) for o in e.proto.options]
    out += [("popover", str(e.proto.popover.label)) for e in at.get("popover")]
    for d in at.dataframe:
        df = d.value
        out += [("table column", str(c)) for c in df.columns]
        for c in df.columns:
            if _is_text(df[c]):
                out += [("table cell", str(v)) for v in df[c].dropna().unique()]
    for fig in figures(at):
        out += [("chart", s) for s in _strings(fig)]
    for e in at.get("deck_gl_json_chart"):
        out += [("map", s) for s in _strings(json.loads(e.proto.json))]
        if e.proto.tooltip:
            out += [("map tooltip", s) for s in _strings(json.loads(e.proto.tooltip))]
    return out


@pytest.fixture(scope="module")
def chinese_only_data(demo_url) -> re.Pattern:
    """Text values held by the database only in Chinese: every text column of the contract's tables but
    a `*_zh` column with an `*_en` beside it. A pattern that matches any of them, longest first."""
    engine = sa.create_engine(demo_url)
    values: set[str] = set()
    with engine.connect() as conn:
        columns = conn.execute(sa.text(
            "SELECT c.table_name, c.column_name FROM information_schema.columns c "
            "JOIN information_schema.tables t USING (table_schema, table_name) "
            "WHERE c.table_schema = 'cockpit' AND t.table_type = 'BASE TABLE' "
            "AND c.data_type IN ('text', 'character varying')")).all()
        by_table: dict[str, set[str]] = {}
        for table, column in columns:
            by_table.setdefault(table, set()).add(column)
        for table, cols in by_table.items():
            for col in cols:
                if col.endswith("_zh") and col[:-3] + "_en" in cols:
                    continue
                rows = conn.execute(sa.text(
                    f'SELECT DISTINCT "{col}" FROM cockpit."{table}" WHERE "{col}" ~ :cjk'),
                    {"cjk": "[一-龥]"}).scalars()
                values.update(v for v in rows if v)
    engine.dispose()
    values.update(BILINGUAL)
    return re.compile("|".join([*(re.escape(v) for v in sorted(values, key=len, reverse=True)), MASKED_PLATE]))


def chinese_left(texts: list[tuple[str, str]], allowed: re.Pattern) -> list[tuple[str, str]]:
    found = []
    for where, text in texts:
        rest = allowed.sub("", text)
        if CJK.search(rest):
            found.append((where, text[:400]))
    return sorted(set(found))


def table_problems(at: AppTest) -> list[str]:
    """Raw column names and `None`/`nan` cells in the tables a page shows."""
    found = []
    for d in at.dataframe:
        df = d.value
        found += [f"column {c}" for c in df.columns if RAW_COLUMN.match(str(c))]
        for c in df.columns:
            if _is_text(df[c]):
                bad = [v for v in df[c].unique() if isinstance(v, str) and v.strip() in ("None", "nan", "NaN")]
                found += [f"{c}: {v}" for v in bad]
    return found


def number_problems(at: AppTest) -> list[str]:
    """Number columns shown without thousands separators, counts (whole numbers) shown with decimals, or
    missing numbers left to Streamlit, which shows them as "None"."""
    found = []
    for d in at.dataframe:
        df, config = d.value, json.loads(d.proto.columns or "{}")
        for c in df.columns:
            if not pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c]):
                continue
            fmt = config.get(str(c), {}).get("type_config", {}).get("format") or ""
            present = df[c].dropna()
            if present.empty:
                continue
            if "," not in fmt and fmt != "localized":
                found.append(f"{c}: no thousands separator ({fmt or 'default'})")
            if pd.api.types.is_integer_dtype(df[c]) and re.search(r"\.\d+f", fmt):
                found.append(f"{c}: a count with decimals ({fmt})")
        if _has_missing_numbers(df) and "—".encode() not in d.proto.arrow_data.styler.display_values:
            found.append(f"{list(df.columns)}: missing numbers shown as Streamlit's None, not —")
    return found


def _has_missing_numbers(df: pd.DataFrame) -> bool:
    return any(pd.api.types.is_numeric_dtype(df[c]) and df[c].isna().any() for c in df.columns)


def english_date_ticks(figs: list[dict]) -> list[str]:
    """Date axes of the charts (plotly JSON) that plotly would label with English month or weekday names."""
    found = []
    for fig in figs:
        layout = fig.get("layout", {})
        for trace in fig.get("data", []):
            for axis_letter in ("x", "y"):
                values = trace.get(axis_letter)
                if not _looks_like_dates(values):
                    continue
                name = axis_letter + "axis" + str(trace.get(axis_letter + "axis", axis_letter))[1:]
                axis = layout.get(name, {})
                formats = [axis.get("tickformat"), axis.get("hoverformat")]
                formats += [s.get("value") for s in axis.get("tickformatstops", [])]
                if not axis.get("tickformat") and not axis.get("tickformatstops"):
                    found.append(f"{name}: plotly's default (English) date ticks")
                if not axis.get("hoverformat"):
                    found.append(f"{name}: plotly's default (English) date in the hover")
                found += [f"{name}: {f}" for f in formats if f and ENGLISH_DATE_FORMATS.search(f)]
    return sorted(set(found))


def _looks_like_dates(values) -> bool:
    if isinstance(values, dict):  # plotly's typed-array encoding: numbers, not dates
        return False
    if not isinstance(values, list) or not values:
        return False
    first = next((v for v in values if v is not None), None)
    return isinstance(first, str) and re.match(r"^\d{4}-\d{2}-\d{2}", first) is not None


@pytest.mark.parametrize(("page", "part"), VIEWS, ids=VIEW_IDS)
def test_english_pages_send_no_chinese(shared_app_env, chinese_only_data, page, part):
    at = run(page, lang="en", **part_query(part))
    assert chinese_left(sent_texts(at), chinese_only_data) == []
    assert table_problems(at) == []


@pytest.mark.parametrize(("page", "part"), VIEWS, ids=VIEW_IDS)
def test_english_pages_of_one_town_send_no_chinese(shared_app_env, chinese_only_data, page, part):
    """One town chosen: the community level of the maps and tables, and fewer rows (some of them empty)."""
    at = run(page, lang="en", town=TOWN, **part_query(part))
    assert chinese_left(sent_texts(at), chinese_only_data) == []
    assert table_problems(at) == [] and number_problems(at) == []


@pytest.mark.parametrize("view", wall.VIEWS)
def test_english_wall_views_send_no_chinese(app_env, chinese_only_data, view):
    at = run(None, mode="wall", views=view, lang="en")
    assert chinese_left(sent_texts(at), chinese_only_data) == []


@pytest.mark.parametrize(("page", "part"), VIEWS, ids=VIEW_IDS)
def test_chinese_pages_have_no_english_dates_and_clean_tables(shared_app_env, page, part):
    at = run(page, **part_query(part))
    assert english_date_ticks(figures(at)) == []
    assert table_problems(at) == []
    assert number_problems(at) == []


def test_the_checks_can_fail(app_env, chinese_only_data):
    """The collectors see what a page sends; Chinese text is found, names held only in Chinese are allowed;
    plotly's default date axis is found, the shared layout's is not."""
    import plotly.graph_objects as go

    from cockpit import chartbase, i18n

    at = run(None, lang="en")
    texts = sent_texts(at)
    assert any(where == "metric label" for where, _ in texts) and any(w == "chart" for w, _ in texts)
    assert any(w == "table column" for w, _ in texts) and any(w == "table cell" for w, _ in texts)
    engine = sa.create_engine(app_env)
    with engine.connect() as conn:
        road = conn.execute(sa.text("SELECT road_name FROM cockpit.shop WHERE road_name IS NOT NULL LIMIT 1")).scalar()
        town = conn.execute(sa.text("SELECT name_zh FROM cockpit.town LIMIT 1")).scalar()
    engine.dispose()
    assert chinese_left([("x", "12 件")], chinese_only_data) == [("x", "12 件")]
    assert chinese_left([("x", f"{road}: 3 shops"), ("y", "浙F·R9***")], chinese_only_data) == []
    assert chinese_left([("x", f"{town} (12)")], chinese_only_data) != [], "a town has an English name"
    bars = go.Figure(go.Bar(x=["2026-11-08", "2026-11-09"], y=[1, 2]))
    assert len(english_date_ticks([json.loads(bars.to_json())])) == 2
    with i18n.language("zh"):
        assert english_date_ticks([json.loads(chartbase.layout(bars).to_json())]) == []
    bars.update_xaxes(tickformat="%b %d")
    assert english_date_ticks([json.loads(bars.to_json())]) == ["xaxis: %b %d"]
    runtime.reset_runtime()


def test_the_number_check_can_fail(app_env, monkeypatch):
    """Without the shared table formats, the market page's speed tables (empty medians, counts) are found."""
    from cockpit import ui

    monkeypatch.setattr(ui, "display_table", lambda df: df)
    monkeypatch.setattr(ui, "number_formats", lambda df: None)
    problems = number_problems(run("app_pages/market.py", section="speed"))
    assert any("no thousands separator" in p for p in problems)
    assert any("None" in p for p in problems)
