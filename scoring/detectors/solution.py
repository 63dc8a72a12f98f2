"""A concrete solution or next step: an agent message that does or explains something specific.

1 when an agent message contains a `solution` phrase ("I've refunded", "here's how") or a
numbered step list; 0 when the agent only talked around the problem. N/A without a customer
request or an agent reply.
"""

from __future__ import annotations

import re

from scoring.detectors.base import detector
from scoring.outcomes import not_applicable, outcome, phrases
from scoring.phrases import search, span_evidence

_STEP = re.compile(r"(?m)^[ \t]*(?:\d{1,2}[.)]|step \d+[:.]?)[ \t]+\S")


@detector("concrete_solution")
def concrete_solution(signals, params):
    wanted = phrases(params, "phrases")
    if not signals.agent:
        return not_applicable("no agent reply to judge")
    if not signals.customer:
        return not_applicable("the customer never wrote")
    found = search(signals, signals.agent, wanted, limit=2)
    if not found and params.get("numbered_steps", True):
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
