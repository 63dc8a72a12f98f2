"""Calibration sessions and reviewer agreement.

A QA lead puts the same conversations to several reviewers; each reviewer's review is an ordinary
review with `calibration_session_id` set (warehouse/review/reviews.py writes it). Agreement is computed
per criterion from the ratings the `calibration_ratings` query returns: Krippendorff's alpha and
percent agreement between reviewers, the same with the auto-scorer counted as one more rater, and
how often reviewers agree with the auto-scorer. N/A is treated as a missing rating for alpha
(a unit needs two ratings to count). yes/no criteria use nominal alpha, 1-5 scales ordinal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb

from warehouse import queries
from warehouse.access import audit
from warehouse.access.permissions import require, require_visible
from warehouse.access.viewer import Viewer
from warehouse.errors import WarehouseError
from warehouse.review import metrics
from warehouse.storage.connection import transaction

AUTO_RATER = "auto-scorer"


class CalibrationError(WarehouseError):
    """A calibration session that cannot be set up as asked."""


@dataclass(frozen=True, slots=True)
class CriterionAgreement:
    rubric_id: str
    criterion_id: str
    level: str  # nominal | ordinal
    conversations: int  # units rated by two or more reviewers
    alpha: float | None  # between reviewers
    percent_agreement: float | None  # between reviewers, 0-1
    alpha_with_auto: float | None  # reviewers + the auto-scorer as one more rater
    agreement_with_auto: float | None  # share of reviewer ratings equal to the auto-scorer's


def create_session(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    *,
    title: str,
    conversation_ids: Sequence[str],
    reviewer_ids: Sequence[str],
    scheduled_for: datetime | None = None,
    notes: str = "",
    show_auto_score: bool = False,
) -> int:
    """Create a session, put each conversation to every reviewer (assignments); return its id.

    Reviewers must be active reviewer or QA lead accounts. `show_auto_score` (migration 010) says
    whether reviewers see the auto-score on the review page before they submit (default: blind).
    """
    require(viewer, "calibration.manage")
    title = title.strip()
    if not title:
        raise CalibrationError("Give the session a title.")
    conversation_ids = list(dict.fromkeys(conversation_ids))
    reviewer_ids = list(dict.fromkeys(reviewer_ids))
    if not conversation_ids:
        raise CalibrationError("Pick at least one conversation.")
    if len(reviewer_ids) < 2:
        raise CalibrationError("Calibration needs at least two reviewers.")
    from warehouse.review import review_queue  # E1's module owns assignments

    review_queue.require_reviewer_accounts(con, reviewer_ids)
    for conversation_id in conversation_ids:
        require_visible(con, viewer, conversation_id)
    now = audit.utc_now()

    with transaction(con):
        session_id = queries.run(
            con,
            "insert_calibration_session",
            title=title,
            created_by=viewer.user_id,
            created_at=now,
            scheduled_for=scheduled_for,
            notes=notes.strip() or None,
            show_auto_score=bool(show_auto_score),
        )[0]["calibration_session_id"]
        for position, conversation_id in enumerate(conversation_ids):
            queries.execute(
                con,
                "insert_calibration_conversation",
                calibration_session_id=session_id,
                conversation_id=conversation_id,
                position=position,
            )
        for user_id in reviewer_ids:
            queries.execute(
                con,
                "insert_calibration_participant",
                calibration_session_id=session_id,
                user_id=user_id,
                added_at=now,
            )
        audit.record(
            con,
            viewer,
            "calibration.create",
            str(session_id),
            {
                "conversations": len(conversation_ids),
                "reviewers": reviewer_ids,
                "show_auto_score": bool(show_auto_score),
            },
        )
    # Assignments open their own transaction (DuckDB has no nested ones): put each conversation
    # in every participant's queue once the session exists.
    for user_id in reviewer_ids:
        review_queue.assign(
            con, viewer, conversation_ids, user_id, rule="calibration",
            calibration_session_id=session_id, now=now,
        )  # fmt: skip
    return session_id


def shows_auto_score(con: duckdb.DuckDBPyConnection, calibration_session_id: int | None) -> bool:
    """Whether reviewers of this session may see the auto-score before they submit.

    True outside calibration (None). An unknown session is treated as blind.
    """
    if calibration_session_id is None:
        return True
    rows = queries.run(
        con, "calibration_session_settings", calibration_session_id=calibration_session_id
    )
    return bool(rows and rows[0]["show_auto_score"])


def session_for_review(
    con: duckdb.DuckDBPyConnection, reviewer_id: str, conversation_id: str
) -> dict | None:
    """The open session a review of `conversation_id` by `reviewer_id` belongs to, or None.

    A reviewer who takes part in an open session holding the conversation reviews it for that
    session, wherever they submit from (queue, review page, calibration page): the review carries
    the session and completes its assignment. Keys: calibration_session_id, title, show_auto_score.
    """
    rows = queries.run(
        con,
        "calibration_session_for_review",
        reviewer_id=reviewer_id,
        conversation_id=conversation_id,
    )
    return rows[0] if rows else None


def ratings(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, calibration_session_id: int | None
) -> list[dict]:
    return queries.run(
        con, "calibration_ratings", viewer=viewer, calibration_session_id=calibration_session_id
    )


def criterion_agreement(rows: Iterable[dict]) -> list[CriterionAgreement]:
    """Per-criterion agreement from `calibration_ratings` rows (pure: testable by hand)."""
    by_criterion: dict[tuple[str, str], dict[str, dict[str, float | None]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for row in rows:
        value = None if row["na"] else row["value"]
        by_criterion[(row["rubric_id"], row["criterion_id"])][row["conversation_id"]][
            row["rater"]
        ] = value
    results = []
    for (rubric_id, criterion_id), units in sorted(by_criterion.items()):
        reviewers_only = {
            u: {r: v for r, v in raters.items() if r != AUTO_RATER} for u, raters in units.items()
        }
        values = {v for raters in units.values() for v in raters.values() if v is not None}
        level = "nominal" if values <= {0.0, 1.0} else "ordinal"
        matches = [
            v == raters[AUTO_RATER]
            for raters in units.values()
            if raters.get(AUTO_RATER) is not None
            for r, v in raters.items()
            if r != AUTO_RATER and v is not None
        ]
        results.append(
            CriterionAgreement(
                rubric_id=rubric_id,
                criterion_id=criterion_id,
                level=level,
                conversations=sum(
                    1
                    for raters in reviewers_only.values()
                    if sum(v is not None for v in raters.values()) >= 2
                ),
                alpha=metrics.krippendorff_alpha(reviewers_only, level),
                percent_agreement=metrics.percent_agreement(reviewers_only),
                alpha_with_auto=metrics.krippendorff_alpha(units, level),
                agreement_with_auto=sum(matches) / len(matches) if matches else None,
            )
        )
    return results


@dataclass(frozen=True, slots=True)
class RaterAgreement:
    rater: str
    verdicts: int  # criterion answers (not N/A) on conversations at least two reviewers rated
    agreement_with_reviewers: float | None  # share of pairs with another reviewer that match
    agreement_with_auto: float | None  # share of answers equal to the auto-scorer's


def rater_agreement(rows: Iterable[dict]) -> list[RaterAgreement]:
    """Each reviewer against the other reviewers and against the auto-scorer (pure).

    For every conversation and criterion a reviewer answered (N/A skipped), each other reviewer's
    answer is one pair: agreement is the share of matching pairs; the auto-scorer's answer is one
    more comparison, counted separately.
    """
    cells: dict[tuple[str, str, str], dict[str, float | None]] = defaultdict(dict)
    for row in rows:
        key = (row["conversation_id"], row["rubric_id"], row["criterion_id"])
        cells[key][row["rater"]] = None if row["na"] else row["value"]
    pairs: dict[str, list[bool]] = defaultdict(list)
    with_auto: dict[str, list[bool]] = defaultdict(list)
    answers: dict[str, int] = defaultdict(int)
    for raters in cells.values():
        auto = raters.get(AUTO_RATER)
        people = {r: v for r, v in raters.items() if r != AUTO_RATER and v is not None}
        for rater, value in people.items():
            answers[rater] += 1
            pairs[rater].extend(value == other for o, other in people.items() if o != rater)
            if auto is not None:
                with_auto[rater].append(value == auto)
    raters = sorted({r for raters in cells.values() for r in raters if r != AUTO_RATER})
    return [
        RaterAgreement(
            rater=rater,
            verdicts=answers[rater],
            agreement_with_reviewers=sum(pairs[rater]) / len(pairs[rater])
            if pairs[rater]
            else None,
            agreement_with_auto=sum(with_auto[rater]) / len(with_auto[rater])
            if with_auto[rater]
            else None,
        )
        for rater in raters
    ]


def overall_alpha(rows: Iterable[dict]) -> float | None:
    """Interval alpha of reviewers' quality scores (0-100) over the same conversations."""
    units: dict[str, dict[str, float | None]] = defaultdict(dict)
    for row in rows:
        if row["rater"] != AUTO_RATER:
            units[row["conversation_id"]][row["rater"]] = row["quality_score"]
    return metrics.krippendorff_alpha(units, "interval")
