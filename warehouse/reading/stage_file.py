"""The private DuckDB file an import is staged in before its one short merge into the database.

DuckDB admits one read-write process per file, so a process that held the database for a whole
import (reading, validating and hashing a million conversations) kept every page waiting. An
import therefore stages everything it can decide alone (parsed rows, quarantine decisions,
duplicates, content hashes) into a file of its own, in a folder next to the database that only
its owner may enter (0700; the file 0600), and opens the database only for the merge.

The folder is named after the database and the importing process
(`.cornerstone.duckdb.import-<pid>-<random>`). It is removed when the import ends, whether it
succeeded, failed or was interrupted; one left behind by a killed process (kill -9 runs no
clean-up) is removed by the next import into the same folder, once that process is gone.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STAGE_FILE_NAME = "stage.duckdb"


def _prefix(db_path: Path) -> str:
    return f".{db_path.name}.import-"


@contextmanager
def stage_file(db_path: Path) -> Iterator[Path]:
    """Yield the path of a new, private stage file for an import into `db_path`; remove it (and
    DuckDB's spill files) afterwards."""
    folder = db_path.parent
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    remove_abandoned_stages(db_path)
    work = Path(tempfile.mkdtemp(prefix=f"{_prefix(db_path)}{os.getpid()}-", dir=folder))
    try:
        yield work / STAGE_FILE_NAME
    finally:
        shutil.rmtree(work, ignore_errors=True)


def remove_abandoned_stages(db_path: Path) -> list[Path]:
    """Remove stage folders of `db_path` whose process no longer runs; return them."""
    removed = []
    for path in db_path.parent.glob(_prefix(db_path) + "*"):
        pid_text = path.name[len(_prefix(db_path)) :].split("-", 1)[0]
        if not pid_text.isdigit() or _running(int(pid_text)):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive, and not ours to clean up
        return True
    return True
