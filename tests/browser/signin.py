"""Signing in through the real sign-in form (used by tests/browser/conftest.py's `sign_in`)."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def fill_sign_in_form(page: Page, login: str, password: str) -> None:
    """Fill and submit the form on the current URL (the page shows it to anyone not signed in)."""
    page.get_by_role("textbox", name="Login", exact=True).fill(login)
    # exact: Streamlit's password field also has a "Show password" button.
    page.get_by_role("textbox", name="Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def sign_in(page: Page, base_url: str, login: str, password: str) -> None:
    """Open the app (a new Streamlit session) and sign in; waits for the signed-in sidebar."""
    page.goto(base_url)
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible(timeout=60_000)
    fill_sign_in_form(page, login, password)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=60_000)
