"""Real browser, agent: the Inbox shows the feedback `qa demo`'s reviewers left on the agent's
conversations; opening one goes to that conversation on My feedback and marks it read; the
agent chooses an e-mail address. ("Mark all as read" is driven in tests/dashboard/test_inbox.py.)"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from dashboard.session_cookie import COOKIE_NAME
from tests.browser.conftest import assert_no_errors, open_page, sign_in, wait_for_app

pytestmark = pytest.mark.browser
UNREAD = re.compile(r"(\d[\d,]*) unread of (\d[\d,]*)")


def _unread(page) -> tuple[int, int]:
    caption = page.get_by_text(UNREAD).first
    expect(caption).to_be_visible(timeout=30_000)
    found = UNREAD.search(caption.inner_text())
    assert found, caption.inner_text()
    return int(found.group(1).replace(",", "")), int(found.group(2).replace(",", ""))


def _wait_for_session_cookie(page, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not any(c["name"] == COOKIE_NAME for c in page.context.cookies()):
        assert time.monotonic() < deadline, "the session cookie was never set"
        page.wait_for_timeout(200)


def test_agent_opens_feedback_from_the_inbox_and_it_becomes_read(browser_page, server, accounts):
    page = browser_page
    sign_in(page, server.url, *accounts["agent"])
    open_page(page, "Inbox")
    assert_no_errors(page)
    unread, total = _unread(page)
    assert unread >= 1 and total >= unread  # the demo's reviews of this agent's conversations

    # Items are listed newest first, each with its Open button (an agent's are all about a
    # conversation of theirs).
    main = page.locator('[data-testid="stMain"]')
    first_text = (
        main.locator('[data-testid="stMarkdownContainer"]')
        .filter(has_text=re.compile(r"conversation \S+"))
        .first.inner_text()
    )
    conversation = re.search(r"conversation (\S+?)[.:]", first_text).group(1)
    _wait_for_session_cookie(page)  # its hand-off reruns the page: let that pass before clicking
    wait_for_app(page)
    main.get_by_role("button", name="Open", exact=True).first.click()
    # My feedback (the agent's home page, so its address may be the bare "/").
    page.wait_for_url(re.compile(r"/(my_feedback)?\?conversation="), timeout=60_000)
    wait_for_app(page)
    assert conversation in page.url
    expect(page.get_by_role("heading", name="My feedback")).to_be_visible(timeout=30_000)
    # ...with that conversation open (the page keeps only the agent's own ids in the URL).
    expect(main.get_by_role("combobox", name="Open a reviewed conversation")).to_have_value(
        re.compile(re.escape(conversation)), timeout=30_000
    )
    assert conversation in page.url
    assert_no_errors(page)

    open_page(page, "Inbox")
    assert _unread(page) == (unread - 1, total)

    page.get_by_text("Get these by e-mail").click()
    page.get_by_role("textbox", name="Send my new notifications to").fill("agent@example.com")
    page.get_by_role("button", name="Save").click()
    expect(
        # plain() keeps an invisible word joiner before the @ so markdown makes no mail link
        page.get_by_text(
            re.compile("New notifications will be e-mailed to agent\u2060?@example\\.com\\.")
        )
    ).to_be_visible(timeout=30_000)

    assert_no_errors(page)
