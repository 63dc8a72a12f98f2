"""Scoring never crashes on a valid conversation, and every evidence quote is an exact substring."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from canonical.model import CHANNELS, ROLES, Conversation, Message
from scoring.engine import score
from scoring.loader import load_rubrics

RUBRICS = load_rubrics()
START = datetime(2026, 1, 1, 9, 0, 0)

texts = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "",
            "   ",
            "😀😡🙏 thanks!!!",
            "Привет, заказ не пришёл. Это ужасно.",
            "注文が届きません。返金してください。",
            "مرحبا، لم يصل طلبي",
            "I'M SO ANGRY!!! WHERE IS MY ORDER #12345",
            "sorry sorry sorry I'll look into it within 2 days",
            "İSTANBUL ǅ ß ﬁ",  # case changes that alter string length
            "\x00\u200b\ufeff",
        ]
    ),
)
messages = st.lists(
    st.builds(
        Message,
        role=st.sampled_from(ROLES),
        text=texts,
        author=st.one_of(st.none(), st.text(max_size=20)),
        sent_at=st.one_of(
            st.none(), st.integers(0, 10**7).map(lambda s: START + timedelta(seconds=s))
        ),
        internal=st.booleans(),
    ),
    max_size=25,
)
conversations = st.builds(
    Conversation,
    conversation_id=st.text(min_size=1, max_size=20),
    messages=messages.map(tuple),
    channel=st.one_of(st.none(), st.sampled_from(CHANNELS)),
    customer_name=st.one_of(st.none(), st.text(max_size=30), st.just("İlker ǅemal")),
)


def check(conversation: Conversation, template_hashes=None) -> None:
    result = score(conversation, RUBRICS, template_hashes)
    assert result.quality_score is None or 0 <= result.quality_score <= 100
    for rubric in result.rubrics:
        assert rubric.score is None or 0 <= rubric.score <= 100
        for criterion in rubric.criteria:
            assert criterion.na == (criterion.score is None)
            assert criterion.score is None or 0 <= criterion.score <= 100
            for e in criterion.evidence:
                message = conversation.messages[e.message_index]
                assert message.text[e.start : e.end] == e.quote
                assert not message.internal
    result_json = result.to_json()
    assert set(result_json) == {"conversation_id", "quality_score", "rubrics"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conversations)
def test_scoring_never_crashes_and_quotes_are_exact(conversation):
    check(conversation)


@settings(max_examples=30, deadline=None)
@given(conversations, st.frozensets(st.integers(-(2**63), 2**63 - 1), max_size=3))
def test_scoring_with_a_template_table_never_crashes(conversation, hashes):
    check(conversation, hashes)


def test_empty_conversation_scores_nothing():
    result = score(Conversation("empty", ()), RUBRICS)
    assert result.quality_score is None
    assert all(c.na for r in result.rubrics for c in r.criteria)


def test_only_customer_turns():
    conversation = Conversation(
        "c",
        tuple(
            Message("customer", f"hello? {i}", sent_at=START + timedelta(minutes=i))
            for i in range(5)
        ),
    )
    check(conversation)


def test_one_message_of_each_role():
    for role in ROLES:
        check(Conversation(role, (Message(role, "Hi, sorry, I'll check within 2 days."),)))


def test_five_hundred_messages():
    conversation = Conversation(
        "long",
        tuple(
            Message(
                "customer" if i % 2 == 0 else "agent",
                f"message {i}: my order #{10000 + i} is late, sorry I'll check 😀 Привет",
                sent_at=START + timedelta(seconds=30 * i),
            )
            for i in range(500)
        ),
        channel="chat",
        customer_name="Ana",
    )
    check(conversation)
