"""customer_reaction: the customer's thanks versus corrections, per customer turn."""

from __future__ import annotations

import pytest

from cornerstone.model import Conversation, Message
from scoring.detectors.base import REGISTRY, ParameterProblems
from scoring.detectors.customer_reaction import customer_reaction
from scoring.signals import ConversationSignals
from tests.scoring.shipped import shipped_params


def signals(*turns: tuple[str, str]) -> ConversationSignals:
    messages = tuple(Message(role=role, text=text) for role, text in turns)
    return ConversationSignals(Conversation("c-1", messages))


def test_registered():
    assert REGISTRY["customer_reaction"] is customer_reaction


def test_thanking_customer_scores_high_with_their_words_as_evidence():
    s = signals(
        ("customer", "Find me a cheap hotel in the centre."),
        ("agent", "The Lion has rooms at 60 a night."),
        ("customer", "Great, thanks!"),
    )
    result = customer_reaction(s, shipped_params("customer_reaction"))
    assert result.value == 1.0  # 0.5 + 1/1
    assert [e.quote for e in result.evidence] == ["Great"]
    assert s.messages[2].text.startswith(result.evidence[0].quote)
    assert "1 of 1 customer turns thanked" in result.rationale


def test_correcting_customer_scores_low():
    s = signals(
        ("customer", "A train to Cambridge on Friday."),
        ("agent", "Here is a train to Oxford on Monday."),
        ("customer", "No, Cambridge, and Friday."),
        ("customer", "That's not what I asked."),
    )
    result = customer_reaction(s, shipped_params("customer_reaction"))
    assert result.value == 0.0
    quotes = [e.quote for e in result.evidence]
    assert quotes[0].strip().lower().startswith("no")
    for e in result.evidence:
        assert s.messages[e.message_index].text[e.start : e.end] == e.quote


def test_no_verdict_is_neutral_and_no_reaction_is_na():
    s = signals(("customer", "Opening hours?"), ("agent", "9 to 5."), ("customer", "And Sunday?"))
    assert customer_reaction(s, shipped_params("customer_reaction")).value == 0.5
    assert customer_reaction(signals(("agent", "Hello")), shipped_params("customer_reaction")).na
    assert customer_reaction(
        signals(("customer", "Hello?")), shipped_params("customer_reaction")
    ).na
    assert customer_reaction(
        signals(("customer", "Thanks in advance"), ("agent", "Hi")),
        shipped_params("customer_reaction"),
    ).na


def test_no_inside_a_sentence_is_not_a_correction():
    s = signals(("agent", "Hi"), ("customer", "Is there no parking? Thanks."))
    assert customer_reaction(s, shipped_params("customer_reaction")).value == 1.0


def test_bad_parameters_are_refused_when_the_rubric_loads():
    with pytest.raises(ParameterProblems, match="'correction_weight': must be a number"):
        shipped_params("customer_reaction", {"correction_weight": "lots"})
    with pytest.raises(ParameterProblems, match="'satisfied': must be a list of phrases"):
        shipped_params("customer_reaction", {"satisfied": 3})
