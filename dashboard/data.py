"""Cached read loaders for the pages: each calls one named query with the viewer."""

from __future__ import annotations

import streamlit as st

from config.settings import default_db_path
from warehouse import queries
from warehouse.access.viewer import Viewer
from warehouse.storage.connection import connect


@st.cache_data(ttl=60, show_spinner=False)
def overview_counts(viewer: Viewer) -> dict:
    with connect(default_db_path()) as con:
        return queries.run(con, "overview_counts", viewer=viewer)[0]
