"""Canonical JSONL: one conversation object per line (docs/formats.md).

Blank lines are skipped (not records), so record numbers and line numbers can differ; positions
are always the physical line ("line 17"). Large files are ingested by DuckDB directly (see
warehouse/reading/ingest.py); this module is the exact, line-by-line path and the single place that
knows which line is which record.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from canonical.importer import RawRecord, TooDeeplyNestedError, loads
from canonical.model import Conversation
from canonical.validate import RecordError, to_model, validate_conversation

# What DuckDB's newline-delimited reader treats as an empty line: such lines are not records.
_JSON_WHITESPACE = " \t\r\n"


def is_record_line(line: str) -> bool:
    return bool(line.strip(_JSON_WHITESPACE))


def decode_line(line: str) -> dict[str, Any]:
    """The JSON object on one line; RecordError with a readable reason otherwise."""
    if "\x00" in line:  # never valid JSON; say what it is rather than "control character"
        raise RecordError(
            f"the line holds a NUL byte (binary data) at column {line.index(chr(0)) + 1}"
        )
    try:
        value = loads(line)
    except TooDeeplyNestedError as error:
        raise RecordError(error.msg) from None
    except json.JSONDecodeError as error:
        if error.msg.startswith("Extra data"):
            raise RecordError(
                f"more than one JSON value on the line (column {error.colno}); "
                "canonical JSONL holds one conversation object per line"
            ) from None
        if error.pos >= len(line.rstrip()):
            raise RecordError("truncated JSON: the line ends before the object is closed") from None
        if error.msg.startswith("Unterminated string"):
            raise RecordError(
                f"truncated JSON: the text starting at column {error.colno} is never closed"
            ) from None
        raise RecordError(f"not valid JSON: {error.msg} (column {error.colno})") from None
    if not isinstance(value, dict):
        kind = "a list" if isinstance(value, list) else type(value).__name__
        raise RecordError(f"expected a conversation object on the line, got {kind}")
    return value


def parse_line(line: str) -> Conversation:
    """One canonical JSONL line to a validated `Conversation` (pure: no database needed)."""
    return to_model(validate_conversation(decode_line(line)))


def record_lines(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """(line number, line) of every record line, i.e. every non-blank line."""
    for number, line in enumerate(lines, start=1):
        if is_record_line(line):
            yield number, line.rstrip("\r\n")


class CanonicalJsonlImporter:
    name = "canonical-jsonl"
    description = "canonical JSONL: one conversation object per line (docs/formats.md)"

    def sniff(self, path: Path, head: str) -> float:
        """Confident when one of the first lines is an object with conversation_id and
        messages (lines before it may be other JSON values: bad records); other JSONL (vendor
        exports) scores 0 so their own module wins."""
        lines = [line.strip() for _, line in record_lines(head.split("\n"))][:5]
        first = next(
            (i for i, line in enumerate(lines)
             if line.startswith("{") and '"conversation_id"' in line and '"messages"' in line),
            None,
        )  # fmt: skip
        if first is None:
            return 0.0
        if first == 0:
            return 0.95
        # Lines before the first conversation that are not objects ([], 42, "x"): JSON Lines
        # with bad records (quarantined one by one) if each is a whole JSON value on its own.
        try:
            for line in lines[:first]:
                loads(line)
        except ValueError:
            return 0.0  # "[" alone: a JSON document spread over lines, not JSONL
        return 0.9

    def stream_records(self, path: Path, lines: Iterator[str]) -> Iterator[RawRecord]:
        for number, line in record_lines(lines):
            position = f"line {number}"
            try:
                yield RawRecord(position, line, conversation=decode_line(line))
            except RecordError as error:
                yield RawRecord(position, line, error=str(error))

    def records(self, path: Path, text: str) -> Iterator[RawRecord]:
        return self.stream_records(path, iter(io.StringIO(text, newline="")))


IMPORTER = CanonicalJsonlImporter()
