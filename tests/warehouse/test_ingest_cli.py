"""`qa ingest` and `qa quarantine`: thin wrappers, summaries, exit codes, role-scoped listing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cornerstone.cli import main
from warehouse import queries
from warehouse.access.viewer import Viewer
from warehouse.storage.connection import connect

BAD_INPUTS = Path(__file__).resolve().parents[1] / "data" / "bad_inputs"


def test_ingest_prints_a_summary_with_counts_and_reasons(tmp_path, db_path, capsys):
    path = Path(shutil.copy(BAD_INPUTS / "missing_ids.jsonl", tmp_path))
    assert main(["ingest", str(path), "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert (
        "missing_ids.jsonl: 2 conversations imported (2 new, 0 updated, 0 unchanged), 2 quarantined"
        in out
    )
    assert "line 2: missing conversation_id" in out and "qa quarantine" in out


def test_second_ingest_of_the_same_file_reports_zero_new(tmp_path, db_path, capsys):
    path = Path(shutil.copy(BAD_INPUTS / "duplicate_ids.jsonl", tmp_path))
    main(["ingest", str(path), "--db", str(db_path)])
    capsys.readouterr()
    assert main(["ingest", str(path), "--db", str(db_path)]) == 0
    assert "(0 new, 0 updated, 2 unchanged)" in capsys.readouterr().out


def test_ingest_exits_non_zero_only_when_nothing_usable_was_read(tmp_path, db_path, capsys):
    empty = Path(shutil.copy(BAD_INPUTS / "empty.jsonl", tmp_path))
    good = Path(shutil.copy(BAD_INPUTS / "truncated.jsonl", tmp_path))
    assert main(["ingest", str(empty), "--db", str(db_path)]) == 1
    assert "empty.jsonl: nothing imported — the file is empty" in capsys.readouterr().out
    assert main(["ingest", str(empty), str(good), "--db", str(db_path)]) == 0


def test_ingest_of_a_missing_file_or_unknown_format_is_a_plain_error(tmp_path, db_path, capsys):
    assert main(["ingest", str(tmp_path / "nope.jsonl"), "--db", str(db_path)]) == 2
    assert "no such file" in capsys.readouterr().err
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"conversation_id": "c", "messages": []}) + "\n", "utf-8")
    assert main(["ingest", str(path), "--format", "excel", "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert "unknown format 'excel'" in err and "canonical-jsonl" in err


def test_quarantine_lists_file_position_reason_and_raw_text(tmp_path, db_path, capsys):
    path = Path(shutil.copy(BAD_INPUTS / "truncated.jsonl", tmp_path))
    main(["ingest", str(path), "--db", str(db_path)])
    capsys.readouterr()
    assert main(["quarantine", "--db", str(db_path), "--limit", "5"]) == 0
    out = capsys.readouterr().out
    assert "1 quarantined record(s)" in out
    assert "truncated.jsonl line 2: truncated JSON" in out
    assert 'raw: {"conversation_id": "t2"' in out


def test_quarantine_on_an_empty_database_says_so(db_path, capsys):
    assert main(["quarantine", "--db", str(db_path)]) == 0
    assert "no quarantined records" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["ingest", "quarantine"])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert "--db" in capsys.readouterr().out


def test_quarantine_and_imports_queries_are_for_admin_and_qa_lead_only(tmp_path, db_path):
    path = Path(shutil.copy(BAD_INPUTS / "missing_ids.jsonl", tmp_path))
    main(["ingest", str(path), "--db", str(db_path)])
    seen = {}
    with connect(db_path) as con:
        for role in ("admin", "qa_lead", "reviewer", "manager", "agent"):
            viewer = Viewer(user_id=role, role=role, agent_id="a1", teams=("Billing",))
            listing = queries.run(con, "quarantine_listing", viewer=viewer, limit=10, raw_chars=50)
            imports = queries.run(con, "recent_imports", viewer=viewer, limit=10)
            seen[role] = (len(listing), len(imports))
    assert seen == {
        "admin": (2, 1),
        "qa_lead": (2, 1),
        "reviewer": (0, 0),
        "manager": (0, 0),
        "agent": (0, 0),
    }
