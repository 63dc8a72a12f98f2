"""Shared fixtures: real DuckDB files in temp dirs (no database mocks).

Tests that read `../shared` (the real vendor samples and the evaluation sets, kept beside the
repository in CI and never copied into it) carry `@pytest.mark.needs_shared`: on a clone without
`../shared` they are reported as skipped with the reason below, never failed. The project's own
hand-written fixtures in `tests/data/` cover every format without it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
SHARED_DATA = SHARED / "data"
NEEDS_SHARED = "needs ../shared (real vendor samples / evaluation sets); present in CI"
needs_shared = pytest.mark.needs_shared


def has_shared() -> bool:
    return SHARED.is_dir()


def pytest_collection_modifyitems(config, items):
    if has_shared():
        return
    skip = pytest.mark.skip(reason=NEEDS_SHARED)
    for item in items:
        if item.get_closest_marker("needs_shared") is not None:
            item.add_marker(skip)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh, empty database path (created and migrated on first connect)."""
    return tmp_path / "test.duckdb"


def shared_data(*parts: str) -> Path:
    """A file under ../shared/data (real exports and evaluation sets; read-only, never copied).

    Only for tests marked `needs_shared` (they are skipped before this runs when ../shared is
    absent); anywhere else a missing file is a failure that says what to do.
    """
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        if not has_shared():
            pytest.fail(f"{path} is read by a test without @pytest.mark.needs_shared: mark it")
        pytest.fail(f"missing shared test data: {path}")
    return path


def shared_files(*parts: str) -> list[Path]:
    """Every sample file under ../shared/data/<parts> (READMEs and SOURCE notes left out), for
    parametrizing a `needs_shared` test at collection time. Without ../shared: one placeholder
    path, so the marked test is collected and reported as skipped rather than vanishing."""
    folder = SHARED_DATA.joinpath(*parts)
    if not folder.is_dir():
        return [folder]
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".md")


OWN_FORMATS = Path(__file__).resolve().parent / "data" / "formats"


def own_format_files() -> list[Path]:
    """The project's own hand-written export fixtures (tests/data/formats; always present)."""
    return sorted(p for p in OWN_FORMATS.rglob("*") if p.is_file() and p.suffix != ".md")


def format_samples() -> list:
    """Parameters for tests that run on every export sample: the own fixtures always, the real
    vendor samples from ../shared marked `needs_shared` (skipped with the reason when absent)."""
    own = [pytest.param(p, id=f"own/{p.parent.name}/{p.name}") for p in own_format_files()]
    real = [
        pytest.param(p, id=f"shared/{p.parent.name}/{p.name}", marks=needs_shared)
        for p in shared_files("formats")
    ]
    return own + real
