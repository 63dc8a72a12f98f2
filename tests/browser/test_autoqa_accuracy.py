"""Real browser, QA lead: opens AutoQA accuracy on the demo database, reads how the auto-score
agrees with reviewers per criterion, picks a criterion, and follows an override to its
conversation on the Review page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_errors, open_page, sign_in, wait_for_app

pytestmark = pytest.mark.browser


def _metric(page, label: str) -> str:
    label_box = page.locator("[data-testid='stMetricLabel']").get_by_text(label, exact=True)
    metric = page.locator("[data-testid='stMetric']").filter(has=label_box).first
    return metric.locator("[data-testid='stMetricValue']").inner_text()


def test_qa_lead_checks_autoqa_accuracy_and_opens_an_override(browser_page, server, accounts):
    page = browser_page
    sign_in(page, server.url, *accounts["qa_lead"])
    open_page(page, "AutoQA accuracy")
    expect(page.get_by_text("Overrides behind a criterion")).to_be_visible(timeout=60_000)
    assert_no_errors(page)
    assert int(_metric(page, "Reviews compared").replace(",", "")) > 0
    assert int(_metric(page, "Criteria compared")) > 0
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "None" not in body and "nan" not in body

    # Pick a criterion that reviewers overrode, then open one of its conversations.
    criterion = page.locator("[data-testid='stSelectbox']", has_text="Criterion").first
    for option_index in range(12):
        criterion.click()
        options = page.get_by_role("option")
        if option_index >= options.count():
            break
        options.nth(option_index).click()
        wait_for_app(page)
        if page.get_by_text("Open an overridden conversation").count():
            break
    link = page.get_by_role("link", name=re.compile("Open it on the Review page"))
    expect(link).to_be_visible(timeout=30_000)
    link.click()
    page.wait_for_url(re.compile(r"review_conversation\?conversation="), timeout=60_000)
    wait_for_app(page)
    chosen = page.url.rsplit("conversation=", 1)[1]
    assert re.fullmatch(r"[\w:.-]+", chosen)
    expect(page.get_by_text(chosen).first).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Review history").first).to_be_visible()
    assert_no_errors(page)
