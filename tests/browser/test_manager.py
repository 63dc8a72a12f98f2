"""Real browser, manager: signs in on the demo database, lands on Team trends and sees every
plotly chart rendered; a filter redraws them. Uses the shared fixtures in tests/browser/conftest.py."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

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


def _choose(page, label: str, option_text: str) -> None:
    page.locator("[data-testid='stSelectbox']", has_text=label).first.click()
    page.get_by_role("option").filter(has_text=option_text).first.click()
    wait_for_app(page)


def _options(page, label: str) -> list[str]:
    page.locator("[data-testid='stSelectbox']", has_text=label).first.click()
    texts = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    return texts


def test_manager_coaches_every_agent_of_the_team_then_reads_before_and_after(
    browser_page, server, accounts
):
    """Journey through the UI only: one coaching session per agent of the manager's team, held
    mid-way through the data, then each session's before/after with its conversation counts."""
    page = browser_page
    sign_in(page, server.url, *accounts["manager"])
    expect(page.get_by_text("Team movers", exact=False).first).to_be_visible(timeout=60_000)
    open_page(page, "Coaching")
    page.get_by_role("tab", name="New session").click()
    agents = _options(page, "Agent to coach")
    assert len(agents) >= 2
    names = [a.rsplit(" (", 1)[0] for a in agents]
    for number, agent in enumerate(agents):
        wait_for_app(page)
        new_tab = page.get_by_role("tab", name="New session")
        new_tab.click()  # a save reruns the page, which opens on the first tab
        expect(new_tab).to_have_attribute("aria-selected", "true")
        _choose(page, "Agent to coach", agent)
        if number == 0:  # the switch stays off for the next agents
            page.get_by_text("Only human-reviewed conversations").click()
            wait_for_app(page)
        form = page.locator("[data-testid='stForm']")
        held = form.get_by_label("Held on")  # the date field and its year, month, day parts
        for part, value in (("year", "2026"), ("month", "09"), ("day", "01")):
            held.and_(form.locator(f"[data-type='{part}']")).click()
            page.keyboard.type(value)
        form.get_by_role("textbox", name="Goals", exact=True).fill(f"Focus for {names[number]}")
        form.get_by_role("button", name="Save coaching session").click()
        expect(page.get_by_text(re.compile(r"Coaching session #\d+ saved for"))).to_be_visible(
            timeout=60_000
        )
        assert_no_errors(page)
    page.get_by_role("tab", name="Sessions").click()
    for agent, name in zip(agents, names, strict=True):  # each is listed at once
        _choose(page, "Agent", agent)
        for _ in range(30):  # until the rerun for this agent has replaced the session list
            listed = _options(page, "Session")  # (a long list renders only the options in view)
            if listed and all(f"· {name} ·" in option for option in listed):
                break
            page.wait_for_timeout(1000)
        assert any(f"· {name} · 01 Sep 2026" in option for option in listed), (name, listed)
    first = next(o for o in listed if "01 Sep 2026" in o)
    _choose(page, "Session", first.split(" · ")[0] + " ")
    table = page.locator("[data-testid='stTable']").first
    expect(table).to_contain_text("Conversations before", timeout=60_000)
    headers = table.locator("thead th").all_inner_texts()
    rows = [row.locator("th, td").all_inner_texts() for row in table.locator("tbody tr").all()]
    before, after = headers.index("Conversations before"), headers.index("Conversations after")
    counts = [int(row[before]) + int(row[after]) for row in rows]
    assert rows and all(n > 0 for n in counts), (headers, rows)  # real conversations counted
    assert all(row[headers.index("Verdict")] for row in rows)
    _wait_for_charts(page, 2)
    assert "Focus criteria before and after coaching" in _chart_titles(page)
    assert_no_errors(page)
