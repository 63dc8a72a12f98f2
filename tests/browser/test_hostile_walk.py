"""Imported text cannot make a page fetch from or link to another host (issue 18, finding 4).

A small warehouse whose every text field carries markdown images and links, HTML `<a>` and
`<img onerror=fetch(...)>` tags pointing at a bait host (tests/hostile_data.py: the export goes
through the importer `qa ingest` runs; reviews, disputes, coaching notes and calibration titles
are written by the warehouse functions the pages call). Each role signs in in Chromium and opens
every page its navigation offers, plus a review page with a hostile review and dispute; every
request the browser makes is recorded (`page.on("request")`). None may go to the bait host and
no element may link to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import (
    Server,
    assert_no_errors,
    open_page,
    sign_in,
    start_server,
    stop_server,
    wait_for_app,
)
from tests.browser.test_review_switching import open_in_sidebar
from tests.hostile_data import BAIT_HOST, HostileWarehouse, hostile_warehouse

# Elements that point somewhere: links (HTML and Plotly's SVG), images, frames, sources.
LINKS_TO_BAIT = """bait => [...document.querySelectorAll('a, img, iframe, source, image, use')]
    .map(e => [e.tagName, e.getAttribute('href') || e.getAttribute('xlink:href')
                          || e.getAttribute('src') || e.getAttribute('srcset') || ''])
    .filter(([, target]) => target.includes(bait))"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> HostileWarehouse:
    return hostile_warehouse(tmp_path_factory.mktemp("hostile-walk"))


@pytest.fixture(scope="module")
def hostile_server(hostile: HostileWarehouse) -> Iterator[Server]:
    running = start_server(hostile.db_path)
    try:
        yield running
    finally:
        stop_server(running)


def goes_to_bait(url: str) -> bool:
    return (urlsplit(url).hostname or "").endswith(BAIT_HOST)


def nav_titles(page: Page) -> list[str]:
    nav = page.locator('[data-testid="stSidebarNav"]')
    more = nav.get_by_text(re.compile(r"^View \d+ more$"))
    if more.count():
        more.first.click()
    # a link's text is its icon's name, then its title: keep the title
    return [t.strip().splitlines()[-1] for t in nav.locator("a").all_inner_texts() if t.strip()]


def check(page: Page, where: str, requests: list[str], problems: list[str]) -> None:
    """Problems of the page on screen (its script has finished running)."""
    charts = page.locator(".js-plotly-plot")
    if charts.count():  # charts draw after the run: their legends are where links would appear
        page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
    bad_requests = [url for url in requests if goes_to_bait(url)]
    if bad_requests:
        problems.append(f"{where}: requested {bad_requests[:3]}")
    requests.clear()
    links = page.evaluate(LINKS_TO_BAIT, BAIT_HOST)
    if links:
        problems.append(f"{where}: elements pointing at the bait host {links[:3]}")
    assert_no_errors(page)


def test_no_page_requests_or_links_to_a_host_named_in_imported_text(
    browser: Browser, hostile: HostileWarehouse, hostile_server: Server
):
    with_dispute = _conversation_with_dispute(hostile)
    problems: list[str] = []
    walked = 0
    for role, (login, password) in sorted(hostile.accounts.items()):
        context = browser.new_context(viewport={"width": 1500, "height": 1000})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
        page.errors = errors  # type: ignore[attr-defined]
        requests: list[str] = []
        page.on("request", lambda request, requests=requests: requests.append(request.url))
        try:
            sign_in(page, hostile_server.url, login, password)
            check(page, f"{role}/home", requests, problems)
            titles = nav_titles(page)
            assert len(titles) >= 3, (role, titles)
            for title in titles:
                if title == "Home":  # every role lands there: checked above
                    continue
                open_page(page, title)
                check(page, f"{role}/{title}", requests, problems)
                walked += 1
            if "Review conversation" in titles:
                open_in_sidebar(page, with_dispute, wait=False)
                page.get_by_text(with_dispute).first.wait_for(timeout=60_000)
                wait_for_app(page)
                check(page, f"{role}/review {with_dispute}", requests, problems)
                walked += 1
        finally:
            context.close()
    assert walked >= 30
    assert not problems, "\n".join(problems[:30])


def _conversation_with_dispute(hostile: HostileWarehouse) -> str:
    from warehouse.storage.connection import connect

    with connect(hostile.db_path) as con:
        return con.execute(
            "SELECT conversation_id FROM disputes ORDER BY dispute_id LIMIT 1"
        ).fetchone()[0]
