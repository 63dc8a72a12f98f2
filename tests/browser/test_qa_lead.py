"""Real browser, QA lead: signs in on the demo database, opens Calibration and sees the agreement
figures (alpha per criterion, leniency) for all double-reviewed conversations and per session."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_no_errors, open_page, sign_in, wait_for_app
from warehouse.connection import connect

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
