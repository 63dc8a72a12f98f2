"""Rubrics as typed data: what QA leads write in `rubrics/*.yaml`, validated at load time.

A rubric set is a few rubrics (the cornerstones); a rubric is a weighted list of criteria; a
criterion asks one reviewer question and names one or more registered detectors (see
`scoring/detectors/`) with their parameters, parsed into each detector's parameter model. `normalise_criterion` turns the shorthand a human
likes to write (`detector: name` on the criterion, `scale: yes/no`, `channels: all`) into the one
canonical shape the models accept, so the models themselves stay strict.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializeAsAny,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from canonical.model import CHANNELS
from scoring.detectors import import_detectors
from scoring.detectors.base import ParameterProblems, parse_parameters
from scoring.params import DetectorParams

Scale = Literal["yes_no", "1_5"]
Combine = Literal["mean", "min", "max"]

_SCALE_ALIASES = {
    "yes/no": "yes_no",
    "yes-no": "yes_no",
    "yesno": "yes_no",
    "binary": "yes_no",
    "yes_no": "yes_no",
    "1-5": "1_5",
    "1..5": "1_5",
    "1_5": "1_5",
    "five_point": "1_5",
}


class RubricError(Exception):
    """A rubric file that cannot be used; the message names the file, the criterion and the problem."""


def _frozen(value: Any) -> Any:
    """YAML lists become tuples (parameters are frozen)."""
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items()}
    return value


# Validation context for a rubric set read back from storage (`rubric_sets.definition`) for its
# questions, scales and weights: detectors are not looked up and their parameters not parsed (the
# detectors may have changed since that set was stored).
AS_STORED = {"detectors": "as stored"}


def _as_stored(info: ValidationInfo) -> bool:
    return bool(info.context) and info.context.get("detectors") == "as stored"


class DetectorSpec(BaseModel):
    """One registered detector and its parameters, parsed into the detector's parameter model
    (see `scoring.params`): a criterion's detectors never receive unchecked dicts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    detector: str = Field(min_length=1)
    # validated even when left out: the detector's own defaults
    params: SerializeAsAny[DetectorParams] = Field(default_factory=dict, validate_default=True)
    weight: float = Field(default=1.0, gt=0)

    @field_validator("detector")
    @classmethod
    def _registered(cls, value: str, info: ValidationInfo) -> str:
        if _as_stored(info):
            return value
        registry = import_detectors()
        if value not in registry:
            raise PydanticCustomError(
                "unknown_detector",
                "unknown detector '{name}'; known: {known}",
                {"name": value, "known": ", ".join(sorted(registry))},
            )
        return value

    @field_validator("params", mode="before")
    @classmethod
    def _parsed(cls, value: Any, info: ValidationInfo) -> Any:
        name = info.data.get("detector")
        if name is None or _as_stored(info):  # unknown detector: reported by `_registered`
            return DetectorParams()
        if value is None:
            value = {}
        elif not isinstance(value, dict | DetectorParams):
            raise ValueError(f"params must be a mapping of name: value, got {type(value).__name__}")
        if isinstance(value, dict):
            value = _frozen(value)
        try:
            return parse_parameters(name, value)
        except ParameterProblems as problems:
            raise PydanticCustomError(
                "detector_params",
                "detector {detector!r}: {summary}",
                {"detector": name, "summary": str(problems), "problems": problems.problems},
            ) from None


class Criterion(BaseModel):
    """One reviewer question, scored by its detectors."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    question: str = Field(min_length=3)
    weight: float = Field(default=1.0, gt=0)
    scale: Scale = "yes_no"
    na_allowed: bool = True
    critical: bool = False
    pass_mark: float = Field(default=0.5, ge=0, le=1)  # detector value below this fails
    channels: tuple[str, ...] | None = None  # None: every channel
    combine: Combine = "mean"
    detectors: tuple[DetectorSpec, ...] = Field(min_length=1)
    guidance: str | None = None  # longer note for reviewers

    @field_validator("channels")
    @classmethod
    def _known_channels(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is None:
            return None
        unknown = [c for c in value if c not in CHANNELS]
        if unknown:
            raise ValueError(
                f"unknown channel(s) {', '.join(map(repr, unknown))}; "
                f"use some of {', '.join(CHANNELS)} or 'all'"
            )
        return value

    def applies_to(self, channel: str | None) -> bool:
        return self.channels is None or channel is None or channel in self.channels


class Rubric(BaseModel):
    """A cornerstone: a weighted group of criteria, scored 0-100."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    description: str = ""
    version: int | str = 1
    weight: float = Field(gt=0)  # share in the overall quality score
    criteria: tuple[Criterion, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_criteria(self) -> Rubric:
        seen: set[str] = set()
        for criterion in self.criteria:
            if criterion.id in seen:
                raise ValueError(f"criterion id {criterion.id!r} is used twice")
            seen.add(criterion.id)
        return self


class RubricSet(BaseModel):
    """Every rubric in one directory, with the hash of their files (decides re-scoring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rubrics: tuple[Rubric, ...]
    version_hash: str
    source: str = ""

    @model_validator(mode="after")
    def _unique_rubrics(self) -> RubricSet:
        ids = [r.id for r in self.rubrics]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"rubric id(s) used by more than one file: {', '.join(duplicates)}")
        return self

    def rubric(self, rubric_id: str) -> Rubric:
        for rubric in self.rubrics:
            if rubric.id == rubric_id:
                return rubric
        raise KeyError(rubric_id)

    def detector_names(self) -> set[str]:
        return {d.detector for r in self.rubrics for c in r.criteria for d in c.detectors}

    @cached_property
    def scoring_plan(self) -> Any:
        """How the engine runs this set, built once on first use (`scoring.engine.build_plan`)."""
        from scoring.engine import build_plan  # the engine imports this module

        return build_plan(self)


def normalise_detector(raw: Any) -> Any:
    """`"name"` -> `{detector: name}`; `{name: {params}}` -> `{detector: name, params: {...}}`."""
    if isinstance(raw, str):
        return {"detector": raw}
    if isinstance(raw, dict) and "detector" not in raw and len(raw) == 1:
        ((name, params),) = raw.items()
        return {"detector": name, "params": params}
    return raw


def normalise_criterion(raw: Any) -> Any:
    """Shorthand to canonical form; anything unexpected is passed on for pydantic to report."""
    if not isinstance(raw, dict):
        return raw
    criterion = dict(raw)
    if "detector" in criterion:
        if "detectors" in criterion:
            raise ValueError("give either `detector` or `detectors`, not both")
        spec: dict[str, Any] = {"detector": criterion.pop("detector")}
        if "params" in criterion:
            spec["params"] = criterion.pop("params")
        criterion["detectors"] = [spec]
    if isinstance(criterion.get("detectors"), list):
        criterion["detectors"] = [normalise_detector(d) for d in criterion["detectors"]]
    scale = criterion.get("scale")
    if isinstance(scale, str) and scale.strip().lower() in _SCALE_ALIASES:
        criterion["scale"] = _SCALE_ALIASES[scale.strip().lower()]
    channels = criterion.get("channels")
    if isinstance(channels, str):
        criterion["channels"] = None if channels.strip().lower() in ("all", "any") else [channels]
    if "na" in criterion and "na_allowed" not in criterion:
        criterion["na_allowed"] = criterion.pop("na")
    return criterion


def normalise_rubric(raw: Any) -> Any:
    if not isinstance(raw, dict):
        return raw
    rubric = dict(raw)
    if isinstance(rubric.get("criteria"), list):
        rubric["criteria"] = [normalise_criterion(c) for c in rubric["criteria"]]
    return rubric
