"""A sincere apology where something went wrong; N/A when nothing did.

Something went wrong when a customer message contains a `problem` phrase ("not working",
"charged twice") or the customer's most negative turn is below `upset_below` (VADER compound;
computed only when no problem phrase decided it).
"""

from __future__ import annotations

from scoring.detectors.base import detector
from scoring.outcomes import not_applicable, number, outcome, phrases
from scoring.phrases import first_match, message_evidence, search


@detector("apology_when_needed")
def apology_when_needed(signals, params):
    problems = phrases(params, "problem")
    apologies = phrases(params, "apology")
    upset_below = number(params, "upset_below", -0.4)
    if not signals.agent or not signals.customer:
        return not_applicable("needs both a customer message and an agent reply")
    trigger = first_match(signals, signals.customer, problems)
    if trigger is None:
        sentiments = signals.customer_sentiments()
        worst = min(sentiments, key=lambda item: item[1]) if sentiments else None
        if worst is None or worst[1] >= upset_below:
            return not_applicable("nothing went wrong for the customer: no apology needed")
        trigger = message_evidence(signals, worst[0], 100)
        reason = f"the customer was upset (sentiment {worst[1]:+.2f})"
    else:
        reason = f"the customer reported a problem (“{trigger.quote}”)"
    found = search(signals, signals.agent, apologies, limit=2)
    if found:
        return outcome(
            1.0, f"{reason} and the agent apologised: “{found[0].quote}”", [trigger, *found]
        )
    return outcome(0.0, f"{reason} but the agent never apologised", [trigger])
