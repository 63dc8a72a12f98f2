"""Rules added for validity (helper G): each one judged on a hand-written case, with the real rubrics.

- acknowledging help is coming is N/A without timestamps (nobody can tell whether anyone waited);
- "anything else I can help with?" does not confirm that the issue is solved;
- "would you like for me to book it?" is an offer, not the agent's shared experience;
- politeness: reassurance and kind words read warmer, negation and "not" harsher, "not sure" is
  a hedge, not a negation.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from cornerstone.model import Conversation, Message
from scoring.detectors.politeness import text_cues
from scoring.engine import score
from scoring.loader import load_rubrics
from tests.scoring.shipped import shipped_params

RUBRICS = Path(__file__).resolve().parents[2] / "rubrics"


@pytest.fixture(scope="module")
def rubrics():
    return load_rubrics(RUBRICS)


def conversation(*turns: tuple[str, str], timed: bool = False) -> Conversation:
    start = datetime(2026, 3, 2, 14, 0)
    messages = tuple(
        Message(role=role, text=text, sent_at=start + timedelta(seconds=30 * i) if timed else None)
        for i, (role, text) in enumerate(turns)
    )
    return Conversation("g-1", messages, channel="chat")


TURNS = (
    ("customer", "My parcel never arrived."),
    ("agent", "I'm sorry about that. Let me check the tracking for you."),
    ("customer", "Thanks."),
)


def test_acknowledgement_needs_timestamps(rubrics):
    untimed = score(conversation(*TURNS), rubrics).criterion("responsiveness", "acknowledges_help")
    assert untimed.na and "timestamps" in untimed.rationale
    timed = score(conversation(*TURNS, timed=True), rubrics).criterion(
        "responsiveness", "acknowledges_help"
    )
    assert not timed.na and timed.score == 100
    assert timed.evidence[0].quote.lower() == "let me check"


def test_closing_question_is_not_a_confirmation(rubrics):
    closing = conversation(
        ("customer", "What time does the store open?"),
        ("agent", "At nine. Is there anything else I can help you with?"),
        ("customer", "When does it close?"),
    )
    result = score(closing, rubrics).criterion("resolution", "confirmation")
    assert not result.na and result.score == 0
    checked = conversation(
        ("customer", "The app crashes when I log in."),
        ("agent", "Please update to version 5. Does that fix it?"),
        ("customer", "Let me see."),
    )
    assert score(checked, rubrics).criterion("resolution", "confirmation").score == 100


def test_offer_for_me_is_not_shared_experience(rubrics):
    offer = conversation(
        ("customer", "I need a hotel in the north."),
        ("agent", "The Acorn is in the north. Would you like for me to book it?"),
    )
    assert score(offer, rubrics).criterion("empathy", "shows_understanding").score == 0
    shared = conversation(
        ("customer", "I can't sleep before exams and it scares me."),
        ("agent", "What worked for me was a walk every evening."),
    )
    result = score(shared, rubrics).criterion("empathy", "shows_understanding")
    assert result.score > 0
    assert any(e.quote.lower() == "for me" for e in result.evidence)


def strategies(text: str) -> set[str]:
    return {strategy for strategy, *_ in text_cues(text, shipped_params("politeness").matchers)}


def test_new_politeness_classes():
    assert {"reassurance", "kind_words"} <= strategies("No problem at all, nice to see you here.")
    assert "negation" not in strategies("No problem at all.")
    assert "asks_view" in strategies("Any thoughts on the new layout?")
    assert "emoticon" in strategies("Thanks for the fix :)")
    assert "emoticon" not in strategies("See http://example.com/a:b for details.")
    assert "negation" in strategies("That isn't what the page says.")
    assert "hedges" in strategies("I'm not sure this works.")
    assert "negation" not in strategies("I'm not sure this works.")


def test_politeness_direction(rubrics):
    def polite(text: str) -> float:
        result = score(conversation(("customer", "Hello?"), ("agent", text)), rubrics)
        return result.criterion("communication", "politeness").score

    assert polite("No worries, happy to check that for you.") > polite("Check that yourself.")
    assert polite("That would work.") > polite("That would not work.")


def test_rules_are_not_understanding(rubrics):
    rule = conversation(
        ("customer", "Can I hire a scooter?"),
        ("agent", "Yes. You must be 18 and scooters must be parked at the dock."),
    )
    assert score(rule, rubrics).criterion("empathy", "shows_understanding").score == 0
    feeling = conversation(
        ("customer", "My landlord is evicting me next week."),
        ("agent", "That must be so stressful."),
    )
    result = score(feeling, rubrics).criterion("empathy", "shows_understanding")
    assert result.score > 0
    assert any(e.quote.lower() == "that must be so stressful" for e in result.evidence)


def test_clock_time_is_a_timeline(rubrics):
    timed = conversation(
        ("customer", "When does the next train get in?"),
        ("agent", "The 9:30 service will arrive at 10:15."),
    )
    result = score(timed, rubrics).criterion("responsiveness", "sets_expectations")
    assert not result.na and result.score == 100
    vague = conversation(
        ("customer", "Where is my replacement card?"),
        ("agent", "It will arrive soon."),
    )
    assert score(vague, rubrics).criterion("responsiveness", "sets_expectations").score == 0
