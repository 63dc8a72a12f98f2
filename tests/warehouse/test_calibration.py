"""Calibration: session setup, and agreement figures checked against hand-computed values.

Three reviewers score c1 and c2 inside one session:

    criterion      c1: r1 r2 r3   c2: r1 r2 r3   auto (c1, c2)
    apology            1  1  0        0  0  0    1, 1
    confirmation       1  1  1        1  1  1    1, 1
    quality           80 70 40       60 50 40    90, 80

Apology, reviewers only (nominal): coincidences o00 = 3, o01 = o10 = 1, o11 = 1; n0 = 4, n1 = 2,
n = 6; D_o = 2/6, D_e = 2*4*2 / (6*5) = 16/30; alpha = 1 - (1/3) / (8/15) = 0.375.
Percent agreement: c1 1 of 3 pairs, c2 3 of 3 -> (1/3 + 1) / 2 = 2/3.
With the auto-scorer as a fourth rater: o00 = o11 = o01 = o10 = 2, n = 8; D_o = 4/8,
D_e = 2*4*4 / (8*7) = 4/7; alpha = 1 - 0.5 / (4/7) = 0.125. Reviewers matching auto: 2 of 6.
Leniency (quality): c1 mean 63.33, c2 mean 50 -> r1 (16.67 + 10) / 2 = 13.33, r2 3.33,
r3 -16.67. r1 versus auto: (80 - 90 + 60 - 80) / 2 = -15.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.e2_fixtures import CRITERIA, add_review, add_reviewer_accounts, build_small_warehouse
from warehouse import queries
from warehouse.access.viewer import Viewer
from warehouse.errors import PermissionDeniedError, WarehouseError
from warehouse.review import calibration, metrics
from warehouse.storage.connection import connect

LEAD = Viewer("lead", "qa_lead")
APOLOGY, CONFIRMATION = CRITERIA
RATINGS = {
    # reviewer: {conversation: (apology, confirmation, quality)}
    "r1": {"c1": (1.0, 1.0, 80.0), "c2": (0.0, 1.0, 60.0)},
    "r2": {"c1": (1.0, 1.0, 70.0), "c2": (0.0, 1.0, 50.0)},
    "r3": {"c1": (0.0, 1.0, 40.0), "c2": (0.0, 1.0, 40.0)},
}


@pytest.fixture
def session_db(db_path):
    build_small_warehouse(db_path)
    with connect(db_path) as con:
        add_reviewer_accounts(con, RATINGS)
        session_id = calibration.create_session(
            con,
            LEAD,
            title="March round",
            conversation_ids=["c1", "c2"],
            reviewer_ids=list(RATINGS),
        )
        for reviewer, by_conversation in RATINGS.items():
            for conversation_id, (apology, confirmation, quality) in by_conversation.items():
                add_review(
                    con,
                    conversation_id,
                    reviewer,
                    quality=quality,
                    criteria={APOLOGY: apology, CONFIRMATION: confirmation},
                    created_at=datetime(2026, 3, 20),
                    calibration_session_id=session_id,
                )
    return db_path, session_id


def test_session_setup_puts_every_conversation_in_every_reviewers_queue(session_db):
    db_path, session_id = session_db
    with connect(db_path) as con:
        assignments = con.execute(
            "SELECT reviewer_id, conversation_id FROM review_assignments"
            " WHERE calibration_session_id = ? ORDER BY ALL",
            [session_id],
        ).fetchall()
        listed = queries.run(con, "calibration_sessions")
    assert assignments == [(r, c) for r in ("r1", "r2", "r3") for c in ("c1", "c2")]
    assert listed[0]["title"] == "March round"
    assert listed[0]["conversations"] == 2 and listed[0]["reviews_done"] == 6
    assert listed[0]["reviewers"] == ["r1", "r2", "r3"]


def test_only_leads_set_up_sessions_and_two_reviewers_are_needed(db_path):
    build_small_warehouse(db_path)
    with connect(db_path) as con:
        with pytest.raises(PermissionDeniedError):
            calibration.create_session(
                con, Viewer("rev", "reviewer"), title="x", conversation_ids=["c1"],
                reviewer_ids=["r1", "r2"],
            )  # fmt: skip
        with pytest.raises(calibration.CalibrationError, match="two reviewers"):
            calibration.create_session(
                con, LEAD, title="x", conversation_ids=["c1"], reviewer_ids=["r1"]
            )
        with pytest.raises(calibration.CalibrationError, match="title"):
            calibration.create_session(
                con, LEAD, title="  ", conversation_ids=["c1"], reviewer_ids=["r1", "r2"]
            )
        assert con.execute("SELECT count(*) FROM calibration_sessions").fetchall()[0][0] == 0


def test_per_criterion_agreement_matches_hand_computed_values(session_db):
    db_path, session_id = session_db
    with connect(db_path) as con:
        rows = calibration.ratings(con, LEAD, session_id)
    agreement = {(a.rubric_id, a.criterion_id): a for a in calibration.criterion_agreement(rows)}
    apology = agreement[APOLOGY]
    assert apology.level == "nominal" and apology.conversations == 2
    assert apology.alpha == pytest.approx(0.375)
    assert apology.percent_agreement == pytest.approx(2 / 3)
    assert apology.alpha_with_auto == pytest.approx(0.125)
    assert apology.agreement_with_auto == pytest.approx(2 / 6)
    confirmation = agreement[CONFIRMATION]
    assert confirmation.alpha is None  # no variation: agreement cannot be told from chance
    assert confirmation.percent_agreement == 1.0 and confirmation.agreement_with_auto == 1.0


def test_leniency_in_sql_matches_the_pure_definition_and_hand_values(session_db):
    db_path, session_id = session_db
    with connect(db_path) as con:
        rows = queries.run(con, "reviewer_leniency", viewer=LEAD, calibration_session_id=session_id)
    sql = {r["reviewer_id"]: r for r in rows}
    pure = metrics.leniency({c: {r: RATINGS[r][c][2] for r in RATINGS} for c in ("c1", "c2")})
    assert [r["reviewer_id"] for r in rows] == ["r1", "r2", "r3"]  # most lenient first
    for reviewer, expected in {"r1": 40 / 3, "r2": 10 / 3, "r3": -50 / 3}.items():
        assert sql[reviewer]["leniency"] == pytest.approx(expected)
        assert pure[reviewer] == pytest.approx(expected)
    assert sql["r1"]["versus_auto"] == pytest.approx(-15.0)


def test_most_disagreed_conversations_come_first(session_db):
    db_path, session_id = session_db
    with connect(db_path) as con:
        rows = queries.run(
            con,
            "calibration_disagreements",
            viewer=LEAD,
            calibration_session_id=session_id,
            limit=10,
        )
    assert [(r["conversation_id"], r["score_range"], r["criteria_disputed"]) for r in rows] == [
        ("c1", 40.0, 1),
        ("c2", 20.0, 0),
    ]
    assert rows[0]["disputed_criteria"] == "empathy.apology"


def test_all_double_reviewed_conversations_include_ordinary_reviews(session_db):
    db_path, _ = session_db
    with connect(db_path) as con:
        # c4 has rev1's ordinary review; a second reviewer makes it double-reviewed.
        add_review(con, "c4", "rev2", quality=50.0, created_at=datetime(2026, 3, 6),
                   criteria={APOLOGY: 1.0, CONFIRMATION: 1.0})  # fmt: skip
        rows = calibration.ratings(con, LEAD, None)
        beta_manager = calibration.ratings(con, Viewer("m", "manager", teams=("Beta",)), None)
    assert {r["conversation_id"] for r in rows} == {"c1", "c2", "c4"}
    assert {r["rater"] for r in rows if r["conversation_id"] == "c4"} == {
        "rev1", "rev2", calibration.AUTO_RATER,
    }  # fmt: skip
    assert beta_manager == []  # scoped like every other read
    assert calibration.overall_alpha(rows) == pytest.approx(
        metrics.krippendorff_alpha(
            {
                "c1": {"r1": 80, "r2": 70, "r3": 40},
                "c2": {"r1": 60, "r2": 50, "r3": 40},
                "c4": {"rev1": 30, "rev2": 50},
            },
            "interval",
        )
    )


def test_demo_seeding_writes_biased_reviews_once(db_path):
    from cornerstone.demo.calibration import seed_demo_calibration

    build_small_warehouse(db_path)
    reviewers = ["lenient", "strict", "middle"]
    with connect(db_path) as con:
        add_reviewer_accounts(con, reviewers)
        created = seed_demo_calibration(
            con, LEAD, reviewers, leniency={"lenient": 30.0, "strict": -30.0},
            sessions=2, conversations_per_session=4,
        )  # fmt: skip
        again = seed_demo_calibration(con, LEAD, reviewers, sessions=2, conversations_per_session=4)
        done = con.execute(
            "SELECT calibration_session_id, count(DISTINCT reviewer_id), count(*) FROM reviews"
            " WHERE calibration_session_id IS NOT NULL GROUP BY ALL ORDER BY 1"
        ).fetchall()
        leniency = {
            r["reviewer_id"]: r["leniency"]
            for r in queries.run(
                con, "reviewer_leniency", viewer=LEAD, calibration_session_id=created[0]
            )
        }
    assert len(created) == 2 and again == []
    # All three reviewers in round 1; the last round is left with one reviewer still to do.
    assert done == [(created[0], 3, 12), (created[1], 2, 8)]
    assert leniency["lenient"] >= leniency["strict"]


def test_sessions_take_reviewer_accounts_only_and_record_the_auto_score_setting(db_path):
    build_small_warehouse(db_path)
    with connect(db_path) as con:
        add_reviewer_accounts(con, ["kofi.okafor", "rita"])
        with pytest.raises(WarehouseError, match="kofi.okafr"):
            calibration.create_session(
                con, LEAD, title="Typo", conversation_ids=["c1"],
                reviewer_ids=["kofi.okafr", "rita"],
            )  # fmt: skip
        assert con.execute("SELECT count(*) FROM calibration_sessions").fetchall() == [(0,)]
        blind = calibration.create_session(
            con, LEAD, title="Blind", conversation_ids=["c1"], reviewer_ids=["kofi.okafor", "rita"]
        )
        open_book = calibration.create_session(
            con, LEAD, title="Open", conversation_ids=["c2"],
            reviewer_ids=["kofi.okafor", "rita"], show_auto_score=True,
        )  # fmt: skip
        assert calibration.shows_auto_score(con, blind) is False
        assert calibration.shows_auto_score(con, open_book) is True
        assert calibration.shows_auto_score(con, None) is True  # outside calibration
        assert calibration.shows_auto_score(con, 9999) is False  # unknown: blind


def test_each_reviewer_against_the_others_and_the_auto_score_by_hand(session_db):
    # Criterion answers (apology, confirmation) per conversation, see the module docstring:
    # r1: c1 (1, 1) c2 (0, 1); r2 the same; r3: c1 (0, 1) c2 (0, 1); auto: (1, 1) on both.
    # r1 pairs: c1 apology r2 yes r3 no, confirmation both yes; c2 all match -> 7 of 8.
    # r3 pairs: c1 apology r1 no r2 no, rest match -> 6 of 8. Versus auto: r1 3 of 4, r3 2 of 4.
    db_path, session_id = session_db
    with connect(db_path) as con:
        rows = calibration.ratings(con, LEAD, session_id)
    by_rater = {a.rater: a for a in calibration.rater_agreement(rows)}
    assert set(by_rater) == {"r1", "r2", "r3"}
    assert by_rater["r1"].agreement_with_reviewers == pytest.approx(7 / 8)
    assert by_rater["r3"].agreement_with_reviewers == pytest.approx(6 / 8)
    assert by_rater["r1"].agreement_with_auto == pytest.approx(3 / 4)
    assert by_rater["r3"].agreement_with_auto == pytest.approx(2 / 4)
    assert by_rater["r1"].verdicts == 4
