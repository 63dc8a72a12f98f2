"""Real browser, manager: signs in, lands on Team trends, and sees every plotly chart rendered."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from tests.e2_fixtures import (
    CHROMIUM_ARGS,
    browser_sign_in,
    build_browser_warehouse,
    free_port,
    open_nav_page,
    start_dashboard,
    wait_for_app,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    db_path = tmp_path_factory.mktemp("manager") / "browser.duckdb"
    build_browser_warehouse(db_path)
    port = free_port()
    server = start_dashboard(db_path, port)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture
def page(dashboard):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        yield page
        browser.close()


def test_manager_sees_team_trends_with_charts_rendered(dashboard, page):
    browser_sign_in(page, dashboard, "mona")
    open_nav_page(page, "Team trends")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 11",
        timeout=60_000,
    )
    assert page.locator("h1", has_text="Team trends").count() == 1
    assert page.locator("[data-testid='stException']").count() == 0
    titles = page.eval_on_selector_all(
        ".js-plotly-plot .gtitle", "els => els.map(e => e.textContent)"
    )
    assert "Quality score by team per week" in titles
    assert "CSAT and quality score per week" in titles
    # Lines were drawn: the quality chart has a trace path with data.
    assert page.locator(".js-plotly-plot .scatterlayer .trace path.js-line").count() > 0
    # A manager's pages: no My feedback, no Calibration in the navigation.
    nav = page.locator("[data-testid='stSidebarNav']").inner_text()
    assert "My feedback" not in nav and "Calibration" not in nav


def test_manager_filter_redraws_the_charts(dashboard, page):
    browser_sign_in(page, dashboard, "mona")
    open_nav_page(page, "Team trends")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']", has_text="Agent").click()
    page.get_by_role("option", name="Ann (Alpha)").click()
    wait_for_app(page)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot .gtitle')]"
        ".some(t => t.textContent === 'Quality score by agent per week')",
        timeout=60_000,
    )
    metric = page.locator("[data-testid='stMetric']", has_text="Conversations")
    assert metric.locator("[data-testid='stMetricValue']").inner_text() == "3"
