"""Calibration page (AppTest): agreement figures per session and over all double-reviewed
conversations; QA leads set sessions up. Figures as hand-computed in tests/warehouse/test_calibration.py."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.e2_fixtures import (
    CRITERIA,
    add_review,
    add_reviewer_accounts,
    build_small_warehouse,
    metric_value,
    open_page,
)
from warehouse import calibration
from warehouse.connection import connect
from warehouse.viewer import Viewer

LEAD = Viewer("lead", "qa_lead")
APOLOGY, CONFIRMATION = CRITERIA
RATINGS = {
    "r1": {"c1": (1.0, 80.0), "c2": (0.0, 60.0)},
    "r2": {"c1": (1.0, 70.0), "c2": (0.0, 50.0)},
    "r3": {"c1": (0.0, 40.0), "c2": (0.0, 40.0)},
}


@pytest.fixture
def session_db(db_path, monkeypatch):
    build_small_warehouse(db_path)
    monkeypatch.setenv("CORNERSTONE_DB", str(db_path))
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
            for conversation_id, (apology, quality) in by_conversation.items():
                add_review(
                    con, conversation_id, reviewer, quality=quality,
                    criteria={APOLOGY: apology, CONFIRMATION: 1.0},
                    created_at=datetime(2026, 3, 20), calibration_session_id=session_id,
                )  # fmt: skip
    return db_path, session_id


def _agreement(at):
    return next(f.value for f in at.dataframe if "percent_agreement" in f.value.columns).set_index(
        "criterion_id"
    )


def test_session_figures_per_criterion_and_reviewer(session_db):
    _, session_id = session_db
    at = open_page(LEAD, "calibration")
    at.selectbox(key="calibration_session").select(session_id).run()
    at.toggle(key="charts_show_tables").set_value(True).run()
    assert metric_value(at, "Conversations rated by 2+ reviewers") == "2"
    assert metric_value(at, "Reviewers") == "3"
    agreement = _agreement(at)
    assert agreement.loc["apology", "alpha"] == pytest.approx(0.375)
    assert agreement.loc["apology", "percent_agreement"] == pytest.approx(2 / 3)
    assert agreement.loc["apology", "alpha_with_auto"] == pytest.approx(0.125)
    leniency = next(f.value for f in at.dataframe if "leniency" in f.value.columns)
    assert list(leniency["reviewer_id"]) == ["r1", "r2", "r3"]
    disagreed = next(f.value for f in at.dataframe if "score_range" in f.value.columns)
    assert list(disagreed["conversation_id"]) == ["c1", "c2"]
    assert len(at.get("plotly_chart")) == 2


def test_all_double_reviewed_view_adds_ordinary_double_reviews(session_db):
    db_path, session_id = session_db
    with connect(db_path) as con:
        add_review(con, "c4", "rev2", quality=50.0, created_at=datetime(2026, 3, 6),
                   criteria={APOLOGY: 1.0, CONFIRMATION: 1.0})  # fmt: skip
    at = open_page(LEAD, "calibration")
    assert metric_value(at, "Conversations rated by 2+ reviewers") == "3"  # c1, c2 and c4
    at.selectbox(key="calibration_session").select(session_id).run()
    assert metric_value(at, "Conversations rated by 2+ reviewers") == "2"


def test_lead_sets_up_a_session_from_the_page(session_db):
    db_path, _ = session_db
    at = open_page(LEAD, "calibration")
    at.slider(key="calibration_count").set_value(3).run()
    at.text_input(key="calibration_title").input("April round")
    at.multiselect(key="calibration_reviewers").set_value(["r1", "r2"])
    at.button(key="FormSubmitter:calibration_new_form-Create session").click().run()
    assert not at.exception
    assert any("created" in s.value for s in at.success)
    with connect(db_path) as con:
        rows = con.execute(
            "SELECT s.title, count(DISTINCT c.conversation_id), count(DISTINCT p.user_id)"
            " FROM calibration_sessions AS s JOIN calibration_conversations AS c USING"
            " (calibration_session_id) JOIN calibration_participants AS p USING"
            " (calibration_session_id) WHERE s.title = 'April round' GROUP BY s.title"
        ).fetchall()
    assert rows == [("April round", 3, 2)]


def test_one_reviewer_is_refused_with_a_message(session_db):
    at = open_page(LEAD, "calibration")
    at.text_input(key="calibration_title").input("Solo")
    at.multiselect(key="calibration_reviewers").set_value(["r1"])
    at.button(key="FormSubmitter:calibration_new_form-Create session").click().run()
    assert any("two reviewers" in e.value for e in at.error)


def test_reviewers_see_figures_but_cannot_set_up_sessions(session_db):
    at = open_page(Viewer("r1", "reviewer"), "calibration")
    assert metric_value(at, "Reviewers") == "3"
    assert any("Only QA leads" in i.value for i in at.info)
