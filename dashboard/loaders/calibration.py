"""Cached loaders (and the session setup write) for the calibration page."""

from __future__ import annotations

from dataclasses import asdict

import pandas as pd
import streamlit as st

from cornerstone.settings import default_db_path
from warehouse import calibration, queries
from warehouse.connection import connect
from warehouse.viewer import Viewer

TTL_SECONDS = 120
DISAGREEMENT_LIMIT = 15


def _db() -> str:
    return str(default_db_path())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _sessions(db: str) -> tuple[pd.DataFrame, list[str]]:
    with connect(db) as con:
        return (
            queries.frame(con, "calibration_sessions"),
            [r["user_id"] for r in queries.run(con, "calibration_reviewer_options")],
        )


def sessions() -> tuple[pd.DataFrame, list[str]]:
    """(calibration sessions with progress, user ids who can take part)."""
    return _sessions(_db())


@st.cache_data(ttl=TTL_SECONDS, show_spinner="Computing agreement…")
def _figures(db: str, viewer: Viewer, session_id: int | None) -> dict:
    with connect(db) as con:
        rows = calibration.ratings(con, viewer, session_id)
        params = {"calibration_session_id": session_id}
        disagreements = queries.frame(
            con, "calibration_disagreements", viewer=viewer, **params, limit=DISAGREEMENT_LIMIT
        )
        leniency = queries.frame(con, "reviewer_leniency", viewer=viewer, **params)
        conversations = (
            queries.frame(con, "calibration_session_conversations", viewer=viewer, **params)
            if session_id is not None
            else pd.DataFrame()
        )
    agreement = pd.DataFrame(
        [asdict(a) for a in calibration.criterion_agreement(rows)],
        columns=["rubric_id", "criterion_id", "level", "conversations", "alpha",
                 "percent_agreement", "alpha_with_auto", "agreement_with_auto"],
    )  # fmt: skip
    units = {r["conversation_id"] for r in rows}
    raters = {r["rater"] for r in rows if r["rater"] != calibration.AUTO_RATER}
    return {
        "agreement": agreement,
        "overall_alpha": calibration.overall_alpha(rows),
        "conversations": len(units),
        "reviewers": len(raters),
        "disagreements": disagreements,
        "leniency": leniency,
        "session_conversations": conversations,
    }


def figures(viewer: Viewer, session_id: int | None) -> dict:
    """Agreement per criterion, quality-score alpha, most-disagreed conversations, leniency."""
    return _figures(_db(), viewer, session_id)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _candidates(db: str, viewer: Viewer, team: str | None, seed: int, limit: int) -> pd.DataFrame:
    with connect(db) as con:
        return queries.frame(
            con, "calibration_candidates", viewer=viewer, team=team, seed=seed, limit=limit
        )


def candidates(viewer: Viewer, team: str | None, seed: int, limit: int) -> pd.DataFrame:
    """A reproducible random pick of scored conversations not yet calibrated."""
    return _candidates(_db(), viewer, team, seed, limit)


def create_session(viewer: Viewer, **fields) -> int:
    with connect(_db()) as con:
        session_id = calibration.create_session(con, viewer, **fields)
    _sessions.clear()
    _candidates.clear()
    return session_id
