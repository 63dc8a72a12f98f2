"""Signing in through the real sign-in form (used by tests/browser/conftest.py's `sign_in`)."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def fill_sign_in_form(page: Page, login: str, password: str) -> None:
    """Fill and submit the form on the current URL (the page shows it to anyone not signed in)."""
    page.get_by_role("textbox", name="Login", exact=True).fill(login)
    # exact: Streamlit's password field also has a "Show password" button.
    page.get_by_role("textbox", name="Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


SESSION_COOKIE = "cornerstone_session"


def wait_for_session_cookie(page: Page, seconds: float = 15) -> bool:
    """Wait until the browser holds the session cookie set right after signing in (so the rerun
    that follows has happened before a test clicks on); False if it never came."""
    for _ in range(int(seconds * 4)):
        if any(c["name"] == SESSION_COOKIE for c in page.context.cookies()):
            return True
        page.wait_for_timeout(250)
    return False


def sign_in(page: Page, base_url: str, login: str, password: str) -> None:
    """Open the app and sign in through the form; waits for the signed-in sidebar and the
    session cookie. A browser context that already holds a valid session cookie is signed in
    on arrival (reloads and new tabs stay signed in): the form is then skipped."""
    page.goto(base_url)
    sign_in_button = page.get_by_role("button", name="Sign in", exact=True)
    sign_out_button = page.get_by_role("button", name="Sign out")
    expect(sign_in_button.or_(sign_out_button).first).to_be_visible(timeout=60_000)
    if sign_out_button.count() and login in page.get_by_text("Signed in as").first.inner_text():
        return
    if sign_out_button.count():  # someone else is signed in in this context: sign out first
        sign_out_button.click()
        expect(sign_in_button).to_be_visible(timeout=60_000)
    fill_sign_in_form(page, login, password)
    expect(sign_out_button).to_be_visible(timeout=60_000)
    wait_for_session_cookie(page)
