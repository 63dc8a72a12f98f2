"""Offering choices where several fixes exist.

1 when an agent offers options (`offers` phrases: "either ... or", "alternatively", "would you
prefer"); 0 when the customer asked about their options (`customer_asks`) and got none; N/A
otherwise (most issues have one obvious fix).
"""

from __future__ import annotations

from scoring.detectors.base import detector
from scoring.outcomes import not_applicable, outcome, phrases
from scoring.phrases import first_match, search


@detector("offers_choices")
def offers_choices(signals, params):
    offers = phrases(params, "offers")
    customer_asks = phrases(params, "customer_asks")
    if not signals.agent:
        return not_applicable("no agent reply to judge")
    found = search(signals, signals.agent, offers, limit=2)
    if found:
        return outcome(1.0, f"agent offered the customer a choice: “{found[0].quote}”", found)
    asked = first_match(signals, signals.customer, customer_asks)
    if asked is not None:
        return outcome(
            0.0, f"the customer asked about options (“{asked.quote}”) but got none", [asked]
        )
    return not_applicable("no sign that several fixes were possible")
