"""Home page per role (AppTest): what needs each person now; import counts for admins only."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from tests.e2_fixtures import CRITERIA, add_reviewer_accounts, build_small_warehouse, open_page
from warehouse.access.viewer import Viewer
from warehouse.review import coaching, review_queue, reviews
from warehouse.storage.connection import connect

LEAD = Viewer("lead", "qa_lead")
REVIEWER = Viewer("rita", "reviewer")
BEN = Viewer("ben", "agent", agent_id="a2")
MANAGER = Viewer("mona", "manager", teams=("Alpha",))
ADMIN = Viewer("root", "admin")


@pytest.fixture
def home_db(db_path, monkeypatch):
    build_small_warehouse(db_path)
    monkeypatch.setenv("CORNERSTONE_DB", str(db_path))
    with connect(db_path) as con:
        add_reviewer_accounts(con, ["rita"])
        review_queue.assign(con, LEAD, ["c1", "c2"], "rita")
        review_id = con.execute(
            "SELECT review_id FROM latest_reviews WHERE conversation_id = 'c4'"
        ).fetchone()[0]
        reviews.open_dispute(con, BEN, review_id, *CRITERIA[0], "I did apologise")
        coaching.create_session(
            con, MANAGER,
            coaching.CoachingRequest(
                agent_id="a2", focus_criteria=(CRITERIA[0],), due_date=date.today() + timedelta(days=3),
                held_at=datetime.now() - timedelta(days=1),
            ),
        )  # fmt: skip
    return db_path


def _tables(at) -> dict[str, object]:
    return {f.proto.id: f.value for f in at.dataframe}


def _texts(at) -> str:
    parts = [m.label + " " + m.value for m in at.metric]
    parts += [s.value for s in (*at.subheader, *at.info, *at.warning)]
    for frame in (f.value for f in at.dataframe):
        parts.append(frame.to_csv(index=False))
    return "\n".join(parts)


def test_every_role_lands_on_home(home_db):
    for viewer in (LEAD, REVIEWER, BEN, MANAGER, ADMIN):
        at = open_page(viewer, "overview")
        assert at.title[0].value == "Home", viewer.role


def test_reviewer_sees_what_is_assigned(home_db):
    at = open_page(REVIEWER, "overview")
    assert next(m.value for m in at.metric if m.label == "Open assignments") == "2"
    table = next(f.value for f in at.dataframe if "Assigned" in f.value.columns)
    assert list(table["Conversation"]) == ["c1", "c2"]
    assert "Quarantined" not in _texts(at) and "Imports" not in _texts(at)


def test_agent_sees_feedback_to_acknowledge_and_dispute_outcomes_but_no_import_counts(home_db):
    at = open_page(BEN, "overview")
    text = _texts(at)
    assert "Quarantined" not in text and "Imports" not in text
    feedback = next(f.value for f in at.dataframe if "Reviewed" in f.value.columns)
    assert list(feedback["Conversation"]) == ["c4"]
    disputes = next(f.value for f in at.dataframe if "Outcome" in f.value.columns)
    assert list(disputes["Outcome"]) == ["Waiting for a decision"]
    assert list(disputes["Criterion"]) == ["Empathy · Apology"]


def test_manager_sees_movers_and_coaching_due(home_db):
    at = open_page(MANAGER, "overview")
    due = next(f.value for f in at.dataframe if "Goals due" in f.value.columns)
    assert list(due["Agent"]) == ["Ben"] and list(due["When"]) == ["in 3 days"]
    movers = next(f.value for f in at.dataframe if "Quality now" in f.value.columns)
    assert set(movers["Agent"]) <= {"Ann", "Ben"}
    assert "Quarantined" not in _texts(at)


def test_lead_sees_disputes_waiting_and_calibration(home_db):
    with connect(home_db) as con:
        add_reviewer_accounts(con, ["sam"])
        from warehouse.review import calibration

        calibration.create_session(
            con, LEAD, title="May round", conversation_ids=["c5"], reviewer_ids=["rita", "sam"]
        )
    at = open_page(LEAD, "overview")
    assert next(m.value for m in at.metric if m.label == "Open disputes") == "1"
    sessions = next(f.value for f in at.dataframe if "Reviews done" in f.value.columns)
    assert list(sessions["Reviews done"]) == ["0 of 2"]
    assert "Quarantined" not in _texts(at)


def test_admin_sees_import_counts_and_an_empty_database_points_to_the_import_page(
    db_path, monkeypatch
):
    monkeypatch.setenv("CORNERSTONE_DB", str(db_path))
    with connect(db_path):
        pass  # an empty, migrated database
    at = open_page(ADMIN, "overview")
    assert next(m.value for m in at.metric if m.label == "Quarantined records") == "0"
    assert any("database is empty" in i.value for i in at.info)
    assert "command line" not in _texts(at)


def test_agent_home_shows_the_outcome_of_a_decided_dispute(home_db):
    with connect(home_db) as con:
        (dispute_id,) = con.execute("SELECT dispute_id FROM disputes").fetchone()
        reviews.resolve_dispute(
            con, LEAD, dispute_id, "upheld", "It came after the refund.", None, False
        )
    at = open_page(BEN, "overview")
    decided = [i.value for i in at.info if f"Dispute #{dispute_id}" in i.value]
    assert decided and "Review kept" in decided[0] and "It came after the refund." in decided[0]
