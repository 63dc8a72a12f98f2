"""The browser's import and scoring: the same `warehouse.reading.ingest.ingest_file` as `qa ingest` and
the same scoring as `qa score` (warehouse/reading/first_run.py, admins only), then every cached read is
dropped."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st

from config.settings import default_db_path
from scoring.loader import default_rubrics_dir
from warehouse import queries
from warehouse.access.viewer import Viewer
from warehouse.reading import first_run
from warehouse.reading.import_report import ImportReport
from warehouse.reading.importers import registry
from warehouse.storage.connection import connect

# Scoring from the page runs in the server process (no worker pool forked from a threaded web
# server); `qa score` uses both cores for large volumes.
PAGE_WORKERS = 1


def formats() -> dict[str, str]:
    """--format name -> what it reads, with auto-detection first."""
    return {
        registry.AUTO: "Detect from the file",
        **{name: importer.description for name, importer in registry.importers().items()},
    }


def import_upload(
    viewer: Viewer,
    file_name: str,
    content: bytes,
    format: str = registry.AUTO,
    redact: bool = False,
) -> ImportReport:
    """Import an uploaded export exactly as `qa ingest` would (one transaction, quarantine)."""
    safe_name = Path(file_name).name or "upload"
    with tempfile.TemporaryDirectory(prefix="cornerstone-upload-") as folder:
        path = Path(folder) / safe_name
        path.write_bytes(content)
        report = first_run.import_file(viewer, default_db_path(), path, format, redact)
    st.cache_data.clear()
    return report


def score_now(viewer: Viewer, progress: Callable[[int, int], None] | None = None):
    """Score new and changed conversations, as `qa score` does; returns its summary."""
    summary = first_run.score(
        viewer, default_db_path(), default_rubrics_dir(), PAGE_WORKERS, progress
    )
    st.cache_data.clear()
    return summary


def quarantine(viewer: Viewer, import_id: int | None, limit: int = 200) -> pd.DataFrame:
    """Refused records (newest first), of one import when `import_id` is given."""
    with connect(default_db_path()) as con:
        frame = queries.frame(con, "quarantine_listing", viewer=viewer, limit=limit, raw_chars=200)
    if import_id is not None:
        frame = frame[frame["import_id"] == import_id]
    return frame


def recent_imports(viewer: Viewer, limit: int = 20) -> pd.DataFrame:
    with connect(default_db_path()) as con:
        return queries.frame(con, "recent_imports", viewer=viewer, limit=limit)
