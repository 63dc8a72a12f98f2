"""The customer's own verdict, turn by turn: thanks and praise versus corrections and repeats.

In the user-satisfaction study of task-oriented dialogues (Sun et al., SIGIR 2021) the users'
own turns carry most of the signal: users rate dialogues low when they must correct or repeat
themselves and high when the request was met and they say so.

A satisfied customer says so ("great, thanks", "perfect", "that works"); a dissatisfied one has to
correct or repeat the request ("no, I said Friday", "not what I asked", "again"). The value is
`0.5 + (satisfied turns - correcting turns) / customer turns`, counting the customer turns after
the agent's first reply (reactions to the agent, not "thanks in advance"), clamped to 0..1, so it
does not grow with the length of the conversation; 0.5 means no verdict either way. N/A when the
customer did not write after an agent reply. Evidence quotes the customer's words.
"""

from __future__ import annotations

from scoring.detectors.base import DetectorOutcome, detector
from scoring.outcomes import not_applicable, number, outcome, phrases
from scoring.phrases import first_match

SATISFIED = (
    "thank*",
    "thx",
    "great",
    "perfect",
    "awesome",
    "excellent",
    "wonderful",
    "fantastic",
    "brilliant",
    "sounds good",
    "that works",
    "works for me",
    "much appreciated",
    "appreciate it",
)
CORRECTING = (
    "re:^\\s*(?:no|nope|nah)\\b",
    "not what i",
    "that's not",
    "that is not",
    "instead",
    "i said",
    "i already",
    "again",
    "actually",
    "wrong",
    "didn't ask",
    "did not ask",
    "still not",
    "doesn't help",
    "does not help",
)


@detector("customer_reaction")
def customer_reaction(signals, params) -> DetectorOutcome:
    """Did the customer react with thanks and praise rather than corrections?"""
    satisfied_phrases = phrases(params, "satisfied", SATISFIED)
    correcting_phrases = phrases(params, "correcting", CORRECTING)
    correction_weight = number(params, "correction_weight", 1.0)
    if not signals.agent:
        return not_applicable("no agent reply for the customer to react to")
    first_reply = signals.agent[0]
    turns = [i for i in signals.customer if i > first_reply and signals.messages[i].text.strip()]
    if not turns:
        return not_applicable("the customer did not write after the agent's first reply")
    satisfied = [e for i in turns if (e := first_match(signals, (i,), satisfied_phrases))]
    correcting = [e for i in turns if (e := first_match(signals, (i,), correcting_phrases))]
    value = 0.5 + (len(satisfied) - correction_weight * len(correcting)) / len(turns)
    evidence = satisfied[:2] + correcting[:2]
    if not satisfied and not correcting:
        return outcome(value, "the customer neither thanked nor corrected the agent")
    parts = []
    if satisfied:
        parts.append(
            f"{len(satisfied)} of {len(turns)} customer turns thanked or praised (“{satisfied[0].quote}”)"
        )
    if correcting:
        parts.append(f"{len(correcting)} corrected or repeated (“{correcting[0].quote}”)")
    return outcome(value, "; ".join(parts), evidence)
