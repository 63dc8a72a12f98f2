"""Cached loaders for the rubric page: the rubric files in force and how their criteria behave."""

from __future__ import annotations

import inspect
from datetime import datetime

import pandas as pd
import streamlit as st

from config.settings import default_db_path
from scoring.loader import default_rubrics_dir, import_detectors, load_rubrics
from scoring.rubric import RubricSet
from warehouse import queries
from warehouse.access.viewer import Viewer
from warehouse.storage.connection import connect


@st.cache_data(ttl=300, show_spinner=False)
def _rubric_set(directory: str) -> RubricSet:
    return load_rubrics(directory)


def rubric_set() -> RubricSet:
    """The validated rubric files (raises scoring.rubric.RubricError with every problem found)."""
    return _rubric_set(str(default_rubrics_dir()))


@st.cache_data(ttl=300, show_spinner=False)
def detector_descriptions() -> dict[str, str]:
    """Registered detector name -> the first paragraph of its docstring."""
    described = {}
    for name, function in import_detectors().items():
        doc = inspect.getdoc(function) or ""
        described[name] = doc.split("\n\n")[0].replace("\n", " ")
    return described


@st.cache_data(ttl=120, show_spinner=False)
def _outcomes(db: str, viewer: Viewer, since: datetime) -> tuple[pd.DataFrame, pd.DataFrame]:
    with connect(db) as con:
        return (
            queries.frame(con, "criterion_outcomes", viewer=viewer, since=since),
            queries.frame(con, "scored_rubric_sets", viewer=viewer),
        )


def outcomes(viewer: Viewer, since: datetime) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per-criterion N/A/passed/failed counts, rubric set versions that scored the data)."""
    return _outcomes(str(default_db_path()), viewer, since)
