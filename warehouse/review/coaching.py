"""Coaching sessions and agents' acknowledgements of feedback (tables from migration 004).

A coach (manager, reviewer or QA lead) creates a session for an agent from reviewed
conversations, naming the criteria to work on; the before/after query then compares the agent's
results on exactly those criteria in equal windows around the session. Agents acknowledge a
session or a reviewed conversation ("I have read this").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from warehouse import queries
from warehouse.access import audit
from warehouse.access.permissions import require, require_visible
from warehouse.access.viewer import Viewer
from warehouse.errors import PermissionDeniedError, WarehouseError
from warehouse.storage.connection import transaction

MAX_TEXT_CHARS = 10_000
DEFAULT_WINDOW_DAYS = 42
SMALL_SAMPLE = 10  # fewer conversations than this on either side: say the change may be noise
Z_95 = 1.959963984540054


class CoachingError(WarehouseError):
    """A coaching session that cannot be saved as entered (message says what to fix)."""


@dataclass(frozen=True, slots=True)
class CoachingRequest:
    agent_id: str
    focus_criteria: tuple[tuple[str, str], ...]  # (rubric_id, criterion_id)
    notes: str = ""
    goals: str = ""
    due_date: date | None = None
    held_at: datetime | None = None  # default: now
    source_conversation_ids: tuple[str, ...] = ()


def _utc_now() -> datetime:
    return audit.utc_now()


def _check_text(label: str, text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    if len(text) > MAX_TEXT_CHARS:
        raise CoachingError(
            f"{label} is {len(text):,} characters long; keep it under {MAX_TEXT_CHARS:,}."
        )
    return text or None


def create_session(con: duckdb.DuckDBPyConnection, viewer: Viewer, request: CoachingRequest) -> int:
    """Save a coaching session for an agent the viewer may see; return its id."""
    require(viewer, "coaching.create")
    if not request.focus_criteria:
        raise CoachingError("Pick at least one focus criterion for the session.")
    notes = _check_text("Notes", request.notes)
    goals = _check_text("Goals", request.goals)
    agents = queries.run(con, "agent_for_coaching", viewer=viewer, agent_id=request.agent_id)
    if not agents:
        raise PermissionDeniedError(f"agent {request.agent_id!r} is not available to you")
    for conversation_id in request.source_conversation_ids:
        require_visible(con, viewer, conversation_id)
    now = _utc_now()
    held_at = request.held_at or now
    if request.due_date is not None and request.due_date < held_at.date():
        raise CoachingError("The due date is before the session: pick a later date.")
    with transaction(con):
        session_id = queries.run(
            con,
            "insert_coaching_session",
            agent_id=request.agent_id,
            team=agents[0]["team"],
            coach_id=viewer.user_id,
            notes=notes,
            goals=goals,
            due_date=request.due_date,
            held_at=held_at,
            created_at=now,
        )[0]["coaching_session_id"]
        for rubric_id, criterion_id in dict.fromkeys(request.focus_criteria):
            queries.execute(
                con,
                "insert_coaching_focus",
                coaching_session_id=session_id,
                rubric_id=rubric_id,
                criterion_id=criterion_id,
            )
        for conversation_id in dict.fromkeys(request.source_conversation_ids):
            queries.execute(
                con,
                "insert_coaching_source",
                coaching_session_id=session_id,
                conversation_id=conversation_id,
            )
        audit.record(
            con,
            viewer,
            "coaching.create",
            str(session_id),
            {
                "agent_id": request.agent_id,
                "focus": [f"{r}.{c}" for r, c in request.focus_criteria],
                "sources": list(request.source_conversation_ids),
            },
        )
    return session_id


def acknowledge_session(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, coaching_session_id: int, response: str = ""
) -> None:
    """The coached agent confirms the session (only the agent themself may)."""
    require(viewer, "feedback.acknowledge")
    sessions = queries.run(
        con, "coaching_sessions", viewer=viewer, agent_id=viewer.agent_id, team=None
    )
    if not any(s["coaching_session_id"] == coaching_session_id for s in sessions):
        raise PermissionDeniedError(f"coaching session {coaching_session_id} is not yours")
    with transaction(con):
        queries.execute(
            con,
            "acknowledge_coaching_session",
            coaching_session_id=coaching_session_id,
            agent_id=viewer.agent_id,
            acknowledged_at=_utc_now(),
            agent_response=_check_text("Your response", response),
        )
        audit.record(con, viewer, "coaching.acknowledge", str(coaching_session_id))


def acknowledge_feedback(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    conversation_id: str,
    review_id: int | None,
    note: str = "",
) -> None:
    """The agent of a reviewed conversation confirms they have read its feedback."""
    require(viewer, "feedback.acknowledge")
    require_visible(con, viewer, conversation_id)
    with transaction(con):
        queries.execute(
            con,
            "insert_feedback_acknowledgement",
            viewer=viewer,
            conversation_id=conversation_id,
            review_id=review_id,
            user_id=viewer.user_id,
            note=_check_text("Your note", note),
            acknowledged_at=_utc_now(),
        )
        audit.record(con, viewer, "feedback.acknowledge", conversation_id, {"review_id": review_id})


def before_after(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    coaching_session_id: int,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> list[dict]:
    """Per focus criterion: mean score and failure rate before vs after the session."""
    return queries.run(
        con,
        "coaching_before_after",
        viewer=viewer,
        coaching_session_id=coaching_session_id,
        window_days=window_days,
    )


@dataclass(frozen=True, slots=True)
class Change:
    """After minus before for one focus criterion, with a 95% confidence interval."""

    change: float | None
    low: float | None  # None when either side has fewer than two conversations
    high: float | None
    small_sample: bool  # fewer than SMALL_SAMPLE conversations before or after

    @property
    def verdict(self) -> str:
        if self.change is None:
            return "not enough data"
        if self.low is None or self.high is None:
            return "not enough data for an interval"
        if self.low > 0:
            return "improved"
        if self.high < 0:
            return "got worse"
        return "no clear change"


def _usable(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def change_interval(
    before_mean: float | None,
    before_sd: float | None,
    before_n: int | None,
    after_mean: float | None,
    after_sd: float | None,
    after_n: int | None,
) -> Change:
    """Difference of means (after - before) with a normal-approximation 95% interval (Welch's
    standard error). Pure; NaN and None both mean "missing"."""
    before_mean, after_mean = _usable(before_mean), _usable(after_mean)
    before_sd, after_sd = _usable(before_sd), _usable(after_sd)
    before_n, after_n = int(before_n or 0), int(after_n or 0)
    small = before_n < SMALL_SAMPLE or after_n < SMALL_SAMPLE
    if before_mean is None or after_mean is None or before_n == 0 or after_n == 0:
        return Change(None, None, None, small)
    change = after_mean - before_mean
    if before_n < 2 or after_n < 2 or before_sd is None or after_sd is None:
        return Change(change, None, None, small)
    error = math.sqrt(before_sd**2 / before_n + after_sd**2 / after_n)
    return Change(change, change - Z_95 * error, change + Z_95 * error, small)
