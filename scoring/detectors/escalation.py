"""Escalation or follow-up handled: when one is asked for or announced, is it owned?

N/A unless the customer asks for escalation (`customer_asks`) or an agent mentions escalating /
following up (`agent_mentions`). Then 1 when an agent commits to a concrete follow-up
(`commitment`: a reference number, "I'll follow up", "you'll hear from us within"), else 0.
"""

from __future__ import annotations

from scoring.detectors.base import detector
from scoring.outcomes import not_applicable, outcome
from scoring.params import DetectorParams, Field, Phrases


class Params(DetectorParams):
    customer_asks: Phrases = Field(description="the customer asking for escalation")
    agent_mentions: Phrases = Field(description="the agent mentioning escalation or follow-up")
    commitment: Phrases = Field(description="a concrete follow-up commitment")


@detector("escalation_followup", Params)
def escalation_followup(signals, params: Params):
    if not signals.agent:
        return not_applicable("no agent reply to judge")
    trigger = params.customer_asks.first_match(
        signals, signals.customer
    ) or params.agent_mentions.first_match(signals, signals.agent)
    if trigger is None:
        return not_applicable("no escalation or follow-up was asked for or announced")
    found = params.commitment.search(signals, signals.agent, limit=2)
    if found:
        return outcome(
            1.0, f"escalation/follow-up owned by the agent: “{found[0].quote}”", [trigger, *found]
        )
    return outcome(
        0.0,
        f"escalation/follow-up came up (“{trigger.quote}”) but no concrete commitment",
        [trigger],
    )
