"""Politeness of the agent's messages, by the strategies of Danescu-Niculescu-Mizil et al. (2013).

"A computational approach to politeness" found that a handful of linguistic strategies predict
how polite a request reads: gratitude, deference, greetings, apologising, "please" inside a
sentence, indirect and counterfactual questions ("could you", "would you mind"), hedges ("I
think", "perhaps"), first-person plural ("we", "let's") make a request more polite; direct
questions ("why did you...?"), sentences starting with "you", "so"/"and"/"but", a bare
imperative or "please" at the very start, factuality markers ("actually", "in fact") and
negative words make it less polite. Each strategy is a phrase list with a weight (rubric YAML
`politeness` params may override both); the detector adds up the weights of the strategies an
agent message uses and maps the mean over agent messages to 0..1 (0.5 = neutral):
`value = 0.5 + 0.5 * tanh(total / scale)`. Evidence quotes the strongest cues both ways.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from scoring.detectors.base import DetectorOutcome, Evidence, detector
from scoring.outcomes import ParameterError, not_applicable, number, outcome
from scoring.sentiment import vader_lexicon
from scoring.text import (
    WORD_PATTERN,
    PhraseIndex,
    lowercase,
    phrase_tokens,
    sentence_spans,
)
from scoring.text_cache import text_cache


@dataclass(frozen=True, slots=True)
class Strategy:
    """A politeness strategy: its phrases, where they count, and its weight."""

    phrases: tuple[str, ...]
    weight: float
    at_start: bool = False  # only counts at the start of a sentence
    label: str = ""


# Phrase syntax is scoring/phrases.py's (case-insensitive, word-bounded, `*` = any ending,
# `re:` = a raw regular expression). Weights follow the signs and rough sizes of the paper's
# strategy coefficients; a rubric may override any of them.
DEFAULT_STRATEGIES: dict[str, Strategy] = {
    "gratitude": Strategy(
        (
            "thank*",
            "thx",
            "appreciate*",
            "grateful",
            "much obliged",
            "cheers",
            "really appreciate",
            "i'd appreciate",
            "i'd be grateful",
            "thanks again",
            "thank you again",
        ),
        0.8,
        label="gratitude",
    ),
    "greeting": Strategy(
        (
            "hi",
            "hello",
            "hey",
            "dear",
            "good morning",
            "good afternoon",
            "good evening",
            "greetings",
        ),
        0.5,
        at_start=True,
        label="a greeting",
    ),
    "deference": Strategy(
        (
            "great",
            "good",
            "nice",
            "interesting",
            "cool",
            "excellent",
            "awesome",
            "wonderful",
            "well done",
            "good job",
            "good point",
            "good question",
            "kudos",
        ),
        0.5,
        at_start=True,
        label="deference",
    ),
    "apologising": Strategy(
        (
            "sorry",
            "apolog*",
            "oops",
            "whoops",
            "excuse me",
            "forgive me",
            "pardon",
            "my bad",
            "my mistake",
            "i regret",
            "really sorry",
            "so sorry",
        ),
        0.2,
        label="an apology",
    ),
    "please": Strategy(("please", "pls", "plz", "kindly"), 0.1, label="please"),
    "counterfactual_modal": Strategy(
        (
            "could you",
            "would you",
            "could we",
            "would it be",
            "might you",
            "would you mind",
            "if you don't mind",
            "if you wouldn't mind",
            "do you mind",
            "would you be willing",
            "would you be able",
            "if possible",
            "if you could",
            "if you can",
            "when you get a chance",
            "when you have a moment",
            "when you have time",
            "is it possible",
            "possible to",
            "would be great",
            "would be nice",
            "would be helpful",
        ),
        0.3,
        label="an indirect request",
    ),
    "indicative_modal": Strategy(("can you", "will you", "can we"), 0.15, label="a modal request"),
    "hedges": Strategy(
        (
            "i think",
            "i believe",
            "i guess",
            "i suppose",
            "i suggest",
            "i wonder*",
            "i was wondering",
            "perhaps",
            "maybe",
            "possibly",
            "probably",
            "might",
            "seems",
            "it seems",
            "somewhat",
            "sort of",
            "kind of",
            "a bit",
            "a little",
            "in my opinion",
            "if i understand",
            "not sure",
            "i'm not sure",
            "unless",
            "apparently",
            "presumably",
            "likely",
            "seemingly",
            "roughly",
            "fairly",
            "quite",
            "rather",
            "usually",
            "generally",
            "i assume",
            "i feel",
        ),
        0.05,
        label="a hedge",
    ),
    "indirect": Strategy(("by the way", "btw", "incidentally"), 0.1, label="an indirect opener"),
    "first_person_plural": Strategy(("we", "our", "us", "let's", "let us"), 0.05, label="'we'"),
    "first_person_start": Strategy(("i", "i'm", "i've", "i'd", "my"), 0.1, True, "an 'I' start"),
    "help_offer": Strategy(
        (
            "happy to",
            "glad to",
            "feel free",
            "hope this helps",
            "hope that helps",
            "let me know",
            "if you need",
        ),
        0.3,
        label="an offer of help",
    ),
    # negative strategies
    "direct_question": Strategy(
        ("what", "why", "who", "where", "how", "which", "when"),
        -0.1,
        at_start=True,
        label="a direct question",
    ),
    "why_question": Strategy(("why", "how come"), -0.45, label="a 'why' challenge"),
    "direct_start": Strategy(("so", "then", "and", "but", "or"), -0.15, True, "a direct start"),
    # "You ..." opening a request; not "Your ...": in support "Your order has shipped" informs
    "second_person_start": Strategy(("you", "u"), -0.25, at_start=True, label="a 'you' start"),
    "please_start": Strategy(
        ("please", "pls", "plz"), -0.05, at_start=True, label="'please' first"
    ),
    "imperative_start": Strategy(
        (
            "stop",
            "don't",
            "do not",
            "read",
            "look",
            "check",
            "fix",
            "answer",
            "explain",
            "tell",
            "give",
            "provide",
            "send",
            "see",
            "go",
            "use",
            "try",
            "make",
            "remove",
            "add",
            "change",
            "leave",
            "get",
            "show",
            "note",
        ),
        -0.25,
        at_start=True,
        label="a bare imperative",
    ),
    "factuality": Strategy(
        (
            "actually",
            "in fact",
            "the fact is",
            "the point is",
            "the truth is",
            "the reality is",
            "obviously",
            "clearly",
            "of course",
            "as i said",
            "as i already said",
            "as already mentioned",
            "as i mentioned",
            "really",
            "exactly",
        ),
        -0.2,
        label="a factuality marker",
    ),
    "negative_lexicon": Strategy(
        (
            "stupid",
            "idiot*",
            "dumb",
            "ridiculous",
            "nonsense",
            "absurd",
            "pathetic",
            "useless",
            "wrong",
            "bad",
            "terrible",
            "awful",
            "horrible",
            "hate",
            "damn*",
            "crap*",
            "shit*",
            "wtf",
            "hell",
            "annoying",
            "lazy",
            "incompetent",
            "vandal*",
            "mess",
            "fault",
            "blame",
            "whatever",
            "seriously",
        ),
        -0.2,
        label="a negative word",
    ),
    "permission": Strategy(
        ("may i", "can i", "could i", "might i", "do you mind if", "would it be ok*", "is it ok*"),
        0.2,
        label="asking permission",
    ),
    "praise": Strategy(
        (
            "brilliant",
            "superb",
            "impressed",
            "impressive",
            "great work",
            "great job",
            "nice work",
            "nice job",
            "excellent",
            "fantastic",
            "amazing",
            "great idea",
            "good idea",
            "kind of you",
        ),
        0.3,
        label="praise",
    ),
    "negative_question": Strategy(
        (
            "don't you",
            "didn't you",
            "can't you",
            "won't you",
            "aren't you",
            "haven't you",
            "do you even",
            "did you even",
            "have you even",
            "you do know",
            "did you not",
            "do you really",
            "are you serious",
            "are you kidding",
        ),
        -0.4,
        label="a challenging question",
    ),
    "challenge": Strategy(
        (
            "re:\\breally\\s*\\?",
            "seriously",
            "what the",
            "the hell",
            "in the world",
            "on earth",
            "wtf",
            "come on",
            "no offense",
            "got it?",
            "is that clear",
            "how about you",
            "how many times",
            "what's wrong with",
            "what is wrong with",
            "what's the point",
            "who cares",
            "for god's sake",
            "ffs",
            "ugh",
            "duh",
        ),
        -0.6,
        label="a challenge",
    ),
    "shouting": Strategy(("re:[!?]{2,}",), -0.5, label="emphatic punctuation"),
    # further classes from the politeness literature: positive lexicon and emoticons,
    # reassurance, asking for the other's view or help; negation marks contradiction
    "kind_words": Strategy(
        (
            "welcome",
            "nice",
            "kind",
            "kindly",
            "glad",
            "happy",
            "pleased",
            "love",
            "really helpful",
            "really glad",
            "really happy",
            "really nice",
            "really good",
            "really great",
            "really kind",
            "good",
            "great",
        ),
        0.2,
        label="a kind word",
    ),
    "emoticon": Strategy(
        ("re:(?<![\\w:/])[:;=]-?[)DPp](?!\\w)", "lol", "xd"), 0.3, label="a friendly emoticon"
    ),
    "asks_view": Strategy(
        (
            "any idea",
            "any ideas",
            "any thoughts",
            "any suggestions",
            "any advice",
            "any help",
            "your help",
            "your advice",
            "your thoughts",
            "your opinion",
            "what do you think",
            "interested",
            "i'd like",
            "i would like",
            "wondering if",
            "wondering whether",
            "help",
            "do you think",
            "you think",
        ),
        0.25,
        label="asking for the other's view or help",
    ),
    "reassurance": Strategy(
        (
            "no problem",
            "no worries",
            "don't worry",
            "do not worry",
            "don't hesitate",
            "do not hesitate",
            "not a problem",
            "no rush",
            "no hurry",
        ),
        0.2,
        label="reassurance",
    ),
    "soft_modal": Strategy(("could", "would"), 0.1, label="a softening modal"),
    "negation": Strategy(
        (
            "not",
            "no",
            "never",
            "nothing",
            "nobody",
            "cannot",
            "don't",
            "doesn't",
            "didn't",
            "can't",
            "couldn't",
            "won't",
            "wouldn't",
            "shouldn't",
            "isn't",
            "aren't",
            "wasn't",
            "weren't",
            "haven't",
            "hasn't",
            "hadn't",
            "mustn't",
            "needn't",
            "ain't",
        ),
        -0.1,
        label="a negation",
    ),
}
DEFAULT_SCALE = 1.0
_WORD = re.compile(WORD_PATTERN)
# words of the VADER lexicon (valence >= 1 or <= -1) count as the paper's positive/negative
# lexicon strategies: a small weight per word, at most LEXICON_WORDS_CAP words per message
DEFAULT_POSITIVE_WORD_WEIGHT = 0.05
DEFAULT_NEGATIVE_WORD_WEIGHT = -0.08
LEXICON_WORDS_CAP = 3


class StrategySet(tuple):
    """(name, Strategy) pairs; hashed by identity so per-text caches key on it cheaply."""

    __slots__ = ()
    __hash__ = object.__hash__
    __eq__ = object.__eq__


_STRATEGY_SETS: dict[str, StrategySet] = {}
_STRATEGY_SETS_BY_ID: dict[int, tuple[Any, StrategySet]] = {}
DEFAULT_STRATEGY_SET = StrategySet(DEFAULT_STRATEGIES.items())


def strategies_from(params: Mapping[str, Any]) -> StrategySet:
    """Default strategies, with phrase lists/weights overridden by the `strategies` param.

    YAML shape: `strategies: {gratitude: {weight: 1.2, phrases: [...], at_start: false}, ...}`;
    a new name adds a strategy, `weight: 0` switches one off.
    """
    overrides = params.get("strategies") or {}
    if not isinstance(overrides, Mapping):
        raise ParameterError("parameter 'strategies' must map strategy names to settings")
    if not overrides:
        return DEFAULT_STRATEGY_SET
    # a rubric's params object lives as long as the rubric: resolve it once, by identity
    known = _STRATEGY_SETS_BY_ID.get(id(overrides))
    if known is not None and known[0] is overrides:
        return known[1]
    key = repr(sorted((str(k), repr(v)) for k, v in overrides.items()))
    cached = _STRATEGY_SETS.get(key)
    if cached is None:
        cached = _STRATEGY_SETS[key] = _build_strategies(overrides)
    if len(_STRATEGY_SETS_BY_ID) < 256:
        _STRATEGY_SETS_BY_ID[id(overrides)] = (overrides, cached)
    return cached


def _build_strategies(overrides: Mapping[str, Any]) -> StrategySet:
    result = dict(DEFAULT_STRATEGIES)
    for name, settings in overrides.items():
        if not isinstance(settings, Mapping):
            raise ParameterError(f"strategy {name!r} must be a mapping (weight, phrases, at_start)")
        unknown = set(settings) - {"weight", "phrases", "at_start", "label"}
        if unknown:
            raise ParameterError(f"strategy {name!r}: unknown setting(s) {sorted(unknown)}")
        base = result.get(name)
        if base is None and "phrases" not in settings:
            raise ParameterError(f"new strategy {name!r} needs a 'phrases' list")
        phrases = settings.get("phrases", base.phrases if base else ())
        if isinstance(phrases, str) or not all(isinstance(p, str) for p in phrases):
            raise ParameterError(f"strategy {name!r}: 'phrases' must be a list of phrases")
        weight = number(settings, "weight", base.weight if base else None)
        result[name] = Strategy(
            tuple(phrases),
            weight,
            bool(settings.get("at_start", base.at_start if base else False)),
            str(settings.get("label", base.label if base else name.replace("_", " "))),
        )
    return StrategySet(result.items())


@dataclass(frozen=True, slots=True)
class _Matchers:
    """A strategy set as two phrase indexes: one pass per text, one lookup per sentence start."""

    anywhere: PhraseIndex  # phrases of the strategies that count anywhere, labelled by number
    at_start: PhraseIndex  # phrases of the sentence-start strategies
    strategies: tuple[tuple[str, Strategy], ...]  # label N -> strategy N


_LEADING = frozenset(" \t\n\r\"'([*_>-")  # opening quotes/brackets/markup before a first word
# an address to someone (@name, as on social media and forums) before the sentence's first word
_MENTION = re.compile(r"@[\w.-]+[:,]?\s+")


@text_cache(64)
def _matchers(strategies: StrategySet) -> _Matchers:
    phrases: dict[bool, list[str]] = {True: [], False: []}
    labels: dict[bool, list[int]] = {True: [], False: []}
    for n, (_, strategy) in enumerate(strategies):
        if strategy.weight:
            phrases[strategy.at_start].extend(strategy.phrases)
            labels[strategy.at_start].extend([n] * len(strategy.phrases))
    return _Matchers(
        PhraseIndex(tuple(phrases[False]), tuple(labels[False])),
        PhraseIndex(tuple(phrases[True]), tuple(labels[True])),
        tuple(strategies),
    )


@text_cache()
def text_cues(text: str, strategies: StrategySet) -> tuple[tuple[str, float, int, int, str], ...]:
    """Every strategy one message uses, each counted once per sentence:
    (strategy, weight, start, end, label). Cached per text: agent macros repeat a lot."""
    matchers = _matchers(strategies)
    spans = sentence_spans(text) or ([(0, len(text))] if text.strip() else [])
    if not spans:
        return ()
    lower = lowercase(text)
    tokens = phrase_tokens(text) if len(lower) != len(text) else ()
    token_starts = [token[0] for token in tokens]
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
        if tokens:  # lowercasing changed offsets: use the word list
            i = bisect_left(token_starts, first)
            match = (
                matchers.at_start.match_at(text, tokens, i)
                if i < len(tokens) and tokens[i][0] == first
                else None
            )
        else:
            match = matchers.at_start.match_lower(lower, first)
        match = match or matchers.at_start.fallback_match_at(text, first)
        if match:
            add(match[0], match[1], match[2], sentence)
    for start, end, n in matchers.anywhere.find(text):
        sentence = bisect_right(sentence_starts, start) - 1
        if sentence >= 0 and start < spans[sentence][1]:
            add(start, end, n, sentence)
    return tuple(cues)


@text_cache()
def cue_weight(text: str, strategies: StrategySet) -> float:
    """The summed weights of `text_cues(text, strategies)` (0 without a cue), cached per text."""
    return sum(cue[1] for cue in text_cues(text, strategies))


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


@detector("politeness")
def politeness(signals, params) -> DetectorOutcome:
    """How polite the agent's messages read (0.5 = neutral), from politeness strategies."""
    strategies = strategies_from(params)
    scale = number(params, "scale", DEFAULT_SCALE)
    positive_weight = number(params, "positive_word_weight", DEFAULT_POSITIVE_WORD_WEIGHT)
    negative_weight = number(params, "negative_word_weight", DEFAULT_NEGATIVE_WORD_WEIGHT)
    if scale <= 0:
        raise ParameterError("parameter 'scale' must be positive")
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
