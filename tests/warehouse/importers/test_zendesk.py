"""Zendesk: audits, comments, tickets, ticket events and cassettes -> one conversation per ticket."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import shared_data
from tests.warehouse.importers.conftest import parse_sample, parse_text, roles
from warehouse.reading.importers.zendesk import IMPORTER


@pytest.mark.needs_shared
def test_recorded_ticket_audits_give_one_conversation_per_ticket():
    parsed = parse_sample(IMPORTER, "zendesk", "zenpy_ticket_audits_response.json")
    assert parsed.errors == []
    assert len(parsed.conversations) == 86
    assert parsed.message_count == 88  # 88 Comment events
    sample = parsed.by_id("zendesk:1")  # Zendesk's stock "Meet the ticket" conversation
    assert roles(sample) == ["customer", "agent", "agent"]
    assert [m.internal for m in sample.messages] == [False, False, True]
    assert sample.customer_id == "6130869168922" and sample.agent_id == "6130907993114"
    assert sample.subject == "Sample ticket: Meet the ticket"
    assert sample.tags == ["sample", "support", "zendesk"]
    assert sample.messages[0].text.startswith("Hi there,")
    assert sample.created_at == datetime(2023, 9, 9, 23, 52, 5)
    channels = {c.channel for c in parsed.conversations}
    assert channels == {"api", "other", "web"}  # via sample_ticket -> other


@pytest.mark.needs_shared
def test_cassette_responses_are_read_and_repeated_audits_counted_once():
    parsed = parse_sample(IMPORTER, "zendesk", "zenpy_betamax_TestTicketAudits.test_values.json")
    assert parsed.errors == []
    assert len(parsed.conversations) == 86
    assert parsed.message_count == 88


@pytest.mark.needs_shared
def test_private_audit_comment_is_an_internal_agent_note():
    parsed = parse_sample(IMPORTER, "zendesk", "go-zendesk_GET_ticket_audit.json")
    (conversation,) = parsed.conversations
    assert conversation.conversation_id == "zendesk:666"
    assert [(m.role, m.internal, m.text) for m in conversation.messages] == [
        ("agent", True, "This is a new private comment")
    ]
    assert conversation.channel == "web"
    assert conversation.status == "open"  # from the trigger's Change event
    audits = parse_sample(IMPORTER, "zendesk", "go-zendesk_GET_ticket_audits.json")
    assert [c.conversation_id for c in audits.conversations] == ["zendesk:666"]


@pytest.mark.needs_shared
def test_incremental_ticket_export_makes_the_description_the_first_message():
    parsed = parse_sample(IMPORTER, "zendesk", "zenpy_incremental_tickets_response.json")
    assert parsed.errors == []
    assert len(parsed.conversations) == 87
    assert parsed.message_count == 87
    ticket = parsed.by_id("zendesk:28")
    assert [(m.role, m.text) for m in ticket.messages] == [("customer", "test")]
    assert ticket.status == "new"
    cassette = parse_sample(
        IMPORTER, "zendesk", "zenpy_betamax_TicketsIncrementalTest.test_get_values.json"
    )
    assert len(cassette.conversations) == 87  # 4 pages of overlapping tickets, each ticket once


@pytest.mark.needs_shared
def test_single_ticket_and_ticket_list():
    (ticket,) = parse_sample(IMPORTER, "zendesk", "go-zendesk_GET_ticket.json").conversations
    assert ticket.conversation_id == "zendesk:2"
    assert ticket.channel == "email"
    assert ticket.customer_name == "Yosuke Tamura"  # via.source.from of the email
    assert roles(ticket) == ["customer"]
    assert ticket.messages[0].text.endswith("nukosuke (●ↀ ω ↀ●)")
    tickets = parse_sample(IMPORTER, "zendesk", "go-zendesk_GET_tickets.json")
    assert [c.conversation_id for c in tickets.conversations] == ["zendesk:2", "zendesk:3"]
    assert tickets.by_id("zendesk:3").subject == "にゃー"


@pytest.mark.needs_shared
def test_comments_without_ticket_id_take_it_from_the_file_name_or_first_comment():
    parsed = parse_sample(IMPORTER, "zendesk", "go-zendesk_GET_ticket_comments.json")
    (conversation,) = parsed.conversations
    assert conversation.conversation_id == "zendesk:comments-2"
    assert len(conversation.messages) == 2
    # no users sideload, no requester: the first comment's author is the requester
    assert roles(conversation) == ["customer", "customer"]
    text = json.dumps({"comments": [_comment(1, 7, "hello"), _comment(2, 8, "hi!")]})
    named = parse_text(IMPORTER, text, "ticket_4711_comments.json")
    assert [c.conversation_id for c in named.conversations] == ["zendesk:4711"]
    assert roles(named.conversations[0]) == ["customer", "agent"]


def test_users_sideload_decides_roles():
    text = json.dumps(
        {
            "comments": [_comment(1, 7, "I am an agent opening this"), _comment(2, 8, "thanks")],
            "users": [
                {"id": 7, "role": "admin", "name": "Ann Agent"},
                {"id": 8, "role": "end-user", "name": "Carl Customer"},
            ],
        }
    )
    (conversation,) = parse_text(IMPORTER, text, "tickets_9_comments.json").conversations
    assert [(m.role, m.author) for m in conversation.messages] == [
        ("agent", "Ann Agent"),
        ("customer", "Carl Customer"),
    ]


def test_requester_from_ticket_decides_roles_in_embedded_comments():
    ticket = {
        "id": 5,
        "requester_id": 8,
        "assignee_id": 7,
        "status": "solved",
        "via": {"channel": "voice"},
        "satisfaction_rating": {"score": "good"},
        "created_at": "2024-03-05T10:00:00+02:00",
        "description": "desc",
        "comments": [
            _comment(1, 8, "my phone broke", "2024-03-05T10:00:00+02:00"),
            _comment(2, 7, "sorry to hear", "2024-03-05T10:05:00+02:00"),
            {**_comment(3, 7, "check warranty", "2024-03-05T10:06:00+02:00"), "public": False},
        ],
    }
    (conversation,) = parse_text(IMPORTER, json.dumps({"tickets": [ticket]})).conversations
    assert roles(conversation) == ["customer", "agent", "agent"]
    assert [m.internal for m in conversation.messages] == [False, False, True]
    assert conversation.channel == "phone" and conversation.csat == 5
    assert conversation.messages[0].sent_at == datetime(2024, 3, 5, 8, 0)  # UTC


def test_ticket_events_with_comment_sideload():
    events = {
        "ticket_events": [
            {
                "id": 1,
                "ticket_id": 40,
                "timestamp": 1700000000,
                "updater_id": 8,
                "via": "Mail",
                "child_events": [
                    {
                        "id": 11,
                        "event_type": "Comment",
                        "body": "help",
                        "public": True,
                        "author_id": 8,
                    },
                    {"id": 12, "event_type": "Create", "requester_id": 8},
                ],
            },
            {
                "id": 2,
                "ticket_id": 40,
                "timestamp": 1700000600,
                "updater_id": 7,
                "child_events": [
                    {
                        "id": 13,
                        "event_type": "Comment",
                        "html_body": "<p>on it</p>",
                        "body": "",
                        "public": True,
                        "author_id": 7,
                    },
                ],
            },
        ]
    }
    (conversation,) = parse_text(IMPORTER, json.dumps(events)).conversations
    assert [(m.role, m.text) for m in conversation.messages] == [
        ("customer", "help"),
        ("agent", "on it"),
    ]
    assert conversation.messages[1].sent_at == datetime(2023, 11, 14, 22, 23, 20)


def test_html_body_becomes_text_with_breaks_and_entities():
    comment = {
        "id": 1,
        "author_id": 8,
        "public": True,
        "created_at": "2024-01-01T00:00:00Z",
        "html_body": "<p>Hello&nbsp;there &amp; welcome</p><p>Line two<br>three</p>",
        "body": "",
    }
    (conversation,) = parse_text(
        IMPORTER, json.dumps({"comments": [comment]}), "1.json"
    ).conversations
    assert conversation.messages[0].text == "Hello there & welcome\n\nLine two\nthree"


@pytest.mark.needs_shared
def test_truncated_audits_keep_complete_tickets_and_report_the_rest():
    text = shared_data("formats", "zendesk", "zenpy_ticket_audits_response.json").read_text()
    cut = text[: len(text) // 2]
    parsed = parse_text(IMPORTER, cut)
    assert 20 < len(parsed.conversations) < 86
    (error,) = [e for e in parsed.errors if "truncated" in e.error]
    assert error.position.startswith("line ")
    assert "complete record(s)" in error.error


def test_malformed_records_are_refused_with_reasons_not_exceptions():
    cases = {
        "audit without ticket": {"audits": [{"id": 1, "events": []}]},
        "events not a list": {"audits": [{"id": 1, "ticket_id": 3, "events": "x"}]},
        "comment body a number": {
            "audits": [{"id": 1, "ticket_id": 3, "events": [{"type": "Comment", "body": 5}]}]
        },
        "ticket without id": {"tickets": [{"description": "x"}]},
        "no description": {"tickets": [{"id": 4, "description": ""}]},
        "nothing": {"count": 0},
        "not an object": [1, 2],
    }
    for label, document in cases.items():
        parsed = parse_text(IMPORTER, json.dumps(document))
        assert parsed.conversations == [], label
        assert parsed.errors and all(e.error for e in parsed.errors), label
    garbage = parse_text(IMPORTER, '{"audits": [{"ticket_id": 1, "events": [')
    assert garbage.errors and "invalid JSON" in garbage.errors[0].error
    assert parse_text(IMPORTER, "").errors[0].error == "the file is empty"


def test_public_comment_without_any_author_information_is_refused():
    audit = {
        "id": 1,
        "ticket_id": 9,
        "events": [{"id": 2, "type": "Comment", "body": "hi", "public": True}],
    }
    parsed = parse_text(IMPORTER, json.dumps({"audits": [audit], "users": [{"id": 1}]}))
    (error,) = parsed.errors
    assert "cannot tell who wrote comment 2" in error.error
    assert error.position == "audits[0] (ticket 9)"


def test_sniffer_ignores_other_json():
    assert IMPORTER.sniff(None, '{"conversation_id": "1", "messages": []}') == 0
    assert IMPORTER.sniff(None, '[{"dialogHeader": {}}]') == 0
    assert IMPORTER.sniff(None, "tweet_id,author_id\n") == 0


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1).filter(str.strip))
def test_any_comment_text_survives(body):
    comment = {**_comment(1, 8, body), "plain_body": "ignored"}
    (conversation,) = parse_text(
        IMPORTER, json.dumps({"comments": [comment]}), "tickets_1.json"
    ).conversations
    assert conversation.messages[0].text == body.strip()


def _comment(comment_id, author_id, body, created_at="2024-01-01T00:00:00Z"):
    return {
        "id": comment_id,
        "type": "Comment",
        "author_id": author_id,
        "body": body,
        "public": True,
        "created_at": created_at,
    }


def test_json_lines_of_tickets_with_comments_account_export():
    tickets = [
        {
            "id": n,
            "requester_id": 8,
            "submitter_id": 8,
            "assignee_id": 7,
            "via": {"channel": "web"},
            "created_at": "2024-01-01T00:00:00Z",
            "description": "first",
            "comments": [
                _comment(n * 10, 8, "first"),
                _comment(n * 10 + 1, 7, "reply", "2024-01-01T01:00:00Z"),
            ],
        }
        for n in (1, 2)
    ]
    text = "\n".join(json.dumps(t) for t in tickets) + "\n{broken\n"
    assert IMPORTER.sniff(None, text[:65536]) > 0.5
    parsed = parse_text(IMPORTER, text, "tickets.json")
    assert [c.conversation_id for c in parsed.conversations] == ["zendesk:1", "zendesk:2"]
    assert all(roles(c) == ["customer", "agent"] for c in parsed.conversations)
    (error,) = parsed.errors
    assert error.position == "line 3" and "invalid JSON" in error.error
    assert parsed.records[-1].position == "line 2 (ticket 2)"


def test_airbyte_zendesk_records_group_comments_under_their_ticket():
    lines = [
        {
            "stream": "tickets",
            "data": {
                "id": 7,
                "requester_id": 8,
                "submitter_id": 8,
                "via": {"channel": "chat"},
                "description": "hi",
                "status": "open",
            },
        },
        {"stream": "ticket_comments", "data": {**_comment(1, 8, "hi"), "ticket_id": 7}},
        {
            "stream": "ticket_comments",
            "data": {**_comment(2, 5, "hello!", "2024-01-01T00:01:00Z"), "ticket_id": 7},
        },
        {"stream": "organizations", "data": {"id": 1}},
    ]
    text = "\n".join(json.dumps(line) for line in lines)
    assert IMPORTER.sniff(None, text) > 0.5
    parsed = parse_text(IMPORTER, text, "airbyte.jsonl")
    (conversation,) = parsed.conversations
    assert conversation.conversation_id == "zendesk:7" and conversation.channel == "chat"
    assert roles(conversation) == ["customer", "agent"]
    (skipped,) = parsed.errors
    assert skipped.position == "line 4 (stream organizations)"
    assert "stream 'organizations': 1 record(s) that hold no conversations" in skipped.error


def test_ticket_number_only_from_ticket_like_file_names():
    from pathlib import Path

    from warehouse.reading.importers.zendesk import _ticket_number

    assert _ticket_number(Path("ticket_4711_comments.json")) == "4711"
    assert _ticket_number(Path("tickets/4711/comments.json")) == "4711"
    assert _ticket_number(Path("4711.json")) == "4711"
    assert _ticket_number(Path("export_2024-03-05.json")) is None


def test_voice_comments_are_messages():
    audit = {
        "id": 1,
        "ticket_id": 12,
        "created_at": "2024-01-01T00:00:00Z",
        "author_id": 7,
        "via": {"channel": "voice"},
        "events": [
            {
                "id": 2,
                "type": "VoiceComment",
                "public": False,
                "author_id": 7,
                "body": "Inbound call from +1 555 0100\nCall summary: password reset",
            },
            {"id": 3, "type": "Create", "field_name": "requester_id", "value": "8"},
        ],
    }
    (conversation,) = parse_text(IMPORTER, json.dumps({"audits": [audit]})).conversations
    assert conversation.channel == "phone"
    assert [(m.role, m.internal) for m in conversation.messages] == [("agent", True)]


def test_comments_are_ordered_by_instant_not_by_text_and_kept_in_file_order_without_times():
    late = _comment(1, 8, "second", "2024-03-05T09:00:00Z")
    early = _comment(2, 7, "first", "2024-03-05T10:00:00+02:00")  # 08:00 UTC
    (ordered,) = parse_text(
        IMPORTER, json.dumps({"comments": [late, early]}), "5.json"
    ).conversations
    assert [m.text for m in ordered.messages] == ["first", "second"]
    untimed = [{**late, "created_at": None}, early]
    (kept,) = parse_text(IMPORTER, json.dumps({"comments": untimed}), "5.json").conversations
    assert [m.text for m in kept.messages] == ["second", "first"]
