"""Empathy and politeness detectors: clear cases both ways, N/A, exact evidence quotes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from canonical.model import Conversation, Message
from scoring.detectors.base import REGISTRY, DetectorOutcome, ParameterProblems
from scoring.detectors.empathy import (
    acknowledges_feelings,
    empathic_exploration,
    shows_understanding,
    warm_tone,
)
from scoring.detectors.politeness import politeness
from scoring.signals import ConversationSignals
from tests.scoring.shipped import shipped_params


def signals(*turns: tuple[str, str], internal: tuple[int, ...] = ()) -> ConversationSignals:
    messages = tuple(
        Message(role=role, text=text, internal=i in internal)
        for i, (role, text) in enumerate(turns)
    )
    return ConversationSignals(Conversation("c-1", messages))


def assert_evidence_exact(result: DetectorOutcome, s: ConversationSignals) -> None:
    for evidence in result.evidence:
        text = s.messages[evidence.message_index].text
        assert text[evidence.start : evidence.end] == evidence.quote
        assert evidence.quote


def test_detectors_are_registered_under_their_rubric_names():
    for name in (
        "acknowledges_feelings",
        "shows_understanding",
        "warm_tone",
        "empathic_exploration",
        "politeness",
    ):
        assert name in REGISTRY


UPSET = ("customer", "This is ridiculous, my card was charged twice and I'm so frustrated.")


def test_acknowledges_feelings_when_the_agent_acknowledges_an_upset_customer():
    s = signals(
        UPSET,
        ("agent", "I completely understand how frustrating that must be. I'm so sorry to hear it."),
    )
    result = acknowledges_feelings(s, shipped_params("acknowledges_feelings"))
    assert result.value is not None and result.value >= 0.5
    quotes = [e.quote.lower() for e in result.evidence]
    assert "ridiculous" in quotes  # the trigger in the customer's message
    assert "i completely understand" in quotes
    assert "acknowledged" in result.rationale
    assert_evidence_exact(result, s)


def test_acknowledges_feelings_fails_when_the_agent_ignores_the_upset_customer():
    s = signals(UPSET, ("agent", "Send the transaction ID."))
    result = acknowledges_feelings(s, shipped_params("acknowledges_feelings"))
    assert result.value == 0.0
    assert "never acknowledged" in result.rationale
    assert_evidence_exact(result, s)


def test_acknowledges_feelings_is_na_when_the_customer_is_calm():
    s = signals(("customer", "Hi, what are your opening hours?"), ("agent", "We open at 9am."))
    assert acknowledges_feelings(s, shipped_params("acknowledges_feelings")).na


def test_upset_by_sentiment_alone_and_threshold_is_a_parameter():
    s = signals(
        ("customer", "The delivery was a disaster and the box was damaged."), ("agent", "Noted.")
    )
    assert not acknowledges_feelings(
        s, shipped_params("acknowledges_feelings", {"distress": ["zzz"]})
    ).na  # VADER -0.6 <= -0.3
    assert acknowledges_feelings(
        s, shipped_params("acknowledges_feelings", {"distress": ["zzz"], "upset_below": -0.9})
    ).na


def test_acknowledges_feelings_needs_both_sides():
    assert acknowledges_feelings(signals(UPSET), shipped_params("acknowledges_feelings")).na
    assert acknowledges_feelings(
        signals(("agent", "Hello?")), shipped_params("acknowledges_feelings")
    ).na


def test_shows_understanding_counts_understanding_and_shared_experience():
    s = signals(
        ("customer", "My router keeps dropping the connection every evening."),
        (
            "agent",
            "That sounds really annoying. I had the same thing with my own router last year.",
        ),
    )
    result = shows_understanding(s, shipped_params("shows_understanding"))
    assert result.value is not None and result.value > 0.5
    quotes = [e.quote for e in result.evidence]
    assert "sounds really" in quotes
    assert "I had the same thing with my own router last year." in quotes
    assert_evidence_exact(result, s)


def test_service_actions_are_not_shared_experience():
    s = signals(
        ("customer", "My router keeps dropping the connection."),
        ("agent", "I'll check the line. I have reset your port."),
    )
    result = shows_understanding(s, shipped_params("shows_understanding"))
    assert result.value == 0.0


def test_warm_tone_both_ways():
    customer = ("customer", "Can I change my delivery address?")
    warm = signals(
        customer, ("agent", "Of course! Glad to help, and I hope the move goes well. Take care.")
    )
    neutral = signals(customer, ("agent", "The address was changed."))
    cold = signals(customer, ("agent", "As I said, you should have read the confirmation email."))
    warm_result, neutral_result, cold_result = (
        warm_tone(x, shipped_params("warm_tone")) for x in (warm, neutral, cold)
    )
    assert warm_result.value == 1.0
    assert neutral_result.value == 0.5
    assert cold_result.value is not None and cold_result.value < 0.5
    assert [e.quote for e in cold_result.evidence][:2] == ["As I said", "you should have"]
    assert "cold" in cold_result.rationale
    for result, s in ((warm_result, warm), (cold_result, cold)):
        assert_evidence_exact(result, s)


def test_warm_tone_ignores_internal_notes():
    s = signals(
        ("customer", "Where is my parcel?"),
        ("agent", "Whatever, calm down. Customer is annoying."),
        ("agent", "It arrives tomorrow."),
        internal=(1,),
    )
    assert warm_tone(s, shipped_params("warm_tone")).value == 0.5


def test_exploration_both_ways():
    asked = signals(
        UPSET, ("agent", "What happened when you tried to pay? Which card did you use?")
    )
    told = signals(UPSET, ("agent", "Refunds take five days."))
    asked_result = empathic_exploration(asked, shipped_params("empathic_exploration"))
    assert asked_result.value is not None and asked_result.value > 0.5
    assert asked_result.evidence[0].quote == "What happened when you tried to pay?"
    assert_evidence_exact(asked_result, asked)
    assert empathic_exploration(told, shipped_params("empathic_exploration")).value == 0.0


def test_phrase_lists_come_from_parameters():
    s = signals(UPSET, ("agent", "Bummer, mate."))
    assert shows_understanding(s, shipped_params("shows_understanding")).value == 0.0
    assert (
        shows_understanding(
            s, shipped_params("shows_understanding", {"understanding": ["bummer"], "saturation": 1})
        ).value
        == 1.0
    )


def test_polite_agent_scores_above_neutral_and_rude_agent_below():
    customer = ("customer", "My order has not arrived.")
    polite = signals(
        customer,
        ("agent", "Hi Sam, thanks for your patience. Could you please send me the order number?"),
    )
    rude = signals(
        customer, ("agent", "Why didn't you read the tracking page?? Send the order number.")
    )
    neutral = signals(customer, ("agent", "The order number is needed."))
    polite_result, rude_result, neutral_result = (
        politeness(x, shipped_params("politeness")) for x in (polite, rude, neutral)
    )
    assert polite_result.value > 0.75
    assert rude_result.value < 0.25
    assert neutral_result.value == 0.5
    polite_quotes = {e.quote for e in polite_result.evidence}
    assert {"thanks", "Hi"} <= polite_quotes
    assert "Could you" in polite_result.rationale
    assert {e.quote for e in rude_result.evidence} & {"Why", "??", "Send"}
    assert "polite:" in polite_result.rationale and "impolite:" in rude_result.rationale
    for result, s in ((polite_result, polite), (rude_result, rude)):
        assert_evidence_exact(result, s)


def test_politeness_is_na_without_agent_text():
    assert politeness(signals(("customer", "hello")), shipped_params("politeness")).na
    assert politeness(
        signals(("customer", "hello"), ("agent", "   ")), shipped_params("politeness")
    ).na


def test_start_strategies_only_count_at_a_sentence_start():
    start = signals(("agent", "Why is this broken."))
    middle = signals(("agent", "I wonder what broke."))
    assert politeness(start, shipped_params("politeness")).value < 0.5
    assert politeness(middle, shipped_params("politeness")).value >= 0.5


def test_politeness_strategies_can_be_overridden_and_added():
    s = signals(("agent", "Cheers mate, sorted."))
    off = politeness(
        s,
        shipped_params(
            "politeness", {"strategies": {"gratitude": {"weight": 0}}, "positive_word_weight": 0}
        ),
    )
    assert off.value == 0.5
    added = politeness(
        s,
        shipped_params(
            "politeness", {"strategies": {"mateyness": {"phrases": ["mate"], "weight": 2.0}}}
        ),
    )
    assert added.value > politeness(s, shipped_params("politeness")).value


@pytest.mark.parametrize(
    "params",
    [
        {"strategies": ["gratitude"]},
        {"strategies": {"gratitude": "high"}},
        {"strategies": {"gratitude": {"weight": "high"}}},
        {"strategies": {"newone": {"weight": 1}}},
        {"strategies": {"gratitude": {"colour": "red"}}},
        {"scale": 0},
    ],
)
def test_bad_politeness_parameters_raise_parameter_errors(params):
    with pytest.raises(ParameterProblems):
        shipped_params("politeness", params)


def test_detectors_cope_with_empty_emoji_and_other_languages():
    s = signals(
        ("customer", ""),
        ("agent", "🙂🙂"),
        ("customer", "¿Dónde está mi pedido? 😡"),
        ("agent", "Lo siento mucho."),
    )
    for function in (
        acknowledges_feelings,
        shows_understanding,
        warm_tone,
        empathic_exploration,
        politeness,
    ):
        result = function(s, shipped_params(function.__name__))
        assert result.value is None or 0.0 <= result.value <= 1.0
        assert_evidence_exact(result, s)


_WORDS = ["I", "i'm", "I've", "my", "Me", "myself", "you", "YOUR", "u", "youre", "mine", "ivy",
          "İ", "ı", "ſ", "K", "é", "it", "am", "?", ".", "\n", "!", "'", "-"]  # fmt: skip


@given(st.lists(st.sampled_from(_WORDS), max_size=25), st.sampled_from([" ", "", "  "]))
def test_first_person_and_you_fast_paths_match_the_case_insensitive_patterns(words, glue):
    from scoring.detectors.empathy import FIRST_PERSON, YOU, _regex, _searchable

    text = glue.join(words)
    searched, first_person, you = _searchable(text)
    assert [m.span() for m in first_person.finditer(searched)] == [
        m.span() for m in _regex(FIRST_PERSON).finditer(text)
    ]
    for start in range(0, len(text) + 1, 3):
        for end in range(start, len(text) + 1, 4):
            expected = _regex(YOU).search(text, start, end)
            found = you.search(searched, start, end)
            assert (found and found.span()) == (expected and expected.span())
