"""No blaming the customer: 0 when an agent message contains a `blame` phrase, else 1."""

from __future__ import annotations

from scoring.detectors.base import detector
from scoring.outcomes import not_applicable, outcome
from scoring.params import DetectorParams, Field, Phrases


class Params(DetectorParams):
    phrases: Phrases = Field(description="blaming phrases")


@detector("no_blame", Params)
def no_blame(signals, params: Params):
    if not signals.agent:
        return not_applicable("no agent reply to judge")
    found = params.phrases.search(signals, signals.agent, limit=3)
    if found:
        return outcome(0.0, f"agent blamed the customer: “{found[0].quote}”", found)
    return outcome(1.0, "no blaming language in the agent's replies")
