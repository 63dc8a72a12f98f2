"""Greeting and closing: a greeting in the first agent reply, a closing in the last one.

value = (greeting found + closing found) / 2; N/A when no agent replied.
"""

from __future__ import annotations

from scoring.detectors.base import detector
from scoring.outcomes import not_applicable, outcome, phrases
from scoring.phrases import first_match


@detector("greeting_closing")
def greeting_closing(signals, params):
    greetings = phrases(params, "greetings")
    closings = phrases(params, "closings")
    if not signals.agent:
        return not_applicable("no agent reply to judge")
    greeting = first_match(signals, signals.agent[:1], greetings)
    closing = first_match(signals, signals.agent[-1:], closings)
    evidence = [e for e in (greeting, closing) if e is not None]
    parts = [
        f"greeting “{greeting.quote}”" if greeting else "no greeting",
        f"closing “{closing.quote}”" if closing else "no closing",
    ]
    return outcome(len(evidence) / 2, "; ".join(parts), evidence)
