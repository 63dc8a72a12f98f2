"""Rules added for validity: each one judged on a hand-written case, with the real rubrics.

- the critical criterion fails on abuse aimed at the customer only; a curse about a system or a
  third party fails the non-critical professional_language (and never zeroes the conversation);
- an upset customer is seen beyond VADER ("??", "billed twice", "still", "Sort it out.");
- the agent's "glad I could help" does not confirm a resolution the customer denied;

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

from canonical.model import Conversation, Message
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


@pytest.mark.parametrize(
    ("reply", "abuse", "crude"),
    [
        ("You're an idiot, read the email.", True, False),
        ("Are you deaf? I already told you that.", True, False),
        ("Shut up and listen.", True, True),
        ("Just go away.", True, False),
        ("You idiot.", True, False),
        ("Can't you read? It says 5 days.", True, False),
        ("That is your stupid mistake.", True, False),
        ("This damn system never works.", False, True),
        ("The bloody courier messed it up again.", False, True),
        ("Honestly this crap happens all the time.", False, True),
        ("The problem will go away after a restart.", False, False),
        ("Why can't you read the file as a string?", False, False),
        ("Please don't worry, you're not stupid for asking.", False, False),
        ("These pills will fuck you up, be careful.", False, True),
        ("Tell him to fuck off.", False, True),
    ],
)
def test_only_abuse_aimed_at_the_customer_is_an_auto_fail(rubrics, reply, abuse, crude):
    result = score(conversation(("customer", "Where is my order?"), ("agent", reply)), rubrics)
    assert result.criterion("communication", "no_abuse").failed is abuse
    assert result.criterion("communication", "professional_language").failed is crude
    assert (result.quality_score == 0) is abuse
    assert result.critical_failures == (("communication.no_abuse",) if abuse else ())


@pytest.mark.parametrize(
    "text",
    [
        "Why have I been billed twice?? Sort it out.",
        "I was charged twice for one order.",
        "It's still not working.",
        "This is the third time I'm writing about this.",
    ],
)
def test_upset_customer_is_seen_beyond_vader(rubrics, text):
    result = score(
        conversation(("customer", text), ("agent", "Let me check that for you.")), rubrics
    )
    acknowledge = result.criterion("empathy", "acknowledge_feelings")
    apology = result.criterion("empathy", "apology")
    assert not acknowledge.na and "upset" in acknowledge.rationale
    assert not apology.na and apology.failed
    assert result.criterion("resolution", "customer_outcome").failed


def test_glad_i_could_help_does_not_confirm_what_the_customer_denied(rubrics):
    denied = conversation(
        ("customer", "My refund never arrived."),
        ("agent", "Is everything sorted on your side now?"),
        ("customer", "No, not really."),
        ("agent", "I'm glad I could help with this."),
    )
    result = score(denied, rubrics).criterion("resolution", "confirmation")
    assert result.failed
    assert "glad I could help" in result.rationale and "No, not really." in result.rationale
    confirmed = conversation(
        ("customer", "My refund never arrived."),
        ("agent", "I've resent it. Does that help?"),
        ("customer", "Yes, got it now, thanks."),
        ("agent", "I'm glad I could help with this."),
    )
    assert not score(confirmed, rubrics).criterion("resolution", "confirmation").failed
