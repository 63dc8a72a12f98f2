"""Which roles see which page. Keyed by the page file's stem in `dashboard/app_pages/`.

`dashboard/streamlit_app.py` builds the navigation from this map, so a page a role may not see
is not even reachable by URL. Pages check again with `dashboard.session.require_roles(...)`, and
the warehouse filters every row by the viewer whatever the page does. A page missing here is
shown to admins only.
"""

from __future__ import annotations

ALL = ("admin", "qa_lead", "reviewer", "manager", "agent")

PAGE_ROLES: dict[str, tuple[str, ...]] = {
    "overview": ALL,
    "inbox": ALL,
    "review_queue": ("admin", "qa_lead", "reviewer", "manager"),  # managers: disputes tab
    "review_conversation": ("admin", "qa_lead", "reviewer", "manager"),
    "team_trends": ("admin", "qa_lead", "manager"),
    "coaching": ("admin", "qa_lead", "manager", "reviewer"),
    "my_feedback": ("agent", "admin"),
    "calibration": ("admin", "qa_lead", "reviewer"),
    "rubrics": ALL,
    "autoqa_accuracy": ("admin", "qa_lead"),
    "audit_log": ("admin",),
    "imports": ("admin",),
    "users": ("admin",),
}

# The page each role lands on after signing in (when it exists and the role may see it).
# Every role starts on its home page: what needs them now (dashboard/app_pages/overview.py).
HOME_PAGE: dict[str, str] = {
    "admin": "overview",
    "qa_lead": "overview",
    "reviewer": "overview",
    "manager": "overview",
    "agent": "overview",
}


def roles_for(page_stem: str) -> tuple[str, ...]:
    return PAGE_ROLES.get(page_stem, ("admin",))


def may_see(role: str, page_stem: str) -> bool:
    return role in roles_for(page_stem)
