"""Small constructors detectors share: N/A, a clamped value, a readable duration.

(Parameters are typed models validated when rubrics load: see `scoring.params`.)"""

from __future__ import annotations

from collections.abc import Iterable

from scoring.detectors.base import DetectorOutcome, Evidence


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
