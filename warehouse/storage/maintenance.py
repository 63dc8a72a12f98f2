"""Health check, backup and restore of the DuckDB file, safe while the dashboard runs.

They keep to the rule every process here follows (README "Architecture"): the file is opened
only for the moment of one unit of work, and a process that finds it locked waits with back-off.

- `check_health` opens the file read-only and checks it is a Cornerstone QA database at the
  schema version this release expects; it never migrates or writes.
- `backup` opens the file read-only, which holds DuckDB's shared lock: no process can write
  while the file (and a write-ahead log, if a crashed writer left one) is copied, so the copy is
  one consistent state. Dashboard requests made meanwhile wait for it, as they wait for an
  import. The copy is folded into one self-contained file, checked, and only then renamed to
  its final name: a failed backup leaves no half-written file behind.
- `restore` first checks the backup (it opens, it is at a schema version this release can
  use, every row of every table reads back), migrates a copy of it beside the target, waits for
  the target to be free, and swaps the files in one rename. It refuses to replace an existing
  database unless told to (`force`).
"""

from __future__ import annotations

import os
import random
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from warehouse import queries
from warehouse.errors import DatabaseBusyError, WarehouseError
from warehouse.migrations import available
from warehouse.storage.connection import _is_lock_error, connect, make_private

REQUIRED_TABLES = ("schema_migrations", "conversations", "messages", "users")


class MaintenanceError(WarehouseError):
    """A backup or restore that cannot be done as asked; nothing was changed."""


@dataclass(frozen=True)
class DatabaseFacts:
    path: Path
    schema_version: int
    rows: dict[str, int] = field(default_factory=dict)  # table -> row count
    size_bytes: int = 0

    def summary(self) -> str:
        rows = self.rows
        return (
            f"schema version {self.schema_version}, {rows.get('conversations', 0):,} "
            f"conversations, {rows.get('messages', 0):,} messages, {rows.get('users', 0):,} "
            f"accounts, {_size(self.size_bytes)}"
        )


@dataclass(frozen=True)
class Health:
    ok: bool
    message: str


def newest_schema_version() -> int:
    shipped = available()
    return shipped[-1][0] if shipped else 0


@contextmanager
def open_read_only(path: Path, wait_seconds: float) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection (DuckDB's shared lock), waiting with back-off while a writer
    holds the file. Use it in a process that opens this file no other way."""
    deadline = time.monotonic() + wait_seconds
    delay = 0.02
    while True:
        try:
            con = duckdb.connect(str(path), read_only=True)
            break
        except duckdb.IOException as error:
            if not _is_lock_error(error):
                raise
            if time.monotonic() >= deadline:
                raise DatabaseBusyError(
                    f"{path} is in use by another process (an import or scoring run?). "
                    f"Waited {wait_seconds:.0f}s; try again when it has finished."
                ) from error
            time.sleep(delay + random.random() * delay)
            delay = min(delay * 2, 0.5)
    try:
        yield con
    finally:
        con.close()


def _facts(con: duckdb.DuckDBPyConnection, path: Path, *, scan: bool) -> DatabaseFacts:
    """Schema version and row counts; with `scan`, every column of every row is read (DuckDB
    verifies each block's checksum as it reads it), so a damaged file fails here."""
    tables = [name for (name,) in queries.rows(con, "database_tables")]
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        raise MaintenanceError(
            f"{path} is not a Cornerstone QA database (no {', '.join(missing)} table)"
        )
    version = queries.value(con, "schema_version")
    rows = {}
    for table in tables:
        # Built here, not a named query: a table name is an identifier, which SQL parameters
        # cannot supply; the names come from the catalog query above, quoted.
        quoted = '"' + table.replace('"', '""') + '"'
        if scan:
            query = f"SELECT count(*), bit_xor(hash(t)) FROM {quoted} AS t"  # noqa: S608
        else:
            query = f"SELECT count(*), 0 FROM {quoted}"  # noqa: S608 (names from the catalog)
        count, _ = con.execute(query).fetchall()[0]
        rows[table] = int(count)
    return DatabaseFacts(path, int(version), rows, _file_size(path))


def _file_size(path: Path) -> int:
    size = path.stat().st_size if path.exists() else 0
    wal = _wal(path)
    return size + (wal.stat().st_size if wal.exists() else 0)


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _size(count: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:,} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count:.1f} GB"


def check_health(path: str | Path, wait_seconds: float = 10.0) -> Health:
    """Is `path` a Cornerstone QA database this release can serve? Read-only; never raises for
    a problem with the file, it reports it."""
    path = Path(path)
    if not path.is_file():
        return Health(False, f"no database at {path} (create it with `qa ingest` or `qa demo`)")
    newest = newest_schema_version()
    try:
        with open_read_only(path, wait_seconds) as con:
            facts = _facts(con, path, scan=False)
    except DatabaseBusyError as error:
        return Health(False, str(error))
    except MaintenanceError as error:
        return Health(False, str(error))
    except duckdb.Error as error:
        first_line = (
            str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        )
        return Health(False, f"{path} cannot be opened as a DuckDB database: {first_line}")
    if facts.schema_version > newest:
        return Health(
            False,
            f"{path} has schema version {facts.schema_version}, newer than this release "
            f"({newest}): upgrade Cornerstone QA",
        )
    if facts.schema_version < newest:
        return Health(
            False,
            f"{path} has schema version {facts.schema_version}, this release expects {newest}: "
            "the next `qa ingest`, `qa score` or dashboard request migrates it",
        )
    return Health(True, f"ok: {path}: {facts.summary()}")


def inspect_backup(path: str | Path) -> DatabaseFacts:
    """Check that `path` is a complete, readable Cornerstone QA database this release can use;
    raise MaintenanceError saying what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise MaintenanceError(f"no backup file at {path}")
    try:
        with open_read_only(path, wait_seconds=5.0) as con:
            facts = _facts(con, path, scan=True)
    except MaintenanceError:
        raise
    except DatabaseBusyError as error:
        raise MaintenanceError(str(error)) from None
    except duckdb.Error as error:
        text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise MaintenanceError(f"{path} is not a readable DuckDB database: {text}") from None
    newest = newest_schema_version()
    if facts.schema_version > newest:
        raise MaintenanceError(
            f"{path} has schema version {facts.schema_version}, newer than this release "
            f"({newest}): restore it with the release that made it"
        )
    return facts


def _temporary_beside(target: Path, purpose: str) -> Path:
    return target.with_name(f".{target.name}.{purpose}-{os.getpid()}")


def _remove(path: Path) -> None:
    for candidate in (path, _wal(path)):
        with suppress(FileNotFoundError):
            candidate.unlink()


def backup(
    db_path: str | Path, out: str | Path, *, force: bool = False, wait_seconds: float = 60.0
) -> DatabaseFacts:
    """Copy the database at `db_path` to `out` (a DuckDB file) while other processes keep
    using it; return what the checked copy holds."""
    source, out = Path(db_path), Path(out)
    if not source.is_file():
        raise MaintenanceError(f"no database at {source}")
    if out.exists() and out.resolve() == source.resolve():
        raise MaintenanceError("the backup file must not be the database itself")
    if out.exists() and not force:
        raise MaintenanceError(f"{out} already exists: choose another name or pass --force")
    out.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = _temporary_beside(out, "backup")
    _remove(temporary)
    try:
        with open_read_only(source, wait_seconds) as con:  # shared lock: nobody writes now
            expected = _facts(con, source, scan=False)
            shutil.copyfile(source, temporary)
            make_private(temporary)  # a backup holds the same transcripts and password hashes
            if _wal(source).exists():  # left by a writer that crashed: part of the state
                shutil.copyfile(_wal(source), _wal(temporary))
        if _wal(temporary).exists():
            with duckdb.connect(str(temporary)) as folded:  # replay the log into the copy
                folded.checkpoint()
        copied = inspect_backup(temporary)
        if copied.rows != expected.rows:
            raise MaintenanceError(
                f"the copy of {source} does not match it (row counts differ); nothing was kept"
            )
        os.replace(temporary, out)
    finally:
        _remove(temporary)
    return DatabaseFacts(out, copied.schema_version, copied.rows, _file_size(out))


def restore(
    backup_path: str | Path,
    db_path: str | Path,
    *,
    force: bool = False,
    wait_seconds: float = 60.0,
) -> DatabaseFacts:
    """Replace the database at `db_path` with the backup at `backup_path` (checked first)."""
    source, target = Path(backup_path), Path(db_path)
    if target.exists() and source.exists() and source.resolve() == target.resolve():
        raise MaintenanceError("the backup file is the database itself")
    facts = inspect_backup(source)
    if target.exists() and not force:
        raise MaintenanceError(
            f"{target} exists and would be replaced: pass --force to replace it "
            "(`qa backup` it first if you may want it back)"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary_beside(target, "restore")
    _remove(temporary)
    try:
        shutil.copyfile(source, temporary)
        with connect(temporary):  # brings an older backup up to this release's schema
            pass
        if target.exists():
            # wait until no unit of work holds the target, and leave no write-ahead log that
            # could be replayed onto the restored file
            with connect(target, wait_seconds=wait_seconds) as con:
                con.checkpoint()
            if _wal(target).exists():
                raise MaintenanceError(
                    f"{_wal(target)} is still present after a checkpoint; nothing was replaced"
                )
        os.replace(temporary, target)
    finally:
        _remove(temporary)
    return DatabaseFacts(
        target, max(facts.schema_version, newest_schema_version()), facts.rows, _file_size(target)
    )
