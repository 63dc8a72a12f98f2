"""Demo calibration rounds for `qa demo` (the calibration step): the same conversations put to
every reviewer, each answering with their own bias, through the real session and review
functions."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

import duckdb

from warehouse import queries
from warehouse.access.viewer import Viewer
from warehouse.review import reviews
from warehouse.review.calibration import create_session
from warehouse.review.reviews import CriterionAnswer


def seed_demo_calibration(
    con: duckdb.DuckDBPyConnection,
    lead: Viewer,
    reviewer_ids: Sequence[str],
    *,
    leniency: Mapping[str, float] | None = None,
    sessions: int = 3,
    conversations_per_session: int = 8,
) -> list[int]:
    """Demo: calibration sessions of the same conversations put to every reviewer, each of whom
    reviews them with their own bias (`leniency`, quality points they tend to add), so the page
    shows real disagreement. The last session is left with one reviewer still to do."""
    leniency = leniency or {}
    created = []
    for number in range(sessions):
        title = f"Calibration round {number + 1}"
        if queries.run(con, "calibration_session_titled", title=title):
            continue  # a re-run of the demo adds nothing
        candidates = queries.run(
            con,
            "calibration_candidates",
            viewer=lead,
            team=None,
            seed=number,
            limit=conversations_per_session,
        )
        if len(candidates) < 2 or len(reviewer_ids) < 2:
            break
        conversation_ids = [c["conversation_id"] for c in candidates]
        session_id = create_session(
            con,
            lead,
            title=title,
            conversation_ids=conversation_ids,
            reviewer_ids=reviewer_ids,
            notes="Demo session: every reviewer scores the same conversations.",
        )
        created.append(session_id)
        done = reviewer_ids[:-1] if number == sessions - 1 else reviewer_ids
        for reviewer_id in done:
            reviewer = Viewer(user_id=reviewer_id, role="reviewer")
            for conversation_id in conversation_ids:
                rng = random.Random(f"calibration-{session_id}-{reviewer_id}-{conversation_id}")
                form = reviews.load_form(con, reviewer, conversation_id, session_id)
                answers = [
                    _biased_answer(item, leniency.get(reviewer_id, 0.0), rng)
                    for item in form.criteria
                ]
                reviews.submit_review(
                    con, reviewer, conversation_id, answers, calibration_session_id=session_id
                )
    return created


def _biased_answer(item, bias: float, rng: random.Random):
    """A reviewer's answer: the auto-score, nudged by the reviewer's bias and some noise."""
    spec = item.spec
    valid = spec.valid_values()
    reason = "Calibration: reviewer's own judgement"
    if item.auto_na is None or item.auto_na:
        if rng.random() < 0.05:  # now and then a reviewer thinks the criterion did apply
            return CriterionAnswer(
                spec.rubric_id, spec.criterion_id, valid[len(valid) // 2], False, reason
            )
        return CriterionAnswer(spec.rubric_id, spec.criterion_id, None, True, reason)
    auto = min(valid, key=lambda v: abs(v - float(item.auto_value)))
    if spec.scale == "yes_no":
        lift = 0.12 + max(bias, 0.0) / 30.0  # lenient reviewers pass what the scorer failed
        drop = 0.06 + max(-bias, 0.0) / 30.0  # strict ones fail what it passed
        flip = lift if auto == 0.0 else drop
        value = (1.0 - auto) if rng.random() < flip else auto
    else:
        shift = round(bias / 6.0 + rng.gauss(0.0, 0.6))
        value = float(min(max(auto + shift, valid[0]), valid[-1]))
    return CriterionAnswer(spec.rubric_id, spec.criterion_id, value, False, reason)
