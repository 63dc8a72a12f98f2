"""A page that fails says so in plain words: a busy database, a full disk, a bug (issue 18,
finding 8). Every page runs through dashboard/failures.py from the entrypoint."""

from __future__ import annotations

import subprocess
import sys
import time

import duckdb
import pytest

from dashboard.page_roles import PAGE_ROLES
from tests.e2_fixtures import build_small_warehouse, open_page
from warehouse.access.viewer import Viewer
from warehouse.storage import connection

ADMIN = Viewer("root", "admin")
PAGES = [page for page, roles in PAGE_ROLES.items() if "admin" in roles]
QUERY = {"review_conversation": {"conversation": "c1"}}  # without one it reads nothing
HOLD = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(120)"


@pytest.fixture
def small_db(db_path, monkeypatch):
    build_small_warehouse(db_path)
    monkeypatch.setenv("CORNERSTONE_DB", str(db_path))
    return db_path


def _errors(at) -> list[str]:
    assert not at.exception, [e.value for e in at.exception]
    return [e.value for e in (*at.error, *at.warning)]


def test_every_page_says_the_database_is_busy_when_another_process_holds_it(small_db, monkeypatch):
    monkeypatch.setenv(connection.WAIT_ENV_VAR, "0.3")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(small_db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        for page in PAGES:
            errors = _errors(open_page(ADMIN, page, QUERY.get(page)))
            assert any("in use by another process" in e or "busy" in e for e in errors), (
                page,
                errors,
            )
    finally:
        holder.kill()
        holder.wait()


def test_every_page_says_the_disk_is_full(small_db, monkeypatch):
    def full(path, wait_seconds):
        raise duckdb.IOException(
            f'IO Error: Could not write file "{path}": No space left on device'
        )

    monkeypatch.setattr(connection, "_open", full)
    for page in PAGES:
        errors = _errors(open_page(ADMIN, page, QUERY.get(page)))
        assert any("The disk is full" in e for e in errors), (page, errors)


def test_a_bug_in_a_page_shows_a_plain_sentence_and_no_traceback(small_db, monkeypatch):
    from dashboard.loaders import trends

    def broken(*args, **kwargs):
        raise RuntimeError("internal detail that must not reach the page")

    monkeypatch.setattr(trends, "filter_options", broken)
    at = open_page(ADMIN, "team_trends")
    errors = _errors(at)
    assert any("Something went wrong on this page" in e for e in errors)
    assert not any("internal detail" in e for e in errors)


def test_the_cli_reports_a_full_disk_and_a_busy_database_in_plain_words(
    tmp_path, db_path, monkeypatch, capsys
):
    from cornerstone.cli import main
    from warehouse.reading import ingest

    export = tmp_path / "one.jsonl"
    export.write_text(
        '{"conversation_id": "c1", "messages": [{"role": "customer", "text": "hi"}]}\n'
    )

    def full(*args, **kwargs):
        raise duckdb.IOException('IO Error: Could not write file "x.wal": No space left on device')

    monkeypatch.setattr(ingest, "_run_import", full)
    assert main(["ingest", str(export), "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert "The disk is full" in err and "Traceback" not in err
    monkeypatch.undo()

    monkeypatch.setenv(connection.WAIT_ENV_VAR, "0.3")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        assert main(["ingest", str(export), "--db", str(db_path)]) == 2
        assert time.monotonic() - started < 10
        assert "in use by another process" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()
