"""Intercom: conversation objects, lists, the vendor's examples file and Airbyte part records."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import shared_data
from tests.warehouse.importers.conftest import parse_sample, parse_text, roles
from warehouse.reading.importers.intercom import IMPORTER

EXAMPLES = "intercom-openapi_v2.14_conversation_response_examples.json"


def _examples() -> dict:
    return json.loads(shared_data("formats", "intercom", EXAMPLES).read_text())


@pytest.mark.needs_shared
def test_each_vendor_example_conversation_fed_alone():
    expected = {  # example key -> roles (internal notes marked with *)
        "GET /conversations/{conversation_id} :: conversation found": ["agent", "agent"],
        "POST /conversations/{conversation_id}/reply :: User reply": ["agent", "customer"],
        "POST /conversations/{conversation_id}/reply :: Admin Reply with a Note": [
            "agent",
            "agent*",
        ],
        "POST /conversations/{conversation_id}/parts :: Close a conversation": ["agent", "agent"],
        "POST /conversations/{conversation_id}/parts :: Snooze a conversation": ["agent"],
        "POST /conversations/redact :: Redact a conversation part": ["agent", "customer"],
    }
    fed = 0
    for key, response in _examples().items():
        if not (isinstance(response, dict) and response.get("type") == "conversation"):
            continue
        fed += 1
        parsed = parse_text(IMPORTER, json.dumps(response))
        assert parsed.errors == [], key
        (conversation,) = parsed.conversations
        assert conversation.conversation_id == f"intercom:{response['id']}"
        assert conversation.channel == "chat"
        assert conversation.created_at == datetime.fromtimestamp(
            response["created_at"], UTC
        ).replace(tzinfo=None)
        if key in expected:
            shown = [m.role + ("*" if m.internal else "") for m in conversation.messages]
            assert shown == expected[key], key
    assert fed == 12


@pytest.mark.needs_shared
def test_examples_file_as_a_whole():
    parsed = parse_sample(IMPORTER, "intercom", EXAMPLES)
    assert len(parsed.conversations) == 14  # 12 single conversations + 1 list + 1 search result
    assert parsed.message_count == 20
    # tag, deletion, contact and ticket responses are reported, not silently skipped
    assert len(parsed.errors) == 7
    assert all("nothing to import" in e.error for e in parsed.errors)
    found = parsed.by_id("intercom:503")
    assert [m.text for m in found.messages] == ["this is the message body", "Okay!"]
    assert found.agent_id == "991267715" and found.team == "5017691"
    assert found.customer_id == "6762f1261bb69f9f2193bba7"
    assert found.tags == ["Test tag"] and found.status == "closed"


@pytest.mark.needs_shared
def test_airbyte_records_group_parts_under_their_conversation():
    parsed = parse_sample(
        IMPORTER, "intercom", "airbyte_source-intercom_expected_records_conversations.jsonl"
    )
    assert parsed.errors == []
    assert [c.conversation_id for c in parsed.conversations] == [
        "intercom:1",
        "intercom:60",
        "intercom:61",
    ]
    first = parsed.by_id("intercom:1")
    assert roles(first) == ["customer", "customer", "bot", "bot"]  # lead, user, bot, bot
    assert [m.text for m in first.messages][:2] == ["hey there", "is this showing up"]
    assert first.messages[1].sent_at == datetime(2020, 12, 9, 22, 34, 6)
    assert roles(parsed.by_id("intercom:60")) == ["agent"]


def test_parts_of_a_conversation_missing_from_the_file_still_make_one():
    lines = [
        {"stream": "conversation_parts", "data": _part("1", "comment", "user", "hi", 10, "c9")},
        {"stream": "conversation_parts", "data": _part("2", "note", "admin", "vip", 20, "c9")},
        {"stream": "conversation_parts", "data": _part("3", "comment", "admin", "hello", 30, "c9")},
    ]
    text = "\n".join(json.dumps(line) for line in lines)
    parsed = parse_text(IMPORTER, text, "parts.jsonl")
    (conversation,) = parsed.conversations
    assert [(m.role, m.internal) for m in conversation.messages] == [
        ("customer", False),
        ("agent", True),
        ("agent", False),
    ]
    assert parsed.records[-1].position == "line 1, line 2, line 3 (conversation c9)"


def test_rating_tags_channel_and_older_api_shape():
    conversation = {
        "type": "conversation",
        "id": "77",
        "created_at": 1700000000,
        "conversation_message": {
            "type": "email",
            "subject": "Refund",
            "body": "<p>I want a <b>refund</b></p>",
            "author": {"type": "user", "id": "u1", "name": "Una"},
        },
        "assignee": {"type": "admin", "id": "a1"},
        "conversation_rating": {"rating": 4, "remark": "ok"},
        "conversation_parts": {
            "conversation_parts": [
                _part("p1", "comment", "admin", "<p>Done&nbsp;&amp; dusted</p>", 1700000100),
                _part("p2", "assignment", "admin", None, 1700000200),
                _part("p3", "comment", "bot", "Rate us", 1700000300),
            ]
        },
    }
    (result,) = parse_text(IMPORTER, json.dumps(conversation)).conversations
    assert [(m.role, m.text) for m in result.messages] == [
        ("customer", "I want a refund"),
        ("agent", "Done & dusted"),
        ("bot", "Rate us"),
    ]
    assert result.csat == 4 and result.channel == "email" and result.subject == "Refund"
    assert result.agent_id == "a1" and result.agent_name == "Agent a1"


@pytest.mark.needs_shared
def test_malformed_conversations_are_refused_with_reasons():
    unknown_author = {
        "type": "conversation",
        "id": "5",
        "source": {"body": "x", "author": {"type": "martian"}},
    }
    no_text = {
        "type": "conversation",
        "id": "6",
        "source": {"body": "", "author": {"type": "user"}},
    }
    no_id = {"type": "conversation", "source": {"body": "x", "author": {"type": "user"}}}
    orphan_part = {"stream": "conversation_parts", "data": {"part_type": "comment", "body": "x"}}
    for document, reason in [
        (unknown_author, "unknown author type 'martian'"),
        (no_text, "has no message with text"),
        (no_id, "conversation without an id"),
        (orphan_part, "without conversation_id"),
        ({"conversations": [1]}, "not an Intercom conversation"),
    ]:
        parsed = parse_text(IMPORTER, json.dumps(document))
        assert parsed.conversations == []
        assert any(reason in e.error for e in parsed.errors), (reason, parsed.errors)
    bad_line = parse_text(IMPORTER, '{"stream": "conversations", "data": {}}\n{not json', "x.jsonl")
    assert any(e.position == "line 2" and "invalid JSON" in e.error for e in bad_line.errors)
    truncated = parse_text(
        IMPORTER, json.dumps(_examples()["GET /conversations :: successful"])[:-40]
    )
    assert truncated.errors and "invalid JSON" in truncated.errors[0].error


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1).filter(str.strip))
def test_any_message_text_survives_html_escaping(text):
    import html

    conversation = {
        "type": "conversation",
        "id": "1",
        "source": {"body": f"<p>{html.escape(text)}</p>", "author": {"type": "user", "id": "u"}},
    }
    (result,) = parse_text(IMPORTER, json.dumps(conversation)).conversations
    assert result.messages[0].text == " ".join(text.split())


def _part(part_id, part_type, author_type, body, created_at, conversation_id=None):
    part = {
        "type": "conversation_part",
        "id": part_id,
        "part_type": part_type,
        "body": body,
        "created_at": created_at,
        "author": {
            "type": author_type,
            "id": f"{author_type[0]}1",
            "name": "Agent a1" if author_type == "admin" else None,
        },
    }
    if conversation_id:
        part["conversation_id"] = conversation_id
    return part


def test_ai_agent_parts_are_bot_and_blank_source_author_uses_delivered_as():
    conversation = {
        "type": "conversation",
        "id": "88",
        "source": {
            "type": "twitter",
            "delivered_as": "customer_initiated",
            "body": "@acme help",
            "author": {},
        },
        "conversation_parts": {
            "conversation_parts": [
                {
                    "part_type": "comment",
                    "body": "<p>I can help</p>",
                    "created_at": 5,
                    "author": {"type": "admin", "id": "9", "name": "Fin", "from_ai_agent": True},
                },
                {
                    "part_type": "comment",
                    "body": "<p>Human here</p>",
                    "created_at": 6,
                    "author": {"type": "admin", "id": "10", "name": "Ann"},
                },
            ]
        },
    }
    (result,) = parse_text(IMPORTER, json.dumps(conversation)).conversations
    assert roles(result) == ["customer", "bot", "agent"]
    assert result.channel == "social"


@pytest.mark.needs_shared
def test_a_conversation_listed_and_retrieved_in_one_file_keeps_its_parts():
    full = _examples()["GET /conversations/{conversation_id} :: conversation found"]
    summary = {k: v for k, v in full.items() if k != "conversation_parts"}
    for document in ([full, summary], [summary, full]):
        (result,) = parse_text(IMPORTER, json.dumps(document)).conversations
        assert len(result.messages) == 2
