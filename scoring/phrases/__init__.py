"""Phrase lists: what detectors search text with, and the one place that knows how.

Phrase syntax (what QA leads write in rubric YAML): plain words, matched case-insensitively on
word boundaries; any run of spaces matches any whitespace; a trailing `*` on a word matches any
ending (`apolog*` finds apologise, apologies, apologize); an apostrophe matches ' or ’. A phrase
starting with `re:` is a raw regular expression for the rare case that needs one.

A detector sees `PhraseList` (a `Phrases` parameter, parsed when the rubric loads) and
`LabelledPhrases`, and the evidence helpers below. How they are fast stays in this package:
`patterns` (one trie-shaped regular expression per list, matches cached per text), `words`
(a word lookup for counting distinct phrases), `starts` (one pass of the union of every list's
phrases finds where any of them may start).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator

from scoring.detectors.base import Evidence
from scoring.phrases.patterns import _entry, _matches, _spans, pattern
from scoring.text import lowercase, phrase_tokens
from scoring.text_cache import text_cache

QUOTE_LIMIT = 160  # longest quote kept as evidence for a whole-message citation

__all__ = [
    "QUOTE_LIMIT",
    "LabelledPhrases",
    "PhraseList",
    "message_evidence",
    "pattern",
    "span_evidence",
]


class PhraseList:
    """A rubric's phrase list, checked and compiled once: the one way detectors look for phrases.

    Built when the rubric loads (a `Phrases` parameter, see `scoring.params`); a phrase that is
    not text, or a `re:` phrase that is not a valid regular expression, is a `ValueError` naming
    it. Detectors call:

    - `search(signals, indices, limit)`: Evidence for the first `limit` matches, message by
      message; `first_match(signals, indices)`; `any_match(signals, indices)`;
    - `distinct(signals, indices)`: one Evidence per distinct phrase found (lowercased), for
      counting cues, and `spans(text)`: the (start, end) of every match in one text. These two
      match whole words only: a phrase never ends inside a contraction ("i can" does not match
      "I can't", which `search` finds), and at a word the longest phrase wins.

    Everything that makes this fast (one trie-shaped pattern per list, per-text caches of the
    matches, the union of every list's phrases in `starts`, the word lookup of `words`) stays
    behind these methods.
    """

    __slots__ = ("phrases", "_hash", "_entry", "_serial", "_index", "_memo_owner", "_memo")

    def __init__(self, phrases: Iterable[str]) -> None:
        phrases = tuple(phrases)
        for phrase in phrases:
            if not isinstance(phrase, str):
                raise ValueError(f"a phrase list must hold text only, found {phrase!r}")
            cleaned = phrase.strip()
            if cleaned.startswith("re:"):
                try:
                    re.compile(cleaned[3:].strip(), re.IGNORECASE)
                except re.error as error:
                    raise ValueError(
                        f"phrase {phrase!r} is not a valid regular expression: {error.msg} "
                        f"(at character {error.pos})"
                    ) from None
        self.phrases = phrases
        self._hash = hash(phrases)
        self._entry = _entry(phrases)
        self._serial = self._entry[3]  # a small int: per-text caches key on it at C speed
        self._index = None  # the word lookup, built on first use
        self._memo_owner = None  # the conversation `_memo` belongs to
        self._memo: dict[tuple[int, ...], tuple[Evidence, ...]] = {}

    # a list compares by its phrases (rubric sets loaded twice are equal); the hash is kept
    def __eq__(self, other: object) -> bool:
        if isinstance(other, PhraseList):
            return other is self or other.phrases == self.phrases
        return NotImplemented

    def __hash__(self) -> int:
        return self._hash

    def __iter__(self) -> Iterator[str]:
        return iter(self.phrases)

    def __len__(self) -> int:
        return len(self.phrases)

    def __repr__(self) -> str:
        return f"PhraseList({list(self.phrases)!r})"

    # The searches below run for every criterion of every conversation, mostly on texts whose
    # spans are cached: `_message_spans` looks them up inline and calls `_spans` only to compute.
    def _message_spans(self, signals, indices: Iterable[int]):
        """(message index, the list's match spans in that message) for the given messages."""
        entry = self._entry
        if entry[1] is None:
            return
        serial = entry[3]
        messages = signals.messages
        for i in indices:
            per_text = _matches.get(messages[i].text)
            spans = per_text.get(serial) if per_text is not None else None
            yield i, spans if spans is not None else _spans(signals, i, entry)

    def search(self, signals, indices: Iterable[int], limit: int = 3) -> list[Evidence]:
        """Evidence for the first `limit` matches of the list in the given messages."""
        found: list[Evidence] = []
        messages = signals.messages
        for i, spans in self._message_spans(signals, indices):
            for start, end in spans:
                if end > start:
                    found.append(Evidence(i, start, end, messages[i].text[start:end]))
                    if len(found) >= limit:
                        return found
        return found

    def first_match(self, signals, indices: Iterable[int]) -> Evidence | None:
        """Evidence for the first match in the given messages, or None."""
        found = self.search(signals, indices, limit=1)
        return found[0] if found else None

    def any_match(self, signals, indices: Iterable[int]) -> bool:
        """Whether the list matches in any of the given messages."""
        return any(spans for _, spans in self._message_spans(signals, indices))

    def spans(self, text: str) -> tuple[tuple[int, int], ...]:
        """(start, end) of every whole-word match in `text`, in order (cached per text)."""
        found = _word_matches(text)
        spans = found.get(self._serial)
        if spans is None:
            if self._index is None:
                from scoring.phrases.words import PhraseIndex

                self._index = PhraseIndex(self.phrases)
            spans = found[self._serial] = tuple(
                (start, end) for start, end, _ in self._index.find(text)
            )
        return spans

    def distinct(self, signals, indices: Iterable[int]) -> list[Evidence]:
        """One Evidence per distinct phrase (lowercased) found, whole words, in message order.

        Remembered for the conversation: several detectors ask for the same list in the same
        turns."""
        indices = tuple(indices)
        if self._memo_owner is not signals:
            self._memo_owner = signals
            self._memo = {}
        cached = self._memo.get(indices)
        if cached is not None:
            return list(cached)
        seen: set[str] = set()
        found: list[Evidence] = []
        messages = signals.messages
        for i in indices:
            text = messages[i].text
            for start, end in self.spans(text):
                phrase = text[start:end].lower()
                if phrase not in seen:
                    seen.add(phrase)
                    found.append(Evidence(i, start, end, text[start:end]))
        self._memo[indices] = tuple(found)
        return found


@text_cache()
def _word_matches(text: str) -> dict[int, tuple[tuple[int, int], ...]]:
    """{list serial: spans} for the phrase lists searched in `text` by whole words so far (filled by
    `PhraseList.spans`): one cache entry per text, not per (text, list), which took 3x the
    memory."""
    return {}


class LabelledPhrases:
    """Several phrase lists, each under a label, searched together by whole words in one pass.

    `find(text)`: every non-overlapping match, in text order, as (start, end, label), the longest
    phrase at each word winning; `match_at(text, position)`: the longest phrase that starts
    exactly at `position`, or None. Among phrases of equal length the earlier list wins.
    """

    __slots__ = ("_index",)

    def __init__(self, lists: Iterable[tuple[object, PhraseList]]) -> None:
        from scoring.phrases.words import PhraseIndex

        phrases: list[str] = []
        labels: list[object] = []
        for label, phrase_list in lists:
            phrases.extend(phrase_list.phrases)
            labels.extend([label] * len(phrase_list.phrases))
        self._index = PhraseIndex(tuple(phrases), tuple(labels))

    def find(self, text: str) -> list[tuple[int, int, object]]:
        return self._index.find(text)

    def match_at(self, text: str, position: int) -> tuple[int, int, object] | None:
        index = self._index
        lower = lowercase(text)
        if len(lower) != len(text):  # lowercasing changed offsets: use the word list
            tokens = phrase_tokens(text)
            i = bisect_left(tokens, position, key=_token_start)
            match = (
                index.match_at(text, tokens, i)
                if i < len(tokens) and tokens[i][0] == position
                else None
            )
        else:
            match = index.match_lower(lower, position)
        return match or index.fallback_match_at(text, position)


def _token_start(token: tuple[int, int, str]) -> int:
    return token[0]


def message_evidence(signals, i: int, limit: int = QUOTE_LIMIT) -> Evidence:
    """Cite a whole message (its first `limit` characters, trimmed of outer whitespace)."""
    text = signals.messages[i].text
    start = len(text) - len(text.lstrip())
    end = min(len(text.rstrip()), start + limit)
    end = max(end, start)
    return Evidence(i, start, end, text[start:end])


def span_evidence(signals, i: int, start: int, end: int) -> Evidence:
    text = signals.messages[i].text
    return Evidence(i, start, end, text[start:end])


def evidence(signals, i: int, start: int, end: int) -> Evidence:
    """Alias of `span_evidence` (the name agreed in NOTES.md)."""
    return span_evidence(signals, i, start, end)
