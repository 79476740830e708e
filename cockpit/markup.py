"""The one escaping helper: text from the database or the URL, made safe to sit inside the cockpit's own
markdown or HTML.

Streamlit interprets markdown in st.markdown, st.caption, st.warning/info/error/success, st.write of a
string, and in most labels (metrics, tabs, expanders, popovers, radio options, help); with
`unsafe_allow_html` (the wall, the map legends) it also passes HTML through. Plotly draws a subset of
HTML in every text it shows (`<a href>`, `<b>`, `<br>`, `<span style>`).

`escape` writes as a numeric character reference every character that any of these could take as
markup anywhere in a line: HTML specials, markdown's emphasis, links and images, code, tables and
strike-through, Streamlit's own extensions (`:red[…]`, `:material/…:`, `:smile:` shortcodes, `$…$`
LaTeX) and line breaks (so a value never starts a block of its own); at the value's start, also what
starts a block there (indentation, `#`, `-`, `+`, `=`, `1.`). Markdown, HTML and plotly all read a
numeric reference as the one literal character, so the reader sees exactly the text that was stored.
GitHub-style markdown also turns bare `www.`, `http:` and `a@b` text into links after references are
decoded; a word joiner (U+2060, invisible) breaks those patterns.

Elements that never interpret text (st.text, st.dataframe cells, select box options, pydeck 'text'
tooltips and labels) get the raw text: escaping there would show the references.
"""

from __future__ import annotations

import re

# ASCII characters with a meaning anywhere in a line of HTML, CommonMark/GFM or Streamlit's markdown;
# letters, digits, space and the rest of the punctuation are left as they are.
_SPECIAL = "&<>\"'`\\*_{}[]()!|~$:"
_TABLE = {ord(ch): f"&#{ord(ch)};" for ch in _SPECIAL} | {ord("\n"): "&#10;", ord("\r"): "&#13;",
                                                          ord("\t"): "&#9;"}
# ... and at the start of a line only (a value's start is the only line start it has, its line breaks
# being references): indentation (code block), '#' (heading), '-', '+', '=' (list, rule, underline),
# '1.' or '1)' (numbered list)
_LINE_START = re.compile(r"^( *)([-+#=]|\d+\.)?")
_WJ = "\u2060"
# what remark-gfm links after decoding: `www.`, `http:` and an e-mail's `@`
_AUTOLINK = re.compile(r"(?i)(?<![0-9a-z])(www)(?=\.)|(?=[:@])")


def _line_start(m: re.Match) -> str:
    mark = m.group(2) or ""
    return "&#32;" * len(m.group(1)) + (mark[:-1] + f"&#{ord(mark[-1])};" if mark else "")


def escape(value: object) -> str:
    """`value` as text that markdown, HTML and plotly all show literally (None and NaN as '')."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = _AUTOLINK.sub(lambda m: (m.group(1) or "") + _WJ, str(value)).translate(_TABLE)
    return _LINE_START.sub(_line_start, text, count=1)


def escape_all(values) -> list[str]:
    """`escape` of every item (e.g. a column of names for a chart's categories)."""
    return [escape(v) for v in values]
