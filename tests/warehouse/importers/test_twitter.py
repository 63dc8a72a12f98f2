"""Twitter customer care: IBM dialogs (JSON) and TWCS tweets threaded from CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.warehouse.importers.conftest import parse_sample, parse_text, roles
from warehouse.reading.importers.twitter_ibm import IMPORTER as IBM
from warehouse.reading.importers.twitter_twcs import IMPORTER as TWCS

HEADER = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"


@pytest.mark.needs_shared
def test_ibm_dialogs_one_conversation_each_with_the_final_agent_turn():
    parsed = parse_sample(IBM, "twitter_customer_care", "ibm_twitter-customer-care_dev.json")
    assert parsed.errors == []
    assert len(parsed.conversations) == 525
    # 686 dialogContent turns + 525 final agent turns (agentURL), as dialogHeader.messageCount says
    assert parsed.message_count == 1211
    assert all(c.channel == "social" for c in parsed.conversations)
    assert all(c.messages[-1].role == "agent" for c in parsed.conversations)
    first = parsed.by_id("twitter:LgwAXtbbEm0mBvDrGmjk")
    assert roles(first) == ["customer", "agent"]
    assert first.agent_id == "TeamYouTube" and first.customer_id == "CinVakas"
    assert first.messages[0].sent_at == datetime(2020, 4, 1, 17, 31, 32)
    assert first.messages[1].sent_at == datetime(2020, 4, 1, 18, 58, 27)  # start + 01:26:55


@pytest.mark.needs_shared
def test_ibm_agent_turns_inside_the_dialog_are_agents():
    parsed = parse_sample(IBM, "twitter_customer_care", "ibm_twitter-customer-care_dev.json")
    longer = [c for c in parsed.conversations if len(c.messages) == 4]
    assert longer and all(
        roles(c) == ["customer", "agent", "customer", "agent"]
        for c in longer
        if roles(c).count("agent") == 2
    )


def test_ibm_malformed_dialogs_are_refused_with_reasons():
    good = {
        "dialogHeader": {"sessionID": "s1", "company": "Acme"},
        "dialogContent": [{"client": "bob", "message": "hi", "datetime": "2020-01-01T00:00:00Z"}],
    }
    cases = [
        ({"dialogContent": []}, "without dialogHeader.sessionID"),
        ({**good, "dialogContent": "x"}, "must be a list"),
        ({**good, "dialogContent": [{"message": "hi"}]}, "names no speaker"),
        ({**good, "dialogContent": [{"client": "bob"}]}, "has no `message` text"),
        (5, "must be an object"),
    ]
    for dialog, reason in cases:
        parsed = parse_text(IBM, json.dumps([good, dialog]))
        assert len(parsed.conversations) == 1
        (error,) = parsed.errors
        assert reason in error.error and error.position.startswith("[1]"), error
    cut = parse_text(IBM, json.dumps([good, good])[:-30])
    assert len(cut.conversations) == 1 and "truncated" in cut.errors[0].error


@pytest.mark.needs_shared
def test_twcs_sample_printed_by_pandas_is_one_thread():
    parsed = parse_sample(
        TWCS, "twitter_customer_care", "twcs_head_rows_from_notebook_DiegoAmaxmandro.csv"
    )
    assert parsed.errors == []
    (thread,) = parsed.conversations
    # tweet 5 answers tweet 6, which is not in the file: 5 is the root
    assert thread.conversation_id == "twcs:5"
    assert roles(thread) == ["customer", "agent", "customer", "agent", "customer"]
    assert [m.author for m in thread.messages][:2] == ["115712", "sprintcare"]
    assert thread.messages[0].sent_at == datetime(2017, 10, 31, 21, 49, 35)
    assert thread.agent_id == "sprintcare" and thread.channel == "social"


def test_twcs_threads_branches_and_separate_conversations():
    rows = [
        ("10", "cust1", "True", "Tue Oct 31 22:00:00 +0000 2017", "@Brand help", "11,12", ""),
        ("11", "Brand", "False", "Tue Oct 31 22:05:00 +0000 2017", "@cust1 dm us", "", "10"),
        ("12", "Brand", "False", "Tue Oct 31 22:06:00 -0100 2017", "@cust1 also", "13", "10"),
        ("13", "cust1", "True", "Tue Oct 31 22:07:00 +0000 2017", "@Brand ok", "", "12"),
        ("20", "cust2", "True", "Wed Nov 01 08:00:00 +0000 2017", "@Brand hey", "", ""),
    ]
    parsed = parse_text(TWCS, _csv(rows), "twcs.csv")
    assert [c.conversation_id for c in parsed.conversations] == ["twcs:10", "twcs:20"]
    thread = parsed.by_id("twcs:10")
    # in time order, offsets applied: 22:06 -0100 is 23:06 UTC
    assert [m.text for m in thread.messages] == [
        "@Brand help",
        "@cust1 dm us",
        "@Brand ok",
        "@cust1 also",
    ]
    assert parsed.records[0].position == "rows 1..4 (4 tweets) (thread 10)"


def test_twcs_reply_listed_before_its_root_and_long_chains_are_linear():
    chain = 20_000
    rows = [
        (
            str(i),
            "Brand" if i % 2 else "cust",
            "False" if i % 2 else "True",
            "Tue Oct 31 22:00:00 +0000 2017",
            f"tweet {i}",
            "",
            str(i - 1) if i else "",
        )
        for i in reversed(range(chain))
    ]
    parsed = parse_text(TWCS, _csv(rows), "twcs.csv")
    (thread,) = parsed.conversations
    assert thread.conversation_id == "twcs:0" and len(thread.messages) == chain


def test_twcs_bad_rows_are_refused_and_the_rest_kept():
    rows = [
        ("1", "cust", "True", "Tue Oct 31 22:00:00 +0000 2017", "ok", "", ""),
        ("", "cust", "True", "Tue Oct 31 22:00:00 +0000 2017", "no id", "", ""),
        ("3", "cust", "maybe", "Tue Oct 31 22:00:00 +0000 2017", "bad flag", "", ""),
        ("1", "cust", "True", "Tue Oct 31 22:00:00 +0000 2017", "dup", "", ""),
        ("4", "cust", "True", "yesterday", "bad date", "", ""),
    ]
    parsed = parse_text(TWCS, _csv(rows), "twcs.csv")
    reasons = [(e.position, e.error) for e in parsed.errors]
    assert reasons == [
        ("row 2", "row without tweet_id"),
        ("row 3", "tweet 3: `inbound` must be True or False, got 'maybe'"),
        ("row 4", "tweet 1 appears twice"),
    ]
    assert [c.conversation_id for c in parsed.conversations] == ["twcs:1"]
    ((record, reason),) = parsed.rejected  # the date is passed on as found: the engine refuses it
    assert record.conversation["conversation_id"] == "twcs:4" and "'yesterday'" in reason
    missing = parse_text(TWCS, "tweet_id,text\n1,hi\n", "t.csv")
    assert "missing column(s) author_id, inbound" in missing.errors[0].error


def test_twcs_sniffer_wants_the_tweet_columns():
    assert TWCS.sniff(None, HEADER) > 0.9
    assert TWCS.sniff(None, "conversation_id,role,text\n") == 0
    assert IBM.sniff(None, '{"conversation_id": "x", "messages": []}') == 0


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1).filter(str.strip))
def test_any_tweet_text_survives_csv_quoting(text):
    text = text.replace("\r", "")  # the csv module normalises lone carriage returns
    rows = [("1", "cust", "True", "Tue Oct 31 22:00:00 +0000 2017", text, "", "")]
    parsed = parse_text(TWCS, _csv(rows), "twcs.csv")
    if text.strip():
        assert parsed.conversations[0].messages[0].text == text


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=1).filter(str.strip))
def test_any_ibm_message_survives(text):
    dialog = {
        "dialogHeader": {"sessionID": "s"},
        "dialogContent": [{"client": "c", "message": text}],
    }
    (conversation,) = parse_text(IBM, json.dumps([dialog])).conversations
    assert conversation.messages[0].text == text


def _csv(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER.strip().split(","))
    writer.writerows(rows)
    return out.getvalue()


def test_twcs_non_numeric_ids_thread_too():
    rows = [
        ("b", "Brand", "False", "Tue Oct 31 22:05:00 +0000 2017", "@c1 hi", "", "a"),
        ("a", "c1", "True", "Tue Oct 31 22:00:00 +0000 2017", "@Brand héllo ✓", "b", ""),
        ("99999999999999999999", "c2", "True", "Tue Oct 31 23:00:00 +0000 2017", "big", "", ""),
    ]
    parsed = parse_text(TWCS, _csv(rows), "twcs.csv")
    assert [c.conversation_id for c in parsed.conversations] == [
        "twcs:a",
        "twcs:99999999999999999999",
    ]
    assert [m.text for m in parsed.by_id("twcs:a").messages] == ["@Brand héllo ✓", "@c1 hi"]


def test_ibm_dialogs_one_per_line():
    dialog = {
        "dialogHeader": {"sessionID": "s1", "company": "Acme"},
        "dialogContent": [
            {"client": "bob", "message": "hi"},
            {"agent": "Acme", "message": "hello"},
        ],
    }
    text = json.dumps(dialog) + "\n" + json.dumps({**dialog, "dialogHeader": {"sessionID": "s2"}})
    parsed = parse_text(IBM, text, "dialogs.jsonl")
    assert [c.conversation_id for c in parsed.conversations] == ["twitter:s1", "twitter:s2"]
    assert parsed.records[1].position == "line 2 (session s2)"
