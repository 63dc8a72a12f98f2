"""Importing and scoring from the browser: the same `ingest_file` as `qa ingest` and the same
`score_database` as `qa score`, behind the admin-only permission `data.import` (the CLI is
trusted as whoever runs it; the browser is not)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from warehouse.access.permissions import require
from warehouse.access.viewer import Viewer
from warehouse.reading.import_report import ImportReport
from warehouse.reading.importers import registry


def import_file(
    viewer: Viewer,
    db: str | Path,
    path: str | Path,
    format: str = registry.AUTO,
    redact: bool = False,
) -> ImportReport:
    """Import one export file (one transaction, refused records to quarantine); admins only."""
    from warehouse.reading.ingest import ingest_file

    require(viewer, "data.import")
    return ingest_file(db, path, format, redact=redact)


def score(
    viewer: Viewer,
    db: str | Path,
    rubrics_dir: str | Path,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
):
    """Score new and changed conversations (a `ScoreRunSummary`); admins only."""
    from warehouse.autoscore.scores import score_database

    require(viewer, "data.import")
    return score_database(db, rubrics_dir, workers=workers, progress=progress)
