"""Phrase lists compiled into regular expressions: one case-insensitive alternation per list.

The engine behind `PhraseList.search` / `first_match` / `any_match` (scoring/phrases/__init__.py);
nothing outside scoring/phrases uses this module.

Phrase syntax (what QA leads write): plain words, matched case-insensitively on word
boundaries; any run of spaces matches any whitespace; a trailing `*` on a word matches any
ending (`apolog*` finds apologise, apologies, apologize); an apostrophe matches ' or ’.
A phrase starting with `re:` is a raw regular expression for the rare case that needs one.
"""

from __future__ import annotations

import re
from functools import lru_cache

from scoring.phrases import starts as phrase_starts
from scoring.phrases.reading import after_leading_boundary
from scoring.text_cache import TEXT_CACHE_SIZE

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
        rest = after_leading_boundary(source)
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
