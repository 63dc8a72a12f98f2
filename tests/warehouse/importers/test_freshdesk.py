"""Freshdesk: v2 tickets, conversations, search results and the v1 helpdesk_ticket."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.warehouse.importers.conftest import parse_sample, parse_text, roles
from warehouse.reading.importers.freshdesk import IMPORTER


@pytest.mark.needs_shared
def test_v2_ticket_description_is_the_first_customer_message():
    (ticket,) = parse_sample(
        IMPORTER, "freshdesk", "python-freshdesk_v2_ticket_1.json"
    ).conversations
    assert ticket.conversation_id == "freshdesk:1"
    assert [(m.role, m.author, m.text) for m in ticket.messages] == [
        ("customer", "Dummyname", "This is a sample ticket, feel free to delete it.")
    ]
    assert ticket.channel == "web"  # source 2 = portal
    assert ticket.status == "open" and ticket.subject == "This is a sample ticket"
    assert ticket.tags == ["foo", "bar"]
    assert ticket.agent_id == "6010396333" and ticket.customer_id == "6012691534"
    assert ticket.created_at == datetime(2016, 5, 18, 4, 36, 4)


@pytest.mark.needs_shared
def test_conversations_list_marks_private_notes_internal():
    parsed = parse_sample(IMPORTER, "freshdesk", "python-freshdesk_v2_conversations.json")
    (conversation,) = parsed.conversations
    assert [(m.role, m.internal, m.text) for m in conversation.messages] == [
        ("agent", True, "This is a private note"),
        ("agent", False, "This is a reply"),
    ]
    (note,) = parse_sample(IMPORTER, "freshdesk", "python-freshdesk_v2_note_1.json").conversations
    assert [(m.role, m.internal) for m in note.messages] == [("agent", True)]
    (reply,) = parse_sample(IMPORTER, "freshdesk", "python-freshdesk_v2_reply_1.json").conversations
    assert [(m.role, m.internal) for m in reply.messages] == [("agent", False)]


@pytest.mark.needs_shared
def test_v1_ticket_with_notes():
    (ticket,) = parse_sample(
        IMPORTER, "freshdesk", "python-freshdesk_v1_ticket_1.json"
    ).conversations
    assert ticket.conversation_id == "freshdesk:1"  # display_id, the number v2 calls id
    assert [(m.role, m.author, m.text) for m in ticket.messages] == [
        ("customer", "Rachel", "This is a sample ticket, feel free to delete it."),
        ("agent", "William", "This is a reply."),
    ]
    assert ticket.messages[1].sent_at == datetime(2015, 1, 1, 0, 58, 36)  # +10:00 -> UTC
    assert ticket.agent_name == "William" and ticket.customer_name == "Rachel"


@pytest.mark.needs_shared
def test_lists_and_search_results():
    listed = parse_sample(IMPORTER, "freshdesk", "python-freshdesk_v2_all_tickets.json")
    assert [roles(c) for c in listed.conversations] == [["customer"]]
    found = parse_sample(IMPORTER, "freshdesk", "python-freshdesk_v2_search_tickets.json")
    # the vendor sample repeats id 1: both records are passed on, the engine rules on duplicates
    assert [c.conversation_id for c in found.conversations] == ["freshdesk:1", "freshdesk:1"]
    assert found.message_count == 2
    outbound = parse_sample(IMPORTER, "freshdesk", "python-freshdesk_v2_outbound_email_1.json")
    assert len(outbound.conversations) == 1


def test_ticket_with_embedded_conversations_rating_and_outbound_source():
    ticket = {
        "id": 42,
        "subject": "Where is my order",
        "description": "<div>Placed by our agent</div>",
        "description_text": "Placed by our agent",
        "source": 10,
        "status": 5,
        "requester_id": 1,
        "responder_id": 2,
        "created_at": "2024-02-01T09:00:00Z",
        "satisfaction_ratings": [{"ratings": {"default_question": -103}}],
        "conversations": [
            {
                "id": 1,
                "ticket_id": 42,
                "incoming": True,
                "private": False,
                "user_id": 1,
                "body": "<p>Thanks, but it&#39;s late</p>",
                "created_at": "2024-02-01T10:00:00Z",
            },
            {
                "id": 2,
                "ticket_id": 42,
                "incoming": False,
                "private": False,
                "user_id": 2,
                "body": "",
                "attachments": [{"name": "label.pdf"}],
                "created_at": "2024-02-01T10:30:00Z",
            },
        ],
    }
    (conversation,) = parse_text(IMPORTER, json.dumps(ticket)).conversations
    assert [(m.role, m.text) for m in conversation.messages] == [
        ("agent", "Placed by our agent"),  # outbound email: the agent wrote the description
        ("customer", "Thanks, but it's late"),
        ("agent", "[attachments: label.pdf]"),
    ]
    assert conversation.channel == "email" and conversation.status == "closed"
    assert conversation.csat == 1


def test_malformed_entries_are_refused_with_reasons():
    cases = [
        ([{"id": 1, "ticket_id": 3, "incoming": "perhaps", "body": "x"}], "`incoming` must be"),
        ([{"id": 1, "ticket_id": 3, "incoming": True, "body": ""}], "without a body"),
        ([{"foo": 1}], "neither a ticket"),
        ([{"id": 9, "subject": "s", "description": ""}], "no description or replies"),
        ([7], "not a Freshdesk object"),
    ]
    for document, reason in cases:
        parsed = parse_text(IMPORTER, json.dumps(document))
        assert parsed.conversations == []
        assert any(reason in e.error for e in parsed.errors), (reason, parsed.errors)
    cut = parse_text(IMPORTER, '[{"id": 1, "subject": "a", "description": "b"}, {"id": 2, "sub')
    assert len(cut.conversations) == 1
    assert "truncated" in cut.errors[0].error


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1).filter(str.strip))
def test_any_body_text_survives(text):
    entry = {
        "id": 1,
        "ticket_id": 3,
        "incoming": True,
        "private": False,
        "body": "<div>x</div>",
        "body_text": text,
    }
    (conversation,) = parse_text(IMPORTER, json.dumps([entry])).conversations
    assert conversation.messages[0].text == text.strip()


def test_json_lines_of_tickets():
    lines = [
        {
            "id": n,
            "subject": "s",
            "description_text": f"ticket {n}",
            "requester_id": 1,
            "responder_id": 2,
            "fr_escalated": False,
            "source": 7,
        }
        for n in (1, 2)
    ]
    text = "\n".join(json.dumps(line) for line in lines)
    assert IMPORTER.sniff(None, text) > 0.5
    parsed = parse_text(IMPORTER, text, "tickets.jsonl")
    assert [(c.conversation_id, c.channel) for c in parsed.conversations] == [
        ("freshdesk:1", "chat"),
        ("freshdesk:2", "chat"),
    ]


def test_the_same_entry_twice_in_one_file_is_one_message():
    entry = {
        "id": 5,
        "ticket_id": 1,
        "incoming": True,
        "private": False,
        "body_text": "hi",
        "created_at": "2024-01-01T00:00:00Z",
    }
    ticket = {"id": 1, "subject": "s", "description_text": "d", "conversations": [entry]}
    (conversation,) = parse_text(IMPORTER, json.dumps([ticket, entry])).conversations
    assert [m.text for m in conversation.messages] == ["d", "hi"]


def test_airbyte_freshdesk_records_with_names_and_ratings():
    def line(stream, data):
        return json.dumps({"stream": stream, "data": data, "emitted_at": 1672876286668})

    lines = [
        line("agents", {"id": 2, "ticket_scope": 1, "contact": {"name": "Team Airbyte"}}),
        line("companies", {"id": 9, "name": "Abbott Group"}),
        line("companies", {"id": 10, "name": "Abbott Inc"}),
        line("contacts", {"id": 1, "name": "Emily Garcia", "csat_rating": None}),
        line(
            "conversations",
            {
                "id": 7,
                "ticket_id": 3,
                "incoming": False,
                "private": False,
                "user_id": 2,
                "body_text": "On it",
                "fr_escalated": False,
                "created_at": "2022-05-25T21:30:00Z",
            },
        ),
        line(
            "satisfaction_ratings", {"id": 4, "ticket_id": 3, "ratings": {"default_question": 103}}
        ),
        line(
            "tickets",
            {
                "id": 3,
                "subject": "Refund",
                "description_text": "Where is it?",
                "requester_id": 1,
                "responder_id": 2,
                "source": 1,
                "status": 4,
                "fr_escalated": False,
                "created_at": "2022-05-25T21:25:26Z",
            },
        ),
    ]
    text = "\n".join(lines)
    assert IMPORTER.sniff(None, text) > 0.5
    from warehouse.reading.importers.zendesk import IMPORTER as ZENDESK

    assert ZENDESK.sniff(None, text) == 0
    parsed = parse_text(IMPORTER, text, "freshdesk.jsonl")
    (ticket,) = parsed.conversations
    assert [(m.role, m.author, m.text) for m in ticket.messages] == [
        ("customer", "Emily Garcia", "Where is it?"),
        ("agent", "Team Airbyte", "On it"),
    ]
    assert ticket.csat == 5 and ticket.channel == "email" and ticket.status == "resolved"
    (skipped,) = parsed.errors
    assert skipped.position == "line 2 .. line 3 (stream companies)"
    assert "2 record(s)" in skipped.error
