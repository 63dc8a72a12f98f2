"""The review queue: assigning conversations to reviewers, by hand or by sampling rules.

Outside calibration sessions a conversation sits in at most one reviewer's queue (open or done),
so two reviewers never do the same work; a calibration session (E2) assigns the same conversation
to several reviewers on purpose. Queue building runs the rules in DuckDB (`queue_candidates`) and
deals the picks to reviewers round robin (fewest open assignments first) or by team.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import cycle
from typing import Literal

import duckdb

from warehouse import queries
from warehouse.access import audit
from warehouse.access.permissions import SEES_EVERY_CONVERSATION, allowed, roles_with
from warehouse.access.viewer import Viewer
from warehouse.errors import PermissionDeniedError
from warehouse.review.reviews import InvalidReviewError
from warehouse.review.sampling import QueueFilters, Selection
from warehouse.storage.connection import transaction


@dataclass(frozen=True)
class QueueBuildResult:
    assigned: dict[str, int]  # reviewer -> conversations added to their queue
    candidates: int  # conversations the rules picked

    @property
    def total(self) -> int:
        return sum(self.assigned.values())


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _check_assigner(viewer: Viewer, reviewer_ids: Sequence[str]) -> None:
    if allowed(viewer, "queue.assign"):
        return
    if allowed(viewer, "review.submit") and reviewer_ids and set(reviewer_ids) <= {viewer.user_id}:
        return  # a reviewer may pick work up for themselves
    raise PermissionDeniedError(
        f"Your role ({viewer.role}) cannot assign conversations to reviewers."
    )


def require_reviewer_accounts(con: duckdb.DuckDBPyConnection, reviewer_ids: Sequence[str]) -> None:
    """Refuse any name that is not an active reviewer, QA lead or admin account (a typo such as
    `kofi.okafr` must not become a queue nobody can ever work or reassign)."""
    wanted = list(dict.fromkeys(r for r in reviewer_ids if r))
    named = queries.run(
        con, "reviewer_accounts_named", user_ids=wanted, roles=roles_with("review.submit")
    )
    found = {r["user_id"] for r in named}
    unknown = [r for r in wanted if r not in found]
    if unknown:
        names = ", ".join(repr(u) for u in unknown)
        raise InvalidReviewError(
            [f"no active reviewer account for {names}: pick reviewers from the list"]
        )


def assign(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    conversation_ids: Sequence[str],
    reviewer_id: str,
    rule: str = "manual",
    calibration_session_id: int | None = None,
    now: datetime | None = None,
) -> list[str]:
    """Put conversations in a reviewer's queue; return the ones added (already queued ones are skipped)."""
    _check_assigner(viewer, [reviewer_id])
    if not reviewer_id or not reviewer_id.strip():
        raise InvalidReviewError(["choose a reviewer"])
    added = []
    with transaction(con):
        for conversation_id in conversation_ids:
            if not queries.run(
                con, "conversation_visible", viewer=viewer, conversation_id=conversation_id
            ):
                raise InvalidReviewError(
                    [f"conversation {conversation_id!r} does not exist or is not visible"]
                )
            inserted = queries.run(
                con, "insert_assignment", conversation_id=conversation_id, reviewer_id=reviewer_id,
                assigned_by=viewer.user_id, assigned_at=now or _now(), rule=rule,
                calibration_session_id=calibration_session_id, due_date=None,
            )  # fmt: skip
            if inserted:
                added.append(conversation_id)
    return added


def release(con: duckdb.DuckDBPyConnection, viewer: Viewer, assignment_id: int) -> None:
    """Give an open assignment back so the conversation can be sampled again."""
    _check_assigner(viewer, [])
    queries.execute(con, "release_assignment", assignment_id=assignment_id)


def queue_rows(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    reviewer_id: str | None,
    statuses: Sequence[str],
    filters: QueueFilters,
    limit: int = 500,
    offset: int = 0,
):
    """One page of the review queue as a DataFrame: assignments (worst first) for one reviewer or
    everyone, `limit` rows from row `offset`; its `total_rows` column counts all matching rows."""
    return queries.frame(
        con, "review_queue", viewer=viewer, reviewer_id=reviewer_id, statuses=list(statuses), limit=limit,
        offset=max(0, int(offset)), **filters.params(),
    )  # fmt: skip


# Rules decided by auto-scores alone; viewers whose visible_to(...) is always true.
SCORE_ONLY_RULES = frozenset(
    (
        "lowest_auto_score",
        "negative_sentiment",
        "long_handle_time",
        "critical_failures",
        "not_yet_reviewed",
    )
)


def _needs_conversations(viewer: Viewer, selection: Selection, filters: QueueFilters) -> bool:
    """Whether the sampling needs the conversations table before the final rows (else the cheaper
    `queue_candidates_scores_only` gives the same result)."""
    return bool(
        viewer.role not in SEES_EVERY_CONVERSATION
        or filters.teams
        or filters.agents
        or filters.channels
        or filters.since
        or filters.until
        or not set(selection.rules) <= SCORE_ONLY_RULES
    )


def candidates(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    selection: Selection,
    filters: QueueFilters,
    limit: int = 200,
) -> list[dict]:
    """What the rules would pick now (worst first), without assigning anything."""
    return queries.run(
        con,
        "queue_candidates"
        if _needs_conversations(viewer, selection, filters)
        else "queue_candidates_scores_only",
        viewer=viewer,
        limit=limit,
        **selection.params(),
        **filters.params(),
    )


def build_queue(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    selection: Selection,
    filters: QueueFilters,
    reviewers: Sequence[str],
    strategy: Literal["round_robin", "by_team"] = "round_robin",
    team_reviewers: Mapping[str, Sequence[str]] | None = None,
    limit: int = 100,
    now: datetime | None = None,
    due_date: date | None = None,
) -> QueueBuildResult:
    """Sample up to `limit` conversations with the chosen rules and deal them to reviewers.

    round_robin: reviewers with the fewest open assignments first, then in turn. by_team: a
    conversation goes to the reviewers listed for its team in `team_reviewers` (in turn), else
    round robin over all `reviewers`. `due_date` (optional, not before today) goes on every
    assignment made.
    """
    _check_assigner(viewer, list(reviewers))
    reviewers = [r.strip() for r in reviewers if r and r.strip()]
    if not reviewers:
        raise InvalidReviewError(["choose at least one reviewer"])
    if not 1 <= limit <= 10_000:
        raise InvalidReviewError(
            ["the number of conversations to sample must be between 1 and 10,000"]
        )
    stamp = now or _now()
    today = now.date() if now else date.today()  # the server's day, as the pages count it
    if due_date is not None and due_date < today:
        raise InvalidReviewError(
            [f"the due date {due_date:%d %b %Y} is in the past: pick today or a later day"]
        )
    require_reviewer_accounts(
        con, [*reviewers, *(p for names in (team_reviewers or {}).values() for p in names)]
    )
    picks = candidates(con, viewer, selection, filters, limit)
    load = {
        r["reviewer_id"]: r["open_assignments"]
        for r in queries.run(con, "open_assignment_count", viewer=viewer)
    }
    order = sorted(reviewers, key=lambda r: (load.get(r, 0), r))
    everyone = cycle(order)
    per_team = {team: cycle(list(names)) for team, names in (team_reviewers or {}).items() if names}
    assigned = {r: 0 for r in reviewers}
    with transaction(con):
        for pick in picks:
            turn = per_team.get(pick["team"]) if strategy == "by_team" else None
            reviewer_id = next(turn or everyone)
            inserted = queries.run(
                con, "insert_assignment", conversation_id=pick["conversation_id"], reviewer_id=reviewer_id,
                assigned_by=viewer.user_id, assigned_at=stamp, rule=pick["rule"] or "sampled",
                calibration_session_id=None, due_date=due_date,
            )  # fmt: skip
            if inserted:
                assigned[reviewer_id] = assigned.get(reviewer_id, 0) + 1
        audit.record(
            con,
            viewer,
            "queue.build",
            None,
            {
                "rules": list(selection.rules),
                "combine": selection.combine,
                "strategy": strategy,
                "limit": limit,
                "picked": len(picks),
                "assigned": assigned,
                "due_date": due_date.isoformat() if due_date else None,
            },
            at=stamp,
        )
    return QueueBuildResult(assigned, len(picks))


@dataclass(frozen=True)
class ReassignResult:
    moved: list[str]  # conversation ids now in the new reviewer's queue
    skipped: list[str]  # already in the new reviewer's queue (calibration) or no longer open


def reassign(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    assignment_ids: Sequence[int],
    reviewer_id: str,
    now: datetime | None = None,
) -> ReassignResult:
    """Move open assignments to another reviewer account (QA leads and admins).

    The old assignment is released and a new open one is written for `reviewer_id` with the same
    rule, calibration session and due date, in one transaction with its audit row.
    """
    if not allowed(viewer, "queue.assign"):
        raise PermissionDeniedError(
            f"Your role ({viewer.role}) cannot reassign conversations to other reviewers."
        )
    if not reviewer_id or not reviewer_id.strip():
        raise InvalidReviewError(["choose the reviewer to reassign to"])
    require_reviewer_accounts(con, [reviewer_id])
    ids = [int(i) for i in dict.fromkeys(assignment_ids)]
    if not ids:
        raise InvalidReviewError(["choose at least one open assignment to reassign"])
    stamp = now or _now()
    moved: list[str] = []
    skipped: list[str] = []
    with transaction(con):
        rows = queries.run(con, "open_assignments_by_id", viewer=viewer, assignment_ids=ids)
        found = {r["assignment_id"] for r in rows}
        skipped.extend(f"assignment {i}" for i in ids if i not in found)
        for row in rows:
            if row["reviewer_id"] == reviewer_id:
                skipped.append(row["conversation_id"])
                continue
            queries.execute(con, "release_assignment", assignment_id=row["assignment_id"])
            inserted = queries.run(
                con, "insert_assignment", conversation_id=row["conversation_id"], reviewer_id=reviewer_id,
                assigned_by=viewer.user_id, assigned_at=stamp, rule=row["rule"],
                calibration_session_id=row["calibration_session_id"], due_date=row["due_date"],
            )  # fmt: skip
            if not inserted:
                raise InvalidReviewError(
                    [f"{reviewer_id} already has conversation {row['conversation_id']} in this "
                     "calibration session"]
                )  # fmt: skip
            moved.append(row["conversation_id"])
            audit.record(
                con,
                viewer,
                "queue.reassign",
                row["conversation_id"],
                {
                    "assignment_id": row["assignment_id"],
                    "from": row["reviewer_id"],
                    "to": reviewer_id,
                    "calibration_session_id": row["calibration_session_id"],
                },
                at=stamp,
            )
    return ReassignResult(moved, skipped)
