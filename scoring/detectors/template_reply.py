"""Template replies: agent text sent verbatim (after lowercasing and whitespace folding) to many
customers across the scored batch.

The batch pass (`scoring.templates`) finds texts used in at least
`min_conversations` conversations; this detector scores 1 - (share of this conversation's agent
replies of at least `min_chars` characters that are such templates). N/A when the conversation
was scored without a batch to compare against, or has no reply long enough to judge.
"""

from __future__ import annotations

from scoring.detectors.base import detector
from scoring.outcomes import not_applicable, outcome
from scoring.params import DetectorParams, Field
from scoring.phrases import message_evidence
from scoring.templates import reply_hash


class Params(DetectorParams):
    min_chars: float = Field(40, ge=0, description="shortest agent reply judged (characters)")
    min_conversations: float = Field(
        20, ge=1, description="conversations of the batch a text must appear in (batch pass)"
    )


@detector("template_reply", Params)
def template_reply(signals, params: Params):
    min_chars = params.min_chars
    if signals.template_hashes is None:
        return not_applicable("scored alone: no batch to compare replies against")
    eligible = [i for i in signals.agent if len(signals.messages[i].text) >= min_chars]
    if not eligible:
        return not_applicable(f"no agent reply of {int(min_chars)}+ characters")
    templated = [
        i for i in eligible if reply_hash(signals.messages[i].text) in signals.template_hashes
    ]
    share = len(templated) / len(eligible)
    replies = sum(1 for i in signals.agent if signals.messages[i].text.strip())
    judged = _judged(len(eligible), replies, int(min_chars))
    if not templated:
        if len(eligible) == 1:
            return outcome(1.0, f"{judged} is not a verbatim template")
        return outcome(1.0, f"none of {judged} is a verbatim template")
    verb = "was" if len(templated) == 1 else "were"
    return outcome(
        1.0 - share,
        f"{len(templated)} of {judged} {verb} sent verbatim to many customers",
        [message_evidence(signals, i, 100) for i in templated[:3]],
    )


def _judged(eligible: int, replies: int, min_chars: int) -> str:
    """'the 4 agent replies', or 'the 2 agent replies of 40+ characters (of 4)': counts that
    match the transcript, saying which replies were long enough to judge."""
    if eligible == replies:
        return "the agent's one reply" if replies == 1 else f"the {replies} agent replies"
    noun = "reply" if eligible == 1 else "replies"
    amount = "the one agent" if eligible == 1 else f"the {eligible} agent"
    return f"{amount} {noun} of {min_chars}+ characters ({replies} replies in all)"
