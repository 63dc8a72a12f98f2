"""Real browser, manager: signs in on the demo database, lands on Team trends and sees every
plotly chart rendered; a filter redraws them. Uses the shared fixtures in tests/browser/conftest.py."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_no_errors, open_page, sign_in, wait_for_app

pytestmark = pytest.mark.browser
CHARTS = 6  # quality, rubrics, distribution, most failed, service metrics (6 panels), vs CSAT


def _chart_titles(page) -> list[str]:
    return page.eval_on_selector_all(
        ".js-plotly-plot .gtitle", "els => els.map(e => e.textContent)"
    )


def _wait_for_charts(page, count: int = CHARTS) -> None:
    page.wait_for_function(
        f"() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= {count}",
        timeout=60_000,
    )


def _metric(page, label: str) -> str:
    label_box = page.locator("[data-testid='stMetricLabel']").get_by_text(label, exact=True)
    metric = page.locator("[data-testid='stMetric']").filter(has=label_box).first
    return metric.locator("[data-testid='stMetricValue']").inner_text()


def test_manager_sees_team_trends_with_charts_rendered(browser_page, server, accounts):
    page = browser_page
    sign_in(page, server.url, *accounts["manager"])
    open_page(page, "Team trends")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    _wait_for_charts(page)
    assert_no_errors(page)
    titles = _chart_titles(page)
    for title in ("Quality score by team per week", "Cornerstone rubric scores per week",
                  "Distribution of quality scores",
                  "Customer and service metrics next to quality, per week"):  # fmt: skip
        assert f"{title} · auto-score (AQS)" in titles
    # Data was drawn, not just axes: line paths in the quality chart, bars in the distribution.
    assert page.locator(".js-plotly-plot .scatterlayer .trace path.js-line").count() > 0
    assert page.locator(".js-plotly-plot .barlayer .point").count() > 0
    nav = page.locator("[data-testid='stSidebarNav']").inner_text()
    assert "My feedback" not in nav and "Calibration" not in nav
    # The manager's team only.
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
    options = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    assert len(options) == 2  # "All" and the manager's one team
    # Human reviews instead of the auto-score: every chart says so, nothing blended.
    page.get_by_text("Human reviews (IQS)", exact=True).click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot .gtitle')]"
        ".some(t => t.textContent === 'Quality score by team per week · human reviews (IQS)')"
        " && ![...document.querySelectorAll('.js-plotly-plot .gtitle')]"
        ".some(t => t.textContent.endsWith('auto-score (AQS)'))",
        timeout=60_000,
    )
    assert_no_errors(page)


def test_manager_filter_redraws_the_charts(browser_page, server, accounts):
    page = browser_page
    sign_in(page, server.url, *accounts["manager"])
    open_page(page, "Team trends")
    _wait_for_charts(page)
    everyone = int(_metric(page, "Conversations").replace(",", ""))
    agent_box = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").nth(1)
    agent_box.click()
    page.get_by_role("option").nth(1).click()  # the first agent after "All"
    wait_for_app(page)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot .gtitle')]"
        ".some(t => t.textContent.startsWith('Quality score by agent per week'))",
        timeout=60_000,
    )
    _wait_for_charts(page)
    one_agent = int(_metric(page, "Conversations").replace(",", ""))
    assert 0 < one_agent < everyone
    assert_no_errors(page)
