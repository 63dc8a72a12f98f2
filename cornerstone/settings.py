"""Where things live by default; every default can be overridden by an environment variable."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DB_ENV_VAR = "CORNERSTONE_DB"
RUBRICS_ENV_VAR = "CORNERSTONE_RUBRICS"


def default_db_path() -> Path:
    """The DuckDB file used when no --db is given: $CORNERSTONE_DB or data/cornerstone.duckdb."""
    return Path(os.environ.get(DB_ENV_VAR) or PROJECT_ROOT / "data" / "cornerstone.duckdb")


def default_rubrics_dir() -> Path:
    return Path(os.environ.get(RUBRICS_ENV_VAR) or PROJECT_ROOT / "rubrics")
