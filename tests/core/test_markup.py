"""The one escaping helper (cockpit.markup.escape) and the map helpers that keep data out of markup."""

from __future__ import annotations

import html
import json
import re

import pandas as pd
import pytest

from cockpit import maps
from cockpit.markup import escape, escape_all

WJ = "\u2060"
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "![x](http://127.0.0.2:9/x.png)",
    "[link](javascript:alert(1))",
    ":red[x]",
    ":material/warning:",
    ":smile:",
    "**b**",
    "_i_",
    "$x$",
    "$$x^2$$",
    "`code`",
    "~~s~~",
    "# heading",
    "- item",
    "1. item",
    "> quote",
    "| a | b |",
    "a\n\n# b",
    "www.evil.example",
    "http://127.0.0.2:9/",
    "a@b.example",
    "&lt;",
    "\\*not*",
    "@@=constructor",
]


def test_exact_references_for_html_and_markdown_specials():
    assert escape("<b>") == "&#60;b&#62;"
    assert escape('"') == "&#34;" and escape("'") == "&#39;"
    assert escape("**b**") == "&#42;&#42;b&#42;&#42;"
    assert escape("$x$") == "&#36;x&#36;"
    assert escape("`c`") == "&#96;c&#96;"
    assert escape("[a](b)") == "&#91;a&#93;&#40;b&#41;"
    assert escape("![x](y)") == "&#33;&#91;x&#93;&#40;y&#41;"
    assert escape(":red[x]") == WJ + "&#58;red&#91;x&#93;"
    assert escape("a\nb") == "a&#10;b"


def test_already_escaped_text_is_escaped_again():
    """`&lt;` in the data is four characters the reader must see, not a '<'."""
    assert escape("&lt;") == "&#38;lt;"
    assert html.unescape(escape("&lt;")) == "&lt;"
    assert escape(escape("<")) == "&#38;#60;" and html.unescape(escape(escape("<"))) == "&#60;"


def test_plain_text_is_unchanged():
    for text in ("当湖街道", "Danghu Street 12", "平湖经济技术开发区（钟埭街道）", "3 / 5, 7; ok?", "件", "2020-01-01",
                 "a - b + c = 10% #1", "R99"):
        assert escape(text) == text
    assert escape(None) == "" and escape(float("nan")) == ""
    assert escape(12) == "12" and escape(2.5) == "2&#46;5"
    assert escape_all(["<", "a"]) == ["&#60;", "a"]


@pytest.mark.parametrize("text", HOSTILE)
def test_decoded_text_is_the_original_and_no_special_stays_raw(text):
    out = escape(text)
    assert html.unescape(out).replace(WJ, "") == text, "the reader sees exactly the stored text"
    assert not any(ch in out.replace("&#", "") for ch in "<>\"'`*_[]()!$:|~\\\n"), out
    assert "&" not in out.replace("&#", "")
    assert not re.match(r"\s|[-+#=]|\d+\.", out), "nothing at the start begins a block"


def test_block_marks_are_escaped_at_the_start_only():
    assert escape("- item") == "&#45; item" and escape("a - b") == "a - b"
    assert escape("1. item") == "1&#46; item" and escape("v1. x") == "v1. x"
    assert escape("# h") == "&#35; h" and escape("a # h") == "a # h"
    assert escape("    code") == "&#32;" * 4 + "code"
    assert escape("---") == "&#45;--" and escape("+ x") == "&#43; x"


def test_bare_links_are_broken_for_the_autolinker():
    """remark-gfm links `www.`, `http://` and e-mail addresses in decoded text: a word joiner breaks each."""
    for text, broken in (("www.evil.example", "www" + WJ + "."), ("http://x", "http" + WJ + ":"),
                         ("a@b.example", "a" + WJ + "@"), ("WWW.X.Y", "WWW" + WJ + ".")):
        assert broken in html.unescape(escape(text))
    assert WJ not in escape("awww.x")  # not a link: no joiner needed


def test_map_tooltip_is_a_text_template_and_html_templates_are_refused():
    layer = maps.points_layer(pd.DataFrame({"lat": [30.7], "lon": [121.0], "name": ["<b>x</b>"]}),
                              layer_id="p", columns=["name"])
    d = maps.deck([layer], base=False, tooltip=maps.TOOLTIP)
    assert d._tooltip["text"] == "{name}\n{value_text}" and "html" not in d._tooltip  # what Streamlit sends
    with pytest.raises(ValueError):
        maps.deck([layer], base=False, tooltip={"html": "<b>{name}</b>"})


def test_layer_text_is_inert_for_the_deck_json_converter():
    """deck.gl's JSON converter turns any string starting '@@=' into a function and '@@#' into a constant
    lookup (which fails for an unknown name and breaks the map): such text reaches the browser inert."""
    df = pd.DataFrame({"lat": [30.7, 30.71], "lon": [121.0, 121.01], "name": ["@@=a.b", "@@#X.y"],
                       "value_text": ["ok", "1 件"]})
    d = maps.deck([maps.points_layer(df, layer_id="p", columns=["name", "value_text"])], base=False,
                  tooltip=maps.TOOLTIP)
    data = next(layer for layer in json.loads(d.to_json())["layers"] if layer["id"] == "p")["data"]
    assert [r["name"] for r in data] == [WJ + "@@=a.b", WJ + "@@#X.y"]
    assert [r["value_text"] for r in data] == ["ok", "1 件"]
    assert not any(isinstance(v, str) and v.startswith("@@") for r in data for v in r.values())


def test_legend_escapes_its_texts():
    out = maps.legend_html("<img src=x>", [("![p](http://127.0.0.2:9/p.png)", [1, 2, 3])])
    assert "<img" not in out and "](http" not in out
    assert "&#60;img src=x&#62;" in out and "rgb(1,2,3)" in out
