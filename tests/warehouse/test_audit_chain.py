"""The audit log is tamper-evident: a hash chain that any UPDATE or DELETE breaks, checked by
`qa audit verify` and on the audit page; appends never fork the chain (issue 18, finding 6)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import duckdb
import pytest

from cornerstone.cli import main
from tests.e2_fixtures import open_page
from warehouse import migrations
from warehouse.access import audit
from warehouse.access.viewer import Viewer
from warehouse.storage.connection import connect, transaction

ADMIN = Viewer("root", "admin")
T0 = datetime(2026, 5, 4, 9, 0)


def _fill(con, count: int = 6) -> None:
    for i in range(count):
        audit.record(con, f"user{i % 2}", "review.submit", f"conv-{i}", {"review_id": i,
                     "note": "é ünïcode\n<b>"}, at=T0 + timedelta(minutes=i))  # fmt: skip


def _verify_cli(db_path, capsys) -> tuple[int, str]:
    code = main(["audit", "verify", "--db", str(db_path)])
    return code, capsys.readouterr().out


def test_an_untouched_log_verifies_and_the_cli_exits_zero(db_path, capsys):
    with connect(db_path) as con:
        _fill(con)
        report = audit.verify(con, ADMIN)
    assert report.intact and report.entries == 6 and len(report.head_hash) == 64
    code, out = _verify_cli(db_path, capsys)
    assert code == 0 and "intact: 6 entries" in out


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE audit_log SET actor = 'mallory' WHERE audit_id = 3",
        "UPDATE audit_log SET action = 'review.edit' WHERE audit_id = 3",
        "UPDATE audit_log SET target = 'conv-x' WHERE audit_id = 3",
        "UPDATE audit_log SET details = '{\"review_id\": 99}' WHERE audit_id = 3",
        "UPDATE audit_log SET occurred_at = occurred_at + INTERVAL 1 SECOND WHERE audit_id = 3",
        "UPDATE audit_log SET entry_hash = 'x' WHERE audit_id = 3",
    ],
)
def test_any_edit_names_the_edited_entry_and_the_cli_exits_non_zero(db_path, capsys, tamper):
    with connect(db_path) as con:
        _fill(con)
    raw = duckdb.connect(str(db_path))  # "any DuckDB client"
    raw.execute(tamper)
    raw.close()
    code, out = _verify_cli(db_path, capsys)
    assert code == 1
    assert "entry #3" in out and "changed" in out


def test_a_deleted_entry_is_named_by_the_one_after_it(db_path, capsys):
    with connect(db_path) as con:
        _fill(con)
    raw = duckdb.connect(str(db_path))
    raw.execute("DELETE FROM audit_log WHERE audit_id = 4")
    raw.close()
    code, out = _verify_cli(db_path, capsys)
    assert code == 1 and "entry #5" in out and "between #3 and it was deleted" in out


def test_deleting_the_newest_entries_is_noticed(db_path, capsys):
    with connect(db_path) as con:
        _fill(con)
    raw = duckdb.connect(str(db_path))
    raw.execute("DELETE FROM audit_log WHERE audit_id >= 5")
    raw.close()
    code, out = _verify_cli(db_path, capsys)
    assert code == 1 and "entry #6" in out and "newest entries" in out


def test_migration_back_fills_the_chain_of_an_older_database(db_path):
    """A database from before migration 008 gets hashes for its existing rows, oldest first."""
    con = duckdb.connect(str(db_path))
    migrations.current_version(con)
    for number, name, sql in migrations.available():
        if number < 8:
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [number, name]
            )
    for i in range(5):
        con.execute(
            "INSERT INTO audit_log (occurred_at, actor, action, target, details)"
            " VALUES (?, 'old', 'user.add', ?, CAST(? AS JSON))",
            [T0 + timedelta(hours=i), f"u{i}", '{"teams": ["Ä"]}' if i % 2 else None],
        )
    con.close()
    with connect(db_path) as con:
        assert (
            con.execute("SELECT count(*) FROM audit_log WHERE entry_hash IS NULL").fetchone()[0]
            == 0
        )
        audit.record(con, "new", "user.add", "u5")  # appends chain on to the back-filled rows
        report = audit.verify(con, ADMIN)
        assert report.intact and report.entries == 6
        con.execute("UPDATE audit_log SET target = 'u9' WHERE audit_id = 2")
        assert audit.verify(con, ADMIN).breaks[0]["audit_id"] == 2


def test_concurrent_writers_never_fork_the_chain(db_path):
    """Threads of one process (the dashboard) appending at once, in and outside transactions."""
    with connect(db_path) as con:
        _fill(con, 1)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(15):
                with connect(db_path) as con:
                    if i % 2:
                        with transaction(con):
                            audit.record(con, f"w{n}", "review.submit", f"c{n}-{i}")
                            audit.record(con, f"w{n}", "review.edit", f"c{n}-{i}")
                    else:
                        audit.record(con, f"w{n}", "sign_in.ok", f"w{n}")
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    with connect(db_path) as con:
        report = audit.verify(con, ADMIN)
        forks = con.execute(
            "SELECT count(*) - count(DISTINCT prev_hash) FROM audit_log"
        ).fetchone()[0]
    assert forks == 0
    assert report.intact and report.entries == 1 + 4 * (8 + 7 * 2)


def test_the_audit_page_shows_the_check(db_path, monkeypatch):
    monkeypatch.setenv("CORNERSTONE_DB", str(db_path))
    with connect(db_path) as con:
        _fill(con)
    at = open_page(ADMIN, "audit_log")
    assert any("intact" in s.value for s in at.success)
    raw = duckdb.connect(str(db_path))
    raw.execute("DELETE FROM audit_log WHERE audit_id = 2")
    raw.close()
    at = open_page(ADMIN, "audit_log")
    assert any("entry #3" in e.value for e in at.error), [e.value for e in at.error]
