"""Cached loader for the AutoQA accuracy page: review pairs, agreement figures, labels."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from config.settings import default_db_path
from dashboard.loaders.rubrics import rubric_set
from scoring.rubric import RubricError
from warehouse import queries
from warehouse.access.viewer import Viewer
from warehouse.review import autoqa_accuracy
from warehouse.storage.connection import connect

TTL_SECONDS = 120


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _pairs(db: str, viewer: Viewer, since: datetime) -> tuple[pd.DataFrame, dict[str, datetime]]:
    with connect(db) as con:
        pairs = pd.DataFrame(autoqa_accuracy.review_pairs(con, viewer, since=since))
        versions = {
            r["rubric_set_hash"]: r["loaded_at"] for r in queries.run(con, "rubric_set_versions")
        }
    return pairs, versions


def pairs(viewer: Viewer, since: datetime) -> tuple[pd.DataFrame, dict[str, datetime]]:
    """(every current review's criteria beside the auto answer, rubric version -> loaded at)."""
    return _pairs(str(default_db_path()), viewer, since)


@st.cache_data(ttl=TTL_SECONDS, show_spinner="Computing agreement…")
def _agreement(
    db: str, viewer: Viewer, since: datetime, group_by: str, threshold: float
) -> list[autoqa_accuracy.Agreement]:
    frame, _ = _pairs(db, viewer, since)
    return autoqa_accuracy.summarise(
        frame.to_dict("records"), criterion_scales(), group_by=group_by, alpha_threshold=threshold
    )


def agreement(
    viewer: Viewer, since: datetime, group_by: str, threshold: float
) -> list[autoqa_accuracy.Agreement]:
    return _agreement(str(default_db_path()), viewer, since, group_by, threshold)


def criterion_scales() -> dict[tuple[str, str], str]:
    try:
        rubrics = rubric_set()
    except RubricError:
        return {}
    return {(r.id, c.id): c.scale for r in rubrics.rubrics for c in r.criteria}


def criterion_labels() -> dict[tuple[str, str], tuple[str, str]]:
    """(rubric, criterion) -> (rubric name, criterion question) from the rubrics in force."""
    try:
        rubrics = rubric_set()
    except RubricError:
        return {}
    return {(r.id, c.id): (r.name, c.question) for r in rubrics.rubrics for c in r.criteria}
