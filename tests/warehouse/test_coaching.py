"""Coaching sessions: who may create them, before/after on the focus criteria, acknowledgements."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.e2_fixtures import build_small_warehouse
from warehouse import queries
from warehouse.access.viewer import Viewer
from warehouse.errors import PermissionDeniedError
from warehouse.review import coaching
from warehouse.storage.connection import connect

ALPHA_MANAGER = Viewer("mona", "manager", teams=("Alpha",))
BETA_MANAGER = Viewer("bert", "manager", teams=("Beta",))
BEN = Viewer("ben", "agent", agent_id="a2")
ANN = Viewer("ann", "agent", agent_id="a1")
APOLOGY = ("empathy", "apology")
# Ben failed the apology on 30 and 31 March and passed it on 14 and 15 April.
HELD_AT = datetime(2026, 4, 10, 10, 0)


@pytest.fixture
def small_db(db_path):
    build_small_warehouse(db_path)
    return db_path


def _coach_ben(con, viewer=ALPHA_MANAGER) -> int:
    request = coaching.CoachingRequest(
        agent_id="a2",
        focus_criteria=(APOLOGY, ("resolution", "confirmation")),
        notes="Say sorry when the parcel is late",
        goals="Apologise in every late-order conversation",
        due_date=date(2026, 5, 1),
        held_at=HELD_AT,
        source_conversation_ids=("c4",),
    )
    return coaching.create_session(con, viewer, request)


def test_manager_creates_a_session_with_focus_criteria_and_sources(small_db):
    with connect(small_db) as con:
        session_id = _coach_ben(con)
        sessions = queries.run(
            con, "coaching_sessions", viewer=ALPHA_MANAGER, agent_id=None, team=None
        )
        sources = con.execute(
            "SELECT conversation_id, review_id FROM coaching_sources WHERE coaching_session_id = ?",
            [session_id],
        ).fetchall()
        audit_rows = con.execute(
            "SELECT actor, action, target FROM audit_log WHERE action = 'coaching.create'"
        ).fetchall()
    assert [s["coaching_session_id"] for s in sessions] == [session_id]
    session = sessions[0]
    assert session["team"] == "Alpha" and session["coach_id"] == "mona"
    assert session["focus"] == "empathy.apology, resolution.confirmation"
    review_of_c4 = 1  # the fixture's first review
    assert sources == [("c4", review_of_c4)]
    assert audit_rows == [("mona", "coaching.create", str(session_id))]


def test_before_after_compares_equal_windows_around_the_session(small_db):
    with connect(small_db) as con:
        session_id = _coach_ben(con)
        rows = coaching.before_after(con, ALPHA_MANAGER, session_id, window_days=28)
    by_criterion = {(r["rubric_id"], r["criterion_id"]): r for r in rows}
    apology = by_criterion[APOLOGY]
    # before: c6, c7 (apology 0); after: c8, c9 (apology 1); c4 (3 March) is outside 28 days.
    assert apology["before_conversations"] == 2 and apology["after_conversations"] == 2
    assert apology["before_score"] == 0.0 and apology["after_score"] == 100.0
    assert apology["change"] == 100.0
    assert apology["before_fail_rate"] == 1.0 and apology["after_fail_rate"] == 0.0
    confirmation = by_criterion[("resolution", "confirmation")]
    assert confirmation["before_score"] == confirmation["after_score"] == 100.0


def test_only_coaching_roles_may_create_and_only_for_agents_they_can_see(small_db):
    with connect(small_db) as con:
        with pytest.raises(PermissionDeniedError):
            _coach_ben(con, viewer=BEN)
        with pytest.raises(PermissionDeniedError, match="not available"):
            _coach_ben(con, viewer=BETA_MANAGER)
        with pytest.raises(coaching.CoachingError, match="focus criterion"):
            coaching.create_session(
                con, ALPHA_MANAGER, coaching.CoachingRequest(agent_id="a2", focus_criteria=())
            )
        with pytest.raises(coaching.CoachingError, match="under 10,000"):
            coaching.create_session(
                con,
                ALPHA_MANAGER,
                coaching.CoachingRequest(
                    agent_id="a2", focus_criteria=(APOLOGY,), notes="x" * 10_001
                ),
            )
        with pytest.raises(coaching.CoachingError, match="due date"):
            coaching.create_session(
                con,
                ALPHA_MANAGER,
                coaching.CoachingRequest(
                    agent_id="a2",
                    focus_criteria=(APOLOGY,),
                    held_at=HELD_AT,
                    due_date=date(2026, 4, 1),
                ),
            )
        count = con.execute("SELECT count(*) FROM coaching_sessions").fetchall()[0][0]
    assert count == 0


def test_sessions_are_scoped_like_conversations(small_db):
    with connect(small_db) as con:
        _coach_ben(con)
        seen = {
            name: len(queries.run(con, "coaching_sessions", viewer=v, agent_id=None, team=None))
            for name, v in {
                "ben": BEN,
                "ann": ANN,
                "beta": BETA_MANAGER,
                "alpha": ALPHA_MANAGER,
            }.items()
        }
        # Ann asking for Ben's sessions by id still gets nothing.
        ann_asks = queries.run(con, "coaching_sessions", viewer=ANN, agent_id="a2", team=None)
        ann_before_after = coaching.before_after(con, ANN, 1)
    assert seen == {"ben": 1, "ann": 0, "beta": 0, "alpha": 1}
    assert ann_asks == [] and ann_before_after == []


def test_agent_acknowledges_own_session_and_feedback_only(small_db):
    with connect(small_db) as con:
        session_id = _coach_ben(con)
        with pytest.raises(PermissionDeniedError):
            coaching.acknowledge_session(con, ANN, session_id, "not mine")
        coaching.acknowledge_session(con, BEN, session_id, "Understood, will do")
        row = con.execute(
            "SELECT acknowledged_at IS NOT NULL, agent_response FROM coaching_sessions"
        ).fetchall()
        coaching.acknowledge_feedback(con, BEN, "c4", 1, "thanks")
        with pytest.raises(PermissionDeniedError):
            coaching.acknowledge_feedback(con, ANN, "c4", 1, "")
        with pytest.raises(PermissionDeniedError):
            coaching.acknowledge_feedback(con, ALPHA_MANAGER, "c4", 1, "")
        acks = con.execute(
            "SELECT conversation_id, review_id, agent_id, user_id, note FROM feedback_acknowledgements"
        ).fetchall()
    assert row == [(True, "Understood, will do")]
    assert acks == [("c4", 1, "a2", "ben", "thanks")]


def test_demo_seeding_records_roster_events_once_with_before_after_movement(small_db):
    from cornerstone.demo.coaching import seed_demo_coaching
    from cornerstone.demo.roster import CoachingEvent

    event = CoachingEvent(
        agent_id="a2",
        coached_on=date(2026, 4, 10),
        focus_criteria=(APOLOGY,),
        coach_user_id="mona",
        notes="Apologise first",
        goals="Pass empathy.apology on 8 of 10",
        due_date=date(2026, 5, 10),
    )
    missing_agent = CoachingEvent(
        "zz", date(2026, 4, 10), (APOLOGY,), "mona", "", "", date(2026, 5, 10)
    )
    with connect(small_db) as con:
        first = seed_demo_coaching(con, [event, missing_agent])
        again = seed_demo_coaching(con, [event, missing_agent])
        rows = coaching.before_after(con, ALPHA_MANAGER, first[0], window_days=28)
        sources = con.execute("SELECT conversation_id FROM coaching_sources ORDER BY 1").fetchall()
    assert len(first) == 1 and again == []
    assert (rows[0]["before_score"], rows[0]["after_score"]) == (0.0, 100.0)
    assert sources == [("c6",), ("c7",)]  # the failed apologies in the four weeks before
