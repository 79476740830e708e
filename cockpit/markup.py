"""The one escaping helper: text from the database or the URL, made safe to sit inside the cockpit's own
markdown or HTML.

Streamlit interprets markdown in st.markdown, st.caption, st.warning/info/error/success, st.write of a
string, and in most labels (metrics, tabs, expanders, popovers, radio options, help); with
`unsafe_allow_html` (the wall, the map legends) it also passes HTML through. Plotly draws a subset of
HTML in every text it shows (`<a href>`, `<b>`, `<br>`, `<span style>`).

`escape` writes every character that any of these could take as markup as a numeric character
reference: HTML specials, markdown's punctuation (emphasis, links and images, code, headings, lists,
tables, quotes), Streamlit's own extensions (`:red[…]`, `:material/…:`, `:smile:` shortcodes, `$…$`
LaTeX) and line breaks (no block can start inside a value). Markdown, HTML and plotly all read a
numeric reference as the one literal character, so the reader sees exactly the text that was stored.
GitHub-style markdown also turns bare `www.`, `http://` and `a@b` text into links after references
are decoded; a word joiner (U+2060, invisible) breaks those patterns.

Elements that never interpret text (st.text, st.dataframe cells, select box options, pydeck 'text'
tooltips and labels) get the raw text: escaping there would show the references.
"""

from __future__ import annotations

import re

# ASCII characters with a meaning in HTML, CommonMark/GFM or Streamlit's markdown; letters, digits,
# space and ',', ';', '?' are left as they are.
_SPECIAL = "&<>\"'`\\*_{}[]()#+-.!|~$:=^@"
_TABLE = {ord(ch): f"&#{ord(ch)};" for ch in _SPECIAL} | {ord("\n"): "&#10;", ord("\r"): "&#13;",
                                                          ord("\t"): "&#9;"}
_WJ = "\u2060"
# what remark-gfm links after decoding: `www.` and an e-mail's `@` (the `:` of `http://` is already
# a reference, but its decoded text would match too)
_AUTOLINK = re.compile(r"(?i)(?<![0-9a-z])(www)(?=\.)|(?=[:@])")


def escape(value: object) -> str:
    """`value` as text that markdown, HTML and plotly all show literally (None and NaN as '')."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = _AUTOLINK.sub(lambda m: (m.group(1) or "") + _WJ, str(value))
    return text.translate(_TABLE)


def escape_all(values) -> list[str]:
    """`escape` of every item (e.g. a column of names for a chart's categories)."""
    return [escape(v) for v in values]
