"""Who may do what, declared once: the roles, their names for people, and one table of actions
by role, checked inside the warehouse functions.

Everything else is derived from here: `Viewer` validation, the role choices of `qa users add` and
of the Users page, which pages a role gets (`dashboard/page_roles.py`), which buttons and forms a
page shows (`allowed(viewer, action)`). `tests/warehouse/test_permissions.py` fails on a role list
written out anywhere else in the Python. (Shipped migrations keep their CHECK constraints and the
`visible_to` macro: they are never edited.)

Reads are filtered in SQL by the `visible_to(...)` macro (migration 001); writes call
`require(viewer, action)` first, so a page that forgets a check still cannot write. Checks that
depend on the row (a reviewer editing their own review, an agent disputing their own
conversation) are `require_owner` / `require_visible` on top of the role check.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import duckdb

from warehouse.errors import PermissionDeniedError

if TYPE_CHECKING:  # warehouse.access.viewer validates roles against ROLES below
    from warehouse.access.viewer import Viewer

ROLES = ("admin", "qa_lead", "reviewer", "manager", "agent")

ROLE_LABELS: Mapping[str, str] = {  # a role's name on pages and in messages
    "admin": "Admin",
    "qa_lead": "QA lead",
    "reviewer": "Reviewer",
    "manager": "Manager",
    "agent": "Agent",
}

# The roles the `visible_to` macro (migration 001) shows every conversation; an agent sees their
# own conversations, a manager their teams'.
SEES_EVERY_CONVERSATION = ("admin", "qa_lead", "reviewer")

ACTIONS: Mapping[str, tuple[str, ...]] = {
    # writes
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
    "data.import": (
        "admin",
    ),  # importing and scoring from the browser (warehouse/reading/first_run.py)
    # pages (dashboard/page_roles.py): who gets which part of the dashboard; the rows on it are
    # filtered by `visible_to` whatever the page
    "conversations.review": ("admin", "qa_lead", "reviewer", "manager"),  # queue, review page
    "trends.view": ("admin", "qa_lead", "manager"),
    "coaching.view": ("admin", "qa_lead", "manager", "reviewer"),
    "feedback.view": ("agent", "admin"),  # My feedback
    "calibration.view": ("admin", "qa_lead", "reviewer"),
    "accuracy.view": ("admin", "qa_lead"),  # AutoQA accuracy
    # reads that named queries check in SQL: `list_contains($viewer_may, 'imports.view')`
    "imports.view": ("admin", "qa_lead"),  # import history and quarantined raw records
    "notes.read_internal": ("admin", "qa_lead", "reviewer", "manager"),  # not agents
    "notifications.view_all": ("admin",),  # everyone's notifications, not only one's own
    # work offered to accounts: the queue builder and calibration list these roles' accounts
    # (any account allowed review.submit may still be named)
    "review.offered_work": ("reviewer", "qa_lead"),
}


def roles_with(action: str) -> tuple[str, ...]:
    """The roles allowed `action`, in the order the table lists them."""
    try:
        return ACTIONS[action]
    except KeyError:
        raise KeyError(f"unknown permission action {action!r}; add it to ACTIONS") from None


def allowed(viewer: Viewer, action: str) -> bool:
    return viewer.role in roles_with(action)


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
    from warehouse import queries  # not at the top: queries -> viewer -> ROLES here

    if not queries.run(con, "conversation_visible", viewer=viewer, conversation_id=conversation_id):
        # Same message whether it is missing or hidden: no probing for other agents' ids.
        raise PermissionDeniedError(f"conversation {conversation_id!r} is not available to you")
