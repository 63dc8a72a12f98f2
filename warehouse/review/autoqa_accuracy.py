"""How far the auto-score (AQS) can be trusted: its agreement with every human review (IQS).

Each current human review records, per criterion, the reviewer's answer and the auto-score's
answer the reviewer was shown (`review_criteria.auto_value` / `auto_na`). Every such pair is one
unit of evidence. Per criterion (and optionally per week or rubric set version) this module
reports, each with a percentile-bootstrap 95 % confidence interval over the reviews and the
number of reviews behind it:

- exact agreement: share of pairs where the auto answer equals the human answer, N/A counting
  as an answer of its own (an auto "N/A" the reviewer answered is a disagreement);
- within one: share of pairs, both answered, at most one scale step apart (1-5 scales only);
- mean absolute difference: in points of the 0-100 criterion score, both answered;
- Krippendorff's alpha between the auto-scorer and the reviewer (nominal for yes/no, ordinal for
  1-5; N/A is a missing rating, as in calibration), the reference implementation being
  `warehouse.review.metrics.krippendorff_alpha`.

A criterion is flagged when its alpha is below the threshold (default 0.667, Krippendorff's
lowest level for tentative conclusions) or undefined while exact agreement is below 80 %.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb
import numpy as np

from warehouse import queries
from warehouse.access.viewer import Viewer
from warehouse.review import metrics

ALPHA_THRESHOLD = 0.667
EXACT_THRESHOLD = 0.8
RESAMPLES = 1000
SCALE_STEPS = {"yes_no": (0.0, 1.0), "1_5": (1.0, 5.0)}
GROUPINGS = ("criterion", "week", "rubric_version")


@dataclass(frozen=True, slots=True)
class Estimate:
    """A point estimate with its bootstrap 95 % interval (None where undefined)."""

    value: float | None
    low: float | None = None
    high: float | None = None


UNDEFINED = Estimate(None)


@dataclass(frozen=True, slots=True)
class Pair:
    """One reviewed criterion: the auto answer and the human answer (None = N/A)."""

    auto: float | None
    human: float | None


@dataclass(frozen=True, slots=True)
class Agreement:
    rubric_id: str
    criterion_id: str
    group: str  # "" for all reviews, else the week (YYYY-MM-DD) or the rubric set version
    scale: str  # yes_no | 1_5
    reviews: int  # pairs behind exact agreement
    answered: int  # pairs where both answered: behind within-one, difference and alpha
    exact: Estimate
    within_one: Estimate
    mean_abs_difference: Estimate  # points of the 0-100 criterion score
    alpha: Estimate
    flagged: bool


def alpha_level(scale: str) -> str:
    return "ordinal" if scale == "1_5" else "nominal"


def _points(value: float, scale: str) -> float:
    low, high = SCALE_STEPS.get(scale, SCALE_STEPS["1_5"])
    return 100.0 * (value - low) / (high - low)


def _alpha_from_tables(tables: np.ndarray, level: str) -> np.ndarray:
    """Krippendorff's alpha of many two-rater contingency tables at once (shape (B, K, K)).

    With two ratings per unit the coincidence matrix is the table plus its transpose; the rest
    follows Krippendorff (2011) as `metrics.krippendorff_alpha` does (NaN where undefined).
    """
    coincidences = tables + np.swapaxes(tables, 1, 2)
    marginals = coincidences.sum(axis=2)  # (B, K)
    n = marginals.sum(axis=1)  # (B,)
    k = tables.shape[1]
    index = np.arange(k)
    if level == "nominal":
        delta = np.broadcast_to((index[:, None] != index[None, :]).astype(float), tables.shape)
    else:  # ordinal: squared ranks between the two values, counted with the marginals
        cumulative = np.concatenate([np.zeros((len(n), 1)), np.cumsum(marginals, axis=1)], axis=1)
        lo = np.minimum(index[:, None], index[None, :])
        hi = np.maximum(index[:, None], index[None, :])
        between = cumulative[:, hi + 1] - cumulative[:, lo]  # (B, K, K)
        delta = (between - (marginals[:, :, None] + marginals[:, None, :]) / 2) ** 2
        delta = np.where(lo == hi, 0.0, delta)
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = (coincidences * delta).sum(axis=(1, 2)) / n
        expected = (marginals[:, :, None] * marginals[:, None, :] * delta).sum(axis=(1, 2)) / (
            n * (n - 1)
        )
        alpha = 1.0 - observed / expected
    present_values = (marginals > 0).sum(axis=1)
    return np.where((n >= 2) & (present_values >= 2) & (expected > 0), alpha, np.nan)


def _interval(replicates: np.ndarray, value: float | None) -> Estimate:
    if value is None:
        return UNDEFINED
    finite = replicates[np.isfinite(replicates)]
    if len(finite) == 0:
        return Estimate(value)
    low, high = np.percentile(finite, [2.5, 97.5])
    return Estimate(value, float(low), float(high))


def agreement(
    pairs: Sequence[Pair],
    scale: str,
    *,
    resamples: int = RESAMPLES,
    seed: int = 0,
) -> tuple[int, int, Estimate, Estimate, Estimate, Estimate]:
    """(reviews, answered, exact, within one, mean |difference| in points, alpha) of the pairs."""
    n = len(pairs)
    if n == 0:
        return 0, 0, UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED
    rng = np.random.default_rng(seed)
    same = np.array([p.auto == p.human for p in pairs], dtype=float)
    draws = rng.integers(0, n, size=(resamples, n))
    exact = _interval(same[draws].mean(axis=1), float(same.mean()))

    answered = [p for p in pairs if p.auto is not None and p.human is not None]
    m = len(answered)
    if m == 0:
        return n, 0, exact, UNDEFINED, UNDEFINED, UNDEFINED
    auto = np.array([p.auto for p in answered], dtype=float)
    human = np.array([p.human for p in answered], dtype=float)
    draws = rng.integers(0, m, size=(resamples, m))
    difference = np.abs(
        np.array([_points(a, scale) - _points(h, scale) for a, h in zip(auto, human, strict=True)])
    )
    mean_abs = _interval(difference[draws].mean(axis=1), float(difference.mean()))
    if scale == "1_5":
        close = (np.abs(auto - human) <= 1).astype(float)
        within = _interval(close[draws].mean(axis=1), float(close.mean()))
    else:
        within = UNDEFINED

    level = alpha_level(scale)
    point = metrics.krippendorff_alpha(
        {i: {"auto": a, "human": h} for i, (a, h) in enumerate(zip(auto, human, strict=True))},
        level,
    )
    values = np.unique(np.concatenate([auto, human]))
    a_index = np.searchsorted(values, auto)
    h_index = np.searchsorted(values, human)
    cell = a_index * len(values) + h_index
    counts = np.zeros((resamples, len(values) * len(values)))
    np.add.at(counts, (np.repeat(np.arange(resamples), m), cell[draws].ravel()), 1.0)
    tables = counts.reshape(resamples, len(values), len(values))
    alpha = _interval(_alpha_from_tables(tables, level), point)
    return n, m, exact, within, mean_abs, alpha


def is_flagged(exact: Estimate, alpha: Estimate, alpha_threshold: float) -> bool:
    if alpha.value is not None:
        return alpha.value < alpha_threshold
    return exact.value is not None and exact.value < EXACT_THRESHOLD


def summarise(
    rows: Iterable[Mapping],
    scales: Mapping[tuple[str, str], str],
    *,
    group_by: str = "criterion",
    alpha_threshold: float = ALPHA_THRESHOLD,
    resamples: int = RESAMPLES,
) -> list[Agreement]:
    """Agreement per criterion (and week or rubric version) from `autoqa_review_pairs` rows.

    `scales` maps (rubric, criterion) to its scale; a criterion missing there counts as 1-5 when
    any answer is above 1, else yes/no.
    """
    if group_by not in GROUPINGS:
        raise ValueError(f"unknown grouping {group_by!r}; expected one of {', '.join(GROUPINGS)}")
    grouped: dict[tuple[str, str, str], list[Pair]] = defaultdict(list)
    for row in rows:
        group = ""
        if group_by == "week":
            group = str(row["week"])
        elif group_by == "rubric_version":
            group = str(row["rubric_set_hash"] or "")
        auto = None if row["auto_na"] else row["auto_value"]
        human = None if row["human_na"] else row["human_value"]
        grouped[(row["rubric_id"], row["criterion_id"], group)].append(
            Pair(None if auto is None else float(auto), None if human is None else float(human))
        )
    results = []
    for (rubric_id, criterion_id, group), pairs in sorted(grouped.items()):
        scale = scales.get((rubric_id, criterion_id))
        if scale is None:
            answers = [v for p in pairs for v in (p.auto, p.human) if v is not None]
            scale = "1_5" if any(v > 1 for v in answers) else "yes_no"
        n, m, exact, within, mean_abs, alpha = agreement(pairs, scale, resamples=resamples)
        results.append(
            Agreement(
                rubric_id=rubric_id,
                criterion_id=criterion_id,
                group=group,
                scale=scale,
                reviews=n,
                answered=m,
                exact=exact,
                within_one=within,
                mean_abs_difference=mean_abs,
                alpha=alpha,
                flagged=is_flagged(exact, alpha, alpha_threshold),
            )
        )
    return results


def review_pairs(con: duckdb.DuckDBPyConnection, viewer: Viewer, *, since: datetime) -> list[dict]:
    """Every current review's criteria beside the auto answer, for the viewer's conversations."""
    return queries.run(con, "autoqa_review_pairs", viewer=viewer, since=since)
