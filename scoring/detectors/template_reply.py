"""Template replies: agent text sent verbatim (after lowercasing and whitespace folding) to many
customers across the scored batch.

The batch pass (`scoring.templates`) finds texts used in at least
`min_conversations` conversations; this detector scores 1 - (share of this conversation's agent
replies of at least `min_chars` characters that are such templates). N/A when the conversation
was scored without a batch to compare against, or has no reply long enough to judge.
"""

from __future__ import annotations

from scoring.detectors.base import detector
from scoring.outcomes import not_applicable, number, outcome
from scoring.phrases import message_evidence
from scoring.templates import reply_hash


@detector("template_reply")
def template_reply(signals, params):
    min_chars = number(params, "min_chars", 40)
    number(params, "min_conversations", 20)  # read by the batch pass; validated here too
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
