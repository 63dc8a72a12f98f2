"""Disputes: the agent disputes a reviewed criterion, a reviewer or manager resolves it."""

from __future__ import annotations

import pytest

from tests.fixtures import build_small_warehouse
from warehouse import queries
from warehouse.access.viewer import Viewer
from warehouse.errors import PermissionDeniedError
from warehouse.review import reviews
from warehouse.review.reviews import CriterionAnswer, InvalidReviewError, NotFoundError
from warehouse.storage.connection import connect

RITA = Viewer("rita", "reviewer")
ANN = Viewer("ann", "agent", agent_id="agent_ann")
BOB = Viewer("bob", "agent", agent_id="agent_bob")
BILLING_MANAGER = Viewer("meg", "manager", teams=("Billing",))
TECH_MANAGER = Viewer("tom", "manager", teams=("Tech",))


@pytest.fixture
def reviewed(db_path):
    build_small_warehouse(db_path)
    with connect(db_path) as con:
        review_id = reviews.submit_review(
            con, RITA, "conv-001", [CriterionAnswer("empathy", "tone", 1.0, reason="Curt reply")]
        )
    return db_path, review_id


def test_agent_disputes_and_reviewer_upholds_history_shows_both(reviewed):
    db, review_id = reviewed
    with connect(db) as con:
        dispute_id = reviews.open_dispute(
            con, ANN, review_id, "empathy", "tone", "I was polite, see message 2"
        )
        assert (
            reviews.resolve_dispute(
                con, RITA, dispute_id, "upheld", "Tone was curt in the last reply"
            )
            is None
        )
        rows = queries.run(
            con,
            "disputes",
            viewer=ANN,
            statuses=["open", "upheld", "changed"],
            conversation_id=None,
            limit=10,
        )
        assert con.execute("SELECT count(*) FROM reviews").fetchall() == [(1,)]
    assert len(rows) == 1
    d = rows[0]
    assert (d["status"], d["opened_by"], d["resolved_by"]) == ("upheld", "ann", "rita")
    assert d["agent_comment"] == "I was polite, see message 2" and d[
        "resolution_comment"
    ].startswith("Tone")


def test_changed_dispute_appends_a_new_review_version_and_moves_the_score(db_path, reviewed):
    db, review_id = reviewed
    with connect(db) as con:
        before = con.execute(
            "SELECT quality_score FROM effective_scores WHERE conversation_id='conv-001'"
        ).fetchall()
        dispute_id = reviews.open_dispute(
            con, ANN, review_id, "empathy", "tone", "Polite throughout"
        )
        new_id = reviews.resolve_dispute(
            con, BILLING_MANAGER, dispute_id, "changed", "Agreed", new_value=5.0
        )
        versions = con.execute(
            "SELECT review_id, version, supersedes, status, reviewer_id FROM reviews ORDER BY 1"
        ).fetchall()
        tone = con.execute(
            "SELECT value, override_reason FROM review_criteria WHERE review_id = ? AND criterion_id = 'tone'",
            [new_id],
        ).fetchall()
        after = con.execute(
            "SELECT quality_score, review_id FROM effective_scores WHERE conversation_id='conv-001'"
        ).fetchall()
        d = queries.run(con, "dispute_by_id", viewer=RITA, dispute_id=dispute_id)[0]
    assert versions == [
        (review_id, 1, None, "submitted", "rita"),
        (new_id, 2, review_id, "revised_after_dispute", "rita"),
    ]
    assert tone == [(5.0, f"Dispute #{dispute_id}: Agreed")]
    assert after[0][1] == new_id and after[0][0] > before[0][0]
    assert (d["status"], d["resolved_by"], d["resulting_review_id"]) == ("changed", "meg", new_id)


def test_only_the_conversations_agent_can_dispute(reviewed):
    db, review_id = reviewed
    with connect(db) as con:
        with pytest.raises(NotFoundError):
            reviews.open_dispute(con, BOB, review_id, "empathy", "tone", "not mine")
        with pytest.raises(PermissionDeniedError):
            reviews.open_dispute(
                con, RITA, review_id, "empathy", "tone", "reviewers do not dispute"
            )
        assert con.execute("SELECT count(*) FROM disputes").fetchall() == [(0,)]


def test_dispute_needs_a_comment_and_only_one_open_per_criterion(reviewed):
    db, review_id = reviewed
    with connect(db) as con:
        with pytest.raises(InvalidReviewError, match="Explain why"):
            reviews.open_dispute(con, ANN, review_id, "empathy", "tone", "   ")
        reviews.open_dispute(con, ANN, review_id, "empathy", "tone", "first")
        with pytest.raises(InvalidReviewError, match="already has an open dispute"):
            reviews.open_dispute(con, ANN, review_id, "empathy", "tone", "second")


def test_manager_of_another_team_cannot_resolve_and_agent_cannot_resolve(reviewed):
    db, review_id = reviewed
    with connect(db) as con:
        dispute_id = reviews.open_dispute(con, ANN, review_id, "empathy", "tone", "please check")
        with pytest.raises(NotFoundError):
            reviews.resolve_dispute(con, TECH_MANAGER, dispute_id, "upheld", "no")
        with pytest.raises(PermissionDeniedError):
            reviews.resolve_dispute(con, ANN, dispute_id, "changed", "I win", new_value=5.0)
        assert con.execute("SELECT status FROM disputes").fetchall() == [("open",)]


def test_resolving_twice_is_refused(reviewed):
    db, review_id = reviewed
    with connect(db) as con:
        dispute_id = reviews.open_dispute(con, ANN, review_id, "empathy", "tone", "please check")
        reviews.resolve_dispute(con, RITA, dispute_id, "upheld", "fine")
        with pytest.raises(InvalidReviewError, match="already resolved"):
            reviews.resolve_dispute(con, RITA, dispute_id, "changed", "oops", new_value=5.0)
