"""Every import format, by `--format` name, and auto-detection among them.

Adding a format = one module in this package defining `IMPORTER`, named in FORMAT_MODULES
(the two canonical formats live in `canonical/`). A module named here that fails to import is
an error naming it, never a format that silently goes missing.
"""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path

from canonical.importer import Importer
from warehouse.errors import WarehouseError

FORMAT_MODULES = (
    "canonical.jsonl",
    "canonical.csv_rows",
    "warehouse.reading.importers.zendesk",
    "warehouse.reading.importers.intercom",
    "warehouse.reading.importers.freshdesk",
    "warehouse.reading.importers.amazon_connect",
    "warehouse.reading.importers.twitter_ibm",
    "warehouse.reading.importers.twitter_twcs",
)
AUTO = "auto"
MIN_CONFIDENCE = 0.3  # below this no format is a credible guess


class UnknownFormatError(WarehouseError):
    """--format names no known format, or auto-detection recognised none."""


@cache
def importers() -> dict[str, Importer]:
    """Every available importer by its --format name, in FORMAT_MODULES order."""
    found: dict[str, Importer] = {}
    for module_name in FORMAT_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError as error:  # a packaging mistake: name the format, never hide it
            raise ImportError(f"importer module {module_name} failed to import: {error}") from error
        importer = module.IMPORTER
        found[importer.name] = importer
    return found


def names() -> list[str]:
    return list(importers())


def get(name: str) -> Importer:
    try:
        return importers()[name]
    except KeyError:
        raise UnknownFormatError(
            f"unknown format {name!r}; choose one of: {AUTO}, {', '.join(names())}"
        ) from None


def detect(path: Path, head: str) -> tuple[Importer, dict[str, float]]:
    """The format whose sniff() is most confident about `head`, and every score."""
    scores: dict[str, float] = {}
    for name, importer in importers().items():
        try:
            scores[name] = float(importer.sniff(path, head))
        except Exception:  # a sniffer must not stop detection; its format is simply not chosen
            scores[name] = 0.0
    best = max(scores, key=lambda name: scores[name], default=None)
    if best is None or scores[best] < MIN_CONFIDENCE:
        tried = ", ".join(f"{name} ({score:.2f})" for name, score in scores.items())
        raise UnknownFormatError(
            f"could not recognise the format of {path.name}; tried {tried}. "
            "Pass --format to choose one (see docs/formats.md)"
        )
    return importers()[best], scores
