"""Batch scoring: both cores give the same results as one, and templates are found across the batch."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from canonical.model import Conversation, Message
from cornerstone.demo.generator import iter_conversations
from scoring.batch import score_batch, template_hashes_for, to_json_line
from scoring.engine import score
from scoring.loader import load_rubrics

RUBRICS = load_rubrics()
T0 = datetime(2026, 3, 1, 10, 0, 0)
CANNED = "Thank you for contacting us. We have received your request and will respond shortly."


def test_two_workers_give_the_same_scores_in_the_same_order_as_one():
    conversations = list(iter_conversations(600, seed=11))
    hashes = template_hashes_for(conversations, RUBRICS)
    sequential = [score(c, RUBRICS, hashes) for c in conversations]
    parallel = list(score_batch(conversations, RUBRICS, workers=2, chunk_size=100))
    assert [r.conversation_id for r in parallel] == [c.conversation_id for c in conversations]
    assert parallel == sequential


def test_json_output_is_serialised_in_the_workers():
    conversations = list(iter_conversations(300, seed=3))
    hashes = template_hashes_for(conversations, RUBRICS)
    lines = list(score_batch(conversations, RUBRICS, workers=2, chunk_size=50, output="json"))
    assert len(lines) == 300 and all("\n" not in line for line in lines)
    assert [json.loads(line) for line in lines] == [
        score(c, RUBRICS, hashes).to_json() for c in conversations
    ]


def test_a_score_line_keeps_text_as_is_and_survives_a_lone_surrogate():
    text = "Désolé “Ana” 😀 — sorry, ORDER #12345"
    conversation = Conversation(
        "c1", (Message("customer", text), Message("agent", "Sorry Ana \ud800, fixed."))
    )
    line = to_json_line(score(conversation, RUBRICS))
    line.encode("utf-8")  # writable as UTF-8: the surrogate is escaped, not written raw
    assert json.loads(line) == score(conversation, RUBRICS).to_json()
    upset = Conversation(
        "c2",
        (
            Message("customer", "My parcel never came, I am furious."),
            Message("agent", "I’m so sorry — I understand how frustrating this is."),
        ),
    )
    plain = to_json_line(score(upset, RUBRICS))
    assert "’" in plain and "\\u" not in plain  # valid text is written as is


def canned(i: int, personal: bool) -> Conversation:
    reply = f"Hi customer {i}, your order #{1000 + i} is on its way now." if personal else CANNED
    return Conversation(
        f"c{i}",
        (
            Message("customer", f"Where is my order #{1000 + i}?", sent_at=T0),
            Message("agent", reply, sent_at=T0 + timedelta(seconds=30)),
        ),
        channel="email",
    )


def test_same_reply_sent_to_many_customers_is_a_template():
    batch = [
        canned(i, personal=i % 2 == 0) for i in range(60)
    ]  # the canned text in 30 conversations
    results = {r.conversation_id: r for r in score_batch(batch, RUBRICS, workers=1)}
    assert results["c1"].criterion("personalisation", "not_template").failed
    quote = results["c1"].criterion("personalisation", "not_template").evidence[0].quote
    assert CANNED.startswith(quote)
    assert not results["c0"].criterion("personalisation", "not_template").failed


def test_a_reply_in_fewer_conversations_than_the_threshold_is_not_a_template():
    batch = [canned(i, personal=i >= 5) for i in range(30)]  # canned in 5 < 20 conversations
    results = {r.conversation_id: r for r in score_batch(batch, RUBRICS, workers=1)}
    assert not results["c1"].criterion("personalisation", "not_template").failed


def test_scoring_alone_leaves_template_detection_na():
    result = score(canned(1, personal=False), RUBRICS)
    assert result.criterion("personalisation", "not_template").na


def test_conversations_cross_to_workers_with_every_field():
    import dataclasses
    import pickle

    conversation = Conversation(
        "c9",
        (
            Message("customer", "Hi", author="Ana", sent_at=T0),
            Message("agent", "note", author="Bo", sent_at=T0 + timedelta(seconds=5), internal=True),
        ),
        channel="email", created_at=T0, status="solved", agent_id="a1", agent_name="Bo",
        team="t1", customer_id="u1", customer_name="Ana", csat=4, nps=9, ces=2,
        tags=("vip", "refund"), subject="Where is it?",
    )  # fmt: skip
    copy = pickle.loads(pickle.dumps(conversation, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy == conversation
    assert dataclasses.asdict(copy) == dataclasses.asdict(conversation)
    assert [f.name for f in dataclasses.fields(Conversation)] == list(Conversation.__slots__)


def _gc_enabled() -> bool:
    import gc

    return gc.isenabled()


def test_workers_run_without_automatic_gc_and_the_caller_keeps_it():
    import gc

    from scoring.batch import BatchScorer

    assert gc.isenabled()
    with BatchScorer(RUBRICS, workers=2) as scorer:
        assert list(scorer._map(_gc_enabled, [(), ()])) == [False, False]
        results = list(scorer.score(iter_conversations(120, seed=2), None))
    assert [r.conversation_id for r in results] == [
        c.conversation_id for c in iter_conversations(120, seed=2)
    ]
    with BatchScorer(RUBRICS, workers=1) as scorer:
        list(scorer.score(iter_conversations(10, seed=2), None))
    assert gc.isenabled()
