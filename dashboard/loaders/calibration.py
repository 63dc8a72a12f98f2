"""Cached loaders (and the session setup write) for the calibration page.

Every cached read is keyed on `data_version()` (a cheap fingerprint of reviews, sessions and open
assignments), so a review submitted from the review page, another tab or another process shows
in the results on the next run, not after the cache's TTL.
"""

from __future__ import annotations

from dataclasses import asdict

import pandas as pd
import streamlit as st

from config.settings import default_db_path
from warehouse import queries
from warehouse.access.permissions import roles_with
from warehouse.access.viewer import Viewer
from warehouse.review import calibration
from warehouse.storage.connection import connect

TTL_SECONDS = 120
DISAGREEMENT_LIMIT = 15


def _db() -> str:
    return str(default_db_path())


def data_version() -> tuple:
    """Not cached: one small query; changes whenever anything the page shows changes."""
    with connect(_db()) as con:
        row = queries.run(con, "calibration_data_version")[0]
    return tuple(row.values())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _sessions(db: str, version: tuple) -> tuple[pd.DataFrame, dict[str, str]]:
    with connect(db) as con:
        return (
            queries.frame(con, "calibration_sessions"),
            {
                r["user_id"]: r["display_name"] or r["user_id"]
                for r in queries.run(
                    con, "calibration_reviewer_options", roles=roles_with("review.offered_work")
                )
            },
        )


def sessions(version: tuple) -> tuple[pd.DataFrame, dict[str, str]]:
    """(calibration sessions with progress, {user id: name} of accounts who can take part)."""
    return _sessions(_db(), version)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _my_progress(db: str, user_id: str, version: tuple) -> pd.DataFrame:
    with connect(db) as con:
        return queries.frame(con, "calibration_my_progress", user_id=user_id)


def my_progress(user_id: str, version: tuple) -> pd.DataFrame:
    """Per session the user takes part in: conversations, and how many they have reviewed."""
    return _my_progress(_db(), user_id, version)


@st.cache_data(ttl=TTL_SECONDS, show_spinner="Computing agreement…")
def _figures(db: str, viewer: Viewer, session_id: int | None, version: tuple) -> dict:
    with connect(db) as con:
        rows = calibration.ratings(con, viewer, session_id)
        params = {"calibration_session_id": session_id}
        disagreements = queries.frame(
            con, "calibration_disagreements", viewer=viewer, **params, limit=DISAGREEMENT_LIMIT
        )
        leniency = queries.frame(con, "reviewer_leniency", viewer=viewer, **params)
        if session_id is not None:
            conversations = queries.frame(
                con, "calibration_session_conversations", viewer=viewer, **params
            )
            matrix = queries.frame(con, "calibration_quality_matrix", viewer=viewer, **params)
        else:
            conversations = matrix = pd.DataFrame()
    agreement = pd.DataFrame(
        [asdict(a) for a in calibration.criterion_agreement(rows)],
        columns=["rubric_id", "criterion_id", "level", "conversations", "alpha",
                 "percent_agreement", "alpha_with_auto", "agreement_with_auto"],
    )  # fmt: skip
    raters = pd.DataFrame(
        [asdict(a) for a in calibration.rater_agreement(rows)],
        columns=["rater", "verdicts", "agreement_with_reviewers", "agreement_with_auto"],
    )
    units = {r["conversation_id"] for r in rows}
    return {
        "agreement": agreement,
        "raters": raters,
        "overall_alpha": calibration.overall_alpha(rows),
        "conversations": len(units),
        "reviewers": len(raters),
        "disagreements": disagreements,
        "leniency": leniency,
        "session_conversations": conversations,
        "matrix": matrix,
    }


def figures(viewer: Viewer, session_id: int | None, version: tuple) -> dict:
    """Agreement per criterion and per reviewer, quality-score alpha, most-disagreed
    conversations, leniency, and (for one session) every rater's score side by side."""
    return _figures(_db(), viewer, session_id, version)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _candidates(
    db: str, viewer: Viewer, team: str | None, seed: int, limit: int, version: tuple
) -> pd.DataFrame:
    with connect(db) as con:
        return queries.frame(
            con, "calibration_candidates", viewer=viewer, team=team, seed=seed, limit=limit
        )


def candidates(
    viewer: Viewer, team: str | None, seed: int, limit: int, version: tuple
) -> pd.DataFrame:
    """A reproducible random pick of scored conversations not yet calibrated."""
    return _candidates(_db(), viewer, team, seed, limit, version)


def create_session(viewer: Viewer, **fields) -> int:
    with connect(_db()) as con:
        session_id = calibration.create_session(con, viewer, **fields)
    st.cache_data.clear()  # queues, home pages and this page all changed
    return session_id
