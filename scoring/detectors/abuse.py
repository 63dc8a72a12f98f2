"""Abuse aimed at the customer: insults, slurs and swearing at them (the critical criterion).

A curse about a system, a courier or the situation ("This damn system never works.") is not
abuse of the customer: it is unprofessional language, judged by a separate, non-critical
criterion (`no_profanity`). This detector fires only on words aimed at the person: an insult
after "you" ("you're an idiot", "you stupid..."), an insult of their request ("your stupid
question"), swearing at them ("f*** you", "screw you", "shut up", "piss off") or taunts ("are you
deaf", "can't you read"). The phrase list (`abuse`) says exactly that, so the criterion's
question and what it fails on are the same thing.
"""

from __future__ import annotations

from scoring.detectors.base import detector
from scoring.outcomes import not_applicable, outcome
from scoring.params import DetectorParams, Field, Phrases


class Params(DetectorParams):
    abuse: Phrases = Field(description="insults, slurs and swearing aimed at the customer")


@detector("no_abuse_of_customer", Params)
def no_abuse_of_customer(signals, params: Params):
    if not signals.agent:
        return not_applicable("no agent reply to judge")
    found = params.abuse.search(signals, signals.agent, limit=3)
    if found:
        return outcome(
            0.0, f"the agent insulted or swore at the customer: “{found[0].quote}”", found
        )
    return outcome(1.0, "no insult or swearing aimed at the customer in the agent's replies")
