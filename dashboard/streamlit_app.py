"""Entrypoint: `streamlit run dashboard/streamlit_app.py` (what `qa serve` does).

Navigation is built per run from the signed-in viewer's role (`dashboard/page_roles.py`): a
visitor who has not signed in gets only the sign-in page, and a page a role may not see is not
in the navigation, so its URL leads nowhere. To add a page: one line in PAGES below and its roles
in `dashboard/page_roles.py`.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from any directory

import streamlit as st  # noqa: E402

from dashboard.failures import run_page  # noqa: E402
from dashboard.page_roles import HOME_PAGE, may_see  # noqa: E402
from dashboard.session import account_box, refresh_session, sync_cookie  # noqa: E402

st.set_page_config(page_title="Cornerstone QA", page_icon=":material/fact_check:", layout="wide")

APP_PAGES = Path(__file__).resolve().parent / "app_pages"

# (section, file in app_pages/, title, icon). Pages whose file is absent are left out.
PAGES = [
    ("", "overview.py", "Home", ":material/home:"),
    ("", "inbox.py", "Inbox", ":material/notifications:"),
    ("Review", "review_queue.py", "Review queue", ":material/inbox:"),
    ("Review", "review_conversation.py", "Review conversation", ":material/rate_review:"),
    ("Review", "calibration.py", "Calibration", ":material/balance:"),
    ("Review", "autoqa_accuracy.py", "AutoQA accuracy", ":material/verified:"),
    ("Teams", "team_trends.py", "Team trends", ":material/monitoring:"),
    ("Teams", "coaching.py", "Coaching", ":material/school:"),
    ("Me", "my_feedback.py", "My feedback", ":material/feedback:"),
    ("", "rubrics.py", "Rubrics", ":material/rule:"),
    ("Admin", "imports.py", "Import data", ":material/upload_file:"),
    ("Admin", "users.py", "Users", ":material/group:"),
    ("Admin", "audit_log.py", "Audit log", ":material/history:"),
]

viewer = refresh_session()
sync_cookie()  # sets/clears the HttpOnly session cookie after a sign-in/sign-out
if viewer is None:
    # Every page path answers with the sign-in form, so a deep link (/team_trends) asks to sign
    # in instead of "Page not found", and after signing in the page opens if the role may see it.
    navigation = [
        st.Page("app_pages/sign_in.py", title="Sign in", icon=":material/login:", default=True)
    ] + [
        st.Page("app_pages/sign_in.py", title="Sign in", url_path=file[:-3])
        for _, file, _, _ in PAGES
    ]
    run_page(st.navigation(navigation, position="hidden").run)
    st.stop()

missing = [p[1] for p in PAGES if not (APP_PAGES / p[1]).exists()]
if missing:  # a packaging mistake: name the page files instead of hiding the pages
    raise FileNotFoundError(
        f"dashboard page file(s) missing from {APP_PAGES}: {', '.join(missing)}"
    )
allowed = [p for p in PAGES if may_see(viewer.role, p[1][:-3])]
stems = [p[1][:-3] for p in allowed]
home = HOME_PAGE.get(viewer.role)
home = home if home in stems else (stems[0] if stems else None)
navigation = {}
for section, file, title, icon in allowed:
    page = st.Page(f"app_pages/{file}", title=title, icon=icon, default=file[:-3] == home)
    navigation.setdefault(section, []).append(page)
if not navigation:
    navigation = [st.Page("app_pages/sign_in.py", title="Account", default=True)]
run_page(lambda: account_box(viewer))  # the sidebar reads the database too
run_page(st.navigation(navigation).run)  # a failing page says so plainly: dashboard/failures.py
