"""My feedback: an agent sees only their own conversations, scores and comments — at the query
layer whatever parameters are passed, and on the page whatever filters or URL parameters are used.

Fixture (tests/e2_fixtures.py): Ben (a2) owns c3, c4, c6-c9 and c4 is reviewed with a comment;
Ann (a1) owns c1, c2, c5; Cat (b1, team Beta) owns b1-b3 and b1 is reviewed with SECRET_COMMENT.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.e2_fixtures import SECRET_COMMENT, build_small_warehouse, open_page
from warehouse import queries
from warehouse.access.viewer import Viewer
from warehouse.review import coaching, reviews
from warehouse.storage.connection import connect

ENTRYPOINT = str(Path(__file__).resolve().parents[2] / "dashboard" / "streamlit_app.py")
PAGE = "app_pages/my_feedback.py"
BEN = Viewer("ben", "agent", agent_id="a2")
BEN_CONVERSATIONS = {"c3", "c4", "c6", "c7", "c8", "c9"}
OTHERS_CONVERSATIONS = {"c1", "c2", "c5", "b1", "b2", "b3"}
OTHER_AGENTS = {"a1", "b1"}
OTHER_NAMES = ("Ann", "Cat")
SCOPED_FILES = (
    "trends.sql",
    "coaching.sql",
    "calibration.sql",
    "my_feedback.sql",
    "rubric_stats.sql",
    "overview.sql",  # the home page
)


@pytest.fixture
def small_db(db_path, monkeypatch):
    build_small_warehouse(db_path)
    monkeypatch.setenv("CORNERSTONE_DB", str(db_path))
    return db_path


def _adversarial_params(agent_id: str | None, conversation_id: str) -> dict:
    """Every parameter my queries take, pointed at someone else's data where it can be."""
    return {
        "team": None, "agent_id": agent_id, "channel": None, "since": datetime(2000, 1, 1),
        "until": datetime(2100, 1, 1), "midpoint": datetime(2026, 3, 20), "grain": "week",
        "series": "agent", "limit": 1000, "conversation_id": conversation_id,
        "coaching_session_id": 1, "window_days": 3650, "calibration_session_id": None,
        "reviewed_only": False, "seed": 0, "rubric_ids": ["empathy", "resolution"],
        "criterion_keys": ["empathy.apology", "resolution.confirmation"],
        "source": "auto", "pass_mark": 80.0, "user_id": "rev1", "days": 28,
        "today": datetime(2026, 3, 20),  # home_my_assignments: overdue and due-soon counts
    }  # fmt: skip


def _scoped_read_queries() -> list[str]:
    return [
        q.name
        for q in queries.catalogue().values()
        if q.source in SCOPED_FILES
        and "viewer_role" in q.params
        and q.sql.lstrip().upper().startswith(("SELECT", "WITH"))
    ]


def test_every_scoped_read_query_is_covered():
    names = _scoped_read_queries()
    assert {"trend_quality", "my_reviewed_conversations", "my_comments", "my_messages",
            "coaching_before_after", "calibration_ratings", "criterion_outcomes"} <= set(names)  # fmt: skip


@pytest.mark.parametrize("target_agent", [None, "a1", "b1", "a2"])
@pytest.mark.parametrize("target_conversation", ["b1", "c1", "c4"])
def test_agent_gets_no_other_agents_rows_from_any_query(
    small_db, target_agent, target_conversation
):
    from warehouse.review import coaching

    with connect(small_db) as con:
        # A coaching session for Cat (b1), so session ids of others exist too.
        coaching.create_session(
            con,
            Viewer("lead", "qa_lead"),
            coaching.CoachingRequest(agent_id="b1", focus_criteria=(("empathy", "apology"),)),
        )
        leaked = {}
        for name in _scoped_read_queries():
            rows = queries.run(
                con, name, viewer=BEN, **_adversarial_params(target_agent, target_conversation)
            )
            text = json.dumps(rows, default=str)
            values = {str(v) for row in rows for v in row.values()}
            found = (values & (OTHERS_CONVERSATIONS | OTHER_AGENTS)) | {
                n for n in (*OTHER_NAMES, SECRET_COMMENT, "help with b", "help with c1")
                if n in text
            }  # fmt: skip
            if found:
                leaked[name] = found
    assert leaked == {}


def test_the_same_queries_do_return_other_agents_rows_to_an_admin(small_db):
    """The leak test above can fail: an admin asking the same queries sees Cat's data."""
    with connect(small_db) as con:
        rows = queries.run(
            con, "my_comments", viewer=Viewer("root", "admin"), **_adversarial_params("b1", "b1")
        )
    assert [r["body"] for r in rows] == [SECRET_COMMENT]


def _strings(at: AppTest) -> list[str]:
    """Everything the page shows: texts, tables, widget options, HTML and chart data."""
    out: list[str] = []
    for kind in ("markdown", "text", "caption", "title", "subheader", "success", "info", "error"):
        out += [str(e.value) for e in getattr(at, kind)]
    out += [e.proto.body for e in at.get("html")]
    out += [str(m.value) + str(m.label) for m in at.metric]
    for frame in at.dataframe:
        out.append(frame.value.to_csv(index=False))
    for box in (*at.selectbox, *at.multiselect):
        out += [str(o) for o in box.options]
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        out += [str(trace.get("name")) for trace in spec["data"]]
        out += [str(v) for trace in spec["data"] for v in trace.get("x", []) if isinstance(v, str)]
    return out


def _open(viewer: Viewer, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(ENTRYPOINT, default_timeout=60)
    at.session_state["viewer"] = viewer
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _assert_only_bens(at: AppTest) -> None:
    shown = "\n".join(_strings(at))
    for name in (*OTHER_NAMES, SECRET_COMMENT, "help with b1", "help with c1", "help with c2"):
        assert name not in shown
    tables = [f.value for f in at.dataframe if "conversation_id" in f.value.columns]
    for table in tables:
        assert set(table["conversation_id"]) <= BEN_CONVERSATIONS


@pytest.mark.parametrize("conversation", [None, "b1", "c1", "c4", "'; DROP TABLE reviews;--"])
def test_agent_page_shows_only_own_data_whatever_the_url_says(small_db, conversation):
    at = _open(BEN, {"conversation": conversation} if conversation else None)
    assert at.title[0].value == "My feedback"
    assert at.selectbox(key="feedback_conversation").options == ["c4 · reviewed 05 Mar 2026"]
    assert "Apologise when the order is late" in "\n".join(_strings(at))  # Ben's own comment
    assert len(at.get("plotly_chart")) >= 2
    _assert_only_bens(at)


def test_agent_has_no_agent_picker_and_admin_does(small_db):
    ben = _open(BEN)
    assert not [s for s in ben.selectbox if s.key == "feedback_agent"]
    admin = _open(Viewer("root", "admin"))
    admin.selectbox(key="feedback_agent").select("b1").run()
    shown = "\n".join(_strings(admin))
    assert SECRET_COMMENT in shown  # the filter changes the result: Cat's feedback for the admin


def test_agent_acknowledges_feedback_and_it_is_stored(small_db):
    at = _open(BEN)
    at.button(key="FormSubmitter:feedback_ack_form-Acknowledge feedback").click().run()
    assert not at.exception
    with connect(small_db) as con:
        rows = con.execute(
            "SELECT conversation_id, agent_id, user_id FROM feedback_acknowledgements"
        ).fetchall()
    assert rows == [("c4", "a2", "ben")]
    assert any("acknowledged" in s.value for s in at.success)


def test_agent_disputes_a_criterion_through_the_review_workspace(small_db):
    at = _open(BEN)
    at.selectbox(key="feedback_dispute_criterion").select("empathy.apology")
    at.text_area(key="feedback_dispute_reason").input("The parcel was not late")
    at.button(key="FormSubmitter:feedback_dispute_form-Open dispute").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with connect(small_db) as con:
        rows = con.execute(
            "SELECT conversation_id, rubric_id, criterion_id, opened_by, status FROM disputes"
        ).fetchall()
    assert rows == [("c4", "empathy", "apology", "ben", "open")]


def test_empty_dispute_reason_gets_a_clear_message_and_writes_nothing(small_db):
    at = _open(BEN)
    at.button(key="FormSubmitter:feedback_dispute_form-Open dispute").click().run()
    assert any("Explain" in e.value for e in at.error)
    with connect(small_db) as con:
        assert con.execute("SELECT count(*) FROM disputes").fetchall()[0][0] == 0


def test_reviewers_are_named_not_shown_by_login(small_db):
    with connect(small_db) as con:
        con.execute(
            "INSERT INTO users (user_id, display_name, role, password_hash, created_at)"
            " VALUES ('rev1', 'Rhea Okafor', 'reviewer', 'test-only-not-a-hash', now()::TIMESTAMP)"
        )
    shown = "\n".join(_strings(_open(BEN)))
    assert "Rhea Okafor" in shown and "rev1" not in shown


def test_dispute_decisions_name_the_person_who_decided_not_their_login(small_db):
    """My disputes ("Decided by") and the QA lead's Disputes tab show display names."""
    with connect(small_db) as con:
        con.execute(
            "INSERT INTO users (user_id, display_name, role, password_hash, created_at)"
            " VALUES ('rev1', 'Rhea Okafor', 'reviewer', 'test-only-not-a-hash', now()::TIMESTAMP)"
        )
        review_id = con.execute(
            "SELECT review_id FROM reviews WHERE conversation_id = 'c4'"
        ).fetchall()[0][0]
        dispute_id = reviews.open_dispute(con, BEN, review_id, "empathy", "apology", "Not late")
        reviews.resolve_dispute(
            con, Viewer("rev1", "reviewer"), dispute_id, "upheld", "It was late"
        )
    table = next(f.value for f in _open(BEN).dataframe if "Decided by" in f.value.columns)
    assert table["Decided by"].tolist() == ["Rhea Okafor"]
    lead = open_page(Viewer("lee", "qa_lead"), "review_queue")
    lead.radio(key="queue_dispute_status").set_value("resolved").run()
    shown = next(f.value for f in lead.dataframe if "resolved_by_name" in f.value.columns)
    assert shown["resolved_by_name"].tolist() == ["Rhea Okafor"]
    assert shown["reviewer_name"].tolist() == ["Rhea Okafor"]
    assert "rev1" not in shown.to_csv(index=False)


def test_coaching_sessions_name_the_coach_not_their_login(small_db):
    manager = Viewer("mona", "manager", teams=("Alpha",))
    with connect(small_db) as con:
        con.execute(
            "INSERT INTO users (user_id, display_name, role, teams, password_hash, created_at)"
            " VALUES ('mona', 'Mona Lind', 'manager', ['Alpha'], 'test-only-not-a-hash',"
            " now()::TIMESTAMP)"
        )
        coaching.create_session(
            con, manager,
            coaching.CoachingRequest(
                agent_id="a2", focus_criteria=(("empathy", "apology"),), held_at=datetime(2026, 3, 9)
            ),
        )  # fmt: skip
    labels = [e.label for e in _open(BEN).expander]
    assert any("with Mona Lind" in label for label in labels), labels
    assert not any("mona" in label for label in labels)
