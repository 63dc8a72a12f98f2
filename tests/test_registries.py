"""No silent skips: a module a registry names that fails to import is an error naming it (a
packaging mistake must not show up as a missing command, format or detector)."""

from __future__ import annotations

import pytest

from cornerstone import cli
from warehouse.reading.importers import registry


def test_a_qa_command_module_that_fails_to_import_is_named(monkeypatch):
    monkeypatch.setattr(cli, "COMMAND_MODULES", (*cli.COMMAND_MODULES, "no_such_command"))
    with pytest.raises(ImportError, match=r"cornerstone\.cli\.no_such_command failed to import"):
        cli.build_parser()


def test_an_importer_module_that_fails_to_import_is_named(monkeypatch):
    monkeypatch.setattr(
        registry,
        "FORMAT_MODULES",
        (*registry.FORMAT_MODULES, "warehouse.reading.importers.no_such_format"),
    )
    registry.importers.cache_clear()
    try:
        with pytest.raises(
            ImportError, match=r"warehouse\.reading\.importers\.no_such_format failed to import"
        ):
            registry.importers()
    finally:
        registry.importers.cache_clear()


def test_every_shipped_registry_entry_imports():
    cli.build_parser()
    assert registry.importers()
