"""The admin's journey (issue 15 acceptance), in a real browser through the UI only: add a user
on the Users page (a role must be chosen), the new user locks themselves out with wrong passwords,
the admin sees the lock and lifts it, and the user signs in."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import assert_no_errors, open_page, sign_in, wait_for_app
from tests.browser.signin import fill_sign_in_form
from warehouse.storage.connection import connect

NEW_LOGIN = "nina.reviewer"
NEW_PASSWORD = "lantern-orchard-58"


def _choose(page: Page, label: str, option: str) -> None:
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.click()
    page.get_by_role("option", name=option, exact=True).click()


def _submit_sign_in(page: Page, password: str, expected: str) -> None:
    """Submit the sign-in form once and wait for the message this attempt must show."""
    fill_sign_in_form(page, NEW_LOGIN, password)
    alert = page.locator('[data-testid="stAlertContentError"]').first
    expect(alert).to_contain_text(expected, timeout=60_000)
    wait_for_app(page)


def test_admin_adds_a_user_and_unlocks_them_after_a_lockout(browser: Browser, server, accounts):
    admin = browser.new_context(viewport={"width": 1500, "height": 1000})
    person = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        page = admin.new_page()
        sign_in(page, server.url, *accounts["admin"])
        open_page(page, "Users")

        # Add user: the role has no default; submitting without one asks for it.
        page.get_by_role("textbox", name="Login", exact=True).fill(NEW_LOGIN)
        page.get_by_role("textbox", name="Display name").fill("Nina Reviewer")
        page.get_by_role("textbox", name="Initial password").fill(NEW_PASSWORD)
        page.get_by_role("button", name="Add user").click()
        expect(page.get_by_text("Choose a role.")).to_be_visible(timeout=30_000)
        _choose(page, "Role", "Reviewer")
        page.get_by_role("button", name="Add user").click()
        expect(page.get_by_text(f"Added {NEW_LOGIN} (Reviewer).")).to_be_visible(timeout=30_000)
        wait_for_app(page)
        assert_no_errors(page)

        # The new person mistypes their password until the account locks for their address.
        tab = person.new_page()
        tab.goto(server.url)
        expect(tab.get_by_role("button", name="Sign in", exact=True)).to_be_visible(timeout=60_000)
        for i, expected in enumerate(
            ["Wrong login or password.", "3 attempts left", "2 attempts left", "1 attempt left",
             "Too many failed sign-in attempts"]
        ):  # fmt: skip
            _submit_sign_in(tab, f"not-it-{i}", expected)
        tab.reload()  # a fresh form: the right password is refused too while locked
        expect(tab.get_by_role("button", name="Sign in", exact=True)).to_be_visible(timeout=60_000)
        _submit_sign_in(tab, NEW_PASSWORD, "Too many failed sign-in attempts")

        # The admin sees the lock and lifts it.
        page.reload()
        expect(page.get_by_text("1 account is locked")).to_be_visible(timeout=60_000)
        wait_for_app(page)
        page.get_by_role("tab", name="Unlock").click()
        expect(page.get_by_role("combobox", name="Locked account")).to_have_value(
            re.compile(rf"^{re.escape(NEW_LOGIN)} — locked until \d\d:\d\d UTC")
        )  # the only locked account: already chosen
        page.get_by_role("button", name="Unlock").click()
        expect(page.get_by_text(f"Unlocked {NEW_LOGIN}.")).to_be_visible(timeout=30_000)
        wait_for_app(page)
        assert_no_errors(page)

        # The person signs in.
        fill_sign_in_form(tab, NEW_LOGIN, NEW_PASSWORD)
        expect(tab.get_by_role("button", name="Sign out")).to_be_visible(timeout=60_000)
        expect(tab.get_by_text(re.compile(f"Signed in as {re.escape(NEW_LOGIN)}"))).to_be_visible()
    finally:
        person.close()
        admin.close()
    with connect(server.db_path) as con:
        actions = [
            row[0]
            for row in con.execute(
                "SELECT action FROM audit_log WHERE target = $login ORDER BY audit_id",
                {"login": NEW_LOGIN},
            ).fetchall()
        ]
    assert actions[0] == "user.add" and "sign_in.locked" in actions
    assert actions.index("user.unlock") < actions.index("sign_in.ok")
