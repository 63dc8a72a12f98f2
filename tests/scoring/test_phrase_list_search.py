"""Phrase lists: `scoring.phrases` finds exactly the spans of a `finditer` scan of each list.

Lists of literal phrases starting with a word character are searched without the pattern's
leading `\\b` (hits inside a word dropped in Python); the spans must not change.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.phrases import patterns as phrase_lists
from tests.scoring.phrase_strategies import literal_phrase as _literal_phrase
from tests.scoring.phrase_strategies import longer_word as _longer_word
from tests.scoring.phrase_strategies import word as _word

_odd_phrase = st.sampled_from(
    ["<3", "got it?", "a?", ":)", "re:\\bab\\s*\\?", "re:k\\w+", "ab*", "-ab", "ab-ba*", "_ab"]
)
# `re:` phrases that start with \b and a word character (searched from non-word characters), and
# near misses that must keep the plain scan
_word_start_phrase = st.sampled_from(
    [
        "re:\\bab\\s*\\?",
        "re:\\b\\d+\\s*(?:days?|hrs?)\\b",
        "re:\\b(?:a|b)\\s+ba\\b",
        "re:\\b(?:[01]?\\d|2[0-3])[:.][0-5]\\d\\b",
        "re:\\b(?:ab)?c",
        "re:\\b[a-c]{2}",
        "re:\\bk\\.x\\.",
        "re:\\bab|ba",
        "re:\\b\\s*ab",
        "re:\\b(?<!x )ab",
        "re:\\b_b",
    ]
)
_phrase_list = st.one_of(
    st.lists(_literal_phrase, min_size=1, max_size=8),
    st.lists(st.one_of(_literal_phrase, _word_start_phrase), min_size=1, max_size=6),
    st.lists(st.one_of(_literal_phrase, _odd_phrase), min_size=1, max_size=8),
)
_text = st.text(
    alphabet=st.sampled_from(list("abcxyIKSk'’- \n?!:)<3_") + ["İ", "ı", "ſ", "K", "é", "😀"]),
    max_size=40,
)
_words_text = st.lists(
    st.one_of(
        _word,
        _longer_word,
        st.sampled_from(
            [" ", "  ", "\n", "?", "!!", ":)", "<3", "'", "-", "12", "1:05", "k.x.", "c"]
        ),
        st.sampled_from(["_", "b", "x"]),  # glued to the next word: a hit inside a word
    ),
    max_size=14,
).map("".join)


@dataclass
class _Message:
    text: str


class _Signals:
    def __init__(self, value: str):
        self.messages = [_Message(value)]

    def lower(self, i: int) -> str:
        return self.messages[i].text.lower()


def _scanned(phrases: tuple[str, ...], value: str) -> tuple[tuple[int, int], ...]:
    lower = value.lower()
    if len(lower) == len(value):
        compiled = phrase_lists.lower_pattern(phrases)
        return tuple(m.span() for m in compiled.finditer(lower))
    return tuple(m.span() for m in phrase_lists.pattern(phrases).finditer(value))


@settings(max_examples=1000, deadline=None)  # an example may compile the phrase_starts union
@given(_phrase_list, st.one_of(_text, _words_text))
def test_phrase_list_spans_equal_a_full_scan(phrases, value):
    phrases = tuple(phrases)
    phrase_lists._matches.pop(value, None)
    spans = phrase_lists._spans(_Signals(value), 0, phrase_lists._entry(phrases))
    assert spans == _scanned(phrases, value)


def test_literal_word_lists_are_searched_without_the_leading_boundary():
    entry = phrase_lists._entry(("so sorry", "apolog*", "_ok"))
    assert entry[4] is not None and not entry[4].pattern.startswith("\\b")
    assert phrase_lists._spans(_Signals("So SORRY, unapologetic; apologise"), 0, entry) == (
        (0, 8),
        (24, 33),
    )
    # a hit inside a word is refused without hiding the phrase that starts inside that hit
    entry = phrase_lists._entry(("ab ba", "ba"))
    assert phrase_lists._spans(_Signals("bab ba _ab ba"), 0, entry) == ((4, 6), (11, 13))
    assert phrase_lists._spans(_Signals("bab ba _ab ba"), 0, entry) == _scanned(
        ("ab ba", "ba"), "bab ba _ab ba"
    )
    assert phrase_lists._entry(("sorry", "re:x"))[4] is None
    assert phrase_lists._entry(("sorry", ":)"))[4] is None
    assert phrase_lists._entry(("sorry", "İs"))[4] is not None  # İ stays İ: still a word atom


def test_lists_with_boundary_expressions_are_searched_from_non_word_characters():
    within = (
        "within",
        "by tomorrow",
        "re:\\b\\d+\\s*(?:hours?|days?)\\b",
        "re:\\b(?:on|by)\\s+monday\\b",
    )
    entry = phrase_lists._entry(within)
    assert entry[4] is None and entry[5] is not None
    value = "Within 2 days, by Monday; 3days or x2 days within2 hours. by monday"
    assert phrase_lists._spans(_Signals(value), 0, entry) == _scanned(within, value)
    assert _scanned(within, value) == ((0, 6), (7, 13), (15, 24), (26, 31), (58, 67))
    for near_miss in (
        "re:\\bab|ba",
        "re:\\b\\s*ab",
        "re:\\b(?<!x )ab",
        "re:(?:ab)?\\bc",
        "re:\\b(?:ab)?",
    ):
        assert phrase_lists._entry(("ab", near_miss))[5] is None, near_miss
    assert phrase_lists._entry(("ab", "re:\\b(?:ab)?c"))[5] is not None
    assert phrase_lists._entry(("ab", "re:\\b(?:ab)?\\.x"))[5] is None  # may start with "."
    # a match right after one that ended with a non-word character
    abbreviation = ("ab", "re:\\bk\\.x\\.")
    assert phrase_lists._spans(_Signals("k.x.k.x.ab"), 0, phrase_lists._entry(abbreviation)) == (
        (0, 4),
        (4, 8),
        (8, 10),
    )
