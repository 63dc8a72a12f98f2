"""Browser sessions: a random token per signed-in browser; only its sha256 is stored.

`create_session` returns the token (the browser keeps it in an HttpOnly cookie: see
dashboard/session_cookie.py); `validate_session` returns the current Viewer (role changes apply at
once) while the session is neither idle for longer than the idle timeout nor older than the
absolute timeout (settings `[sessions]`; defaults `IDLE_TIMEOUT`, `ABSOLUTE_TIMEOUT`), nor ended
(signed out, password or role changed), nor its user disabled. A copy of the database file
therefore grants no one a session.

`last_seen_at` is written at most once a minute per session, and a write that conflicts with
another one for the same session (two tabs reloading at once) is skipped: the other write just
recorded the same activity.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import duckdb

from config.settings import load_settings
from warehouse import queries
from warehouse.access import audit
from warehouse.access.audit import utc_now
from warehouse.access.viewer import Viewer

# The defaults of the session limits (config.settings.Sessions; cornerstone.toml [sessions]).
IDLE_TIMEOUT = timedelta(hours=8)
ABSOLUTE_TIMEOUT = timedelta(hours=24)
TOUCH_INTERVAL = timedelta(minutes=1)  # last_seen_at is written at most this often


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_session(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    *,
    now: datetime | None = None,
    absolute_timeout: timedelta | None = None,
    auth_method: str = "password",
) -> str:
    """Start a session for a signed-in viewer; return its secret token (not stored)."""
    now = now or utc_now()
    absolute_timeout = absolute_timeout or load_settings().sessions.absolute_timeout
    # Housekeeping: sessions over for a month are useless (sign-ins stay in the audit log).
    queries.execute(con, "session_forget_expired", cutoff=now - timedelta(days=30))
    token = secrets.token_urlsafe(32)
    queries.execute(
        con,
        "session_create",
        hash=_token_hash(token),
        user=viewer.user_id,
        now=now,
        expires=now + absolute_timeout,
        method=auth_method,
    )
    return token


def validate_session(
    con: duckdb.DuckDBPyConnection,
    token: str,
    *,
    now: datetime | None = None,
    idle_timeout: timedelta | None = None,
    touch: bool = True,
) -> Viewer | None:
    """The session's current Viewer (role changes apply at once), or None if it is over."""
    now = now or utc_now()
    idle_timeout = idle_timeout or load_settings().sessions.idle_timeout
    rows = queries.rows(con, "session_with_user", hash=_token_hash(token or ""))
    if not rows:
        return None
    last_seen, expires_at, ended_at, user_id, name, role, agent_id, teams, disabled = rows[0]
    if ended_at is not None or disabled or now >= expires_at or now - last_seen >= idle_timeout:
        return None
    if touch and now - last_seen >= TOUCH_INTERVAL:
        try:
            queries.execute(con, "session_touch", now=now, hash=_token_hash(token))
        except duckdb.TransactionException:
            pass  # another tab touched this session at the same moment: same activity, skip
    return Viewer(user_id=user_id, role=role, agent_id=agent_id, teams=tuple(teams or ()))


def session_expires_at(con: duckdb.DuckDBPyConnection, token: str) -> datetime | None:
    """The absolute end of the session (for the cookie's lifetime), or None if unknown."""
    return queries.value(con, "session_expires_at", hash=_token_hash(token))


def end_session(
    con: duckdb.DuckDBPyConnection, token: str, *, reason: str = "sign_out"
) -> str | None:
    """Sign out: the token stops working at once (audited once, with how the session began).

    Returns how the session began ('password', 'oidc'), or None if it was already over."""
    rows = queries.rows(con, "session_end", now=utc_now(), hash=_token_hash(token or ""))
    if rows and reason == "sign_out":
        user_id, method = rows[0]
        audit.record(con, user_id, "sign_out", user_id, {"method": method})
    return rows[0][1] if rows else None


def end_user_sessions(con: duckdb.DuckDBPyConnection, login: str) -> None:
    queries.execute(con, "sessions_end_for_user", now=utc_now(), login=login)
