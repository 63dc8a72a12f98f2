"""Phrase lists from rubric YAML, compiled once into one case-insensitive alternation each.

Phrase syntax (what QA leads write): plain words, matched case-insensitively on word
boundaries; any run of spaces matches any whitespace; a trailing `*` on a word matches any
ending (`apolog*` finds apologise, apologies, apologize); an apostrophe matches ' or ’.
A phrase starting with `re:` is a raw regular expression for the rare case that needs one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from scoring import phrase_starts
from scoring.detectors.base import Evidence
from scoring.text_cache import TEXT_CACHE_SIZE

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


# {id(phrases): (phrases, lower pattern, case-insensitive pattern, serial, unanchored pattern,
#  word-start alternation, phrase_starts member of the unanchored pattern)}
_by_identity: dict[
    int,
    tuple[
        tuple[str, ...],
        re.Pattern[str] | None,
        re.Pattern[str] | None,
        int,
        re.Pattern[str] | None,
        tuple[re.Pattern[str], re.Pattern[str]] | None,
        phrase_starts.Member | None,
    ],
] = {}
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
    entry = _by_identity.get(id(phrases))
    if entry is not None and entry[0] is phrases:
        return entry
    lower_compiled = lower_pattern(phrases)
    unanchored = _unanchored(phrases) if lower_compiled is not None else None
    word_start = _word_start_alternation(phrases) if lower_compiled is not None else None
    member = _starts_member(phrases) if unanchored is not None else None
    entry = (
        phrases,
        lower_compiled,
        pattern(phrases),
        next(_serials),
        unanchored,
        word_start,
        member,
    )
    if len(_by_identity) > 4096:
        _by_identity.clear()
    _by_identity[id(phrases)] = entry  # holds the tuple, so its id cannot be reused meanwhile
    return entry


def compiled(phrases: tuple[str, ...]) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """(pattern for lowercased text, case-insensitive pattern) of a phrase list.

    Looked up by the tuple's identity first: rubric parameters are long-lived tuples, and hashing
    a 60-phrase tuple on every call would cost more than the search of a short message.
    """
    entry = _entry(phrases)
    return entry[1], entry[2]


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


def as_phrases(value: object, name: str) -> tuple[str, ...]:
    """A detector parameter that must be a phrase list: a clear error otherwise."""
    if type(value) is tuple:
        _entry(value)  # validates the items (once per tuple)
        return value
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return as_phrases(tuple(value), name)
    raise ValueError(f"parameter {name!r} must be a list of phrases, got {value!r}")


# The three searches below run for every criterion of every conversation, mostly on texts whose
# spans are cached: they look the spans up inline and call `_spans` only to compute them.


def search(signals, indices: Iterable[int], phrases: tuple[str, ...], limit: int = 3):
    """Evidence for the first `limit` matches of the phrase list in the given messages."""
    found: list[Evidence] = []
    entry = _entry(phrases)
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


def first_match(signals, indices: Iterable[int], phrases: tuple[str, ...]) -> Evidence | None:
    entry = _entry(phrases)
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


def any_match(signals, indices: Iterable[int], phrases: tuple[str, ...]) -> bool:
    entry = _entry(phrases)
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
