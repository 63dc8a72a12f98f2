"""Text measures: golden numbers, the empty input first."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import text
from scoring.phrases.words import PhraseIndex


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", []),
        ("   ", []),
        ("Hello.", ["Hello"]),
        (
            "I can't log in!! My follow-up #123 failed.",
            ["I", "can't", "log", "in", "My", "follow-up", "123", "failed"],
        ),
        ("Ça coûte 5 €, d’accord?", ["Ça", "coûte", "5", "d’accord"]),
    ],
)
def test_words(value, expected):
    assert text.words(value) == expected
    assert [value[s:e] for s, e in text.word_spans(value)] == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", []),
        ("...", []),
        ("Hello.", ["Hello."]),
        (
            "Hi Dr. Smith, I can't log in!! My order is late. Please help?",
            ["Hi Dr. Smith, I can't log in!!", "My order is late.", "Please help?"],
        ),
        ("Line one\nLine two", ["Line one", "Line two"]),
        ("J. Smith said hi. OK?", ["J. Smith said hi.", "OK?"]),
        ("Wait...what? Really!?", ["Wait...what?", "Really!?"]),
        ('He said "stop." Then left.', ['He said "stop."', "Then left."]),
    ],
)
def test_sentences(value, expected):
    assert text.sentences(value) == expected


@pytest.mark.parametrize(
    ("word", "count"),
    [
        ("", 0),
        ("the", 1),
        ("cat", 1),
        ("table", 2),
        ("wanted", 2),
        ("hello", 2),
        ("beautiful", 3),
        ("everyone", 3),
        ("123", 1),
    ],
)
def test_syllables(word, count):
    assert text.syllables(word) == count


def test_readability_of_empty_text_is_all_zero():
    assert text.readability("") == text.EMPTY_READABILITY
    assert text.readability("?!") == text.EMPTY_READABILITY


@pytest.mark.parametrize(
    ("value", "words", "sentences", "average", "ease"),
    [
        ("The cat sat on the mat.", 6, 1, 6.0, 116.15),
        (
            "Hi Dr. Smith, I can't log in!! My order #123 is late. Please help?",
            14,
            3,
            4.6667,
            111.46,
        ),
        (
            "Notwithstanding the aforementioned considerations, organisational restructuring "
            "necessitates comprehensive evaluation.",
            9,
            1,
            9.0,
            -159.5,  # 38 syllables by the heuristic (a dictionary count gives 37)
        ),
    ],
)
def test_readability_golden_numbers(value, words, sentences, average, ease):
    result = text.readability(value)
    assert (result.words, result.sentences) == (words, sentences)
    assert result.average_sentence_words == average
    assert result.flesch_reading_ease == ease


def test_long_words_lower_reading_ease():
    plain = text.readability("We sent the new card today. It should come on Monday.")
    dense = text.readability("Replacement documentation regarding authentication is unavailable.")
    assert plain.flesch_reading_ease > 60 > dense.flesch_reading_ease
    assert dense.long_word_share > plain.long_word_share


def test_stem_needs_no_download():
    assert text.stem("apologising") == text.stem("apologise") == "apologis"
    assert text.stems("Refunds refunded") == ["refund", "refund"]


def test_tokens_keep_emoticons_and_handles():
    assert text.tokens("so sad :( @bob") == ["so", "sad", ":(", "@bob"]


@pytest.mark.parametrize(
    ("value", "shouted", "shouting"),
    [
        ("", [], False),
        ("Your PIN and the FAQ are OK", [], False),
        ("I said NO", [], False),
        ("WHY IS THIS STILL NOT WORKING", ["WHY", "THIS", "STILL", "NOT", "WORKING"], True),
        ("This is URGENT, please", ["URGENT"], False),
    ],
)
def test_shouting(value, shouted, shouting):
    assert [value[s:e] for s, e in text.shouted_spans(value)] == shouted
    assert text.is_shouting(value) is shouting


def test_capitals_share():
    assert text.capitals_share("") == 0.0
    assert text.capitals_share("STOP this now") == pytest.approx(1 / 3)


def test_exclamation_runs():
    assert text.exclamation_runs("") == []
    assert text.exclamation_runs("Hi! Why?!?! Now!!!") == [(7, 11), (15, 18)]


@given(st.text())
def test_text_measures_never_crash(value):
    result = text.readability(value)
    assert result.words == len(text.words(value))
    for start, end in text.sentence_spans(value):
        assert 0 <= start < end <= len(value)
    text.is_shouting(value)
    text.exclamation_runs(value)


def test_phrase_index_finds_phrases_like_the_rubric_syntax():
    index = PhraseIndex(("so sorry", "sorry", "apolog*", "thank you", "<3", "re:\\d{3}"))
    value = "I'm SO   sorry, we apologise! Thank\nyou <3 order 123 (sorry-ish)"
    found = [(value[s:e], phrase) for s, e, phrase in index.find(value)]
    assert found == [
        ("SO   sorry", 0),
        ("apologise", 2),
        ("Thank\nyou", 3),
        ("<3", 4),
        ("123", 5),
        ("sorry", 1),
    ]


def test_phrase_index_matches_whole_words_only():
    index = PhraseIndex(("i can", "you", "help"))
    assert index.find("I can't say; your helpful team") == []
    assert [m[2] for m in index.find("I can help you")] == [0, 2, 1]
    assert PhraseIndex(("don't",)).find("I don’t know") == [(2, 7, 0)]


def test_phrase_index_empty_inputs():
    assert PhraseIndex(()).find("anything") == []
    assert PhraseIndex(("hello",)).find("") == []


@settings(deadline=None)  # an example may compile the phrase_starts union
@given(st.text(alphabet="ab 'İı’-!", max_size=30))
def test_phrase_index_fast_path_equals_the_word_walk(value):
    index = PhraseIndex(("a b", "ab", "bab*", "a", "b a b", "a b*"))
    tokens = text.phrase_tokens(value)
    walked, i = [], 0
    while i < len(tokens):
        match = index.match_at(value, tokens, i)
        if match is None:
            i += 1
            continue
        walked.append(match)
        while i < len(tokens) and tokens[i][0] < match[1]:
            i += 1
    assert index.find(value) == walked


@given(st.text(alphabet=st.characters(max_codepoint=0x24F, exclude_categories=("No",))))
def test_words_are_nltk_regexp_tokenizer_tokens(value):
    # (nltk's tokenizer runs on the `regex` module, whose \w differs for a few symbols like ¼)
    from nltk.tokenize import RegexpTokenizer

    assert text.words(value) == RegexpTokenizer(text.WORD_PATTERN).tokenize(value)


def _reference_sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """The first, plainest version of the sentence splitter: the oracle for the fast one."""
    from scoring.text import _SENTENCE_END, ABBREVIATIONS

    spans = []
    start = 0

    def append(start: int, end: int) -> None:
        chunk = text[start:end]
        stripped = chunk.strip()
        if not stripped or not any(character.isalnum() for character in stripped):
            return
        offset = start + (len(chunk) - len(chunk.lstrip()))
        spans.append((offset, offset + len(stripped)))

    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if match.group().startswith(".") and len(match.group().rstrip("\"'”’)]")) == 1:
            previous = text[start : match.start()].split()
            if previous and previous[-1].lower().rstrip(".") in ABBREVIATIONS:
                continue
            if previous and len(previous[-1]) == 1 and previous[-1].isalpha():
                continue
        append(start, end)
        start = end
    append(start, len(text))
    return tuple(spans)


_SENTENCE_PIECES = [*"ab .!?\n\"')é1_-", "Dr.", "etc.", "J.", " e.g. ", "...", "…", "”", "’",
                    "\u2028", "\xa0", "\u0301", "²", "١"]  # fmt: skip


@settings(max_examples=3000)
@given(st.lists(st.sampled_from(_SENTENCE_PIECES), max_size=40))
def test_sentence_spans_equal_the_reference_splitter(pieces):
    from scoring.text import _sentence_spans

    text = "".join(pieces)
    assert _sentence_spans.__wrapped__(text) == _reference_sentence_spans(text)


_CAPS_PIECES = [
    "AB",
    "CD'",
    "OK",
    "A",
    "a",
    "x",
    "É",
    "ß",
    "Ⅻ",
    "_",
    "1",
    "'",
    " ",
    "\t",
    ", ",
    "-",
    "!",
]


@settings(max_examples=2000)
@given(st.lists(st.sampled_from(_CAPS_PIECES), max_size=12).map("".join))
def test_capital_runs_are_found_as_the_plain_pattern_finds_them(value):
    from scoring.detectors.respect import _CAPS_RUN

    plain = re.compile(r"\b[A-Z][A-Z']+\b(?:[ \t,;:!?.\-]+\b[A-Z][A-Z']+\b)+")
    assert [m.span() for m in _CAPS_RUN.finditer(value)] == [
        m.span() for m in plain.finditer(value)
    ]
