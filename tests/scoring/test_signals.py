"""Conversation signals: timing from timestamps, message groups, lazy sentiment."""

from __future__ import annotations

from datetime import datetime, timedelta

from canonical.model import Conversation, Message
from scoring.signals import ConversationSignals, normalise_reply

T0 = datetime(2026, 3, 1, 10, 0, 0)


def at(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_timing_counts_agents_only_and_waits_from_the_first_unanswered_customer_message():
    conversation = Conversation(
        "c",
        (
            Message("customer", "hello", sent_at=at(0)),
            Message("bot", "An agent will be with you shortly.", sent_at=at(2)),
            Message("customer", "anyone?", sent_at=at(50)),
            Message("agent", "note", sent_at=at(60), internal=True),
            Message("agent", "Hi!", sent_at=at(90)),
            Message("agent", "How can I help?", sent_at=at(95)),
            Message("customer", "my order", sent_at=at(100)),
            Message("agent", "Checking.", sent_at=at(400)),
        ),
    )
    s = ConversationSignals(conversation)
    assert s.customer == (0, 2, 6) and s.agent == (4, 5, 7) and 3 not in s.public
    assert s.first_response_seconds == 90 and s.first_response_index == 4
    assert s.reply_gaps == [(0, 4, 90.0), (6, 7, 300.0)]
    assert s.longest_reply_gap_seconds == 300
    assert s.handle_seconds == 400
    assert not s.awaiting_first_reply


def test_no_timestamps_means_no_timing():
    s = ConversationSignals(Conversation("c", (Message("customer", "a"), Message("agent", "b"))))
    assert not s.has_timestamps
    assert s.first_response_seconds is None and s.handle_seconds is None and s.reply_gaps == []


def test_customer_never_answered():
    s = ConversationSignals(
        Conversation(
            "c", (Message("customer", "a", sent_at=at(0)), Message("customer", "b", sent_at=at(60)))
        )
    )
    assert s.awaiting_first_reply and s.first_response_seconds is None


def test_sentiment_is_computed_only_when_asked_and_cached():
    s = ConversationSignals(
        Conversation(
            "c", (Message("customer", "This is terrible!"), Message("customer", "Thanks, great!"))
        )
    )
    assert s.known_sentiments() == {}
    assert s.opening_sentiment < 0 < s.closing_sentiment
    assert set(s.known_sentiments()) == {0, 1}
    assert s.min_customer_sentiment == s.opening_sentiment


def test_reply_normalisation_folds_case_and_whitespace():
    assert normalise_reply("  Thanks\n\tfor  WAITING ") == "thanks for waiting"
