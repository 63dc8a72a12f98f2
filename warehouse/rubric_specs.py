"""The rubric criteria as the review form needs them: scale, weight, critical flag, pass mark.

Read from the rubric set stored with the auto-scores (`rubric_sets.definition`, written by
`qa score`), so a review is judged on the rubric its auto-score used. Also holds the arithmetic
that turns a reviewer's answers into criterion, rubric and quality scores with the same weighting
as the auto-scorer: weighted mean of the non-N/A criteria per rubric, weighted mean of the rubrics,
0 when a critical criterion fails.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

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
        """The value on its own scale as 0-100."""
        if value is None:
            return None
        if self.scale == "yes_no":
            return 100.0 * value
        return (value - 1.0) / 4.0 * 100.0

    def fails(self, value: float | None) -> bool:
        return value is not None and value < self.pass_mark


@dataclass(frozen=True, slots=True)
class RubricSpec:
    rubric_id: str
    label: str
    weight: float
    criteria: tuple[CriterionSpec, ...]


def _first(mapping: Mapping[str, Any], *keys: str, default: Any = None) -> Any:
    for key in keys:
        if key in mapping and mapping[key] is not None:
            return mapping[key]
    return default


def _scale(raw: Any) -> Scale:
    if isinstance(raw, Mapping):
        top = _first(raw, "max", "maximum", default=1)
        return "yes_no" if float(top) <= 1 else "1-5"
    text = str(raw or "yes_no").lower().replace(" ", "")
    if text in ("yes_no", "yesno", "yes/no", "binary", "boolean", "bool", "pass_fail", "0-1"):
        return "yes_no"
    return "1-5"


def _criterion(rubric_id: str, raw: Mapping[str, Any]) -> CriterionSpec:
    criterion_id = str(_first(raw, "id", "criterion_id", "name"))
    scale = _scale(_first(raw, "scale", "type", "kind"))
    default_pass = 1.0 if scale == "yes_no" else 3.0
    pass_mark = float(_first(raw, "pass_mark", "pass", "pass_at", default=default_pass))
    if scale == "1-5" and pass_mark <= 1.0:
        pass_mark = 1.0 + 4.0 * pass_mark  # given as a 0..1 fraction of the scale
    return CriterionSpec(
        rubric_id=rubric_id,
        criterion_id=criterion_id,
        label=str(_first(raw, "label", "title", "question", "name", "id", default=criterion_id)),
        scale=scale,
        weight=float(_first(raw, "weight", default=1.0)),
        critical=bool(_first(raw, "critical", default=False)),
        pass_mark=pass_mark,
        description=str(_first(raw, "description", "help", default="")),
    )


def parse_definition(definition: str | Mapping[str, Any] | list[Any]) -> tuple[RubricSpec, ...]:
    """Rubric specs from the stored definition JSON (a list of rubrics or {"rubrics": [...]})."""
    data = json.loads(definition) if isinstance(definition, str) else definition
    if isinstance(data, Mapping):
        data = _first(data, "rubrics", default=list(data.values()))
        if isinstance(data, Mapping):
            data = [{"id": key, **value} for key, value in data.items()]
    rubrics = []
    for raw in data or []:
        rubric_id = str(_first(raw, "id", "rubric_id", "name"))
        criteria = _first(raw, "criteria", default=[])
        if isinstance(criteria, Mapping):
            criteria = [{"id": key, **value} for key, value in criteria.items()]
        rubrics.append(
            RubricSpec(
                rubric_id=rubric_id,
                label=str(_first(raw, "label", "title", "name", default=rubric_id)),
                weight=float(_first(raw, "weight", default=1.0)),
                criteria=tuple(_criterion(rubric_id, c) for c in criteria),
            )
        )
    return tuple(rubrics)


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
    """Rubric and quality scores from per-criterion values (None = N/A) on each criterion's scale."""
    rubric_scores: dict[str, float | None] = {}
    weighted, weight_sum, critical_failed = 0.0, 0.0, False
    for rubric in rubrics:
        num, den = 0.0, 0.0
        for spec in rubric.criteria:
            value = values.get((rubric.rubric_id, spec.criterion_id))
            if value is None:
                continue
            num += spec.weight * spec.to_score(value)
            den += spec.weight
            critical_failed = critical_failed or (spec.critical and spec.fails(value))
        score = num / den if den else None
        rubric_scores[rubric.rubric_id] = score
        if score is not None:
            weighted += rubric.weight * score
            weight_sum += rubric.weight
    quality = weighted / weight_sum if weight_sum else None
    if critical_failed:
        quality = 0.0
    return Totals(rubric_scores, quality, critical_failed)
