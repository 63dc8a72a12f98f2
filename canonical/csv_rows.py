"""Canonical CSV: one row per message, conversation fields repeated on each row (docs/formats.md).

Rows of one conversation are consecutive and in message order; a conversation_id that comes
back after other ids is a second record with that id (the engine's duplicate rule applies).
Positions are the physical lines of the rows ("lines 4-7"), which differ from row numbers when
texts contain newlines.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from canonical.importer import RawRecord
from canonical.model import Conversation

CONVERSATION_COLUMNS = (
    "conversation_id",
    "channel",
    "created_at",
    "status",
    "agent_id",
    "agent_name",
    "team",
    "customer_id",
    "customer_name",
    "csat",
    "nps",
    "ces",
    "tags",
    "subject",
)
MESSAGE_COLUMNS = ("role", "author", "text", "sent_at", "internal")
COLUMNS = CONVERSATION_COLUMNS + MESSAGE_COLUMNS
REQUIRED_COLUMNS = ("conversation_id", "role", "text")
TAG_SEPARATOR = ";"

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # 1 MB messages are legitimate


def conversation_rows(conversation: Conversation) -> Iterator[list[str]]:
    """The CSV rows (without header) of one conversation, in message order."""

    def cell(value: Any) -> str:
        if value is None:
            return ""
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return str(value)

    head = [cell(getattr(conversation, name)) for name in CONVERSATION_COLUMNS[:-2]]
    head += [TAG_SEPARATOR.join(conversation.tags), cell(conversation.subject)]
    for message in conversation.messages:
        internal = "true" if message.internal else ""
        yield head + [
            message.role,
            cell(message.author),
            message.text,
            cell(message.sent_at),
            internal,
        ]


def _to_csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


class CanonicalCsvImporter:
    name = "canonical-csv"
    description = "canonical CSV: one row per message, conversation fields repeated"

    def sniff(self, path: Path, head: str) -> float:
        first = head.split("\n", 1)[0] if head.strip() else ""
        try:
            header = {name.strip().lower() for name in next(csv.reader([first]))}
        except (csv.Error, StopIteration):
            return 0.0
        if set(REQUIRED_COLUMNS) <= header:
            return 0.95
        return 0.0

    def stream_records(self, path: Path, lines: Iterator[str]) -> Iterator[RawRecord]:
        reader = csv.reader(lines)
        try:
            raw_header = next(reader)
        except StopIteration:
            return
        header = [name.strip().lower() for name in raw_header]
        missing = [name for name in REQUIRED_COLUMNS if name not in header]
        if missing:
            yield RawRecord(
                "line 1",
                _to_csv([raw_header]),
                error=f"not a canonical CSV: the header lacks column(s) {', '.join(missing)}",
            )
            return
        group: list[tuple[int, list[str]]] = []
        last_line = reader.line_num
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                start, last_line = last_line + 1, reader.line_num
                yield RawRecord(f"line {start}", "", error=f"unreadable CSV row: {error}")
                continue
            start, last_line = last_line + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            row_id = (
                row[header.index("conversation_id")]
                if len(row) > header.index("conversation_id")
                else ""
            )
            if group and row_id != self._cell(header, group[0][1], "conversation_id"):
                yield self._record(raw_header, header, group, last_line)
                group = []
            group.append((start, row))
        if group:
            yield self._record(raw_header, header, group, last_line)

    @staticmethod
    def _cell(header: list[str], row: list[str], name: str) -> str | None:
        if name not in header:
            return None
        index = header.index(name)
        return row[index] if index < len(row) else None

    def _record(
        self, raw_header: list[str], header: list[str], group: list[tuple[int, list[str]]], _: int
    ) -> RawRecord:
        first_line, first_row = group[0]
        last_row_line = group[-1][0]
        position = (
            f"line {first_line}" if len(group) == 1 else f"lines {first_line}-{last_row_line}"
        )
        raw = _to_csv([raw_header] + [row for _, row in group])
        conversation: dict[str, Any] = {
            name: self._cell(header, first_row, name)
            for name in CONVERSATION_COLUMNS
            if name in header
        }
        conversation["messages"] = [
            {name: self._cell(header, row, name) for name in MESSAGE_COLUMNS if name in header}
            for _, row in group
        ]
        return RawRecord(position, raw, conversation=conversation)

    def records(self, path: Path, text: str) -> Iterator[RawRecord]:
        return self.stream_records(path, iter(io.StringIO(text, newline="")))


IMPORTER = CanonicalCsvImporter()
