"""The session-cookie routes of dashboard/server.py over HTTP (Starlette's test client): the cookie
is HttpOnly, SameSite=Lax, Secure exactly when the request came over HTTPS (directly or through
the reverse proxy), set only from a one-time code and only for same-origin requests; sign-out
deletes it and ends the session on the server."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from dashboard import server, session_cookie
from warehouse.access import sessions, users
from warehouse.access.viewer import SYSTEM
from warehouse.storage.connection import connect

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def token(db_path, monkeypatch):
    monkeypatch.setenv("CORNERSTONE_DB", str(db_path))
    with connect(db_path) as con:
        user = users.add_user(con, SYSTEM, "ann", "reviewer", "violet-harbour-77")
        return sessions.create_session(con, user.viewer())


@pytest.fixture
def client():
    app = Starlette(
        routes=[
            Route(session_cookie.ROUTE_START, server.start_session, methods=["POST"]),
            Route(session_cookie.ROUTE_END, server.end_session, methods=["POST"]),
        ]
    )
    return TestClient(app, base_url="http://127.0.0.1:8501")


def _set_cookie(response) -> str:
    return response.headers.get("set-cookie", "")


def test_a_one_time_code_becomes_an_httponly_lax_cookie_once(client, token):
    code = session_cookie.offer(token)
    response = client.post(session_cookie.ROUTE_START, json={"code": code}, headers=SAME_ORIGIN)
    assert response.status_code == 200
    cookie = _set_cookie(response)
    assert cookie.startswith(f"{session_cookie.COOKIE_NAME}={token};")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain HTTP on loopback: a Secure cookie would be dropped
    assert "Max-Age=" in cookie and response.headers["cache-control"] == "no-store"
    again = client.post(session_cookie.ROUTE_START, json={"code": code}, headers=SAME_ORIGIN)
    assert again.status_code == 400 and not _set_cookie(again)


def test_behind_the_https_proxy_the_cookie_is_secure(client, token):
    code = session_cookie.offer(token)
    response = client.post(
        session_cookie.ROUTE_START, json={"code": code},
        headers={**SAME_ORIGIN, "X-Forwarded-Proto": "https"},
    )  # fmt: skip
    assert "Secure" in _set_cookie(response)


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "http://evil.example"},
        {},
    ],
)
def test_other_sites_cannot_plant_or_clear_a_session(client, token, headers):
    code = session_cookie.offer(token)
    response = client.post(session_cookie.ROUTE_START, json={"code": code}, headers=headers)
    assert response.status_code == 403 and not _set_cookie(response)
    assert client.post(session_cookie.ROUTE_END, headers=headers).status_code == 403


def test_an_origin_header_matching_the_host_is_enough_for_older_browsers(client, token):
    code = session_cookie.offer(token)
    response = client.post(
        session_cookie.ROUTE_START, json={"code": code},
        headers={"Origin": "http://127.0.0.1:8501"},
    )  # fmt: skip
    assert response.status_code == 200


def test_garbage_and_expired_codes_set_nothing(client, token, monkeypatch):
    for body in ({"code": "made-up"}, {"code": ""}, {"code": 7}, ["x"], {"code": "x" * 5000}):
        response = client.post(session_cookie.ROUTE_START, json=body, headers=SAME_ORIGIN)
        assert response.status_code == 400 and not _set_cookie(response)
    monkeypatch.setattr(session_cookie, "HANDOFF_SECONDS", -1.0)  # a code older than its 60 s
    stale = session_cookie.offer(token)
    response = client.post(session_cookie.ROUTE_START, json={"code": stale}, headers=SAME_ORIGIN)
    assert response.status_code == 400 and not _set_cookie(response)


def test_sign_out_route_deletes_the_cookie_and_ends_the_session(client, token, db_path):
    client.cookies.set(session_cookie.COOKIE_NAME, token)
    response = client.post(session_cookie.ROUTE_END, headers=SAME_ORIGIN)
    assert response.status_code == 200
    cookie = _set_cookie(response)
    assert cookie.startswith(f'{session_cookie.COOKIE_NAME}="";') and "Max-Age=0" in cookie
    with connect(db_path) as con:
        assert sessions.validate_session(con, token) is None
