"""The scoring arithmetic: criterion scales, rubric and quality weighting, critical failures, N/A."""

from __future__ import annotations

import struct
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from canonical.model import Conversation, Message
from scoring.engine import score
from scoring.loader import load_rubrics
from scoring.outcomes import outcome

T0 = datetime(2026, 3, 1, 10, 0, 0)


def write_rubric(tmp_path, body: str, name: str = "r.yaml"):
    (tmp_path / name).write_text(body, encoding="utf-8")
    return tmp_path


TWO_CRITERIA = """\
id: r
name: R
weight: {weight}
criteria:
  - id: thanks
    question: Thanked?
    weight: 3
    detector: agent_phrase
    params: {{phrases: [thank you]}}
  - id: sorry
    question: Apologised?
    weight: 1
    critical: {critical}
    detector: agent_phrase
    params: {{phrases: [sorry]}}
"""


def chat(*texts: str, channel: str = "chat") -> Conversation:
    messages = []
    for i, text in enumerate(texts):
        messages.append(
            Message(
                "customer" if i % 2 == 0 else "agent", text, sent_at=T0 + timedelta(seconds=30 * i)
            )
        )
    return Conversation("c1", tuple(messages), channel=channel)


def test_rubric_score_is_the_weighted_mean_of_criteria(tmp_path):
    rubrics = load_rubrics(write_rubric(tmp_path, TWO_CRITERIA.format(weight=1, critical="false")))
    result = score(chat("help", "thank you for waiting"), rubrics)
    assert result.rubrics[0].score == 75.0  # thanks 100 × 3, sorry 0 × 1
    assert result.quality_score == 75.0
    assert not result.critical_failed


def test_a_failed_critical_criterion_zeroes_quality(tmp_path):
    rubrics = load_rubrics(write_rubric(tmp_path, TWO_CRITERIA.format(weight=1, critical="true")))
    result = score(chat("help", "thank you for waiting"), rubrics)
    assert result.rubrics[0].score == 75.0
    assert result.quality_score == 0.0
    assert result.critical_failed


def test_quality_is_weighted_over_rubrics_and_skips_all_na_rubrics(tmp_path):
    write_rubric(tmp_path, TWO_CRITERIA.format(weight=3, critical="false"))
    other = TWO_CRITERIA.format(weight=1, critical="false").replace("id: r\n", "id: s\n")
    write_rubric(tmp_path, other.replace("[thank you]", "[nothing here]"), "s.yaml")
    rubrics = load_rubrics(tmp_path)
    result = score(chat("help", "thank you, sorry"), rubrics)
    assert {r.rubric_id: r.score for r in result.rubrics} == {"r": 100.0, "s": 25.0}
    assert result.quality_score == pytest.approx((3 * 100 + 1 * 25) / 4)
    only_customer = score(Conversation("c2", (Message("customer", "hello?"),)), rubrics)
    assert only_customer.quality_score is None
    assert [r.score for r in only_customer.rubrics] == [None, None]


def test_criterion_outside_its_channels_is_na(tmp_path):
    body = TWO_CRITERIA.format(weight=1, critical="false").replace(
        "    weight: 3\n", "    weight: 3\n    channels: [email]\n"
    )
    rubrics = load_rubrics(write_rubric(tmp_path, body))
    result = score(chat("help", "thank you, sorry"), rubrics)
    thanks = result.criterion("r", "thanks")
    assert thanks.na and "chat" in thanks.rationale
    assert result.rubrics[0].score == 100.0


def test_five_point_scale_value_and_score():
    rubrics = load_rubrics()
    conversation = Conversation(
        "c",
        (
            Message("customer", "hello, my order is late", sent_at=T0),
            Message("agent", "Hi! Sorry, I'll check.", sent_at=T0 + timedelta(seconds=150)),
        ),
        channel="chat",
    )
    first = score(conversation, rubrics).criterion("responsiveness", "first_response")
    # chat target 60 s, zero at 4 × 60 s: 150 s is half-way → value 0.5 → 3 on 1-5, score 50
    assert first.score == 50.0 and first.value == 3.0 and not first.failed


def test_timing_criteria_are_na_without_timestamps():
    rubrics = load_rubrics()
    conversation = Conversation(
        "c", (Message("customer", "hello"), Message("agent", "Hi, how can I help?")), channel="chat"
    )
    result = score(conversation, rubrics)
    assert result.criterion("responsiveness", "first_response").na
    assert result.criterion("responsiveness", "reply_gaps").na
    assert result.first_response_seconds is None and result.handle_seconds is None


def test_internal_notes_are_not_scored():
    rubrics = load_rubrics()
    conversation = Conversation(
        "c",
        (
            Message("customer", "Where is my parcel?", sent_at=T0),
            Message(
                "agent",
                "what an idiot, SHE CANNOT READ AT ALL",
                sent_at=T0 + timedelta(seconds=5),
                internal=True,
            ),
            Message("agent", "Hi! Let me check that for you.", sent_at=T0 + timedelta(seconds=200)),
        ),
        channel="chat",
    )
    result = score(conversation, rubrics)
    assert not result.criterion("communication", "no_abuse").failed
    assert not result.criterion("communication", "no_shouting").failed
    assert result.first_response_seconds == 200.0


def test_score_json_matches_the_score_file_contract():
    rubrics = load_rubrics()
    data = score(
        chat("my order #12345 is broken", "Sorry! I've sent a replacement."), rubrics
    ).to_json()
    assert set(data) == {"conversation_id", "quality_score", "rubrics"}
    assert set(data["rubrics"]) == {
        "responsiveness",
        "empathy",
        "resolution",
        "personalisation",
        "communication",
    }
    for rubric in data["rubrics"].values():
        assert set(rubric) == {"score", "criteria"}
        for criterion in rubric["criteria"]:
            assert set(criterion) == {"id", "score", "na", "evidence", "rationale"}
            for evidence in criterion["evidence"]:
                assert set(evidence) == {"message_index", "start", "end", "quote"}


def test_score_json_criteria_equal_each_criterion_json():
    result = score(
        chat("My parcel is late and I'm upset", "I'm so sorry, Ana! I've sent a new one."),
        load_rubrics(),
    )
    data = result.to_json()
    for rubric in result.rubrics:
        assert data["rubrics"][rubric.rubric_id]["criteria"] == [
            c.to_json() for c in rubric.criteria
        ]
    assert any(c["evidence"] for r in data["rubrics"].values() for c in r["criteria"])


def test_a_crashing_detector_is_named_with_the_conversation(tmp_path):
    from scoring.detectors.base import PARAMETERS, REGISTRY, DetectorOutcome, detector
    from scoring.engine import ScoringError
    from scoring.params import DetectorParams

    @detector("test_broken", DetectorParams)
    def broken(signals, params):  # its parameters are fine: it fails on a real conversation
        if signals.messages:
            raise ZeroDivisionError("boom")
        return DetectorOutcome(None, "nothing to judge")

    try:
        rubrics = load_rubrics(
            write_rubric(
                tmp_path,
                TWO_CRITERIA.format(weight=1, critical="false").replace(
                    "    detector: agent_phrase\n    params: {phrases: [sorry]}",
                    "    detectors:\n      - agent_phrase: {phrases: [sorry]}\n      - test_broken",
                ),
            )
        )
        with pytest.raises(
            ScoringError, match=r"'test_broken' failed on conversation 'c1' \(r\.sorry\)"
        ):
            score(chat("hello", "thank you, sorry"), rubrics)
    finally:
        del REGISTRY["test_broken"], PARAMETERS["test_broken"]


@settings(max_examples=500)
@given(st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([-0.0, 0.0, 1.0, -1.0]))
def test_outcome_clamps_as_min_of_max_does(value):
    # the plain clamp is the oracle: same float bit for bit (NaN and -0.0 become 0.0)
    expected = min(1.0, max(0.0, float(value)))
    got = outcome(value, "r").value
    assert struct.pack("<d", got) == struct.pack("<d", expected)
