"""Short-lived DuckDB connections that never lock other processes out for long.

DuckDB allows one read-write process per file. The CLI and the dashboard therefore never keep a
connection open: each unit of work opens the file, does its work and closes it, and a process
that finds the file locked retries with back-off for up to `wait_seconds` before raising
`DatabaseBusyError` (the dashboard shows "an import is running, try again"). Every connection in
a process is opened with the same configuration (read-write), because DuckDB refuses two
different configurations for one file in one process. Opening also applies pending migrations.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse.errors import DatabaseBusyError
from warehouse.migrations import migrate

_LOCK_MARKERS = ("Could not set lock", "Conflicting lock", "lock on file")
# A hash join pushes up to this many build-side keys into the probe scan as an IN filter, so
# row groups of the big tables holding none of them are skipped (DuckDB's default is 50). Joins of
# a few hundred queued/reviewed conversations to 1M conversations: ~265 ms -> ~50 ms.
DYNAMIC_FILTER_KEYS = 1000
_migrated: set[str] = set()
_migrate_guard = threading.Lock()


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
def connect(db_path: str | Path, wait_seconds: float = 30.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open `db_path` (created and migrated on first use), yield a connection, always close it."""
    path = Path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # a new folder: owner only
    con = _open(path, wait_seconds)
    try:
        make_private(path)  # DuckDB creates files with the process umask (often world-readable)
        con.execute(f"SET dynamic_or_filter_threshold = {DYNAMIC_FILTER_KEYS}")
        key = str(path.resolve())
        if key not in _migrated:
            with _migrate_guard:
                migrate(con)
                _migrated.add(key)
        yield con
    finally:
        make_private(path.with_name(path.name + ".wal"))
        con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All-or-nothing: commit on success, roll back on any exception (Ctrl-C included)."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
