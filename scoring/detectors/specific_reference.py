"""Referring to the customer's specific situation (order, account, history) instead of canned text.

1 when an agent reply contains an identifier (order/ticket/account number), a `specific` phrase
("your order", "I can see that"), or at least `min_shared_words` distinctive words (5+ letters,
not in `ignore_words`) that the customer used first; else 0. N/A without both sides.
"""

from __future__ import annotations

import re

from scoring.detectors.base import detector
from scoring.outcomes import not_applicable, outcome
from scoring.params import Count, DetectorParams, Field, Phrases, Words
from scoring.phrases import span_evidence
from scoring.text_cache import TEXT_CACHE_SIZE, text_cache

_IDENTIFIER = re.compile(r"#\s?\d{3,}|\b[A-Z]{2,5}-?\d{3,}\b|\b\d{5,}\b")
_LONG_WORD = re.compile(r"[a-z]{5,}")

# per-text facts, cached: agent macros and customer phrasings repeat across conversations


@text_cache()
def _identifier(text: str) -> tuple[int, int] | None:
    match = _IDENTIFIER.search(text)
    return match.span() if match else None


# the two below hold many words per text and are cheap to compute: a smaller share of the memory
@text_cache(TEXT_CACHE_SIZE // 4)
def _long_word_set(text: str) -> frozenset[str]:
    """The 5+ letter words of the lowercased text (what a customer said)."""
    return frozenset(_LONG_WORD.findall(text.lower()))


@text_cache(TEXT_CACHE_SIZE // 4)
def _long_words(text: str) -> tuple[tuple[str, int, int], ...]:
    """(word, start, end) of the 5+ letter words of the lowercased text (to quote an agent)."""
    return tuple((m.group(), *m.span()) for m in _LONG_WORD.finditer(text.lower()))


@text_cache(64)
def _word_set(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(words)


class Params(DetectorParams):
    specific: Phrases = Field(description="phrases about the customer's own situation")
    ignore_words: Words = Field((), description="common words that do not count as shared")
    min_shared_words: Count = Field(
        2, description="distinctive customer words the agent must pick up"
    )


@detector("specific_reference", Params)
def specific_reference(signals, params: Params):
    ignore = _word_set(params.ignore_words)
    min_shared = params.min_shared_words
    if not signals.agent or not signals.customer:
        return not_applicable("needs both a customer message and an agent reply")
    messages = signals.messages
    for i in signals.agent:
        span = _identifier(messages[i].text)
        if span:
            evidence = span_evidence(signals, i, span[0], span[1])
            return outcome(
                1.0, f"agent referred to a specific identifier: “{evidence.quote}”", [evidence]
            )
    found = params.specific.search(signals, signals.agent, limit=2)
    if found:
        return outcome(
            1.0, f"agent referred to the customer's situation: “{found[0].quote}”", found
        )
    customer_words: set[str] = set()
    for i in signals.customer:
        customer_words.update(_long_word_set(messages[i].text))
    customer_words -= ignore
    if customer_words:
        evidence = []
        shared: set[str] = set()
        for i in signals.agent:
            text = messages[i].text
            if len(signals.lower(i)) != len(text):
                continue  # lowercasing changed offsets (rare scripts): skip quoting this message
            for word, start, end in _long_words(text):
                if word in customer_words and word not in shared:
                    shared.add(word)
                    evidence.append(span_evidence(signals, i, start, end))
        if len(shared) >= min_shared:
            words = ", ".join(sorted(shared)[:4])
            return outcome(
                1.0, f"agent picked up the customer's own details ({words})", evidence[:3]
            )
    return outcome(0.0, "agent replies do not refer to anything specific to this customer")
