"""`qa health`, `qa backup`, `qa restore` on real DuckDB files, including while another process
writes to the database the way the dashboard and imports do (one unit of work at a time)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from cornerstone.cli import main
from warehouse.migrations import available
from warehouse.storage.connection import connect
from warehouse.storage.maintenance import (
    MaintenanceError,
    backup,
    check_health,
    inspect_backup,
    newest_schema_version,
    restore,
)

ROOT = Path(__file__).resolve().parents[2]


def _database(path: Path, rows: int = 3) -> Path:
    with connect(path) as con:
        con.execute("CREATE TABLE IF NOT EXISTS probe (n INTEGER, note VARCHAR)")
        con.execute("INSERT INTO probe SELECT range, 'row ' || range FROM range($n)", {"n": rows})
    return path


def _probe(path: Path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT * FROM probe ORDER BY n").fetchall()


def _set_schema_version(path: Path, version: int) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("DELETE FROM schema_migrations WHERE version > $v", {"v": version})
        if version > newest_schema_version():
            con.execute("INSERT INTO schema_migrations (version, name) VALUES ($v, 'future')",
                        {"v": version})  # fmt: skip


def test_health_reports_ok_with_the_schema_version(db_path):
    _database(db_path)
    health = check_health(db_path)
    assert health.ok
    assert f"schema version {newest_schema_version()}" in health.message
    assert "0 conversations" in health.message


def test_health_names_each_problem_plainly(tmp_path):
    missing = check_health(tmp_path / "nope.duckdb")
    assert not missing.ok and "no database at" in missing.message
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"not a database at all")
    broken = check_health(junk)
    assert not broken.ok and "cannot be opened as a DuckDB database" in broken.message
    foreign = tmp_path / "foreign.duckdb"
    duckdb.connect(str(foreign)).close()
    other = check_health(foreign)
    assert not other.ok and "not a Cornerstone QA database" in other.message
    old = _database(tmp_path / "old.duckdb")
    previous = available()[-2][0]  # numbers may have gaps
    _set_schema_version(old, previous)
    older = check_health(old)
    assert not older.ok and "migrates it" in older.message
    assert _schema_version(old) == previous  # health never migrates
    new = _database(tmp_path / "new.duckdb")
    _set_schema_version(new, 999)
    newer = check_health(new)
    assert not newer.ok and "newer than this release" in newer.message


def _schema_version(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT max(version) FROM schema_migrations").fetchall()[0][0]


HOLDER = textwrap.dedent(
    """
    import sys
    from warehouse.storage.connection import connect
    with connect(sys.argv[1]):   # a long unit of work in another process (an import, say)
        print("holding", flush=True)
        sys.stdin.read()
    """
)


def test_health_waits_for_a_writer_then_says_busy(db_path):
    _database(db_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        started = time.monotonic()
        health = check_health(db_path, wait_seconds=0.5)
        assert time.monotonic() - started >= 0.5
    finally:
        holder.communicate("", timeout=60)
    assert not health.ok and "in use by another process" in health.message
    assert check_health(db_path).ok


def test_backup_is_a_checked_copy_and_never_overwrites_by_accident(db_path, tmp_path):
    _database(db_path, rows=50)
    out = tmp_path / "backups" / "b.duckdb"
    facts = backup(db_path, out)
    assert facts.rows["probe"] == 50
    assert _probe(out) == _probe(db_path)
    assert inspect_backup(out).schema_version == newest_schema_version()
    with pytest.raises(MaintenanceError, match="already exists"):
        backup(db_path, out)
    with pytest.raises(MaintenanceError, match="must not be the database itself"):
        backup(db_path, db_path, force=True)
    assert backup(db_path, out, force=True).rows["probe"] == 50
    assert sorted(p.name for p in out.parent.iterdir()) == ["b.duckdb"]  # no temporary left


WRITER = textwrap.dedent(
    """
    import sys
    from warehouse.storage.connection import connect
    path, count = sys.argv[1], int(sys.argv[2])
    for n in range(count):
        with connect(path, wait_seconds=30) as con:   # one unit of work, like a page's write
            con.execute("INSERT INTO probe VALUES ($n, 'written while backing up')", {"n": 1000 + n})
    print("done", count)
    """
)


def test_backups_taken_while_another_process_writes_are_consistent(db_path, tmp_path):
    _database(db_path, rows=10)
    writes = 40
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path), str(writes)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    taken = []
    try:
        while writer.poll() is None and len(taken) < 5:
            out = tmp_path / f"b{len(taken)}.duckdb"
            taken.append((out, backup(db_path, out, wait_seconds=30).rows["probe"]))
    finally:
        stdout, stderr = writer.communicate(timeout=120)
    assert writer.returncode == 0, stderr  # the writer never failed: it waited for the backups
    assert stdout.strip() == f"done {writes}"
    assert len(taken) >= 2
    for out, count in taken:
        rows = _probe(out)
        assert len(rows) == count  # each backup is one state: the rows written before it
        assert [n for n, _ in rows] == list(range(10)) + list(range(1000, 1000 + count - 10))
    assert len(_probe(db_path)) == 10 + writes


def test_restore_checks_the_backup_and_replaces_only_with_force(db_path, tmp_path):
    _database(db_path, rows=5)
    saved = tmp_path / "saved.duckdb"
    backup(db_path, saved)
    with connect(db_path) as con:
        con.execute("DELETE FROM probe WHERE n < 3")
    with pytest.raises(MaintenanceError, match="pass --force"):
        restore(saved, db_path)
    assert len(_probe(db_path)) == 2  # untouched
    facts = restore(saved, db_path, force=True)
    assert facts.rows["probe"] == 5
    assert _probe(db_path) == _probe(saved)
    assert check_health(db_path).ok
    fresh = tmp_path / "new" / "restored.duckdb"
    restore(saved, fresh)  # no database there yet: no --force needed
    assert len(_probe(fresh)) == 5
    assert sorted(p.name for p in db_path.parent.iterdir() if p.name.startswith(".")) == []


def test_restore_refuses_damaged_foreign_and_newer_backups_and_changes_nothing(db_path, tmp_path):
    _database(db_path, rows=2000)
    good = tmp_path / "good.duckdb"
    backup(db_path, good)
    size = good.stat().st_size
    truncated = tmp_path / "truncated.duckdb"
    truncated.write_bytes(good.read_bytes()[: size // 2])
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"\0" * 4096)
    foreign = tmp_path / "foreign.duckdb"
    with duckdb.connect(str(foreign)) as con:
        con.execute("CREATE TABLE t (x INTEGER)")
    newer = tmp_path / "newer.duckdb"
    shutil.copyfile(good, newer)
    _set_schema_version(newer, 999)
    before = _probe(db_path)
    for bad, reason in [
        (truncated, "not a readable DuckDB database"),
        (junk, "not a readable DuckDB database"),
        (foreign, "not a Cornerstone QA database"),
        (newer, "newer than this release"),
        (tmp_path / "missing.duckdb", "no backup file"),
    ]:
        with pytest.raises(MaintenanceError, match=reason):
            restore(bad, db_path, force=True)
        assert _probe(db_path) == before, bad


def test_restore_brings_an_older_backup_to_the_current_schema(tmp_path):
    old = tmp_path / "old.duckdb"
    with duckdb.connect(str(old)) as con:  # a database made by the previous release
        con.execute(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
            " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
        )
        for number, name, sql in available()[:-1]:
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [number, name]
            )
    assert inspect_backup(old).schema_version == available()[-2][0]
    target = tmp_path / "restored.duckdb"
    restore(old, target)
    assert _schema_version(target) == newest_schema_version()
    assert check_health(target).ok


def test_cli_health_backup_restore(db_path, tmp_path, capsys):
    assert main(["health", "--db", str(tmp_path / "none.duckdb")]) == 1
    assert "unhealthy: no database at" in capsys.readouterr().err
    _database(db_path)
    assert main(["health", "--db", str(db_path)]) == 0
    assert capsys.readouterr().out.startswith("ok: ")
    out = tmp_path / "b.duckdb"
    assert main(["backup", str(out), "--db", str(db_path)]) == 0
    assert "backup written:" in capsys.readouterr().out
    assert main(["backup", str(out), "--db", str(db_path)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["restore", str(out), "--db", str(db_path)]) == 2
    assert "pass --force" in capsys.readouterr().err
    assert main(["restore", str(out), "--db", str(db_path), "--force"]) == 0
    assert "restored" in capsys.readouterr().out
