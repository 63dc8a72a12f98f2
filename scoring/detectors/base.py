"""Types and registry shared by every detector."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Signals are built once per conversation by scoring/signals.py and shared by all detectors.
ConversationSignals = Any


# Evidence and DetectorOutcome are built by the hundred per conversation: plain slotted
# dataclasses (hashable, compared by value) construct 3x faster than frozen ones, whose __init__
# goes through object.__setattr__ per field. Treat them as immutable: nothing assigns to them.
@dataclass(slots=True, unsafe_hash=True)
class Evidence:
    """A quoted span: `quote == messages[message_index].text[start:end]` always holds."""

    message_index: int  # index into conversation.messages (internal notes included)
    start: int
    end: int
    quote: str


@dataclass(slots=True, unsafe_hash=True)
class DetectorOutcome:
    value: float | None  # 0..1, None means N/A
    rationale: str
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)

    @property
    def na(self) -> bool:
        return self.value is None


DetectorFunction = Callable[[ConversationSignals, dict[str, Any]], DetectorOutcome]
REGISTRY: dict[str, DetectorFunction] = {}


def detector(name: str) -> Callable[[DetectorFunction], DetectorFunction]:
    """Register a detector under `name` (the `detector:` key in rubric YAML)."""

    def register(function: DetectorFunction) -> DetectorFunction:
        if name in REGISTRY:
            raise ValueError(f"detector {name!r} registered twice")
        REGISTRY[name] = function
        return function

    return register
