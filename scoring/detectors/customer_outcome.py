"""The customer's outcome, read from the customer's own turns: mood, thanks, corrections, upset.

Over 95 % of conversations are never reviewed, and the customer is the only person in them who
knows whether they got what they came for. What they write says it: a satisfied customer thanks
or praises ("great, thanks", "perfect"); a dissatisfied one corrects the agent or says no ("No,
not really.", "that's not what I asked"), complains ("billed twice", "still not working",
"Sort it out."), or writes "??" / "!!". Their words' tone (VADER compound) says the rest.

Each customer turn with text gets a reaction:

    mood_weight x VADER compound of the turn (-1..1)
    + 1 when it thanks or praises (`satisfied`; only after the agent's first reply: "thanks in
      advance" is not a verdict)
    - 1 when it corrects the agent or says no (`correcting`; after the agent's first reply too)
    - 1 when it complains or sounds upset (`upset`)

The value is `0.5 + 0.5 x` the mean reaction over the customer's turns, clamped to 0..1: a
neutral customer scores 0.5, one who thanks in a friendly tone 1, one who complains 0. N/A when
the customer wrote nothing or no agent replied. Evidence quotes the customer's words for each kind of reaction found.
"""

from __future__ import annotations

from scoring.detectors.base import DetectorOutcome, Evidence, detector
from scoring.outcomes import not_applicable, outcome
from scoring.params import DetectorParams, Field, Phrases, Weight
from scoring.phrases import message_evidence


class Params(DetectorParams):
    satisfied: Phrases = Field(description="the customer thanking or praising the agent")
    correcting: Phrases = Field(description="the customer correcting the agent or saying no")
    upset: Phrases = Field(description="the customer complaining or sounding upset")
    mood_weight: Weight = Field(
        1.0, description="weight of each customer turn's VADER compound (a reaction counts 1)"
    )


def _turns(count: int) -> str:
    return f"{count} customer turn" if count == 1 else f"{count} customer turns"


def _said(signals, evidence: list[Evidence], count: int, verb: str) -> str:
    """'2 complained or sounded upset (“Why have I been billed twice??”)': the customer's turn,
    not only the matched word ("No" says less than "No, not really.")."""
    return f"{count} {verb} (“{quoted_turn(signals, evidence[0].message_index)}”)"


def quoted_turn(signals, i: int, limit: int = 80) -> str:
    """Message i for a rationale: whitespace folded, cut at a word boundary after `limit`."""
    text = " ".join(signals.messages[i].text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > 0 else limit] + "…"


@detector("customer_outcome", Params)
def customer_outcome(signals, params: Params) -> DetectorOutcome:
    """Did the customer end up satisfied: thanks and a good mood, not corrections or complaints?"""
    mood_weight = params.mood_weight
    turns = [i for i in signals.customer if signals.messages[i].text.strip()]
    if not turns:
        return not_applicable("the customer wrote nothing to judge their outcome by")
    if not signals.agent:
        return not_applicable("no agent reply yet: nothing the agent did to judge by")
    first_reply = signals.agent[0]
    satisfied: list[Evidence] = []
    correcting: list[Evidence] = []
    upset: list[Evidence] = []
    total = 0.0
    for i in turns:
        reaction = mood_weight * signals.sentiment(i)
        if i > first_reply:
            thanks = params.satisfied.first_match(signals, (i,))
            if thanks is not None:
                satisfied.append(thanks)
                reaction += 1.0
            correction = params.correcting.first_match(signals, (i,))
            if correction is not None:
                correcting.append(correction)
                reaction -= 1.0
        complaint = params.upset.first_match(signals, (i,))
        if complaint is not None:
            upset.append(complaint)
            reaction -= 1.0
        total += reaction
    mean = total / len(turns)
    parts = []
    if satisfied:
        parts.append(_said(signals, satisfied, len(satisfied), "thanked or praised the agent"))
    if correcting:
        parts.append(_said(signals, correcting, len(correcting), "corrected the agent or said no"))
    if upset:
        parts.append(_said(signals, upset, len(upset), "complained or sounded upset"))
    mood = f"the customer's average tone was {mean:+.2f} on -1..1"
    if not parts:
        summary = f"{mood}; none of the {_turns(len(turns))} thanked, corrected or complained"
        if len(turns) == 1:
            summary = f"{mood}; their one turn neither thanked, corrected nor complained"
        # the customer's most telling turn (strongest tone either way) as the evidence
        strongest = max(turns, key=lambda i: abs(signals.sentiment(i)))
        return outcome(0.5 + 0.5 * mean, summary, [message_evidence(signals, strongest, 100)])
    of = f"of {_turns(len(turns))}: " if len(turns) > 1 else "their one turn: "
    return outcome(
        0.5 + 0.5 * mean,
        f"{of}{'; '.join(parts)}; overall reaction {mean:+.2f} on -1..1",
        [*satisfied[:2], *correcting[:2], *upset[:2]],
    )
