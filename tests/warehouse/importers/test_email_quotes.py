"""Quoted replies in e-mail bodies: split from the new text, kept for reviewers, never scored."""

from __future__ import annotations

import json

import pytest

from cornerstone.cli import main
from tests.warehouse.importers.conftest import parse_text
from warehouse.reading.importers import freshdesk, intercom, zendesk
from warehouse.reading.importers.email_quotes import (
    QUOTE_AUTHOR,
    split_quoted,
    split_quoted_replies,
)

AGENT_WORDS = "Hi Jane, I'm so sorry for the trouble. Please restart the router and let me know."
GMAIL = (
    "Thanks, that worked!\n\n"
    "On Mon, 5 Mar 2024 at 10:00, Support <support@example.com> wrote:\n"
    f"> {AGENT_WORDS}\n> Sam"
)
OUTLOOK = (
    "It is still broken.\n\n-----Original Message-----\nFrom: Support <support@example.com>\n"
    f"Sent: Monday, March 5, 2024 10:00 AM\nTo: Jane\nSubject: RE: router\n\n{AGENT_WORDS}"
)
GERMAN = (
    "Danke, jetzt geht es.\n\nAm 05.03.2024 um 10:00 schrieb Support <support@example.com>:\n"
    "> Hallo Jane, bitte starten Sie den Router neu."
)


@pytest.mark.parametrize(
    ("text", "new"),
    [
        (GMAIL, "Thanks, that worked!"),
        (OUTLOOK, "It is still broken."),
        (GERMAN, "Danke, jetzt geht es."),
    ],
)
def test_reply_headers_and_separators_split_off_the_quote_losing_nothing(text, new):
    kept, quoted = split_quoted(text)
    assert kept == new
    assert quoted and text.replace(kept, "", 1).strip() == quoted


@pytest.mark.parametrize(
    "text",
    [
        "No quote here.\nJust two lines.",
        "Here is what I tried:\n- restart\n- reset\nNothing helped.",
        "> my question was this\nand this is my own answer below it",
        "Order: 1234\nFrom: the shop in town\nIt never arrived.",
        "",
    ],
)
def test_texts_without_a_reply_quote_are_left_whole(text):
    assert split_quoted(text) == (text, "")


def test_only_email_conversations_and_public_messages_are_split():
    message = {"role": "customer", "text": GMAIL, "sent_at": "2024-03-05T11:00:00Z"}
    chat = {"channel": "chat", "messages": [message]}
    assert split_quoted_replies(chat) == chat
    note = {"role": "agent", "text": GMAIL, "internal": True}
    email = split_quoted_replies({"channel": "email", "messages": [message, note]})
    assert [(m["role"], m.get("internal", False)) for m in email["messages"]] == [
        ("customer", False),
        ("system", True),
        ("agent", True),
    ]
    quote = email["messages"][1]
    assert quote["author"] == QUOTE_AUTHOR and quote["sent_at"] == message["sent_at"]
    assert email["messages"][0]["text"] == "Thanks, that worked!"


def _zendesk_email_ticket() -> str:
    return json.dumps(
        {
            "tickets": [
                {
                    "id": 77,
                    "requester_id": 8,
                    "assignee_id": 7,
                    "via": {"channel": "email"},
                    "created_at": "2024-03-05T09:00:00Z",
                    "description": "My router keeps dropping.",
                    "comments": [
                        {"id": 1, "author_id": 8, "public": True, "body": "My router keeps dropping.",
                         "created_at": "2024-03-05T09:00:00Z"},
                        {"id": 2, "author_id": 7, "public": True, "body": AGENT_WORDS,
                         "created_at": "2024-03-05T10:00:00Z"},
                        {"id": 3, "author_id": 8, "public": True, "body": GMAIL,
                         "created_at": "2024-03-05T11:00:00Z"},
                    ],
                }
            ]
        }
    )  # fmt: skip


def test_each_helpdesk_importer_splits_email_replies():
    (ticket,) = parse_text(zendesk.IMPORTER, _zendesk_email_ticket()).conversations
    assert [(m.role, m.internal) for m in ticket.messages] == [
        ("customer", False),
        ("agent", False),
        ("customer", False),
        ("system", True),
    ]
    assert ticket.messages[2].text == "Thanks, that worked!"
    assert AGENT_WORDS in ticket.messages[3].text and ticket.messages[3].author == QUOTE_AUTHOR

    fresh = {
        "id": 5, "source": 1, "status": 2, "requester_id": 8, "responder_id": 7,
        "created_at": "2024-03-05T09:00:00Z", "subject": "Router", "description": "It broke.",
        "conversations": [{"id": 9, "incoming": True, "private": False, "user_id": 8,
                           "body_text": OUTLOOK, "created_at": "2024-03-05T11:00:00Z"}],
    }  # fmt: skip
    (ticket,) = parse_text(freshdesk.IMPORTER, json.dumps(fresh)).conversations
    assert ticket.channel == "email"
    assert [m.text for m in ticket.messages[:2]] == ["It broke.", "It is still broken."]
    assert ticket.messages[2].internal and ticket.messages[2].role == "system"

    conversation = {
        "type": "conversation", "id": "42", "created_at": 1709629200,
        "source": {"type": "email", "body": "<p>Help please</p>",
                   "author": {"type": "user", "id": "u1", "name": "Jane"}},
        "conversation_parts": {"conversation_parts": [
            {"part_type": "comment", "body": GERMAN.replace("\n", "<br>"), "created_at": 1709640000,
             "author": {"type": "user", "id": "u1", "name": "Jane"}}]},
    }  # fmt: skip
    (chat,) = parse_text(intercom.IMPORTER, json.dumps(conversation)).conversations
    assert chat.channel == "email"
    assert chat.messages[1].text == "Danke, jetzt geht es."
    assert chat.messages[2].internal and "Hallo Jane" in chat.messages[2].text


def test_quoted_agent_words_are_not_scored_as_the_customers(tmp_path):
    export = tmp_path / "tickets.json"
    export.write_text(_zendesk_email_ticket(), encoding="utf-8")
    canonical, scores = tmp_path / "c.jsonl", tmp_path / "s.jsonl"
    assert main(["convert", str(export), "-o", str(canonical), "--format", "zendesk"]) == 0
    assert main(["score-file", str(canonical), "-o", str(scores), "--quiet", "--workers", "1"]) == 0
    conversation = json.loads(canonical.read_text(encoding="utf-8"))
    quote_index = next(i for i, m in enumerate(conversation["messages"]) if m.get("internal"))
    result = json.loads(scores.read_text(encoding="utf-8"))
    evidence = [
        e
        for rubric in result["rubrics"].values()
        for c in rubric["criteria"]
        for e in c["evidence"]
    ]
    assert evidence  # the agent's apology in message 1 is found...
    assert all(e["message_index"] != quote_index for e in evidence)  # ...never its quoted copy
    customer_reply = conversation["messages"][quote_index - 1]
    assert customer_reply["role"] == "customer" and "sorry" not in customer_reply["text"]
