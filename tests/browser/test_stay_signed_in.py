"""Staying signed in (issue 15 item 5), in a real browser through the UI only: after signing in
through the form, a reload, a new tab and a shared deep link keep the person signed in without a
new sign-in in the audit log; the cookie is HttpOnly and SameSite; signing out ends the session on
the server, so even a copy of the old cookie no longer works."""

from __future__ import annotations

from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import assert_no_errors, sign_in, wait_for_app
from warehouse.storage.connection import connect

COOKIE = "cornerstone_session"


def _session_cookie(context: BrowserContext, page: Page) -> dict | None:
    for _ in range(40):  # set by a fetch right after the sign-in run
        found = [c for c in context.cookies() if c["name"] == COOKIE]
        if found:
            return found[0]
        page.wait_for_timeout(250)
    return None


def _sign_ins(db_path, login: str) -> int:
    with connect(db_path) as con:
        return con.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'sign_in.ok' AND target = $login",
            {"login": login},
        ).fetchall()[0][0]


def _signed_in(page: Page) -> None:
    expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=60_000)
    wait_for_app(page)
    assert_no_errors(page)


def test_reload_new_tab_and_shared_link_keep_you_signed_in_until_you_sign_out(
    browser: Browser, server, accounts
):
    login, password = accounts["reviewer"]
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        page.errors = []  # type: ignore[attr-defined]
        page.on("pageerror", lambda error: page.errors.append(str(error)))  # type: ignore[attr-defined]
        sign_in(page, server.url, login, password)
        cookie = _session_cookie(context, page)
        assert cookie is not None, "no session cookie after signing in"
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
        assert COOKIE not in page.evaluate("document.cookie")  # page scripts cannot read it
        sign_ins = _sign_ins(server.db_path, login)

        page.reload()  # F5
        _signed_in(page)
        expect(page.get_by_text(f"Signed in as {login}")).to_be_visible()

        shared = context.new_page()  # a new tab opening a link someone shared
        shared.goto(f"{server.url}/calibration")
        _signed_in(shared)
        expect(shared.get_by_role("heading", name="Calibration").first).to_be_visible()
        assert shared.url.endswith("/calibration")
        shared.close()

        assert _sign_ins(server.db_path, login) == sign_ins  # resumed, not signed in again

        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible(timeout=60_000)
        for _ in range(40):
            if not [c for c in context.cookies() if c["name"] == COOKIE]:
                break
            page.wait_for_timeout(250)
        assert not [c for c in context.cookies() if c["name"] == COOKIE], "cookie not cleared"
        page.reload()
        expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible(timeout=60_000)
        with connect(server.db_path) as con:
            (action,) = con.execute(
                "SELECT action FROM audit_log WHERE actor = $login ORDER BY audit_id DESC LIMIT 1",
                {"login": login},
            ).fetchall()[0]
        assert action == "sign_out"
    finally:
        context.close()

    # The old cookie, replayed in a fresh browser, is dead on the server.
    replay = browser.new_context()
    try:
        replay.add_cookies([{k: cookie[k] for k in ("name", "value", "domain", "path")}])
        page = replay.new_page()
        page.goto(server.url)
        expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible(timeout=60_000)
        expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    finally:
        replay.close()
