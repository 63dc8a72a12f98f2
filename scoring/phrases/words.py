"""Phrase lists found by looking words up: the engine behind `PhraseList.distinct` / `spans` and
`LabelledPhrases` (scoring/phrases/__init__.py); nothing outside scoring/phrases uses it."""

from __future__ import annotations

import re
from collections.abc import Iterator

from scoring.phrases import starts as phrase_starts
from scoring.phrases.patterns import pattern
from scoring.phrases.reading import required_pieces
from scoring.text import _PHRASE_TOKEN, lowercase, phrase_tokens

_PLAIN_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


class PhraseIndex:
    """Finds the phrases of a list in a text by looking its words up, in one pass.

    Same phrase syntax and matches as `scoring.phrases.pattern` (case-insensitive whole words,
    any whitespace between words, a trailing `*` on a word matches any ending, ' matches ’),
    but a dictionary lookup per word instead of a regular expression with dozens of
    alternatives: several times faster on long lists. Phrases that are not plain words
    (`re:` expressions, "<3", "got it?") fall back to a regular expression. Like `finditer`,
    matches do not overlap and the longest phrase starting at a word wins.
    """

    def __init__(self, phrases: tuple[str, ...], labels: tuple[object, ...] | None = None):
        labels = labels if labels is not None else tuple(range(len(phrases)))
        self._exact: dict[str, list[tuple[tuple[tuple[str, bool], ...], object]]] = {}
        self._prefixed: dict[str, list[tuple[tuple[tuple[str, bool], ...], object]]] = {}
        self._fallback: list[tuple[re.Pattern[str], object]] = []
        self._fallback_required: list[tuple[tuple[str, ...], ...]] = []
        self._plans: dict[str, tuple[re.Pattern[str] | None, tuple[object, ...]] | None] = {}
        for phrase, label in zip(phrases, labels, strict=True):
            words = _phrase_words(phrase.strip())
            if words is None:
                compiled = pattern((phrase,))
                if compiled is not None:
                    self._fallback.append((compiled, label))
                    # the most selective clauses first: one long piece rarely present
                    required = sorted(
                        required_pieces(phrase),
                        key=lambda clause: (len(clause), -min(map(len, clause))),
                    )
                    self._fallback_required.append(tuple(tuple(c) for c in required))
                continue
            if not words:
                continue
            first, wildcard = words[0]
            table = self._prefixed if wildcard else self._exact
            table.setdefault(first[:3] if wildcard else first, []).append((words, label))
        for candidates in (*self._exact.values(), *self._prefixed.values()):
            candidates.sort(key=lambda item: -len(item[0]))  # longest first
        every = [words for c in (*self._exact.values(), *self._prefixed.values()) for words, _ in c]
        self._first = _phrase_trie(every) if every else None
        # Without the lookbehind, `search` skips to the phrases' first letters at C speed (and a
        # hit inside a word is dropped in Python): faster unless nearly every letter starts a
        # phrase, where the lookbehind rejects word insides sooner.
        first_letters = {words[0][0][0] for words in every}
        body = re.compile(_trie_body(every)) if every else None
        self._body_match = body.match if body is not None else None
        self._search = (
            body.search
            if body is not None and len(first_letters) <= SEARCH_MAX_FIRST_LETTERS
            else None
        )
        # one pass for every list finds where any phrase may start (scoring.phrases.starts)
        self._starts = (
            phrase_starts.register(_word_atoms(words) for words in set(every)) if every else None
        )

    def _candidates(self, key: str):
        found = self._exact.get(key, [])
        if self._prefixed:
            extra = [c for c in self._prefixed.get(key[:3], ()) if key.startswith(c[0][0][0])]
            if extra:
                return sorted([*found, *extra], key=lambda item: -len(item[0]))
        return found

    def match_at(
        self, text: str, tokens: tuple[tuple[int, int, str], ...], i: int
    ) -> tuple[int, int, object] | None:
        """The longest phrase starting at word i: (start, end, label), or None."""
        for words, label in self._candidates(tokens[i][2]):
            k = len(words)
            if i + k > len(tokens):
                continue
            for j in range(1, k):
                word, wildcard = words[j]
                previous_end, (start, _, key) = tokens[i + j - 1][1], tokens[i + j]
                gap = text[previous_end:start]
                if not gap or not gap.isspace():
                    break
                if not (key.startswith(word) if wildcard else key == word):
                    break
            else:
                return tokens[i][0], tokens[i + k - 1][1], label
        return None

    def find(self, text: str) -> list[tuple[int, int, object]]:
        """Every non-overlapping match, in text order: (start, end, label)."""
        found: list[tuple[int, int, object]] = []
        if self._first is not None:
            lower = lowercase(text)
            if len(lower) == len(text):
                found = self._find_lower(lower)
            else:  # lowercasing changed offsets (rare letters): walk the words instead
                tokens = phrase_tokens(text)
                i = 0
                while i < len(tokens):
                    match = self.match_at(text, tokens, i)
                    if match is None:
                        i += 1
                        continue
                    found.append(match)
                    while i < len(tokens) and tokens[i][0] < match[1]:
                        i += 1
        if self._fallback:
            # an ASCII text matches case-insensitively only where its lowercase holds the
            # pattern's literal text: without a required piece, the scan cannot find anything
            lower = lowercase(text) if text.isascii() else None
            for (compiled, label), required in zip(
                self._fallback, self._fallback_required, strict=True
            ):
                if lower is not None and not _holds_one_of_each(lower, required):
                    continue
                found.extend(
                    (m.start(), m.end(), label)
                    for m in compiled.finditer(text)
                    if m.end() > m.start()
                )
            found.sort(key=lambda item: item[0])
        return found

    def _find_lower(self, lower: str) -> list[tuple[int, int, object]]:
        # one trie-shaped regular expression of every phrase finds the matches at C speed; the
        # word lookup then names the phrase (and keeps the longest one)
        found: list[tuple[int, int, object]] = []
        last_end = 0
        for start in self._hit_starts(lower):
            if start < last_end or (start and _inside_word(lower, start)):
                continue
            match = self.match_lower(lower, start)
            if match is not None:
                found.append(match)
                last_end = match[1]
        return found

    def _hit_starts(self, lower: str) -> Iterator[int]:
        """Where the hits of `self._first.finditer` start (each next search from the end of the
        previous hit), by the fastest of three equivalent scans."""
        starts = phrase_starts.starts(self._starts, lower) if self._starts is not None else None
        if starts is not None:  # tried only where a phrase may start (never after a letter or
            # digit: the trie's lookbehind holds there)
            position = 0
            match_at = self._body_match if self._search is not None else self._first.match
            for start in starts:
                if start >= position and (hit := match_at(lower, start)) is not None:
                    position = hit.end()
                    yield start
            return
        search = self._search
        if search is None:
            for hit in self._first.finditer(lower):
                yield hit.start()
            return
        position = 0
        while (hit := search(lower, position)) is not None:
            start = hit.start()
            if start and lower[start - 1].isalnum():  # the trie's lookbehind would refuse it
                position = start + 1
                continue
            position = hit.end()
            yield start

    def match_lower(self, lower: str, start: int) -> tuple[int, int, object] | None:
        """The longest phrase starting with the word at `start` of a lowercased text."""
        token = _PHRASE_TOKEN.match(lower, start)
        if token is None:
            return None
        key = token.group()
        plan = self._plans.get(key, _NO_PLAN)
        if plan is _NO_PLAN:
            plan = self._plan(key)
        if plan is None:
            return None
        rest, labels = plan
        if rest is None:  # the best candidate is the word alone
            return start, token.end(), labels[0]
        match = rest.match(lower, token.end())
        if match is None:
            return None
        return start, match.end(), labels[match.lastindex - 1]

    def _plan(self, key: str) -> tuple[re.Pattern[str] | None, tuple[object, ...]] | None:
        """The candidates for a first word as one anchored alternation of what follows it.

        `re` tries alternatives in order and takes the first that matches: in candidate order
        (most words first), that is the phrase the word-by-word comparison would pick. Each
        alternative is one capturing group, so `lastindex` names it.
        """
        candidates = self._candidates(key)
        plan: tuple[re.Pattern[str] | None, tuple[object, ...]] | None = None
        if candidates:
            alternatives: list[str] = []
            labels: list[object] = []
            for words, label in candidates:
                alternatives.append(
                    "".join(
                        r"\s+" + re.escape(word) + (_WORD_REST if wildcard else _WORD_END)
                        for word, wildcard in words[1:]
                    )
                )
                labels.append(label)
                if len(words) == 1:  # always matches: later candidates are never reached
                    break
            if alternatives[0]:
                rest = re.compile("|".join(f"({alternative})" for alternative in alternatives))
                plan = (rest, tuple(labels))
            else:
                plan = (None, (labels[0],))
        if len(self._plans) >= PLAN_CACHE_WORDS:
            self._plans.clear()
        self._plans[key] = plan
        return plan

    def fallback_match_at(self, text: str, position: int) -> tuple[int, int, object] | None:
        for compiled, label in self._fallback:
            match = compiled.match(text, position)
            if match and match.end() > match.start():
                return match.start(), match.end(), label
        return None


_SPACE = re.compile(r"\s+")
_NO_PLAN = object()
PLAN_CACHE_WORDS = 4096  # first words (wildcards make them open-ended) with a compiled plan
SEARCH_MAX_FIRST_LETTERS = 18  # measured on the demo's agent texts (see PhraseIndex.__init__)


def _inside_word(text: str, position: int) -> bool:
    """Does `position` fall inside a word (after a letter, or after a letter + apostrophe)?"""
    before = text[position - 1]
    if before.isalnum():
        return True
    return before == "'" and position > 1 and text[position - 2].isalnum()


_WORD_END = r"(?![^\W_]|'[^\W_])"  # a word ends here (not inside "can't")
_WORD_REST = r"[^\W_]*(?:'[^\W_]+)*"  # the rest of a word after a wildcard prefix


def _phrase_trie(phrases: list[tuple[tuple[str, bool], ...]]) -> re.Pattern[str]:
    """One regex for many phrases of lowercase words, shaped as a trie (shared prefixes are
    tried once), for text lowercased by `lowercase`."""
    return re.compile(r"(?<![^\W_])" + _trie_body(phrases))


def _trie_body(phrases: list[tuple[tuple[str, bool], ...]]) -> str:
    """`_phrase_trie` without its leading "not inside a word" lookbehind."""
    return phrase_starts.trie_pattern(_word_atoms(words) for words in set(phrases))


def _word_atoms(words: tuple[tuple[str, bool], ...]) -> tuple[str, ...]:
    """A phrase of lowercase words as the regex atoms `_trie_body` concatenates."""
    atoms: list[str] = []
    for n, (word, wildcard) in enumerate(words):
        if n:
            atoms.append(r"\s+")
        atoms += re.findall(r"\\.|.", re.escape(word), re.DOTALL)
        atoms.append(_WORD_REST if wildcard else _WORD_END)
    return tuple(atoms)


def _holds_one_of_each(lower: str, required: tuple[tuple[str, ...], ...]) -> bool:
    """Does `lower` contain a piece of every clause? (plain loops: no generator per call)"""
    for clause in required:
        for piece in clause:
            if piece in lower:
                break
        else:
            return False
    return True


def _phrase_words(phrase: str) -> tuple[tuple[str, bool], ...] | None:
    """A phrase as (lowercase word, wildcard) pairs; None when it needs a regular expression."""
    if phrase.startswith("re:"):
        return None
    words = []
    for word in phrase.lower().replace("’", "'").split():
        wildcard = word.endswith("*") and len(word) > 1
        body = word[:-1] if wildcard else word
        if not _PLAIN_WORD.fullmatch(body) or (wildcard and len(body) < 3 and len(words) == 0):
            return None
        words.append((body, wildcard))
    return tuple(words)
