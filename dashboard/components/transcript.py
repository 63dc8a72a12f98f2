"""The transcript as a chat, as one block of HTML built from escaped text only.

Message text, authors and comments come from customers, agents and reviewers, so every piece of
it goes through `html.escape` before our own markup (<mark> for evidence, <div> bubbles) is added;
nothing a user typed can become HTML. Evidence spans that no longer match the text (the quote is
checked) are located by searching for the quote, else left out rather than misplaced, and are
widened to whole words. Evidence for the agent (a criterion met) and against the agent (a criterion
failed) differ in colour, underline and a ✓ / ✗ marker, so a colour-blind reader tells them apart.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

LONG_GAP_SECONDS = 3600

STYLE = """
<style>
.cq-transcript {font-family: inherit; font-size: 0.95rem; max-width: 100%;}
.cq-msg {border-radius: 10px; padding: 8px 12px; margin: 4px 0; max-width: 85%; white-space: pre-wrap;
         overflow-wrap: anywhere;}
.cq-customer {background: #eef2f7; margin-right: auto;}
.cq-agent {background: #e3f4e8; margin-left: auto;}
.cq-bot {background: #f1ecfa; margin-left: auto;}
.cq-system {background: #f5f5f5; margin: 4px auto; font-style: italic;}
.cq-internal {background: #fff6d6; border: 1px dashed #c9a400; margin-left: auto;}
.cq-meta {font-size: 0.78rem; color: #555; margin-bottom: 2px; white-space: normal;}
.cq-badge {font-size: 0.7rem; padding: 1px 6px; border-radius: 8px; background: #c9a400; color: #fff;
           margin-left: 6px;}
.cq-gap {text-align: center; font-size: 0.75rem; color: #777; margin: 2px 0;}
.cq-gap-long {color: #b3261e; font-weight: 600;}
.cq-transcript mark {background: #ffe08a; padding: 0 1px; border-radius: 3px; color: inherit;}
.cq-transcript mark.cq-ev-for {background: #d5f0dc; border-bottom: 2px solid #1e7b34;}
.cq-transcript mark.cq-ev-against {background: #fbdcdc; border-bottom: 2px dashed #b3261e;}
.cq-transcript mark.cq-ev-mixed {background: #ffe08a; border-bottom: 2px dotted #7a5c00;}
.cq-ev-tag {font-weight: 700; font-size: 0.8em; margin-right: 2px;}
.cq-ev-for .cq-ev-tag {color: #1e7b34;}
.cq-ev-against .cq-ev-tag {color: #b3261e;}
.cq-comment {font-size: 0.8rem; border-left: 3px solid #4a7bd0; padding-left: 6px; margin-top: 4px;
             white-space: pre-wrap; overflow-wrap: anywhere;}
</style>
"""


FOR, AGAINST, MIXED = "for", "against", "mixed"
# stance -> (css class, marker, title): the marker is text, so colour is never the only cue
STANCES = {
    FOR: ("cq-ev-for", "✓", "Evidence for the agent"),
    AGAINST: ("cq-ev-against", "✗", "Evidence against the agent"),
    MIXED: ("cq-ev-mixed", "±", "Evidence for and against the agent"),
    "": ("cq-ev", "", "Evidence"),
}
LEGEND = (
    "✓ green, solid underline: evidence for the agent · ✗ red, dashed underline: evidence against"
)


@dataclass(frozen=True, slots=True)
class Highlight:
    start: int
    end: int
    labels: tuple[str, ...]
    stance: str = ""  # for | against | mixed | "" (unknown)


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span so it never starts or ends inside a word ("the s|hort survey" -> "short")."""
    while 0 < start < len(text) and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    return start, end


def _locate(text: str, item: Mapping[str, Any]) -> tuple[int, int] | None:
    quote = str(item.get("quote") or "")
    start, end = item.get("start"), item.get("end")
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
        if not quote or text[start:end] == quote:
            return start, end
    if quote:
        found = text.find(quote)
        if found >= 0:
            return found, found + len(quote)
    return None


def highlights_for(
    messages: Sequence[Mapping[str, Any]], evidence: Iterable[tuple[Any, ...]]
) -> dict[int, list[Highlight]]:
    """Per message index, non-overlapping highlight spans on whole words.

    `evidence` holds (criterion label, item) or (criterion label, item, stance) with stance
    "for" / "against" the agent; overlapping evidence of both kinds becomes "mixed".
    """
    texts = {int(m["message_index"]): str(m["text"]) for m in messages}
    spans: dict[int, list[tuple[int, int, str, str]]] = {}
    for label, item, *rest in evidence:
        stance = str(item.get("stance") or (rest[0] if rest else "") or "")
        index = item.get("message_index")
        if not isinstance(index, int) or index not in texts:
            continue
        located = _locate(texts[index], item)
        if located:
            start, end = snap_to_words(texts[index], *located)
            spans.setdefault(index, []).append((start, end, label, stance))
    merged: dict[int, list[Highlight]] = {}
    for index, items in spans.items():
        out: list[Highlight] = []
        for start, end, label, stance in sorted(items):
            if out and start < out[-1].end:  # overlapping evidence: one mark naming all criteria
                last = out[-1]
                labels = last.labels if label in last.labels else (*last.labels, label)
                both = last.stance if last.stance == stance else MIXED
                out[-1] = Highlight(last.start, max(last.end, end), labels, both)
            else:
                out.append(Highlight(start, end, (label,), stance))
        merged[index] = out
    return merged


def marked_text(text: str, highlights: Sequence[Highlight]) -> str:
    """Escaped text with <mark> around the highlighted spans (titles name the criteria, a ✓ / ✗
    marker says whether the evidence is for or against the agent)."""
    parts, position = [], 0
    for h in highlights:
        parts.append(html.escape(text[position : h.start]))
        css, marker, kind = STANCES.get(h.stance, STANCES[""])
        title = html.escape(f"{kind}: " + ", ".join(h.labels), quote=True)
        tag = f'<span class="cq-ev-tag">{marker}</span>' if marker else ""
        parts.append(
            f'<mark class="{css}" title="{title}">{tag}{html.escape(text[h.start : h.end])}</mark>'
        )
        position = h.end
    parts.append(html.escape(text[position:]))
    return "".join(parts)


def describe_gap(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s later"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min later"
    if seconds < 86400:
        return f"{seconds / 3600:.1f} h later"
    return f"{seconds / 86400:.1f} days later"


def _timestamp(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S UTC")
    return "" if value is None else str(value)


def transcript_html(
    messages: Sequence[Mapping[str, Any]],
    highlights: Mapping[int, Sequence[Highlight]] | None = None,
    comments: Mapping[int, Sequence[Mapping[str, Any]]] | None = None,
) -> str:
    """The whole transcript: bubbles by role, authors, timestamps, gaps between replies, internal notes."""
    highlights = highlights or {}
    comments = comments or {}
    rows = [STYLE, '<div class="cq-transcript">']
    previous: datetime | None = None
    for m in messages:
        index = int(m["message_index"])
        sent = m.get("sent_at")
        if isinstance(sent, datetime) and previous is not None:
            gap = (sent - previous).total_seconds()
            if gap > 0:
                css = "cq-gap cq-gap-long" if gap >= LONG_GAP_SECONDS else "cq-gap"
                rows.append(f'<div class="{css}">· {html.escape(describe_gap(gap))} ·</div>')
        if isinstance(sent, datetime):
            previous = sent
        role = str(m.get("role") or "system")
        internal = bool(m.get("internal"))
        css_role = (
            "internal" if internal else (role if role in ("customer", "agent", "bot") else "system")
        )
        badge = '<span class="cq-badge">Internal note</span>' if internal else ""
        author = html.escape(str(m.get("author") or role))
        meta = f"#{index + 1} · {html.escape(role)} · {author} · {html.escape(_timestamp(sent))}{badge}"
        body = marked_text(str(m.get("text") or ""), highlights.get(index, ()))
        notes = "".join(
            f'<div class="cq-comment">💬 {html.escape(str(c.get("author_id") or ""))}: '
            f"{html.escape(str(c.get('body') or ''))}</div>"
            for c in comments.get(index, ())
        )
        rows.append(
            f'<div class="cq-msg cq-{css_role}" data-index="{index}"><div class="cq-meta">{meta}</div>'
            f"{body}{notes}</div>"
        )
    rows.append("</div>")
    return "".join(rows)
