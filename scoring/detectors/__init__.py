"""Detectors: pure functions that judge one criterion of one conversation.

A rubric criterion names one or more detectors with parameters (YAML). Each detector is a
function registered under a name with `@detector("name", Params)`; it receives the
conversation's precomputed signals (`ConversationSignals`) and the criterion's parameters parsed
into its `Params` model (`scoring.params`), and returns a
`DetectorOutcome`: a value on 0..1 (1 = fully meets the criterion), or N/A, with evidence and a
one-line rationale a reviewer can read. Modules in this package register on import.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

_imported = False


def import_detectors() -> dict[str, Any]:
    """Import every module of this package once (each registers its detectors on import) and
    return the registry; a module that fails to import is an error naming it."""
    global _imported
    from scoring.detectors.base import REGISTRY

    if not _imported:
        for module in pkgutil.iter_modules(__path__):
            if module.name != "base" and not module.name.startswith("_"):
                name = f"{__name__}.{module.name}"
                try:
                    importlib.import_module(name)
                except Exception as error:
                    raise ImportError(
                        f"detector module {name} failed to import: {error}"
                    ) from error
        _imported = True
    return REGISTRY
