"""Politeness of the agent's messages, by the strategies of Danescu-Niculescu-Mizil et al. (2013).

"A computational approach to politeness" found that a handful of linguistic strategies predict
how polite a request reads: gratitude, deference, greetings, apologising, "please" inside a
sentence, indirect and counterfactual questions ("could you", "would you mind"), hedges ("I
think", "perhaps"), first-person plural ("we", "let's") make a request more polite; direct
questions ("why did you...?"), sentences starting with "you", "so"/"and"/"but", a bare
imperative or "please" at the very start, factuality markers ("actually", "in fact") and
negative words make it less polite. Each strategy is a phrase list with a weight (the rubric's
`strategies` parameter, in rubrics/communication.yaml); the detector adds up the weights of the strategies an
agent message uses and maps the mean over agent messages to 0..1 (0.5 = neutral):
`value = 0.5 + 0.5 * tanh(total / scale)`. Evidence quotes the strongest cues both ways.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache, cached_property

from pydantic import BaseModel, ConfigDict

from scoring.detectors.base import DetectorOutcome, Evidence, detector
from scoring.outcomes import not_applicable, outcome
from scoring.params import DetectorParams, Field, Phrases, Positive
from scoring.phrases import LabelledPhrases
from scoring.sentiment import vader_lexicon
from scoring.text import WORD_PATTERN, lowercase, sentence_spans
from scoring.text_cache import text_cache


class Strategy(BaseModel):
    """A politeness strategy: its phrases, where they count, and its weight."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    phrases: Phrases
    weight: float  # 0 switches the strategy off
    at_start: bool = False  # only counts at the start of a sentence
    label: str = ""  # how a rationale names it (default: the strategy's name)


_WORD = re.compile(WORD_PATTERN)
# words of the VADER lexicon (valence >= 1 or <= -1) count as the paper's positive/negative
# lexicon strategies: a small weight per word, at most LEXICON_WORDS_CAP words per message
LEXICON_WORDS_CAP = 3


class Params(DetectorParams):
    # Danescu-Niculescu-Mizil et al. (2013); weights follow the signs and rough sizes of the
    # paper's strategy coefficients
    strategies: dict[str, Strategy] = Field(
        description="strategy name: {phrases, weight, at_start, label}; weight 0 switches one off"
    )
    scale: Positive = Field(1.0, description="value = 0.5 + 0.5 tanh(mean total / scale)")
    positive_word_weight: float = Field(
        0.05, description="per VADER-lexicon word with valence >= 1 (at most 3 a message)"
    )
    negative_word_weight: float = Field(-0.08, description="per word with valence <= -1")

    @cached_property
    def matchers(self) -> _Matchers:
        """The strategies as two phrase indexes: one pass per text, one lookup per sentence
        start (built once per rubric)."""
        strategies = tuple(
            (name, strategy.model_copy(update={"label": strategy.label or name.replace("_", " ")}))
            for name, strategy in self.strategies.items()
        )
        used = [(n, s) for n, (_, s) in enumerate(strategies) if s.weight]
        return _Matchers(
            LabelledPhrases((n, s.phrases) for n, s in used if not s.at_start),
            LabelledPhrases((n, s.phrases) for n, s in used if s.at_start),
            strategies,
        )


@dataclass(frozen=True, slots=True, eq=False)
class _Matchers:
    """A strategy set searched as two labelled phrase sets (hashed by identity: a cache key)."""

    anywhere: LabelledPhrases  # phrases of the strategies that count anywhere, labelled by number
    at_start: LabelledPhrases  # phrases of the sentence-start strategies
    strategies: tuple[tuple[str, Strategy], ...]  # label N -> strategy N


_LEADING = frozenset(" \t\n\r\"'([*_>-")  # opening quotes/brackets/markup before a first word
# an address to someone (@name, as on social media and forums) before the sentence's first word
_MENTION = re.compile(r"@[\w.-]+[:,]?\s+")


@text_cache()
def text_cues(text: str, matchers: _Matchers) -> tuple[tuple[str, float, int, int, str], ...]:
    """Every strategy one message uses, each counted once per sentence:
    (strategy, weight, start, end, label). Cached per text: agent macros repeat a lot."""
    spans = sentence_spans(text) or ([(0, len(text))] if text.strip() else [])
    if not spans:
        return ()
    sentence_starts = [start for start, _ in spans]
    seen: set[tuple[int, int]] = set()  # (strategy, sentence): a strategy counts once a sentence
    cues: list[tuple[str, float, int, int, str]] = []

    def add(start: int, end: int, n: int, sentence: int) -> None:
        if end > start and (n, sentence) not in seen:
            seen.add((n, sentence))
            name, strategy = matchers.strategies[n]
            cues.append((name, strategy.weight, start, end, strategy.label))

    for sentence, (start, end) in enumerate(spans):
        first = start
        while first < end and text[first] in _LEADING:
            first += 1
        mention = _MENTION.match(text, first, end)
        if mention and mention.end() < end:  # "@anna: thanks..." starts at "thanks"
            first = mention.end()
        if first >= end:
            continue
        match = matchers.at_start.match_at(text, first)
        if match:
            add(match[0], match[1], match[2], sentence)
    for start, end, n in matchers.anywhere.find(text):
        sentence = bisect_right(sentence_starts, start) - 1
        if sentence >= 0 and start < spans[sentence][1]:
            add(start, end, n, sentence)
    return tuple(cues)


@text_cache()
def cue_weight(text: str, matchers: _Matchers) -> float:
    """The summed weights of `text_cues(text, matchers)` (0 without a cue), cached per text."""
    return sum(cue[1] for cue in text_cues(text, matchers))


@text_cache()
def lexicon_words(text: str) -> tuple[int, int]:
    """(positive, negative) counts of VADER lexicon words with |valence| >= 1, each capped."""
    positive_words, negative_words = _strong_words()
    found = _WORD.findall(lowercase(text))
    positive = sum(map(positive_words.__contains__, found))  # counted at C speed
    negative = sum(map(negative_words.__contains__, found))
    return min(positive, LEXICON_WORDS_CAP), min(negative, LEXICON_WORDS_CAP)


@cache
def _strong_words() -> tuple[frozenset[str], frozenset[str]]:
    """(words with valence >= 1, words with valence <= -1) of the VADER lexicon."""
    lexicon = vader_lexicon()
    return (
        frozenset(word for word, valence in lexicon.items() if valence >= 1.0),
        frozenset(word for word, valence in lexicon.items() if valence <= -1.0),
    )


@detector("politeness", Params)
def politeness(signals, params: Params) -> DetectorOutcome:
    """How polite the agent's messages read (0.5 = neutral), from politeness strategies."""
    strategies = params.matchers
    scale = params.scale
    positive_weight = params.positive_word_weight
    negative_weight = params.negative_word_weight
    messages = signals.messages
    indices = [i for i in signals.agent if messages[i].text.strip()]
    if not indices:
        return not_applicable("no agent message to judge")
    # cues as plain tuples (weight, message, start, end, label); Evidence only for the quoted few
    all_cues: list[tuple[float, int, int, int, str]] = []
    total = 0.0
    for i in indices:
        text = messages[i].text
        cues = text_cues(text, strategies)
        if cues:
            all_cues.extend((weight, i, start, end, label) for _, weight, start, end, label in cues)
        positive, negative = lexicon_words(text)
        total += (
            cue_weight(text, strategies) + positive * positive_weight + negative * negative_weight
        )
    mean = total / len(indices)
    value = 0.5 + 0.5 * math.tanh(mean / scale)
    positives = sorted((c for c in all_cues if c[0] > 0), key=lambda c: -c[0])
    negatives = sorted((c for c in all_cues if c[0] < 0), key=lambda c: c[0])

    def quoted(cue: tuple[float, int, int, int, str]) -> Evidence:
        _, i, start, end = cue[:4]
        return Evidence(i, start, end, messages[i].text[start:end])

    evidence = [quoted(c) for c in positives[:2]] + [quoted(c) for c in negatives[:2]]
    if not all_cues:
        tone = (
            ""
            if value == 0.5
            else f" (word choice alone reads {'warmer' if value > 0.5 else 'harsher'})"
        )
        return outcome(value, f"the agent used no politeness strategy, polite or impolite{tone}")
    parts = []
    if positives:
        parts.append(
            "polite: "
            + ", ".join(dict.fromkeys(f"{c[4]} “{quoted(c).quote}”" for c in positives[:3]))
        )
    if negatives:
        parts.append(
            "impolite: "
            + ", ".join(dict.fromkeys(f"{c[4]} “{quoted(c).quote}”" for c in negatives[:3]))
        )
    return outcome(value, "; ".join(parts), evidence)
