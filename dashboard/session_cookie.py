"""The session cookie: how a signed-in browser stays signed in across reloads, tabs and links.

Streamlit runs a page's script over a WebSocket, so a script cannot set an HTTP cookie, let alone
an HttpOnly one. Streamlit 1.67 serves the app with Starlette and lets an `st.App` add HTTP
routes beside its own (`dashboard/server.py`, what `qa serve` runs). So:

1. The sign-in form (a script) checks the password and creates the server-side session
   (`warehouse.access.sessions`); it keeps the token in this tab's session state and `offer()`s it here
   for a one-time hand-off code (random, single use, 60 s, kept only in this process's memory).
2. A tiny custom component (`st.components.v2`, no iframe) POSTs that code to
   `ROUTE_START` with `fetch`; the route swaps it for the token and answers with
   `Set-Cookie: cornerstone_session=<token>; HttpOnly; SameSite=Lax; Path=/` (plus `Secure`
   when the request came over HTTPS, directly or through the reverse proxy's
   `X-Forwarded-Proto`), with `Max-Age` up to the session's absolute end. Page JavaScript never
   sees the token: only the short-lived code, which is useless once swapped.
3. A reload, a new tab or a shared link opens a new WebSocket; its handshake carries the cookie,
   which the script reads with `st.context.cookies` and validates against the database
   (`dashboard/session.py: refresh_session`). That is a resumed session, not a sign-in: nothing
   is added to the audit log.
4. Signing out ends the session in the database first (so the cookie is dead even if the next
   step fails), then the component POSTs to `ROUTE_END`, which deletes the cookie.

Both routes accept only same-origin requests (`Sec-Fetch-Site`/`Origin`), so another site cannot
plant its own session in a user's browser, and answer `Cache-Control: no-store`.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from datetime import datetime
from urllib.parse import urlsplit

COOKIE_NAME = "cornerstone_session"
ROUTE_START = "/_cornerstone/session/start"
ROUTE_END = "/_cornerstone/session/end"
HANDOFF_SECONDS = 60.0

_handoffs: dict[str, tuple[str, float]] = {}  # sha256(code) -> (token, monotonic deadline)
_guard = threading.Lock()


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def offer(token: str) -> str:
    """A one-time code the browser can swap for `token` at ROUTE_START within 60 seconds."""
    code = secrets.token_urlsafe(32)
    now = time.monotonic()
    with _guard:
        for key in [k for k, (_, deadline) in _handoffs.items() if deadline < now]:
            del _handoffs[key]
        _handoffs[_digest(code)] = (token, now + HANDOFF_SECONDS)
    return code


def take(code: str) -> str | None:
    """The token for `code`, once; None for an unknown, used or expired code."""
    if not isinstance(code, str) or not code or len(code) > 200:
        return None
    with _guard:
        found = _handoffs.pop(_digest(code), None)
    if found is None or found[1] < time.monotonic():
        return None
    return found[0]


def is_same_origin(headers: dict[str, str] | object) -> bool:
    """True if a request came from a page of this site (checked before touching cookies).

    Browsers send `Sec-Fetch-Site` on every fetch; older ones at least `Origin` on a POST,
    compared with `Host` (which the reverse proxy passes on unchanged)."""
    get = headers.get  # type: ignore[attr-defined]
    site = get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    origin = get("origin")
    host = get("host")
    return bool(origin and host) and urlsplit(origin).netloc.lower() == host.lower()


def is_https(scheme: str, headers: dict[str, str] | object) -> bool:
    """Served over HTTPS, directly or behind the reverse proxy (which sets X-Forwarded-Proto)."""
    forwarded = (headers.get("x-forwarded-proto") or "").split(",")[0].strip().lower()  # type: ignore[attr-defined]
    return scheme == "https" or forwarded == "https"


def cookie_max_age(expires_at: datetime | None, now: datetime) -> int | None:
    if expires_at is None:
        return None
    return max(0, int((expires_at - now).total_seconds()))
