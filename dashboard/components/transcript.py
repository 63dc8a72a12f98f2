"""The transcript as a chat, as one block of HTML built from escaped text only.

Message text, authors and comments come from customers, agents and reviewers, so every piece of
it goes through `html.escape` before our own markup (<mark> for evidence, <div> bubbles) is added;
nothing a user typed can become HTML. Evidence spans that no longer match the text (the quote is
checked) are located by searching for the quote, else left out rather than misplaced.
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
.cq-transcript mark {background: #ffe08a; padding: 0 1px; border-radius: 3px;}
.cq-comment {font-size: 0.8rem; border-left: 3px solid #4a7bd0; padding-left: 6px; margin-top: 4px;
             white-space: pre-wrap; overflow-wrap: anywhere;}
</style>
"""


@dataclass(frozen=True, slots=True)
class Highlight:
    start: int
    end: int
    labels: tuple[str, ...]


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
    messages: Sequence[Mapping[str, Any]], evidence: Iterable[tuple[str, Mapping[str, Any]]]
) -> dict[int, list[Highlight]]:
    """Per message index, non-overlapping highlight spans; `evidence` is (criterion label, item)."""
    texts = {int(m["message_index"]): str(m["text"]) for m in messages}
    spans: dict[int, list[tuple[int, int, str]]] = {}
    for label, item in evidence:
        index = item.get("message_index")
        if not isinstance(index, int) or index not in texts:
            continue
        located = _locate(texts[index], item)
        if located:
            spans.setdefault(index, []).append((*located, label))
    merged: dict[int, list[Highlight]] = {}
    for index, items in spans.items():
        out: list[Highlight] = []
        for start, end, label in sorted(items):
            if out and start < out[-1].end:  # overlapping evidence: one mark naming all criteria
                last = out[-1]
                labels = last.labels if label in last.labels else (*last.labels, label)
                out[-1] = Highlight(last.start, max(last.end, end), labels)
            else:
                out.append(Highlight(start, end, (label,)))
        merged[index] = out
    return merged


def marked_text(text: str, highlights: Sequence[Highlight]) -> str:
    """Escaped text with <mark> around the highlighted spans (titles name the criteria)."""
    parts, position = [], 0
    for h in highlights:
        parts.append(html.escape(text[position : h.start]))
        title = html.escape("Evidence: " + ", ".join(h.labels), quote=True)
        parts.append(f'<mark title="{title}">{html.escape(text[h.start : h.end])}</mark>')
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
