"""Who is asking. Every query returning conversations, scores, reviews or comments takes one."""

from __future__ import annotations

from dataclasses import dataclass, field

from warehouse.access.permissions import ACTIONS, ROLES


@dataclass(frozen=True, slots=True)
class Viewer:
    user_id: str
    role: str  # one of ROLES
    agent_id: str | None = None  # for role "agent": the agent id in conversations
    teams: tuple[str, ...] = field(default_factory=tuple)  # for role "manager"

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; expected one of {', '.join(ROLES)}")

    def params(self) -> dict[str, object]:
        """Named parameters for the `visible_to(...)` SQL macro used by every scoped query, and
        `viewer_may`: the actions of warehouse/access/permissions.py the role is allowed, so that SQL
        says `list_contains($viewer_may, 'audit.view')` instead of restating role names."""
        return {
            "viewer_role": self.role,
            "viewer_agent_id": self.agent_id,
            "viewer_teams": list(self.teams),
            "viewer_may": [action for action, roles in ACTIONS.items() if self.role in roles],
        }


# For CLI commands and batch jobs that act on the whole database (import, scoring).
SYSTEM = Viewer(user_id="system", role="admin")
