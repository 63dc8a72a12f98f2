"""Professional language: no swearing or crude words about anything (not critical: abuse aimed at
the customer is `scoring.detectors.abuse`), and no shouting."""

from __future__ import annotations

import re

from scoring.detectors.base import detector
from scoring.outcomes import not_applicable, outcome
from scoring.params import Count, DetectorParams, Field, Phrases, Words
from scoring.phrases import span_evidence
from scoring.text_cache import text_cache

# a run of words in capitals: `\b[A-Z][A-Z']+\b(?:[ \t,;:!?.\-]+\b[A-Z][A-Z']+\b)+` with its
# first `\b` checked after the capital (no word character before it), so that `re` skips to the
# capitals at C speed instead of trying the pattern at every position: the same matches
_CAPS_RUN = re.compile(r"[A-Z](?<!\w[A-Z])[A-Z']+\b(?:[ \t,;:!?.\-]+\b[A-Z][A-Z']+\b)+")
_CAPITAL_WORD = re.compile(r"[A-Z][A-Z']+")


class ProfanityParams(DetectorParams):
    phrases: Phrases = Field(description="swearing and crude words, about anything")


@detector("no_profanity", ProfanityParams)
def no_profanity(signals, params: ProfanityParams):
    if not signals.agent:
        return not_applicable("no agent reply to judge")
    found = params.phrases.search(signals, signals.agent, limit=3)
    if found:
        return outcome(0.0, f"the agent swore or used crude language: “{found[0].quote}”", found)
    return outcome(1.0, "no swearing or crude language in the agent's replies")


@text_cache(64)
def _allowed(acronyms: tuple[str, ...]) -> frozenset[str]:
    return frozenset(a.upper() for a in acronyms)


@text_cache()
def _shouting(text: str, min_words: int, allowed: frozenset[str]) -> tuple[int, int] | None:
    """The first run of at least `min_words` words in capitals (acronyms aside), cached per text."""
    for match in _CAPS_RUN.finditer(text):
        capitals = [w for w in _CAPITAL_WORD.findall(match.group()) if w not in allowed]
        if len(capitals) >= min_words:
            return match.span()
    return None


class ShoutingParams(DetectorParams):
    min_words: Count = Field(3, description="capitalised words in a row that count as shouting")
    acronyms: Words = Field((), description="words in capitals that are not shouting")


@detector("no_shouting", ShoutingParams)
def no_shouting(signals, params: ShoutingParams):
    min_words = params.min_words
    allowed = _allowed(params.acronyms)
    if not signals.agent:
        return not_applicable("no agent reply to judge")
    found = []
    for i in signals.agent:
        span = _shouting(signals.messages[i].text, min_words, allowed)
        if span is not None:
            found.append(span_evidence(signals, i, span[0], span[1]))
        if len(found) >= 3:
            break
    if found:
        return outcome(0.0, f"agent wrote in capitals (shouting): “{found[0].quote}”", found)
    return outcome(1.0, "no shouting in the agent's replies")
