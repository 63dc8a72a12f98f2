"""Reading a `re:` phrase's source just far enough to speed its search up, without `re`'s
private parser: does every match start with a word character after `\\b`, and which literal
pieces must a text contain for it to match? Conservative: anything beyond this reading answers
"not proven" (None / no pieces), which only costs speed, never a match."""

from __future__ import annotations

import re

_ARGUMENT_ESCAPES = frozenset("xuUN0123456789")  # escapes followed by an argument or a number


def class_end(source: str, i: int) -> int | None:
    """The index after the character class `[...]` opening at i, or None."""
    j = i + 1
    if j < len(source) and source[j] == "^":
        j += 1
    if j < len(source) and source[j] == "]":
        j += 1
    while j < len(source):
        if source[j] == "\\":
            j += 2
            continue
        if source[j] == "]":
            return j + 1
        j += 1
    return None


def group_end(source: str, i: int) -> int | None:
    """The index after the group `(...)` opening at i, or None."""
    depth = 0
    j = i
    while j < len(source):
        c = source[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            end = class_end(source, j)
            if end is None:
                return None
            j = end
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return None


def split_top(source: str) -> list[str] | None:
    """`source` split at its top-level `|`, or None when it cannot be read."""
    parts = []
    start = j = 0
    while j < len(source):
        c = source[j]
        if c == "\\":
            j += 2
            continue
        if c in "[(":
            end = (class_end if c == "[" else group_end)(source, j)
            if end is None:
                return None
            j = end
            continue
        if c == "|":
            parts.append(source[start:j])
            start = j + 1
        j += 1
    parts.append(source[start:])
    return parts


def _is_word(character: str) -> bool:
    return character.isalnum() or character == "_"


def _word_class(body: str) -> bool:
    """Does the class `[body]` hold word characters only?"""
    if not body or body.startswith("^"):
        return False
    j = 0
    while j < len(body):
        c = body[j]
        if c == "\\":
            if body[j + 1 : j + 2] not in ("d", "w"):
                return False
            j += 2
            continue
        if j + 2 < len(body) and body[j + 1] == "-":
            low, high = ord(c), ord(body[j + 2])
            if high < low or high - low >= 4096:
                return False
            if not all(_is_word(chr(code)) for code in range(low, high + 1)):
                return False
            j += 3
            continue
        if not _is_word(c):
            return False
        j += 1
    return True


def _least_repeats(source: str, i: int) -> tuple[int, int] | None:
    """(least number of repeats, index after the quantifier) of the atom that ends at i."""
    if i >= len(source):
        return 1, i
    c = source[i]
    if c in "?*":
        low, end = 0, i + 1
    elif c == "+":
        low, end = 1, i + 1
    elif c == "{":
        match = re.match(r"\{(\d*)(?:,(\d*))?\}", source[i:])
        if match is None:
            return None
        low, end = int(match.group(1) or 0), i + match.end()
    else:
        return 1, i
    if end < len(source) and source[end] in "?+":  # lazy or possessive
        end += 1
    return low, end


def _first_atom_is_word(source: str) -> bool:
    """Must a match of `source` start by consuming a word character?"""
    if not source:
        return False
    c = source[0]
    if c == "\\":
        if source[1:2] not in ("d", "w"):
            return False
        end = 2
    elif c == "[":
        end = class_end(source, 0)
        if end is None or not _word_class(source[1 : end - 1]):
            return False
    elif c == "(":
        end = group_end(source, 0)
        if end is None:
            return False
        inner = source[1 : end - 1]
        if inner.startswith("?:"):
            inner = inner[2:]
        elif inner.startswith("?"):  # lookaround, flags, named group: not read here
            return False
        alternatives = split_top(inner)
        if not alternatives or not all(_first_atom_is_word(a) for a in alternatives):
            return False
    elif _is_word(c):
        end = 1
    else:
        return False
    repeats = _least_repeats(source, end)
    if repeats is None:
        return False
    # an optional first atom ("[01]?\d"): what follows it must start with a word character too
    return repeats[0] >= 1 or _first_atom_is_word(source[repeats[1] :])


def after_leading_boundary(source: str) -> str | None:
    r"""`source` without its leading `\b` when a match must then start with a word character
    (so the `\b` only says "no word character before"); else None."""
    if not source.startswith(r"\b"):
        return None
    rest = source[2:]
    parts = split_top(rest)
    if parts is None or len(parts) != 1 or not _first_atom_is_word(rest):
        return None
    return rest


def required_pieces(phrase: str) -> tuple[frozenset[str], ...]:
    """Lowercase ASCII pieces an ASCII text must contain (case-insensitively) for `phrase` (rubric
    syntax) to match anywhere: one clause per required part, any piece of a clause will do. ()
    when nothing is surely required. Only ASCII counts: case-insensitively an ASCII literal
    matches nothing outside its two cases in an ASCII text."""
    phrase = phrase.strip()
    if not phrase.startswith("re:"):
        pieces = re.split(r"[\s'’*]+|[^\x00-\x7f]+", phrase.lower())
        return tuple(frozenset((piece,)) for piece in pieces if piece)
    source = phrase[3:].strip()
    if re.search(r"\(\?[a-zA-Z]*x", source):  # verbose: spaces and # mean something else
        return ()
    return tuple(_clauses(source))


def _literal_class(body: str) -> frozenset[str] | None:
    """The characters of a class of plain ASCII literals (`[:;=]`), lowercased, else None."""
    if not body or body[0] == "^":
        return None
    characters = set()
    j = 0
    while j < len(body):
        c = body[j]
        if c == "\\":
            escaped = body[j + 1 : j + 2]
            if not escaped or escaped.isalnum():
                return None
            c = escaped
            j += 1
        elif c == "-" and 0 < j < len(body) - 1:
            return None  # a range
        if not c.isascii():
            return None
        characters.add(c.lower())
        j += 1
    return frozenset(characters)


def _clauses(source: str) -> list[frozenset[str]]:
    """The required clauses of a regular expression source (see `required_pieces`)."""
    parts = split_top(source)
    if parts is None:
        return []
    if len(parts) > 1:
        return _either(parts)
    found: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            found.append(frozenset(("".join(run),)))
            run.clear()

    i = 0
    while i < len(source):
        c = source[i]
        if c == "\\":
            escaped = source[i + 1 : i + 2]
            if not escaped or escaped in _ARGUMENT_ESCAPES:
                break  # an escape with an argument: stop reading here
            if escaped.isalnum():  # \b \s \d \w ...: not a literal
                flush()
                i += 2
                continue
            literal, after = escaped, i + 2
        elif c in "[(":
            flush()
            end = (class_end if c == "[" else group_end)(source, i)
            if end is None:
                break
            repeats = _least_repeats(source, end)
            if repeats is None:
                break
            if repeats[0] >= 1:
                found.extend(_atom_clauses(source[i:end]))
            i = repeats[1]
            continue
        elif c == "{":
            flush()
            end = source.find("}", i)
            if end == -1:
                break
            i = end + 1
            continue
        elif c in ".^$|)*+?}":
            flush()
            i += 1
            continue
        else:
            literal, after = c, i + 1
        following = source[after : after + 1]
        if following and following in "?*{":  # may be absent or repeated: not a fixed piece
            flush()
            i = after
            continue
        if not literal.isascii() or literal.isspace():
            flush()
        else:
            run.append(literal.lower())
        if following == "+":  # present, but what follows is not next to it
            flush()
        i = after
    flush()
    return found


def _atom_clauses(atom: str) -> list[frozenset[str]]:
    """Clauses of a class or group that must match at least once."""
    if atom[0] == "[":
        characters = _literal_class(atom[1:-1])
        return [characters] if characters else []
    inner = atom[1:-1]
    if inner.startswith("?:"):
        inner = inner[2:]
    elif inner.startswith("?"):  # lookaround, flags, named group: not read here
        return []
    return _clauses(inner)


def _either(alternatives: list[str]) -> list[frozenset[str]]:
    """One of the alternatives matches: each gives its most selective clause, any will do."""
    options = [_clauses(alternative) for alternative in alternatives]
    if not all(options):
        return []
    return [frozenset().union(*(max(o, key=lambda c: min(map(len, c))) for o in options))]
