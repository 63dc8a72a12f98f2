"""The rubric criteria as the review form needs them: scale, weight, critical flag, pass mark.

Read from the rubric set stored with the auto-scores (`rubric_sets.definition`, written by
`qa score`) through the rubric model itself (`scoring.rubric`), so a review is judged on the rubric
its auto-score used. A reviewer's answers become criterion, rubric and quality scores by the
auto-scorer's own arithmetic (`scoring.engine.weighted_mean`, `quality_of`, `scale_score`):
weighted mean of the non-N/A criteria per rubric, weighted mean of the rubrics, 0 when a critical
criterion fails.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from scoring.engine import quality_of, scale_score, weighted_mean
from scoring.rubric import AS_STORED, Criterion, Rubric, normalise_rubric

Scale = Literal["yes_no", "1-5"]


@dataclass(frozen=True, slots=True)
class CriterionSpec:
    rubric_id: str
    criterion_id: str
    label: str
    scale: Scale
    weight: float = 1.0
    critical: bool = False
    pass_mark: float = 1.0  # on the criterion's own scale: yes/no passes at 1, 1-5 at 3 by default
    description: str = ""

    def valid_values(self) -> tuple[float, ...]:
        return (0.0, 1.0) if self.scale == "yes_no" else (1.0, 2.0, 3.0, 4.0, 5.0)

    def nearest(self, value: float | None) -> float | None:
        """The answer a reviewer can give that is closest to an auto value (1-5 auto values are fractional)."""
        if value is None:
            return None
        if self.scale == "yes_no":
            return 1.0 if value >= 0.5 else 0.0
        return float(min(5, max(1, int(value + 0.5))))

    def to_score(self, value: float | None) -> float | None:
        """The value on its own scale as 0-100 (the auto-scorer's arithmetic)."""
        if value is None:
            return None
        return scale_score(self.scale == "yes_no", value)

    def fails(self, value: float | None) -> bool:
        return value is not None and value < self.pass_mark


@dataclass(frozen=True, slots=True)
class RubricSpec:
    rubric_id: str
    label: str
    weight: float
    criteria: tuple[CriterionSpec, ...]


def _criterion(rubric_id: str, criterion: Criterion) -> CriterionSpec:
    yes_no = criterion.scale == "yes_no"
    return CriterionSpec(
        rubric_id=rubric_id,
        criterion_id=criterion.id,
        label=criterion.question,
        scale="yes_no" if yes_no else "1-5",
        weight=criterion.weight,
        critical=criterion.critical,
        # the rubric's pass mark is on the detector's 0..1; a reviewer answers on the scale
        pass_mark=1.0 if yes_no else 1.0 + 4.0 * criterion.pass_mark,
        description=criterion.guidance or "",
    )


def parse_definition(definition: str | Mapping[str, Any] | list[Any]) -> tuple[RubricSpec, ...]:
    """Rubric specs from the stored definition JSON (`rubric_set_definition`: {"rubrics": [...]},
    or a list of rubrics), read through the rubric model itself (`scoring.rubric`)."""
    data = json.loads(definition) if isinstance(definition, str) else definition
    raw_rubrics = data.get("rubrics", []) if isinstance(data, Mapping) else data
    rubrics = [
        Rubric.model_validate(normalise_rubric(raw), context=AS_STORED) for raw in raw_rubrics or []
    ]
    return tuple(
        RubricSpec(
            rubric_id=rubric.id,
            label=rubric.name,
            weight=rubric.weight,
            criteria=tuple(_criterion(rubric.id, c) for c in rubric.criteria),
        )
        for rubric in rubrics
    )


def specs_from_auto_rows(rows: Iterable[Mapping[str, Any]]) -> tuple[RubricSpec, ...]:
    """Fallback when no rubric definition is stored: infer scales from the auto-scores."""
    by_rubric: dict[str, list[CriterionSpec]] = {}
    for row in rows:
        value = row.get("value")
        scale: Scale = "1-5" if value is not None and float(value) > 1 else "yes_no"
        by_rubric.setdefault(row["rubric_id"], []).append(
            CriterionSpec(
                rubric_id=row["rubric_id"],
                criterion_id=row["criterion_id"],
                label=row["criterion_id"].replace("_", " "),
                scale=scale,
                critical=bool(row.get("critical")),
                pass_mark=1.0 if scale == "yes_no" else 3.0,
            )
        )
    return tuple(
        RubricSpec(rubric_id, rubric_id.replace("_", " ").title(), 1.0, tuple(criteria))
        for rubric_id, criteria in sorted(by_rubric.items())
    )


@dataclass(frozen=True, slots=True)
class Totals:
    rubric_scores: dict[str, float | None]
    quality_score: float | None
    critical_failed: bool


def totals(rubrics: Iterable[RubricSpec], values: Mapping[tuple[str, str], float | None]) -> Totals:
    """Rubric and quality scores from per-criterion values (None = N/A) on each criterion's scale,
    computed by the auto-scorer's own arithmetic (`scoring.engine`)."""
    rubric_scores: dict[str, float | None] = {}
    rubric_pairs: list[tuple[float, float]] = []
    critical_failed = False
    for rubric in rubrics:
        pairs = []
        for spec in rubric.criteria:
            value = values.get((rubric.rubric_id, spec.criterion_id))
            if value is None:
                continue
            pairs.append((spec.to_score(value), spec.weight))
            critical_failed = critical_failed or (spec.critical and spec.fails(value))
        score = weighted_mean(pairs)
        rubric_scores[rubric.rubric_id] = score
        if score is not None:
            rubric_pairs.append((score, rubric.weight))
    return Totals(rubric_scores, quality_of(rubric_pairs, critical_failed), critical_failed)
