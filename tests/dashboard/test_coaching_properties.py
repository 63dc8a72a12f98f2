"""Coaching cannot crash on missing dates or empty data (hypothesis).

Agents are generated with and without conversations, dates, scores, failed criteria and human
reviews; every query the coaching page runs, and every label it builds from their rows, must
work, and no label may show "None", "nan" or "NaT". (The bug this guards: team Billing agents,
"Only human-reviewed conversations" off -> `ValueError: NaTType does not support strftime`.)
"""

from __future__ import annotations

import math
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.loaders import coaching as load
from warehouse import queries
from warehouse.access.viewer import Viewer
from warehouse.review import coaching
from warehouse.storage.connection import connect

MANAGER = Viewer("mona", "manager", teams=("Billing",))
CRITERIA = (("empathy", "apology"), ("resolution", "confirmation"))
START = datetime(2026, 3, 2, 9, 0)
RAW = ("None", "nan", "NaT")

conversation = st.fixed_dictionaries(
    {
        "day": st.none() | st.integers(0, 120),  # None: the export had no date
        "quality": st.none() | st.floats(0, 100, allow_nan=False),  # None: not scored yet
        "criteria": st.lists(st.none() | st.sampled_from([0.0, 1.0]), min_size=2, max_size=2),
        "reviewed": st.booleans(),
    }
)
agent = st.lists(conversation, max_size=6)  # an empty list: an agent with no conversations


def _write(con, agent_id: str, index: int, row: dict) -> None:
    conversation_id = f"{agent_id}-{index}"
    created_at = None if row["day"] is None else START + timedelta(days=row["day"])
    con.execute(
        "INSERT INTO conversations (conversation_id, source_format, channel, created_at, agent_id,"
        " agent_name, team, tags, message_count, content_hash, import_id, imported_at)"
        " VALUES (?, 'canonical_jsonl', 'chat', ?, ?, ?, 'Billing', [], 0, ?, 1, ?)",
        [conversation_id, created_at, agent_id, agent_id.title(), conversation_id, START],
    )
    if row["quality"] is None:
        return
    con.execute(
        "INSERT INTO conversation_scores (conversation_id, rubric_set_hash, content_hash,"
        " quality_score, critical_failed, scored_at) VALUES (?, 'rs1', ?, ?, false, ?)",
        [conversation_id, conversation_id, row["quality"], START],
    )
    for (rubric_id, criterion_id), value in zip(CRITERIA, row["criteria"], strict=True):
        con.execute(
            "INSERT INTO criterion_scores (conversation_id, rubric_id, criterion_id, value, score,"
            " na, failed, critical, rationale, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, false, '', '[]')",
            [conversation_id, rubric_id, criterion_id, value,
             None if value is None else 100 * value, value is None, value == 0.0],
        )  # fmt: skip
    if row["reviewed"]:
        review_id = 1 + con.execute("SELECT count(*) FROM reviews").fetchone()[0]
        con.execute(
            "INSERT INTO reviews (review_id, conversation_id, reviewer_id, written_by, version,"
            " status, quality_score, critical_failed, created_at)"
            " VALUES (?, ?, 'rita', 'rita', 1, 'submitted', ?, false, ?)",
            [review_id, conversation_id, row["quality"], created_at or START],
        )
        for (rubric_id, criterion_id), value in zip(CRITERIA, row["criteria"], strict=True):
            con.execute(
                "INSERT INTO review_criteria (review_id, rubric_id, criterion_id, value, score,"
                " na, failed, critical, overridden) VALUES (?, ?, ?, ?, ?, ?, ?, false, false)",
                [review_id, rubric_id, criterion_id, value,
                 None if value is None else 100 * value, value is None, value == 0.0],
            )  # fmt: skip


def _no_raw_words(text: str) -> None:
    for word in RAW:
        assert word not in text, text


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(agents=st.lists(agent, min_size=1, max_size=3), held_day=st.integers(0, 120))
def test_coaching_reads_and_labels_work_for_any_agent(agents, held_day):
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "w.duckdb"
        with connect(db) as con:
            for number, rows in enumerate(agents):
                for index, row in enumerate(rows):
                    _write(con, f"agent{number}", index, row)
            for number, rows in enumerate(agents):
                agent_id = f"agent{number}"
                for reviewed_only in (True, False):
                    for since in (None, START):
                        weak = queries.frame(
                            con, "agent_weak_criteria", viewer=MANAGER, agent_id=agent_id,
                            since=since, reviewed_only=reviewed_only,
                        )  # fmt: skip
                        assert ((weak["fail_rate"] >= 0) & (weak["fail_rate"] <= 1)).all()
                    candidates = queries.frame(
                        con, "coaching_candidates", viewer=MANAGER, agent_id=agent_id,
                        reviewed_only=reviewed_only, limit=200,
                    )  # fmt: skip
                    for row in candidates.itertuples():
                        _no_raw_words(load.candidate_label(row))
                if not rows:
                    continue  # no conversations: the page does not list the agent
                session_id = coaching.create_session(
                    con,
                    MANAGER,
                    coaching.CoachingRequest(
                        agent_id=agent_id, focus_criteria=CRITERIA,
                        held_at=START + timedelta(days=held_day),
                    ),
                )  # fmt: skip
                params = {"coaching_session_id": session_id, "window_days": 42}
                before_after = load.with_change_intervals(
                    queries.frame(con, "coaching_before_after", viewer=MANAGER, **params)
                )
                for row in before_after.itertuples():
                    if row.change_low is not None and not pd.isna(row.change_low):
                        assert row.change_low <= row.change + 1e-9 <= row.change_high + 2e-9
                    n = min(row.before_conversations, row.after_conversations)
                    assert row.small_sample == (n < coaching.SMALL_SAMPLE)
            sessions = queries.frame(
                con, "coaching_sessions", viewer=MANAGER, agent_id=None, team=None
            )
            for row in sessions.itertuples():
                _no_raw_words(load.session_label(row))


numbers = st.none() | st.floats(allow_nan=True, allow_infinity=False, width=32)


@given(
    before=numbers, before_sd=numbers, before_n=st.integers(0, 50),
    after=numbers, after_sd=numbers, after_n=st.integers(0, 50),
)  # fmt: skip
def test_change_interval_never_fails_and_brackets_the_change(
    before, before_sd, before_n, after, after_sd, after_n
):
    change = coaching.change_interval(before, before_sd, before_n, after, after_sd, after_n)
    assert change.small_sample == (min(before_n, after_n) < coaching.SMALL_SAMPLE)
    assert change.verdict
    if change.low is not None and not math.isnan(change.low) and change.change is not None:
        assert change.low <= change.change <= change.high or math.isinf(change.high)


@given(
    created_at=st.none() | st.just(pd.NaT) | st.datetimes(),
    quality=st.none() | st.just(float("nan")) | st.floats(0, 100),
    source=st.none() | st.sampled_from(["review", "auto"]),
    failed=st.none() | st.just(float("nan")) | st.just("empathy.apology, resolution.x"),
)
def test_candidate_labels_never_show_raw_missing_values(created_at, quality, source, failed):
    row = pd.Series(
        {"conversation_id": "c1", "created_at": created_at, "quality_score": quality,
         "score_source": source, "failed_criteria": failed}
    )  # fmt: skip
    label = load.candidate_label(row)
    _no_raw_words(label)
    assert "empathy.apology" not in label
