"""Types and registry shared by every detector.

A detector is a pure function `(signals, params) -> DetectorOutcome` registered under a name with
`@detector("name", Params)`, where `Params` is the pydantic model (a `DetectorParams` subclass,
see `scoring.params`) of the parameters it reads. Rubric files are validated against that model
when they load, so a detector only ever receives a parsed, typed `Params` object, never a dict.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # scoring.params imports scoring.phrases, which imports this module
    from scoring.params import DetectorParams

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


DetectorFunction = Callable[[ConversationSignals, Any], DetectorOutcome]
REGISTRY: dict[str, DetectorFunction] = {}
PARAMETERS: dict[str, type[DetectorParams]] = {}  # the parameter model of each detector


def detector(
    name: str, params: type[DetectorParams]
) -> Callable[[DetectorFunction], DetectorFunction]:
    """Register a detector under `name` (the `detector:` key in rubric YAML) with the model of
    the parameters it reads."""
    from scoring.params import DetectorParams

    if not (isinstance(params, type) and issubclass(params, DetectorParams)):
        raise TypeError(f"detector {name!r}: params must be a DetectorParams subclass")

    def register(function: DetectorFunction) -> DetectorFunction:
        if name in REGISTRY:
            raise ValueError(f"detector {name!r} registered twice")
        REGISTRY[name] = function
        PARAMETERS[name] = params
        return function

    return register


class ParameterProblems(ValueError):
    """Parameters that do not fit a detector's model: one (parameter, problem) pair each."""

    def __init__(self, detector_name: str, problems: list[tuple[str, str]]) -> None:
        self.detector = detector_name
        self.problems = problems
        super().__init__("; ".join(f"parameter {name!r}: {problem}" for name, problem in problems))


def parse_parameters(name: str, raw: Mapping[str, Any] | DetectorParams | None) -> DetectorParams:
    """`raw` (a rubric's `params` mapping) validated into detector `name`'s parameter model.

    Raises `ParameterProblems` naming each parameter and what is wrong with it, `KeyError` for a
    detector that is not registered."""
    from pydantic import ValidationError

    from scoring.params import DetectorParams, describe_parameter_error

    model = PARAMETERS[name]
    if isinstance(raw, model):
        return raw
    if isinstance(raw, DetectorParams):
        raw = raw.model_dump()
    try:
        return model.model_validate(raw or {})
    except ValidationError as error:
        known = [field.alias or name for name, field in model.model_fields.items()]
        problems = []
        for item in error.errors():
            parameter = ".".join(str(part) for part in item["loc"]) or "(all)"
            message = describe_parameter_error(item)
            if item["type"] == "extra_forbidden":
                close = difflib.get_close_matches(str(item["loc"][0]), known, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                message = f"unknown parameter ({hint}known: {', '.join(known) or 'none'})"
            problems.append((parameter, message))
        raise ParameterProblems(name, problems) from None
