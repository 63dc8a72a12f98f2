"""Loaders for the review queue and review pages: cached reads, and writes that clear the cache.

Reads are cached per database file and viewer (`st.cache_data`); every write goes through this
module and clears the cached data afterwards, so all pages (trends included) show the new
effective scores on their next run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from config.settings import default_db_path
from warehouse import queries
from warehouse.access.permissions import allowed, roles_with
from warehouse.access.viewer import Viewer
from warehouse.review import calibration, drafts, review_queue, reviews
from warehouse.review.reviews import CriterionAnswer, ReviewForm
from warehouse.review.sampling import QueueFilters, SamplingConfig, Selection, load_sampling
from warehouse.storage.connection import connect

TTL_SECONDS = 60
QUEUE_PAGE_SIZE = 200  # rows per page of the queue table


def _db() -> str:
    return str(default_db_path())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _filter_options(db: str, viewer: Viewer) -> dict[str, list[tuple[str, str]]]:
    with connect(db) as con:
        rows = queries.run(con, "queue_filter_options", viewer=viewer)
    options: dict[str, list[tuple[str, str]]] = {
        "team": [],
        "agent": [],
        "channel": [],
        "rubric": [],
    }
    for row in rows:
        options[row["kind"]].append((row["value"], row["label"]))
    return options


def filter_options(viewer: Viewer) -> dict[str, list[tuple[str, str]]]:
    """(value, label) lists for team, agent, channel and rubric filters."""
    return _filter_options(_db(), viewer)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _queue(
    db: str,
    viewer: Viewer,
    reviewer_id: str | None,
    statuses: tuple[str, ...],
    filters: QueueFilters,
    page: int,
) -> pd.DataFrame:
    with connect(db) as con:
        return review_queue.queue_rows(
            con, viewer, reviewer_id, statuses, filters, QUEUE_PAGE_SIZE, page * QUEUE_PAGE_SIZE
        )


def queue(
    viewer: Viewer,
    reviewer_id: str | None,
    statuses: Sequence[str],
    filters: QueueFilters,
    page: int = 0,
) -> tuple[pd.DataFrame, int]:
    """One page (0-based) of assignments (worst first) for one reviewer or everyone, filtered, and
    how many assignments match in all."""
    frame = _queue(_db(), viewer, reviewer_id, tuple(statuses), filters, max(0, page))
    total = int(frame["total_rows"].iloc[0]) if len(frame) else 0
    return frame.drop(columns="total_rows"), total


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _open_counts(db: str, viewer: Viewer) -> pd.DataFrame:
    with connect(db) as con:
        return queries.frame(con, "open_assignment_count", viewer=viewer)


def open_counts(viewer: Viewer) -> pd.DataFrame:
    return _open_counts(_db(), viewer)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _reviewer_accounts(db: str) -> list[tuple[str, str]]:
    with connect(db) as con:
        return [
            (r["user_id"], f"{r['display_name']} ({r['role']})")
            for r in queries.run(con, "reviewer_accounts", roles=roles_with("review.offered_work"))
        ]


def reviewer_accounts() -> list[tuple[str, str]]:
    """(user_id, label) of every active reviewer and QA lead account."""
    return _reviewer_accounts(_db())


def sampling_config() -> SamplingConfig:
    return load_sampling()


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _candidates(
    db: str, viewer: Viewer, selection: Selection, filters: QueueFilters, limit: int
) -> pd.DataFrame:
    with connect(db) as con:
        return pd.DataFrame(review_queue.candidates(con, viewer, selection, filters, limit))


def candidates(
    viewer: Viewer, selection: Selection, filters: QueueFilters, limit: int
) -> pd.DataFrame:
    """What the chosen sampling rules would put in the queue now."""
    return _candidates(_db(), viewer, selection, filters, limit)


@dataclass(frozen=True)
class ConversationView:
    header: dict[str, Any] | None
    messages: list[dict[str, Any]]
    form: ReviewForm | None
    versions: list[dict[str, Any]]
    comments: list[dict[str, Any]]
    disputes: list[dict[str, Any]]
    rubric_scores: list[dict[str, Any]]
    # The open calibration session the viewer reviews this conversation in (calibration_session_id,
    # title, show_auto_score), else None; blind until they have submitted their review there.
    calibration: dict[str, Any] | None = None

    @property
    def blind(self) -> bool:
        """Calibration, not yet submitted: no other reviewer's name, answers, comments or score."""
        return bool(self.calibration) and (self.form is None or self.form.current_review_id is None)

    @property
    def shows_auto(self) -> bool:
        """Whether the auto-score (answers, explanations, evidence, score) may be shown."""
        return not self.blind or bool(self.calibration["show_auto_score"])


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _conversation(db: str, viewer: Viewer, conversation_id: str) -> ConversationView:
    with connect(db) as con:
        header = queries.run(
            con, "conversation_header", viewer=viewer, conversation_id=conversation_id
        )
        if not header:
            return ConversationView(None, [], None, [], [], [], [])
        session = (
            calibration.session_for_review(con, viewer.user_id, conversation_id)
            if allowed(viewer, "review.submit")
            else None
        )
        return ConversationView(
            calibration=session,
            header=header[0],
            messages=queries.run(
                con, "conversation_messages", viewer=viewer, conversation_id=conversation_id
            ),
            form=reviews.load_form(
                con, viewer, conversation_id, session["calibration_session_id"] if session else None
            ),
            versions=queries.run(
                con, "review_versions", viewer=viewer, conversation_id=conversation_id
            ),
            comments=queries.run(
                con, "conversation_comments", viewer=viewer, conversation_id=conversation_id
            ),
            disputes=queries.run(
                con,
                "disputes",
                viewer=viewer,
                statuses=["open", "upheld", "changed"],
                conversation_id=conversation_id,
                limit=100,
            ),  # fmt: skip
            rubric_scores=queries.run(
                con, "conversation_rubric_scores", viewer=viewer, conversation_id=conversation_id
            ),
        )


def conversation(viewer: Viewer, conversation_id: str) -> ConversationView:
    """Everything the review page shows for one conversation (empty header: not found / not visible)."""
    return _conversation(_db(), viewer, conversation_id)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _review_criteria(db: str, viewer: Viewer, review_id: int) -> list[dict[str, Any]]:
    with connect(db) as con:
        return queries.run(con, "review_criteria_of", viewer=viewer, review_id=review_id)


def review_criteria(viewer: Viewer, review_id: int) -> list[dict[str, Any]]:
    return _review_criteria(_db(), viewer, review_id)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _disputes(db: str, viewer: Viewer, statuses: tuple[str, ...]) -> pd.DataFrame:
    with connect(db) as con:
        return queries.frame(
            con, "disputes", viewer=viewer, statuses=list(statuses), conversation_id=None, limit=500
        )


def disputes(viewer: Viewer, statuses: Sequence[str]) -> pd.DataFrame:
    return _disputes(_db(), viewer, tuple(statuses))


def next_conversation(viewer: Viewer, current_conversation_id: str) -> str | None:
    """The viewer's next open assignment (not cached: it changes with every submission)."""
    with connect(_db()) as con:
        rows = queries.run(
            con, "next_assignment", viewer=viewer, reviewer_id=viewer.user_id,
            current_conversation_id=current_conversation_id,
        )  # fmt: skip
    return rows[0]["conversation_id"] if rows else None


def _after_write() -> None:
    st.cache_data.clear()


def submit_review(
    viewer: Viewer,
    conversation_id: str,
    answers: Sequence[CriterionAnswer],
    overall_comment: str,
    message_comments: Mapping[int, str],
    base_review_id: int | None,
    expected_form: str | None = None,
) -> int:
    """Save the review; refuses (ReviewConflictError) if another tab saved a newer version
    meanwhile, or (StaleFormError) if the form shown (`expected_form`) is no longer current."""
    with connect(_db()) as con:
        review_id = reviews.submit_review(
            con, viewer, conversation_id, answers, overall_comment, message_comments,
            base_review_id=base_review_id, check_base=True, expected_form=expected_form,
        )  # fmt: skip
    _after_write()
    return review_id


def refresh() -> None:
    """Forget cached reads (after a refused submit: show what the database holds now)."""
    _after_write()


DRAFT_WAIT_SECONDS = 5.0  # a scoring batch holds the file for about a second


def draft(viewer: Viewer, conversation_id: str) -> drafts.Draft | None:
    """The viewer's saved draft of one conversation (not cached: it is the viewer's own work)."""
    with connect(_db(), wait_seconds=DRAFT_WAIT_SECONDS) as con:
        return drafts.load_draft(con, viewer, conversation_id)


def save_draft(
    viewer: Viewer, conversation_id: str, fields: Mapping[str, Any], base_review_id: int | None
) -> None:
    """Replace the viewer's draft (no cache to clear: drafts are never cached)."""
    with connect(_db(), wait_seconds=DRAFT_WAIT_SECONDS) as con:
        drafts.save_draft(con, viewer, conversation_id, fields, base_review_id)


def discard_draft(viewer: Viewer, conversation_id: str) -> None:
    with connect(_db(), wait_seconds=DRAFT_WAIT_SECONDS) as con:
        drafts.discard_draft(con, viewer, conversation_id)


def resolve_dispute(
    viewer: Viewer, dispute_id: int, outcome: str, comment: str, new_value, new_na: bool
):
    with connect(_db()) as con:
        result = reviews.resolve_dispute(
            con, viewer, dispute_id, outcome, comment, new_value, new_na
        )
    _after_write()
    return result


def build_queue(
    viewer: Viewer,
    selection: Selection,
    filters: QueueFilters,
    reviewers,
    strategy,
    team_reviewers,
    limit,
    due_date=None,
):
    with connect(_db()) as con:
        result = review_queue.build_queue(
            con,
            viewer,
            selection,
            filters,
            reviewers,
            strategy=strategy,
            team_reviewers=team_reviewers,
            limit=limit,
            due_date=due_date,
        )
    _after_write()
    return result


def assign(viewer: Viewer, conversation_ids: Sequence[str], reviewer_id: str) -> list[str]:
    with connect(_db()) as con:
        added = review_queue.assign(con, viewer, conversation_ids, reviewer_id)
    _after_write()
    return added
