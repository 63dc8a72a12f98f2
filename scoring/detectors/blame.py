"""No blaming the customer: 0 when an agent message contains a `blame` phrase, else 1."""

from __future__ import annotations

from scoring.detectors.base import detector
from scoring.outcomes import not_applicable, outcome, phrases
from scoring.phrases import search


@detector("no_blame")
def no_blame(signals, params):
    blame = phrases(params, "phrases")
    if not signals.agent:
        return not_applicable("no agent reply to judge")
    found = search(signals, signals.agent, blame, limit=3)
    if found:
        return outcome(0.0, f"agent blamed the customer: “{found[0].quote}”", found)
    return outcome(1.0, "no blaming language in the agent's replies")
