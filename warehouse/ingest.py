"""Import export files into the warehouse: validate, quarantine, merge; one transaction per file.

    report = ingest_file("data/cornerstone.duckdb", "export.jsonl")   # format="auto"
    print(report.summary())

Every file gets a row in `imports` (name, sha256, format, counts, start/end, status); every
refused record a row in `quarantine` (file, position, raw text, reason). A conversation whose
content hash is already stored is unchanged; one with a new hash replaces the stored one and all
its messages. Within one file the last record of an id wins and the earlier ones are
quarantined ("duplicate conversation_id ..., a later record at line N replaces this one").
Everything a file changes is committed at once at the end: an exception, Ctrl-C or a killed
process leaves the database as it was.

Two paths, one set of rules
---------------------------
Measured on this machine before choosing (200k conversations, 500 MB canonical JSONL, quiet
machine): DuckDB's own `CREATE TABLE AS SELECT * FROM read_json(...)` 2.8 s; `json.loads` of
every line alone 1.5 s, so any per-record Python path is 3-4x the raw read before it has stored
anything. Hence:

* **fast path** (canonical JSONL in UTF-8, no redaction): DuckDB reads the file with an explicit
  all-text schema and normalises it in one `CREATE TEMP TABLE ... AS SELECT` (`_FAST_STAGE`),
  computing per row an `ok` flag: true only when SQL can *prove* the record valid and normalised
  exactly as the Python rules would (plain ISO 8601 timestamps, known lower-case roles,
  digits-only surveys in range, texts that contain a letter or digit and cannot have been a JSON
  number/boolean/object...). Rows that are not `ok` are not judged by SQL: their lines are
  fetched (one scan, no JSON parsing) and run through the Python validator, which accepts them
  (odd timestamp formats, upper-case roles) or quarantines them with its exact reason. When
  DuckDB refuses the file itself (malformed JSON, a value of the wrong JSON type, invalid UTF-8,
  a line over 32 MB) the whole file takes the Python path instead, so bad lines still get exact
  line numbers. The staging table is read *before* the transaction starts (temporary tables
  change nothing in the file, and only committed rows have rowids in file order).
* **Python path** (every other format, encoding or case): records -> `validate.py` -> Arrow
  batches -> a staging table with the same columns as the fast path's.

Both paths end in the same SQL merge (`_merge`): duplicate rule, new/updated/unchanged,
delete-and-insert; the content hash is one SQL macro (`cs_content_hash`) applied to both
staging tables. The validation rules are therefore defined once (validate.py); the SQL `ok`
predicate only decides which rows need Python to look at them, and
tests/warehouse/test_ingest_paths.py proves both paths store identical rows (and quarantine
identical reasons) for a corpus of ~70 odd and bad records.

Measured with benchmarks/ingest.py, 1M demo conversations (1.85 GB, 8.8M messages), on a
machine shared with other jobs (load average 13-19 on 2 cores), two runs: raw read_json CTAS
51 s / 87 s wall, 14.8 / 15.1 CPU-s, peak RSS ~1.0 GB; ingest_file 138 s / 144 s wall,
31.1 / 28.8 CPU-s, peak RSS 1.3 GB: 2.7x / 1.65x wall clock, 2.1x / 1.9x CPU time.
The rest is the price of two tables: the staging table
(in memory up to MEMORY_LIMIT, then spilled: ~15% at 1M) plus writing conversations and
messages. Memory: neither path holds the file in Python; the Python path buffers `BATCH_SIZE`
conversations at a time; DuckDB is capped at MEMORY_LIMIT.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from warehouse.connection import connect
from warehouse.encoding import NotTextError, TextSource, inspect, iter_lines, read_head, read_text
from warehouse.errors import WarehouseError
from warehouse.importers import canonical_jsonl, registry
from warehouse.importers.base import RawRecord
from warehouse.validate import CanonicalConversation, RecordError, validate_conversation

ProgressCallback = Callable[[int, int], None]  # (bytes done, bytes total)
BATCH_SIZE = 5_000
SAMPLE_SIZE = 20  # quarantine reasons kept on the report for the summary
RAW_LIMIT = 1_000_000  # quarantine keeps raw text up to 1 MB
MEMORY_LIMIT = "1200MB"
FAST_FORMAT = "canonical-jsonl"


@dataclass(frozen=True, slots=True)
class QuarantinedRecord:
    position: str
    reason: str


@dataclass
class ImportReport:
    """What one file's import did; also stored as its `imports` row."""

    file_name: str
    path: str
    format: str = "unknown"
    status: str = "running"  # done | failed
    import_id: int | None = None
    content_hash: str = ""
    records_read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    samples: list[QuarantinedRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    message: str | None = None  # why a failed import failed
    engine: str = ""  # "duckdb" (fast path) or "python"
    fallback_reason: str | None = None  # why DuckDB refused a canonical JSONL file
    started_at: datetime = field(default_factory=lambda: _now())
    finished_at: datetime | None = None

    @property
    def imported(self) -> int:
        return self.new + self.updated + self.unchanged

    @property
    def usable(self) -> bool:
        """True when at least one conversation could be read from the file."""
        return self.imported > 0

    def summary(self) -> str:
        if self.status == "failed":
            return f"{self.file_name}: nothing imported — {self.message}"
        text = (
            f"{self.file_name}: {self.imported:,} conversations imported ({self.new:,} new, "
            f"{self.updated:,} updated, {self.unchanged:,} unchanged), "
            f"{self.quarantined:,} quarantined"
        )
        if self.samples:
            shown = "; ".join(f"{s.position}: {s.reason}" for s in self.samples[:5])
            more = " ..." if self.quarantined > 5 else ""
            text += f" — {shown}{more}"
        for warning in self.warnings:
            text += f"\n  warning: {warning}"
        return text


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# ---------------------------------------------------------------------------------------------
# public API


def ingest_files(
    db: str | Path | duckdb.DuckDBPyConnection,
    paths: Iterable[str | Path],
    format: str = registry.AUTO,
    progress: Callable[[Path], ProgressCallback | None] | None = None,
    redact: bool = False,
) -> list[ImportReport]:
    """`ingest_file` for each path in turn (one transaction per file)."""
    return [
        ingest_file(db, path, format, progress(Path(path)) if progress else None, redact)
        for path in paths
    ]


def ingest_file(
    db: str | Path | duckdb.DuckDBPyConnection,
    path: str | Path,
    format: str = registry.AUTO,
    progress: ProgressCallback | None = None,
    redact: bool = False,
) -> ImportReport:
    """Import one export file; return its report. Raises only for a missing file, an unknown
    --format name, a busy database or an interruption (then nothing was changed)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    if format != registry.AUTO:
        registry.get(format)  # an unknown name is the caller's mistake: raise now
    report = ImportReport(file_name=path.name, path=str(path.resolve()))
    hasher = _FileHasher(path)
    opened = connect(db) if isinstance(db, str | Path) else nullcontext(db)
    with opened as con:
        try:
            source = inspect(path)
            importer = (
                registry.detect(path, read_head(source))[0]
                if format == registry.AUTO
                else registry.get(format)
            )
        except (NotTextError, registry.UnknownFormatError) as error:
            report.status, report.message = "failed", str(error)
            report.content_hash = hasher.result()
            _record_failed_import(con, report)
            return report
        report.format = importer.name
        try:
            _run_import(con, report, importer, source, hasher, progress, redact)
        except FormatReadError as error:  # the transaction was rolled back: nothing imported
            _reset_counts(report)
            report.status, report.message = "failed", str(error)
            report.content_hash = hasher.result()
            _record_failed_import(con, report)
    return report


class FormatReadError(WarehouseError):
    """A format module stopped with an unexpected error while reading the file."""


def _reset_counts(report: ImportReport) -> None:
    report.records_read = report.new = report.updated = report.unchanged = 0
    report.quarantined = 0
    report.samples.clear()


# ---------------------------------------------------------------------------------------------
# orchestration


class _FileHasher:
    """sha256 of the file in a background thread (hashlib releases the GIL on large reads)."""

    def __init__(self, path: Path) -> None:
        self._digest = ""
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(path,), daemon=True)
        self._thread.start()

    def _run(self, path: Path) -> None:
        try:
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
            self._digest = digest.hexdigest()
        except BaseException as error:  # reported when the result is asked for
            self._error = error

    def result(self) -> str:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._digest


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _record_failed_import(con: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
    report.finished_at = _now()
    with _transaction(con):
        report.import_id = _next_import_id(con)
        _insert_import_row(con, report)


def _next_import_id(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT nextval('import_id_seq')").fetchall()[0][0])


def _insert_import_row(con: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
    message = report.message or ("; ".join(report.warnings) if report.warnings else None)
    con.execute(
        "INSERT INTO imports (import_id, file_name, file_path, content_hash, format, started_at,"
        " finished_at, records_read, conversations_new, conversations_updated,"
        " conversations_unchanged, quarantined, status, message)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            report.import_id, report.file_name, report.path, report.content_hash, report.format,
            report.started_at, report.finished_at, report.records_read, report.new,
            report.updated, report.unchanged, report.quarantined, report.status, message,
        ],
    )  # fmt: skip


def _run_import(
    con: duckdb.DuckDBPyConnection,
    report: ImportReport,
    importer: Any,
    source: TextSource,
    hasher: _FileHasher,
    progress: ProgressCallback | None,
    redact: bool,
) -> None:
    tick = progress or (lambda done, total: None)
    tick(0, source.size)
    previous_limit = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")  # DuckDB spills staging beyond this
    fast = importer.name == FAST_FORMAT and source.encoding == "utf-8" and not redact
    try:
        _drop_staging(con)
        if fast:
            # Read before the transaction: rows of a committed temp table have rowids in file
            # order (inside a transaction they do not), and the staging tables are temporary,
            # so this changes nothing in the database file.
            fast = _fast_read(con, report, source)
        with _transaction(con):
            _stage_and_merge(con, report, importer, source, hasher, tick, redact, fast)
    finally:
        _drop_staging(con)
        con.execute(f"SET memory_limit = '{previous_limit}'")
    tick(source.size, source.size)


def _stage_and_merge(
    con: duckdb.DuckDBPyConnection,
    report: ImportReport,
    importer: Any,
    source: TextSource,
    hasher: _FileHasher,
    tick: ProgressCallback,
    redact: bool,
    fast: bool,
) -> None:
    report.import_id = _next_import_id(con)
    quarantine = _QuarantineWriter(con, report)
    if fast:
        _fast_stage(con, report, source, quarantine, tick)
        lookup = _jsonl_lookup(source)
    else:
        _python_stage(con, report, importer, source, quarantine, tick, redact)
        lookup = _record_lookup(importer, source)
    _merge(con, report, quarantine, lookup)
    quarantine.flush()
    report.warnings.extend(source.warnings)
    report.content_hash = hasher.result()
    report.status = "done"
    report.finished_at = _now()
    _insert_import_row(con, report)
    _audit(con, report)


def _audit(con: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
    try:
        from warehouse import audit
    except ImportError:  # access-control module not installed in this build
        return
    audit.record(
        con,
        "system",
        "import.file",
        report.file_name,
        {
            "import_id": report.import_id,
            "new": report.new,
            "updated": report.updated,
            "quarantined": report.quarantined,
        },
    )


def _drop_staging(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP VIEW IF EXISTS temp.staged")
    for table in ("stage_fast", "stage_py", "merge_plan", "dropped_ords"):
        con.execute(f"DROP TABLE IF EXISTS temp.{table}")


# ---------------------------------------------------------------------------------------------
# quarantine


class _QuarantineWriter:
    """Buffers refused records and writes them in batches into `quarantine`."""

    def __init__(self, con: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
        self.con, self.report = con, report
        self.rows: list[tuple[str, str, str]] = []

    def add(self, position: str, raw: str, reason: str) -> None:
        self.report.quarantined += 1
        if len(self.report.samples) < SAMPLE_SIZE:
            self.report.samples.append(QuarantinedRecord(position, reason))
        if len(raw) > RAW_LIMIT:
            raw = raw[:RAW_LIMIT] + f"... [truncated: {len(raw):,} characters in all]"
        self.rows.append((position, raw, reason))
        if len(self.rows) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        positions, raws, reasons = zip(*self.rows, strict=True)
        batch = pa.table(
            {
                "position": pa.array(positions, pa.string()),
                "raw": pa.array(raws, pa.string()),
                "reason": pa.array(reasons, pa.string()),
            }
        )
        self.con.register("quarantine_batch", batch)
        try:
            self.con.execute(
                "INSERT INTO quarantine (quarantine_id, import_id, file_name, position, reason,"
                " raw, quarantined_at) SELECT nextval('quarantine_id_seq'), $import_id,"
                " $file_name, position, reason, raw, $now FROM quarantine_batch",
                {"import_id": self.report.import_id, "file_name": self.report.file_name,
                 "now": _now()},
            )  # fmt: skip
        finally:
            self.con.unregister("quarantine_batch")
        self.rows = []


# ---------------------------------------------------------------------------------------------
# Python path

_CONVERSATION_COLUMNS = (
    "conversation_id, channel, created_at, status, agent_id, agent_name, team, customer_id,"
    " customer_name, csat, nps, ces, tags, subject, messages"
)

_STAGE_COLUMNS = """
    ord BIGINT, position VARCHAR, conversation_id VARCHAR, channel VARCHAR, created_at TIMESTAMP,
    status VARCHAR, agent_id VARCHAR, agent_name VARCHAR, team VARCHAR, customer_id VARCHAR,
    customer_name VARCHAR, csat SMALLINT, nps SMALLINT, ces SMALLINT, tags VARCHAR[],
    subject VARCHAR,
    messages STRUCT(role VARCHAR, author VARCHAR, text VARCHAR, sent_at TIMESTAMP,
                    internal BOOLEAN)[],
    content_hash VARCHAR
"""
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


class _StageWriter:
    """Buffers validated conversations and appends them to `stage_py` as Arrow batches."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.rows: list[tuple[int, str, CanonicalConversation]] = []
        con.execute(f"CREATE TEMP TABLE stage_py ({_STAGE_COLUMNS})")

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
            self.con.execute(
                "INSERT INTO stage_py BY NAME SELECT *,"  # noqa: S608 (fixed SQL)
                f" cs_content_hash({_CONVERSATION_COLUMNS}) AS content_hash FROM stage_batch"
            )
        finally:
            self.con.unregister("stage_batch")
        self.rows = []


def _redacted(record: dict[str, Any]) -> dict[str, Any]:
    from warehouse.redaction import redact

    messages = record.get("messages")
    if not isinstance(messages, list):
        return record
    cleaned = [
        {**m, "text": redact(m["text"])} if isinstance(m, dict) and isinstance(m.get("text"), str)
        else m
        for m in messages
    ]  # fmt: skip
    return {**record, "messages": cleaned}


def _records_with_progress(
    importer: Any, source: TextSource, tick: ProgressCallback
) -> Iterator[RawRecord]:
    if hasattr(importer, "stream_records"):
        done = [0]

        def lines() -> Iterator[str]:
            for line, bytes_done in iter_lines(source):
                done[0] = bytes_done
                yield line

        for count, record in enumerate(importer.stream_records(source.path, lines()), start=1):
            if count % 1000 == 0:
                tick(done[0], source.size)
            yield record
    else:
        text = read_text(source)
        for count, record in enumerate(importer.records(source.path, text), start=1):
            if count % 1000 == 0:
                tick(source.size // 2, source.size)
            yield record


def _python_stage(
    con: duckdb.DuckDBPyConnection,
    report: ImportReport,
    importer: Any,
    source: TextSource,
    quarantine: _QuarantineWriter,
    tick: ProgressCallback,
    redact: bool,
) -> None:
    report.engine = "python"
    con.execute(_SQL_MACROS)
    stage = _StageWriter(con)
    records = _records_with_progress(importer, source, tick)
    ord_ = 0
    while True:
        try:
            record = next(records)
        except StopIteration:
            break
        except (ValueError, KeyError, TypeError, AttributeError, IndexError, UnicodeError) as error:
            # A format module must refuse bad records itself; if it crashes instead, the file
            # is not imported at all and the user sees where, not a traceback.
            raise FormatReadError(
                f"the {importer.name} reader stopped after record {ord_} "
                f"({type(error).__name__}: {error}); nothing from this file was imported"
            ) from error
        ord_ += 1
        report.records_read = ord_
        accepted = _validated(record, quarantine, redact)
        if accepted is not None:
            stage.add(ord_, record.position, accepted)
    stage.flush()
    con.execute("CREATE TEMP VIEW staged AS SELECT * FROM stage_py")


def _validated(
    record: RawRecord, quarantine: _QuarantineWriter, redact: bool = False
) -> CanonicalConversation | None:
    if record.error is not None or record.conversation is None:
        quarantine.add(record.position, record.raw, record.error or "the record could not be read")
        return None
    try:
        return validate_conversation(
            _redacted(record.conversation) if redact else record.conversation
        )
    except RecordError as error:
        quarantine.add(record.position, record.raw, str(error))
        return None


# ---------------------------------------------------------------------------------------------
# fast path (canonical JSONL read by DuckDB)

_ISO = r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?"
# cs_ts: the ISO 8601 forms whose DuckDB reading provably equals Python's fromisoformat; NULL for
# anything else (then Python decides). Hour 24 is excluded (DuckDB rolls it over, Python refuses
# it); offsets go through TIMESTAMPTZ (a plain TIMESTAMP cast would drop them).
# cs_textish: could this text have been a JSON number, boolean, object or list (DuckDB reads all
# of them as text)? Then only Python, which sees JSON types, may judge it; whole numbers are the
# same either way. The first line is a cheap byte-range test that settles almost every text
# (first character not one of - . / 0-9 [ { f t); the rest look closer.
_SQL_MACROS = rf"""
CREATE OR REPLACE TEMP MACRO cs_ts(s) AS CASE
    WHEN regexp_full_match(s, '{_ISO}Z?') THEN try_cast(s AS TIMESTAMP)
    WHEN regexp_full_match(s, '{_ISO}[+-][0-9]{{2}}:[0-9]{{2}}')
        THEN timezone('UTC', try_cast(s AS TIMESTAMPTZ))
    END;
CREATE OR REPLACE TEMP MACRO cs_ts_ok(raw, parsed) AS
    raw IS NULL OR coalesce(year(parsed) BETWEEN 1970 AND 2200, false);
CREATE OR REPLACE TEMP MACRO cs_textish(s) AS CASE
    WHEN s IS NULL THEN true
    WHEN (s < '-' OR s >= ':') AND (s < '[' OR s >= '\\') AND (s < '{{' OR s >= '|')
         AND (s < 'f' OR s >= 'g') AND (s < 't' OR s >= 'u') THEN true
    ELSE s NOT IN ('true', 'false') AND left(s, 1) NOT IN ('{{', '[')
         AND (regexp_full_match(s, '-?[0-9]{{1,17}}') OR try_cast(s AS DOUBLE) IS NULL)
    END;
CREATE OR REPLACE TEMP MACRO cs_has_word(s) AS regexp_matches(s, '[[:alnum:]]');
CREATE OR REPLACE TEMP MACRO cs_content_hash(conversation_id, channel, created_at, status,
    agent_id, agent_name, team, customer_id, customer_name, csat, nps, ces, tags, subject,
    messages) AS printf('%016x', hash(conversation_id, channel, created_at, status, agent_id,
    agent_name, team, customer_id, customer_name, csat, nps, ces, tags, subject, messages));
CREATE OR REPLACE TEMP MACRO cs_survey_ok(s, low, high) AS
    s IS NULL OR (regexp_full_match(s, '[0-9]{{1,2}}')
                  AND coalesce(try_cast(s AS INTEGER) BETWEEN low AND high, false));
"""
_RAW_COLUMNS = {
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
# Three levels so that every value is parsed once: `parsed` reads the file and parses
# timestamps, `checked` decides `ok` and shapes the messages, the outer level hashes.
_FAST_STAGE = """
CREATE TEMP TABLE stage_fast AS
SELECT *, cs_content_hash(conversation_id, channel, created_at, status, agent_id, agent_name,
    team, customer_id, customer_name, csat, nps, ces, tags, subject, messages) AS content_hash
FROM (
    SELECT
        conversation_id, channel, created_at, status, agent_id, agent_name, team, customer_id,
        customer_name, try_cast(csat AS SMALLINT) AS csat, try_cast(nps AS SMALLINT) AS nps,
        try_cast(ces AS SMALLINT) AS ces, coalesce(tags, []::VARCHAR[]) AS tags, subject,
        list_transform(msgs, lambda m: struct_pack(role := m.role, author := m.author,
            text := m.text, sent_at := m.sent_at, internal := m.internal)) AS messages,
        coalesce(
            conversation_id IS NOT NULL AND cs_textish(conversation_id)
            AND cs_has_word(conversation_id)
            AND (channel IS NULL OR (cs_textish(channel)
                                     AND regexp_full_match(channel, '[a-z0-9_-]+')))
            AND cs_ts_ok(created_at_raw, created_at)
            AND cs_textish(status) AND cs_textish(agent_id) AND cs_textish(agent_name)
            AND cs_textish(team) AND cs_textish(customer_id) AND cs_textish(customer_name)
            AND cs_textish(subject)
            AND cs_survey_ok(csat, 1, 5) AND cs_survey_ok(nps, 0, 10) AND cs_survey_ok(ces, 1, 7)
            AND (raw_tags IS NULL OR list_bool_and(list_transform(raw_tags, lambda t:
                    coalesce(cs_textish(t) AND cs_has_word(t), false))) IS NOT false)
            AND len(msgs) > 0
            AND list_bool_and(list_transform(msgs, lambda m:
                    coalesce(m.valid AND cs_ts_ok(m.sent_raw, m.sent_at), false))),
            false) AS ok
    FROM (
        SELECT
            conversation_id, channel, created_at AS created_at_raw,
            cs_ts(created_at) AS created_at, nullif(status, '') AS status,
            nullif(agent_id, '') AS agent_id, nullif(agent_name, '') AS agent_name,
            nullif(team, '') AS team, nullif(customer_id, '') AS customer_id,
            nullif(customer_name, '') AS customer_name, csat, nps, ces,
            tags, tags AS raw_tags, nullif(subject, '') AS subject,
            list_transform(messages, lambda m: struct_pack(
                role := m.role, author := nullif(m.author, ''), text := m.text,
                sent_raw := m.sent_at, sent_at := cs_ts(m.sent_at),
                internal := coalesce(m.internal = 'true', false),
                valid := m IS NOT NULL AND m.role IN ('customer', 'agent', 'bot', 'system')
                    AND m.text IS NOT NULL AND cs_textish(m.text) AND cs_has_word(m.text)
                    AND cs_textish(m.author)
                    AND (m.internal IS NULL OR m.internal IN ('true', 'false'))
            )) AS msgs
        FROM read_json($path, format = 'newline_delimited', columns = $columns,
                       maximum_object_size = 33554432)
    )
)
"""


def _fast_read(con: duckdb.DuckDBPyConnection, report: ImportReport, source: TextSource) -> bool:
    """Read a canonical JSONL file into `stage_fast`; False (and why) when DuckDB refuses it."""
    con.execute(_SQL_MACROS)
    try:
        con.execute(_FAST_STAGE, {"path": str(source.path), "columns": _RAW_COLUMNS})
    except (duckdb.InvalidInputException, duckdb.ConversionException) as error:
        report.fallback_reason = str(error).splitlines()[0][:300]
        return False
    return True


def _fast_stage(
    con: duckdb.DuckDBPyConnection,
    report: ImportReport,
    source: TextSource,
    quarantine: _QuarantineWriter,
    tick: ProgressCallback,
) -> None:
    """Route the rows SQL could not vouch for through the Python rules; define `staged`."""
    report.engine = "duckdb"
    report.records_read = int(con.execute("SELECT count(*) FROM stage_fast").fetchall()[0][0])
    tick(source.size * 6 // 10, source.size)
    # Rows SQL could not vouch for: the Python rules decide, with their exact reasons.
    doubtful = {
        int(row[0]) + 1
        for row in con.execute("SELECT rowid FROM stage_fast WHERE NOT ok").fetchall()
    }
    stage = _StageWriter(con)
    if doubtful:
        for ord_, position, raw in _jsonl_lookup(source)(doubtful):
            try:
                record = RawRecord(position, raw, conversation=canonical_jsonl.decode_line(raw))
            except RecordError as error:
                record = RawRecord(position, raw, error=str(error))
            accepted = _validated(record, quarantine)
            if accepted is not None:
                stage.add(ord_, position, accepted)
        stage.flush()
    con.execute(
        f"CREATE TEMP VIEW staged AS SELECT rowid + 1 AS ord, NULL::VARCHAR AS position,"  # noqa: S608 (constants)
        f" {_CONVERSATION_COLUMNS}, content_hash FROM stage_fast WHERE ok"
        f" UNION ALL SELECT ord, position, {_CONVERSATION_COLUMNS}, content_hash FROM stage_py"
    )


# ---------------------------------------------------------------------------------------------
# looking records up again by ordinal (for duplicates and rows SQL could not vouch for)

Lookup = Callable[[set[int]], Iterator[tuple[int, str, str]]]  # ords -> (ord, position, raw)


def _jsonl_lookup(source: TextSource) -> Lookup:
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


def _record_lookup(importer: Any, source: TextSource) -> Lookup:
    def lookup(ords: set[int]) -> Iterator[tuple[int, str, str]]:
        if not ords:
            return
        last = max(ords)
        for ord_, record in enumerate(_records_with_progress(importer, source, _no_tick), 1):
            if ord_ in ords:
                yield ord_, record.position, record.raw
            if ord_ >= last:
                return

    return lookup


def _no_tick(done: int, total: int) -> None:
    return None


# ---------------------------------------------------------------------------------------------
# merge (both paths)

# The content hash (cs_content_hash, computed when rows are staged) covers every stored field
# of the normalised record. DuckDB's hash() is fast and deterministic; a release that changed it
# would only mark conversations "updated" once.


def _merge(
    con: duckdb.DuckDBPyConnection,
    report: ImportReport,
    quarantine: _QuarantineWriter,
    lookup: Lookup,
) -> None:
    dropped = _quarantine_duplicates(con, quarantine, lookup)
    con.execute(
        "CREATE TEMP TABLE merge_plan AS SELECT s.ord,"  # noqa: S608 (fixed SQL)
        " CASE WHEN c.conversation_id IS NULL THEN 'new'"
        "      WHEN c.content_hash <> s.content_hash THEN 'updated' ELSE 'unchanged' END"
        " AS outcome FROM staged AS s"
        " LEFT JOIN conversations AS c ON c.conversation_id = s.conversation_id"
        + (" WHERE s.ord NOT IN (SELECT ord FROM dropped_ords)" if dropped else "")
    )
    counts = dict(
        con.execute("SELECT outcome, count(*) FROM merge_plan GROUP BY outcome").fetchall()
    )
    report.new = int(counts.get("new", 0))
    report.updated = int(counts.get("updated", 0))
    report.unchanged = int(counts.get("unchanged", 0))
    if report.new + report.updated == 0:
        return
    if report.updated:
        for table in ("messages", "conversations"):
            con.execute(
                f"DELETE FROM {table} WHERE conversation_id IN"  # noqa: S608 (fixed names)
                " (SELECT s.conversation_id FROM staged AS s JOIN merge_plan AS p"
                "  ON s.ord = p.ord WHERE p.outcome = 'updated')"
            )
    # The common case (a first import without duplicates) needs no join at all.
    everything = report.unchanged == 0 and not dropped
    wanted = (
        ""
        if everything
        else (" WHERE s.ord IN (SELECT ord FROM merge_plan WHERE outcome <> 'unchanged')")
    )
    params = {"format": report.format, "import_id": report.import_id, "now": _now()}
    con.execute(
        "INSERT INTO conversations (conversation_id, source_format, channel, created_at, status,"  # noqa: S608 (fixed SQL)
        " agent_id, agent_name, team, customer_id, customer_name, csat, nps, ces, tags, subject,"
        " message_count, content_hash, import_id, imported_at)"
        " SELECT s.conversation_id, $format, s.channel, s.created_at, s.status, s.agent_id,"
        " s.agent_name, s.team, s.customer_id, s.customer_name, s.csat, s.nps, s.ces, s.tags,"
        " s.subject, len(s.messages), s.content_hash, $import_id, $now"
        " FROM staged AS s" + wanted,
        params,
    )
    con.execute(
        "INSERT INTO messages (conversation_id, message_index, role, author, text, sent_at,"  # noqa: S608 (fixed SQL)
        " internal)"
        " SELECT conversation_id, message_index, m.role, m.author, m.text, m.sent_at, m.internal"
        " FROM (SELECT s.conversation_id, generate_subscripts(s.messages, 1) - 1 AS message_index,"
        "       unnest(s.messages) AS m FROM staged AS s" + wanted + ")"
    )


def _quarantine_duplicates(
    con: duckdb.DuckDBPyConnection, quarantine: _QuarantineWriter, lookup: Lookup
) -> bool:
    """Quarantine all but the last record of every id seen twice; True if there were any."""
    duplicates = con.execute(
        "SELECT ord, conversation_id, max(ord) OVER (PARTITION BY conversation_id) AS kept"
        " FROM staged WHERE conversation_id IN"
        "  (SELECT conversation_id FROM staged GROUP BY 1 HAVING count(*) > 1)"
        " QUALIFY ord <> kept ORDER BY ord"
    ).fetchall()
    if not duplicates:
        return False
    wanted = {int(o) for o, _, _ in duplicates} | {int(k) for _, _, k in duplicates}
    found = {ord_: (position, raw) for ord_, position, raw in lookup(wanted)}
    for ord_, conversation_id, kept_ord in duplicates:
        position, raw = found.get(int(ord_), (f"record {ord_}", ""))
        kept_position = found.get(int(kept_ord), (f"record {kept_ord}", ""))[0]
        quarantine.add(
            position,
            raw,
            f"duplicate conversation_id {conversation_id!r}: the later record at "
            f"{kept_position} replaces this one",
        )
    con.execute("CREATE TEMP TABLE dropped_ords (ord BIGINT)")
    con.executemany("INSERT INTO dropped_ords VALUES (?)", [[int(o)] for o, _, _ in duplicates])
    return True
