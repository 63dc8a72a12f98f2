"""Who may do what: one table of write actions by role, checked inside the warehouse functions.

Reads are filtered in SQL by the `visible_to(...)` macro (migration 001); writes call
`require(viewer, action)` first, so a page that forgets a check still cannot write. Checks that
depend on the row (a reviewer editing their own review, an agent disputing their own
conversation) are `require_owner` / `require_visible` on top of the role check.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb

from warehouse.errors import PermissionDeniedError
from warehouse.viewer import Viewer

ALL_ROLES = ("admin", "qa_lead", "reviewer", "manager", "agent")

ACTIONS: Mapping[str, tuple[str, ...]] = {
    "review.submit": ("admin", "qa_lead", "reviewer"),
    "review.edit_any": ("admin", "qa_lead"),  # reviewers may edit only their own reviews
    "comment.add": ("admin", "qa_lead", "reviewer", "manager"),
    "dispute.open": ("admin", "agent"),  # agents: only on their own conversations
    "dispute.resolve": ("admin", "qa_lead", "reviewer", "manager"),
    "feedback.acknowledge": ("agent",),
    "coaching.create": ("admin", "qa_lead", "manager", "reviewer"),
    "calibration.manage": ("admin", "qa_lead"),
    "queue.assign": ("admin", "qa_lead"),
    "rubrics.edit": ("admin",),
    "users.manage": ("admin",),
    "audit.view": ("admin",),
    "data.import": ("admin",),  # importing and scoring from the browser (warehouse/first_run.py)
}


def allowed(viewer: Viewer, action: str) -> bool:
    try:
        return viewer.role in ACTIONS[action]
    except KeyError:
        raise KeyError(f"unknown permission action {action!r}; add it to ACTIONS") from None


def require(viewer: Viewer, action: str) -> None:
    """Raise PermissionDeniedError unless the viewer's role may perform `action`."""
    if not allowed(viewer, action):
        raise PermissionDeniedError(
            f"{viewer.user_id} ({viewer.role}) may not {action.replace('.', ' ').replace('_', ' ')}"
        )


def require_owner(viewer: Viewer, action: str, owner_user_id: str, *, any_action: str) -> None:
    """For edits of authored rows: the author may, and so may roles allowed `any_action`."""
    require(viewer, action)
    if owner_user_id != viewer.user_id and not allowed(viewer, any_action):
        raise PermissionDeniedError(
            f"{viewer.user_id} may not change {owner_user_id}'s work ({action})"
        )


def require_visible(con: duckdb.DuckDBPyConnection, viewer: Viewer, conversation_id: str) -> None:
    """Raise PermissionDeniedError unless the conversation exists and the viewer may see it."""
    from warehouse import queries  # queries imports this module's roles

    if not queries.run(con, "conversation_visible", viewer=viewer, conversation_id=conversation_id):
        # Same message whether it is missing or hidden: no probing for other agents' ids.
        raise PermissionDeniedError(f"conversation {conversation_id!r} is not available to you")
