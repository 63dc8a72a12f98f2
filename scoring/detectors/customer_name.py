"""Using the customer's name: does an agent reply address the customer by (first) name?

N/A when the conversation carries no usable customer name (or no agent replied). The name is
matched case-insensitively as a whole word; titles (Mr, Ms, Dr...) are skipped.
"""

from __future__ import annotations

from scoring.detectors.base import detector
from scoring.outcomes import not_applicable, outcome
from scoring.params import DetectorParams
from scoring.phrases import span_evidence

_TITLES = {"mr", "mrs", "ms", "miss", "dr", "mx", "sir", "madam", "prof"}


def name_candidates(full_name: str | None) -> list[str]:
    if not full_name:
        return []
    words = [w.strip(".,@") for w in full_name.split()]
    words = [w for w in words if len(w) >= 2 and w.isalpha() and w.lower() not in _TITLES]
    return [w.lower() for w in words]


def find_word(lower_text: str, word: str) -> int:
    """Index of `word` in `lower_text` as a whole word, or -1."""
    start = lower_text.find(word)
    while start != -1:
        end = start + len(word)
        before = lower_text[start - 1] if start else " "
        after = lower_text[end] if end < len(lower_text) else " "
        if not before.isalnum() and not after.isalnum():
            return start
        start = lower_text.find(word, start + 1)
    return -1


class Params(DetectorParams):
    """No parameters."""


@detector("uses_customer_name", Params)
def uses_customer_name(signals, params: Params):
    candidates = name_candidates(signals.conversation.customer_name)
    if not signals.agent:
        return not_applicable("no agent reply to judge")
    if not candidates:
        return not_applicable("the customer's name is not known for this conversation")
    for i in signals.agent:
        lower = signals.lower(i)
        for name in candidates:
            at = find_word(lower, name)
            if at != -1 and len(lower) == len(signals.messages[i].text):
                evidence = span_evidence(signals, i, at, at + len(name))
                return outcome(
                    1.0, f"agent addressed the customer by name: “{evidence.quote}”", [evidence]
                )
    return outcome(0.0, f"agent never used the customer's name ({candidates[0].title()})")
