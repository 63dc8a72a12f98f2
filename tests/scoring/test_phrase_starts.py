"""`scoring.phrases.starts`: one regex pass for every phrase list must leave each list's matches
exactly what its own scan finds (checked against the full-scan oracles of the other phrase tests),
and a list the union does not hold yet must keep its own scan."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.phrases import patterns as phrase_lists
from scoring.phrases import starts as phrase_starts
from scoring.phrases.words import PhraseIndex
from tests.scoring.test_phrase_list_search import _phrase_list as _list_phrases
from tests.scoring.test_phrase_list_search import _scanned, _Signals, _words_text
from tests.scoring.test_phrase_list_search import _text as _list_text
from tests.scoring.test_phrase_search_paths import _ascii_text, _reference_find, _wordy_text
from tests.scoring.test_phrase_search_paths import _phrase_list as _index_phrases
from tests.scoring.test_phrase_search_paths import _text as _index_text


@pytest.fixture(autouse=True)
def _fresh_union():
    phrase_starts.reset()
    yield
    phrase_starts.reset()


def _in_union(member) -> bool:
    return member is not None and member.union is phrase_starts._union is not None


def _rebuild_with(*members) -> None:
    """Rebuild the union with these members (a search by each marks it as wanted)."""
    for member in members:
        if member is not None:
            phrase_starts.starts(member, "")
    phrase_starts.rebuild()


@settings(max_examples=600, deadline=None)
@given(_list_phrases, _index_phrases, st.one_of(_list_text, _words_text, _ascii_text))
def test_lists_in_the_union_find_what_their_own_scans_find(phrases, other, value):
    phrase_starts.reset()
    phrases = tuple(phrases)
    entry = phrase_lists._entry(phrases)
    index = PhraseIndex(tuple(other))  # another list's phrases in the same union
    _rebuild_with(entry[6], index._starts)
    assert entry[6] is None or _in_union(entry[6])
    phrase_lists._matches.pop(value, None)
    assert phrase_lists._spans(_Signals(value), 0, entry) == _scanned(phrases, value)
    assert index.find(value) == _reference_find(index, value)


@settings(max_examples=600, deadline=None)
@given(_index_phrases, _list_phrases, st.one_of(_index_text, _wordy_text, _ascii_text))
def test_phrase_indexes_in_the_union_find_what_the_oracle_finds(phrases, other, value):
    phrase_starts.reset()
    index = PhraseIndex(tuple(phrases))
    _rebuild_with(index._starts, phrase_lists._entry(tuple(other))[6])
    assert index._starts is None or _in_union(index._starts)
    assert index.find(value) == _reference_find(index, value)


def test_the_union_is_used_and_skips_lists_without_a_start():
    sorry = ("so sorry", "apolog*", "_ok")
    entry = phrase_lists._entry(sorry)
    greeting = PhraseIndex(("hello", "good morning"))
    assert phrase_starts.starts(entry[6], "so sorry") is None  # not in the union yet
    _rebuild_with(entry[6], greeting._starts)
    value = "hello! so sorry, unapologetic; apologise. good  morning"
    lower = value.lower()
    assert phrase_starts.starts(entry[6], lower) == [7, 31]  # never inside "unapologetic"
    assert phrase_starts.starts(greeting._starts, lower) == [0, 42]
    assert phrase_starts.starts(entry[6], "nothing to see here") == ()
    assert phrase_lists._spans(_Signals(value), 0, entry) == ((7, 15), (31, 40))
    assert greeting.find(value) == [(0, 5, 0), (42, 55, 1)]


def test_a_list_is_searched_on_its_own_until_the_union_is_rebuilt(monkeypatch):
    monkeypatch.setattr(phrase_starts, "REBUILD_AFTER", 3)
    entry = phrase_lists._entry(("thanks a lot", "cheers"))
    member = entry[6]
    for _ in range(2):
        assert phrase_starts.starts(member, "cheers") is None
    assert not _in_union(member)
    assert phrase_starts.starts(member, "cheers") is None  # the third search rebuilds
    assert _in_union(member)
    assert phrase_starts.starts(member, "cheers, thanks a lot") == [0, 8]


def test_lists_that_do_not_fit_keep_their_own_scan(monkeypatch):
    monkeypatch.setattr(phrase_starts, "MAX_SEQUENCES", 3)
    small = phrase_lists._entry(("one", "two"))[6]
    large = phrase_lists._entry(("three", "four", "five"))[6]
    _rebuild_with(small, large)
    assert _in_union(small) and not _in_union(large)
    assert phrase_starts.starts(large, "four") is None
    assert large not in phrase_starts._pending  # not retried at every rebuild
    value = "five and four"
    assert phrase_lists._spans(_Signals(value), 0, phrase_lists._entry(("three", "four", "five")))
    assert phrase_starts.starts(small, "two or one") == [0, 7]


def test_only_lists_starting_with_a_literal_character_register():
    assert phrase_starts.register([("a", "b")]).keys == frozenset({"ab"})
    assert phrase_starts.register([("a", r"\s+", "b"), ("\\-", "x")]).keys == frozenset({"a", "-x"})
    assert phrase_starts.register([(r"\w*",)]) is None
    assert phrase_starts.register([("['’]", "s")]) is None
    assert phrase_starts.register([]) is None
    # the same phrases are one member
    assert phrase_starts.register([("a", "b")]) is phrase_starts.register([("a", "b")])


def test_starts_cached_under_another_union_are_found_again(monkeypatch):
    # a rebuild in another thread can leave a text's cached starts from another union
    member = phrase_lists._entry(("cheers", "thanks a lot"))[6]
    _rebuild_with(member)
    monkeypatch.setattr(phrase_starts, "_text_starts", lambda lower: (None, {}))
    assert phrase_starts.starts(member, "cheers, thanks a lot") == [0, 8]
