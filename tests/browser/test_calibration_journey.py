"""Real browser, calibration end to end through the UI: a QA lead creates a session for two
reviewers; each reviewer signs in, opens the session's conversation and answers it blind (no
other reviewer's name, answers or score on the page); the lead then sees both reviews counted."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_no_errors, open_page, sign_in, wait_for_app
from tests.browser.test_qa_lead import _choose_many
from tests.browser.test_reviewer import main_area, open_by_id
from warehouse.storage.connection import connect

pytestmark = pytest.mark.browser

REVIEWERS = {"kofi.okafor": "Kofi Okafor", "omar.usman": "Omar Usman"}
TITLE = "Blind round from the browser"


def _passwords(server) -> dict[str, str]:
    """login -> password from the accounts table `qa demo` printed (every demo reviewer has one)."""
    found = {}
    for line in (server.db_path.parent / "demo_accounts.txt").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] in REVIEWERS:
            found[parts[0]] = parts[2]
    return found


def _metric_value(page: Page, label: str):
    label_box = page.locator("[data-testid='stMetricLabel']").get_by_text(label, exact=True)
    metric = page.locator("[data-testid='stMetric']").filter(has=label_box).first
    return metric.locator("[data-testid='stMetricValue']")


def _answer_every_criterion(page: Page) -> None:
    """A blind form starts empty: answer each criterion with its first option."""
    # The form draws after the transcript, question by question: count its questions once the
    # count holds still.
    radios = main_area(page).locator('[data-testid="stRadio"]')
    expect(radios.first).to_be_visible(timeout=60_000)
    wait_for_app(page)
    questions = -1
    while questions != radios.count():
        questions = radios.count()
        page.wait_for_timeout(500)
    assert questions > 0, "the review form shows no questions"
    for i in range(questions):
        radio = radios.nth(i)
        if radio.locator("input:checked").count():
            continue
        radio.locator("label:has(input)").first.click()
        expect(radio.locator("input:checked")).to_have_count(1, timeout=30_000)
        page.wait_for_timeout(300)  # let the draft save's rerun start before waiting for it
        wait_for_app(page)
    expect(
        main_area(page).get_by_text(re.compile(rf"Draft: {questions} unsubmitted"))
    ).to_be_visible(timeout=30_000)


def _review_blind(browser, server, login: str, password: str, conversation_id: str, other: str):
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    try:
        page = context.new_page()
        sign_in(page, server.url, login, password)
        open_by_id(page, conversation_id)
        shown = main_area(page).inner_text()
        assert other not in shown, f"{login} sees {other} before submitting"
        assert "human review by" not in shown
        _answer_every_criterion(page)
        main_area(page).get_by_label("Overall comment (for the agent)").fill(f"Blind: {login}")
        main_area(page).get_by_role("button", name="Submit review").click()
        expect(
            page.get_by_text(re.compile(rf"Review #\d+ of {conversation_id} saved"))
        ).to_be_visible(timeout=60_000)
        assert_no_errors(page)
    finally:
        context.close()


def test_two_reviewers_review_a_calibration_conversation_blind_and_the_lead_sees_both(
    browser, server, accounts
):
    passwords = _passwords(server)
    assert set(passwords) == set(REVIEWERS)
    lead_context = browser.new_context(viewport={"width": 1500, "height": 1000})
    try:
        lead = lead_context.new_page()
        sign_in(lead, server.url, *accounts["qa_lead"])
        open_page(lead, "Calibration")
        lead.get_by_role("tab", name="New session").click()
        slider = lead.get_by_role("slider").first
        slider.focus()
        lead.keyboard.press("Home")  # one conversation
        wait_for_app(lead)
        lead.get_by_label("Title").fill(TITLE)
        _choose_many(lead, "Reviewers", list(REVIEWERS.values()))
        lead.get_by_role("button", name="Create session").click()
        created = lead.get_by_text(re.compile(r"Session #\d+ created"))
        expect(created).to_be_visible(timeout=60_000)
        session_id = int(re.search(r"Session #(\d+)", created.inner_text()).group(1))

        # Which conversation the lead's session holds (read only, to open it by id as a person
        # who was told it would).
        with connect(server.db_path) as con:
            (conversation_id,) = con.execute(
                "SELECT DISTINCT conversation_id FROM review_assignments"
                " WHERE calibration_session_id = ?",
                [session_id],
            ).fetchone()

        first, second = REVIEWERS
        _review_blind(browser, server, first, passwords[first], conversation_id, REVIEWERS[second])
        _review_blind(browser, server, second, passwords[second], conversation_id, REVIEWERS[first])

        with connect(server.db_path) as con:
            stored = con.execute(
                "SELECT reviewer_id FROM current_reviews WHERE calibration_session_id = ?"
                " ORDER BY reviewer_id",
                [session_id],
            ).fetchall()
            still_open = con.execute(
                "SELECT count(*) FROM review_assignments"
                " WHERE calibration_session_id = ? AND status = 'open'",
                [session_id],
            ).fetchone()[0]
        assert [r[0] for r in stored] == sorted(REVIEWERS) and still_open == 0

        lead.reload()
        wait_for_app(lead)
        open_page(lead, "Calibration")
        lead.locator("[data-testid='stSelectbox']", has_text="Session").first.click()
        option = lead.get_by_role("option", name=re.compile(rf"#{session_id} · ")).first
        assert f"{TITLE} (2 of 2 reviews, 1 conversations" in option.inner_text()
        option.click()
        wait_for_app(lead)
        # The figures of the session just chosen (the page redraws from the previous choice's).
        for label, value in (("Conversations rated by 2+ reviewers", "1"), ("Reviewers", "2")):
            expect(_metric_value(lead, label)).to_have_text(value, timeout=60_000)
        assert_no_errors(lead)
    finally:
        lead_context.close()
