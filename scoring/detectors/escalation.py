"""Escalation or follow-up handled: when one is asked for or announced, is it owned?

N/A unless the customer asks for escalation (`customer_asks`) or an agent mentions escalating /
following up (`agent_mentions`). Then 1 when an agent commits to a concrete follow-up
(`commitment`: a reference number, "I'll follow up", "you'll hear from us within"), else 0.
"""

from __future__ import annotations

from scoring.detectors.base import detector
from scoring.outcomes import not_applicable, outcome, phrases
from scoring.phrases import first_match, search


@detector("escalation_followup")
def escalation_followup(signals, params):
    customer_asks = phrases(params, "customer_asks")
    agent_mentions = phrases(params, "agent_mentions")
    commitment = phrases(params, "commitment")
    if not signals.agent:
        return not_applicable("no agent reply to judge")
    trigger = first_match(signals, signals.customer, customer_asks) or first_match(
        signals, signals.agent, agent_mentions
    )
    if trigger is None:
        return not_applicable("no escalation or follow-up was asked for or announced")
    found = search(signals, signals.agent, commitment, limit=2)
    if found:
        return outcome(
            1.0, f"escalation/follow-up owned by the agent: “{found[0].quote}”", [trigger, *found]
        )
    return outcome(
        0.0,
        f"escalation/follow-up came up (“{trigger.quote}”) but no concrete commitment",
        [trigger],
    )
