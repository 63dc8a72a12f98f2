"""Where any phrase of any list can start in a text: one regex pass instead of one per list.

Scoring searches each new message text for some 30 phrase lists, one regex pass each, and almost
every pass finds nothing (about 0.2 hits per pass on the demo's texts). Lists whose phrases start
with a literal character register here (`register`, with each phrase as the regex atoms its own
pattern spells): one trie-shaped regex of every registered phrase then finds, in one pass, every
word start (no letter or digit before) where some phrase of some list matches, filed under the
lists whose phrases start with the text's next one or two characters. A list tries its own pattern only at the positions whose key it holds (`starts`):
usually none.

Exact by construction: a list's pattern matches at a position only if one of its phrases does
there, so the union matches there too, and the text there begins with that phrase's key. A list
registered after the union was built is searched the old way (`starts` returns None) until the
next rebuild, which happens once such lists have been asked for `REBUILD_AFTER` times, so a
scoring run compiles the union a few times at most.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from scoring.text_cache import text_cache

REBUILD_AFTER = 256  # searches by lists not yet in the union before it is rebuilt with them
# phrases in the union at most: the shipped rubrics have about 1,400; a list that does not fit
# keeps its own scan (a test run registers thousands of lists; compiling 4,096 takes ~70 ms)
MAX_SEQUENCES = 4096


class Member:
    """A registered phrase list: the keys its phrases start with, and the union that holds it."""

    __slots__ = ("keys", "sequences", "union")

    def __init__(self, keys: frozenset[str], sequences: frozenset[tuple[str, ...]]) -> None:
        self.keys = keys
        self.sequences = sequences
        self.union: _Union | None = None


class _Union:
    """One compiled regex of the phrases of several members, and the members by key."""

    __slots__ = ("search", "sequences", "by_pair", "by_first")

    def __init__(self, sequences: frozenset[tuple[str, ...]], members: list[Member]) -> None:
        self.sequences = sequences
        # every member's matches start where no letter or digit comes before (see `register`)
        self.search = re.compile(r"(?<![^\W_])" + trie_pattern(sequences)).search
        # members by the text's next two characters (those with a one-character key included),
        # and by the next character alone (members with a one-character key) for the rest
        self.by_first: dict[str, list[Member]] = {}
        pairs: dict[str, list[Member]] = {}
        for member in members:
            for key in member.keys:
                (self.by_first if len(key) == 1 else pairs).setdefault(key, []).append(member)
        self.by_pair = {
            pair: tuple(dict.fromkeys(listed + self.by_first.get(pair[0], [])))
            for pair, listed in pairs.items()
        }


_members: dict[frozenset[tuple[str, ...]], Member] = {}
_pending: dict[Member, None] = {}  # registered, not in the current union (in order)
_union: _Union | None = None
_waiting = 0  # searches by pending members since the last build
_left_out: set[Member] = set()  # did not fit under MAX_SEQUENCES: searched on their own


def _literal(atom: str) -> str | None:
    """The one character a regex atom matches literally (as `re.escape` spells it), else None."""
    if len(atom) == 1 and atom not in ".^$*+?{}[]\\|()":
        return atom
    if len(atom) == 2 and atom[0] == "\\" and not atom[1].isalnum() and atom[1] != "_":
        return atom[1]
    return None


def _key(sequence: tuple[str, ...]) -> str | None:
    first = _literal(sequence[0]) if sequence else None
    if first is None:
        return None
    second = _literal(sequence[1]) if len(sequence) > 1 else None
    return first if second is None else first + second


def register(sequences: Iterable[tuple[str, ...]]) -> Member | None:
    """A phrase list that matches only at word starts (where no letter or digit comes before),
    each phrase as the regex atoms (one per character, `\\s+`...) its pattern concatenates
    after that condition. None when a phrase does not start with a literal character (the list
    keeps its own scan)."""
    frozen = frozenset(tuple(s) for s in sequences)
    member = _members.get(frozen)
    if member is None:
        keys = [_key(sequence) for sequence in frozen]
        if not frozen or any(key is None for key in keys):
            return None
        member = _members[frozen] = Member(frozenset(keys), frozen)  # type: ignore[arg-type]
    if member.union is not _union and member not in _left_out:
        _pending[member] = None
    return member


def starts(member: Member, lower: str) -> list[int] | tuple[()] | None:
    """The positions in `lower`, in order, where one of the member's phrases may match at a word
    start (no letter or digit before); None when the member is not in the union yet (search the
    text with the list's own pattern)."""
    union = member.union
    if union is not _union or union is None:
        if member not in _left_out:
            _pending[member] = None
            _note_waiting()
        return None
    built_by, found = _text_starts(lower)
    if built_by is not union:  # cached under another union (a rebuild in another thread)
        found = _starts_in(union, lower)
    return found.get(member, ())


# A list asks for a text's starts when it first searches that text, nearly always in the
# conversation that brought the text: a small cache will do.
@text_cache(2048)
def _text_starts(lower: str) -> tuple[_Union | None, dict[Member, list[int]]]:
    """(the current union, its `_starts_in` the text)."""
    union = _union
    return union, _starts_in(union, lower) if union is not None else {}


def _starts_in(union: _Union, lower: str) -> dict[Member, list[int]]:
    """{member: positions} for every word start where some phrase of the union matches."""
    found: dict[Member, list[int]] = {}
    position = 0
    search = union.search
    by_pair = union.by_pair
    by_first = union.by_first
    while (match := search(lower, position)) is not None:
        start = match.start()
        members = by_pair.get(lower[start : start + 2])
        if members is None:
            members = by_first.get(lower[start], ())
        for member in members:
            positions = found.get(member)
            if positions is None:
                found[member] = [start]
            else:
                positions.append(start)
        position = start + 1
    return found


def _note_waiting() -> None:
    global _waiting
    _waiting += 1
    if _waiting >= REBUILD_AFTER:
        rebuild()


def rebuild() -> None:
    """Compile a new union: the current one's phrases and every pending member's, as far as
    `MAX_SEQUENCES` allows (the others keep their own scans)."""
    global _union, _waiting
    _waiting = 0
    if not _pending:
        return
    sequences = set(_union.sequences) if _union is not None else set()
    current = [m for m in _members.values() if _union is not None and m.union is _union]
    adding = []
    for member in _pending:
        new = member.sequences - sequences
        if len(sequences) + len(new) <= MAX_SEQUENCES:
            sequences |= new
            adding.append(member)
        else:
            _left_out.add(member)
    _pending.clear()
    if not adding:
        return
    try:
        union = _Union(frozenset(sequences), current + adding)
    except (re.error, RecursionError, OverflowError):  # beyond `re`: keep the lists' own scans
        _left_out.update(adding)
        return
    _union = union
    _text_starts.cache_clear()
    for member in current + adding:
        member.union = union


def reset() -> None:
    """Forget the union (every list searches on its own until the next rebuild): for tests."""
    global _union, _waiting
    _union = None
    _waiting = 0
    _pending.clear()
    _left_out.clear()
    _text_starts.cache_clear()


def trie_pattern(sequences: Iterable[tuple[str, ...]]) -> str:
    """One regex for several sequences of regex atoms, shaped as a trie: a shared prefix is
    tried once (Python's `re` does not do this for an alternation); at each branch the atoms are
    tried in sorted order, and a sequence that ends there is an optional rest (greedy)."""
    root: dict = {}
    for sequence in sequences:
        node = root
        for atom in sequence:
            node = node.setdefault(atom, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [atom + emit(child) for atom, child in sorted(node.items()) if atom]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root)
