"""Amazon Connect Contact Lens: chat and voice analysis files, read leniently."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import OWN_FORMATS, shared_data
from tests.warehouse.importers.conftest import parse_sample, parse_text, roles
from warehouse.reading.importers.amazon_connect import IMPORTER

CHAT = "contact-lens_chat_example_original.json"
VOICE = "contact-lens_voice_example_original.json.txt"
OWN_CHAT = OWN_FORMATS / "amazon_connect" / "contact_lens_chat.json"  # the project's own fixture


@pytest.mark.needs_shared
def test_chat_transcript_messages_without_events():
    parsed = parse_sample(IMPORTER, "amazon_connect", CHAT)
    assert parsed.errors == []
    (chat,) = parsed.conversations
    assert chat.conversation_id == "connect:b49644f6-672f-445c-b209-f76b36482830"
    assert chat.channel == "chat"
    assert len(chat.messages) == 31  # 35 transcript items minus 4 join/leave/end events
    assert roles(chat).count("agent") == 15 and roles(chat).count("customer") == 13
    assert roles(chat)[:4] == ["system", "system", "system", "agent"]
    assert chat.messages[3].author == "Jane"
    assert chat.messages[3].sent_at == datetime(2022, 10, 27, 3, 32, 3, 462000)
    assert chat.agent_name == "Jane" and chat.customer_name == "John"
    redacted = parse_sample(IMPORTER, "amazon_connect", "contact-lens_chat_example_redacted.json")
    assert len(redacted.conversations[0].messages) == 31


@pytest.mark.needs_shared
def test_voice_sample_with_trailing_text_is_read_and_the_rest_reported():
    parsed = parse_sample(IMPORTER, "amazon_connect", VOICE)
    (call,) = parsed.conversations
    assert call.channel == "phone"
    assert roles(call) == ["agent", "customer"] * 5
    assert call.messages[1].text == "Just hello. My name is Peter and help."
    assert call.conversation_id == "connect:contact-lens_voice_example_original"
    # no start time in the file or its name: offsets kept as times from 1970-01-01 00:00 UTC,
    # so gaps between turns are right, and the call gets no made-up date
    assert call.created_at is None
    assert call.messages[0].sent_at == datetime(1970, 1, 1)
    assert call.messages[1].sent_at == datetime(1970, 1, 1, 0, 0, 0, 160000)
    assert call.messages[-1].sent_at == datetime(1970, 1, 1, 0, 0, 30, 580000)
    (ignored,) = parsed.errors
    assert ignored.error.startswith("ignored text after the JSON")
    assert ignored.raw.strip() == "}"


@pytest.mark.needs_shared
def test_redacted_voice_sample_with_comment_is_read():
    parsed = parse_sample(
        IMPORTER, "amazon_connect", "contact-lens_voice_example_redacted.json.txt"
    )
    (call,) = parsed.conversations
    assert len(call.messages) == 10
    assert any("comment" in e.error for e in parsed.errors)


@pytest.mark.needs_shared
def test_voice_offsets_become_times_when_the_file_name_has_the_analysis_time():
    text = shared_data("formats", "amazon_connect", VOICE).read_text()
    name = "0a1b2c3d-1111-2222-3333-444455556666_analysis_2022-11-30T18:48:11Z.json"
    (call,) = parse_text(IMPORTER, text, name).conversations
    assert call.conversation_id == "connect:0a1b2c3d-1111-2222-3333-444455556666"
    start = datetime(2022, 11, 30, 18, 47, 38, 890000)  # analysis time - 32,110 ms
    assert call.messages[0].sent_at == start
    assert call.messages[1].sent_at == datetime(2022, 11, 30, 18, 47, 39, 50000)  # +160 ms


def test_malformed_files_are_refused_with_reasons():
    base = json.loads(OWN_CHAT.read_text())
    unknown_role = json.loads(json.dumps(base))
    unknown_role["Transcript"][1]["ParticipantRole"] = "MANAGER"
    no_content = json.loads(json.dumps(base))
    del no_content["Transcript"][1]["Content"]
    no_transcript = {k: v for k, v in base.items() if k != "Transcript"}
    only_events = {**base, "Transcript": [t for t in base["Transcript"] if t["Type"] == "EVENT"]}
    for document, reason in [
        (unknown_role, "Transcript[1]: unknown participant role 'MANAGER'"),
        (no_content, "Transcript[1]: message without text"),
        (no_transcript, "no `Transcript` list"),
        (only_events, "no MESSAGE items"),
        ([1, 2], "holds JSON objects"),
    ]:
        parsed = parse_text(IMPORTER, json.dumps(document))
        assert parsed.conversations == []
        assert any(reason in e.error for e in parsed.errors), (reason, parsed.errors)
    truncated = parse_text(IMPORTER, json.dumps(base)[:1000])
    assert truncated.conversations == [] and "invalid JSON" in truncated.errors[0].error


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1).filter(str.strip))
def test_any_turn_text_survives(text):
    document = {
        "Channel": "VOICE",
        "Participants": [{"ParticipantId": "C", "ParticipantRole": "CUSTOMER"}],
        "Transcript": [{"ParticipantId": "C", "Content": text, "BeginOffsetMillis": 0}],
    }
    (call,) = parse_text(IMPORTER, json.dumps(document)).conversations
    assert call.messages[0].text == text


def test_plain_connect_chat_transcript_with_top_level_contact_id():
    transcript = {
        "Version": "2019-08-26",
        "ContactId": "11111111-2222-3333-4444-555555555555",
        "Participants": [{"ParticipantId": "p1"}, {"ParticipantId": "p2"}],
        "Transcript": [
            {
                "AbsoluteTime": "2024-01-01T10:00:00.000Z",
                "Content": "hi",
                "Type": "MESSAGE",
                "ParticipantId": "p1",
                "ParticipantRole": "CUSTOMER",
                "DisplayName": "Cy",
            },
            {
                "AbsoluteTime": "2024-01-01T10:00:05.000Z",
                "Content": "hello",
                "Type": "MESSAGE",
                "ParticipantId": "p2",
                "ParticipantRole": "AGENT",
                "DisplayName": "Al",
            },
        ],
    }
    assert IMPORTER.sniff(None, json.dumps(transcript)) > 0.5
    (chat,) = parse_text(IMPORTER, json.dumps(transcript), "t.json").conversations
    assert chat.conversation_id == "connect:11111111-2222-3333-4444-555555555555"
    assert roles(chat) == ["customer", "agent"] and chat.channel == "chat"


def test_contacts_concatenated_in_one_file_are_each_read():
    text = OWN_CHAT.read_text()
    one = json.loads(text)
    other = {**one, "CustomerMetadata": {**one["CustomerMetadata"], "ContactId": "second"}}
    joined = json.dumps(one) + "\n" + json.dumps(other) + "\n"
    parsed = parse_text(IMPORTER, joined, "contacts.jsonl")
    assert [c.conversation_id for c in parsed.conversations] == [
        "connect:0f6a2b1c-3d4e-4f50-8a6b-7c8d9e0f1a2b",
        "connect:second",
    ]
    assert [r.position for r in parsed.records] == [
        "line 1 (contact 0f6a2b1c-3d4e-4f50-8a6b-7c8d9e0f1a2b)",
        "line 2 (contact second)",
    ]
