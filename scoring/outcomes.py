"""Small constructors detectors share: N/A, a clamped value, and typed parameter access."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from scoring.detectors.base import DetectorOutcome, Evidence
from scoring.phrases import as_phrases


class ParameterError(ValueError):
    """A detector parameter in a rubric is missing or has the wrong type."""


def not_applicable(rationale: str) -> DetectorOutcome:
    return DetectorOutcome(None, rationale)


def outcome(value: float, rationale: str, evidence: Iterable[Evidence] = ()) -> DetectorOutcome:
    """A value clamped to 0..1 as `min(1.0, max(0.0, value))` would (NaN and -0.0 give 0.0)."""
    value = float(value)
    if not value > 0.0:
        value = 0.0
    elif value > 1.0:
        value = 1.0
    return DetectorOutcome(value, rationale, tuple(evidence))


def phrases(params: Mapping[str, Any], name: str, default: tuple[str, ...] | None = None):
    if name not in params:
        if default is not None:
            return default
        raise ParameterError(f"missing parameter {name!r} (a list of phrases)")
    try:
        return as_phrases(params[name], name)
    except ValueError as error:
        raise ParameterError(str(error)) from None


def number(params: Mapping[str, Any], name: str, default: float | None = None) -> float:
    value = params.get(name, default)
    if type(value) is float or type(value) is int:  # the common case, checked fast
        return float(value)
    if value is None:
        raise ParameterError(f"missing parameter {name!r} (a number)")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParameterError(f"parameter {name!r} must be a number, got {value!r}")
    return float(value)


def per_channel(params: Mapping[str, Any], name: str, channel: str) -> float:
    """A number per channel (`{chat: 60, email: 14400, default: 3600}`) or one number for all."""
    value = params.get(name)
    if value is None:
        raise ParameterError(f"missing parameter {name!r} (seconds, per channel or one number)")
    if isinstance(value, Mapping):
        chosen = value.get(channel, value.get("default"))
        if chosen is None:
            raise ParameterError(f"parameter {name!r} has no value for {channel!r} and no default")
        return number({name: chosen}, name)
    return number(params, name)


def duration(seconds: float) -> str:
    """`75` -> `1 min 15 s`; `7200` -> `2 h 0 min`: readable in a rationale."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    if seconds < 86400 * 2:
        return f"{seconds // 3600} h {seconds % 3600 // 60} min"
    return f"{seconds / 86400:.1f} days"
