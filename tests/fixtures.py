"""Test data written straight into a real DuckDB file: conversations, messages, auto-scores with
evidence, rubric sets, reviews. Shared by the review, manager, agent and access-control tests.

    from tests.fixtures import build_small_warehouse
    info = build_small_warehouse(db_path)   # 2 teams, 4 agents, 24 scored conversations

Everything is deterministic (no randomness), so tests can name the rows they expect.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from warehouse.autoscore import sampling_facts
from warehouse.storage.connection import connect

RUBRIC_SET_HASH = "fixture-rubrics-v1"

# Rubrics as `rubric_sets.definition` stores them (`qa score`; warehouse/review/rubric_specs.py reads them
# through the rubric model; detectors are not looked up for a stored set).
RUBRIC_DEFINITION: list[dict[str, Any]] = [
    {
        "id": "empathy",
        "name": "Empathy",
        "weight": 1.0,
        "criteria": [
            {
                "id": "acknowledges_feelings",
                "question": "Acknowledges the customer's feelings",
                "detectors": ["agent_phrase"],
                "scale": "yes_no",
            },
            {
                "id": "tone",
                "question": "Warm, polite tone",
                "scale": "1-5",
                "weight": 2.0,
                "detectors": ["agent_phrase"],
            },
        ],
    },
    {
        "id": "resolution",
        "name": "Resolution",
        "weight": 2.0,
        "criteria": [
            {
                "id": "confirmed_resolved",
                "question": "Confirms the issue is resolved",
                "detectors": ["agent_phrase"],
                "scale": "yes_no",
            },
            {
                "id": "no_false_promise",
                "question": "No false promises",
                "detectors": ["agent_phrase"],
                "scale": "yes_no",
                "critical": True,
            },
        ],
    },
]

TEAMS = {"Billing": ["agent_ann", "agent_bob"], "Tech": ["agent_cat", "agent_dan"]}
AGENT_NAMES = {"agent_ann": "Ann", "agent_bob": "Bob", "agent_cat": "Cat", "agent_dan": "Dan"}
CHANNELS = ("chat", "email", "phone")
START = datetime(2026, 3, 2, 9, 0, 0)  # a Monday


@dataclass
class FixtureInfo:
    db_path: Path
    conversation_ids: list[str] = field(default_factory=list)
    by_agent: dict[str, list[str]] = field(default_factory=dict)
    by_team: dict[str, list[str]] = field(default_factory=dict)


def add_conversation(
    con,
    conversation_id: str,
    messages: Sequence[dict[str, Any]],
    *,
    agent_id: str | None = None,
    agent_name: str | None = None,
    team: str | None = None,
    channel: str = "chat",
    created_at: datetime | None = None,
    csat: int | None = None,
    nps: int | None = None,
    ces: int | None = None,
    subject: str | None = None,
    customer_name: str | None = "Dana",
) -> None:
    """Insert one conversation and its messages (dicts with role, text, author, sent_at, internal)."""
    con.execute(
        "INSERT INTO conversations (conversation_id, source_format, channel, created_at, status, agent_id,"
        " agent_name, team, customer_id, customer_name, csat, nps, ces, tags, subject, message_count,"
        " content_hash, import_id, imported_at) VALUES"
        " (?, 'canonical_jsonl', ?, ?, 'solved', ?, ?, ?, ?, ?, ?, ?, ?, [], ?, ?, ?, NULL, ?)",
        [
            conversation_id, channel, created_at, agent_id, agent_name, team, f"cust-{conversation_id}",
            customer_name, csat, nps, ces, subject, len(messages), f"hash-{conversation_id}",
            created_at or START,
        ],
    )  # fmt: skip
    for index, message in enumerate(messages):
        con.execute(
            "INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                conversation_id, index, message["role"], message.get("author"), message["text"],
                message.get("sent_at"), bool(message.get("internal", False)),
            ],
        )  # fmt: skip


def add_rubric_set(
    con, definition=RUBRIC_DEFINITION, rubric_set_hash: str = RUBRIC_SET_HASH
) -> None:
    con.execute(
        "INSERT INTO rubric_sets VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        [rubric_set_hash, START, json.dumps(definition)],
    )


def add_scores(
    con,
    conversation_id: str,
    criteria: dict[tuple[str, str], dict[str, Any]],
    *,
    quality_score: float,
    critical_failed: bool = False,
    rubric_scores: dict[str, float | None] | None = None,
    sentiment_min: float | None = 0.0,
    handle_seconds: float | None = 600.0,
    rubric_set_hash: str = RUBRIC_SET_HASH,
) -> None:
    """Insert the auto-score rows of one conversation. `criteria[(rubric, criterion)]` has value, na,
    failed, critical, rationale, evidence (list of {message_index, start, end, quote})."""
    con.execute(
        "INSERT INTO conversation_scores VALUES (?, ?, ?, ?, ?, 30, 120, ?, 0.1, 0.2, ?, true, ?)",
        [
            conversation_id, rubric_set_hash, f"hash-{conversation_id}", quality_score, critical_failed,
            handle_seconds, sentiment_min, START,
        ],
    )  # fmt: skip
    for rubric_id, score in (rubric_scores or {}).items():
        con.execute(
            "INSERT INTO rubric_scores VALUES (?, ?, ?)", [conversation_id, rubric_id, score]
        )
    for (rubric_id, criterion_id), c in criteria.items():
        con.execute(
            "INSERT INTO criterion_scores VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                conversation_id, rubric_id, criterion_id, c.get("value"), c.get("score"), bool(c.get("na")),
                bool(c.get("failed")), bool(c.get("critical")), c.get("rationale", ""),
                json.dumps(c.get("evidence", [])),
            ],
        )  # fmt: skip


def _transcript(i: int, agent_name: str, start: datetime) -> list[dict[str, Any]]:
    return [
        {"role": "customer", "author": "Dana", "text": f"Hi, my invoice #{1000 + i} is wrong and I'm upset.",
         "sent_at": start},
        {"role": "agent", "author": agent_name, "text": "I'm sorry to hear that, Dana. Let me check the invoice.",
         "sent_at": start + timedelta(minutes=2 + i % 5)},
        {"role": "agent", "author": agent_name, "text": "Customer was double-billed; refund raised.",
         "sent_at": start + timedelta(minutes=4 + i % 5), "internal": True},
        {"role": "customer", "author": "Dana", "text": "Thanks <b>so</b> much!",
         "sent_at": start + timedelta(minutes=40 + i)},
        {"role": "agent", "author": agent_name, "text": "You're welcome. Is everything resolved now?",
         "sent_at": start + timedelta(minutes=41 + i)},
    ]  # fmt: skip


def _auto_criteria(
    i: int,
) -> tuple[dict[tuple[str, str], dict[str, Any]], float, bool, dict[str, float]]:
    sorry = "I'm sorry to hear that"
    acknowledges = i % 3 != 0
    tone = 1 + i % 5
    resolved = i % 4 != 0
    false_promise = i % 6 == 5
    criteria = {
        ("empathy", "acknowledges_feelings"): {
            "value": float(acknowledges), "score": 100.0 * acknowledges, "failed": not acknowledges,
            "rationale": "apology found" if acknowledges else "no acknowledgement",
            "evidence": [{"message_index": 1, "start": 0, "end": len(sorry), "quote": sorry}] if acknowledges else [],
        },
        ("empathy", "tone"): {
            "value": float(tone), "score": (tone - 1) * 25.0, "failed": tone < 3, "rationale": "politeness markers",
            "evidence": [{"message_index": 4, "start": 0, "end": 14, "quote": "You're welcome"}],
        },
        ("resolution", "confirmed_resolved"): (
            {"value": float(resolved), "score": 100.0 * resolved, "failed": not resolved,
             "rationale": "asked whether resolved",
             "evidence": [{"message_index": 4, "start": 16, "end": 43, "quote": "Is everything resolved now?"}]}
        ),
        ("resolution", "no_false_promise"): {
            "value": float(not false_promise), "score": 100.0 * (not false_promise), "failed": false_promise,
            "critical": True, "rationale": "no promise" if not false_promise else "promised a date",
        },
    }  # fmt: skip
    if i % 7 == 6:  # N/A on the auto side: nothing to judge
        criteria[("resolution", "confirmed_resolved")] = {"value": None, "score": None, "na": True}
    empathy = (100.0 * acknowledges + 2 * (tone - 1) * 25.0) / 3
    res_vals = [c["score"] for k, c in criteria.items() if k[0] == "resolution" and not c.get("na")]
    resolution = sum(res_vals) / len(res_vals)
    quality = 0.0 if false_promise else (empathy + 2 * resolution) / 3
    return criteria, quality, false_promise, {"empathy": empathy, "resolution": resolution}


# Accounts matching the small warehouse (login, role, agent_id, teams); password for all: FIXTURE_PASSWORD.
FIXTURE_PASSWORD = "correct-horse-battery-staple-42"
FIXTURE_USERS = (
    ("admin", "admin", None, ()),
    ("lee", "qa_lead", None, ()),
    ("rita", "reviewer", None, ()),
    ("sam", "reviewer", None, ()),
    ("meg", "manager", None, ("Billing",)),
    ("tom", "manager", None, ("Tech",)),
    *((agent_id.removeprefix("agent_"), "agent", agent_id, ()) for agent_id in AGENT_NAMES),
)


def add_users(con, users=FIXTURE_USERS, password: str = FIXTURE_PASSWORD) -> None:
    """Real accounts through F's warehouse.access.users.add_user (hashing, policy), e.g. for sign-in tests."""
    from warehouse.access import users as accounts
    from warehouse.access.viewer import SYSTEM

    for login, role, agent_id, teams in users:
        accounts.add_user(con, SYSTEM, login, role, password, agent_id=agent_id, teams=teams)


def build_small_warehouse(
    db_path: Path, per_agent: int = 6, with_users: bool = False
) -> FixtureInfo:
    """2 teams × 2 agents × `per_agent` scored conversations over three weeks, with evidence."""
    info = FixtureInfo(db_path=Path(db_path))
    with connect(db_path) as con:
        add_rubric_set(con)
        i = 0
        for team, agents in TEAMS.items():
            for agent_id in agents:
                for k in range(per_agent):
                    conversation_id = f"conv-{i:03d}"
                    start = START + timedelta(days=3 * k, hours=i % 8)
                    add_conversation(
                        con, conversation_id, _transcript(i, AGENT_NAMES[agent_id], start), agent_id=agent_id,
                        agent_name=AGENT_NAMES[agent_id], team=team, channel=CHANNELS[i % 3], created_at=start,
                        csat=1 + i % 5, nps=i % 11, subject=f"Invoice question {i}",
                    )  # fmt: skip
                    criteria, quality, critical, rubric_scores = _auto_criteria(i)
                    add_scores(
                        con, conversation_id, criteria, quality_score=quality, critical_failed=critical,
                        rubric_scores=rubric_scores, sentiment_min=-0.8 if i % 4 == 1 else 0.1,
                        handle_seconds=600.0 * (1 + i % 10) if i % 9 else 200_000.0,
                    )  # fmt: skip
                    info.conversation_ids.append(conversation_id)
                    info.by_agent.setdefault(agent_id, []).append(conversation_id)
                    info.by_team.setdefault(team, []).append(conversation_id)
                    i += 1
        # Scores written straight into the tables bypass warehouse.autoscore.scores.write_scores, which
        # keeps the sampling facts; derive them as it would.
        sampling_facts.rebuild(con)
        if with_users:
            add_users(con)
    return info
