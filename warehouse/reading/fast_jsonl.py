"""The DuckDB fast path for canonical JSONL (why it exists, what it measured and how it stays
equal to the Python rules: see warehouse/reading/ingest.py).

`fast_read` reads the whole file with `read_json` and an explicit all-text schema into the
table `stage_fast` of the import's stage file, normalising it and computing `ok` per row; `fast_stage` sends the
rows that are not `ok` through the Python validator and defines the `staged` view the merge
reads. Their SQL is in warehouse/queries/ingest.sql (`import_fast_macros`, `import_fast_stage`):
the macros only decide whether SQL may vouch for a row; none of them refuses one.
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb

from canonical import jsonl as canonical_jsonl
from canonical.importer import RawRecord
from canonical.validate import (
    MAX_FIELD_CHARS,
    MAX_ID_CHARS,
    MAX_MESSAGES,
    MAX_SUBJECT_CHARS,
    MAX_TAGS,
    MAX_TEXT_CHARS,
    RecordError,
)
from warehouse import queries
from warehouse.reading.encoding import TextSource, iter_lines
from warehouse.reading.import_report import ImportReport
from warehouse.reading.staging import (
    Lookup,
    ProgressCallback,
    QuarantineWriter,
    StageWriter,
    validated,
)

RAW_COLUMNS = {
    **{
        name: "VARCHAR"
        for name in (
            "conversation_id", "channel", "created_at", "status", "agent_id", "agent_name",
            "team", "customer_id", "customer_name", "csat", "nps", "ces", "subject",
        )
    },
    "tags": "VARCHAR[]",
    "messages": "STRUCT(role VARCHAR, author VARCHAR, text VARCHAR, sent_at VARCHAR,"
    " internal VARCHAR)[]",
}  # fmt: skip


def fast_read(con: duckdb.DuckDBPyConnection, report: ImportReport, source: TextSource) -> bool:
    """Read a canonical JSONL file into `stage_fast`; False (and why) when DuckDB refuses it."""
    queries.execute(con, "import_fast_macros")
    queries.execute(con, "import_content_hash_macro")
    try:
        queries.execute(
            con,
            "import_fast_stage",
            path=str(source.path),
            columns=RAW_COLUMNS,
            max_id_chars=MAX_ID_CHARS,
            max_field_chars=MAX_FIELD_CHARS,
            max_subject_chars=MAX_SUBJECT_CHARS,
            max_tags=MAX_TAGS,
            max_messages=MAX_MESSAGES,
            max_text_chars=MAX_TEXT_CHARS,
        )
    except (duckdb.InvalidInputException, duckdb.ConversionException) as error:
        report.fallback_reason = str(error).splitlines()[0][:300]
        return False
    return True


def fast_stage(
    con: duckdb.DuckDBPyConnection,
    report: ImportReport,
    source: TextSource,
    quarantine: QuarantineWriter,
    tick: ProgressCallback,
) -> None:
    """Route the rows SQL could not vouch for through the Python rules; define `staged`."""
    report.engine = "duckdb"
    report.records_read = int(queries.value(con, "import_fast_stage_count"))
    tick(source.size * 6 // 10, source.size)
    # Rows SQL could not vouch for: the Python rules decide, with their exact reasons.
    doubtful = dict(queries.rows(con, "import_fast_stage_doubtful"))
    report.python_checked = len(doubtful)
    stage = StageWriter(con)
    if doubtful:
        for ord_, position, raw in jsonl_lookup(source)(set(doubtful)):
            try:
                record = RawRecord(position, raw, conversation=canonical_jsonl.decode_line(raw))
            except RecordError as error:
                record = RawRecord(position, raw, error=str(error))
            _check_alignment(record, doubtful[ord_])
            accepted = validated(record, quarantine)
            if accepted is not None:
                stage.add(ord_, position, accepted)
        stage.flush()
    queries.execute(con, "import_staged_view_fast")


def jsonl_lookup(source: TextSource) -> Lookup:
    """ords -> (ord, "line N", raw line) for the requested record ordinals, in one scan."""

    def lookup(ords: set[int]) -> Iterator[tuple[int, str, str]]:
        if not ords:
            return
        last = max(ords)
        lines = (line for line, _ in iter_lines(source))
        for ord_, (number, line) in enumerate(canonical_jsonl.record_lines(lines), start=1):
            if ord_ in ords:
                yield ord_, f"line {number}", line
            if ord_ >= last:
                return

    return lookup


def _check_alignment(record: RawRecord, staged_id: str | None) -> None:
    """Guard the assumption that DuckDB's row order is the file's record order."""
    seen = (record.conversation or {}).get("conversation_id")
    if isinstance(seen, str) and staged_id is not None and seen != staged_id:
        raise RuntimeError(
            f"internal error: DuckDB row order differs from the file at {record.position}; "
            "nothing was imported"
        )
