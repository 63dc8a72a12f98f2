"""Agent behaviours recognised by phrases: acknowledging help is coming, asking for feedback.

`agent_phrase` is the general detector: 1 when an agent message contains one of `phrases`,
0 otherwise, N/A when no agent spoke (or, with `requires_customer: true`, when the customer never
wrote). `in: first|last|any` limits where it looks (the first agent reply, the last, any).

`acknowledgement` ("let me look into this") reassures a customer who is waiting; with
`requires_timestamps: true` it is N/A on a conversation without timestamps, where nobody can
tell whether the customer waited (like the timing criteria it belongs with).
"""

from __future__ import annotations

from scoring.detectors.base import detector
from scoring.outcomes import ParameterError, not_applicable, outcome, phrases
from scoring.phrases import search


def agent_indices(signals, where: str) -> tuple[int, ...]:
    if where == "any":
        return signals.agent
    if where == "first":
        return signals.agent[:1]
    if where == "last":
        return signals.agent[-1:]
    if where == "opening":  # the first two agent replies
        return signals.agent[:2]
    raise ParameterError(f"parameter 'in' must be first, last, opening or any; got {where!r}")


@detector("agent_phrase")
def agent_phrase(signals, params):
    wanted = phrases(params, "phrases")
    where = params.get("in", "any")
    indices = agent_indices(signals, where)
    label = params.get("label", "the expected phrase")
    if not signals.agent:
        return not_applicable("no agent reply to judge")
    if params.get("requires_customer", True) and not signals.customer:
        return not_applicable("the customer never wrote")
    found = search(signals, indices, wanted, limit=2)
    if found:
        return outcome(1.0, f"agent used {label}: “{found[0].quote}”", found)
    scope = {"any": "any agent reply", "first": "the first agent reply"}.get(
        where, f"the {where} agent reply"
    )
    return outcome(0.0, f"no {_without_article(label)} in {scope}")


def _without_article(label: str) -> str:
    """'a request for feedback' -> 'request for feedback' (for "no request for feedback in ...")."""
    for article in ("a ", "an ", "the "):
        if label.startswith(article):
            return label[len(article) :]
    return label


@detector("acknowledgement")
def acknowledgement(signals, params):
    """Acknowledging that help is coming, looked for in the opening agent replies by default."""
    if params.get("requires_timestamps", False) and not signals.has_timestamps:
        return not_applicable("no timestamps: cannot tell whether the customer had to wait")
    return agent_phrase(
        signals, {"in": "opening", "label": "an acknowledgement that help is coming", **params}
    )


@detector("asks_for_feedback")
def asks_for_feedback(signals, params):
    return agent_phrase(signals, {"label": "a request for feedback", **params})
