"""Quoted earlier messages in e-mail replies, kept apart from the new text.

A reply e-mail usually carries the message it answers below "On Mon, 5 Mar 2024, Support
wrote:" or "-----Original Message-----". Stored as one text, the agent's quoted words would be
scored as the customer's (and the other way round). `split_quoted_replies(conversation)` is
called by the helpdesk importers on every conversation they build. In an e-mail conversation,
a message whose text holds a quoted part keeps only its new text, and is followed by an internal
`system` message with the quoted part (author "quoted in the e-mail above"): reviewers still see
it in the transcript, and scoring never reads internal messages. Nothing is lost: the two texts
together are the original text. Other channels, and texts where the quote cannot be located
exactly, are left as they are.

The quote is found by `mail-parser-reply` (reply headers and separators in English, German,
French, Spanish, Italian, Dutch, Polish, Swedish, Danish and Czech, and `>`-quoted blocks).
"""

from __future__ import annotations

import re
from typing import Any

from mailparser_reply import EmailReplyParser

QUOTE_AUTHOR = "quoted in the e-mail above"
_LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "pl", "sv", "da", "cs"]
_PARSER = EmailReplyParser(languages=_LANGUAGES)
# Cheap pre-check: only texts with something that looks like a reply header, a separator or a
# quoted line go through the parser.
_MAYBE_QUOTED = re.compile(
    r"^\s*>|:\s*$|-{2,}\s*\S.*-{2,}|^\s*(?:from|von|de|da|van|od|från|fra)\s*:",
    re.IGNORECASE | re.MULTILINE,
)


def split_quoted(text: str) -> tuple[str, str]:
    """(new text, quoted part) of an e-mail body; the quoted part is "" when there is none.
    `new + quoted` holds every character of `text` except the whitespace between them."""
    if not isinstance(text, str) or not _MAYBE_QUOTED.search(text):
        return text, ""
    try:
        replies = _PARSER.read(text).replies
    except Exception:  # noqa: BLE001 (a parser failure must not lose the message)
        return text, ""
    if len(replies) < 2 or not replies[1].content.strip():
        return text, ""
    first_quoted_line = replies[1].content.strip().splitlines()[0].strip()
    offset = 0
    for line in text.splitlines(keepends=True):
        if line.strip() == first_quoted_line and text[:offset].strip():
            new, quoted = text[:offset].rstrip(), text[offset:].strip()
            return (new, quoted) if quoted else (text, "")
        offset += len(line)
    return text, ""


def split_quoted_replies(conversation: dict[str, Any]) -> dict[str, Any]:
    """The importers' hook: in an e-mail conversation, each non-internal message with a quoted
    part becomes its new text plus an internal system message holding the quote."""
    if conversation.get("channel") != "email" or not isinstance(conversation.get("messages"), list):
        return conversation
    messages: list[Any] = []
    for message in conversation["messages"]:
        if not isinstance(message, dict) or message.get("internal"):
            messages.append(message)
            continue
        new, quoted = split_quoted(message.get("text"))
        if not quoted:
            messages.append(message)
            continue
        messages.append({**message, "text": new})
        messages.append(
            {
                "role": "system",
                "author": QUOTE_AUTHOR,
                "text": quoted,
                "sent_at": message.get("sent_at"),
                "internal": True,
            }
        )
    return {**conversation, "messages": messages}
