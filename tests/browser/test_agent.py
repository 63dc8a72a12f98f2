"""Real browser, agent: signs in on the demo database, lands on My feedback and sees only their
own conversations, scores and comments — also when the URL names another agent's conversation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_errors, open_page, sign_in, wait_for_app
from warehouse.storage.connection import connect

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
    page.locator("h1", has_text="Home").first.wait_for(timeout=60_000)  # agents land on Home
    open_page(page, "My feedback")
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
    sign_in(page, f"{server.url}/my_feedback?conversation={target}", login, password)
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


def _pick(page, label: str, text: str) -> None:
    """Choose the option containing `text` in the selectbox labelled `label`."""
    page.locator("[data-testid='stSelectbox']", has_text=label).first.click()
    page.get_by_role("option").filter(has_text=text).first.click()
    wait_for_app(page)


def test_agent_acknowledges_disputes_and_sees_the_leads_decision(browser, server, accounts):
    """Journey through the UI only: the agent acknowledges a review and disputes a criterion; a
    QA lead resolves it on the review page; the agent's home page shows the outcome."""
    login, password = accounts["agent"]
    with connect(server.db_path) as con:  # read only: which review is new to this agent
        (conversation_id,) = con.execute(
            "SELECT lr.conversation_id FROM latest_reviews AS lr JOIN conversations AS c"
            " USING (conversation_id) JOIN users AS u ON u.agent_id = c.agent_id"
            " WHERE u.user_id = ? AND NOT EXISTS (SELECT 1 FROM feedback_acknowledgements AS a"
            " WHERE a.review_id = lr.review_id) AND NOT EXISTS (SELECT 1 FROM disputes AS d"
            " WHERE d.review_id = lr.review_id) ORDER BY lr.created_at DESC LIMIT 1",
            [login],
        ).fetchone()
    agent_context = browser.new_context(viewport={"width": 1500, "height": 1000})
    lead_context = browser.new_context(viewport={"width": 1500, "height": 1000})
    try:
        agent = agent_context.new_page()
        sign_in(agent, server.url, login, password)
        expect(agent.get_by_text("New feedback to read")).to_be_visible(timeout=60_000)
        assert "Quarantined" not in agent.content() and "Imports" not in agent.content()
        open_page(agent, "My feedback")
        _wait_for_feedback(agent)
        _pick(agent, "Open a reviewed conversation", conversation_id)
        agent.get_by_role("button", name="Acknowledge feedback").click()
        expect(agent.get_by_text("You have acknowledged this feedback.")).to_be_visible(
            timeout=60_000
        )
        agent.get_by_label("Why do you disagree?").fill("I did apologise in my second message.")
        agent.get_by_role("button", name="Open dispute").click()
        opened = agent.get_by_text(re.compile(r"Dispute #\d+ opened"))
        expect(opened).to_be_visible(timeout=60_000)
        dispute_id = re.search(r"#(\d+)", opened.inner_text()).group(1)
        assert_no_errors(agent)

        lead = lead_context.new_page()
        sign_in(lead, server.url, *accounts["qa_lead"])
        expect(lead.get_by_text("Disputes waiting for a decision")).to_be_visible(timeout=60_000)
        open_page(lead, "Review queue")
        lead.get_by_role("tab", name="Disputes").click()
        _pick(lead, "Dispute", f"#{dispute_id} ")
        lead.get_by_role("button", name="Open to resolve").click()
        box = lead.locator(f".st-key-dispute_box_{dispute_id}")
        expect(box).to_be_visible(timeout=60_000)
        box.get_by_label("Explanation for the agent").fill("The apology came after the refund.")
        box.get_by_role("button", name="Resolve dispute").click()
        expect(lead.get_by_text(f"Dispute #{dispute_id} resolved")).to_be_visible(timeout=60_000)
        assert_no_errors(lead)

        agent.locator("[data-testid='stSidebarNav'] a").filter(has_text="Home").first.click()
        wait_for_app(agent)
        outcome = agent.get_by_text(re.compile(rf"Dispute #{dispute_id} on .*Review kept"))
        expect(outcome).to_be_visible(timeout=60_000)
        assert "The apology came after the refund." in outcome.inner_text()
        assert_no_errors(agent)
    finally:
        agent_context.close()
        lead_context.close()
