"""A concrete solution or next step: an agent message that does or explains something specific.

1 when an agent message contains a `solution` phrase ("I've refunded", "here's how") or a
numbered step list; 0 when the agent only talked around the problem. N/A without a customer
request or an agent reply.
"""

from __future__ import annotations

import re

from scoring.detectors.base import detector
from scoring.outcomes import not_applicable, outcome
from scoring.params import DetectorParams, Field, Phrases
from scoring.phrases import span_evidence

_STEP = re.compile(r"(?m)^[ \t]*(?:\d{1,2}[.)]|step \d+[:.]?)[ \t]+\S")


class Params(DetectorParams):
    phrases: Phrases = Field(description="a concrete fix or next step")
    numbered_steps: bool = Field(True, description="a numbered list of steps counts too")


@detector("concrete_solution", Params)
def concrete_solution(signals, params: Params):
    if not signals.agent:
        return not_applicable("no agent reply to judge")
    if not signals.customer:
        return not_applicable("the customer never wrote")
    found = params.phrases.search(signals, signals.agent, limit=2)
    if not found and params.numbered_steps:
        for i in signals.agent:
            match = _STEP.search(signals.messages[i].text)
            if match:
                found = [span_evidence(signals, i, match.start(), match.end())]
                break
    if found:
        return outcome(
            1.0, f"agent gave a concrete solution or next step: “{found[0].quote}”", found
        )
    return outcome(0.0, "no concrete solution or next step in the agent's replies")
