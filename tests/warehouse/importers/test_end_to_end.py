"""Every real helpdesk sample through the real engine into a real DuckDB file, twice."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.conftest import shared_data
from warehouse.autoscore.conversations import load_conversations
from warehouse.reading.ingest import ingest_file
from warehouse.storage.connection import connect

# file -> (format, conversations stored, messages stored, quarantined records, role counts)
SAMPLES = {
    ("zendesk", "zenpy_ticket_audits_response.json"): ("zendesk", 86, 88, 0, None),
    ("zendesk", "zenpy_incremental_tickets_response.json"): ("zendesk", 87, 87, 0, None),
    ("zendesk", "go-zendesk_GET_ticket_audits.json"): ("zendesk", 1, 1, 0, {"agent": 1}),
    ("zendesk", "go-zendesk_GET_ticket_comments.json"): ("zendesk", 1, 2, 0, {"customer": 2}),
    ("intercom", "intercom-openapi_v2.14_conversation_response_examples.json"): (
        "intercom",
        14,
        20,
        7,
        {"agent": 17, "customer": 3},
    ),
    ("intercom", "airbyte_source-intercom_expected_records_conversations.jsonl"): (
        "intercom",
        3,
        6,
        0,
        {"customer": 2, "bot": 2, "agent": 2},
    ),
    ("freshdesk", "python-freshdesk_v1_ticket_1.json"): (
        "freshdesk",
        1,
        2,
        0,
        {"customer": 1, "agent": 1},
    ),
    ("freshdesk", "python-freshdesk_v2_conversations.json"): ("freshdesk", 1, 2, 0, {"agent": 2}),
    # the vendor's search sample repeats id 1: the engine keeps the last, quarantines the first
    ("freshdesk", "python-freshdesk_v2_search_tickets.json"): (
        "freshdesk",
        1,
        1,
        1,
        {"customer": 1},
    ),
    ("amazon_connect", "contact-lens_chat_example_original.json"): (
        "amazon-connect",
        1,
        31,
        0,
        {"agent": 15, "customer": 13, "system": 3},
    ),
    # the doc sample's trailing "}" is reported in quarantine, the call is imported
    ("amazon_connect", "contact-lens_voice_example_original.json.txt"): (
        "amazon-connect",
        1,
        10,
        1,
        {"agent": 5, "customer": 5},
    ),
    ("twitter_customer_care", "ibm_twitter-customer-care_dev.json"): (
        "twitter-ibm",
        525,
        1211,
        0,
        None,
    ),
    ("twitter_customer_care", "twcs_head_rows_from_notebook_DiegoAmaxmandro.csv"): (
        "twcs",
        1,
        5,
        0,
        {"customer": 3, "agent": 2},
    ),
}


@pytest.mark.needs_shared
@pytest.mark.parametrize("sample", list(SAMPLES), ids=lambda s: s[1])
def test_sample_imports_with_roles_and_counts_and_reimport_adds_nothing(sample, db_path):
    fmt, conversations, messages, quarantined, role_counts = SAMPLES[sample]
    path = shared_data("formats", *sample)
    first = ingest_file(db_path, path)
    assert first.status == "done", first.summary()
    assert first.format == fmt
    assert (first.new, first.quarantined) == (conversations, quarantined), first.summary()
    with connect(db_path) as con:
        stored = list(load_conversations(con))
    assert len(stored) == conversations
    assert sum(len(c.messages) for c in stored) == messages
    if role_counts is not None:
        assert Counter(m.role for c in stored for m in c.messages) == role_counts
    second = ingest_file(db_path, path)
    assert (second.new, second.updated) == (0, 0), second.summary()
    assert second.unchanged == conversations


@pytest.mark.needs_shared
def test_internal_notes_survive_the_warehouse(db_path):
    ingest_file(db_path, shared_data("formats", "zendesk", "zenpy_ticket_audits_response.json"))
    with connect(db_path) as con:
        (ticket,) = list(load_conversations(con, ids=["zendesk:1"]))
    assert [m.internal for m in ticket.messages] == [False, False, True]
    assert len(ticket.public_messages) == 2
