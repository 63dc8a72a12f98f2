"""Reading vendor JSON exports the way format modules need it.

Whole documents when they parse; when they are truncated or damaged, the complete items of the
main list are salvaged and the rest is reported with its line, so good records are never lost
with the bad. Also: key sniffing on the first 64 KB, compact raw text, epoch -> ISO timestamps.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from canonical.importer import RawRecord, SafeDecoder, loads

_DECODER = SafeDecoder()
_WS = re.compile(r"[\s,]*")


def has_keys(head: str, *keys: str) -> bool:
    """True when every `"key":` occurs in `head` (sniffing on a possibly cut-off document)."""
    return all(re.search(r'"' + re.escape(key) + r'"\s*:', head) for key in keys)


def any_key(head: str, *keys: str) -> bool:
    return any(has_keys(head, key) for key in keys)


def looks_like_json(head: str) -> bool:
    return head.lstrip("\ufeff \t\r\n")[:1] in ("{", "[")


def looks_canonical(head: str) -> bool:
    """The first JSON value of `head` is a canonical conversation (never claimed by vendor formats)."""
    first = head.lstrip("\ufeff \t\r\n").split("\n", 1)[0]
    try:
        value, _ = _DECODER.raw_decode(first)
    except ValueError:  # a first line longer than the sniffed head: look at its keys
        return first.startswith("{") and has_keys(first, "conversation_id", "messages")
    return isinstance(value, dict) and "conversation_id" in value and "messages" in value


def compact(value: Any) -> str:
    """The raw text kept in quarantine for one vendor record."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def epoch_to_iso(value: Any) -> Any:
    """Epoch seconds (int, float or digit string) as an ISO 8601 UTC string; other values as is."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int | float):
        try:
            moment = datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return value
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


def line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def load_document(text: str, list_keys: Iterable[str] = ()) -> tuple[Any, list[RawRecord]]:
    """The parsed document, plus errors for what could not be read.

    If the text is not valid JSON, the complete items of the first list found under one of
    `list_keys` (or of a top-level array) are salvaged: the result is then `{key: [items]}` (or
    the list), and one error names the line where reading stopped and keeps the unread rest.
    """
    stripped = text.lstrip("\ufeff")
    try:
        return loads(stripped), []
    except json.JSONDecodeError as error:
        failure = error
    if not stripped.strip():
        return None, [RawRecord("line 1", text, error="the file is empty")]
    start: int | None = None
    key_found: str | None = None
    lead = stripped.lstrip()
    if lead.startswith("["):
        start = len(stripped) - len(lead) + 1
    else:
        for key in list_keys:
            match = re.search(r'"' + re.escape(key) + r'"\s*:\s*\[', stripped)
            if match:
                start, key_found = match.end(), key
                break
    reason = f"invalid JSON ({failure.msg} at line {failure.lineno} column {failure.colno})"
    if start is None:
        return None, [RawRecord(f"line {failure.lineno}", text, error=reason)]
    items: list[Any] = []
    position = start
    while True:
        position = _WS.match(stripped, position).end()
        if position >= len(stripped) or stripped[position] == "]":
            break
        try:
            item, position = _DECODER.raw_decode(stripped, position)
        except json.JSONDecodeError:
            break
        items.append(item)
    rest = stripped[position:]
    where = f"line {line_of(stripped, position)}"
    error = RawRecord(
        where,
        rest if rest.strip() else stripped[-200:],
        error=f"{reason}: read {len(items)} complete record(s); the file is truncated or "
        f"damaged from {where}",
    )
    return ({key_found: items} if key_found else items), [error]


def strip_line_comments(text: str) -> tuple[str, int]:
    """`text` without // comments outside strings (documentation samples carry them)."""
    out: list[str] = []
    removed = 0
    in_string = escaped = False
    index = 0
    while index < len(text):
        char = text[index]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "/" and text.startswith("//", index):
            end = text.find("\n", index)
            end = len(text) if end == -1 else end
            removed += 1
            index = end
            continue
        out.append(char)
        index += 1
    return "".join(out), removed


def attachments_text(attachments: Any) -> str:
    """Stand-in text for a message that only carries attachments: "[attachments: a.png, b.pdf]"."""
    if not isinstance(attachments, list) or not attachments:
        return ""
    names = []
    for item in attachments:
        if isinstance(item, dict):
            names.append(
                str(item.get("file_name") or item.get("name") or item.get("url") or "file")
            )
        else:
            names.append(str(item))
    return f"[attachments: {', '.join(names)}]"


def load_json_lines(text: str) -> tuple[list[tuple[str, Any]], list[RawRecord]] | None:
    """Values of a JSON Lines file as (position, value), with errors for bad lines.

    None when `text` is not JSON Lines (a single document, even one spread over lines).
    """
    body = text.lstrip("\ufeff")
    lines = body.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if len([line for line in lines if line.strip()]) < 2 or not first.lstrip().startswith("{"):
        return None
    try:
        loads(first)
    except ValueError:
        return None
    try:
        loads(body)
        return None  # one document that happens to fit its first line
    except ValueError:
        pass
    values, errors = [], []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            values.append((f"line {number}", loads(line)))
        except ValueError as error:
            errors.append(RawRecord(f"line {number}", line, error=f"invalid JSON: {error}"))
    return values, errors


SHAPE_ERRORS = (TypeError, AttributeError, ValueError, LookupError)


def shape_error(error: Exception) -> str:
    """Reason for a record whose fields have types the vendor's documentation does not allow."""
    return f"a field has an unexpected type or shape ({type(error).__name__}: {error})"


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def guarded(
    records: Iterator[RawRecord], label: str = "the rest of the file"
) -> Iterator[RawRecord]:
    """Last-resort net around a format's record stream: an unexpected shape deep inside a
    vendor file ends the stream with a refusal naming where reading stopped, never a traceback.
    Format modules still refuse bad records one by one; this only catches what they missed."""
    count = 0
    try:
        for record in records:
            count += 1
            yield record
    except SHAPE_ERRORS as error:
        where = f"after record {count}" if count else "document"
        yield RawRecord(where, "", error=f"could not read {label}: {shape_error(error)}")


class UnreadStreams:
    """Airbyte records of streams that hold no conversations (agents, companies, ...): one
    refusal per stream naming how many lines it had, instead of one per line."""

    def __init__(self) -> None:
        self.seen: dict[
            str, list[Any]
        ] = {}  # stream -> [first position, last position, count, raw]

    def add(self, stream: Any, where: str, record: Any) -> None:
        entry = self.seen.setdefault(str(stream), [where, where, 0, compact(record)])
        entry[1] = where
        entry[2] += 1

    def refusals(self) -> Iterator[RawRecord]:
        for stream, (first, last, count, raw) in self.seen.items():
            where = first if first == last else f"{first} .. {last}"
            yield RawRecord(
                f"{where} (stream {stream})",
                raw,
                error=f"stream {stream!r}: {count} record(s) that hold no conversations "
                "(not imported; the first is kept here)",
            )


def in_time_order(items: list[Any], time_of: Callable[[Any], Any]) -> list[Any]:
    """`items` sorted by their timestamps (ISO strings with any offset, or epoch numbers);
    file order is kept when any timestamp is missing or unreadable (no guessing)."""
    keyed = []
    for item in items:
        moment = _instant(time_of(item))
        if moment is None:
            return list(items)
        keyed.append((moment, item))
    return [item for _, item in sorted(keyed, key=lambda pair: pair[0])]


def _instant(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, str) or not value.strip():
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
