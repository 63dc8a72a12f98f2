"""The parameters the shipped rubrics give a detector, for tests that call a detector directly
(detectors take their parsed parameter model, never a dict; the phrase lists live only in YAML)."""

from __future__ import annotations

from functools import cache
from typing import Any

from scoring.detectors.base import parse_parameters
from scoring.loader import load_rubrics
from scoring.params import DetectorParams


@cache
def _shipped() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for rubric in load_rubrics().rubrics:
        for criterion in rubric.criteria:
            for spec in criterion.detectors:
                found.setdefault(spec.detector, spec.params.model_dump(by_alias=True))
    return found


def _merged(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def shipped_params(detector: str, overrides: dict[str, Any] | None = None) -> DetectorParams:
    """`detector`'s parameters as the shipped rubrics set them, with `overrides` (YAML values,
    mappings merged key by key) applied; raises `ParameterProblems` when they do not fit."""
    shipped = _shipped().get(detector, {})  # a detector no shipped rubric uses: its defaults
    return parse_parameters(detector, _merged(shipped, overrides or {}))
