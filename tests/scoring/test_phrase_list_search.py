"""Phrase lists: `scoring.phrases` finds exactly the spans of a `finditer` scan of each list.

Lists of literal phrases starting with a word character are searched without the pattern's
leading `\\b` (hits inside a word dropped in Python); the spans must not change.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import phrases as phrase_lists

_WORDS = ["a", "ab", "ba", "abc", "bab", "can't", "don’t", "I", "İs", "ſo", "Kb", "so", "x-y"]
_word = st.sampled_from(_WORDS)
_longer_word = st.sampled_from(["abcab", "baba", "babs", "abcs'd", "so's"])  # wildcard endings
_literal_phrase = st.lists(
    st.tuples(_word, st.booleans()).map(
        lambda pair: pair[0] + "*" if pair[1] and len(pair[0]) >= 3 else pair[0]
    ),
    min_size=1,
    max_size=3,
).map(" ".join)
_odd_phrase = st.sampled_from(
    ["<3", "got it?", "a?", ":)", "re:\\bab\\s*\\?", "re:k\\w+", "ab*", "-ab", "ab-ba*", "_ab"]
)
_phrase_list = st.one_of(
    st.lists(_literal_phrase, min_size=1, max_size=8),
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
        st.sampled_from([" ", "  ", "\n", "?", "!!", ":)", "<3", "'", "-"]),
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


@settings(max_examples=1000)
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
