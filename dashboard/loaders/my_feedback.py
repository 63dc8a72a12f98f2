"""Cached loaders (and the agent's writes) for the My feedback page. Every read is scoped to the
viewer in SQL, so an agent gets only their own rows whatever ids the page passes."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from config.settings import default_db_path
from dashboard.loaders import coaching as coaching_loaders
from dashboard.loaders.trends import PASS_MARK
from warehouse import queries
from warehouse.access.viewer import Viewer
from warehouse.review import coaching, reviews
from warehouse.storage.connection import connect

TTL_SECONDS = 60
REVIEWED_LIMIT = 200


def _db() -> str:
    return str(default_db_path())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _overview(db: str, viewer: Viewer, agent_id: str | None, since: datetime, until: datetime):
    with connect(db) as con:
        # Every scored conversation's auto-score (the trends page's "Quality from: auto-score").
        filters = dict(
            team=None, agent_id=agent_id, channel=None, since=since, until=until, source="auto",
            pass_mark=PASS_MARK,
        )  # fmt: skip
        return {
            "summary": queries.run(con, "my_feedback_summary", viewer=viewer, agent_id=agent_id)[0],
            "quality": queries.frame(
                con, "trend_quality", viewer=viewer, **filters, grain="week", series="agent"
            ),
            "rubrics": queries.frame(con, "trend_rubrics", viewer=viewer, **filters, grain="week"),
            "reviewed": queries.frame(
                con, "my_reviewed_conversations", viewer=viewer, agent_id=agent_id,
                limit=REVIEWED_LIMIT,
            ),
            "disputes": queries.frame(con, "my_disputes", viewer=viewer, agent_id=agent_id),
        }  # fmt: skip


def overview(viewer: Viewer, agent_id: str | None, since: datetime, until: datetime) -> dict:
    """Headline figures, weekly quality and rubric trends, reviewed conversations, disputes."""
    return _overview(_db(), viewer, agent_id, since, until)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _conversation(db: str, viewer: Viewer, conversation_id: str) -> dict[str, pd.DataFrame]:
    with connect(db) as con:
        params = {"conversation_id": conversation_id}
        return {
            "messages": queries.frame(con, "my_messages", viewer=viewer, **params),
            "criteria": queries.frame(con, "my_review_criteria", viewer=viewer, **params),
            "comments": queries.frame(con, "my_comments", viewer=viewer, **params),
        }


def conversation(viewer: Viewer, conversation_id: str) -> dict[str, pd.DataFrame]:
    """Transcript, review criteria (with auto evidence) and comments; empty if not visible."""
    return _conversation(_db(), viewer, conversation_id)


def _clear() -> None:
    _overview.clear()
    _conversation.clear()
    coaching_loaders._sessions.clear()


def acknowledge(viewer: Viewer, conversation_id: str, review_id: int | None, note: str) -> None:
    with connect(_db()) as con:
        coaching.acknowledge_feedback(con, viewer, conversation_id, review_id, note)
    _clear()


def dispute(viewer: Viewer, review_id: int, rubric_id: str, criterion_id: str, comment: str) -> int:
    with connect(_db()) as con:
        dispute_id = reviews.open_dispute(con, viewer, review_id, rubric_id, criterion_id, comment)
    _clear()
    return dispute_id
