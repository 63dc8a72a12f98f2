"""Customer-service and reviewer-agreement metrics as pure functions.

The trend queries compute the survey metrics in DuckDB (warehouse/queries/trends.sql); these
functions are the reference definitions the tests hold the SQL to, and what calibration uses on
the small per-session data it loads.

- NPS: % promoters (9-10) minus % detractors (0-6), in points from -100 to 100.
- CES: mean of the 1-7 answers. First response: median and mean seconds.
- Resolution rate: share of conversations marked resolved, among those with a known outcome.
- Krippendorff's alpha (nominal, ordinal, interval) from the coincidence matrix, following
  Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability"; missing values allowed.
- Percent agreement: share of agreeing pairs of ratings within a unit, over all units.
- Leniency: a rater's mean deviation from the unit's consensus (mean of all raters).
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from itertools import permutations

LEVELS = ("nominal", "ordinal", "interval")


def _present(values: Iterable[float | None]) -> list[float]:
    return [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]


def net_promoter_score(answers: Iterable[int | None]) -> float | None:
    """% promoters (9-10) minus % detractors (0-6); None without answers."""
    scores = _present(answers)
    if not scores:
        return None
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return 100.0 * (promoters - detractors) / len(scores)


def customer_effort_score(answers: Iterable[int | None]) -> float | None:
    """Mean of the 1-7 effort answers; None without answers."""
    scores = _present(answers)
    return statistics.fmean(scores) if scores else None


def csat_mean(answers: Iterable[int | None]) -> float | None:
    scores = _present(answers)
    return statistics.fmean(scores) if scores else None


def first_response_median(seconds: Iterable[float | None]) -> float | None:
    values = _present(seconds)
    return statistics.median(values) if values else None


def first_response_mean(seconds: Iterable[float | None]) -> float | None:
    values = _present(seconds)
    return statistics.fmean(values) if values else None


def resolution_rate(resolved: Iterable[bool | None]) -> float | None:
    """Share (0-1) resolved among conversations whose outcome is known."""
    known = [r for r in resolved if r is not None]
    return sum(1 for r in known if r) / len(known) if known else None


def pearson_correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    pairs = [(x, y) for x, y in zip(xs, ys, strict=True) if x is not None and y is not None]
    if len(pairs) < 3:
        return None
    mx = statistics.fmean(p[0] for p in pairs)
    my = statistics.fmean(p[1] for p in pairs)
    sxy = sum((x - mx) * (y - my) for x, y in pairs)
    sxx = sum((x - mx) ** 2 for x, _ in pairs)
    syy = sum((y - my) ** 2 for _, y in pairs)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


# Reliability data: unit -> {rater: value}. Units with fewer than two values are not pairable.
Ratings = Mapping[Hashable, Mapping[Hashable, float | None]]


def _pairable(ratings: Ratings) -> list[list[float]]:
    units = []
    for by_rater in ratings.values():
        values = _present(by_rater.values())
        if len(values) >= 2:
            units.append(values)
    return units


def _coincidences(units: list[list[float]]) -> dict[tuple[float, float], float]:
    matrix: dict[tuple[float, float], float] = defaultdict(float)
    for values in units:
        weight = 1.0 / (len(values) - 1)
        for a, b in permutations(values, 2):
            matrix[(a, b)] += weight
    return matrix


def krippendorff_alpha(ratings: Ratings, level: str = "nominal") -> float | None:
    """Krippendorff's alpha over units rated by two or more raters; None when undefined.

    Undefined means fewer than two pairable values, or no variation at all (every rating the
    same value: expected disagreement is 0, so agreement cannot be told from chance).
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
    units = _pairable(ratings)
    coincidences = _coincidences(units)
    marginals: dict[float, float] = defaultdict(float)
    for (a, _), weight in coincidences.items():
        marginals[a] += weight
    n = sum(marginals.values())
    if n < 2 or len(marginals) < 2:
        return None
    values = sorted(marginals)

    if level == "nominal":

        def delta(a: float, b: float) -> float:
            return 0.0 if a == b else 1.0
    elif level == "interval":

        def delta(a: float, b: float) -> float:
            return (a - b) ** 2
    else:
        rank = {v: i for i, v in enumerate(values)}
        cumulative = [0.0]
        for v in values:
            cumulative.append(cumulative[-1] + marginals[v])

        def delta(a: float, b: float) -> float:
            lo, hi = sorted((rank[a], rank[b]))
            between = cumulative[hi + 1] - cumulative[lo]
            return (between - (marginals[a] + marginals[b]) / 2) ** 2

    observed = sum(w * delta(a, b) for (a, b), w in coincidences.items()) / n
    expected = sum(marginals[a] * marginals[b] * delta(a, b) for a in values for b in values) / (
        n * (n - 1)
    )
    if expected == 0:
        return None
    return 1.0 - observed / expected


def percent_agreement(ratings: Ratings) -> float | None:
    """Share (0-1) of agreeing rating pairs within units, each unit's pairs weighted equally."""
    shares = []
    for values in _pairable(ratings):
        pairs = [(a, b) for i, a in enumerate(values) for b in values[i + 1 :]]
        shares.append(sum(1 for a, b in pairs if a == b) / len(pairs))
    return statistics.fmean(shares) if shares else None


def leniency(ratings: Ratings) -> dict[Hashable, float]:
    """Each rater's mean deviation from the unit consensus (mean of all raters' values).

    Positive: the rater scores higher than colleagues on the same units (lenient); negative:
    stricter. Only units with two or more values count.
    """
    deviations: dict[Hashable, list[float]] = defaultdict(list)
    for by_rater in ratings.values():
        present = {r: v for r, v in by_rater.items() if v is not None}
        if len(present) < 2:
            continue
        consensus = statistics.fmean(present.values())
        for rater, value in present.items():
            deviations[rater].append(value - consensus)
    return {rater: statistics.fmean(d) for rater, d in deviations.items()}
