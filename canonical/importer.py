"""The contract between format modules and the ingest engine.

A format module maps one vendor's export shape to canonical conversation dicts (the JSONL shape
documented in docs/formats.md) and says, for anything it cannot map, exactly where and why.
It does not validate canonical fields (types, roles, timestamps, surveys): the engine does that
once, for every format, and quarantines what fails.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

TOO_DEEP = (
    "nested too deeply: more arrays/objects inside each other than a conversation can hold "
    "(about 1,000 levels or more)"
)


class TooDeeplyNestedError(json.JSONDecodeError):
    """JSON nested past the interpreter's recursion limit: a bad record, like any other."""

    def __init__(self, doc: str, pos: int = 0) -> None:
        super().__init__(TOO_DEEP, doc, pos)


def loads(text: str | bytes) -> Any:
    """`json.loads`, but JSON nested too deeply for Python's decoder (a 100,000-deep array)
    raises TooDeeplyNestedError (a JSONDecodeError, so a ValueError), never RecursionError.
    Every format module decodes through this or `SafeDecoder`."""
    try:
        return json.loads(text)
    except RecursionError:
        raise TooDeeplyNestedError(text if isinstance(text, str) else "") from None


class SafeDecoder(json.JSONDecoder):
    """`json.JSONDecoder` whose raw_decode raises TooDeeplyNestedError instead of RecursionError."""

    def raw_decode(self, s: str, idx: int = 0) -> tuple[Any, int]:
        try:
            return super().raw_decode(s, idx)
        except RecursionError:
            raise TooDeeplyNestedError(s, idx) from None


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One record read from an export: mapped to a canonical dict, or refused with a reason.

    position: where a person finds it in the file: "line 17", "row 4", "tickets[3]".
    raw: the record as found (text), kept in quarantine when the record is refused.
    conversation: canonical dict (keys of docs/formats.md; timestamps may be ISO strings,
        epoch numbers or datetimes; the engine normalises them), or None when refused here.
    error: readable reason when refused ("comment 3 has no author role"), else None.
    """

    position: str
    raw: str
    conversation: dict[str, Any] | None = None
    error: str | None = None


class Importer(Protocol):
    name: str  # the --format value: "zendesk", "canonical-jsonl", ...
    description: str  # one line for `qa ingest --help` and docs

    def sniff(self, path: Path, head: str) -> float:
        """Confidence 0..1 that `path` (whose first ~64 KB decoded is `head`) is this format."""
        ...

    def records(self, path: Path, text: str) -> Iterator[RawRecord]:
        """Every record of the file, in file order. `text` is the whole file decoded to str."""
        ...


class StreamingImporter(Importer, Protocol):
    """Optional extension for line-based formats whose files can be larger than memory.

    When a format module also defines `stream_records`, the engine calls it with the decoded
    lines (each with its line ending) instead of reading the whole file into one string.
    """

    def stream_records(self, path: Path, lines: Iterator[str]) -> Iterator[RawRecord]: ...
