"""Which roles see which page. Keyed by the page file's stem in `dashboard/app_pages/`.

`dashboard/streamlit_app.py` builds the navigation from this map, so a page a role may not see
is not even reachable by URL. Pages check again with `dashboard.session.require_page(...)`, and
the warehouse filters every row by the viewer whatever the page does. A page missing here is
shown to admins only. The roles themselves and who may do what are declared once, in
`warehouse/access/permissions.py`: a page names the permission that opens it.
"""

from __future__ import annotations

from warehouse.access.permissions import ROLES, roles_with

PAGE_ROLES: dict[str, tuple[str, ...]] = {
    "overview": ROLES,
    "inbox": ROLES,
    "review_queue": roles_with("conversations.review"),  # managers: disputes tab
    "review_conversation": roles_with("conversations.review"),
    "team_trends": roles_with("trends.view"),
    "coaching": roles_with("coaching.view"),
    "my_feedback": roles_with("feedback.view"),
    "calibration": roles_with("calibration.view"),
    "rubrics": ROLES,
    "autoqa_accuracy": roles_with("accuracy.view"),
    "audit_log": roles_with("audit.view"),
    "imports": roles_with("data.import"),
    "users": roles_with("users.manage"),
}

# The page each role lands on after signing in (when it exists and the role may see it).
# Every role starts on its home page: what needs them now (dashboard/app_pages/overview.py).
HOME_PAGE: dict[str, str] = dict.fromkeys(ROLES, "overview")


def roles_for(page_stem: str) -> tuple[str, ...]:
    return PAGE_ROLES.get(page_stem, ("admin",))


def may_see(role: str, page_stem: str) -> bool:
    return role in roles_for(page_stem)
