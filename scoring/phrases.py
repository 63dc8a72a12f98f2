"""Phrase lists from rubric YAML, compiled once into one case-insensitive alternation each.

Phrase syntax (what QA leads write): plain words, matched case-insensitively on word
boundaries; any run of spaces matches any whitespace; a trailing `*` on a word matches any
ending (`apolog*` finds apologise, apologies, apologize); an apostrophe matches ' or ’.
A phrase starting with `re:` is a raw regular expression for the rare case that needs one.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from functools import lru_cache

from scoring import phrase_starts
from scoring.detectors.base import Evidence
from scoring.text_cache import TEXT_CACHE_SIZE, text_cache

QUOTE_LIMIT = 160  # longest quote kept as evidence for a whole-message citation


_END = ""  # trie key marking "a phrase ends here"


def _atoms(phrase: str) -> list[str]:
    r"""A literal phrase as regex atoms: one per character, `\s+` between words, `\w*` for `*`."""
    atoms: list[str] = []
    if re.match(r"\w", phrase):
        atoms.append(r"\b")
    for n, word in enumerate(phrase.split()):
        if n:
            atoms.append(r"\s+")
        wildcard = word.endswith("*") and len(word) > 1
        for ch in word[:-1] if wildcard else word:
            if ch in "'’":
                atoms.append("['’]")
            else:
                lower = ch.lower()
                atoms.append(re.escape(lower if len(lower) == 1 else ch))
        if wildcard:
            atoms.append(r"\w*")
    if re.search(r"\w\*?$", phrase):
        atoms.append(r"\b")
    return atoms


def _emit(node: dict) -> str:
    """Regex for a trie node: shared prefixes are matched once (Python's re does not do this)."""
    # A zero-width word boundary ends a phrase: try the longer phrases sharing the prefix first.
    ordered = sorted(node.items(), key=lambda item: (item[0] == r"\b", item[0]))
    branches = [atom + _emit(child) for atom, child in ordered if atom != _END]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if _END in node:
        body = f"(?:{body})?"  # greedy: prefer the longer phrase
    return body


def _trie_regex(phrases: list[str]) -> str:
    root: dict = {}
    for phrase in phrases:
        node = root
        for atom in _atoms(phrase):
            node = node.setdefault(atom, {})
        node[_END] = {}
    return _emit(root)


@lru_cache(maxsize=512)
def pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    """One compiled, case-insensitive pattern for a phrase list; None when the list is empty.

    Literal phrases are merged into a trie-shaped regex, so a list of 80 phrases costs about as
    much to search as a list of a few; `re:` phrases are appended as alternatives.
    """
    bad = [p for p in phrases if not isinstance(p, str)]
    if bad:
        raise ValueError(f"a phrase list must hold text only, found {bad[0]!r}")
    cleaned = sorted({p.strip() for p in phrases if p.strip()})
    if not cleaned:
        return None
    literal = [p for p in cleaned if not p.startswith("re:")]
    raw = [f"(?:{p[3:].strip()})" for p in cleaned if p.startswith("re:")]
    parts = ([_trie_regex(literal)] if literal else []) + raw
    return re.compile("|".join(parts), re.IGNORECASE)


@lru_cache(maxsize=512)
def lower_pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    """The same pattern for text that is already lowercased: about 2.5x faster than matching
    case-insensitively (`re:` phrases keep an inline case-insensitive flag)."""
    base = pattern(phrases)
    if base is None:
        return None
    cleaned = sorted({p.strip() for p in phrases if p.strip()})
    literal = [p for p in cleaned if not p.startswith("re:")]
    raw = [f"(?i:{p[3:].strip()})" for p in cleaned if p.startswith("re:")]
    return re.compile("|".join(([_trie_regex(literal)] if literal else []) + raw))


_serials = iter(range(1 << 62))

# Matches per message text, shared by every phrase list: {text: {list serial: spans}}, where
# spans are every (start, end) that `finditer` yields (empty matches included). Support
# conversations repeat most texts, so most searches are a dictionary lookup.
_matches: dict[str, dict[int, tuple[tuple[int, int], ...]]] = {}
MATCH_CACHE_TEXTS = TEXT_CACHE_SIZE


@lru_cache(maxsize=512)
def _unanchored(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    r"""`lower_pattern` without its leading `\b`, when every phrase is literal and starts with a
    word character (the `\b` is then "no word character before"), else None.

    A leading `\b` hides the phrases' first letters from `re`'s search, which then runs the
    whole pattern at every position; without it, `search` skips to those letters at C speed
    and `_word_start_spans` drops the hits inside a word: the same spans, about twice as fast.
    """
    compiled = lower_pattern(phrases)
    cleaned = {p.strip() for p in phrases if p.strip()}
    if compiled is None or not compiled.pattern.startswith(r"\b"):
        return None
    if any(p.startswith("re:") or not _starts_with_word_atom(p) for p in cleaned):
        return None
    return re.compile(compiled.pattern[2:])


def _starts_with_word_atom(phrase: str) -> bool:
    r"""Does the phrase's pattern start with `\b` and then a word character (as `_atoms` spells
    the first character: lowercased unless that takes two characters)?"""
    first = phrase[0].lower()
    first = first if len(first) == 1 else phrase[0]
    return bool(re.match(r"\w", phrase)) and (first.isalnum() or first == "_")


@lru_cache(maxsize=512)
def _word_start_alternation(
    phrases: tuple[str, ...],
) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    r"""For a list with `re:` phrases whose every alternative is `\b` and then a word character:
    (the alternation without those `\b`, the same after one non-word character), else None.

    Such a list matches only where no word character comes before, so `_after_non_word_spans`
    lets `re` skip at C speed to the non-word characters (a fifth of a text) instead of trying
    every alternative, each starting with `\b` (which hides their first letters), everywhere.
    """
    compiled = lower_pattern(phrases)
    cleaned = sorted({p.strip() for p in phrases if p.strip()})
    literal = [p for p in cleaned if not p.startswith("re:")]
    raw = [p[3:].strip() for p in cleaned if p.startswith("re:")]
    if compiled is None or not raw or not all(_starts_with_word_atom(p) for p in literal):
        return None
    rests = []
    for source in raw:
        rest = _after_leading_boundary(source)
        if rest is None:
            return None
        rests.append(f"(?i:{rest})")
    trie = [_trie_regex(literal)] if literal else []
    if trie and not trie[0].startswith(r"\b"):
        return None
    body = "|".join([t[2:] for t in trie] + rests)
    if compiled.pattern != "|".join(trie + [f"(?i:{source})" for source in raw]):
        return None  # not built as `lower_pattern` builds it: keep its plain scan
    return re.compile(body), re.compile(rf"\W({body})")


def _after_leading_boundary(source: str) -> str | None:
    r"""`source` without its leading `\b` when it is `\b` followed by something that matches at
    least one character and starts with a word character; else None."""
    try:
        from re import _constants as c
        from re import _parser

        whole = _parser.parse(source)
        rest = _parser.parse(source[2:])
    except Exception:  # an unreadable expression (or `re` changed): keep the plain scan
        return None
    if not source.startswith(r"\b") or list(whole)[:1] != [(c.AT, c.AT_BOUNDARY)]:
        return None
    if repr(list(rest)) != repr(list(whole)[1:]) or rest.getwidth()[0] < 1:
        return None
    return source[2:] if _starts_with_word_char(list(rest), c) else None


def _starts_with_word_char(items: list, c) -> bool:
    """Must the first character these parsed items consume be a word character?"""
    for n, (op, value) in enumerate(items):
        if op is c.LITERAL:
            character = chr(value)
            return character.isalnum() or character == "_"
        if op is c.IN:
            return bool(value) and all(_word_set_item(kind, item, c) for kind, item in value)
        if op is c.SUBPATTERN:
            inner = list(value[3])
            if value[3].getwidth()[0] < 1:
                return _starts_with_word_char(inner, c) and _starts_with_word_char(
                    items[n + 1 :], c
                )
            return _starts_with_word_char(inner, c)
        if op is c.BRANCH:
            return all(
                _starts_with_word_char(list(branch), c)
                and (branch.getwidth()[0] >= 1 or _starts_with_word_char(items[n + 1 :], c))
                for branch in value[1]
            )
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            low, _, inner = value
            if not _starts_with_word_char(list(inner), c):
                return False
            return low >= 1 or _starts_with_word_char(items[n + 1 :], c)
        return False  # assertions, anchors, groups references, anything else: not proven
    return False  # nothing consumed


def _word_set_item(kind, item, c) -> bool:
    if kind is c.LITERAL:
        return chr(item).isalnum() or chr(item) == "_"
    if kind is c.RANGE:
        low, high = item
        return high - low < 4096 and all(
            chr(code).isalnum() or chr(code) == "_" for code in range(low, high + 1)
        )
    if kind is c.CATEGORY:
        return item in (c.CATEGORY_DIGIT, c.CATEGORY_WORD)
    return False


def _after_non_word_spans(
    body: re.Pattern[str], after_non_word: re.Pattern[str], lower: str
) -> tuple[tuple[int, int], ...]:
    """The spans `finditer` of the list's pattern gives, found from the non-word characters."""
    spans = []
    match = body.match(lower)  # at 0, no character comes before
    position = 0
    if match is not None:
        spans.append(match.span())
        position = match.end()
    search = after_non_word.search
    # a match may start right after the previous one when that one ended with a non-word
    # character: search from its last character
    while (match := search(lower, position - 1 if position else 0)) is not None:
        spans.append(match.span(1))
        position = match.end()
    return tuple(spans)


@lru_cache(maxsize=512)
def _starts_member(phrases: tuple[str, ...]) -> phrase_starts.Member | None:
    """The list's `_unanchored` pattern, phrase by phrase, registered with `phrase_starts`."""
    cleaned = {p.strip() for p in phrases if p.strip()}
    return phrase_starts.register(tuple(_atoms(p)[1:]) for p in cleaned)


def _word_start_spans(
    unanchored: re.Pattern[str], lower: str, member: phrase_starts.Member | None = None
) -> tuple[tuple[int, int], ...]:
    r"""The spans `finditer` of the pattern with its leading `\b` would give."""
    spans = []
    starts = phrase_starts.starts(member, lower) if member is not None else None
    if starts is not None:  # try the pattern only where one of its phrases may start
        position = 0
        match_at = unanchored.match
        for start in starts:
            if start < position or (match := match_at(lower, start)) is None:
                continue
            if start and lower[start - 1] == "_":
                continue  # inside a word: `\b` refuses this start (letters and digits are
                # refused by `phrase_starts`)
            spans.append(match.span())
            position = match.end()
        return tuple(spans)
    search = unanchored.search
    position = 0
    while (match := search(lower, position)) is not None:
        start = match.start()
        if start and (lower[start - 1].isalnum() or lower[start - 1] == "_"):
            position = start + 1  # inside a word: `\b` refuses this start, not the next one
            continue
        spans.append(match.span())
        position = match.end()
    return tuple(spans)


def _entry(phrases: tuple[str, ...]):
    """(phrases, lower pattern, case-insensitive pattern, serial, unanchored pattern, word-start
    alternation, phrase_starts member of the unanchored pattern) of a phrase list."""
    lower_compiled = lower_pattern(phrases)
    unanchored = _unanchored(phrases) if lower_compiled is not None else None
    word_start = _word_start_alternation(phrases) if lower_compiled is not None else None
    member = _starts_member(phrases) if unanchored is not None else None
    return (
        phrases,
        lower_compiled,
        pattern(phrases),
        next(_serials),
        unanchored,
        word_start,
        member,
    )


def _spans(signals, i: int, entry) -> tuple[tuple[int, int], ...]:
    """Every match span of the list (entry) in message i, cached per text."""
    text = signals.messages[i].text
    per_text = _matches.get(text)
    if per_text is None:
        if len(_matches) >= MATCH_CACHE_TEXTS:
            _matches.clear()
        per_text = _matches[text] = {}
    spans = per_text.get(entry[3])
    if spans is None:
        lower = signals.lower(i)
        if len(lower) != len(text):  # lowercasing moved offsets: search case-insensitively
            spans = tuple(m.span() for m in entry[2].finditer(text))
        elif entry[4] is not None:
            spans = _word_start_spans(entry[4], lower, entry[6])
        elif entry[5] is not None:
            spans = _after_non_word_spans(entry[5][0], entry[5][1], lower)
        else:
            spans = tuple(m.span() for m in entry[1].finditer(lower))
        per_text[entry[3]] = spans
    return spans


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
    matches, the union of every list's phrases in `scoring.phrase_starts`, the word lookup of
    `scoring.text.PhraseIndex`) stays behind these methods.
    """

    __slots__ = ("phrases", "_hash", "_entry", "_index", "_memo_owner", "_memo")

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

    # The three searches below run for every criterion of every conversation, mostly on texts
    # whose spans are cached: they look the spans up inline and call `_spans` only to compute.
    def search(self, signals, indices: Iterable[int], limit: int = 3) -> list[Evidence]:
        """Evidence for the first `limit` matches of the list in the given messages."""
        found: list[Evidence] = []
        entry = self._entry
        if entry[1] is None:
            return found
        serial = entry[3]
        messages = signals.messages
        for i in indices:
            per_text = _matches.get(messages[i].text)
            spans = per_text.get(serial) if per_text is not None else None
            if spans is None:
                spans = _spans(signals, i, entry)
            for start, end in spans:
                if end > start:
                    found.append(Evidence(i, start, end, messages[i].text[start:end]))
                    if len(found) >= limit:
                        return found
        return found

    def first_match(self, signals, indices: Iterable[int]) -> Evidence | None:
        """Evidence for the first match in the given messages, or None."""
        entry = self._entry
        if entry[1] is None:
            return None
        serial = entry[3]
        messages = signals.messages
        for i in indices:
            per_text = _matches.get(messages[i].text)
            spans = per_text.get(serial) if per_text is not None else None
            if spans is None:
                spans = _spans(signals, i, entry)
            if spans:
                start, end = spans[0]
                if end > start:
                    return Evidence(i, start, end, messages[i].text[start:end])
        return None

    def any_match(self, signals, indices: Iterable[int]) -> bool:
        entry = self._entry
        if entry[1] is None:
            return False
        serial = entry[3]
        messages = signals.messages
        for i in indices:
            per_text = _matches.get(messages[i].text)
            spans = per_text.get(serial) if per_text is not None else None
            if spans is None:
                spans = _spans(signals, i, entry)
            if spans:
                return True
        return False

    def spans(self, text: str) -> tuple[tuple[int, int], ...]:
        """(start, end) of every whole-word match in `text`, in order (cached per text)."""
        found = _word_matches(text)
        spans = found.get(self)
        if spans is None:
            if self._index is None:
                from scoring.text import PhraseIndex

                self._index = PhraseIndex(self.phrases)
            spans = found[self] = tuple((start, end) for start, end, _ in self._index.find(text))
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
def _word_matches(text: str) -> dict[PhraseList, tuple[tuple[int, int], ...]]:
    """{list: spans} for the phrase lists searched in `text` by whole words so far (filled by
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
        from scoring.text import PhraseIndex

        phrases: list[str] = []
        labels: list[object] = []
        for label, phrase_list in lists:
            phrases.extend(phrase_list.phrases)
            labels.extend([label] * len(phrase_list.phrases))
        self._index = PhraseIndex(tuple(phrases), tuple(labels))

    def find(self, text: str) -> list[tuple[int, int, object]]:
        return self._index.find(text)

    def match_at(self, text: str, position: int) -> tuple[int, int, object] | None:
        from scoring.text import lowercase, phrase_tokens

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
