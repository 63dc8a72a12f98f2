"""User text is never rendered as HTML: a guard over the dashboard code and the one HTML builder."""

from __future__ import annotations

import re
from pathlib import Path

from dashboard.components.transcript import Highlight, transcript_html

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"
ATTACKS = (
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "</div><iframe src=//evil.example>",
    '"><a href="javascript:alert(1)">click</a>',
)
# Files allowed to call st.html: each builds its HTML from html.escape'd pieces only.
HTML_BUILDERS = {"app_pages/review_conversation.py", "app_pages/my_feedback.py"}


def test_no_dashboard_code_allows_raw_html_in_markdown():
    offenders = [
        str(path.relative_to(DASHBOARD))
        for path in DASHBOARD.rglob("*.py")
        if "unsafe_allow_html" in path.read_text(encoding="utf-8")
    ]
    assert not offenders


def test_st_html_is_used_only_by_known_escaping_builders():
    users = {
        str(path.relative_to(DASHBOARD))
        for path in DASHBOARD.rglob("*.py")
        if re.search(r"\bst\.html\(|components\.v1\.html\(", path.read_text(encoding="utf-8"))
    }
    assert users <= HTML_BUILDERS, users - HTML_BUILDERS


def test_transcript_escapes_message_text_authors_comments_and_evidence():
    messages = [
        {"message_index": i, "role": "customer", "author": attack, "text": f"hello {attack} bye",
         "sent_at": None, "internal": False}
        for i, attack in enumerate(ATTACKS)
    ]  # fmt: skip
    highlights = {0: [Highlight(0, 5, ("<b>criterion</b>",))]}
    comments = {1: [{"author_id": "<i>rev</i>", "body": ATTACKS[0]}]}
    out = transcript_html(messages, highlights, comments)
    for tag in ("<script", "<img", "<iframe", "<a ", "<b>", "<i>"):
        assert tag not in out, tag
    assert "&lt;script&gt;" in out and "onerror=&quot;" in out
