"""Short-lived DuckDB connections that never lock other processes out for long.

DuckDB allows one read-write process per file. The CLI and the dashboard therefore never keep a
connection open: each unit of work opens the file, does its work and closes it, and a process
that finds the file locked retries with back-off for up to `wait_seconds` before raising
`DatabaseBusyError` (the dashboard shows "an import is running, try again"). Every connection in
a process is opened with the same configuration (read-write), because DuckDB refuses two
different configurations for one file in one process. Opening also applies pending migrations.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse import queries
from warehouse.errors import DatabaseBusyError
from warehouse.migrations import migrate

WAIT_ENV_VAR = "CORNERSTONE_DB_WAIT_SECONDS"
DEFAULT_WAIT_SECONDS = 30.0
_LOCK_MARKERS = ("Could not set lock", "Conflicting lock", "lock on file")
# A hash join pushes up to this many build-side keys into the probe scan as an IN filter, so
# row groups of the big tables holding none of them are skipped (DuckDB's default is 50). Joins of
# a few hundred queued/reviewed conversations to 1M conversations: ~265 ms -> ~50 ms.
DYNAMIC_FILTER_KEYS = 1000
_migrated: set[str] = set()
_migrate_guard = threading.Lock()
# Locks a connection holds until its transaction ends (see `hold_until_transaction_end`).
_held_locks: dict[int, list[threading.RLock]] = {}
# One write transaction at a time in this process. DuckDB lets several connections of one process
# write at once and fails the later of two that touch the same row ("Conflict on update!"); the
# dashboard's writes take milliseconds, so queueing them costs nothing and no user sees a
# conflict. Across processes DuckDB's file lock already admits one writer. The audit chain
# (warehouse/access/audit.py) relies on it: two appends can never extend the same entry.
WRITE_LOCK = threading.RLock()


def make_private(path: Path) -> None:
    """Owner-only access (0600) for a file holding transcripts or password hashes.

    Files of another owner are left alone (the operator chose them); a missing file is fine.
    """
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
    except (FileNotFoundError, PermissionError):
        pass


def _is_lock_error(error: Exception) -> bool:
    return any(marker in str(error) for marker in _LOCK_MARKERS)


def _open(path: Path, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait_seconds
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(path))
        except duckdb.IOException as error:
            if not _is_lock_error(error) or time.monotonic() >= deadline:
                if _is_lock_error(error):
                    raise DatabaseBusyError(
                        f"{path} is in use by another process (an import or scoring run?). "
                        f"Waited {wait_seconds:.0f}s; try again when it has finished."
                    ) from error
                raise
            time.sleep(delay + random.random() * delay)
            delay = min(delay * 2, 0.5)


@contextmanager
def connect(
    db_path: str | Path, wait_seconds: float | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open `db_path` (created and migrated on first use), yield a connection, always close it.

    A locked file is retried for `wait_seconds` (default: $CORNERSTONE_DB_WAIT_SECONDS or 30)."""
    if wait_seconds is None:
        wait_seconds = float(os.environ.get(WAIT_ENV_VAR) or DEFAULT_WAIT_SECONDS)
    path = Path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # a new folder: owner only
    con = _open(path, wait_seconds)
    try:
        make_private(path)  # DuckDB creates files with the process umask (often world-readable)
        queries.execute(con, "set_dynamic_filter_threshold", keys=DYNAMIC_FILTER_KEYS)
        key = str(path.resolve())
        if key not in _migrated:
            with _migrate_guard:
                migrate(con)
                _migrated.add(key)
        yield con
    finally:
        _release_held(con)
        make_private(path.with_name(path.name + ".wal"))
        con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All-or-nothing: commit on success, roll back on any exception (Ctrl-C included).

    Holds this process's WRITE_LOCK from before BEGIN (so the transaction sees every write
    committed before it) until COMMIT or ROLLBACK."""
    hold_until_transaction_end(con, WRITE_LOCK)
    try:
        con.begin()
    except BaseException:
        _release_held(con)
        raise
    try:
        yield con
    except BaseException:
        try:
            con.rollback()
        finally:
            _release_held(con)
        raise
    try:
        con.commit()
    finally:
        _release_held(con)


def in_transaction(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether `con` is inside an explicit transaction (two statements share a transaction id
    only inside one; in autocommit mode each statement gets its own)."""
    first = queries.value(con, "transaction_id")
    return queries.value(con, "transaction_id") == first


def hold_until_transaction_end(
    con: duckdb.DuckDBPyConnection, lock: threading.RLock, wait_seconds: float = 30.0
) -> None:
    """Acquire `lock` for the rest of `con`'s transaction: released at COMMIT or ROLLBACK by
    `transaction()`, or when the connection closes. Serialises writers inside one process
    (DuckDB lets several connections of a process write concurrently)."""
    held = _held_locks.setdefault(id(con), [])
    if any(h is lock for h in held):
        return
    if not lock.acquire(timeout=wait_seconds):
        raise DatabaseBusyError(
            f"Another write in this process held the lock for {wait_seconds:.0f}s; try again."
        )
    held.append(lock)


def _release_held(con: duckdb.DuckDBPyConnection) -> None:
    for lock in reversed(_held_locks.pop(id(con), [])):
        lock.release()
