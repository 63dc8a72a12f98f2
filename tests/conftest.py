"""Shared fixtures: real DuckDB files in temp dirs (no database mocks)."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
SHARED_DATA = SHARED / "data"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh, empty database path (created and migrated on first connect)."""
    return tmp_path / "test.duckdb"


def shared_data(*parts: str) -> Path:
    """A file under ../shared/data (real exports and evaluation sets; read-only, never copied)."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"missing shared test data: {path}")
    return path
