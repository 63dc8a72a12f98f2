"""The database holds transcripts and password hashes: created readable by its owner only."""

from __future__ import annotations

import os
import stat

from warehouse.storage.connection import connect


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_database_and_its_new_folder_are_private(tmp_path):
    old = os.umask(0o022)  # the usual umask: files would be 0644, folders 0755
    try:
        db = tmp_path / "new-folder" / "qa.duckdb"
        with connect(db) as con:
            con.execute("CREATE TABLE probe (a INTEGER)")
            con.execute("INSERT INTO probe VALUES (1)")
        assert _mode(db) == 0o600
        assert _mode(db.parent) == 0o700
    finally:
        os.umask(old)


def test_an_existing_world_readable_database_is_made_private_on_open(tmp_path):
    db = tmp_path / "qa.duckdb"
    with connect(db):
        pass
    db.chmod(0o644)
    with connect(db):
        pass
    assert _mode(db) == 0o600


def test_a_backup_is_private_too(tmp_path):
    from warehouse.storage.maintenance import backup

    old = os.umask(0o022)
    try:
        db = tmp_path / "qa.duckdb"
        with connect(db) as con:
            con.execute("CREATE TABLE probe (a INTEGER)")
        out = tmp_path / "backups" / "qa-backup.duckdb"
        backup(db, out)
        assert _mode(out) == 0o600 and _mode(out.parent) == 0o700
    finally:
        os.umask(old)
