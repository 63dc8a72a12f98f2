"""Demo coaching sessions for `qa demo` (the coaching step): the roster's coaching events,
recorded through the real `create_session`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

import duckdb

from warehouse import queries
from warehouse.access import users
from warehouse.access.viewer import SYSTEM, Viewer
from warehouse.review.coaching import CoachingRequest, create_session


def seed_demo_coaching(
    con: duckdb.DuckDBPyConnection, events: Iterable, *, max_sources: int = 5
) -> list[int]:
    """Record the demo roster's coaching events as sessions (coach = the event's coach); events
    already recorded are skipped, so re-running the demo adds nothing.

    The sources are the agent's lowest-scored conversations on the focus criteria in the four
    weeks before the session, so the demo's before/after panels have something to point at.
    """
    created = []
    for event in events:
        held_at = datetime.combine(event.coached_on, datetime.min.time()) + timedelta(hours=10)
        if queries.run(con, "coaching_session_exists", agent_id=event.agent_id, held_at=held_at)[0][
            "n"
        ]:
            continue  # a re-run of the demo adds nothing
        sources = _worst_recent_conversations(
            con, event.agent_id, event.focus_criteria, held_at, max_sources
        )
        team_rows = queries.run(con, "agent_for_coaching", viewer=SYSTEM, agent_id=event.agent_id)
        if not team_rows:
            continue  # the agent has no conversations in this (small) demo
        coach = _demo_coach(con, event.coach_user_id, team_rows[0]["team"])
        created.append(
            create_session(
                con,
                coach,
                CoachingRequest(
                    agent_id=event.agent_id,
                    focus_criteria=tuple(event.focus_criteria),
                    notes=event.notes,
                    goals=event.goals,
                    due_date=event.due_date,
                    held_at=held_at,
                    source_conversation_ids=tuple(sources),
                ),
            )
        )
    return created


def _demo_coach(con: duckdb.DuckDBPyConnection, user_id: str, team: str) -> Viewer:
    """The coach as the viewer they sign in as (a demo account), else the team's manager."""
    user = users.get_user(con, user_id)
    if user is not None and user.role != "agent":
        return Viewer(user_id=user_id, role=user.role, teams=tuple(user.teams or ()))
    return Viewer(user_id=user_id, role="manager", teams=(team,))


def _worst_recent_conversations(
    con: duckdb.DuckDBPyConnection,
    agent_id: str,
    focus: Sequence[tuple[str, str]],
    held_at: datetime,
    limit: int,
) -> list[str]:
    rows = queries.run(
        con,
        "coaching_seed_sources",
        viewer=SYSTEM,
        agent_id=agent_id,
        rubric_ids=[r for r, _ in focus],
        criterion_keys=[f"{r}.{c}" for r, c in focus],
        since=held_at - timedelta(days=28),
        until=held_at,
        limit=limit,
    )
    return [r["conversation_id"] for r in rows]
