"""Staging for both ingest paths, in the import's private stage file (warehouse/reading/stage_file.py):
refused records into `quarantine_rows`, validated conversations into `stage_py` (Arrow batches),
and the one content-hash definition.

`stage_py` has the same columns as the fast path's `stage_fast` (warehouse/reading/fast_jsonl.py), so a
single merge (warehouse/reading/ingest.py) serves both paths; the merge copies `quarantine_rows` into
the database's `quarantine` in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import duckdb
import pyarrow as pa

from canonical.importer import TOO_DEEP, RawRecord
from canonical.validate import CanonicalConversation, RecordError, validate_conversation
from warehouse import queries
from warehouse.reading.import_report import ImportReport, QuarantinedRecord, now

ProgressCallback = Callable[[int, int], None]  # (bytes done, bytes total)
Lookup = Callable[[set[int]], Iterator[tuple[int, str, str]]]  # ords -> (ord, position, raw)
BATCH_SIZE = 5_000
SAMPLE_SIZE = 20  # quarantine reasons kept on the report for the summary
RAW_LIMIT = 1_000_000  # quarantine keeps raw text up to 1 MB


class QuarantineWriter:
    """Buffers refused records and writes them in batches into the stage's `quarantine_rows`
    (`seq`: the order in which they were refused, kept by the merge)."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, report: ImportReport, redact: bool = False
    ) -> None:
        self.con, self.report = con, report
        self.redact = redact  # with --redact, refused records must not keep PII either
        self.rows: list[tuple[str, str, str]] = []
        self.written = 0
        queries.execute(con, "import_quarantine_rows_create")

    def add(self, position: str, raw: str, reason: str) -> None:
        self.report.quarantined += 1
        if len(self.report.samples) < SAMPLE_SIZE:
            self.report.samples.append(QuarantinedRecord(position, reason))
        if self.redact:
            from warehouse.reading.redaction import redact

            raw = redact(raw)
        if len(raw) > RAW_LIMIT:
            raw = raw[:RAW_LIMIT] + f"... [truncated: {len(raw):,} characters in all]"
        self.rows.append((position, raw, reason))
        if len(self.rows) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        positions, raws, reasons = zip(*self.rows, strict=True)
        first = self.written
        batch = pa.table(
            {
                "seq": pa.array(range(first, first + len(self.rows)), pa.int64()),
                "position": pa.array(positions, pa.string()),
                "raw": pa.array(raws, pa.string()),
                "reason": pa.array(reasons, pa.string()),
            }
        )
        self.con.register("quarantine_batch", batch)
        try:
            queries.execute(self.con, "import_quarantine_batch", now=now())
        finally:
            self.con.unregister("quarantine_batch")
        self.written += len(self.rows)
        self.rows = []


_MESSAGE_TYPE = pa.list_(
    pa.struct(
        [
            ("role", pa.string()),
            ("author", pa.string()),
            ("text", pa.string()),
            ("sent_at", pa.timestamp("us")),
            ("internal", pa.bool_()),
        ]
    )
)
_TEXT_FIELDS = (
    "conversation_id", "channel", "status", "agent_id", "agent_name", "team", "customer_id",
    "customer_name", "subject",
)  # fmt: skip


class StageWriter:
    """Buffers validated conversations and appends them to `stage_py` as Arrow batches."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.rows: list[tuple[int, str, CanonicalConversation]] = []
        queries.execute(con, "import_stage_py_create")

    def add(self, ord_: int, position: str, record: CanonicalConversation) -> None:
        self.rows.append((ord_, position, record))
        if len(self.rows) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        records = [r for _, _, r in self.rows]
        columns: dict[str, pa.Array] = {
            "ord": pa.array([o for o, _, _ in self.rows], pa.int64()),
            "position": pa.array([p for _, p, _ in self.rows], pa.string()),
        }
        for name in _TEXT_FIELDS:
            columns[name] = pa.array([getattr(r, name) for r in records], pa.string())
        columns["created_at"] = pa.array([r.created_at for r in records], pa.timestamp("us"))
        for name in ("csat", "nps", "ces"):
            columns[name] = pa.array([getattr(r, name) for r in records], pa.int16())
        columns["tags"] = pa.array([r.tags for r in records], pa.list_(pa.string()))
        columns["messages"] = pa.array(
            [
                [
                    {"role": m.role, "author": m.author, "text": m.text, "sent_at": m.sent_at,
                     "internal": m.internal}
                    for m in r.messages
                ]
                for r in records
            ],
            _MESSAGE_TYPE,
        )  # fmt: skip
        self.con.register("stage_batch", pa.table(columns))
        try:
            queries.execute(self.con, "import_stage_py_append")
        finally:
            self.con.unregister("stage_batch")
        self.rows = []


def redacted(record: dict[str, Any]) -> dict[str, Any]:
    from warehouse.reading.redaction import redact

    messages = record.get("messages")
    if not isinstance(messages, list):
        return record
    subject = record.get("subject")
    if isinstance(subject, str):
        record = {**record, "subject": redact(subject)}
    cleaned = [
        {**m, "text": redact(m["text"])} if isinstance(m, dict) and isinstance(m.get("text"), str)
        else m
        for m in messages
    ]  # fmt: skip
    return {**record, "messages": cleaned}


def validated(
    record: RawRecord, quarantine: QuarantineWriter, redact: bool = False
) -> CanonicalConversation | None:
    if record.error is not None or record.conversation is None:
        quarantine.add(record.position, record.raw, record.error or "the record could not be read")
        return None
    try:
        return validate_conversation(
            redacted(record.conversation) if redact else record.conversation
        )
    except RecordError as error:
        quarantine.add(record.position, record.raw, str(error))
        return None
    except RecursionError:  # a value nested deeper than any walker of ours can follow
        quarantine.add(record.position, record.raw, TOO_DEEP)
        return None
