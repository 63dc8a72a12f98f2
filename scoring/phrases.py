"""Phrase lists from rubric YAML, compiled once into one case-insensitive alternation each.

Phrase syntax (what QA leads write): plain words, matched case-insensitively on word
boundaries; any run of spaces matches any whitespace; a trailing `*` on a word matches any
ending (`apolog*` finds apologise, apologies, apologize); an apostrophe matches ' or ’.
A phrase starting with `re:` is a raw regular expression for the rare case that needs one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from scoring.detectors.base import Evidence

QUOTE_LIMIT = 160  # longest quote kept as evidence for a whole-message citation


def _phrase_regex(phrase: str) -> str:
    phrase = phrase.strip()
    if phrase.startswith("re:"):
        return f"(?:{phrase[3:].strip()})"
    parts = []
    for word in phrase.split():
        wildcard = word.endswith("*") and len(word) > 1
        body = re.escape(word[:-1] if wildcard else word).replace("'", "['’]")
        parts.append(body + (r"\w*" if wildcard else ""))
    body = r"\s+".join(parts)
    start = r"\b" if re.match(r"\w", phrase) else ""
    end = r"\b" if re.search(r"\w\*?$", phrase) else ""
    return f"{start}{body}{end}"


@lru_cache(maxsize=512)
def pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    """One compiled alternation for a phrase list (longest phrases first); None when empty."""
    cleaned = sorted({p.strip() for p in phrases if p and p.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    return re.compile("|".join(_phrase_regex(p) for p in cleaned), re.IGNORECASE)


def as_phrases(value: object, name: str) -> tuple[str, ...]:
    """A detector parameter that must be a phrase list: a clear error otherwise."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, tuple | list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ValueError(f"parameter {name!r} must be a list of phrases, got {value!r}")


def search(signals, indices: Iterable[int], phrases: tuple[str, ...], limit: int = 3):
    """Evidence for the first `limit` matches of the phrase list in the given messages."""
    compiled = pattern(phrases)
    found: list[Evidence] = []
    if compiled is None:
        return found
    messages = signals.messages
    for i in indices:
        text = messages[i].text
        for match in compiled.finditer(text):
            if match.end() > match.start():
                found.append(Evidence(i, match.start(), match.end(), match.group()))
                if len(found) >= limit:
                    return found
    return found


def first_match(signals, indices: Iterable[int], phrases: tuple[str, ...]) -> Evidence | None:
    compiled = pattern(phrases)
    if compiled is None:
        return None
    messages = signals.messages
    for i in indices:
        text = messages[i].text
        match = compiled.search(text)
        if match and match.end() > match.start():
            return Evidence(i, match.start(), match.end(), match.group())
    return None


def any_match(signals, indices: Iterable[int], phrases: tuple[str, ...]) -> bool:
    compiled = pattern(phrases)
    if compiled is None:
        return False
    messages = signals.messages
    return any(compiled.search(messages[i].text) for i in indices)


def message_evidence(signals, i: int, limit: int = QUOTE_LIMIT) -> Evidence:
    """Cite a whole message (its first `limit` characters, trimmed of outer whitespace)."""
    text = signals.messages[i].text
    start = len(text) - len(text.lstrip())
    end = min(len(text.rstrip()), start + limit)
    end = max(end, start)
    return Evidence(i, start, end, text[start:end])


def span_evidence(signals, i: int, start: int, end: int) -> Evidence:
    text = signals.messages[i].text
    return Evidence(i, start, end, text[start:end])


def evidence(signals, i: int, start: int, end: int) -> Evidence:
    """Alias of `span_evidence` (the name agreed in NOTES.md)."""
    return span_evidence(signals, i, start, end)
