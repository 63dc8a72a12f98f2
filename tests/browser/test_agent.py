"""Real browser, agent: signs in on the demo database, lands on My feedback and sees only their
own conversations, scores and comments — also when the URL names another agent's conversation."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import assert_no_errors, sign_in, wait_for_app
from warehouse.connection import connect

pytestmark = pytest.mark.browser
CONVERSATION_ID = re.compile(r"demo-\d{7}")


def _agent_and_others(db_path, login: str) -> tuple[str, set[str], set[str], str]:
    """(agent id, own conversation ids, others' reviewed conversation ids, one of those)."""
    with connect(db_path) as con:
        agent_id = con.execute("SELECT agent_id FROM users WHERE user_id = ?", [login]).fetchall()[
            0
        ][0]
        own = {r[0] for r in con.execute(
            "SELECT conversation_id FROM conversations WHERE agent_id = ?", [agent_id]
        ).fetchall()}  # fmt: skip
        others = [r[0] for r in con.execute(
            "SELECT conversation_id FROM latest_reviews JOIN conversations USING (conversation_id)"
            " WHERE agent_id <> ? ORDER BY conversation_id", [agent_id]
        ).fetchall()]  # fmt: skip
    return agent_id, own, set(others), others[0]


def _ids_on_page(page) -> set[str]:
    return set(CONVERSATION_ID.findall(page.content()))


def _wait_for_feedback(page) -> None:
    page.locator("h1", has_text="My feedback").first.wait_for(timeout=60_000)
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)


def test_agent_sees_only_own_feedback(browser_page, server, accounts):
    page = browser_page
    login, password = accounts["agent"]
    agent_id, own, _, _ = _agent_and_others(server.db_path, login)
    sign_in(page, server.url, login, password)
    _wait_for_feedback(page)
    assert_no_errors(page)
    nav = page.locator("[data-testid='stSidebarNav']").inner_text()
    for hidden in ("Team trends", "Coaching", "Calibration", "Review queue"):
        assert hidden not in nav
    shown = _ids_on_page(page)
    assert shown and shown <= own
    # Every conversation the picker offers is the agent's own.
    picker = page.locator("[data-testid='stSelectbox']", has_text="Open a reviewed conversation")
    picker.click()
    offered = set(CONVERSATION_ID.findall(" ".join(page.get_by_role("option").all_inner_texts())))
    page.keyboard.press("Escape")
    assert offered and offered <= own


def test_url_naming_another_agents_conversation_shows_nothing_of_it(browser_page, server, accounts):
    page = browser_page
    login, password = accounts["agent"]
    _, own, others, target = _agent_and_others(server.db_path, login)
    with connect(server.db_path) as con:
        target_texts = [r[0] for r in con.execute(
            "SELECT text FROM messages WHERE conversation_id = ? AND role = 'customer'", [target]
        ).fetchall()]  # fmt: skip
    # A reload is a new session, so the parameter comes with the sign-in URL and stays on.
    sign_in(page, f"{server.url}/?conversation={target}", login, password)
    _wait_for_feedback(page)
    # The page replaced the foreign id in the URL with one of the agent's own conversations.
    page.wait_for_function(f"() => !window.location.search.includes('{target}')", timeout=30_000)
    assert CONVERSATION_ID.search(page.url).group(0) in own
    assert_no_errors(page)
    shown = _ids_on_page(page)
    assert target not in shown and not (shown & others)
    assert shown <= own
    html = page.content()
    assert not any(text and text in html for text in target_texts if len(text) > 40)
