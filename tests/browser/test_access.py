"""Access control in a real browser: an agent signed in on `qa serve` over the demo database
cannot reach another agent's data by URL (page paths, ?conversation=...) or by the page's own
selectors, and a wrong password is refused with a plain message.

Uses E1's shared fixtures (tests/browser/conftest.py): the cached `qa demo` database copy, the
demo accounts it printed, `qa serve` on a free port and Debian's headless Chromium.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_no_errors, open_page, sign_in, wait_for_app
from tests.browser.signin import fill_sign_in_form
from warehouse.storage.connection import connect

pytestmark = pytest.mark.browser

CONVERSATION_ID = re.compile(r"\bdemo-\d{7}\b")
AGENT_ID = re.compile(r"\bagent-\d{3}\b")
FORBIDDEN_FOR_AGENTS = {
    "team_trends": "Team trends",
    "review_queue": "Review queue",
    "review_conversation": "Review conversation",
    "calibration": "Calibration",
    "coaching": "Coaching",
    "audit_log": "Audit log",
    "users": "Users",
}


@pytest.fixture(scope="module")
def agent_data(server, accounts) -> dict:
    """The demo agent's own conversation ids and another agent's reviewed conversation."""
    login, _ = accounts["agent"]
    with connect(server.db_path) as con:
        agent_id = con.execute(
            "SELECT agent_id FROM users WHERE user_id = $login", {"login": login}
        ).fetchall()[0][0]
        own = {r[0] for r in con.execute(
            "SELECT conversation_id FROM conversations WHERE agent_id = $a", {"a": agent_id}
        ).fetchall()}  # fmt: skip
        others_reviewed = [r[0] for r in con.execute(
            "SELECT e.conversation_id FROM effective_scores AS e JOIN conversations AS c"
            " USING (conversation_id) WHERE e.score_source = 'review' AND c.agent_id <> $a"
            " ORDER BY 1 LIMIT 1", {"a": agent_id},
        ).fetchall()]  # fmt: skip
        other_names = {r[0] for r in con.execute(
            "SELECT DISTINCT agent_name FROM conversations WHERE agent_id <> $a"
            " AND agent_name IS NOT NULL", {"a": agent_id},
        ).fetchall()}  # fmt: skip
    assert own, "the demo agent account must own conversations"
    return {
        "agent_id": agent_id,
        "own": own,
        "other_reviewed": others_reviewed[0] if others_reviewed else "demo-0000002",
        "other_names": other_names,
    }


@pytest.fixture
def sent(browser_page) -> list[str]:
    """Every websocket frame the server sends to this browser (Streamlit's protobuf messages,
    which carry table data as Arrow with strings in UTF-8), decoded leniently for searching."""
    frames: list[str] = []

    def on_socket(socket) -> None:
        socket.on(
            "framereceived",
            lambda payload: frames.append(
                payload if isinstance(payload, str) else payload.decode("utf-8", "replace")
            ),
        )

    browser_page.on("websocket", on_socket)
    return frames


def _assert_nothing_foreign_was_sent(page: Page, frames: list[str], agent_data: dict) -> None:
    """Not just the visible text: no other agent's conversation id or agent id reached the
    browser at all (tables are drawn on a canvas, so their ids are not in the DOM text)."""
    wait_for_app(page)
    for _ in range(60):  # the page's tables may still be streaming in
        if CONVERSATION_ID.search("\n".join(frames)):
            break
        page.wait_for_timeout(500)
    data = "\n".join(frames)
    assert len(data) > 1000, "no data captured from the websocket"
    conversations = set(CONVERSATION_ID.findall(data))
    assert conversations, "the page sent no conversation ids at all (nothing to check)"
    assert conversations <= agent_data["own"], sorted(conversations - agent_data["own"])[:5]
    agents = set(AGENT_ID.findall(data))
    assert agents <= {agent_data["agent_id"]}, sorted(agents)


def _sign_in_here(page: Page, login: str, password: str) -> None:
    """Sign in on whatever URL the browser is at (keeps the path and query string)."""
    fill_sign_in_form(page, login, password)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=60_000)
    wait_for_app(page)
    # A path this role may not open: Streamlit says "Page not found" and shows the home page.
    notice = page.get_by_text("Page not found")
    if notice.count():
        page.keyboard.press("Escape")
        wait_for_app(page)


def _nav_titles(page: Page) -> set[str]:
    nav = page.locator('[data-testid="stSidebarNav"]')
    # Each link's text is "<icon ligature>\n\n<title>": keep the title.
    return {
        text.strip().splitlines()[-1] for text in nav.locator("a").all_inner_texts() if text.strip()
    }


def _assert_only_own_conversations(page: Page, agent_data: dict) -> None:
    text = page.locator('[data-testid="stMain"]').inner_text()
    shown = set(CONVERSATION_ID.findall(text))
    assert shown <= agent_data["own"], (
        f"other agents' conversations on the page: {shown - agent_data['own']}"
    )
    assert agent_data["other_reviewed"] not in text


def test_wrong_password_is_refused_in_the_browser(browser_page, server, accounts):
    login, _ = accounts["agent"]
    browser_page.goto(server.url)
    wait_for_app(browser_page)
    fill_sign_in_form(browser_page, login, "definitely-not-it")
    expect(browser_page.get_by_text("Wrong login or password.")).to_be_visible(timeout=60_000)
    assert browser_page.get_by_role("button", name="Sign out").count() == 0


def test_agent_navigation_offers_only_agent_pages(browser_page, sent, server, accounts, agent_data):
    sign_in(browser_page, server.url, *accounts["agent"])
    expect(browser_page.locator("h1").filter(has_text="Home").first).to_be_visible(timeout=60_000)
    titles = _nav_titles(browser_page)
    assert "My feedback" in titles
    assert not titles & set(FORBIDDEN_FOR_AGENTS.values()), titles
    assert_no_errors(browser_page)
    _assert_only_own_conversations(browser_page, agent_data)
    _assert_nothing_foreign_was_sent(browser_page, sent, agent_data)


# One page per other role's area (the navigation test above covers the full list).
@pytest.mark.parametrize("path", ["audit_log", "review_conversation", "team_trends", "users"])
def test_agent_cannot_open_other_pages_by_url(browser_page, server, accounts, agent_data, path):
    browser_page.goto(f"{server.url}/{path}?conversation={agent_data['other_reviewed']}")
    wait_for_app(browser_page)
    # A fresh browser session: every path shows the sign-in form and nothing else.
    expect(browser_page.get_by_role("textbox", name="Password", exact=True)).to_be_visible(
        timeout=60_000
    )
    assert browser_page.locator("h1").all_inner_texts() == ["Cornerstone QA"]
    _sign_in_here(browser_page, *accounts["agent"])
    title = FORBIDDEN_FOR_AGENTS[path]
    assert browser_page.locator("h1").filter(has_text=re.compile(rf"^{title}$")).count() == 0
    _assert_only_own_conversations(browser_page, agent_data)


def test_agent_cannot_open_another_agents_conversation_by_url(
    browser_page, server, accounts, agent_data
):
    other = agent_data["other_reviewed"]
    browser_page.goto(f"{server.url}/my_feedback?conversation={other}&agent_id=agent-002")
    wait_for_app(browser_page)
    _sign_in_here(browser_page, *accounts["agent"])
    expect(browser_page.locator("h1").filter(has_text="My feedback").first).to_be_visible(
        timeout=60_000
    )
    assert_no_errors(browser_page)
    _assert_only_own_conversations(browser_page, agent_data)


def test_agent_pages_and_pickers_send_only_their_own_data(
    browser_page, sent, server, accounts, agent_data
):
    """Every page in the agent's navigation, every picker on My feedback: nothing foreign."""
    sign_in(browser_page, server.url, *accounts["agent"])
    open_page(browser_page, "My feedback")
    expect(browser_page.locator("h1").filter(has_text="My feedback").first).to_be_visible(
        timeout=60_000
    )
    # No "Agent" picker for agents (admins have one to preview an agent's page).
    assert browser_page.get_by_label("Agent", exact=True).count() == 0
    pickers = browser_page.locator('[data-testid="stSelectbox"]')
    for i in range(pickers.count()):  # open each picker: options are sent on render anyway
        pickers.nth(i).click()
        options = browser_page.locator('[role="option"]').all_inner_texts()
        browser_page.keyboard.press("Escape")
        listed = set(CONVERSATION_ID.findall(" ".join(options)))
        assert listed <= agent_data["own"], listed - agent_data["own"]
    for title in sorted(_nav_titles(browser_page) - {"My feedback"}):
        open_page(browser_page, title)
        browser_page.wait_for_timeout(1000)
        assert_no_errors(browser_page)
        _assert_only_own_conversations(browser_page, agent_data)
    _assert_nothing_foreign_was_sent(browser_page, sent, agent_data)


def test_the_sent_data_check_does_see_other_agents_data(
    browser_page, sent, server, accounts, agent_data
):
    """Control: the manager of the agent's team legitimately receives the teammates' data, and
    the same check flags it, so the agent tests above cannot pass by capturing nothing."""
    sign_in(browser_page, server.url, *accounts["manager"])
    open_page(browser_page, "Team trends")
    expect(browser_page.locator("h1").filter(has_text="Team trends").first).to_be_visible(
        timeout=60_000
    )
    with pytest.raises(AssertionError):
        _assert_nothing_foreign_was_sent(browser_page, sent, agent_data)


def test_a_deep_link_opens_after_sign_in_when_the_role_may_see_it(browser_page, server, accounts):
    browser_page.goto(f"{server.url}/rubrics")
    wait_for_app(browser_page)
    _sign_in_here(browser_page, *accounts["manager"])
    expect(browser_page).to_have_url(re.compile(r"/rubrics$"))
    assert browser_page.locator("h1").filter(has_text="Team trends").count() == 0
    assert_no_errors(browser_page)
