"""Did the agent deliver? The balance of agent replies that report something done against replies
that report failing ("couldn't find", "unfortunately").

value = 0.5 + (replies with a `done` phrase - replies with a `failed` phrase) / agent replies,
clamped to 0..1; N/A without agent replies. Apologies are deliberately not failures (the empathy
rubric rewards them).
"""

from __future__ import annotations

from scoring.detectors.base import detector
from scoring.outcomes import not_applicable, outcome
from scoring.params import DetectorParams, Field, Phrases


class Params(DetectorParams):
    done: Phrases = Field(description="an agent reply reporting something done")
    failed: Phrases = Field(description="an agent reply reporting failing")


@detector("agent_outcome", Params)
def agent_outcome(signals, params: Params):
    done = params.done
    failed = params.failed
    if not signals.agent:
        return not_applicable("no agent reply to judge")
    done_found, failed_found = [], []
    for i in signals.agent:
        hit = done.first_match(signals, (i,))
        if hit is not None:
            done_found.append(hit)
        miss = failed.first_match(signals, (i,))
        if miss is not None:
            failed_found.append(miss)
    value = 0.5 + (len(done_found) - len(failed_found)) / len(signals.agent)
    if not done_found and not failed_found:
        return outcome(value, "no agent reply reports a result either way")
    parts = []
    total = len(signals.agent)
    if done_found:
        parts.append(f"{_of(len(done_found), total)} a result (“{done_found[0].quote}”)")
    if failed_found:
        parts.append(f"{_of(len(failed_found), total)} failing (“{failed_found[0].quote}”)")
    return outcome(value, "; ".join(parts), [*done_found[:2], *failed_found[:2]])


def _of(count: int, total: int) -> str:
    """'1 of 4 agent replies reports' / '2 of 4 agent replies report' / 'the one agent reply reports'."""
    if total == 1:
        return "the agent's one reply reports"
    return f"{count} of {total} agent replies {'reports' if count == 1 else 'report'}"
