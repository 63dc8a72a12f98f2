"""Score conversations against a rubric set: per criterion, per rubric (0-100), overall quality.

`score(conversation, rubrics)` judges one conversation; `score_batch(...)` judges many on every
core (see `scoring.batch`). Arithmetic (`weighted_mean`, `quality_of`, `scale_score` are also
what the review form in warehouse/review/rubric_specs.py uses for human answers):
- a criterion's detector value v (0..1) becomes its score 100·v on a 1-5 scale (value 1+4v), or
  100/0 on a yes/no scale (value 1 when v >= pass_mark); it fails when v < pass_mark;
- a rubric's score is the weighted mean of its non-N/A criterion scores (None when all are N/A);
- the quality score is the weighted mean of the rubric scores (rubric weights), and 0 when any
  critical criterion failed; `critical_failures` names the failed ones ("rubric.criterion").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from canonical.model import Conversation
from scoring import text_cache
from scoring.detectors.base import REGISTRY, DetectorOutcome, Evidence
from scoring.loader import import_detectors
from scoring.rubric import Criterion, RubricSet
from scoring.signals import ConversationSignals

RESOLUTION_DETECTOR = "resolution_confirmed"


class ScoringError(Exception):
    """A detector crashed on a conversation: names both so the bug can be reproduced."""


# not frozen, for construction speed (see scoring.detectors.base.Evidence): treat as immutable
@dataclass(slots=True, unsafe_hash=True)
class CriterionScore:
    rubric_id: str
    criterion_id: str
    value: float | None  # on the criterion's scale (0/1 or 1-5); None when N/A
    score: float | None  # 0-100; None when N/A
    na: bool
    failed: bool
    critical: bool
    rationale: str
    evidence: tuple[Evidence, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.criterion_id,
            "score": self.score,
            "na": self.na,
            "evidence": [
                {"message_index": e.message_index, "start": e.start, "end": e.end, "quote": e.quote}
                for e in self.evidence
            ],
            "rationale": self.rationale,
        }


@dataclass(slots=True, unsafe_hash=True)
class RubricScore:
    rubric_id: str
    score: float | None
    criteria: tuple[CriterionScore, ...]


@dataclass(slots=True)
class ConversationScore:
    conversation_id: str
    quality_score: float | None
    critical_failed: bool
    rubrics: tuple[RubricScore, ...]
    first_response_seconds: float | None = None
    longest_reply_gap_seconds: float | None = None
    handle_seconds: float | None = None
    customer_sentiment_start: float | None = None
    customer_sentiment_end: float | None = None
    customer_sentiment_min: float | None = None
    resolved: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    critical_failures: tuple[str, ...] = ()  # "rubric.criterion" of each failed critical criterion

    def to_json(self) -> dict[str, Any]:
        """The score-file contract (issue 4 item 5), key for key."""
        return {
            "conversation_id": self.conversation_id,
            "quality_score": self.quality_score,
            "rubrics": {
                rubric.rubric_id: {
                    "score": rubric.score,
                    "criteria": [c.to_json() for c in rubric.criteria],
                }
                for rubric in self.rubrics
            },
        }

    def criterion(self, rubric_id: str, criterion_id: str) -> CriterionScore:
        for rubric in self.rubrics:
            if rubric.rubric_id == rubric_id:
                for criterion in rubric.criteria:
                    if criterion.criterion_id == criterion_id:
                        return criterion
        raise KeyError(f"{rubric_id}.{criterion_id}")


def _combine(criterion: Criterion, outcomes: list[DetectorOutcome]) -> DetectorOutcome:
    if len(outcomes) == 1:
        return outcomes[0]
    scored = [
        (o, spec.weight) for o, spec in zip(outcomes, criterion.detectors, strict=True) if not o.na
    ]
    evidence = tuple(e for o in outcomes for e in o.evidence)
    rationale = "; ".join(o.rationale for o in outcomes)
    if not scored:
        return DetectorOutcome(None, rationale, evidence)
    values = [o.value for o, _ in scored]
    if criterion.combine == "min":
        value = min(values)
    elif criterion.combine == "max":
        value = max(values)
    else:
        value = sum(o.value * w for o, w in scored) / sum(w for _, w in scored)
    return DetectorOutcome(value, rationale, evidence)


def _failure(
    error: Exception, spec, signals: ConversationSignals, rubric_id: str, criterion
) -> ScoringError:
    """A detector bug: say where (the caller keeps the traceback with `from`)."""
    return ScoringError(
        f"detector {spec.detector!r} failed on conversation "
        f"{signals.conversation.conversation_id!r} ({rubric_id}.{criterion.id}): {error!r}"
    )


def _detect(function, spec, signals: ConversationSignals, rubric_id: str, criterion: Criterion):
    try:
        return function(signals, spec.params)
    except Exception as error:
        raise _failure(error, spec, signals, rubric_id, criterion) from error


@dataclass(slots=True)
class _Step:
    """One criterion as the engine runs it: the rubric's settings read once per rubric set."""

    rubric_id: str
    criterion: Criterion
    functions: tuple  # the detector functions, in `criterion.detectors` order
    params: Any  # the single detector's parameters (when there is one detector)
    every_channel: bool
    is_resolution: bool
    criterion_id: str
    na_allowed: bool
    critical: bool
    pass_mark: float
    yes_no: bool
    weight: float


def _judge(signals: ConversationSignals, step: _Step) -> CriterionScore:
    """One criterion's score: its detectors (looked up in the plan), combined, on its scale."""
    criterion = step.criterion
    if not step.every_channel and not criterion.applies_to(signals.conversation.channel):
        result = DetectorOutcome(None, f"not scored on the {signals.channel} channel")
    elif len(step.functions) == 1:
        try:
            result = step.functions[0](signals, step.params)
        except Exception as error:  # a detector bug: say where, keep the traceback
            raise _failure(
                error, criterion.detectors[0], signals, step.rubric_id, criterion
            ) from error
    else:
        result = _combine(
            criterion,
            [
                _detect(function, spec, signals, step.rubric_id, criterion)
                for function, spec in zip(step.functions, criterion.detectors, strict=True)
            ],
        )
    value = result.value
    if value is None:
        if step.na_allowed:
            return CriterionScore(
                step.rubric_id, step.criterion_id, None, None, True, False, step.critical,
                result.rationale, result.evidence,
            )  # fmt: skip
        value = 1.0
        result = DetectorOutcome(
            1.0, f"{result.rationale} (N/A not allowed: counted as met)", result.evidence
        )
    failed = value < step.pass_mark
    if step.yes_no:
        scale_value = 0.0 if failed else 1.0
        score = 100.0 * scale_value
    else:
        scale_value = round(1.0 + 4.0 * value, 2)
        score = round(100.0 * value, 1)
    return CriterionScore(
        step.rubric_id, step.criterion_id, scale_value, score, False, failed, step.critical,
        result.rationale, result.evidence,
    )  # fmt: skip


def weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    """The weighted mean of (score, weight) pairs, rounded to 2 places; None without weight."""
    total = weighted = 0  # summed in order, as `sum` would: the same floats
    for value, weight in pairs:
        total += weight
        weighted += value * weight
    return round(weighted / total, 2) if total else None


_weighted = weighted_mean


def quality_of(rubric_pairs: Iterable[tuple[float, float]], critical_failed: bool) -> float | None:
    """The quality score: weighted mean of (rubric score, rubric weight), 0 when a critical
    criterion failed."""
    quality = weighted_mean(rubric_pairs)
    return 0.0 if critical_failed else quality


def scale_score(yes_no: bool, value: float) -> float:
    """A value on a criterion's own scale (0/1 or 1-5) as its 0-100 score."""
    return 100.0 * value if yes_no else round((value - 1.0) / 4.0 * 100.0, 1)


def build_plan(rubrics: RubricSet) -> list[tuple[Any, list[_Step]]]:
    """Per rubric: (rubric, its criteria as `_Step`s). Kept by the set (`RubricSet.scoring_plan`)."""
    if not REGISTRY:
        import_detectors()
    return [
        (rubric, [_step(rubric.id, criterion) for criterion in rubric.criteria])
        for rubric in rubrics.rubrics
    ]


def _step(rubric_id: str, criterion: Criterion) -> _Step:
    specs = criterion.detectors
    return _Step(
        rubric_id=rubric_id,
        criterion=criterion,
        functions=tuple(REGISTRY[spec.detector] for spec in specs),
        params=specs[0].params if len(specs) == 1 else None,
        every_channel=criterion.channels is None,
        is_resolution=any(spec.detector == RESOLUTION_DETECTOR for spec in specs),
        criterion_id=criterion.id,
        na_allowed=criterion.na_allowed,
        critical=criterion.critical,
        pass_mark=criterion.pass_mark,
        yes_no=criterion.scale == "yes_no",
        weight=criterion.weight,
    )


def score(
    conversation: Conversation,
    rubrics: RubricSet,
    template_hashes: frozenset[int] | None = None,
) -> ConversationScore:
    """Judge one conversation. Without `template_hashes` the template criterion is N/A."""
    text_cache.tick()
    signals = ConversationSignals(conversation, template_hashes)
    rubric_scores: list[RubricScore] = []
    quality_pairs: list[tuple[float, float]] = []
    critical_failures: list[str] = []
    resolved: bool | None = None
    for rubric, steps in rubrics.scoring_plan:
        criteria = []
        pairs = []
        for step in steps:
            result = _judge(signals, step)
            criteria.append(result)
            if not result.na:
                pairs.append((result.score, step.weight))
                if step.critical and result.failed:
                    critical_failures.append(f"{step.rubric_id}.{step.criterion_id}")
                if step.is_resolution:
                    resolved = not result.failed
        rubric_score = _weighted(pairs)
        rubric_scores.append(RubricScore(rubric.id, rubric_score, tuple(criteria)))
        if rubric_score is not None:
            quality_pairs.append((rubric_score, rubric.weight))
    quality = _weighted(quality_pairs)
    critical_failed = bool(critical_failures)
    if critical_failed:
        quality = 0.0
    sentiments = [v for _, v in signals.customer_sentiments()]
    gap = signals.longest_reply_gap_seconds
    return ConversationScore(
        conversation_id=conversation.conversation_id,
        quality_score=quality,
        critical_failed=critical_failed,
        rubrics=tuple(rubric_scores),
        first_response_seconds=signals.first_response_seconds,
        longest_reply_gap_seconds=gap,
        handle_seconds=signals.handle_seconds,
        customer_sentiment_start=sentiments[0] if sentiments else None,
        customer_sentiment_end=sentiments[-1] if sentiments else None,
        customer_sentiment_min=min(sentiments) if sentiments else None,
        resolved=resolved,
        critical_failures=tuple(critical_failures),
    )
