"""Hostile text for the no-markup tests: payloads, hostile URL parameters, and a demo database whose every
free-text column of the contract carries them."""

from __future__ import annotations


import sqlalchemy as sa

EVIL_HOST = "127.0.0.2"   # another host: any request to it is a leak
IMG = '<img src=x onerror="window.__xss=1">'
SCRIPT = "<script>window.__xss=1</script>"
MD_IMAGE = f"![p](http://{EVIL_HOST}:9/p.png)"
MD_LINK = f"[official](http://{EVIL_HOST}:9/)"
HTML_LINK = f'<a href="http://{EVIL_HOST}:9/">a</a>'
# appended to every stored text: HTML, markdown, Streamlit's markdown extensions, a bare link, plotly's tags
PAYLOAD = (f" {IMG} {SCRIPT} {MD_IMAGE} {MD_LINK} {HTML_LINK} :red[x] :material/warning: **b** $x^2$ `c` "
           f"www.evil.example <b>bold</b>")
# what a URL parameter carries (any page, any key)
URL_VALUE = f'{IMG}{MD_IMAGE}[link](javascript:alert(1)):red[x]$x$'

# Raw fragments that must never reach an element that interprets markdown or HTML: escaped text shows
# them to the reader but the element's source holds character references instead.
RAW_MARKERS = ("<img", "<script", "<a href", "<b>bold", "](http", "](javascript", ":red[x]", ":material/warning:",
               "$x", "**b**", "`c`", "www.evil")

# Text columns the joins and the rules need as they are: codes, identifiers and enumerations.
_KEEP = {"kind", "mode", "channel", "outcome", "method", "stage", "version", "zone_code"}


def free_text_columns(engine: sa.Engine) -> list[tuple[str, str]]:
    """(table, column) of every text column of the contract's relations that is not a key or code."""
    with engine.connect() as conn:
        rows = conn.execute(sa.text("""
            SELECT c.table_name, c.column_name
            FROM information_schema.columns c
            JOIN information_schema.tables t USING (table_schema, table_name)
            WHERE c.table_schema = 'cockpit' AND t.table_type = 'BASE TABLE'
              AND c.table_name <> 'demo_history'  -- the demo loader's own record, no relation of the contract
              AND c.data_type IN ('text', 'character varying', 'character')
            ORDER BY 1, 2""")).all()
    return [(t, c) for t, c in rows
            if not (c.endswith("_code") or c.endswith("_id") or c in _KEEP) or c == "stall_no"]


def hostile_copy(admin_url: str, demo_url: str) -> str:
    """A new database: the demo's rows, every free-text value followed by PAYLOAD. Dropped by the caller."""
    from tests.conftest import demo_copy

    url = demo_copy(admin_url, demo_url)
    engine = sa.create_engine(url)
    columns = free_text_columns(engine)
    assert len(columns) >= 25, columns  # names, addresses, descriptions, road names, plates, merchants ...
    with engine.begin() as conn:
        for table, column in columns:
            conn.execute(sa.text(f'UPDATE cockpit."{table}" SET "{column}" = "{column}" || :p '
                                 f'WHERE "{column}" IS NOT NULL'), {"p": PAYLOAD})
        conn.execute(sa.text("SELECT cockpit.refresh_rollups()"))
    engine.dispose()
    return url


def drop(admin_url: str, url: str) -> None:
    from tests.conftest import _drop_database

    _drop_database(admin_url, url)


def raw_markup(texts) -> list[str]:
    """The texts that hold a raw hostile fragment."""
    return [t for t in texts if any(m in t for m in RAW_MARKERS)]
