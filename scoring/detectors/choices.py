"""Offering choices where several fixes exist.

1 when an agent offers options (`offers` phrases: "either ... or", "alternatively", "would you
prefer"); 0 when the customer asked about their options (`customer_asks`) and got none; N/A
otherwise (most issues have one obvious fix).
"""

from __future__ import annotations

from scoring.detectors.base import detector
from scoring.outcomes import not_applicable, outcome
from scoring.params import DetectorParams, Field, Phrases


class Params(DetectorParams):
    offers: Phrases = Field(description="the agent offering options")
    customer_asks: Phrases = Field(description="the customer asking about options")


@detector("offers_choices", Params)
def offers_choices(signals, params: Params):
    if not signals.agent:
        return not_applicable("no agent reply to judge")
    found = params.offers.search(signals, signals.agent, limit=2)
    if found:
        return outcome(1.0, f"agent offered the customer a choice: “{found[0].quote}”", found)
    asked = params.customer_asks.first_match(signals, signals.customer)
    if asked is not None:
        return outcome(
            0.0, f"the customer asked about options (“{asked.quote}”) but got none", [asked]
        )
    return not_applicable("no sign that several fixes were possible")
