"""An import is staged outside the database and merged in one short transaction (issue 18, item 7):
pages can read while a file is staged, the stage is private and never outlives its import, and a
killed import leaves the old state, which a re-run turns into the same state as one clean run."""

from __future__ import annotations

import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.warehouse.test_ingest import ROOT, conversation, snapshot, write_jsonl
from warehouse.reading import ingest
from warehouse.storage.connection import connect


def stages(db_path: Path) -> list[Path]:
    return sorted(db_path.parent.glob(f".{db_path.name}.import-*"))


def stored_conversations(db_path: Path, wait_seconds: float = 30) -> list[tuple]:
    with connect(db_path, wait_seconds=wait_seconds) as con:
        return con.execute(
            "SELECT conversation_id, content_hash FROM conversations ORDER BY 1"
        ).fetchall()


def test_the_database_stays_readable_while_an_import_is_staged_and_a_killed_import_changes_nothing(
    tmp_path, db_path
):
    ingest.ingest_file(db_path, write_jsonl(tmp_path / "first.jsonl", [conversation("keep")]))
    before = snapshot(db_path)
    records = [conversation(f"c{i}") for i in range(20000)] + [conversation("keep", "changed")]
    path = write_jsonl(tmp_path / "big.jsonl", records)
    script = textwrap.dedent(
        f"""
        import time
        from warehouse.reading import ingest
        def progress(done, total):
            if 0 < done < total:
                print("MIDWAY", flush=True)
                time.sleep(60)
        ingest.FAST_FORMAT = "(none)"  # the Python path reports progress line by line
        ingest.ingest_file({str(db_path)!r}, {str(path)!r}, progress=progress)
        """
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "MIDWAY"
        # Another process (a page) opens the database at once: the import does not hold it.
        assert stored_conversations(db_path, wait_seconds=0) == [
            row for row in stored_conversations(db_path) if row[0] == "keep"
        ]
        assert len(stages(db_path)) == 1
    finally:
        child.kill()  # SIGKILL: no clean-up runs in the child
        child.wait()
    assert snapshot(db_path) == before
    assert len(stages(db_path)) == 1  # left behind by the killed process...

    report = ingest.ingest_file(db_path, path)
    assert stages(db_path) == []  # ...and removed by the next import
    assert (report.new, report.updated) == (20000, 1)
    clean = tmp_path / "clean" / "clean.duckdb"
    ingest.ingest_file(clean, tmp_path / "first.jsonl")
    ingest.ingest_file(clean, path)
    assert stored_conversations(db_path) == stored_conversations(clean)


def test_the_stage_is_private_and_removed_after_an_import_and_after_an_interruption(
    tmp_path, db_path
):
    path = write_jsonl(tmp_path / "some.jsonl", [conversation(f"c{i}") for i in range(3000)])
    seen = []

    def look(done: int, total: int) -> None:
        for folder in stages(db_path):
            stage = folder / "stage.duckdb"
            seen.append((stat.S_IMODE(folder.stat().st_mode), stat.S_IMODE(stage.stat().st_mode)))

    ingest.ingest_file(db_path, path, progress=look)
    assert seen and set(seen) == {(0o700, 0o600)}
    assert stages(db_path) == []
    before = snapshot(db_path)

    def interrupt(done: int, total: int) -> None:
        if 0 < done < total:
            raise KeyboardInterrupt

    changed = write_jsonl(tmp_path / "changed.jsonl", [conversation("c1", "new text")] * 2)
    with pytest.raises(KeyboardInterrupt):
        ingest.ingest_file(db_path, path.rename(tmp_path / "again.jsonl"), progress=interrupt)
    assert stages(db_path) == [] and snapshot(db_path) == before
    report = ingest.ingest_file(db_path, changed)  # duplicates are decided in the stage too
    assert (report.updated, report.quarantined) == (1, 1) and stages(db_path) == []


def test_a_kill_during_the_merge_leaves_the_old_state_and_a_rerun_completes_it(tmp_path, db_path):
    ingest.ingest_file(db_path, write_jsonl(tmp_path / "first.jsonl", [conversation("keep")]))
    before = snapshot(db_path)
    records = [conversation(f"c{i}") for i in range(5000)] + [conversation("keep", "changed")]
    path = write_jsonl(tmp_path / "big.jsonl", records)
    script = textwrap.dedent(
        f"""
        import time
        from warehouse.reading import ingest
        from warehouse import queries
        run = queries.execute
        def execute(con, name, **params):
            result = run(con, name, **params)
            if name.startswith("import_insert_") and name.endswith("_messages"):
                print("MERGING", flush=True)  # conversations and messages written, not committed
                time.sleep(60)
            return result
        ingest.queries.execute = execute
        ingest.ingest_file({str(db_path)!r}, {str(path)!r})
        """
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "MERGING"
    finally:
        child.kill()
        child.wait()
    assert snapshot(db_path) == before
    ingest.ingest_file(db_path, path)
    clean = tmp_path / "clean" / "clean.duckdb"
    ingest.ingest_file(clean, tmp_path / "first.jsonl")
    ingest.ingest_file(clean, path)
    assert stored_conversations(db_path) == stored_conversations(clean)
    assert stages(db_path) == []
