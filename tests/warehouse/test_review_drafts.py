"""Review drafts (warehouse/review/drafts.py) and the stale-form check of submit_review."""

from __future__ import annotations

import pytest

from tests.fixtures import build_small_warehouse
from warehouse.access.viewer import Viewer
from warehouse.errors import PermissionDeniedError
from warehouse.review import drafts, reviews
from warehouse.storage.connection import connect

RITA = Viewer("rita", "reviewer")
SAM = Viewer("sam", "reviewer")
ANN = Viewer("ann", "agent", agent_id="agent_ann")


@pytest.fixture
def con(db_path):
    build_small_warehouse(db_path)
    with connect(db_path) as connection:
        yield connection


def test_a_draft_is_kept_per_reviewer_and_conversation_and_replaced_on_save(con):
    drafts.save_draft(con, RITA, "conv-001", {"overall": "first"}, None)
    drafts.save_draft(con, RITA, "conv-001", {"overall": "second", "value:empathy:tone": "4"}, None)
    drafts.save_draft(con, SAM, "conv-001", {"overall": "sam's"}, None)
    assert drafts.load_draft(con, RITA, "conv-001").fields == {
        "overall": "second",
        "value:empathy:tone": "4",
    }
    assert drafts.load_draft(con, SAM, "conv-001").fields == {"overall": "sam's"}
    assert drafts.load_draft(con, RITA, "conv-002") is None
    assert [d["conversation_id"] for d in drafts.drafts_of(con, RITA)] == ["conv-001"]


def test_submitting_the_review_deletes_only_the_submitters_draft(con):
    drafts.save_draft(con, RITA, "conv-001", {"overall": "x"}, None)
    drafts.save_draft(con, SAM, "conv-001", {"overall": "y"}, None)
    reviews.submit_review(con, RITA, "conv-001", [], "x")
    assert drafts.load_draft(con, RITA, "conv-001") is None
    assert drafts.load_draft(con, SAM, "conv-001").fields == {"overall": "y"}


def test_an_empty_draft_is_deleted_and_agents_cannot_keep_drafts(con):
    drafts.save_draft(con, RITA, "conv-001", {"overall": "x"}, None)
    drafts.save_draft(con, RITA, "conv-001", {}, None)
    assert drafts.load_draft(con, RITA, "conv-001") is None
    with pytest.raises(PermissionDeniedError):
        drafts.save_draft(con, ANN, "conv-001", {"overall": "x"}, None)
    with pytest.raises(drafts.DraftError, match="does not exist"):
        drafts.save_draft(con, RITA, "no-such", {"overall": "x"}, None)


def test_a_submit_of_a_form_whose_auto_score_changed_is_refused(con):
    shown = reviews.load_form(con, RITA, "conv-001")
    con.execute(
        "UPDATE criterion_scores SET value = 4 WHERE conversation_id = 'conv-001' AND criterion_id = 'tone'"
    )
    with pytest.raises(reviews.StaleFormError, match="auto-score of this conversation changed"):
        reviews.submit_review(con, RITA, "conv-001", [], "kept", expected_form=shown.fingerprint)
    assert con.execute("SELECT count(*) FROM reviews").fetchall() == [(0,)]
    now = reviews.load_form(con, RITA, "conv-001")
    assert now.fingerprint != shown.fingerprint
    reviews.submit_review(con, RITA, "conv-001", [], "kept", expected_form=now.fingerprint)
    assert con.execute("SELECT overall_comment FROM reviews").fetchall() == [("kept",)]


def test_a_participants_review_is_recorded_against_the_open_calibration_session(con):
    from tests.e2_fixtures import add_reviewer_accounts
    from warehouse.review import calibration

    add_reviewer_accounts(con, ["rita", "sam"])
    lead = Viewer("lee", "qa_lead")
    session_id = calibration.create_session(
        con,
        lead,
        title="Round",
        conversation_ids=["conv-001", "conv-002"],
        reviewer_ids=["rita", "sam"],
    )
    review_id = reviews.submit_review(con, RITA, "conv-001", [], "from the queue")
    assert con.execute(
        "SELECT calibration_session_id FROM reviews WHERE review_id = ?", [review_id]
    ).fetchall() == [(session_id,)]
    assert con.execute(
        "SELECT status FROM review_assignments WHERE reviewer_id = 'rita' AND conversation_id = 'conv-001'"
    ).fetchall() == [("done",)]
    # someone outside the session writes an ordinary review; after closing, so does rita
    other = reviews.submit_review(con, Viewer("lee", "qa_lead"), "conv-002", [])
    con.execute("UPDATE calibration_sessions SET status = 'closed'")
    later = reviews.submit_review(con, RITA, "conv-002", [])
    assert con.execute(
        "SELECT count(*) FROM reviews WHERE review_id IN (?, ?) AND calibration_session_id IS NULL",
        [other, later],
    ).fetchall() == [(2,)]
