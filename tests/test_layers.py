"""The layers of docs/architecture.md where `lint-imports` cannot see them.

lint-imports checks our packages against each other (pyproject.toml); it does not know which
third-party packages a layer may use, and it never sees `dashboard/app_pages/` (Streamlit runs
those files by path: they are not a package).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize(
    ("package", "allowed"),
    [
        ("canonical", set()),  # the conversation format: the standard library alone
        ("config", {"pydantic", "pydantic_settings"}),
    ],
)
def test_the_ground_floor_needs_only_the_standard_library_and_pydantic(package, allowed):
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        found |= _imported_roots(path)
    assert "datetime" in found or "os" in found  # the scan saw the package's imports
    assert found - set(sys.stdlib_module_names) - {package} - allowed == set()


def test_pages_import_neither_the_cli_nor_the_database_driver():
    offenders = {
        f"{path.name}: {root}"
        for path in sorted((ROOT / "dashboard" / "app_pages").glob("*.py"))
        for root in _imported_roots(path) & {"cornerstone", "duckdb"}
    }
    assert offenders == set()
