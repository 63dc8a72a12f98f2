"""Helpers for format tests: run an importer on a shared sample or on text, split the results."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from canonical.importer import Importer, RawRecord
from canonical.validate import CanonicalConversation, RecordError, validate_conversation
from tests.conftest import shared_data


@dataclass
class Parsed:
    records: list[RawRecord]
    conversations: list[CanonicalConversation]  # validated by the engine's own rules
    errors: list[RawRecord]  # refused by the importer
    rejected: list[tuple[RawRecord, str]]  # mapped, but refused by the engine's validator

    def by_id(self, conversation_id: str) -> CanonicalConversation:
        return next(c for c in self.conversations if c.conversation_id == conversation_id)

    @property
    def message_count(self) -> int:
        return sum(len(c.messages) for c in self.conversations)


def parse_text(importer: Importer, text: str, name: str = "export.json") -> Parsed:
    """Every record of `text` (as if read from a file called `name`); never raises."""
    records = list(importer.records(Path(name), text))
    for record in records:
        assert (record.conversation is None) != (record.error is None), record
        assert record.position, record
    good, rejected = [], []
    for record in records:
        if record.conversation is not None:
            try:
                good.append(validate_conversation(record.conversation))
            except RecordError as error:
                rejected.append((record, str(error)))
    return Parsed(records, good, [r for r in records if r.error is not None], rejected)


def parse_sample(importer: Importer, *parts: str) -> Parsed:
    path = shared_data("formats", *parts)
    parsed = parse_text(importer, path.read_text(encoding="utf-8"), path.name)
    assert parsed.rejected == [], "a real sample mapped to something the validator refuses"
    return parsed


def roles(conversation: CanonicalConversation) -> list[str]:
    return [m.role for m in conversation.messages]
