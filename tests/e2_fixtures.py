"""A small, hand-checkable warehouse for the trends, coaching, calibration and feedback tests.

Rows go straight into the real tables of a real DuckDB file (no mocks), so every figure in the
tests can be computed by hand from the constants below.

Team "Alpha" (agents a1 Ann, a2 Ben), team "Beta" (agent b1 Cat). Week of 2026-03-02 holds the
five Alpha conversations whose survey figures the metric tests check:

    id   agent nps csat ces first_response resolved quality
    c1   a1    10  5    2   60             yes      90
    c2   a1    9   4    3   120            yes      80
    c3   a2    7   3    5   300            no       60
    c4   a2    3   1    7   900            no       20
    c5   a1    -   -    -   -              -        70
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from warehouse.storage.connection import connect

CRITERIA = (("empathy", "apology"), ("resolution", "confirmation"))
SECRET_COMMENT = "Beta-only remark: never shown to Alpha agents"

WEEK1 = datetime(2026, 3, 2, 9, 0)
ALPHA_WEEK1 = [
    # id, agent, nps, csat, ces, frt, resolved, quality
    ("c1", "a1", 10, 5, 2, 60.0, True, 90.0),
    ("c2", "a1", 9, 4, 3, 120.0, True, 80.0),
    ("c3", "a2", 7, 3, 5, 300.0, False, 60.0),
    ("c4", "a2", 3, 1, 7, 900.0, False, 20.0),
    ("c5", "a1", None, None, None, None, None, 70.0),
]
AGENTS = {"a1": ("Ann", "Alpha"), "a2": ("Ben", "Alpha"), "b1": ("Cat", "Beta")}


def add_conversation(
    con,
    conversation_id: str,
    agent_id: str,
    created_at: datetime,
    *,
    quality: float,
    nps=None,
    csat=None,
    ces=None,
    first_response=None,
    resolved=None,
    channel: str = "chat",
    criteria: dict[tuple[str, str], float | None] | None = None,
) -> None:
    """One conversation with two messages, its auto-scores and per-criterion results.

    `criteria` maps (rubric, criterion) to 0/1 (None = N/A); by default both pass.
    """
    name, team = AGENTS[agent_id]
    con.execute(
        "INSERT INTO conversations (conversation_id, source_format, channel, created_at, status,"
        " agent_id, agent_name, team, customer_id, customer_name, csat, nps, ces, tags, subject,"
        " message_count, content_hash, import_id, imported_at)"
        " VALUES (?, 'canonical_jsonl', ?, ?, 'solved', ?, ?, ?, 'cust', 'Dana', ?, ?, ?, [], ?,"
        " 2, ?, 1, ?)",
        [
            conversation_id,
            channel,
            created_at,
            agent_id,
            name,
            team,
            csat,
            nps,
            ces,
            f"subject of {conversation_id}",
            conversation_id,
            created_at,
        ],
    )
    con.execute(
        "INSERT INTO messages (conversation_id, message_index, role, author, text, sent_at, internal)"
        " VALUES (?, 0, 'customer', 'Dana', ?, ?, false),"
        " (?, 1, 'agent', ?, ?, ?, false)",
        [
            conversation_id,
            f"help with {conversation_id}",
            created_at,
            conversation_id,
            name,
            f"Sorry, {conversation_id} is fixed",
            created_at + timedelta(seconds=first_response or 60),
        ],
    )
    con.execute(
        "INSERT INTO conversation_scores (conversation_id, rubric_set_hash, content_hash,"
        " quality_score, critical_failed, first_response_seconds, longest_reply_gap_seconds,"
        " handle_seconds, customer_sentiment_start, customer_sentiment_end,"
        " customer_sentiment_min, resolved, scored_at)"
        " VALUES (?, 'rs1', ?, ?, ?, ?, NULL, ?, 0, 0, 0, ?, ?)",
        [
            conversation_id,
            conversation_id,
            quality,
            quality == 0,
            first_response,
            None if first_response is None else first_response * 10,
            resolved,
            created_at,
        ],
    )
    results = criteria or dict.fromkeys(CRITERIA, 1.0)
    for (rubric_id, criterion_id), value in results.items():
        na = value is None
        evidence = [] if na else [{"message_index": 1, "start": 0, "end": 5, "quote": "Sorry"}]
        con.execute(
            "INSERT INTO criterion_scores (conversation_id, rubric_id, criterion_id, value, score, na,"
            " failed, critical, rationale, evidence)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, false, 'auto says so', ?)",
            [
                conversation_id,
                rubric_id,
                criterion_id,
                value,
                None if na else value * 100,
                na,
                (not na) and value < 1,
                json.dumps(evidence),
            ],
        )
    for rubric_id in {r for r, _ in results}:
        scores = [v * 100 for (r, _), v in results.items() if r == rubric_id and v is not None]
        con.execute(
            "INSERT INTO rubric_scores (conversation_id, rubric_id, score) VALUES (?, ?, ?)",
            [conversation_id, rubric_id, sum(scores) / len(scores) if scores else None],
        )


_review_ids = iter(range(1, 10_000))


def add_review(
    con,
    conversation_id: str,
    reviewer_id: str,
    *,
    quality: float,
    criteria: dict[tuple[str, str], float | None],
    created_at: datetime,
    calibration_session_id: int | None = None,
    comment: str | None = None,
) -> int:
    """A submitted review (version 1) with its criteria and, optionally, an overall comment."""
    review_id = con.execute("SELECT nextval('review_id_seq')").fetchall()[0][0]
    con.execute(
        "INSERT INTO reviews (review_id, conversation_id, reviewer_id, written_by, version,"
        " supersedes, status, calibration_session_id, rubric_set_hash, quality_score,"
        " critical_failed, overall_comment, created_at)"
        " VALUES (?, ?, ?, ?, 1, NULL, 'submitted', ?, 'rs1', ?, ?, ?, ?)",
        [
            review_id,
            conversation_id,
            reviewer_id,
            reviewer_id,
            calibration_session_id,
            quality,
            quality == 0,
            comment,
            created_at,
        ],
    )
    for (rubric_id, criterion_id), value in criteria.items():
        na = value is None
        con.execute(
            "INSERT INTO review_criteria (review_id, rubric_id, criterion_id, value, score, na, failed,"
            " critical, auto_value, auto_na, overridden, override_reason)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, false, NULL, NULL, false, NULL)",
            [
                review_id,
                rubric_id,
                criterion_id,
                value,
                None if na else value * 100,
                na,
                (not na) and value < 1,
            ],
        )
    for rubric_id in {r for r, _ in criteria}:
        scores = [v * 100 for (r, _), v in criteria.items() if r == rubric_id and v is not None]
        con.execute(
            "INSERT INTO review_rubric_scores (review_id, rubric_id, score) VALUES (?, ?, ?)",
            [review_id, rubric_id, sum(scores) / len(scores) if scores else None],
        )
    if comment:
        con.execute(
            "INSERT INTO comments (comment_id, conversation_id, review_id, message_index, author_id,"
            " body, created_at) VALUES (nextval('comment_id_seq'), ?, ?, NULL, ?, ?, ?)",
            [conversation_id, review_id, reviewer_id, comment, created_at],
        )
    return review_id


def build_small_warehouse(db_path) -> None:
    """Alpha's hand-checked week, a later Alpha week, Beta conversations, reviews and comments."""
    with connect(db_path) as con:
        for cid, agent, nps, csat, ces, frt, resolved, quality in ALPHA_WEEK1:
            add_conversation(
                con,
                cid,
                agent,
                WEEK1,
                quality=quality,
                nps=nps,
                csat=csat,
                ces=ces,
                first_response=frt,
                resolved=resolved,
            )
        # Week of 2026-03-30: Ben failed the apology twice, then (after coaching on 2026-04-13)
        # passed it twice.
        week5 = WEEK1 + timedelta(weeks=4)
        for i, day in enumerate((0, 1)):
            add_conversation(
                con,
                f"c{6 + i}",
                "a2",
                week5 + timedelta(days=day),
                quality=40.0,
                criteria={CRITERIA[0]: 0.0, CRITERIA[1]: 1.0},
                channel="email",
            )
        week7 = WEEK1 + timedelta(weeks=6, days=1)
        for i, day in enumerate((0, 1)):
            add_conversation(
                con,
                f"c{8 + i}",
                "a2",
                week7 + timedelta(days=day),
                quality=85.0,
                criteria={CRITERIA[0]: 1.0, CRITERIA[1]: 1.0},
                channel="email",
            )
        for i in range(3):
            add_conversation(
                con,
                f"b{i + 1}",
                "b1",
                WEEK1 + timedelta(days=i),
                quality=50.0,
                nps=0,
                csat=2,
                ces=6,
                first_response=30.0,
                resolved=True,
                criteria={CRITERIA[0]: 0.0, CRITERIA[1]: 0.0},
            )
        # Ordinary reviews: c4 (Ben) and b1 (Cat) with comments.
        add_review(
            con,
            "c4",
            "rev1",
            quality=30.0,
            created_at=WEEK1 + timedelta(days=3),
            criteria={CRITERIA[0]: 0.0, CRITERIA[1]: 1.0},
            comment="Apologise when the order is late",
        )
        add_review(
            con,
            "b1",
            "rev1",
            quality=55.0,
            created_at=WEEK1 + timedelta(days=3),
            criteria={CRITERIA[0]: 0.0, CRITERIA[1]: 1.0},
            comment=SECRET_COMMENT,
        )


ENTRYPOINT = str(Path(__file__).resolve().parents[1] / "dashboard" / "streamlit_app.py")


def open_page(viewer, page: str, query: dict | None = None):
    """Run the app from its entrypoint as `viewer` and switch to `app_pages/<page>.py`."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(ENTRYPOINT, default_timeout=60)
    at.session_state["viewer"] = viewer
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric_value(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def add_reviewer_accounts(con, logins, role: str = "reviewer") -> None:
    """Reviewer accounts written straight into `users` (no password hashing: these tests never
    sign in), so queue builds and calibration sessions accept the logins."""
    for login in logins:
        con.execute(
            "INSERT INTO users (user_id, display_name, role, password_hash, created_at)"
            " VALUES (?, ?, ?, 'test-only-not-a-hash', now()::TIMESTAMP)"
            " ON CONFLICT DO NOTHING",
            [login, login.title(), role],
        )
