"""The customer's closing sentiment against their opening sentiment (VADER compound).

value = 0.5 + (closing - opening) / 2, clamped to 0..1, so an unchanged mood scores 0.5 and a
turn from angry to happy scores 1. A closing turn at or above `happy_above` scores at least
`happy_floor` (the customer ended content even if they started content); a closing turn at or
below `unhappy_below` scores at most `unhappy_ceiling` (ending upset is never a pass, however
upset they started). N/A with fewer than two customer turns.
"""

from __future__ import annotations

from scoring.detectors.base import detector
from scoring.outcomes import not_applicable, outcome
from scoring.params import DetectorParams, Field, Sentiment, Share
from scoring.phrases import message_evidence


class Params(DetectorParams):
    happy_above: Sentiment = Field(0.3, description="closing sentiment that counts as content")
    happy_floor: Share = Field(0.75, description="least value when the customer ended content")
    unhappy_below: Sentiment = Field(-0.3, description="closing sentiment that counts as upset")
    unhappy_ceiling: Share = Field(0.4, description="most value when the customer ended upset")


@detector("sentiment_shift", Params)
def sentiment_shift(signals, params: Params):
    happy_above = params.happy_above
    happy_floor = params.happy_floor
    unhappy_below = params.unhappy_below
    unhappy_ceiling = params.unhappy_ceiling
    turns = [i for i in signals.customer if signals.messages[i].text.strip()]
    if len(turns) < 2:
        return not_applicable("fewer than two customer messages: no change to measure")
    opening, closing = signals.sentiment(turns[0]), signals.sentiment(turns[-1])
    value = 0.5 + (closing - opening) / 2
    if closing >= happy_above:
        value = max(value, happy_floor)
    elif closing <= unhappy_below:
        value = min(value, unhappy_ceiling)
    direction = (
        "improved"
        if closing > opening + 0.05
        else ("worsened" if closing < opening - 0.05 else "stayed about the same")
    )
    return outcome(
        value,
        f"customer sentiment {direction}: {opening:+.2f} at the start, {closing:+.2f} at the end",
        [message_evidence(signals, turns[0], 100), message_evidence(signals, turns[-1], 100)],
    )
