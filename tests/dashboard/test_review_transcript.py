"""The transcript renderer: escaped text, evidence marks, internal notes, gaps between replies."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from dashboard.components.transcript import (
    Highlight,
    describe_gap,
    highlights_for,
    marked_text,
    snap_to_words,
    transcript_html,
)

T0 = datetime(2026, 3, 2, 9, 0)


def message(index, text, role="agent", sent_at=None, internal=False, author=None):
    return {"message_index": index, "text": text, "role": role, "sent_at": sent_at, "internal": internal,
            "author": author}  # fmt: skip


def test_empty_transcript_renders_an_empty_container():
    assert '<div class="cq-transcript"></div>' in transcript_html([])


def test_evidence_is_marked_and_the_rest_escaped():
    text = "Sorry <b>Dana</b>, I'm on it"
    marks = highlights_for(
        [message(0, text)],
        [("Apology", {"message_index": 0, "start": 0, "end": 5, "quote": "Sorry"})],
    )
    assert marked_text(text, marks[0]) == (
        '<mark class="cq-ev" title="Evidence: Apology">Sorry</mark> &lt;b&gt;Dana&lt;/b&gt;, I&#x27;m on it'
    )


def test_stale_offsets_fall_back_to_the_quote_and_unknown_quotes_are_dropped():
    messages = [message(0, "Hello there, sorry for the wait")]
    evidence = [
        ("Apology", {"message_index": 0, "start": 0, "end": 5, "quote": "sorry"}),  # offsets wrong
        ("Ghost", {"message_index": 0, "start": 0, "end": 3, "quote": "not in text"}),
        ("Elsewhere", {"message_index": 7, "start": 0, "end": 3, "quote": "abc"}),
    ]
    assert highlights_for(messages, evidence) == {0: [Highlight(13, 18, ("Apology",))]}


def test_overlapping_evidence_becomes_one_mark_naming_both_criteria():
    messages = [message(0, "I am so sorry about that")]
    evidence = [
        ("Apology", {"message_index": 0, "start": 8, "end": 13, "quote": "sorry"}),
        ("Empathy", {"message_index": 0, "start": 5, "end": 13, "quote": "so sorry"}),
    ]
    assert highlights_for(messages, evidence)[0] == [Highlight(5, 13, ("Empathy", "Apology"))]


def test_internal_notes_roles_authors_and_gaps_are_shown():
    html = transcript_html([
        message(0, "Hi", "customer", T0, author="Dana"),
        message(1, "note", "agent", T0.replace(minute=5), internal=True, author="<Ann>"),
        message(2, "Done", "agent", T0.replace(hour=11), author="Ann"),
    ])  # fmt: skip
    assert "cq-internal" in html and "Internal note" in html
    assert "&lt;Ann&gt;" in html and "<Ann>" not in html
    assert "5 min later" in html and "cq-gap cq-gap-long" in html and "1.9 h later" in html


def test_gap_wording():
    assert [describe_gap(s) for s in (30, 600, 7200, 3 * 86400)] == ["30 s later", "10 min later", "2.0 h later",
                                                                     "3.0 days later"]  # fmt: skip


@given(st.text(), st.integers(0, 40), st.integers(0, 40))
def test_no_user_text_ever_becomes_markup(text, a, b):
    start, end = sorted((a, b))
    evidence = [("C", {"message_index": 0, "start": start, "end": end, "quote": text[start:end]})]
    html = transcript_html([message(0, text, author=text)], highlights_for([message(0, text)], evidence),
                           {0: [{"author_id": text, "body": text}]})  # fmt: skip
    body = html.split('<div class="cq-transcript">', 1)[1]
    stripped = body
    for tag in (
        '<div class="cq-',
        "</div>",
        '<mark class="cq-ev" title=',
        "</mark>",
        '<span class="cq-badge">',
        "</span>",
    ):
        stripped = stripped.replace(tag, "")
    assert "<" not in stripped.replace('<div class="cq-msg', "")


def test_evidence_for_and_against_the_agent_differ_in_colour_and_in_a_text_marker():
    text = "Sorry for the wait. This damn system never works."
    marks = highlights_for(
        [message(0, text)],
        [
            ("Apology", {"message_index": 0, "start": 0, "end": 5, "quote": "Sorry"}, "for"),
            ("No abuse", {"message_index": 0, "start": 25, "end": 29, "quote": "damn"}, "against"),
        ],
    )
    out = marked_text(text, marks[0])
    assert '<mark class="cq-ev-for" title="Evidence for the agent: Apology">' in out
    assert '<span class="cq-ev-tag">✓</span>Sorry</mark>' in out
    assert '<mark class="cq-ev-against" title="Evidence against the agent: No abuse">' in out
    assert '<span class="cq-ev-tag">✗</span>damn</mark>' in out


def test_overlapping_evidence_for_and_against_is_marked_mixed():
    messages = [message(0, "I am so sorry about that")]
    evidence = [
        ("Apology", {"message_index": 0, "start": 8, "end": 13, "quote": "sorry"}, "for"),
        ("Blame", {"message_index": 0, "start": 5, "end": 13, "quote": "so sorry"}, "against"),
    ]
    assert highlights_for(messages, evidence)[0] == [
        Highlight(5, 13, ("Blame", "Apology"), "mixed")
    ]


def test_a_highlight_never_cuts_a_word():
    text = "Please fill in the short survey."
    marks = highlights_for(
        [message(0, text)], [("Feedback", {"message_index": 0, "start": 20, "end": 31})]
    )  # "hort survey": starts inside "short"
    assert [(h.start, h.end) for h in marks[0]] == [(19, 31)]
    assert text[19:31] == "short survey"


@given(st.text(alphabet="ab .,'", max_size=30), st.integers(0, 30), st.integers(0, 30))
def test_snapped_spans_start_and_end_on_word_boundaries(text, a, b):
    start, end = sorted((min(a, len(text)), min(b, len(text))))
    s, e = snap_to_words(text, start, end)
    assert s <= start and e >= end
    assert s in (0, len(text)) or not (text[s - 1].isalnum() and text[s].isalnum())
    assert e in (0, len(text)) or not (text[e - 1].isalnum() and text[e].isalnum())
