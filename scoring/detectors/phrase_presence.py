"""Agent behaviours recognised by phrases: acknowledging help is coming, asking for feedback.

`agent_phrase` is the general detector: 1 when an agent message contains one of `phrases`,
0 otherwise, N/A when no agent spoke (or, with `requires_customer: true`, when the customer never
wrote). `in: first|last|any` limits where it looks (the first agent reply, the last, any).

`acknowledgement` ("let me look into this") reassures a customer who is waiting; with
`requires_timestamps: true` it is N/A on a conversation without timestamps, where nobody can
tell whether the customer waited (like the timing criteria it belongs with).
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict

from scoring.detectors.base import detector
from scoring.outcomes import not_applicable, outcome
from scoring.params import DetectorParams, Field, Phrases

Where = Literal["any", "first", "last", "opening"]


class Params(DetectorParams):
    # `in` is a Python keyword: the attribute is `where`, the YAML key `in`
    model_config = ConfigDict(populate_by_name=True)

    phrases: Phrases = Field(description="what the agent should say")
    where: Where = Field(
        "any", alias="in", description="which agent replies: any, first, last or opening (two)"
    )
    label: str = Field("the expected phrase", description="what the phrases are, for rationales")
    requires_customer: bool = Field(True, description="N/A when the customer never wrote")


class AcknowledgementParams(Params):
    where: Where = Field(
        "opening", alias="in", description=Params.model_fields["where"].description
    )
    label: str = Field(
        "an acknowledgement that help is coming", description="what the phrases are, for rationales"
    )
    requires_timestamps: bool = Field(
        False, description="N/A without timestamps (nobody can tell whether the customer waited)"
    )


class FeedbackParams(Params):
    label: str = Field("a request for feedback", description="what the phrases are, for rationales")


def agent_indices(signals, where: str) -> tuple[int, ...]:
    if where == "any":
        return signals.agent
    if where == "first":
        return signals.agent[:1]
    if where == "last":
        return signals.agent[-1:]
    return signals.agent[:2]  # opening: the first two agent replies


@detector("agent_phrase", Params)
def agent_phrase(signals, params: Params):
    where = params.where
    indices = agent_indices(signals, where)
    label = params.label
    if not signals.agent:
        return not_applicable("no agent reply to judge")
    if params.requires_customer and not signals.customer:
        return not_applicable("the customer never wrote")
    found = params.phrases.search(signals, indices, limit=2)
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


@detector("acknowledgement", AcknowledgementParams)
def acknowledgement(signals, params: AcknowledgementParams):
    """Acknowledging that help is coming, looked for in the opening agent replies by default."""
    if params.requires_timestamps and not signals.has_timestamps:
        return not_applicable("no timestamps: cannot tell whether the customer had to wait")
    return agent_phrase(signals, params)


@detector("asks_for_feedback", FeedbackParams)
def asks_for_feedback(signals, params: FeedbackParams):
    return agent_phrase(signals, params)
