"""Phrase lists: case-insensitive, whole words, `*` endings, `re:` escapes, longest phrase wins."""

from __future__ import annotations

import pytest

from scoring.phrases import pattern


@pytest.mark.parametrize(
    ("phrases", "text", "found"),
    [
        ((), "anything", None),
        (("sorry",), "I am SORRY.", "SORRY"),
        (("sorry",), "sorryness", None),
        (("apolog*",), "We apologise for this", "apologise"),
        (("I'll look into",), "I’ll look   into it", "I’ll look   into"),
        (("I will", "I will look"), "I will look now", "I will look"),
        (("I will", "I will look"), "I willow", None),
        (("hi", "hello"), "this is high", None),
        (("re:\\b\\d+ days",), "within 3 days", "3 days"),
        (("#1",), "order #1 here", "#1"),
    ],
)
def test_phrase_matching(phrases, text, found):
    compiled = pattern(phrases)
    match = compiled.search(text) if compiled else None
    assert (match.group() if match else None) == found


def test_non_text_phrase_is_refused():
    with pytest.raises(ValueError, match="text only"):
        pattern(("ok", 3))
