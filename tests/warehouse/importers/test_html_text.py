"""HTML bodies to plain text."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warehouse.reading.importers.html_text import body_text, html_to_text, looks_like_html


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("", ""),
        ("plain words", "plain words"),
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ("line<br>break<br/>again", "line\nbreak\nagain"),
        ("<ul><li>a</li><li>b</li></ul>", "a\nb"),
        ("Tom &amp; Jerry &lt;3 &#8364; &eacute;", "Tom & Jerry <3 € é"),
        ("<style>p{color:red}</style><script>alert(1)</script>kept", "kept"),
        ("<div>  lots   of\n\n  space </div>", "lots of space"),
        ("<p>unclosed <b>bold", "unclosed bold"),
        ("<table><tr><td>a</td><td>b</td></tr></table>", "a b"),
    ],
)
def test_html_to_text(markup, text):
    assert html_to_text(markup) == text


def test_plain_text_wins_over_html_and_keeps_its_line_breaks():
    assert body_text("<p>x</p>", "  line one\nline <two>  ") == "line one\nline <two>"
    assert body_text("<p>x</p>", "   ") == "x"
    assert body_text(None, None) == ""
    assert looks_like_html("<p>hi</p>") and not looks_like_html("a < b")


@given(st.text())
def test_escaped_text_comes_back_with_whitespace_collapsed(text):
    assert html_to_text(f"<p>{html.escape(text)}</p>") == " ".join(text.split())


def test_a_body_that_is_only_a_picture_is_still_a_message():
    assert body_text('<p><img src="https://x/y.png"></p>') == "[image]"
    assert body_text('<p>look <img src="y.png"></p>') == "look"
