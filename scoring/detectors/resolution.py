"""Confirmation that the issue is solved, from either side, and not contradicted afterwards.

1 when the customer confirms (`customer_confirms`) and no later customer message says it still
fails (`still_broken`), or when only the agent checks/confirms (`agent_confirms`: "can you
confirm it works?", "glad I could help") and no customer message after the agent's first reply
says it is not solved: the agent's own word never outweighs a customer's "No, not really.";
0 otherwise. N/A when no agent replied.
"""

from __future__ import annotations

from scoring.detectors.base import detector
from scoring.detectors.customer_outcome import quoted_turn
from scoring.outcomes import not_applicable, outcome
from scoring.params import DetectorParams, Field, Phrases


class Params(DetectorParams):
    customer_confirms: Phrases = Field(description="the customer confirming it is solved")
    agent_confirms: Phrases = Field(description="the agent checking or confirming it is solved")
    still_broken: Phrases = Field(
        description="the customer saying it is not solved (after a confirmation, or at all when only the agent confirmed)"
    )


@detector("resolution_confirmed", Params)
def resolution_confirmed(signals, params: Params):
    if not signals.agent or not signals.customer:
        return not_applicable("needs both a customer message and an agent reply")
    confirmations = params.customer_confirms.search(signals, signals.customer, limit=3)
    by_customer = bool(confirmations)
    if not confirmations:
        confirmations = params.agent_confirms.search(signals, signals.agent, limit=3)
    if not confirmations:
        return outcome(0.0, "nobody confirmed that the issue was solved")
    if by_customer:
        last_confirmation = confirmations[-1].message_index
        later = [i for i in signals.customer if i > last_confirmation]
        complaint = params.still_broken.first_match(signals, later)
        if complaint is not None:
            return outcome(
                0.0,
                f"the customer said it was still not solved afterwards: “{complaint.quote}”",
                [*confirmations[:1], complaint],
            )
    else:
        first_reply = signals.agent[0]
        replies = [i for i in signals.customer if i > first_reply]
        # the customer's latest word on it: "No, not really." rather than an earlier complaint
        complaint = next(
            (
                found
                for i in reversed(replies)
                if (found := params.still_broken.first_match(signals, (i,))) is not None
            ),
            None,
        )
        if complaint is not None:
            return outcome(
                0.0,
                f"the agent said “{confirmations[0].quote}” but the customer said it was not "
                f"solved: “{quoted_turn(signals, complaint.message_index)}”",
                [*confirmations[:1], complaint],
            )
    who = "the customer confirmed" if by_customer else "the agent confirmed/checked"
    return outcome(1.0, f"{who} the issue was solved: “{confirmations[0].quote}”", confirmations)
