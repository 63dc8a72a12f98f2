"""Every importer's documented shape, on the project's own hand-written fixtures (tests/data/formats,
see its README): what each file maps to, and the same file through the real engine into a real
DuckDB file, twice. These run on any clone; the real vendor samples (../shared) add to them in CI."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest

from tests.conftest import OWN_FORMATS, own_format_files
from tests.warehouse.importers.conftest import parse_text, roles
from warehouse.autoscore.conversations import load_conversations
from warehouse.reading.importers import registry
from warehouse.reading.ingest import ingest_file
from warehouse.storage.connection import connect

VOICE = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9_analysis_2024-06-07T10_00_42Z.json"

# file -> (format, conversation ids, role counts, internal notes)
EXPECTED = {
    "zendesk/ticket_audits.json": (
        "zendesk",
        ["zendesk:501", "zendesk:502"],
        {"customer": 2, "agent": 2},
        1,
    ),
    "zendesk/ticket_1001_comments.json": (
        "zendesk",
        ["zendesk:1001"],
        {"customer": 2, "agent": 2},
        1,
    ),
    "zendesk/incremental_tickets.json": (
        "zendesk",
        ["zendesk:601", "zendesk:602", "zendesk:603"],
        {"customer": 3},
        0,
    ),
    "zendesk/ticket_events.json": ("zendesk", ["zendesk:701"], {"customer": 1, "agent": 1}, 0),
    "intercom/conversation.json": (
        "intercom",
        ["intercom:1911149811"],
        {"customer": 2, "agent": 2},
        1,
    ),
    "intercom/conversations_list.json": (
        "intercom",
        ["intercom:1911150001", "intercom:1911150002"],
        {"customer": 2},
        0,
    ),
    "intercom/airbyte_records.jsonl": (
        "intercom",
        ["intercom:1911160001"],
        {"customer": 1, "bot": 1, "agent": 1},
        0,
    ),
    "freshdesk/ticket_with_conversations.json": (
        "freshdesk",
        ["freshdesk:801"],
        {"customer": 2, "agent": 2},
        1,
    ),
    "freshdesk/conversations.json": (
        "freshdesk",
        ["freshdesk:802"],
        {"customer": 1, "agent": 1},
        0,
    ),
    "freshdesk/search_tickets.json": (
        "freshdesk",
        ["freshdesk:803", "freshdesk:804"],
        {"customer": 2},
        0,
    ),
    "freshdesk/v1_ticket.json": ("freshdesk", ["freshdesk:805"], {"customer": 1, "agent": 2}, 1),
    "amazon_connect/contact_lens_chat.json": (
        "amazon-connect",
        ["connect:0f6a2b1c-3d4e-4f50-8a6b-7c8d9e0f1a2b"],
        {"customer": 2, "agent": 2, "system": 1},
        0,
    ),
    f"amazon_connect/{VOICE}": (
        "amazon-connect",
        ["connect:5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"],
        {"customer": 2, "agent": 2},
        0,
    ),
    "twitter_customer_care/ibm_dialogs.json": (
        "twitter-ibm",
        ["twitter:s-1001", "twitter:s-1002"],
        {"customer": 3, "agent": 3},
        0,
    ),
    "twitter_customer_care/twcs.csv": (
        "twcs",
        ["twcs:5001", "twcs:6001"],
        {"customer": 3, "agent": 3},
        0,
    ),
    "canonical/conversations.jsonl": (
        "canonical-jsonl",
        ["c-1001", "c-1002", "1003"],
        {"customer": 3, "agent": 3},
        1,
    ),
    "canonical/conversations.csv": (
        "canonical-csv",
        ["c-2001", "c-2002"],
        {"customer": 2, "agent": 3},
        1,
    ),
}


def _parsed(name: str):
    path = OWN_FORMATS / name
    text = path.read_text(encoding="utf-8")
    importer, _ = registry.detect(path, text[:65536])
    return importer, parse_text(importer, text, path.name)


def test_every_fixture_file_has_its_expectations():
    names = {p.relative_to(OWN_FORMATS).as_posix() for p in own_format_files()}
    assert names == set(EXPECTED)
    importers = {fmt for fmt, *_ in EXPECTED.values()}
    assert importers == set(registry.importers())  # every format has its own fixture


@pytest.mark.parametrize("name", list(EXPECTED))
def test_fixture_maps_to_its_conversations_roles_and_notes(name):
    fmt, ids, role_counts, internal = EXPECTED[name]
    importer, parsed = _parsed(name)
    assert importer.name == fmt
    assert parsed.errors == [] and parsed.rejected == []
    assert [c.conversation_id for c in parsed.conversations] == ids
    messages = [m for c in parsed.conversations for m in c.messages]
    assert Counter(m.role for m in messages) == role_counts
    assert sum(m.internal for m in messages) == internal
    assert all(m.text.strip() and "<" not in m.text for m in messages)  # HTML became text


@pytest.mark.parametrize("name", list(EXPECTED))
def test_fixture_ingests_and_reimport_adds_nothing(name, db_path):
    fmt, ids, role_counts, _ = EXPECTED[name]
    first = ingest_file(db_path, OWN_FORMATS / name)
    assert first.status == "done", first.summary()
    assert (first.format, first.new, first.quarantined) == (fmt, len(ids), 0), first.summary()
    with connect(db_path) as con:
        stored = list(load_conversations(con))
    assert Counter(m.role for c in stored for m in c.messages) == role_counts
    second = ingest_file(db_path, OWN_FORMATS / name)
    assert (second.new, second.updated, second.unchanged) == (0, 0, len(ids)), second.summary()


def test_zendesk_audits_ticket_fields_come_from_create_and_change_events():
    _, parsed = _parsed("zendesk/ticket_audits.json")
    ticket = parsed.by_id("zendesk:501")
    assert roles(ticket) == ["customer", "agent", "agent"]
    assert [m.internal for m in ticket.messages] == [False, False, True]
    assert ticket.subject == "Cracked screen on delivery"
    assert ticket.tags == ["damaged", "hardware"]
    assert ticket.status == "pending"  # the later Change event wins
    assert ticket.customer_name == "Maria Costa" and ticket.agent_id == "2001"
    assert parsed.by_id("zendesk:502").channel == "email"
    assert parsed.by_id("zendesk:502").messages[0].text == "Where is my refund?"


def test_zendesk_comments_take_the_ticket_id_from_the_file_name_and_roles_from_users():
    _, parsed = _parsed("zendesk/ticket_1001_comments.json")
    (ticket,) = parsed.conversations
    assert [(m.role, m.author) for m in ticket.messages[:2]] == [
        ("customer", "Lee Chan"),
        ("agent", "Ben Agent"),
    ]


def test_zendesk_incremental_export_channels_csat_and_requester_name():
    _, parsed = _parsed("zendesk/incremental_tickets.json")
    assert [c.channel for c in parsed.conversations] == ["email", "web", "phone"]
    assert parsed.by_id("zendesk:601").customer_name == "Ines Duarte"  # via.source.from
    assert parsed.by_id("zendesk:602").csat == 5  # satisfaction "good"
    assert parsed.by_id("zendesk:602").status == "solved"


def test_zendesk_ticket_events_html_body_and_epoch_timestamps():
    _, parsed = _parsed("zendesk/ticket_events.json")
    (ticket,) = parsed.conversations
    assert ticket.messages[1].text.startswith("I have opened a trace")
    assert ticket.messages[1].sent_at == datetime(2024, 6, 3, 9, 30)


def test_intercom_parts_rating_tags_and_entities():
    _, parsed = _parsed("intercom/conversation.json")
    (conversation,) = parsed.conversations
    assert conversation.csat == 4 and conversation.tags == ["billing"]
    assert conversation.messages[-1].text == "Thanks & have a nice day!"  # close part: no message
    assert conversation.created_at == datetime(2024, 6, 1, 9, 0)


def test_freshdesk_incoming_private_and_v1_offsets():
    _, parsed = _parsed("freshdesk/ticket_with_conversations.json")
    (ticket,) = parsed.conversations
    assert roles(ticket) == ["customer", "agent", "agent", "customer"]
    assert [m.internal for m in ticket.messages] == [False, False, True, False]
    _, v1 = _parsed("freshdesk/v1_ticket.json")
    (old,) = v1.conversations
    assert old.created_at == datetime(2024, 6, 5, 4, 30)  # +05:30 stored as UTC
    assert old.customer_name == "Asha Rao"


def test_connect_chat_skips_events_and_voice_offsets_start_at_the_analysis_time():
    _, chat = _parsed("amazon_connect/contact_lens_chat.json")
    (contact,) = chat.conversations
    assert roles(contact) == ["customer", "system", "agent", "agent", "customer"]
    assert contact.tags == ["billing"]
    _, voice = _parsed(f"amazon_connect/{VOICE}")
    (call,) = voice.conversations
    assert call.channel == "phone"
    # analysed at 10:00:42 after a 42 s call: the call began at 10:00:00
    assert [m.sent_at for m in call.messages] == [
        datetime(2024, 6, 7, 10, 0, 0),
        datetime(2024, 6, 7, 10, 0, 4),
        datetime(2024, 6, 7, 10, 0, 9),
        datetime(2024, 6, 7, 10, 0, 30),
    ]


def test_twitter_ibm_final_agent_turn_and_twcs_threads():
    _, ibm = _parsed("twitter_customer_care/ibm_dialogs.json")
    first = ibm.by_id("twitter:s-1001")
    assert roles(first) == ["customer", "agent", "customer", "agent"]
    assert first.messages[-1].sent_at == datetime(2017, 10, 31, 22, 24, 52)  # start + duration
    _, twcs = _parsed("twitter_customer_care/twcs.csv")
    thread = twcs.by_id("twcs:5001")
    assert roles(thread) == ["customer", "agent", "customer", "agent"]
    assert thread.messages[2].text == '@ExampleTel 1000-001, it says "no signal"'


def test_canonical_csv_repeated_fields_tags_and_multiline_notes():
    _, parsed = _parsed("canonical/conversations.csv")
    call = parsed.by_id("c-2001")
    assert (call.channel, call.csat, call.nps, call.ces) == ("phone", 5, 9, 2)
    assert call.tags == ["outage", "callback"]
    assert call.messages[2].text == "Ticket FX-1 logged,\nsecond line of the note"
