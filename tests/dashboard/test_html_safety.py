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


# ---- Imported text is text on every page, for every role (issue 18, finding 4) -----------------

import csv  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402

import pytest  # noqa: E402
import streamlit  # noqa: E402

from dashboard.page_roles import PAGE_ROLES  # noqa: E402
from dashboard.text import chart_label, plain  # noqa: E402
from tests.hostile_data import (  # noqa: E402
    ACTIVE_MARKDOWN,
    ACTIVE_PLOTLY,
    IMAGE_LINK,
    hostile_warehouse,
)
from warehouse.access.viewer import ROLES as VIEWER_ROLES  # noqa: E402

# Elements whose text Streamlit shows as plain text (no markdown): not checked for escaping.
PLAIN_ELEMENTS = {"text", "code", "dataframe", "plotly_chart", "html", "json", "exception", "table"}
MARKDOWN_FIELDS = ("body", "label", "help")
ESCAPED = re.compile(r"\\[!-/:-@\[-`{-~]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return hostile_warehouse(tmp_path_factory.mktemp("hostile"))


@pytest.fixture
def downloads(monkeypatch):
    """Every st.download_button's (file name, data) as the pages build them."""
    seen: list[tuple[str, str]] = []
    original = streamlit.download_button

    def recording(label, data, file_name=None, *args, **kwargs):
        text = data.decode("utf-8") if isinstance(data, bytes) else str(data)
        seen.append((str(file_name), text))
        return original(label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", recording)
    return seen


def markdown_texts(node, found: list[str]) -> list[str]:
    """Every string of the rendered page tree that Streamlit interprets as markdown."""
    proto = getattr(node, "proto", None)
    kind = getattr(node, "type", None)
    if proto is not None and kind not in PLAIN_ELEMENTS:
        for field_name in MARKDOWN_FIELDS:
            value = getattr(proto, field_name, None)
            if isinstance(value, str) and value:
                found.append(value)
        if kind == "radio":
            found.extend(proto.options)
        for block_kind in ("expandable", "tab", "popover"):
            if hasattr(proto, "HasField") and _has(proto, block_kind):
                found.append(getattr(proto, block_kind).label)
    for child in getattr(node, "children", {}).values():
        markdown_texts(child, found)
    return found


def _has(proto, name: str) -> bool:
    try:
        return proto.HasField(name)
    except ValueError:
        return False


def chart_strings(at) -> list[str]:
    strings: list[str] = []

    def walk(value):
        if isinstance(value, str):
            strings.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for chart in at.get("plotly_chart"):
        walk(json.loads(chart.proto.spec))
    return strings


def check_page(at, where: str) -> list[str]:
    """The page's problems: active markdown from data, HTML in charts, a traceback."""
    problems = [f"{where}: exception {e.value}" for e in at.exception]
    for source in markdown_texts(at._tree, []):
        text = ESCAPED.sub("\x00", source)  # a backslash-escaped character is literal
        for active in ACTIVE_MARKDOWN:
            if active in text:
                problems.append(f"{where}: markdown shows {active!r} in {text[:120]!r}")
    for text in chart_strings(at):
        for active in ACTIVE_PLOTLY:
            if active in text:
                problems.append(f"{where}: chart shows {active!r} in {text[:120]!r}")
    return problems


def check_csv(file_name: str, text: str) -> list[str]:
    problems = []
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            formula = cell.startswith(FORMULA_START) and not re.fullmatch(
                r"-?[\d.]+(e-?\d+)?", cell
            )
            if formula:
                problems.append(f"{file_name}: formula cell {cell[:60]!r}")
            if re.fullmatch(r"-?\d+\.\d{5,}", cell):
                problems.append(f"{file_name}: unrounded number {cell}")
    return problems


def test_plain_escapes_every_markdown_construct_and_keeps_the_text():
    wj = "\u2060"  # WORD JOINER: GFM links URLs and addresses in text even when escaped
    assert plain("a ![t](http://h/a.png) **b** $m$ <a> www.h u@h HTTPS://h") == (
        rf"a !\[t\](http{wj}:\/\/h/a.png) \*\*b\*\* \$m\$ \<a> www{wj}.h u{wj}\@h HTTPS{wj}:\/\/h"
    )
    assert plain("# big") == r"\# big" and plain("1. item") == r"1\. item"
    # Inert punctuation and snake_case stay as typed: messages read normally.
    assert plain("agent_ann (Billing): 10.5%.") == "agent_ann (Billing): 10.5%."
    assert plain("two\nlines") == "two lines" and plain(None) == "–"
    assert chart_label('<a href="x">A & B</a>') == '&lt;a href="x"&gt;A &amp; B&lt;/a&gt;'


@pytest.mark.parametrize("role", VIEWER_ROLES)
def test_hostile_values_stay_text_on_every_page_for_every_role(
    role, hostile, monkeypatch, downloads
):
    """Every page the role may open, and every file it may download, on hostile data.

    One test per role, so the walk (about 35 pages) is spread over the test workers."""
    monkeypatch.setenv("CORNERSTONE_DB", str(hostile.db_path))
    assert set(hostile.viewers) == set(VIEWER_ROLES)
    problems: list[str] = []
    pages = [page for page, roles in PAGE_ROLES.items() if role in roles]
    assert len(pages) >= 4, pages
    for page in pages:
        problems += check_page(_open(hostile.viewers[role], page), f"{role}/{page}")
    for file_name, text in downloads:
        problems += check_csv(file_name, text)
    if role == "admin":  # the admin may download every report the probe found unescaped
        names = {name for name, _ in downloads}
        assert {"trends_quality.csv", "agent_ranking.csv", "feedback_quality.csv"} <= names, names
    assert not problems, "\n".join(problems[:40])


def _open(viewer, page: str):
    from streamlit.testing.v1 import AppTest

    from tests.e2_fixtures import ENTRYPOINT

    at = AppTest.from_file(ENTRYPOINT, default_timeout=90)
    at.session_state["viewer"] = viewer
    at.session_state["charts_show_tables"] = True
    at.switch_page(f"app_pages/{page}.py").run()
    return at


def test_hostile_review_page_dispute_and_comments_stay_text(hostile, monkeypatch):
    monkeypatch.setenv("CORNERSTONE_DB", str(hostile.db_path))
    from warehouse.storage.connection import connect

    with connect(hostile.db_path) as con:
        (conversation_id,) = con.execute(
            "SELECT conversation_id FROM disputes ORDER BY dispute_id LIMIT 1"
        ).fetchone()
    for role in ("qa_lead", "manager", "reviewer"):
        viewer = hostile.viewers[role]
        at = _open_query(viewer, "review_conversation", {"conversation": conversation_id})
        problems = check_page(at, f"{role}/review_conversation")
        assert not problems, "\n".join(problems[:20])
    texts = " ".join(t.value for t in at.text)
    assert IMAGE_LINK in texts  # the comment is shown, intact, as plain text


def _open_query(viewer, page, query):
    from streamlit.testing.v1 import AppTest

    from tests.e2_fixtures import ENTRYPOINT

    at = AppTest.from_file(ENTRYPOINT, default_timeout=90)
    at.session_state["viewer"] = viewer
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    return at


def test_coaching_success_message_names_a_hostile_agent_as_text(hostile, monkeypatch):
    """The probe's case: the success message after saving a session quoted the agent's name as
    markdown, which loaded an image from the name's host and showed its links."""
    monkeypatch.setenv("CORNERSTONE_DB", str(hostile.db_path))
    at = _open(hostile.viewers["qa_lead"], "coaching")
    agent = at.selectbox(key="coaching_new_agent").value
    at.multiselect(key=f"coaching_focus_{agent}_reviewed").set_value(["empathy.apology"])
    at.button(key="FormSubmitter:coaching_new_form-Save coaching session").click().run()
    assert [s.value for s in at.success], [e.value for e in at.error]
    message = at.success[0].value
    assert "saved for" in message and "!\\[t\\](http\u2060:\\/\\/" in message
    assert not check_page(at, "qa_lead/coaching after save")
