"""The signed-in viewer of this browser session: sign-in, sign-out, expiry, role checks.

Contract for pages: `current_viewer()` returns `st.session_state["viewer"]` (a Viewer). Page
tests set `at.session_state["viewer"] = Viewer(...)` directly; such a viewer has no session
token and is trusted as is. A real sign-in also stores the session token
(`st.session_state["session_token"]`); `refresh_session()` (called by the entrypoint on every
run) re-validates it against the database at most once a minute, so an idle timeout, a sign-out
elsewhere, a disabled account or a role change takes effect within a minute. Streamlit keeps
session state per browser tab on the server, so a page reload means signing in again.
"""

from __future__ import annotations

import time

import streamlit as st

from cornerstone.settings import default_db_path
from warehouse import authentication, sessions, users
from warehouse.connection import connect
from warehouse.errors import DatabaseBusyError, WarehouseError
from warehouse.viewer import Viewer

VIEWER_KEY = "viewer"
TOKEN_KEY = "session_token"
CHECKED_KEY = "session_checked_at"
NOTICE_KEY = "session_notice"
RECHECK_SECONDS = 60.0

ROLE_LABELS = {
    "admin": "Admin",
    "qa_lead": "QA lead",
    "reviewer": "Reviewer",
    "manager": "Manager",
    "agent": "Agent",
}


def signed_in_viewer() -> Viewer | None:
    """The viewer if someone is signed in (or a test set one), else None. Never stops the page."""
    viewer = st.session_state.get(VIEWER_KEY)
    return viewer if isinstance(viewer, Viewer) else None


def current_viewer() -> Viewer:
    """The signed-in viewer; a page run without one shows a sign-in hint and stops."""
    viewer = signed_in_viewer()
    if viewer is None:
        st.info("Please sign in to see this page.")
        st.stop()
    return viewer


def require_roles(*roles: str) -> Viewer:
    """Stop the page with a plain message unless the viewer has one of `roles`."""
    viewer = current_viewer()
    if viewer.role not in roles:
        st.error("This page is not available to your role.")
        st.stop()
    return viewer


def _pause(seconds: float) -> None:
    time.sleep(seconds)


def sign_in(login: str, password: str) -> Viewer:
    """Check the credentials, start a session, remember it in this browser session.

    Raises warehouse.authentication.SignInError / LockedOutError with a message to show as is. Failed
    attempts are committed (they drive the lockout) even though the sign-in fails.
    """
    with connect(default_db_path()) as con:
        delay = authentication.sign_in_delay_seconds(con)
    if delay:
        _pause(delay)  # outside the connection: never hold the database file while waiting
    with connect(default_db_path()) as con:
        viewer = authentication.authenticate(con, login, password)
        token = sessions.create_session(con, viewer)
    st.session_state[VIEWER_KEY] = viewer
    st.session_state[TOKEN_KEY] = token
    st.session_state[CHECKED_KEY] = time.monotonic()
    st.session_state.pop(NOTICE_KEY, None)
    return viewer


def _forget(notice: str | None = None) -> None:
    for key in (VIEWER_KEY, TOKEN_KEY, CHECKED_KEY):
        st.session_state.pop(key, None)
    if notice:
        st.session_state[NOTICE_KEY] = notice
    st.cache_data.clear()  # cached rows were loaded for the previous viewer


def sign_out() -> None:
    token = st.session_state.get(TOKEN_KEY)
    if token:
        with connect(default_db_path()) as con:
            sessions.end_session(con, token)
    _forget("You have signed out.")


def refresh_session() -> Viewer | None:
    """Re-check a real session against the database (at most once a minute); None if over."""
    viewer = signed_in_viewer()
    token = st.session_state.get(TOKEN_KEY)
    if viewer is None or not token:
        return viewer  # nobody signed in, or a test-provided viewer
    last = st.session_state.get(CHECKED_KEY, 0.0)
    if time.monotonic() - last < RECHECK_SECONDS:
        return viewer
    try:
        with connect(default_db_path(), wait_seconds=5) as con:
            fresh = sessions.validate_session(con, token)
    except DatabaseBusyError:
        return viewer  # an import holds the file: check again on the next run, keep working
    if fresh is None:
        _forget("Your session has ended (8 hours without activity, signed out, or account "
                "changed). Please sign in again.")  # fmt: skip
        return None
    st.session_state[VIEWER_KEY] = fresh
    st.session_state[CHECKED_KEY] = time.monotonic()
    return fresh


def take_notice() -> str | None:
    """A one-time message for the sign-in page (signed out, session expired)."""
    return st.session_state.pop(NOTICE_KEY, None)


def account_box(viewer: Viewer) -> None:
    """Sidebar: who is signed in, and the sign-out button."""
    with st.sidebar:
        scope = ""
        if viewer.role == "manager" and viewer.teams:
            scope = f" · {', '.join(viewer.teams)}"
        elif viewer.role == "agent" and viewer.agent_id:
            scope = f" · {viewer.agent_id}"
        st.caption(f"Signed in as **{viewer.user_id}** ({ROLE_LABELS[viewer.role]}{scope})")
        if not st.session_state.get(TOKEN_KEY):
            return  # a viewer set by a test, not a signed-in session
        if st.button("Sign out", key="session_sign_out", icon=":material/logout:"):
            sign_out()
            st.rerun()
        with st.expander("Change my password"), st.form("session_password", clear_on_submit=True):
            current = st.text_input("Current password", type="password", key="session_pw_current")
            new = st.text_input("New password", type="password", key="session_pw_new")
            repeat = st.text_input("New password again", type="password", key="session_pw_repeat")
            if st.form_submit_button("Change password"):
                try:
                    change_own_password(viewer, current, new, repeat)
                except WarehouseError as error:
                    st.error(str(error))
                else:
                    st.success("Password changed. Your other sessions were signed out.")


def change_own_password(viewer: Viewer, current: str, new: str, repeat: str) -> None:
    """Check the current password (failures count towards lockout), set the new one, and keep
    this browser signed in with a fresh session (setting a password ends every other session)."""
    if new != repeat:
        raise users.UserError("The two new passwords differ.")
    with connect(default_db_path()) as con:
        authentication.authenticate(con, viewer.user_id, current)
        users.set_password(con, viewer, viewer.user_id, new)
        token = sessions.create_session(con, viewer)
    st.session_state[TOKEN_KEY] = token
    st.session_state[CHECKED_KEY] = time.monotonic()
