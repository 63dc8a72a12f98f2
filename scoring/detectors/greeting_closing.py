"""Greeting and closing: a greeting in the first agent reply, a closing in the last one.

value = (greeting found + closing found) / 2; N/A when no agent replied.
"""

from __future__ import annotations

from scoring.detectors.base import detector
from scoring.outcomes import not_applicable, outcome
from scoring.params import DetectorParams, Field, Phrases


class Params(DetectorParams):
    greetings: Phrases = Field(description="greetings, looked for in the first agent reply")
    closings: Phrases = Field(description="closings, looked for in the last agent reply")


@detector("greeting_closing", Params)
def greeting_closing(signals, params: Params):
    if not signals.agent:
        return not_applicable("no agent reply to judge")
    greeting = params.greetings.first_match(signals, signals.agent[:1])
    closing = params.closings.first_match(signals, signals.agent[-1:])
    evidence = [e for e in (greeting, closing) if e is not None]
    parts = [
        f"greeting “{greeting.quote}”" if greeting else "no greeting",
        f"closing “{closing.quote}”" if closing else "no closing",
    ]
    return outcome(len(evidence) / 2, "; ".join(parts), evidence)
