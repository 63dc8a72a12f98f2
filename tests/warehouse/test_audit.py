"""The audit trail: append-only, filtered reads for admins only, safe CSV export."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from warehouse import queries
from warehouse.access import audit
from warehouse.access.viewer import SYSTEM, Viewer
from warehouse.errors import PermissionDeniedError
from warehouse.storage.connection import connect, transaction

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 5, 4, 9, 0)
ADMIN = Viewer("root", "admin")


@pytest.fixture
def con(db_path):
    with connect(db_path) as connection:
        audit.record(connection, "rev1", "review.submit", "conv-1", {"review_id": 1}, at=T0)
        audit.record(connection, "rev1", "review.edit", "conv-1", {"review_id": 2},
                     at=T0 + timedelta(hours=1))  # fmt: skip
        audit.record(connection, "ann", "dispute.open", "conv-1", at=T0 + timedelta(hours=2))
        audit.record(connection, SYSTEM, "import.file", "export.jsonl", {"new": 10},
                     at=T0 + timedelta(days=2))  # fmt: skip
        audit.record(connection, ADMIN, "user.add", "ann", at=T0 + timedelta(days=3))
        yield connection


def test_entries_are_newest_first_with_details_as_json(con):
    rows = audit.entries(con, ADMIN)
    assert [r["action"] for r in rows] == [
        "user.add", "import.file", "dispute.open", "review.edit", "review.submit",
    ]  # fmt: skip
    assert rows[1]["actor"] == "system" and rows[1]["details"] == '{"new": 10}'
    assert rows[0]["actor"] == "root"


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"actor": "rev1"}, ["review.edit", "review.submit"]),
        ({"action": "review"}, ["review.edit", "review.submit"]),  # dotted prefix
        ({"action": "review.edit"}, ["review.edit"]),
        ({"action": "rev"}, []),  # not a prefix of a dotted part
        ({"target": "CONV-1"}, ["dispute.open", "review.edit", "review.submit"]),
        ({"since": T0 + timedelta(days=1)}, ["user.add", "import.file"]),
        ({"until": T0 + timedelta(hours=1)}, ["review.submit"]),
        ({"limit": 2}, ["user.add", "import.file"]),
    ],
)
def test_filters(con, filters, expected):
    assert [r["action"] for r in audit.entries(con, ADMIN, **filters)] == expected


@pytest.mark.parametrize("role", ["qa_lead", "reviewer", "manager", "agent"])
def test_only_admins_read_the_trail(con, role):
    viewer = Viewer("x", role, agent_id="a", teams=("t",))
    with pytest.raises(PermissionDeniedError):
        audit.entries(con, viewer)
    with pytest.raises(PermissionDeniedError):
        audit.facets(con, viewer)
    # Even the raw named query returns nothing to them (defence in depth).
    rows = queries.run(con, "audit_log_entries", viewer=viewer, since=None, until=None,
                       actor=None, action=None, target=None, limit=100)  # fmt: skip
    assert rows == []


def test_facets_list_actors_and_actions(con):
    facets = audit.facets(con, ADMIN)
    assert facets["actor"] == ["ann", "rev1", "root", "system"]
    assert "import.file" in facets["action"]


def test_audit_row_rolls_back_with_the_change_it_describes(con):
    with pytest.raises(RuntimeError), transaction(con):
        audit.record(con, "rev1", "review.submit", "conv-9")
        raise RuntimeError("the review write failed")
    assert audit.entries(con, ADMIN, target="conv-9") == []


def test_bad_action_names_are_refused(con):
    with pytest.raises(ValueError):
        audit.record(con, "x", "", "t")
    with pytest.raises(ValueError):
        audit.record(con, "x", "drop table", "t")


def test_huge_details_are_truncated_not_refused(con):
    audit.record(con, "x", "import.file", "big", {"blob": "y" * 100_000})
    (row,) = audit.entries(con, ADMIN, target="big")
    assert len(row["details"]) < 25_000 and "truncated" in row["details"]


def test_csv_export_round_trips_and_neutralises_formulas(con):
    audit.record(con, "ann", "comment.add", '=HYPERLINK("http://evil")', {"note": "+1"})
    text = audit.to_csv(audit.entries(con, ADMIN))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(audit.CSV_COLUMNS)
    assert len(rows) == 6
    assert rows[0]["target"].startswith("'=")  # a spreadsheet shows it as text
    assert rows[-1]["action"] == "review.submit"


def test_nothing_in_the_code_base_updates_or_deletes_audit_rows():
    pattern = re.compile(
        r"(UPDATE\s+audit_log|DELETE\s+FROM\s+audit_log|DROP\s+TABLE\s+(IF\s+EXISTS\s+)?audit_log"
        r"|TRUNCATE\s+audit_log|ALTER\s+TABLE\s+audit_log)",
        re.IGNORECASE,
    )
    offenders = []
    for folder in ("canonical", "config", "warehouse", "cornerstone", "dashboard", "scoring"):
        for path in (ROOT / folder).rglob("*"):
            if path.name.startswith("008_audit_chain."):
                continue  # the migration that adds and back-fills the hash chain, once
            if path.suffix in (".py", ".sql") and pattern.search(path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders


def test_writes_by_other_modules_are_audited(db_path):
    """Sign-ins (F), reviews, comments, disputes (E1), coaching (E2) each leave an audit row."""
    from tests.fixtures import build_small_warehouse
    from warehouse.review import coaching, reviews

    info = build_small_warehouse(db_path, per_agent=2)
    reviewer = Viewer("rev1", "reviewer")
    agent = Viewer("ann", "agent", agent_id="agent_ann")
    manager = Viewer("mgr", "manager", teams=("Billing",))
    conversation_id = info.by_agent["agent_ann"][0]
    with connect(db_path) as con:
        review_id = reviews.submit_review(con, reviewer, conversation_id, [], overall_comment="ok")
        reviews.add_comment(con, reviewer, conversation_id, "nice opening")
        criteria = queries.run(con, "review_criteria_of", viewer=SYSTEM, review_id=review_id)
        reviews.open_dispute(
            con, agent, review_id, criteria[0]["rubric_id"], criteria[0]["criterion_id"], "no"
        )
        coaching.create_session(
            con, manager,
            coaching.CoachingRequest("agent_ann", ((criteria[0]["rubric_id"], criteria[0]["criterion_id"]),)),
        )  # fmt: skip
        actions = {(r["actor"], r["action"]) for r in audit.entries(con, SYSTEM)}
    assert {("rev1", "review.submit"), ("rev1", "comment.add"), ("ann", "dispute.open"),
            ("mgr", "coaching.create")} <= actions  # fmt: skip


def test_imports_and_rubric_changes_are_audited(db_path, tmp_path):
    """A's ingest records the file; D1's scorer records a new rubric set (rubrics are YAML files,
    so a change enters the system when a changed set first scores)."""
    import json

    from warehouse.autoscore.scores import score_database
    from warehouse.reading.ingest import ingest_file

    sample = ROOT / "data" / "sample_conversations.jsonl"
    export = tmp_path / "ten.jsonl"
    export.write_text(
        "".join(sample.read_text(encoding="utf-8").splitlines(True)[:10]), encoding="utf-8"
    )
    ingest_file(db_path, export)
    score_database(db_path, workers=1)
    with connect(db_path) as con:
        (imported,) = audit.entries(con, SYSTEM, action="import")
        (rubrics,) = audit.entries(con, SYSTEM, action="rubric.change")
    assert imported["target"] == "ten.jsonl" and json.loads(imported["details"])["new"] == 10
    assert "empathy" in json.loads(rubrics["details"])["rubrics"]
