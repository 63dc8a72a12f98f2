"""Importing and scoring from the browser: admins only, same importers and scoring as the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.loader import default_rubrics_dir
from warehouse.access.viewer import Viewer
from warehouse.errors import PermissionDeniedError
from warehouse.reading import first_run
from warehouse.storage.connection import connect

BAD_INPUTS = Path(__file__).resolve().parents[1] / "data" / "bad_inputs"
ADMIN = Viewer("root", "admin")


@pytest.mark.parametrize("role", ["qa_lead", "reviewer", "manager", "agent"])
def test_only_admins_import_or_score(db_path, role):
    viewer = Viewer("someone", role, agent_id="a1", teams=("Alpha",))
    with pytest.raises(PermissionDeniedError):
        first_run.import_file(viewer, db_path, BAD_INPUTS / "missing_ids.jsonl")
    with pytest.raises(PermissionDeniedError):
        first_run.score(viewer, db_path, default_rubrics_dir())


def test_an_admin_imports_with_the_quarantine_report_and_scores_what_was_imported(db_path):
    report = first_run.import_file(ADMIN, db_path, BAD_INPUTS / "missing_ids.jsonl")
    assert report.status == "done" and report.quarantined > 0 and report.imported > 0
    summary = first_run.score(ADMIN, db_path, default_rubrics_dir())
    with connect(db_path) as con:
        conversations, scored = con.execute(
            "SELECT (SELECT count(*) FROM conversations), (SELECT count(*) FROM conversation_scores)"
        ).fetchone()
    assert summary.scored == conversations == scored == report.imported
