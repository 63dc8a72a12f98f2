"""Clarity of the agent's writing: sentence length and Flesch reading ease (counts from
scoring.text.readability, per message, summed over the agent's replies).

Average words per sentence at or under `target_sentence_words` scores 1, falling to 0 at
`max_sentence_words`; Flesch reading ease at or above `target_reading_ease` scores 1, falling to 0
at `min_reading_ease`. value = the mean of the two. N/A when the agent wrote fewer than
`min_words` words.
"""

from __future__ import annotations

from scoring.detectors.base import detector
from scoring.outcomes import not_applicable, outcome
from scoring.params import DetectorParams, Field
from scoring.phrases import message_evidence
from scoring.text_cache import TEXT_CACHE_SIZE, text_cache


def _falling(value: float, good: float, bad: float) -> float:
    if value <= good:
        return 1.0
    if value >= bad:
        return 0.0
    return 1.0 - (value - good) / (bad - good)


@text_cache(TEXT_CACHE_SIZE * 2)
def _counts(text: str) -> tuple[int, int, int]:
    """(words, sentences, syllables) of one message: cached, replies repeat across a batch."""
    from scoring.text import readability

    stats = readability(text)
    return stats.words, stats.sentences, stats.syllables


class Params(DetectorParams):
    target_sentence_words: float = Field(20, gt=0, description="words per sentence scoring 1")
    max_sentence_words: float = Field(40, gt=0, description="words per sentence scoring 0")
    target_reading_ease: float = Field(60, description="Flesch reading ease scoring 1")
    min_reading_ease: float = Field(10, description="Flesch reading ease scoring 0")
    min_words: float = Field(8, ge=0, description="fewer agent words: N/A")


@detector("clarity", Params)
def clarity(signals, params: Params):
    target_words = params.target_sentence_words
    max_words = params.max_sentence_words
    target_ease = params.target_reading_ease
    min_ease = params.min_reading_ease
    min_words = params.min_words
    if not signals.agent:
        return not_applicable("no agent reply to judge")
    words = sentences = syllables = 0
    for i in signals.agent:  # sentences end at line breaks, so per-message sums = the joined text
        w, s, y = _counts(signals.messages[i].text)
        if w:
            words, sentences, syllables = words + w, sentences + s, syllables + y
    if words < min_words:
        return not_applicable(f"the agent wrote only {words} words")
    average_sentence_words = words / max(1, sentences)
    reading_ease = 206.835 - 1.015 * average_sentence_words - 84.6 * syllables / words
    length_value = _falling(average_sentence_words, target_words, max_words)
    ease_value = _falling(-reading_ease, -target_ease, -min_ease)
    value = (length_value + ease_value) / 2
    longest = max(signals.agent, key=lambda i: len(signals.messages[i].text))
    return outcome(
        value,
        f"{average_sentence_words:.0f} words per sentence, reading ease "
        f"{reading_ease:.0f} (targets: ≤{target_words:.0f} words, ≥{target_ease:.0f})",
        [message_evidence(signals, longest, 120)] if value < 0.5 else [],
    )
