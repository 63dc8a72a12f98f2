"""The signed-in viewer of this browser session: sign-in, sign-out, expiry, role checks.

Contract for pages: `current_viewer()` returns `st.session_state["viewer"]` (a Viewer). Page
tests set `at.session_state["viewer"] = Viewer(...)` directly; such a viewer has no session
token and is trusted as is. A real sign-in also stores the session token
(`st.session_state["session_token"]`); `refresh_session()` (called by the entrypoint on every
run) re-validates it against the database at most once a minute, so an idle timeout, a sign-out
elsewhere, a disabled account or a role change takes effect within a minute.

Streamlit keeps session state per browser tab, so a reload or a new tab starts empty: the
browser then presents its HttpOnly session cookie (set after sign-in through the route in
dashboard/server.py; see dashboard/session_cookie.py), and `refresh_session()` resumes that
session without a new sign-in.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Mapping

import streamlit as st

from config.settings import default_db_path
from dashboard import session_cookie
from dashboard.page_roles import roles_for
from dashboard.text import plain
from warehouse.access import audit, authentication, sessions, users
from warehouse.access.permissions import ROLE_LABELS
from warehouse.access.viewer import Viewer
from warehouse.errors import DatabaseBusyError, WarehouseError
from warehouse.storage.connection import connect

VIEWER_KEY = "viewer"
TOKEN_KEY = "session_token"
CHECKED_KEY = "session_checked_at"
NOTICE_KEY = "session_notice"
COOKIE_TODO_KEY = "session_cookie_todo"  # a cookie to set or clear through the route
COOKIE_TRIED_KEY = "session_cookie_tried"  # this tab already tried the cookie it came with
METHOD_KEY = "session_method"  # 'password' or 'oidc'
SSO_FRESH_SECONDS = 600  # an identity-provider sign-in older than this starts no new session
_used_identities: set[tuple[str, str, int]] = set()  # (issuer, subject, issued at) already used
_used_guard = threading.Lock()
RECHECK_SECONDS = 60.0

# Runs in the page (not an iframe): POSTs the hand-off code, or asks to clear the cookie, then
# reports back so the script stops rendering it. The token itself never reaches this code.
_COOKIE_JS = """
export default function(component) {
    const { data, setStateValue } = component;
    if (!data || window.__cornerstoneCookieDone === data.nonce) { return; }
    window.__cornerstoneCookieDone = data.nonce;
    fetch(data.url, {
        method: "POST", credentials: "same-origin", cache: "no-store",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify({code: data.code || ""}),
    }).then((r) => setStateValue("done", r.ok ? data.nonce : "failed:" + data.nonce))
      .catch(() => setStateValue("done", "failed:" + data.nonce));
}
"""
_cookie_component = st.components.v2.component("cornerstone_session_cookie", js=_COOKIE_JS)


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


def require_page(page_stem: str) -> Viewer:
    """Stop the page unless the viewer's role may see it (`dashboard/page_roles.py`)."""
    return require_roles(*roles_for(page_stem))


def _pause(seconds: float) -> None:
    time.sleep(seconds)


def client_address() -> str:
    """The address sign-in attempts are counted against (lockout per client).

    Behind the reverse proxy (which connects from loopback) it is the last X-Forwarded-For hop,
    the one the proxy itself added; otherwise the WebSocket peer. '' when unknown (tests)."""
    try:
        peer = st.context.ip_address
        forwarded = st.context.headers.get("X-Forwarded-For")
    except Exception:  # noqa: BLE001 - no browser context (AppTest, bare mode)
        return ""
    peer = peer if isinstance(peer, str) else ""
    forwarded = forwarded if isinstance(forwarded, str) else ""
    if forwarded and peer in ("127.0.0.1", "::1", ""):
        return forwarded.split(",")[-1].strip()[:100]
    return peer[:100]


def _remember(viewer: Viewer, token: str, method: str = "password") -> None:
    st.session_state[VIEWER_KEY] = viewer
    st.session_state[TOKEN_KEY] = token
    st.session_state[METHOD_KEY] = method
    st.session_state[CHECKED_KEY] = time.monotonic()
    st.session_state.pop(NOTICE_KEY, None)


def _set_cookie_later(token: str) -> None:
    st.session_state[COOKIE_TODO_KEY] = {
        "url": session_cookie.ROUTE_START,
        "code": session_cookie.offer(token),
        "nonce": secrets.token_hex(8),
    }


def start_session(viewer: Viewer, *, auth_method: str = "password") -> str:
    """Start a server-side session for a signed-in viewer, here and (by cookie) in this browser."""
    with connect(default_db_path()) as con:
        token = sessions.create_session(con, viewer, auth_method=auth_method)
    _remember(viewer, token, auth_method)
    _set_cookie_later(token)
    return token


def sign_in(login: str, password: str) -> Viewer:
    """Check the credentials, start a session, remember it in this tab and in a cookie.

    Raises warehouse.access.authentication.SignInError / LockedOutError with a message to show as is. Failed
    attempts are committed (they drive the lockout) even though the sign-in fails.
    """
    client = client_address()
    with connect(default_db_path()) as con:
        delay = authentication.sign_in_delay_seconds(con, login=login)
    if delay:
        _pause(delay)  # outside the connection: never hold the database file while waiting
    with connect(default_db_path()) as con:
        viewer = authentication.authenticate(con, login, password, client=client)
    start_session(viewer)
    return viewer


def _forget(notice: str | None = None) -> None:
    for key in (VIEWER_KEY, TOKEN_KEY, CHECKED_KEY, METHOD_KEY):
        st.session_state.pop(key, None)
    if notice:
        st.session_state[NOTICE_KEY] = notice
    st.session_state[COOKIE_TODO_KEY] = {
        "url": session_cookie.ROUTE_END, "code": "", "nonce": secrets.token_hex(8),
    }  # fmt: skip
    st.session_state[COOKIE_TRIED_KEY] = True  # the cookie this tab came with is not resumed
    st.cache_data.clear()  # cached rows were loaded for the previous viewer


def sign_out() -> None:
    """End the session on the server, then clear this tab and the cookie; after a company
    sign-in also end Streamlit's identity cookie and the identity provider's session."""
    token = st.session_state.get(TOKEN_KEY)
    method = st.session_state.get(METHOD_KEY)
    if token:
        with connect(default_db_path()) as con:
            method = sessions.end_session(con, token) or method
    _forget("You have signed out.")
    if method == "oidc" and _identity() is not None:
        st.logout()  # redirects: /auth/logout clears Streamlit's cookie, then the provider's
        # End this run here: a rerun now could draw the sign-in page and navigate before the
        # browser follows the redirect, leaving the provider's session open.
        st.stop()


# ---- company sign-in (OIDC through Streamlit's st.login) ---------------------------------


def sso_providers() -> list[tuple[str | None, str]]:
    """(name for st.login, label) of each identity provider in secrets.toml's [auth]."""
    try:
        auth = st.secrets.get("auth")
    except Exception:  # noqa: BLE001 - no secrets file at all
        return []
    if not isinstance(auth, Mapping):
        return []
    found: list[tuple[str | None, str]] = []
    if "client_id" in auth:
        found.append((None, "your company account"))
    for name, section in auth.items():
        if isinstance(section, Mapping) and "client_id" in section:
            found.append((name, name.replace("_", " ")))
    return found


def _identity() -> Mapping | None:
    """Who the identity provider says this browser is (Streamlit's st.user), or None."""
    try:
        user = st.user
        return user if user.get("is_logged_in") else None
    except Exception:  # noqa: BLE001 - AppTest / no auth configured
        return None


def _resume_from_identity_provider() -> Viewer | None:
    """Just back from the company sign-in: start a session for the account with that e-mail.

    Only an identity issued in the last 10 minutes and not used before starts a session, so
    Streamlit's own 30-day identity cookie never outlives our idle/absolute limits or a sign-out.
    """
    identity = _identity()
    if identity is None:
        return None
    key = (
        str(identity.get("iss", "")),
        str(identity.get("sub", "")),
        int(identity.get("iat") or 0),
    )
    if time.time() - key[2] > SSO_FRESH_SECONDS:
        return None
    with _used_guard:
        if key in _used_identities:
            return None
        _used_identities.add(key)
    email = str(identity.get("email") or "").strip().lower()
    provider = str(identity.get("provider") or "")
    details = {"email": email, "provider": provider, "client": client_address()}
    with connect(default_db_path()) as con:
        user = users.user_by_email(con, email) if email else None
        refusal = None
        if identity.get("email_verified") is False:
            refusal = "Your company account's e-mail is not verified."
        elif user is None:
            shown = f"`{email.replace('`', '')}`" if email else "(none given)"
            refusal = (
                f"No account here uses the e-mail {shown}. Ask an admin to add it to your "
                "account on the Users page."
            )
        elif user.disabled:
            refusal = "This account is disabled. Ask an admin to enable it."
        if refusal:
            audit.record(con, email or "?", "sign_in.sso_refused", email or None, details)
        else:
            audit.record(con, user.user_id, "sign_in.sso", user.user_id, details)
    if refusal:
        st.session_state[NOTICE_KEY] = refusal
        return None
    viewer = user.viewer()
    start_session(viewer, auth_method="oidc")
    return viewer


def _resume_from_cookie() -> Viewer | None:
    """A reload, new tab or shared link: the session the browser's cookie names, if still valid."""
    if st.session_state.get(COOKIE_TRIED_KEY):
        return None
    st.session_state[COOKIE_TRIED_KEY] = True
    try:
        token = st.context.cookies.get(session_cookie.COOKIE_NAME)
    except Exception:  # noqa: BLE001 - no browser context (AppTest)
        token = None
    if not isinstance(token, str) or not token:  # AppTest has no real cookies
        return None
    try:
        with connect(default_db_path(), wait_seconds=10) as con:
            viewer = sessions.validate_session(con, token)
    except DatabaseBusyError:
        st.session_state[COOKIE_TRIED_KEY] = False  # try again on the next run
        return None
    if viewer is None:
        _forget("Your session has ended (signed out, too long without activity, or account "
                "changed). Please sign in again.")  # fmt: skip
        return None
    _remember(viewer, token)
    return viewer


def refresh_session() -> Viewer | None:
    """The signed-in viewer: this tab's, or the browser's (cookie) after a reload; re-checked
    against the database at most once a minute; None if nobody is signed in."""
    viewer = signed_in_viewer()
    token = st.session_state.get(TOKEN_KEY)
    if viewer is None:
        return _resume_from_cookie() or _resume_from_identity_provider()
    if not token:
        return viewer  # a test-provided viewer
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


def sync_cookie() -> None:
    """Set or clear the browser's session cookie if a sign-in or sign-out asked for it.

    Called by the entrypoint on every run; renders nothing visible."""
    todo = st.session_state.get(COOKIE_TODO_KEY)
    if not todo:
        return
    result = _cookie_component(
        key="session_cookie_sync", data=todo, on_done_change=lambda: None, height=0
    )
    done = getattr(result, "done", None)
    if done in (todo["nonce"], f"failed:{todo['nonce']}"):
        st.session_state.pop(COOKIE_TODO_KEY, None)


def take_notice() -> str | None:
    """A one-time message for the sign-in page (signed out, session expired)."""
    return st.session_state.pop(NOTICE_KEY, None)


@st.cache_data(ttl=30, show_spinner=False)
def locked_account_count(db_path: str) -> int:
    """How many accounts are locked after failed sign-ins (the admins' notice in the sidebar)."""
    try:
        with connect(db_path, wait_seconds=2) as con:
            return len(authentication.locked_logins(con))
    except DatabaseBusyError:
        return 0


def account_box(viewer: Viewer) -> None:
    """Sidebar: who is signed in, and the sign-out button."""
    with st.sidebar:
        scope = ""
        if viewer.role == "manager" and viewer.teams:
            scope = f" · {plain(', '.join(viewer.teams))}"
        elif viewer.role == "agent" and viewer.agent_id:
            scope = f" · {plain(viewer.agent_id)}"
        st.caption(f"Signed in as **{plain(viewer.user_id)}** ({ROLE_LABELS[viewer.role]}{scope})")
        if viewer.role == "admin" and (locked := locked_account_count(str(default_db_path()))):
            st.warning(
                f"{locked} account{'s' if locked != 1 else ''} locked after failed sign-ins: "
                "unlock on the Users page.", icon=":material/lock:",
            )  # fmt: skip
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
                    st.error(plain(error))
                else:
                    st.success("Password changed. Your other sessions were signed out.")


def change_own_password(viewer: Viewer, current: str, new: str, repeat: str) -> None:
    """Check the current password (failures count towards lockout), set the new one, and keep
    this browser signed in with a fresh session (setting a password ends every other session)."""
    if new != repeat:
        raise users.UserError("The two new passwords differ.")
    with connect(default_db_path()) as con:
        authentication.authenticate(con, viewer.user_id, current, client=client_address())
        users.set_password(con, viewer, viewer.user_id, new)
    start_session(viewer)
