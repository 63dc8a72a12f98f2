"""Human reviews: the review form, submitting and editing (append-only), comments, disputes.

Every write checks the viewer: agents cannot submit reviews, a reviewer edits only their own
review chain, disputes are opened by the conversation's agent and resolved by reviewers, QA leads,
admins or the team's manager. Nothing is overwritten: an edit appends version + 1, a dispute that
changes a criterion appends a new version marked `revised_after_dispute`.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import duckdb

from warehouse import queries
from warehouse.access import audit
from warehouse.access.permissions import allowed, require
from warehouse.access.viewer import Viewer
from warehouse.errors import PermissionDeniedError, WarehouseError
from warehouse.review import calibration
from warehouse.review.rubric_specs import (
    CriterionSpec,
    RubricSpec,
    parse_definition,
    specs_from_auto_rows,
    totals,
)
from warehouse.storage.connection import transaction

COMMENT_LIMIT = 10_000  # characters, per comment, override reason or dispute text

T = TypeVar("T")


class InvalidReviewError(WarehouseError):
    """The form has problems the reviewer must fix; `problems` lists each one plainly."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


class ReviewConflictError(WarehouseError):
    """Somebody saved a newer version of this review in the meantime."""


class StaleFormError(ReviewConflictError):
    """The form on screen is no longer this conversation's form (its auto-score was re-scored)."""


class NotFoundError(WarehouseError):
    """The conversation, review or dispute does not exist or is not visible to the viewer."""


@dataclass(frozen=True, slots=True)
class CriterionAnswer:
    """A reviewer's answer for one criterion: a value on its scale, or N/A, and a reason if overridden."""

    rubric_id: str
    criterion_id: str
    value: float | None = None
    na: bool = False
    reason: str = ""


@dataclass(frozen=True, slots=True)
class FormCriterion:
    spec: CriterionSpec
    auto_value: float | None
    auto_na: bool | None  # None: the conversation has no auto-score for this criterion
    auto_failed: bool
    rationale: str
    evidence: tuple[dict[str, Any], ...]
    value: float | None  # pre-filled: the reviewer's current version, else the auto-score
    na: bool
    reason: str


@dataclass(frozen=True)
class ReviewForm:
    conversation_id: str
    rubric_set_hash: str | None
    rubrics: tuple[RubricSpec, ...]
    criteria: tuple[FormCriterion, ...]
    current_review_id: int | None  # the viewer's current version, if they reviewed it already
    current_version: int | None = None
    rubric_labels: dict[str, str] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """What the reviewer is answering: the criteria, their scales and the auto-score of each.

        The page sends back the fingerprint of the form it showed; a submit is refused when the
        form built at save time differs (a scoring run changed the auto-score meanwhile), so the
        stored answers and override flags are always those of the form on screen.
        """
        shown = [
            (c.spec.rubric_id, c.spec.criterion_id, c.spec.scale, c.auto_value, c.auto_na)
            for c in self.criteria
        ]
        return hashlib.sha256(json.dumps(shown).encode()).hexdigest()[:16]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)  # timestamps are naive UTC throughout


def _retry_on_conflict(work: Callable[[], T], attempts: int = 8) -> T:
    """DuckDB's optimistic concurrency: retry a transaction that collided with another writer.

    A UNIQUE violation can only come from `reviews.supersedes` (two writers appending to the same
    version at once, detected at COMMIT): that is a real conflict the reviewer must see.
    """
    for attempt in range(attempts):
        try:
            return work()
        except (duckdb.ConstraintException, duckdb.TransactionException) as error:
            message = str(error).lower()
            if "constraint" in message:
                raise ReviewConflictError(
                    "Someone saved a new version of this review at the same moment. Reload the page "
                    "to see it, then submit again (nothing of yours was saved)."
                ) from error
            if "conflict" not in message or attempt == attempts - 1:
                raise
            time.sleep(0.02 * (attempt + 1))
    raise AssertionError("unreachable")


def _visible_conversation(con, viewer: Viewer, conversation_id: str) -> dict[str, Any]:
    rows = queries.run(con, "conversation_visible", viewer=viewer, conversation_id=conversation_id)
    if not rows:
        raise NotFoundError(
            f"conversation {conversation_id!r} does not exist or is not visible to you"
        )
    return rows[0]


def _check_text(label: str, text: str | None, problems: list[str]) -> None:
    if text and len(text) > COMMENT_LIMIT:
        problems.append(
            f"{label} is {len(text):,} characters long; the limit is {COMMENT_LIMIT:,}. "
            "Shorten it (nothing was saved)."
        )


# Parsed rubric sets by hash: a hash names the content of the rubric files, so it never goes stale.
_SPECS_BY_HASH: dict[str, tuple[RubricSpec, ...]] = {}


def _rubric_specs(
    con, viewer: Viewer, conversation_id: str, auto_rows
) -> tuple[str | None, tuple[RubricSpec, ...]]:
    """The rubric set the conversation was scored with (else the newest), parsed once per process."""
    found = queries.run(con, "conversation_rubric_set", conversation_id=conversation_id)[0]
    set_hash = found["scored_with"] or found["newest"]
    if set_hash in _SPECS_BY_HASH:
        return set_hash, _SPECS_BY_HASH[set_hash]
    stored = queries.run(con, "rubric_set_definition", rubric_set_hash=set_hash)
    specs = parse_definition(stored[0]["definition"]) if stored else ()
    if specs:
        if len(_SPECS_BY_HASH) > 32:
            _SPECS_BY_HASH.clear()
        _SPECS_BY_HASH[set_hash] = specs
        return set_hash, specs
    return set_hash, specs_from_auto_rows(auto_rows)


def load_form(
    con, viewer: Viewer, conversation_id: str, calibration_session_id: int | None = None
) -> ReviewForm:
    """The rubric form for one conversation, pre-filled with the viewer's current review or the auto-score."""
    _visible_conversation(con, viewer, conversation_id)
    auto_rows = queries.run(
        con, "conversation_auto_criteria", viewer=viewer, conversation_id=conversation_id
    )
    set_hash, rubrics = _rubric_specs(con, viewer, conversation_id, auto_rows)
    auto = {(r["rubric_id"], r["criterion_id"]): r for r in auto_rows}
    chain = queries.run(
        con, "current_review_in_chain", conversation_id=conversation_id,
        reviewer_id=viewer.user_id, calibration_session_id=calibration_session_id,
    )  # fmt: skip
    mine: dict[tuple[str, str], dict[str, Any]] = {}
    if chain:
        mine = {
            (r["rubric_id"], r["criterion_id"]): r
            for r in queries.run(
                con, "review_criteria_of", viewer=viewer, review_id=chain[0]["review_id"]
            )
        }
    criteria = []
    for rubric in rubrics:
        for spec in rubric.criteria:
            key = (rubric.rubric_id, spec.criterion_id)
            a = auto.get(key)
            evidence = tuple(json.loads(a["evidence"]) or ()) if a and a["evidence"] else ()
            auto_na = bool(a["na"]) if a else None
            auto_value = None if not a or a["na"] else spec.nearest(a["value"])
            prior = mine.get(key)
            if prior:
                value, na, reason = (
                    prior["value"],
                    bool(prior["na"]),
                    prior["override_reason"] or "",
                )
            else:
                # no auto row (e.g. the criterion does not apply to this channel): start from N/A
                value, na, reason = auto_value, auto_na is None or auto_na, ""
            criteria.append(
                FormCriterion(
                    spec, auto_value, auto_na, bool(a["failed"]) if a else False,
                    (a["rationale"] or "") if a else "", evidence, value, na, reason,
                )
            )  # fmt: skip
    return ReviewForm(
        conversation_id=conversation_id,
        rubric_set_hash=set_hash,
        rubrics=rubrics,
        criteria=tuple(criteria),
        current_review_id=chain[0]["review_id"] if chain else None,
        current_version=chain[0]["version"] if chain else None,
        rubric_labels={r.rubric_id: r.label for r in rubrics},
    )


def _validated_rows(
    form: ReviewForm,
    answers: Sequence[CriterionAnswer],
    problems: list[str],
    require_reason: bool = True,
) -> list[dict[str, Any]]:
    by_key = {(a.rubric_id, a.criterion_id): a for a in answers}
    known = {(c.spec.rubric_id, c.spec.criterion_id) for c in form.criteria}
    for key in by_key.keys() - known:
        problems.append(f"criterion {key[0]}/{key[1]} is not in this conversation's rubrics")
    rows = []
    for item in form.criteria:
        spec = item.spec
        key = (spec.rubric_id, spec.criterion_id)
        answer = by_key.get(key)
        if answer is None:  # not touched: confirm what the auto-scorer said
            answer = CriterionAnswer(
                *key, value=item.auto_value, na=item.auto_na is None or item.auto_na
            )
        value = None if answer.na else answer.value
        if not answer.na:
            if value is None:
                problems.append(f"{spec.label}: choose a value or mark it N/A")
                continue
            if float(value) not in spec.valid_values():
                allowed = "yes or no" if spec.scale == "yes_no" else "1 to 5"
                problems.append(f"{spec.label}: {value} is not a valid answer ({allowed})")
                continue
            value = float(value)
        overridden = item.auto_na is not None and (
            bool(answer.na) != bool(item.auto_na) or (not answer.na and value != item.auto_value)
        )
        reason = (answer.reason or "").strip()
        if overridden and not reason and require_reason:
            problems.append(
                f"{spec.label}: you changed the auto-score; give a reason for the override"
            )
        _check_text(f"The override reason for {spec.label}", reason, problems)
        rows.append(
            {
                "rubric_id": spec.rubric_id, "criterion_id": spec.criterion_id, "value": value,
                "score": spec.to_score(value), "na": bool(answer.na), "failed": spec.fails(value),
                "critical": spec.critical, "auto_value": item.auto_value, "auto_na": item.auto_na,
                "overridden": overridden, "override_reason": reason or None,
            }
        )  # fmt: skip
    return rows


def _write_version(
    con, *, conversation_id: str, reviewer_id: str, written_by: str, rubrics: Sequence[RubricSpec],
    rows: list[dict[str, Any]], rubric_set_hash: str | None, overall_comment: str,
    message_comments: Mapping[int, str], calibration_session_id: int | None, status: str,
    base_review_id: int | None, check_base: bool, now: datetime,
) -> int:  # fmt: skip
    """Append one version to the chain (reviewer × conversation × calibration session); audit it."""
    chain = queries.run(
        con, "current_review_in_chain", conversation_id=conversation_id,
        reviewer_id=reviewer_id, calibration_session_id=calibration_session_id,
    )  # fmt: skip
    current = chain[0] if chain else None
    if check_base and (current["review_id"] if current else None) != base_review_id:
        raise ReviewConflictError(
            "This review was changed in another window or by a dispute since you opened it. "
            "Reload the page to see the newest version, then submit again."
        )
    version = (current["version"] + 1) if current else 1
    result = totals(rubrics, {(r["rubric_id"], r["criterion_id"]): r["value"] for r in rows})
    review_id = int(
        queries.run(
            con, "insert_review", conversation_id=conversation_id, reviewer_id=reviewer_id,
            written_by=written_by, version=version, supersedes=current["review_id"] if current else None,
            status=status, calibration_session_id=calibration_session_id, rubric_set_hash=rubric_set_hash,
            quality_score=result.quality_score, critical_failed=result.critical_failed,
            overall_comment=overall_comment or None, created_at=now,
        )[0]["review_id"]
    )  # fmt: skip
    for row in rows:
        queries.execute(con, "insert_review_criterion", review_id=review_id, **row)
    for rubric_id, score in result.rubric_scores.items():
        queries.execute(
            con, "insert_review_rubric_score", review_id=review_id, rubric_id=rubric_id, score=score
        )
    # A dispute revision keeps the overall comment on the review row; it is not posted again.
    comments = dict(message_comments)
    if overall_comment and status == "submitted":
        comments[-1] = overall_comment
    for message_index, body in sorted(comments.items()):
        queries.run(
            con, "insert_comment", conversation_id=conversation_id, review_id=review_id,
            message_index=None if message_index < 0 else message_index, author_id=written_by, body=body,
            created_at=now,
        )  # fmt: skip
    queries.execute(
        con, "complete_assignments", conversation_id=conversation_id, reviewer_id=reviewer_id,
        calibration_session_id=calibration_session_id,
    )  # fmt: skip
    audit.record(
        con, written_by, "review.submit" if version == 1 else "review.edit", str(review_id),
        {
            "conversation_id": conversation_id, "version": version, "status": status,
            "reviewer_id": reviewer_id, "quality_score": result.quality_score,
            "overridden": [f"{r['rubric_id']}.{r['criterion_id']}" for r in rows if r["overridden"]],
        },
        at=now,
    )  # fmt: skip
    return review_id


def submit_review(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    conversation_id: str,
    answers: Sequence[CriterionAnswer],
    overall_comment: str = "",
    message_comments: Mapping[int, str] | None = None,
    calibration_session_id: int | None = None,
    base_review_id: int | None = None,
    check_base: bool = False,
    now: datetime | None = None,
    expected_form: str | None = None,
) -> int:
    """Save the viewer's review (a new chain, or version + 1 of their own); return its review_id.

    Criteria without an answer confirm the auto-score. With `check_base`, the save is refused
    (ReviewConflictError) when the viewer's current version is no longer `base_review_id`, so a
    second browser tab cannot silently replace a newer version. Without `calibration_session_id`,
    a reviewer taking part in an open calibration session that holds the conversation reviews it
    for that session (calibration.session_for_review). With `expected_form` (the
    `ReviewForm.fingerprint` of the form the reviewer saw), it is refused (StaleFormError) when
    the conversation's form changed since. The viewer's draft of the conversation is deleted in
    the same transaction.
    """
    require(viewer, "review.submit")
    if calibration_session_id is None:
        session = calibration.session_for_review(con, viewer.user_id, conversation_id)
        calibration_session_id = session["calibration_session_id"] if session else None
    return _submit(
        con, viewer, conversation_id, answers, overall_comment, message_comments, calibration_session_id,
        base_review_id, check_base, now, reviewer_id=viewer.user_id, expected_form=expected_form,
    )  # fmt: skip


def _submit(
    con, viewer: Viewer, conversation_id: str, answers: Sequence[CriterionAnswer], overall_comment: str,
    message_comments: Mapping[int, str] | None, calibration_session_id: int | None,
    base_review_id: int | None, check_base: bool, now: datetime | None, *, reviewer_id: str,
    expected_form: str | None = None,
) -> int:  # fmt: skip
    _visible_conversation(con, viewer, conversation_id)
    owner = Viewer(
        reviewer_id, viewer.role, viewer.agent_id, viewer.teams
    )  # pre-fill from the chain owner
    form = load_form(con, owner, conversation_id, calibration_session_id)
    if expected_form is not None and form.fingerprint != expected_form:
        raise StaleFormError(
            "The auto-score of this conversation changed while you were reviewing (a scoring run "
            "finished). Nothing was saved and your answers and comments are kept: check the "
            "refreshed form, then submit again."
        )
    problems: list[str] = []
    # In calibration each reviewer judges on their own (often without seeing the auto-score):
    # disagreeing with the auto-scorer needs no reason there.
    rows = _validated_rows(form, answers, problems, require_reason=calibration_session_id is None)
    overall_comment = (overall_comment or "").strip()
    _check_text("The overall comment", overall_comment, problems)
    comments = {int(k): v.strip() for k, v in (message_comments or {}).items() if v and v.strip()}
    if comments:
        count = len(
            queries.run(
                con, "conversation_messages", viewer=viewer, conversation_id=conversation_id
            )
        )
        for index, body in comments.items():
            if not 0 <= index < count:
                problems.append(f"message {index} does not exist in this conversation")
            _check_text(f"The comment on message {index + 1}", body, problems)
    if not form.criteria:
        problems.append("this conversation has no rubric criteria to review (has it been scored?)")
    if problems:
        raise InvalidReviewError(problems)

    def work() -> int:
        with transaction(con):
            review_id = _write_version(
                con, conversation_id=conversation_id, reviewer_id=reviewer_id, written_by=viewer.user_id,
                rubrics=form.rubrics, rows=rows, rubric_set_hash=form.rubric_set_hash,
                overall_comment=overall_comment, message_comments=comments,
                calibration_session_id=calibration_session_id, status="submitted",
                base_review_id=base_review_id, check_base=check_base, now=now or _now(),
            )  # fmt: skip
            queries.execute(
                con,
                "delete_review_draft",
                reviewer_id=viewer.user_id,
                conversation_id=conversation_id,
            )
            return review_id

    return _retry_on_conflict(work)


def edit_review(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    review_id: int,
    answers: Sequence[CriterionAnswer],
    overall_comment: str = "",
    message_comments: Mapping[int, str] | None = None,
    now: datetime | None = None,
) -> int:
    """Append a new version of an existing review (only of its current version).

    A reviewer edits only their own reviews; QA leads and admins may edit anyone's, and the new
    version records who wrote it (`written_by`).
    """
    require(viewer, "review.submit")
    rows = queries.run(con, "review_by_id", viewer=viewer, review_id=review_id)
    if not rows:
        raise NotFoundError(f"review #{review_id} does not exist or is not visible to you")
    review = rows[0]
    if review["reviewer_id"] != viewer.user_id and not allowed(viewer, "review.edit_any"):
        raise PermissionDeniedError(
            f"Review #{review_id} belongs to {review['reviewer_id']}; you cannot edit another reviewer's review."
        )
    return _submit(
        con, viewer, review["conversation_id"], answers, overall_comment, message_comments,
        review["calibration_session_id"], review_id, True, now, reviewer_id=review["reviewer_id"],
    )  # fmt: skip


def add_comment(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    conversation_id: str,
    body: str,
    message_index: int | None = None,
    review_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """A comment for the agent about one message or the whole conversation; return its id."""
    require(viewer, "comment.add")
    _visible_conversation(con, viewer, conversation_id)
    body = (body or "").strip()
    problems: list[str] = []
    if not body:
        problems.append("The comment is empty.")
    _check_text("The comment", body, problems)
    if message_index is not None:
        count = len(
            queries.run(
                con, "conversation_messages", viewer=viewer, conversation_id=conversation_id
            )
        )
        if not 0 <= message_index < count:
            problems.append(f"message {message_index} does not exist in this conversation")
    if problems:
        raise InvalidReviewError(problems)
    with transaction(con):
        comment_id = int(
            queries.run(
                con, "insert_comment", conversation_id=conversation_id, review_id=review_id,
                message_index=message_index, author_id=viewer.user_id, body=body, created_at=now or _now(),
            )[0]["comment_id"]
        )  # fmt: skip
        audit.record(
            con, viewer, "comment.add", str(comment_id),
            {"conversation_id": conversation_id, "message_index": message_index},
        )  # fmt: skip
    return comment_id


def open_dispute(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    review_id: int,
    rubric_id: str,
    criterion_id: str,
    comment: str,
    now: datetime | None = None,
) -> int:
    """The conversation's agent disputes one criterion of the review in effect; return the dispute id."""
    require(viewer, "dispute.open")
    rows = queries.run(con, "review_by_id", viewer=viewer, review_id=review_id)
    if not rows or (viewer.role == "agent" and rows[0]["agent_id"] != viewer.agent_id):
        raise NotFoundError(
            f"review #{review_id} does not exist or is not about your conversations"
        )
    review = rows[0]
    problems: list[str] = []
    if not review["is_current"]:
        problems.append(
            f"review #{review_id} has been replaced by a newer version; dispute that one"
        )
    criteria = queries.run(con, "review_criteria_of", viewer=viewer, review_id=review_id)
    if not any(c["rubric_id"] == rubric_id and c["criterion_id"] == criterion_id for c in criteria):
        problems.append(f"criterion {rubric_id}/{criterion_id} is not part of review #{review_id}")
    comment = (comment or "").strip()
    if not comment:
        problems.append("Explain why you dispute this criterion.")
    _check_text("The dispute comment", comment, problems)
    already = queries.run(
        con,
        "open_dispute_exists",
        review_id=review_id,
        rubric_id=rubric_id,
        criterion_id=criterion_id,
    )[0]["n"]
    if already:
        problems.append("This criterion already has an open dispute.")
    if problems:
        raise InvalidReviewError(problems)
    with transaction(con):
        dispute_id = int(
            queries.run(
                con, "insert_dispute", review_id=review_id, conversation_id=review["conversation_id"],
                rubric_id=rubric_id, criterion_id=criterion_id, opened_by=viewer.user_id,
                agent_comment=comment, opened_at=now or _now(),
            )[0]["dispute_id"]
        )  # fmt: skip
        audit.record(
            con, viewer, "dispute.open", str(dispute_id),
            {"review_id": review_id, "criterion": f"{rubric_id}.{criterion_id}",
             "conversation_id": review["conversation_id"]},
        )  # fmt: skip
    return dispute_id


def resolve_dispute(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    dispute_id: int,
    outcome: str,
    comment: str,
    new_value: float | None = None,
    new_na: bool = False,
    now: datetime | None = None,
) -> int | None:
    """Uphold the review, or change the criterion (a new review version); return that version's id."""
    require(viewer, "dispute.resolve")
    rows = queries.run(con, "dispute_by_id", viewer=viewer, dispute_id=dispute_id)
    if not rows:
        raise NotFoundError(f"dispute #{dispute_id} does not exist or is not visible to you")
    dispute = rows[0]
    problems: list[str] = []
    if dispute["status"] != "open":
        problems.append(f"dispute #{dispute_id} was already resolved ({dispute['status']})")
    if outcome not in ("upheld", "changed"):
        problems.append("choose an outcome: upheld or changed")
    comment = (comment or "").strip()
    if not comment:
        problems.append("Explain the decision to the agent.")
    _check_text("The resolution comment", comment, problems)
    if problems:
        raise InvalidReviewError(problems)
    now = now or _now()

    def work() -> int | None:
        with transaction(con):
            resulting = None
            if outcome == "changed":
                resulting = _revise_after_dispute(
                    con, viewer, dispute, comment, new_value, new_na, now
                )
            updated = queries.run(
                con, "resolve_dispute", dispute_id=dispute_id, status=outcome, resolved_by=viewer.user_id,
                resolution_comment=comment, resolved_at=now, resulting_review_id=resulting,
            )  # fmt: skip
            if not updated:
                raise InvalidReviewError(
                    [f"dispute #{dispute_id} was resolved by someone else meanwhile"]
                )
            audit.record(
                con, viewer, "dispute.resolve", str(dispute_id),
                {"outcome": outcome, "resulting_review_id": resulting,
                 "conversation_id": dispute["conversation_id"]},
                at=now,
            )  # fmt: skip
            return resulting

    return _retry_on_conflict(work)


def _revise_after_dispute(
    con, viewer: Viewer, dispute, comment: str, new_value, new_na: bool, now
) -> int:
    disputed = queries.run(con, "review_by_id", viewer=viewer, review_id=dispute["review_id"])[0]
    chain = queries.run(
        con, "current_review_in_chain", conversation_id=disputed["conversation_id"],
        reviewer_id=disputed["reviewer_id"], calibration_session_id=disputed["calibration_session_id"],
    )[0]  # fmt: skip
    base = queries.run(con, "review_criteria_of", viewer=viewer, review_id=chain["review_id"])
    _, rubrics = _rubric_specs(con, viewer, disputed["conversation_id"], base)
    specs = {(c.rubric_id, c.criterion_id): c for r in rubrics for c in r.criteria}
    key = (dispute["rubric_id"], dispute["criterion_id"])
    spec = specs.get(key)
    rows = []
    for row in base:
        row = {k: row[k] for k in row if k != "review_id"}
        if (row["rubric_id"], row["criterion_id"]) == key:
            value = None if new_na else new_value
            if not new_na and (
                spec is None or value is None or float(value) not in spec.valid_values()
            ):
                raise InvalidReviewError(
                    ["choose the corrected value for the disputed criterion (or N/A)"]
                )
            if bool(new_na) == bool(row["na"]) and (new_na or float(value) == row["value"]):
                raise InvalidReviewError(
                    ["the corrected value is the same as the disputed one; choose 'upheld'"]
                )
            value = None if new_na else float(value)
            row.update(
                value=value, na=bool(new_na), score=spec.to_score(value) if spec else None,
                failed=spec.fails(value) if spec else False,
                overridden=row["auto_na"] is not None
                and (bool(new_na) != bool(row["auto_na"]) or (not new_na and value != row["auto_value"])),
                override_reason=f"Dispute #{dispute['dispute_id']}: {comment}",
            )  # fmt: skip
        rows.append(row)
    return _write_version(
        con, conversation_id=disputed["conversation_id"], reviewer_id=disputed["reviewer_id"],
        written_by=viewer.user_id, rubrics=rubrics, rows=rows, rubric_set_hash=disputed["rubric_set_hash"],
        overall_comment=disputed["overall_comment"] or "", message_comments={},
        calibration_session_id=disputed["calibration_session_id"], status="revised_after_dispute",
        base_review_id=None, check_base=False, now=now,
    )  # fmt: skip
