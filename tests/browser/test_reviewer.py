"""A reviewer in a real browser: queue, review with an override and a comment, reload, still there.

Runs `qa serve` on a `qa demo` database (see conftest.py) and drives Debian's Chromium headless.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_no_errors, open_page, sign_in, wait_for_app
from warehouse.storage.connection import connect

COMMENT = "Browser check: <script>alert('x')</script> kept as text"


def db_rows(db: Path, sql: str, params=()):
    with connect(db) as con:
        return con.execute(sql, list(params)).fetchall()


def open_next_in_queue(page: Page) -> str:
    """From the queue, open the top open conversation; return its id (shown in the page header)."""
    open_page(page, "Review queue")
    expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible(timeout=60_000)
    assert_no_errors(page)
    page.get_by_role("button", name="Review next").click()
    expect(page.locator(".cq-transcript")).to_be_visible(timeout=60_000)
    wait_for_app(page)
    return page.locator("[data-testid='stHtml'] code").first.inner_text().strip()


def open_by_id(page: Page, conversation_id: str) -> None:
    box = page.locator('[data-testid="stSidebar"]').get_by_label("Open conversation by id")
    if not box.count():  # not on the review page yet
        open_page(page, "Review conversation")
    box.fill(conversation_id)
    box.press("Enter")
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Open", exact=True).click()
    expect(
        page.locator("[data-testid='stHtml'] code").filter(has_text=conversation_id)
    ).to_be_visible(timeout=60_000)
    wait_for_app(page)


def main_area(page: Page):
    return page.locator('[data-testid="stMain"]')


def first_criterion(page: Page):
    return main_area(page).locator('[data-testid="stRadio"]').first


def checked_option(radio) -> str:
    return radio.locator("label:has(input:checked)").inner_text().strip()


def first_reason(page: Page):
    return main_area(page).get_by_label("Reason if you change the auto-score").first


def override_first_criterion(page: Page, reason: str) -> tuple[str, str]:
    """Change the first criterion to another answer with a reason; return (before, after)."""
    radio = first_criterion(page)
    before = checked_option(radio)
    options = [t.strip() for t in radio.locator("label:has(input)").all_inner_texts() if t.strip()]
    choices = [o for o in options if o not in (before, "N/A")]
    after = choices[-1]
    radio.locator("label").filter(has_text=re.compile(rf"^{re.escape(after)}$")).first.click()
    wait_for_app(page)
    first_reason(page).fill(reason)
    first_reason(page).press("Tab")
    wait_for_app(page)
    return before, after


def reload_signed_in(page: Page, conversation_id: str) -> None:
    """Reload the browser tab: the session cookie keeps the reviewer signed in, on the same page."""
    page.reload()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=60_000)
    wait_for_app(page)
    expect(
        page.locator("[data-testid='stHtml'] code").filter(has_text=conversation_id)
    ).to_be_visible(timeout=60_000)
    wait_for_app(page)


REASON = "Browser test: checked the transcript"


def test_reviewer_reviews_with_override_and_comment_and_sees_it_after_reload(
    browser_page, server, accounts
):
    """Issue 15's reviewer journey: next in the queue, override with a reason, comment; a reload
    and "Next in my queue" keep the half-done review as a draft; submit; reload: saved."""
    page = browser_page
    login, password = accounts["reviewer"]
    sign_in(page, server.url, login, password)
    conversation_id = open_next_in_queue(page)
    assert_no_errors(page)
    assert page.locator(".cq-msg").count() >= 2
    before, after = override_first_criterion(page, REASON)
    comment_box = main_area(page).get_by_label("Overall comment (for the agent)")
    comment_box.fill(COMMENT)
    comment_box.press("Tab")
    wait_for_app(page)

    reload_signed_in(page, conversation_id)  # the draft survives a reload
    expect(main_area(page).get_by_text(re.compile(r"Draft: 3 unsubmitted change"))).to_be_visible()
    assert checked_option(first_criterion(page)) == after
    assert first_reason(page).input_value() == REASON
    assert main_area(page).get_by_label("Overall comment (for the agent)").input_value() == COMMENT

    page.locator('[data-testid="stSidebar"]').get_by_role(
        "button", name="Next in my queue →"
    ).click()
    expect(
        page.get_by_text(f"Your unsubmitted changes to {conversation_id} are saved as a draft")
    ).to_be_visible(timeout=60_000)
    wait_for_app(page)
    assert not page.locator("[data-testid='stHtml'] code").filter(has_text=conversation_id).count()
    open_by_id(page, conversation_id)
    assert checked_option(first_criterion(page)) == after

    main_area(page).get_by_role("button", name="Submit review").click()
    expect(page.get_by_text(re.compile(rf"Review #\d+ of {conversation_id} saved"))).to_be_visible(
        timeout=60_000
    )
    assert_no_errors(page)

    saved = db_rows(
        server.db_path,
        "SELECT r.review_id, r.reviewer_id, r.overall_comment FROM current_reviews r"
        " WHERE r.conversation_id = ? AND r.reviewer_id = ?",
        [conversation_id, login],
    )
    assert len(saved) == 1 and saved[0][2] == COMMENT
    overrides = db_rows(
        server.db_path,
        "SELECT override_reason FROM review_criteria WHERE review_id = ? AND overridden",
        [saved[0][0]],
    )
    assert (REASON,) in overrides
    assert db_rows(
        server.db_path,
        "SELECT count(*) FROM review_drafts WHERE reviewer_id = ? AND conversation_id = ?",
        [login, conversation_id],
    ) == [(0,)]

    reload_signed_in(page, conversation_id)
    assert checked_option(first_criterion(page)) == after != before
    expect(page.get_by_text("Your review (version 1)")).to_be_visible()
    assert not main_area(page).get_by_text(re.compile(r"Draft: \d+ unsubmitted")).count()
    page.get_by_text(re.compile(r"Overall comments \(\d+\)")).click()
    expect(page.get_by_text(COMMENT, exact=True)).to_be_visible()  # the script is text, not markup
    injected = page.evaluate(
        "() => Array.from(document.querySelectorAll('script')).some(s => s.textContent.includes(\"alert('x')\"))"
    )
    assert injected is False
    assert_no_errors(page)


def test_two_browser_sessions_submitting_at_once_lose_nothing(browser, server, accounts):
    login, password = accounts["reviewer"]
    ids = [
        r[0]
        for r in db_rows(
            server.db_path,
            "SELECT conversation_id FROM review_assignments WHERE reviewer_id = ? AND status = 'open'"
            " AND calibration_session_id IS NULL"  # a blind calibration form starts empty
            " ORDER BY assignment_id DESC LIMIT 2",
            [login],
        )
    ]
    assert len(ids) == 2
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in ids]
    try:
        pages = [c.new_page() for c in contexts]
        for page, conversation_id in zip(pages, ids, strict=True):
            sign_in(page, server.url, login, password)
            open_by_id(page, conversation_id)
            main_area(page).get_by_label("Overall comment (for the agent)").fill(
                f"Concurrent review of {conversation_id}"
            )
        for page in pages:  # both submits are in flight before either answer arrives
            page.get_by_role("button", name="Submit review").click(no_wait_after=True)
        for page in pages:
            expect(page.get_by_text(re.compile(r"Review #\d+ .*saved"))).to_be_visible(
                timeout=60_000
            )
            assert_no_errors(page)
        for conversation_id in ids:
            rows = db_rows(
                server.db_path,
                "SELECT overall_comment FROM current_reviews WHERE conversation_id = ? AND reviewer_id = ?",
                [conversation_id, login],
            )
            assert rows == [(f"Concurrent review of {conversation_id}",)]
    finally:
        for context in contexts:
            context.close()


def test_every_page_in_the_navigation_renders_without_errors(browser_page, server, accounts):
    """Acceptance: signed in as admin (who sees every page), each page renders, charts included."""
    page = browser_page
    sign_in(page, server.url, *accounts["admin"])
    nav = page.locator('[data-testid="stSidebarNav"] a')
    titles = [
        t.strip().splitlines()[-1].strip() for t in nav.all_inner_texts() if t.strip()
    ]  # after the icon
    assert {"Review queue", "Review conversation"} <= set(titles), titles
    for title in titles:
        open_page(page, title)
        charts = page.locator(".js-plotly-plot")
        if charts.count():
            expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible(timeout=60_000)
        assert_no_errors(page)
