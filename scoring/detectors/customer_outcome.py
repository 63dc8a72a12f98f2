"""The customer's outcome, read from the customer's own turns: mood, thanks, corrections, upset.

Over 95 % of conversations are never reviewed, and the customer is the only person in them who
knows whether they got what they came for. What they write says it: a satisfied customer thanks
or praises ("great, thanks", "perfect"); a dissatisfied one corrects the agent or says no ("No,
not really.", "that's not what I asked"), complains ("billed twice", "still not working",
"Sort it out."), or writes "??" / "!!". Their words' tone (VADER compound) says the rest.

Each customer turn with text gets a reaction on -1..1:

    mood_weight x VADER compound of the turn
    + 1 when it thanks or praises (`satisfied`; only after the agent's first reply: "thanks in
      advance" is not a verdict)
    - 1 when it corrects the agent or says no (`correcting`; after the agent's first reply too)
    - 1 when it complains or sounds upset (`upset`)

clamped to -1..1. The value is `0.5 + 0.5 x` the mean reaction, so a neutral customer scores
0.5, one who only thanks scores 1 and one who only complains 0. N/A when the customer wrote
nothing. Evidence quotes the customer's words for each kind of reaction found.
"""

from __future__ import annotations

from scoring.detectors.base import DetectorOutcome, Evidence, detector
from scoring.outcomes import not_applicable, number, outcome, phrases
from scoring.phrases import first_match


def _turns(count: int) -> str:
    return f"{count} customer turn" if count == 1 else f"{count} customer turns"


def _said(evidence: list[Evidence], count: int, verb: str) -> str:
    subject = "1" if count == 1 else str(count)
    return f"{subject} {verb} (“{evidence[0].quote}”)"


@detector("customer_outcome")
def customer_outcome(signals, params) -> DetectorOutcome:
    """Did the customer end up satisfied: thanks and a good mood, not corrections or complaints?"""
    satisfied_phrases = phrases(params, "satisfied")
    correcting_phrases = phrases(params, "correcting")
    upset_phrases = phrases(params, "upset")
    mood_weight = number(params, "mood_weight", 1.0)
    turns = [i for i in signals.customer if signals.messages[i].text.strip()]
    if not turns:
        return not_applicable("the customer wrote nothing to judge their outcome by")
    first_reply = signals.agent[0] if signals.agent else None
    satisfied: list[Evidence] = []
    correcting: list[Evidence] = []
    upset: list[Evidence] = []
    total = 0.0
    for i in turns:
        reaction = mood_weight * signals.sentiment(i)
        if first_reply is not None and i > first_reply:
            thanks = first_match(signals, (i,), satisfied_phrases)
            if thanks is not None:
                satisfied.append(thanks)
                reaction += 1.0
            correction = first_match(signals, (i,), correcting_phrases)
            if correction is not None:
                correcting.append(correction)
                reaction -= 1.0
        complaint = first_match(signals, (i,), upset_phrases)
        if complaint is not None:
            upset.append(complaint)
            reaction -= 1.0
        total += reaction
    mean = total / len(turns)
    parts = []
    if satisfied:
        parts.append(_said(satisfied, len(satisfied), "thanked or praised the agent"))
    if correcting:
        parts.append(_said(correcting, len(correcting), "corrected the agent or said no"))
    if upset:
        parts.append(_said(upset, len(upset), "complained or sounded upset"))
    mood = f"the customer's average tone was {mean:+.2f} on -1..1"
    if not parts:
        summary = f"{mood}; none of the {_turns(len(turns))} thanked, corrected or complained"
        if len(turns) == 1:
            summary = f"{mood}; their one turn neither thanked, corrected nor complained"
        return outcome(0.5 + 0.5 * mean, summary)
    of = f"of {_turns(len(turns))}: " if len(turns) > 1 else "their one turn: "
    return outcome(
        0.5 + 0.5 * mean,
        f"{of}{'; '.join(parts)}; overall reaction {mean:+.2f} on -1..1",
        [*satisfied[:2], *correcting[:2], *upset[:2]],
    )
