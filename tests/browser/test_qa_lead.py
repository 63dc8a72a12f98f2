"""Real browser, QA lead: signs in on the demo database, opens Calibration and sees the agreement
figures (alpha per criterion, leniency) for all double-reviewed conversations and per session."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_errors, open_page, sign_in, wait_for_app
from warehouse.storage.connection import connect

pytestmark = pytest.mark.browser


def _metric(page, label: str) -> str:
    label_box = page.locator("[data-testid='stMetricLabel']").get_by_text(label, exact=True)
    metric = page.locator("[data-testid='stMetric']").filter(has=label_box).first
    return metric.locator("[data-testid='stMetricValue']").inner_text()


def _titles(page) -> list[str]:
    return page.eval_on_selector_all(
        ".js-plotly-plot .gtitle", "els => els.map(e => e.textContent)"
    )


def test_qa_lead_sees_calibration_figures(browser_page, server, accounts):
    with connect(server.db_path) as con:
        sessions = con.execute(
            "SELECT calibration_session_id, title FROM calibration_sessions ORDER BY 1"
        ).fetchall()
    assert sessions, "the demo seeds calibration rounds"
    page = browser_page
    sign_in(page, server.url, *accounts["qa_lead"])
    open_page(page, "Calibration")
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2", timeout=60_000
    )
    assert_no_errors(page)
    assert int(_metric(page, "Conversations rated by 2+ reviewers").replace(",", "")) >= 8
    alpha = _metric(page, "Alpha on quality score")
    assert alpha != "–" and -1.0 <= float(alpha) <= 1.0
    titles = _titles(page)
    assert "Agreement per criterion (Krippendorff's alpha)" in titles
    assert "Reviewer leniency (mean deviation from the other reviewers)" in titles
    # One bar per reviewer in the leniency chart: the demo's five reviewers.
    assert int(_metric(page, "Reviewers")) == 5

    # Per session: pick the first round.
    first_id, first_title = sessions[0]
    page.locator("[data-testid='stSelectbox']", has_text="Session").first.click()
    page.get_by_role("option", name=f"#{first_id} · {first_title}", exact=False).click()
    wait_for_app(page)
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2", timeout=60_000
    )
    assert _metric(page, "Conversations rated by 2+ reviewers") == "8"
    assert_no_errors(page)


def _choose_many(page, label: str, options: list[str]) -> None:
    """Pick each option in a multiselect: open its list (again, if a rerun closed it) and click."""
    box = page.locator("[data-testid='stMultiSelect']", has_text=label).first
    for option in options:
        choice = page.get_by_role("option").filter(has_text=option).first
        for _ in range(5):
            wait_for_app(page)
            box.click()
            try:
                choice.wait_for(state="visible", timeout=5_000)
                break
            except PlaywrightTimeoutError:
                page.keyboard.press("Escape")
        choice.click()
        wait_for_app(page)
        expect(box).to_contain_text(option)
    page.keyboard.press("Escape")


def test_qa_lead_builds_a_queue_then_a_blind_calibration_session(browser, server, accounts):
    """Through the UI only: a queue for two reviewer accounts (picked by name, no typing of
    logins) due in two days, then a calibration session for the same two; a reviewer finds the
    queue's due work and the session's conversation among their assignments and sees no results
    before submitting."""
    lead_context = browser.new_context(viewport={"width": 1500, "height": 1000})
    reviewer_context = browser.new_context(viewport={"width": 1500, "height": 1000})
    try:
        lead = lead_context.new_page()
        sign_in(lead, server.url, *accounts["qa_lead"])
        open_page(lead, "Review queue")
        lead.get_by_role("tab", name="Build queue").click()
        assert lead.get_by_label("Other reviewer ids (comma-separated)").count() == 0
        _choose_many(lead, "Reviewers", ["Kofi Okafor", "Omar Usman"])
        due = date.today() + timedelta(days=2)
        # The date field is year, month and day segments; typing fills them in turn.
        lead.get_by_role("spinbutton", name="year, Due date (optional)").click()
        lead.keyboard.type(f"{due:%Y%m%d}")
        lead.keyboard.press("Escape")  # close the calendar, which can cover the buttons below
        lead.get_by_role("button", name="Build queue").click()
        expect(lead.get_by_text(re.compile(r"Assigned \d+ of \d+"))).to_be_visible(timeout=60_000)
        built = lead.get_by_text(re.compile(r"Assigned \d+ of")).inner_text()
        assert "Kofi Okafor (reviewer):" in built
        assert f"Due {due:%d %b %Y}" in built
        assert_no_errors(lead)

        open_page(lead, "Calibration")
        lead.get_by_role("tab", name="New session").click()
        slider = lead.get_by_role("slider").first
        slider.focus()
        lead.keyboard.press("Home")  # one conversation
        wait_for_app(lead)
        lead.get_by_label("Title").fill("Browser round")
        _choose_many(lead, "Reviewers", ["Kofi Okafor", "Omar Usman"])
        lead.get_by_role("button", name="Create session").click()
        created = lead.get_by_text(re.compile(r"Session #\d+ created"))
        expect(created).to_be_visible(timeout=60_000)
        assert "Kofi Okafor, Omar Usman" in created.inner_text()
        assert_no_errors(lead)

        reviewer = reviewer_context.new_page()
        sign_in(reviewer, server.url, *accounts["reviewer"])  # kofi.okafor
        expect(reviewer.get_by_text("Assigned to you")).to_be_visible(timeout=60_000)
        in_calibration = _metric(reviewer, "In calibration sessions")
        assert int(in_calibration) >= 1
        assert int(_metric(reviewer, "Due in the next 7 days")) >= 1  # the lead's due date
        open_page(reviewer, "Calibration")
        expect(
            reviewer.get_by_text(re.compile(r"you have reviewed 0 of 1 conversations"))
        ).to_be_visible(timeout=60_000)
        assert_no_errors(reviewer)
    finally:
        lead_context.close()
        reviewer_context.close()
