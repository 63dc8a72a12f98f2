"""Cached loaders (and the writes) for the coaching page, and the words it shows for rows.

Reads are keyed on `data_version()` (a cheap count of sessions and reviews), so a session saved
here, in another tab or by another process is listed on the next run.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from config.settings import default_db_path
from dashboard import labels
from warehouse import queries
from warehouse.access.viewer import Viewer
from warehouse.review import coaching
from warehouse.storage.connection import connect

TTL_SECONDS = 120


def _db() -> str:
    return str(default_db_path())


def data_version() -> tuple:
    """Not cached: one small query."""
    with connect(_db()) as con:
        return tuple(queries.run(con, "coaching_data_version")[0].values())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _sessions(
    db: str, viewer: Viewer, agent_id: str | None, team: str | None, version: tuple
) -> pd.DataFrame:
    with connect(db) as con:
        return queries.frame(con, "coaching_sessions", viewer=viewer, agent_id=agent_id, team=team)


def sessions(
    viewer: Viewer, agent_id: str | None = None, team: str | None = None, version: tuple = ()
) -> pd.DataFrame:
    return _sessions(_db(), viewer, agent_id, team, version)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _session_results(
    db: str, viewer: Viewer, session_id: int, window_days: int, version: tuple
) -> tuple[pd.DataFrame, pd.DataFrame]:
    with connect(db) as con:
        params = {"coaching_session_id": session_id, "window_days": window_days}
        return (
            queries.frame(con, "coaching_before_after", viewer=viewer, **params),
            queries.frame(con, "coaching_focus_weekly", viewer=viewer, **params),
        )


def session_results(
    viewer: Viewer,
    session_id: int,
    window_days: int = coaching.DEFAULT_WINDOW_DAYS,
    version: tuple = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(before/after per focus criterion with counts and a 95% interval, weekly focus scores)."""
    before_after, weekly = _session_results(_db(), viewer, session_id, window_days, version)
    return with_change_intervals(before_after), weekly


def with_change_intervals(frame: pd.DataFrame) -> pd.DataFrame:
    """Adds change_low / change_high (95% interval of after - before), small_sample, verdict."""
    changes = [
        coaching.change_interval(
            row.before_score,
            row.before_sd,
            row.before_conversations,
            row.after_score,
            row.after_sd,
            row.after_conversations,
        )  # fmt: skip
        for row in frame.itertuples()
    ]
    return frame.assign(
        change_low=[c.low for c in changes],
        change_high=[c.high for c in changes],
        small_sample=[c.small_sample for c in changes],
        verdict=[c.verdict for c in changes],
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _agent_material(
    db: str, viewer: Viewer, agent_id: str, since: datetime | None, reviewed_only: bool,
    version: tuple,
) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    with connect(db) as con:
        return (
            queries.frame(
                con, "agent_weak_criteria", viewer=viewer, agent_id=agent_id, since=since,
                reviewed_only=reviewed_only,
            ),
            queries.frame(
                con, "coaching_candidates", viewer=viewer, agent_id=agent_id,
                reviewed_only=reviewed_only, limit=200,
            ),
        )  # fmt: skip


def agent_material(
    viewer: Viewer,
    agent_id: str,
    since: datetime | None,
    reviewed_only: bool = True,
    version: tuple = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the agent's failure rate per criterion since `since`, conversations to build a session
    from); both from human reviews only when `reviewed_only`."""
    return _agent_material(_db(), viewer, agent_id, since, reviewed_only, version)


@st.cache_data(ttl=300, show_spinner=False)
def _criteria(db: str) -> list[tuple[str, str]]:
    with connect(db) as con:
        return [(r["rubric_id"], r["criterion_id"]) for r in queries.run(con, "criteria_catalogue")]


def criteria() -> list[tuple[str, str]]:
    """Every (rubric, criterion) that has been scored."""
    return _criteria(_db())


def candidate_label(row) -> str:
    """One conversation in the "Conversations discussed" picker; safe with missing date, score,
    source or failed criteria (rows from imports without dates, unscored conversations)."""
    source = labels.SOURCE_WORDS.get(getattr(row, "score_source", None), "no score")
    return (
        f"{row.conversation_id} · {labels.day(row.created_at, '%d %b %Y')} · "
        f"quality {labels.number(row.quality_score)} ({source}) · failed: "
        f"{labels.criterion_keys_names(row.failed_criteria)}"
    )


def session_label(row) -> str:
    """One session in the session picker; safe with missing dates and focus."""
    return (
        f"#{row.coaching_session_id} · {labels.text(row.agent_name)} · "
        f"{labels.day(row.held_at)} · {labels.criterion_keys_names(row.focus)}"
    )


def create_session(viewer: Viewer, request: coaching.CoachingRequest) -> int:
    """Save the session and drop cached reads so the new session shows at once."""
    with connect(_db()) as con:
        session_id = coaching.create_session(con, viewer, request)
    st.cache_data.clear()
    return session_id


def acknowledge_session(viewer: Viewer, session_id: int, response: str) -> None:
    with connect(_db()) as con:
        coaching.acknowledge_session(con, viewer, session_id, response)
    st.cache_data.clear()
