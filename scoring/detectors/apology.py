"""A sincere apology where something went wrong; N/A when nothing did.

Something went wrong when a customer message contains a `problem` phrase ("not working",
"charged twice") or the customer's most negative turn is below `upset_below` (VADER compound;
computed only when no problem phrase decided it).
"""

from __future__ import annotations

from scoring.detectors.base import detector
from scoring.outcomes import not_applicable, outcome
from scoring.params import DetectorParams, Field, Phrases, Sentiment
from scoring.phrases import message_evidence


class Params(DetectorParams):
    problem: Phrases = Field(description="customer phrases that say something went wrong")
    apology: Phrases = Field(description="what counts as an apology")
    upset_below: Sentiment = Field(
        -0.4, description="VADER compound of the customer's worst turn that counts as upset"
    )


@detector("apology_when_needed", Params)
def apology_when_needed(signals, params: Params):
    upset_below = params.upset_below
    if not signals.agent or not signals.customer:
        return not_applicable("needs both a customer message and an agent reply")
    trigger = params.problem.first_match(signals, signals.customer)
    if trigger is None:
        sentiments = signals.customer_sentiments()
        worst = min(sentiments, key=lambda item: item[1]) if sentiments else None
        if worst is None or worst[1] >= upset_below:
            return not_applicable("nothing went wrong for the customer: no apology needed")
        trigger = message_evidence(signals, worst[0], 100)
        reason = f"the customer was upset (sentiment {worst[1]:+.2f})"
    else:
        reason = f"the customer reported a problem (“{trigger.quote}”)"
    found = params.apology.search(signals, signals.agent, limit=2)
    if found:
        return outcome(
            1.0, f"{reason} and the agent apologised: “{found[0].quote}”", [trigger, *found]
        )
    return outcome(0.0, f"{reason} but the agent never apologised", [trigger])
