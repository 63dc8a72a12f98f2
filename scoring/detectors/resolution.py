"""Confirmation that the issue is solved, from either side, and not contradicted afterwards.

1 when the customer confirms (`customer_confirms`) and no later customer message says it still
fails (`still_broken`), or when only the agent checks/confirms (`agent_confirms`: "can you
confirm it works?", "glad I could help") and no customer message after the agent's first reply
says it is not solved: the agent's own word never outweighs a customer's "No, not really.";
0 otherwise. N/A when no agent replied.
"""

from __future__ import annotations

from scoring.detectors.base import detector
from scoring.outcomes import not_applicable, outcome, phrases
from scoring.phrases import first_match, search


@detector("resolution_confirmed")
def resolution_confirmed(signals, params):
    customer_confirms = phrases(params, "customer_confirms")
    agent_confirms = phrases(params, "agent_confirms")
    still_broken = phrases(params, "still_broken")
    if not signals.agent or not signals.customer:
        return not_applicable("needs both a customer message and an agent reply")
    confirmations = search(signals, signals.customer, customer_confirms, limit=3)
    by_customer = bool(confirmations)
    if not confirmations:
        confirmations = search(signals, signals.agent, agent_confirms, limit=3)
    if not confirmations:
        return outcome(0.0, "nobody confirmed that the issue was solved")
    if by_customer:
        last_confirmation = confirmations[-1].message_index
        later = [i for i in signals.customer if i > last_confirmation]
        complaint = first_match(signals, later, still_broken)
        if complaint is not None:
            return outcome(
                0.0,
                f"the customer said it was still not solved afterwards: “{complaint.quote}”",
                [*confirmations[:1], complaint],
            )
    else:
        first_reply = signals.agent[0]
        replies = [i for i in signals.customer if i > first_reply]
        complaint = first_match(signals, replies, still_broken)
        if complaint is not None:
            return outcome(
                0.0,
                f"the agent said “{confirmations[0].quote}” but the customer said it was not "
                f"solved: “{complaint.quote}”",
                [*confirmations[:1], complaint],
            )
    who = "the customer confirmed" if by_customer else "the agent confirmed/checked"
    return outcome(1.0, f"{who} the issue was solved: “{confirmations[0].quote}”", confirmations)
