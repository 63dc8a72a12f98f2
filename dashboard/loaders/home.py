"""Cached loaders for the home page: what needs the signed-in person now, per role."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from config.settings import default_db_path
from warehouse import queries
from warehouse.access.viewer import Viewer
from warehouse.storage.connection import connect

TTL_SECONDS = 30
LIMIT = 10
MOVER_DAYS = 28


def _db() -> str:
    return str(default_db_path())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _counts(db: str, viewer: Viewer) -> dict:
    with connect(db) as con:
        return queries.run(con, "overview_counts", viewer=viewer)[0]


def counts(viewer: Viewer) -> dict:
    """Conversations and messages the viewer can see (imports, quarantine, scored: admins)."""
    return _counts(_db(), viewer)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _blocks(db: str, viewer: Viewer, today: date) -> dict[str, pd.DataFrame]:
    found: dict[str, pd.DataFrame] = {}
    with connect(db) as con:
        if viewer.role in ("reviewer", "qa_lead", "admin"):
            found["assignments"] = queries.frame(
                con,
                "home_my_assignments",
                viewer=viewer,
                user_id=viewer.user_id,
                today=today,
                limit=LIMIT,
            )
        if viewer.role == "agent":
            found["feedback"] = queries.frame(
                con, "home_feedback_to_acknowledge", viewer=viewer, agent_id=viewer.agent_id,
                limit=LIMIT,
            )  # fmt: skip
            found["disputes"] = queries.frame(
                con, "home_my_disputes", viewer=viewer, agent_id=viewer.agent_id, limit=LIMIT
            )
        if viewer.role in ("manager", "qa_lead", "admin"):
            found["movers"] = queries.frame(
                con, "home_team_movers", viewer=viewer, days=MOVER_DAYS, limit=LIMIT
            )
            found["coaching_due"] = queries.frame(
                con, "home_coaching_due", viewer=viewer, since=today - timedelta(days=30),
                limit=LIMIT,
            )  # fmt: skip
        if viewer.role in ("qa_lead", "admin", "manager"):
            found["open_disputes"] = queries.frame(
                con, "home_open_disputes", viewer=viewer, limit=LIMIT
            )
        if viewer.role in ("qa_lead", "admin"):
            found["calibration"] = queries.frame(con, "home_calibration_in_progress", limit=LIMIT)
    return found


def blocks(viewer: Viewer, today: date) -> dict[str, pd.DataFrame]:
    """The frames the viewer's home page shows, by block name."""
    return _blocks(_db(), viewer, today)
