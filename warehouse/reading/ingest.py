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

The database is opened only for that commit. Everything the import can decide alone (parsing,
validation, quarantine decisions, duplicates, content hashes) happens in a private stage file
(warehouse/reading/stage_file.py); the merge attaches it read-only and runs in one transaction. Pages
therefore wait for the merge, not for the import (benchmarks/import_latency.py).

Two paths, one set of rules
---------------------------
Measured on this machine before choosing (200k conversations, 500 MB canonical JSONL, quiet
machine): DuckDB's own `CREATE TABLE AS SELECT * FROM read_json(...)` 2.8 s; `json.loads` of
every line alone 1.5 s, so any per-record Python path is 3-4x the raw read before it has stored
anything. Hence:

* **fast path** (canonical JSONL in UTF-8, no redaction): DuckDB reads the file with an explicit
  all-text schema and normalises it in one `CREATE TABLE ... AS SELECT` in the stage file (`import_fast_stage`
  in warehouse/queries/ingest.sql),
  computing per row an `ok` flag: true only when SQL can *prove* the record valid and normalised
  exactly as the Python rules would (plain ISO 8601 timestamps, known lower-case roles,
  digits-only surveys in range, texts that contain a letter or digit and cannot have been a JSON
  number/boolean/object...). Rows that are not `ok` are not judged by SQL: their lines are
  fetched (one scan, no JSON parsing) and run through the Python validator, which accepts them
  (odd timestamp formats, upper-case roles) or quarantines them with its exact reason. When
  DuckDB refuses the file itself (malformed JSON, a value of the wrong JSON type, invalid UTF-8,
  a line over 32 MB) the whole file takes the Python path instead, so bad lines still get exact
  line numbers. The staging table is created outside any transaction (only committed rows have
  rowids in file order).
* **Python path** (every other format, encoding or case): records -> `validate.py` -> Arrow
  batches -> a staging table with the same columns as the fast path's.

Both paths end in the same SQL merge (`_merge`): duplicate rule, new/updated/unchanged,
delete-and-insert; the content hash is one SQL macro (`cs_content_hash`) applied to both
staging tables. The validation rules are therefore defined once (validate.py); the SQL `ok`
predicate only decides which rows need Python to look at them, and
tests/warehouse/test_ingest_paths.py proves both paths store identical rows (and quarantine
identical reasons) for a corpus of ~70 odd and bad records.

Measured with benchmarks/ingest.py, 1M demo conversations (1.85 GB, 8.8M messages), three
runs on a machine shared with other jobs (load average 6-19 on 2 cores): raw read_json CTAS
14.8 / 15.1 / 13.6 CPU-s, ingest_file 31.1 / 28.8 / 24.5 CPU-s: **2.1x / 1.9x / 1.8x in CPU
time**; wall clock 2.7x / 1.65x / 0.75x (dominated by whoever else was running); peak RSS
1.3 GB (raw read 1.0 GB); re-import of the same file (0 new) 7-90 s wall. The CPU above the
raw read is the price of two tables: the staging table (in memory up to MEMORY_LIMIT, then
spilled; 1600MB instead saves ~7% CPU but peaks at 1.7 GB RSS) plus writing conversations and
messages separately. Memory: neither path holds the file in Python; the Python path buffers `BATCH_SIZE`
conversations at a time; DuckDB is capped at MEMORY_LIMIT.
"""

from __future__ import annotations

import hashlib
import stat
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import duckdb

from canonical.importer import RawRecord
from warehouse import queries
from warehouse.autoscore import sampling_facts
from warehouse.errors import WarehouseError
from warehouse.reading.encoding import (
    NotTextError,
    TextSource,
    inspect,
    iter_lines,
    read_head,
    read_text,
)
from warehouse.reading.fast_jsonl import fast_read, fast_stage, jsonl_lookup
from warehouse.reading.import_report import ImportReport, QuarantinedRecord, now
from warehouse.reading.importers import registry
from warehouse.reading.stage_file import stage_file
from warehouse.reading.staging import (
    Lookup,
    ProgressCallback,
    QuarantineWriter,
    StageWriter,
    validated,
)
from warehouse.storage.connection import connect, make_private, transaction

__all__ = ["ImportReport", "ProgressCallback", "QuarantinedRecord", "ingest_file", "ingest_files"]

# DuckDB's cap while importing; staging spills to disk beyond it. At 1M conversations 1600MB gives
# 1.8x the raw read_json time at 1.69 GB peak RSS (1200MB: 2.2x, 1.32 GB; benchmarks/ingest.py).
MEMORY_LIMIT = "1600MB"
FAST_FORMAT = "canonical-jsonl"


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
    check_input_file(path)
    if format != registry.AUTO:
        registry.get(format)  # an unknown name is the caller's mistake: raise now
    report = ImportReport(file_name=path.name, path=str(path.resolve()))
    hasher = _FileHasher(path)
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
        _record_failed_import(db, report)
        return report
    report.format = importer.name
    try:
        _run_import(db, report, importer, source, hasher, progress, redact)
    except FormatReadError as error:  # found while staging: nothing reached the database
        _reset_counts(report)
        report.status, report.message = "failed", str(error)
        report.content_hash = hasher.result()
        _record_failed_import(db, report)
    return report


def _live(db: str | Path | duckdb.DuckDBPyConnection):
    """The database: opened now (waiting for its lock like every unit of work), unless given."""
    return connect(db) if isinstance(db, str | Path) else nullcontext(db)


def _database_path(db: str | Path | duckdb.DuckDBPyConnection) -> Path:
    """The database file, whose folder receives the stage (the temp folder for one in memory)."""
    if isinstance(db, str | Path):
        return Path(db).resolve()
    found = queries.value(db, "database_file")
    return Path(found).resolve() if found else Path(tempfile.gettempdir()) / "memory.duckdb"


class InputFileError(WarehouseError):
    """The path names no regular file: missing, a directory, a device (/dev/zero), a FIFO."""


def check_input_file(path: Path) -> None:
    """Refuse anything but a regular file (symlinks are followed) with a true message: reading
    /dev/zero or a FIFO would never end, and "no such file" would be a lie."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise InputFileError(f"no such file: {path}") from None
    except OSError as error:
        raise InputFileError(f"cannot read {path}: {error.strerror}") from None
    if stat.S_ISREG(mode):
        return
    kind = (
        "a directory" if stat.S_ISDIR(mode)
        else "a character device" if stat.S_ISCHR(mode)
        else "a block device" if stat.S_ISBLK(mode)
        else "a FIFO (named pipe)" if stat.S_ISFIFO(mode)
        else "a socket" if stat.S_ISSOCK(mode)
        else "not a regular file"
    )  # fmt: skip
    target = f" (a link to {path.resolve()})" if path.is_symlink() else ""
    raise InputFileError(
        f"not a regular file: {path}{target} is {kind}. Import an export file saved on disk"
    )


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


def _record_failed_import(db: str | Path | duckdb.DuckDBPyConnection, report: ImportReport) -> None:
    report.finished_at = now()
    with _live(db) as con, transaction(con):
        report.import_id = _next_import_id(con)
        _insert_import_row(con, report)


def _next_import_id(con: duckdb.DuckDBPyConnection) -> int:
    return int(queries.value(con, "import_next_id"))


def _insert_import_row(con: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
    message = report.message or ("; ".join(report.warnings) if report.warnings else None)
    queries.execute(
        con,
        "import_record",
        import_id=report.import_id,
        file_name=report.file_name,
        file_path=report.path,
        content_hash=report.content_hash,
        format=report.format,
        started_at=report.started_at,
        finished_at=report.finished_at,
        records_read=report.records_read,
        conversations_new=report.new,
        conversations_updated=report.updated,
        conversations_unchanged=report.unchanged,
        quarantined=report.quarantined,
        status=report.status,
        message=message,
    )


def _run_import(
    db: str | Path | duckdb.DuckDBPyConnection,
    report: ImportReport,
    importer: Any,
    source: TextSource,
    hasher: _FileHasher,
    progress: ProgressCallback | None,
    redact: bool,
) -> None:
    """Stage the file in a private stage file without opening the database, then merge it in
    one short transaction (warehouse/reading/stage_file.py says why)."""
    tick = progress or (lambda done, total: None)
    tick(0, source.size)
    with stage_file(_database_path(db)) as stage_path:
        stage = duckdb.connect(str(stage_path))
        try:
            make_private(stage_path)
            queries.execute(stage, "set_memory_limit", limit=MEMORY_LIMIT)  # spills beyond
            dropped = _stage(stage, report, importer, source, tick, redact)
        finally:
            stage.close()
        report.warnings.extend(source.warnings)
        report.content_hash = hasher.result()
        with _live(db) as con:
            _merge_stage(con, stage_path, report, dropped)
    tick(source.size, source.size)


def _stage(
    stage: duckdb.DuckDBPyConnection,
    report: ImportReport,
    importer: Any,
    source: TextSource,
    tick: ProgressCallback,
    redact: bool,
) -> bool:
    """Everything an import decides without the database: the `staged` rows, refused records
    and dropped duplicates (`quarantine_rows`, `dropped_ords`). True if there were duplicates.

    The fast path's table is created outside any transaction, so its rowids are in file order."""
    fast = importer.name == FAST_FORMAT and source.encoding == "utf-8" and not redact
    if fast:
        fast = fast_read(stage, report, source)
    quarantine = QuarantineWriter(stage, report, redact)
    if fast:
        fast_stage(stage, report, source, quarantine, tick)
        lookup = jsonl_lookup(source)
    else:
        _python_stage(stage, report, importer, source, quarantine, tick, redact)
        lookup = _record_lookup(importer, source)
    dropped = _quarantine_duplicates(stage, quarantine, lookup)
    quarantine.flush()
    return dropped


def _merge_stage(
    con: duckdb.DuckDBPyConnection, stage_path: Path, report: ImportReport, dropped: bool
) -> None:
    """The only part of an import that holds the database: one transaction, all or nothing."""
    previous_limit = queries.value(con, "import_memory_limit")
    queries.execute(con, "set_memory_limit", limit=MEMORY_LIMIT)
    queries.execute(con, "import_attach_stage", path=str(stage_path))
    try:
        queries.execute(con, "import_staged_from_stage")
        with transaction(con):
            report.import_id = _next_import_id(con)
            _merge(con, report, dropped)
            if report.quarantined:
                queries.execute(
                    con,
                    "import_copy_quarantine",
                    import_id=report.import_id,
                    file_name=report.file_name,
                )
            _forget_known_refusals(con, report)
            report.status = "done"
            report.finished_at = now()
            _insert_import_row(con, report)
            _audit(con, report)
    finally:
        _drop_staging(con)
        queries.execute(con, "import_detach_stage")
        queries.execute(con, "set_memory_limit", limit=previous_limit)


def _forget_known_refusals(con: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
    """Re-importing a file changes nothing: records it refused before are not quarantined twice."""
    params = {"import_id": report.import_id, "content_hash": report.content_hash}
    report.already_quarantined = int(queries.value(con, "import_known_refusal_count", **params))
    if report.already_quarantined:
        queries.execute(con, "import_forget_known_refusals", **params)


def _audit(con: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
    try:
        from warehouse.access import audit
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
    queries.execute(con, "import_drop_staging")


# ---------------------------------------------------------------------------------------------
# Python path


def read_records(importer: Any, source: TextSource, tick: ProgressCallback) -> Iterator[RawRecord]:
    """Every record of the file through `importer`, streamed where the format allows."""
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
    quarantine: QuarantineWriter,
    tick: ProgressCallback,
    redact: bool,
) -> None:
    report.engine = "python"
    queries.execute(con, "import_content_hash_macro")
    stage = StageWriter(con)
    records = read_records(importer, source, tick)
    ord_ = 0
    while True:
        try:
            record = next(records)
        except StopIteration:
            break
        except (
            ValueError,
            KeyError,
            TypeError,
            AttributeError,
            IndexError,
            UnicodeError,
            RecursionError,
        ) as error:
            # A format module must refuse bad records itself; if it crashes instead, the file
            # is not imported at all and the user sees where, not a traceback.
            raise FormatReadError(
                f"the {importer.name} reader stopped after record {ord_} "
                f"({type(error).__name__}: {error}); nothing from this file was imported"
            ) from error
        ord_ += 1
        report.records_read = ord_
        accepted = validated(record, quarantine, redact)
        if accepted is not None:
            stage.add(ord_, record.position, accepted)
    stage.flush()
    queries.execute(con, "import_staged_view_python")


# ---------------------------------------------------------------------------------------------
# looking records up again by ordinal (for duplicates and rows SQL could not vouch for)


def _record_lookup(importer: Any, source: TextSource) -> Lookup:
    def lookup(ords: set[int]) -> Iterator[tuple[int, str, str]]:
        if not ords:
            return
        last = max(ords)
        for ord_, record in enumerate(read_records(importer, source, _no_tick), 1):
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


def _merge(con: duckdb.DuckDBPyConnection, report: ImportReport, dropped: bool) -> None:
    queries.execute(con, "import_merge_plan")
    counts = dict(queries.rows(con, "import_merge_outcomes"))
    report.new = int(counts.get("new", 0))
    report.updated = int(counts.get("updated", 0))
    report.unchanged = int(counts.get("unchanged", 0))
    if report.new + report.updated == 0:
        return
    if report.updated:
        queries.execute(con, "import_delete_replaced")
    # The common case (a first import without duplicates) needs no join at all.
    if report.unchanged == 0 and not dropped:
        conversations, messages = "import_insert_all_conversations", "import_insert_all_messages"
    else:
        conversations = "import_insert_changed_conversations"
        messages = "import_insert_changed_messages"
    queries.execute(con, conversations, format=report.format, import_id=report.import_id, now=now())
    queries.execute(con, messages)
    if report.updated:  # replaced conversations keep their score: their sampling facts change
        sampling_facts.refresh_after_import(con, report.import_id)


def _quarantine_duplicates(
    con: duckdb.DuckDBPyConnection, quarantine: QuarantineWriter, lookup: Lookup
) -> bool:
    """Quarantine all but the last record of every id seen twice; True if there were any."""
    queries.execute(con, "import_dropped_create")  # the merge plan reads it, empty or not
    duplicates = queries.rows(con, "import_duplicate_records")
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
    queries.execute(con, "import_dropped_add", ords=[int(o) for o, _, _ in duplicates])
    return True
