"""customer_outcome: the customer's own turns (tone, thanks, corrections, complaints) as their
outcome; the rationale counts and quotes what the customer actually wrote."""

from __future__ import annotations

import pytest

from canonical.model import Conversation, Message
from scoring.detectors.base import REGISTRY, ParameterProblems
from scoring.detectors.customer_outcome import customer_outcome
from scoring.signals import ConversationSignals
from tests.scoring.shipped import shipped_params


def signals(*turns: tuple[str, str]) -> ConversationSignals:
    messages = tuple(Message(role=role, text=text) for role, text in turns)
    return ConversationSignals(Conversation("c-1", messages))


def run(*turns: tuple[str, str], **overrides):
    return customer_outcome(signals(*turns), shipped_params("customer_outcome", overrides))


def test_registered():
    assert REGISTRY["customer_outcome"] is customer_outcome


def test_thanking_customer_scores_high_with_their_words_as_evidence():
    result = run(
        ("customer", "Find me a cheap hotel in the centre."),
        ("agent", "The Lion has rooms at 60 a night."),
        ("customer", "Great, thanks!"),
    )
    assert result.value > 0.75
    assert [e.quote for e in result.evidence] == ["Great"]
    assert "1 thanked or praised the agent (“Great, thanks!”)" in result.rationale
    assert result.rationale.startswith("of 2 customer turns")


def test_correcting_customer_scores_low_and_the_count_matches():
    result = run(
        ("customer", "A train to Cambridge on Friday."),
        ("agent", "Here is a train to Oxford on Monday."),
        ("customer", "No, Cambridge, and Friday."),
        ("customer", "That's not what I asked."),
    )
    assert result.value < 0.25
    assert "of 3 customer turns: 2 corrected the agent or said no" in result.rationale
    assert "“No, Cambridge, and Friday.”" in result.rationale


@pytest.mark.parametrize(
    "text",
    [
        "Why have I been billed twice?? Sort it out.",
        "It's STILL not working!!",
        "This is the third time I'm asking.",
        "I was charged twice for one order.",
    ],
)
def test_upset_without_negative_words_is_seen(text):
    """Complaints VADER scores neutral or positive still count against the outcome."""
    result = run(("customer", text), ("agent", "Let me check."))
    assert result.value < 0.5
    assert "1 complained or sounded upset" in result.rationale


def test_thanks_in_advance_is_not_a_verdict_and_no_reply_is_na():
    before = run(("customer", "Thanks in advance"), ("agent", "Hi"))
    assert "thanked or praised" not in before.rationale
    assert run(("agent", "Hello")).na
    assert run(("customer", "@brand is anyone there?")).na


def test_a_neutral_customer_is_the_middle():
    result = run(("customer", "Opening hours?"), ("agent", "9 to 5."), ("customer", "And Sunday?"))
    assert result.value == 0.5
    assert "none of the 2 customer turns thanked, corrected or complained" in result.rationale


def test_no_inside_a_sentence_is_not_a_correction():
    result = run(("agent", "Hi"), ("customer", "Is there no parking? Thanks."))
    assert "corrected" not in result.rationale


def test_bad_parameters_are_refused_when_the_rubric_loads():
    with pytest.raises(ParameterProblems, match="mood_weight"):
        shipped_params("customer_outcome", {"mood_weight": "lots"})
    with pytest.raises(ParameterProblems, match="satisfied"):
        shipped_params("customer_outcome", {"satisfied": 3})
