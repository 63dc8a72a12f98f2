"""What `qa serve` runs: the dashboard (`streamlit_app.py`) plus two HTTP routes of ours.

`streamlit run dashboard/server.py` finds the `st.App` below and serves it with Streamlit's own
Starlette/uvicorn server; every page is still `streamlit_app.py`. The two routes set and clear
the HttpOnly session cookie (how and why: `dashboard/session_cookie.py`).

Logging is set up as the CLI does it (`config/logs.py`): `[logging]` in the settings file or
CORNERSTONE_LOGGING__LEVEL / __FORMAT, which `qa --log-level ... --log-json serve` sets for this
process; Streamlit's own records go through the same handler.
"""

import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from any directory

import streamlit as st  # noqa: E402
from starlette.concurrency import run_in_threadpool  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import JSONResponse  # noqa: E402
from starlette.routing import Route  # noqa: E402

from config.logs import configure_logging  # noqa: E402
from config.settings import default_db_path, load_settings  # noqa: E402
from dashboard import session_cookie  # noqa: E402
from dashboard.streamlit_logs import route_streamlit_logs  # noqa: E402
from warehouse.access import sessions  # noqa: E402
from warehouse.access.audit import utc_now  # noqa: E402
from warehouse.storage.connection import connect  # noqa: E402

NO_STORE = {"Cache-Control": "no-store"}
log = logging.getLogger("cornerstone.dashboard")


def _configure_logging() -> None:
    settings = load_settings()
    configure_logging(settings.logging.level, settings.logging.format == "json")
    route_streamlit_logs(settings.logging.level)
    log.info(
        "dashboard starting on database %s (log level %s)",
        settings.db.resolve(),
        settings.logging.level,
    )


_configure_logging()


def _refused(status: int, reason: str) -> JSONResponse:
    return JSONResponse({"ok": False, "reason": reason}, status_code=status, headers=NO_STORE)


def _expires_at(token: str):
    with connect(default_db_path(), wait_seconds=10) as con:
        return sessions.session_expires_at(con, token)


def _end(token: str) -> None:
    with connect(default_db_path(), wait_seconds=10) as con:
        sessions.end_session(con, token)


async def start_session(request: Request) -> JSONResponse:
    """Swap a one-time hand-off code for the HttpOnly session cookie."""
    if not session_cookie.is_same_origin(request.headers):
        return _refused(403, "cross-site request")
    try:
        body = await request.json()
    except ValueError:
        return _refused(400, "expected JSON")
    token = session_cookie.take(body.get("code") if isinstance(body, dict) else None)
    if token is None:
        return _refused(400, "unknown or expired code")
    expires_at = await run_in_threadpool(_expires_at, token)
    response = JSONResponse({"ok": True}, headers=NO_STORE)
    response.set_cookie(
        session_cookie.COOKIE_NAME,
        token,
        max_age=session_cookie.cookie_max_age(expires_at, utc_now()),
        path="/",
        secure=session_cookie.is_https(request.url.scheme, request.headers),
        httponly=True,
        samesite="lax",
    )
    return response


async def end_session(request: Request) -> JSONResponse:
    """Delete the session cookie (and end its session, if the page has not already)."""
    if not session_cookie.is_same_origin(request.headers):
        return _refused(403, "cross-site request")
    token = request.cookies.get(session_cookie.COOKIE_NAME)
    if token:
        await run_in_threadpool(_end, token)
    response = JSONResponse({"ok": True}, headers=NO_STORE)
    response.delete_cookie(
        session_cookie.COOKIE_NAME,
        path="/",
        secure=session_cookie.is_https(request.url.scheme, request.headers),
        httponly=True,
        samesite="lax",
    )
    return response


app = st.App(
    "streamlit_app.py",
    routes=[
        Route(session_cookie.ROUTE_START, start_session, methods=["POST"]),
        Route(session_cookie.ROUTE_END, end_session, methods=["POST"]),
    ],
)
