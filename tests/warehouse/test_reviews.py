"""Reviews in a real DuckDB file: history, permissions, comments, effective score."""

from __future__ import annotations

import pytest

from tests.fixtures import build_small_warehouse
from warehouse import queries
from warehouse.access.viewer import Viewer
from warehouse.errors import PermissionDeniedError
from warehouse.review import reviews
from warehouse.review.reviews import CriterionAnswer, InvalidReviewError, ReviewConflictError
from warehouse.storage.connection import connect

RITA = Viewer("rita", "reviewer")
SAM = Viewer("sam", "reviewer")
LEAD = Viewer("lee", "qa_lead")
ANN = Viewer("ann", "agent", agent_id="agent_ann")
TECH_MANAGER = Viewer("tom", "manager", teams=("Tech",))
# conv-001: agent_ann (Billing); auto tone = 2, acknowledges = yes, quality 55.6


@pytest.fixture
def db(db_path):
    build_small_warehouse(db_path)
    return db_path


def effective(con, conversation_id):
    return con.execute(
        "SELECT quality_score, score_source, review_id FROM effective_scores WHERE conversation_id = ?",
        [conversation_id],
    ).fetchall()[0]


def test_unreviewed_conversation_uses_auto_score_and_says_so(db):
    with connect(db) as con:
        quality, source, review_id = effective(con, "conv-001")
        auto = con.execute(
            "SELECT quality_score FROM conversation_scores WHERE conversation_id = 'conv-001'"
        ).fetchall()
    assert source == "auto" and review_id is None and quality == pytest.approx(auto[0][0])


def test_review_with_override_writes_review_criteria_comments_and_becomes_effective(db):
    with connect(db) as con:
        review_id = reviews.submit_review(
            con, RITA, "conv-001",
            [CriterionAnswer("empathy", "tone", 5.0, reason="Warm throughout")],
            overall_comment="Good recovery", message_comments={1: "Nice apology"},
        )  # fmt: skip
        row = con.execute(
            "SELECT reviewer_id, version, supersedes, quality_score FROM reviews"
        ).fetchall()
        criteria = {
            r[0]: r[1:]
            for r in con.execute(
                "SELECT criterion_id, value, overridden, override_reason, auto_value FROM review_criteria"
                " WHERE review_id = ?",
                [review_id],
            ).fetchall()
        }
        comments = con.execute(
            "SELECT message_index, body FROM comments ORDER BY comment_id"
        ).fetchall()
        quality, source, effective_id = effective(con, "conv-001")
    assert row == [("rita", 1, None, pytest.approx((100 + 2 * 100) / 3 / 3 + 2 * 100 / 3))]
    assert criteria["tone"] == (5.0, True, "Warm throughout", 2.0)
    assert criteria["acknowledges_feelings"] == (1.0, False, None, 1.0)  # confirmed, not overridden
    assert comments == [(None, "Good recovery"), (1, "Nice apology")]
    assert (source, effective_id) == ("review", review_id) and quality == pytest.approx(row[0][3])


def test_override_without_reason_is_refused_and_saves_nothing(db):
    with connect(db) as con:
        with pytest.raises(InvalidReviewError) as error:
            reviews.submit_review(
                con, RITA, "conv-001", [CriterionAnswer("empathy", "tone", 4.0, reason="  ")]
            )
        assert con.execute("SELECT count(*) FROM reviews").fetchall() == [(0,)]
    assert "give a reason for the override" in str(error.value)


def test_comment_over_the_limit_is_refused_with_its_length(db):
    with connect(db) as con:
        with pytest.raises(InvalidReviewError) as error:
            reviews.submit_review(con, RITA, "conv-001", [], overall_comment="x" * 100_000)
        assert con.execute("SELECT count(*) FROM reviews").fetchall() == [(0,)]
    assert "100,000 characters" in str(error.value) and "10,000" in str(error.value)


def test_invalid_value_and_unknown_message_are_named(db):
    with connect(db) as con:
        with pytest.raises(InvalidReviewError) as error:
            reviews.submit_review(
                con,
                RITA,
                "conv-001",
                [CriterionAnswer("empathy", "tone", 7.0, reason="r")],
                message_comments={99: "x"},
            )
    assert any("not a valid answer" in p for p in error.value.problems)
    assert any("message 99 does not exist" in p for p in error.value.problems)


def test_html_comment_is_stored_verbatim_as_text(db):
    script = "<script>alert('x')</script><b>bold</b>"
    with connect(db) as con:
        reviews.submit_review(con, RITA, "conv-001", [], overall_comment=script)
        assert con.execute("SELECT body FROM comments").fetchall() == [(script,)]


def test_edit_appends_a_version_and_keeps_the_earlier_one(db):
    with connect(db) as con:
        first = reviews.submit_review(con, RITA, "conv-001", [])
        second = reviews.edit_review(
            con, RITA, first, [CriterionAnswer("empathy", "tone", 1.0, reason="Curt")]
        )
        rows = con.execute(
            "SELECT review_id, version, supersedes FROM reviews ORDER BY review_id"
        ).fetchall()
        current = con.execute("SELECT review_id FROM current_reviews").fetchall()
        versions = queries.run(con, "review_versions", viewer=LEAD, conversation_id="conv-001")
    assert rows == [(first, 1, None), (second, 2, first)]
    assert current == [(second,)]
    assert [v["is_current"] for v in versions] == [True, False]


def test_editing_a_superseded_version_is_a_conflict(db):
    with connect(db) as con:
        first = reviews.submit_review(con, RITA, "conv-001", [])
        reviews.edit_review(con, RITA, first, [])
        with pytest.raises(ReviewConflictError):
            reviews.edit_review(con, RITA, first, [])
        assert con.execute("SELECT count(*) FROM reviews").fetchall() == [(2,)]


def test_agent_cannot_submit_a_review(db):
    with connect(db) as con:
        with pytest.raises(PermissionDeniedError):
            reviews.submit_review(con, ANN, "conv-001", [])
        assert con.execute("SELECT count(*) FROM reviews").fetchall() == [(0,)]


def test_reviewer_cannot_edit_another_reviewers_review(db):
    with connect(db) as con:
        first = reviews.submit_review(con, RITA, "conv-001", [])
        with pytest.raises(PermissionDeniedError) as error:
            reviews.edit_review(con, SAM, first, [])
        assert con.execute("SELECT count(*) FROM reviews").fetchall() == [(1,)]
    assert "another reviewer" in str(error.value)


def test_second_reviewer_starts_their_own_chain_not_a_new_version(db):
    with connect(db) as con:
        reviews.submit_review(con, RITA, "conv-001", [])
        sams = reviews.submit_review(con, SAM, "conv-001", [])
        rows = con.execute(
            "SELECT reviewer_id, version FROM current_reviews ORDER BY review_id"
        ).fetchall()
        assert effective(con, "conv-001")[2] == sams  # newest review counts
    assert rows == [("rita", 1), ("sam", 1)]


def test_form_is_prefilled_with_auto_score_then_with_own_review(db):
    with connect(db) as con:
        before = {c.spec.criterion_id: c for c in reviews.load_form(con, RITA, "conv-001").criteria}
        reviews.submit_review(
            con, RITA, "conv-001", [CriterionAnswer("empathy", "tone", 5.0, reason="warm")]
        )
        after = {c.spec.criterion_id: c for c in reviews.load_form(con, RITA, "conv-001").criteria}
        sams = {c.spec.criterion_id: c for c in reviews.load_form(con, SAM, "conv-001").criteria}
    assert before["tone"].value == 2.0 and before["tone"].spec.scale == "1-5"
    assert before["acknowledges_feelings"].evidence[0]["quote"] == "I'm sorry to hear that"
    assert after["tone"].value == 5.0 and after["tone"].reason == "warm"
    assert sams["tone"].value == 2.0


def test_critical_failure_in_review_zeroes_quality(db):
    with connect(db) as con:
        reviews.submit_review(
            con,
            RITA,
            "conv-001",
            [CriterionAnswer("resolution", "no_false_promise", 0.0, reason="Promised a date")],
        )
        assert effective(con, "conv-001")[:2] == (0.0, "review")
        assert con.execute("SELECT critical_failed FROM reviews").fetchall() == [(True,)]


def test_manager_cannot_review_or_read_other_teams_conversation(db):
    with connect(db) as con:
        with pytest.raises(PermissionDeniedError):
            reviews.submit_review(con, TECH_MANAGER, "conv-001", [])
        assert (
            queries.run(
                con, "conversation_messages", viewer=TECH_MANAGER, conversation_id="conv-001"
            )
            == []
        )
        assert queries.run(con, "conversation_header", viewer=ANN, conversation_id="conv-013") == []


def test_qa_lead_may_edit_a_reviewers_review_and_the_version_says_who_wrote_it(db):
    with connect(db) as con:
        first = reviews.submit_review(con, RITA, "conv-001", [])
        second = reviews.edit_review(
            con, LEAD, first, [CriterionAnswer("empathy", "tone", 3.0, reason="Fair")]
        )
        rows = con.execute(
            "SELECT reviewer_id, written_by, version FROM reviews WHERE review_id = ?", [second]
        ).fetchall()
    assert rows == [("rita", "lee", 2)]


def test_review_writes_are_audited(db):
    with connect(db) as con:
        first = reviews.submit_review(
            con, RITA, "conv-001", [CriterionAnswer("empathy", "tone", 5.0, reason="warm")]
        )
        reviews.edit_review(con, RITA, first, [])
        reviews.add_comment(con, RITA, "conv-001", "See message 2", message_index=1)
        actions = con.execute("SELECT action, target FROM audit_log ORDER BY 1").fetchall()
    assert ("review.submit", str(first)) in actions
    assert [a for a, _ in actions].count("review.edit") == 1 and (
        "comment.add" in [a for a, _ in actions]
    )


def test_simultaneous_edits_of_one_version_keep_one_and_refuse_the_other_plainly(db):
    import threading

    with connect(db) as con:
        first = reviews.submit_review(con, RITA, "conv-001", [])
    outcomes: list[object] = []
    barrier = threading.Barrier(2)

    def edit(value: float) -> None:
        with connect(db) as con:
            barrier.wait()
            try:
                outcomes.append(
                    reviews.edit_review(
                        con, RITA, first, [CriterionAnswer("empathy", "tone", value, reason="r")]
                    )
                )
            except ReviewConflictError as error:
                outcomes.append(error)

    threads = [threading.Thread(target=edit, args=(v,)) for v in (4.0, 5.0)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with connect(db) as con:
        rows = con.execute("SELECT version, supersedes FROM reviews ORDER BY review_id").fetchall()
    saved = [o for o in outcomes if isinstance(o, int)]
    assert len(outcomes) == 2 and len(saved) >= 1
    assert (
        rows[0] == (1, None)
        and all(r == (2, first) for r in rows[1:])
        and len(rows) == 1 + len(saved) == 2
    )
