"""Cached loaders (and the write) for the coaching page."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from cornerstone.settings import default_db_path
from warehouse import coaching, queries
from warehouse.connection import connect
from warehouse.viewer import Viewer

TTL_SECONDS = 120


def _db() -> str:
    return str(default_db_path())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _sessions(db: str, viewer: Viewer, agent_id: str | None, team: str | None) -> pd.DataFrame:
    with connect(db) as con:
        return queries.frame(con, "coaching_sessions", viewer=viewer, agent_id=agent_id, team=team)


def sessions(viewer: Viewer, agent_id: str | None = None, team: str | None = None) -> pd.DataFrame:
    return _sessions(_db(), viewer, agent_id, team)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _session_results(
    db: str, viewer: Viewer, session_id: int, window_days: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    with connect(db) as con:
        params = {"coaching_session_id": session_id, "window_days": window_days}
        return (
            queries.frame(con, "coaching_before_after", viewer=viewer, **params),
            queries.frame(con, "coaching_focus_weekly", viewer=viewer, **params),
        )


def session_results(
    viewer: Viewer, session_id: int, window_days: int = coaching.DEFAULT_WINDOW_DAYS
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(before/after per focus criterion, weekly focus scores around the session)."""
    return _session_results(_db(), viewer, session_id, window_days)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _agent_material(
    db: str, viewer: Viewer, agent_id: str, since: datetime, reviewed_only: bool
) -> tuple[pd.DataFrame, pd.DataFrame]:
    with connect(db) as con:
        return (
            queries.frame(con, "agent_weak_criteria", viewer=viewer, agent_id=agent_id, since=since),
            queries.frame(
                con, "coaching_candidates", viewer=viewer, agent_id=agent_id,
                reviewed_only=reviewed_only, limit=200,
            ),
        )  # fmt: skip


def agent_material(
    viewer: Viewer, agent_id: str, since: datetime, reviewed_only: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the agent's failure rate per criterion since `since`, conversations to build a session from)."""
    return _agent_material(_db(), viewer, agent_id, since, reviewed_only)


@st.cache_data(ttl=300, show_spinner=False)
def _criteria(db: str) -> list[tuple[str, str]]:
    with connect(db) as con:
        return [(r["rubric_id"], r["criterion_id"]) for r in queries.run(con, "criteria_catalogue")]


def criteria() -> list[tuple[str, str]]:
    """Every (rubric, criterion) that has been scored."""
    return _criteria(_db())


def create_session(viewer: Viewer, request: coaching.CoachingRequest) -> int:
    """Save the session and drop cached coaching reads so the new session shows at once."""
    with connect(_db()) as con:
        session_id = coaching.create_session(con, viewer, request)
    _sessions.clear()
    return session_id


def acknowledge_session(viewer: Viewer, session_id: int, response: str) -> None:
    with connect(_db()) as con:
        coaching.acknowledge_session(con, viewer, session_id, response)
    _sessions.clear()
