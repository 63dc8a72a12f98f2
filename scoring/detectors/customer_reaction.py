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
from scoring.outcomes import not_applicable, outcome
from scoring.params import DetectorParams, Field, Phrases, Weight


class Params(DetectorParams):
    satisfied: Phrases = Field(description="the customer thanking or praising")
    correcting: Phrases = Field(description="the customer correcting or repeating the request")
    correction_weight: Weight = Field(1.0, description="weight of a correcting turn")


@detector("customer_reaction", Params)
def customer_reaction(signals, params: Params) -> DetectorOutcome:
    """Did the customer react with thanks and praise rather than corrections?"""
    satisfied_phrases = params.satisfied
    correcting_phrases = params.correcting
    correction_weight = params.correction_weight
    if not signals.agent:
        return not_applicable("no agent reply for the customer to react to")
    first_reply = signals.agent[0]
    turns = [i for i in signals.customer if i > first_reply and signals.messages[i].text.strip()]
    if not turns:
        return not_applicable("the customer did not write after the agent's first reply")
    satisfied = [e for i in turns if (e := satisfied_phrases.first_match(signals, (i,)))]
    correcting = [e for i in turns if (e := correcting_phrases.first_match(signals, (i,)))]
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
