"""Respect towards the customer: no profanity or abuse (usually critical), no shouting."""

from __future__ import annotations

import re

from scoring.detectors.base import detector
from scoring.outcomes import not_applicable, number, outcome, phrases
from scoring.phrases import search, span_evidence

_CAPS_RUN = re.compile(r"\b[A-Z][A-Z']+\b(?:[ \t,;:!?.\-]+\b[A-Z][A-Z']+\b)+")


@detector("no_profanity")
def no_profanity(signals, params):
    words = phrases(params, "phrases")
    if not signals.agent:
        return not_applicable("no agent reply to judge")
    found = search(signals, signals.agent, words, limit=3)
    if found:
        return outcome(0.0, f"agent used abusive or profane language: “{found[0].quote}”", found)
    return outcome(1.0, "no profanity or abuse in the agent's replies")


@detector("no_shouting")
def no_shouting(signals, params):
    min_words = int(number(params, "min_words", 3))
    allowed = {a.upper() for a in phrases(params, "acronyms", ())}
    if not signals.agent:
        return not_applicable("no agent reply to judge")
    found = []
    for i in signals.agent:
        text = signals.messages[i].text
        for match in _CAPS_RUN.finditer(text):
            capitals = [w for w in re.findall(r"[A-Z][A-Z']+", match.group()) if w not in allowed]
            if len(capitals) >= min_words:
                found.append(span_evidence(signals, i, match.start(), match.end()))
                break
        if len(found) >= 3:
            break
    if found:
        return outcome(0.0, f"agent wrote in capitals (shouting): “{found[0].quote}”", found)
    return outcome(1.0, "no shouting in the agent's replies")
