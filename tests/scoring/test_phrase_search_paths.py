"""`PhraseIndex.find`'s fast paths give exactly what the word-by-word algorithm gave.

The search loop, one anchored regex per first word and fallback expressions skipped when a
required piece is missing are checked against the algorithm they replaced, kept here as the
oracle, on generated phrase lists and texts (wildcards, several words, apostrophes, capitals,
ſ/K/İ letters that fold case unusually, emoji).
"""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import text
from scoring.phrases.reading import required_pieces
from scoring.phrases.words import _SPACE, PhraseIndex, _inside_word
from scoring.text import _PHRASE_TOKEN, lowercase
from tests.scoring.phrase_strategies import literal_phrase as _literal_phrase
from tests.scoring.phrase_strategies import longer_word as _longer_word
from tests.scoring.phrase_strategies import word as _word

# -- the oracle: PhraseIndex.find as it was before the fast paths -------------------------------


def _reference_match_lower(index: PhraseIndex, lower: str, start: int):
    token = _PHRASE_TOKEN.match(lower, start)
    if token is None:
        return None
    candidates = index._candidates(token.group())
    following: list[tuple[str, int]] = []
    position: int | None = token.end()
    for words, label in candidates:
        end = token.end()
        for j in range(1, len(words)):
            if len(following) < j:
                space = _SPACE.match(lower, position) if position is not None else None
                word_match = space and _PHRASE_TOKEN.match(lower, space.end())
                if not word_match:
                    position = None
                    break
                following.append((word_match.group(), word_match.end()))
                position = word_match.end()
            key, key_end = following[j - 1]
            word, wildcard = words[j]
            if not (key.startswith(word) if wildcard else key == word):
                break
            end = key_end
        else:
            return start, end, label
    return None


def _reference_find(index: PhraseIndex, value: str):
    found = []
    if index._first is not None:
        lower = lowercase(value)
        if len(lower) == len(value):
            last_end = 0
            for hit in index._first.finditer(lower):
                start = hit.start()
                if start < last_end or (start and _inside_word(lower, start)):
                    continue
                match = _reference_match_lower(index, lower, start)
                if match is not None:
                    found.append(match)
                    last_end = match[1]
        else:
            tokens = text.phrase_tokens(value)
            i = 0
            while i < len(tokens):
                match = index.match_at(value, tokens, i)
                if match is None:
                    i += 1
                    continue
                found.append(match)
                while i < len(tokens) and tokens[i][0] < match[1]:
                    i += 1
    for compiled, label in index._fallback:
        found.extend(
            (m.start(), m.end(), label) for m in compiled.finditer(value) if m.end() > m.start()
        )
    if index._fallback:
        found.sort(key=lambda item: item[0])
    return found


# -- generated phrase lists and texts -------------------------------------------------------------

_odd_phrase = st.sampled_from(
    ["<3", "got it?", "a?", ":)", "re:\\bab\\s*\\?", "re:(?:ab|ba)c", "re:[!?]{2,}", "re:k\\w+"]
    + ["re:x(?-i:Y)", "re:(?<!so )\\bab\\b", "re:(?:a|)b", "ab*", "re:ſo\\b", "re:K"]
)
_phrase_list = st.lists(st.one_of(_literal_phrase, _odd_phrase), min_size=1, max_size=8)
_text = st.text(
    alphabet=st.sampled_from(list("abcxyIKSk'’- \n?!:)<3_") + ["İ", "ı", "ſ", "K", "é", "😀"]),
    max_size=40,
)
_wordy_text = st.lists(
    st.one_of(
        _word,
        _longer_word,
        st.sampled_from([" ", "  ", "\n", "?", "!!", ":)", "<3", "'"]),
        st.sampled_from(["_", "b", "x"]),  # glued to the next word: a hit inside a word
    ),
    max_size=14,
).map("".join)

_ascii_text = st.lists(
    st.sampled_from(
        ["a", "ab", "abc", "so", "KB", "can't", "x-y", " ", "  ", "?", "!!", ":)", "_"]
    ),
    max_size=10,
).map("".join)


@settings(max_examples=1000, deadline=None)  # an example may compile the phrase_starts union
@given(_phrase_list, st.one_of(_text, _wordy_text, _ascii_text))
def test_phrase_index_find_equals_the_word_by_word_oracle(phrases, value):
    index = PhraseIndex(tuple(phrases))
    assert index.find(value) == _reference_find(index, value)


@settings(max_examples=300, deadline=None)  # an example may compile the phrase_starts union
@given(_phrase_list, st.one_of(_text, _wordy_text), st.integers(min_value=0, max_value=40))
def test_match_lower_equals_the_oracle_at_any_position(phrases, value, start):
    index = PhraseIndex(tuple(phrases))
    lower = lowercase(value)
    start = min(start, len(lower))
    assert index.match_lower(lower, start) == _reference_match_lower(index, lower, start)


def test_both_scan_strategies_are_exercised():
    few_letters = PhraseIndex(("ab", "ba c"))
    every_letter = PhraseIndex(tuple(chr(c) + "x" for c in range(ord("a"), ord("z") + 1)))
    assert few_letters._search is not None and every_letter._search is None
    assert few_letters.find("xab ab ba  c") == [(4, 6, 0), (7, 12, 1)]
    assert every_letter.find("ax, qx zxz") == [(0, 2, 0), (4, 6, 16)]
    # a hit inside a word is skipped without hiding a phrase starting inside it...
    pair = PhraseIndex(("ab ba", "ba"))
    assert pair._search is not None
    assert pair.find("bab ba _ab ba") == [(4, 6, 1), (8, 13, 0)]
    # ...but one after "x'" is refused after the trie's match, as the old scan did
    assert pair.find("x'ab ba") == [] == _reference_find(pair, "x'ab ba")


def test_required_pieces_of_a_fallback_expression():
    required = required_pieces(r"re:\breally\s*\?|\bgot\s+it\?")
    assert required == (frozenset({"really", "got"}),)
    assert required_pieces("re:(?:ab|)c") == (frozenset({"c"}),)
    assert required_pieces("re:[a-z]+") == ()
    assert required_pieces("re:[!?]{2,}") == (frozenset({"!", "?"}),)
    assert required_pieces("re:(?x) a b # c") == ()  # verbose: not read
    assert required_pieces("got it?") == (frozenset({"got"}), frozenset({"it?"}))
    # non-ASCII letters match ASCII ones case-insensitively (ſ ~ s, K ~ k): never required
    assert PhraseIndex(("re:ſo\\b", "re:\u212aB")).find("so KB") == [(0, 2, 0), (3, 5, 1)]
    index = PhraseIndex(("re:\\breally\\s*\\?",))
    assert index.find("REALLY ?") == [(0, 8, 0)]
    assert index.find("really.") == []


def _shipped_phrases() -> set[str]:
    import yaml

    from scoring.loader import DEFAULT_RUBRICS_DIR

    found: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in DEFAULT_RUBRICS_DIR.glob("*.yaml"):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return {p for p in found if p.strip().startswith("re:")}


def test_required_pieces_never_rule_out_a_text_a_shipped_expression_matches():
    # the prefilter may only skip texts the expression cannot match (the oracle: `re` itself)
    from pathlib import Path

    from scoring.phrases import pattern

    sample = Path(__file__).resolve().parents[2] / "data" / "sample_conversations.jsonl"
    texts = [
        m["text"]
        for line in sample.read_text(encoding="utf-8").splitlines()
        for m in json.loads(line)["messages"]
    ] + ["see you at 9:30 or 10.15 tomorrow", "really?? :) :-P", "No, that's not it", "in 2 hrs"]
    for phrase in sorted(_shipped_phrases()):
        compiled = pattern((phrase,))
        clauses = required_pieces(phrase)
        for value in texts:
            if value.isascii() and compiled.search(value):
                lower = lowercase(value)
                assert all(any(piece in lower for piece in clause) for clause in clauses), (
                    phrase,
                    value,
                )


@given(st.text(alphabet="ab1 .:?!-", max_size=12))
def test_leading_boundary_is_dropped_only_where_a_word_character_must_follow(value):
    from scoring.phrases.reading import after_leading_boundary

    for source in (
        r"\b(?:[01]?\d|2[0-3])[:.]\d",
        r"\b\d+\s*a",
        r"\ba?b",
        r"\b(?:a|\.)b",
        r"\bab|c",
    ):
        rest = after_leading_boundary(source)
        if rest is None:
            continue
        # without the `\b`, a match after a non-word character (or at 0) is the same match
        for start in range(len(value) + 1):
            if start and (value[start - 1].isalnum() or value[start - 1] == "_"):
                continue
            full = re.compile(source).match(value, start)
            bare = re.compile(rest).match(value, start)
            assert (full and full.span()) == (bare and bare.span()), (source, value, start)
