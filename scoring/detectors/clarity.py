"""Clarity of the agent's writing: sentence length and readability (scoring.text).

Average words per sentence at or under `target_sentence_words` scores 1, falling to 0 at
`max_sentence_words`; Flesch reading ease at or above `target_reading_ease` scores 1, falling to 0
at `min_reading_ease`. value = the mean of the two. N/A when the agent wrote fewer than
`min_words` words.
"""

from __future__ import annotations

from scoring.detectors.base import detector
from scoring.outcomes import not_applicable, number, outcome
from scoring.phrases import message_evidence


def _falling(value: float, good: float, bad: float) -> float:
    if value <= good:
        return 1.0
    if value >= bad:
        return 0.0
    return 1.0 - (value - good) / (bad - good)


@detector("clarity")
def clarity(signals, params):
    from scoring.text import readability

    target_words = number(params, "target_sentence_words", 20)
    max_words = number(params, "max_sentence_words", 40)
    target_ease = number(params, "target_reading_ease", 60)
    min_ease = number(params, "min_reading_ease", 10)
    min_words = number(params, "min_words", 8)
    if not signals.agent:
        return not_applicable("no agent reply to judge")
    text = "\n".join(signals.messages[i].text for i in signals.agent)
    stats = readability(text)
    if stats.words < min_words:
        return not_applicable(f"the agent wrote only {stats.words} words")
    length_value = _falling(stats.average_sentence_words, target_words, max_words)
    ease_value = _falling(-stats.flesch_reading_ease, -target_ease, -min_ease)
    value = (length_value + ease_value) / 2
    longest = max(signals.agent, key=lambda i: len(signals.messages[i].text))
    return outcome(
        value,
        f"{stats.average_sentence_words:.0f} words per sentence, reading ease "
        f"{stats.flesch_reading_ease:.0f} (targets: ≤{target_words:.0f} words, ≥{target_ease:.0f})",
        [message_evidence(signals, longest, 120)] if value < 0.5 else [],
    )
