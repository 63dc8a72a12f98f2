"""Empathy in the agent's replies, after the EPITOME framework (Sharma et al., EMNLP 2020).

EPITOME names three ways a reply communicates empathy; each is one detector here, built from
transparent phrase classes (the lists are the rubric's parameters, in rubrics/empathy.yaml):

- `shows_understanding` (EPITOME "interpretations"): the agent shows it understood what the
  customer feels or lives through: understanding phrases ("I understand", "that must be
  frustrating", "sounds like") and sentences in which the agent relates it to its own experience
  ("I had the same problem last year"; first person, not a service action such as "I'll check",
  not about the customer such as "I've unlocked your account";
  each first-person word there counts `shared_experience_weight`).
- `acknowledges_feelings`: understanding or compassion ("sorry to hear") when it is needed:
  N/A unless the customer is upset: a customer turn with a VADER compound at or below
  `upset_below`, or a distress phrase ("frustrated", "still not working").
- `warm_tone` (EPITOME "emotional reactions"): warmth, compassion and concern ("I'm so sorry
  to hear", "I hope", "glad", "take care"), and kind words addressed to the customer; cold or
  dismissive phrases ("as I said", "calm down") pull it down. 0.5 is a neutral, businesslike
  tone.
- `empathic_exploration` (EPITOME "explorations"): questions about the customer's situation
  or feelings ("What happened?", "How are you feeling?", "Could you tell me more?").

Each value grows with the number of distinct cues and saturates at `saturation` cues.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable

from scoring.detectors.base import DetectorOutcome, Evidence, detector
from scoring.outcomes import not_applicable, outcome
from scoring.params import DetectorParams, Field, PhraseList, Phrases, Sentiment, Weight
from scoring.text import sentence_spans
from scoring.text_cache import text_cache

# first-person words that open a sentence about the agent's own experience
FIRST_PERSON = r"\b(?:i|i'm|i've|i'd|im|ive|my|me|myself)\b"
YOU = r"\b(?:you|your|you're|youre|yourself|u)\b"


class AcknowledgesParams(DetectorParams):
    distress: Phrases = Field(description="customer phrases that show they are upset")
    upset_below: Sentiment = Field(-0.3, description="or a customer turn this negative (VADER)")
    understanding: Phrases = Field(description='understanding phrases ("I understand")')
    warmth: Phrases = Field(description='compassion phrases ("sorry to hear")')
    warmth_weight: Weight = Field(0.5, description="a compassion phrase counts this much")
    saturation: Weight = Field(3.0, description="cues for full marks")


class UnderstandingParams(DetectorParams):
    understanding: Phrases = Field(description='understanding phrases ("I understand")')
    service_actions: Phrases = Field(
        description="first-person service actions that are not the agent's own experience"
    )
    # each first-person word ("I", "my", "me") in a sentence about the agent's own experience
    # counts this much (an explicit understanding phrase counts 1)
    shared_experience_weight: Weight = Field(
        0.5, description="per first-person word in an own-experience sentence"
    )
    saturation: Weight = Field(4.0, description="cues for full marks")


class WarmToneParams(DetectorParams):
    warmth: Phrases = Field(description="warmth, compassion and concern")
    cold: Phrases = Field(description="cold or dismissive phrases")
    saturation: Weight = Field(3.0, description="warm cues for full marks")
    cold_penalty: Weight = Field(0.5, description="taken off per cold phrase")


class ExplorationParams(DetectorParams):
    exploration: Phrases = Field(description='exploring phrases ("tell me more")')
    saturation: Weight = Field(2.5, description="cues for full marks")
    other_question_weight: Weight = Field(
        0.5, description="a question not addressed to the customer"
    )
    phrase_weight: Weight = Field(0.5, description="an exploring phrase")


@text_cache(64)
def _regex(source: str) -> re.Pattern[str]:
    return re.compile(source, re.IGNORECASE)


def _sentences(text: str) -> list[tuple[int, int]]:
    return sentence_spans(text) or ([(0, len(text))] if text.strip() else [])


def _agent_with_text(signals) -> list[int]:
    return [i for i in signals.agent if signals.messages[i].text.strip()]


def customer_upset(signals, params: AcknowledgesParams) -> tuple[bool, Evidence | None, str]:
    """Is the customer upset? (a distress phrase, or a turn at/below `upset_below`)."""
    upset_below = params.upset_below
    found = params.distress.distinct(signals, signals.customer)
    if found:
        return True, found[0], f"the customer sounds upset (“{found[0].quote}”)"
    worst: tuple[int, float] | None = None
    for i in signals.customer:
        if signals.messages[i].text.strip():
            value = signals.sentiment(i)
            if worst is None or value < worst[1]:
                worst = (i, value)
    if worst is not None and worst[1] <= upset_below:
        text = signals.messages[worst[0]].text
        start = len(text) - len(text.lstrip())
        end = min(len(text.rstrip()), start + 120)
        evidence = Evidence(worst[0], start, end, text[start:end])
        return True, evidence, f"the customer's sentiment fell to {worst[1]:+.2f}"
    return False, None, "the customer does not sound upset"


# FIRST_PERSON and YOU, for lowercased ASCII text: the same matches as the case-insensitive
# patterns (no non-ASCII letter can fold into these words), about twice as fast
_FIRST_PERSON_ASCII = re.compile(r"(?=[im])" + FIRST_PERSON)
_YOU_ASCII = re.compile(r"(?=[uy])" + YOU)


def _searchable(text: str) -> tuple[str, re.Pattern[str], re.Pattern[str]]:
    """(text to search, first-person pattern, "you" pattern) with the same match offsets."""
    if text.isascii():
        return text.lower(), _FIRST_PERSON_ASCII, _YOU_ASCII
    return text, _regex(FIRST_PERSON), _regex(YOU)


@text_cache()
def _text_shared(text: str, service_actions: PhraseList) -> tuple[tuple[int, int, int], ...]:
    """(start, end, first-person words) of the sentences in which the writer talks about itself."""
    searched, first_person_pattern, you = _searchable(text)
    first_person = [m.start() for m in first_person_pattern.finditer(searched)]
    if not first_person:
        return ()
    service = None  # service-action phrases: looked for only when a sentence gets that far
    spans = []
    for start, end in _sentences(text):
        mentions = bisect_left(first_person, end) - bisect_left(first_person, start)
        if not mentions or text[start:end].rstrip().endswith("?"):
            continue
        if you.search(searched, start, end):  # about the customer ("I've unlocked your account")
            continue
        if service is None:
            service = [start for start, _ in service_actions.spans(text)]
        if bisect_left(service, end) - bisect_left(service, start):
            continue
        spans.append((start, end, mentions))
    return tuple(spans)


def shared_experience(
    signals, indices: Iterable[int], service_actions: PhraseList
) -> tuple[list[Evidence], int]:
    """Agent sentences about its own related experience (first person, not a service action),
    and how many first-person words they hold (more self-disclosure, more weight)."""
    found: list[Evidence] = []
    mentions = 0
    for i in indices:
        text = signals.messages[i].text
        for start, end, count in _text_shared(text, service_actions):
            found.append(Evidence(i, start, end, text[start:end]))
            mentions += count
    return found, mentions


@text_cache()
def _text_questions(text: str) -> tuple[tuple[int, int, bool], ...]:
    """(start, end, addressed to "you") of the question sentences of a text."""
    searched, _, you = _searchable(text)
    return tuple(
        (start, end, bool(you.search(searched, start, end)))
        for start, end in _sentences(text)
        if "?" in text[start:end]
    )


def _value(count: float, saturation: float) -> float:
    return min(1.0, count / saturation) if saturation > 0 else 1.0


def _quotes(evidence: list[Evidence], limit: int = 2) -> str:
    return ", ".join(f"“{e.quote[:80]}”" for e in evidence[:limit])


def _few(count: float, saturation: float) -> str:
    """' (a weak sign: full marks take 4 such signs)' when the count scores below half marks."""
    if saturation > 0 and count / saturation < 0.5:
        return f" (a weak sign: full marks take {saturation:g} such signs)"
    return ""


@detector("acknowledges_feelings", AcknowledgesParams)
def acknowledges_feelings(signals, params: AcknowledgesParams) -> DetectorOutcome:
    """Does the agent acknowledge the upset customer's feelings (understanding or compassion)?"""
    agent = _agent_with_text(signals)
    if not agent or not signals.customer:
        return not_applicable("needs a customer message and an agent reply")
    upset, trigger, reason = customer_upset(signals, params)
    if not upset:
        return not_applicable(f"{reason}: no acknowledgement needed")
    understanding = params.understanding.distinct(signals, agent)
    warmth = params.warmth.distinct(signals, agent)
    saturation = params.saturation
    warmth_weight = params.warmth_weight
    count = len(understanding) + warmth_weight * len(warmth)
    evidence = [trigger] if trigger else []
    if count == 0:
        return outcome(0.0, f"{reason} but the agent never acknowledged it", evidence)
    cited = understanding[:2] + warmth[:1]
    return outcome(
        _value(count, saturation),
        f"{reason}; the agent acknowledged it: {_quotes(cited, 3)}{_few(count, saturation)}",
        evidence + cited,
    )


@detector("shows_understanding", UnderstandingParams)
def shows_understanding(signals, params: UnderstandingParams) -> DetectorOutcome:
    """Does the agent show it understood the customer's situation (or has lived it too)?"""
    agent = _agent_with_text(signals)
    if not agent or not signals.customer:
        return not_applicable("needs a customer message and an agent reply")
    understanding = params.understanding.distinct(signals, agent)
    shared, mentions = shared_experience(signals, agent, params.service_actions)
    shared_weight = params.shared_experience_weight
    saturation = params.saturation
    count = len(understanding) + shared_weight * mentions
    if count == 0:
        return outcome(0.0, "nothing shows the agent understood the customer's situation")
    cited = understanding[:2] + shared[:1]
    return outcome(
        _value(count, saturation),
        f"the agent showed understanding: {_quotes(cited, 3)}{_few(count, saturation)}",
        cited,
    )


@detector("warm_tone", WarmToneParams)
def warm_tone(signals, params: WarmToneParams) -> DetectorOutcome:
    """Warmth, compassion and concern in the agent's replies (0.5 = neutral, businesslike)."""
    agent = _agent_with_text(signals)
    if not agent:
        return not_applicable("no agent reply to judge")
    warmth = params.warmth.distinct(signals, agent)
    cold = params.cold.distinct(signals, agent)
    saturation = params.saturation
    cold_penalty = params.cold_penalty
    value = 0.5 + 0.5 * _value(len(warmth), saturation) - cold_penalty * len(cold)
    if cold:
        return outcome(value, f"cold or dismissive: {_quotes(cold)}", cold[:2] + warmth[:1])
    if warmth:
        return outcome(value, f"warm: {_quotes(warmth, 3)}", warmth[:3])
    return outcome(value, "neutral, businesslike tone: no warmth, nothing cold")


@detector("empathic_exploration", ExplorationParams)
def empathic_exploration(signals, params: ExplorationParams) -> DetectorOutcome:
    """Does the agent ask about the customer's situation or feelings?"""
    agent = _agent_with_text(signals)
    if not agent or not signals.customer:
        return not_applicable("needs a customer message and an agent reply")
    questions_to_customer: list[Evidence] = []
    other_questions: list[Evidence] = []
    for i in agent:
        text = signals.messages[i].text
        for start, end, to_you in _text_questions(text):
            target = questions_to_customer if to_you else other_questions
            target.append(Evidence(i, start, end, text[start:end]))
    explorations = params.exploration.distinct(signals, agent)
    saturation = params.saturation
    other_weight = params.other_question_weight
    phrase_weight = params.phrase_weight
    count = (
        len(questions_to_customer)
        + other_weight * len(other_questions)
        + phrase_weight * len(explorations)
    )
    if count == 0:
        return outcome(0.0, "the agent asked nothing about the customer's situation")
    cited = questions_to_customer[:2] or other_questions[:2] or explorations[:2]
    return outcome(
        _value(count, saturation),
        f"the agent asked: {_quotes(cited)}{_few(count, saturation)}",
        cited,
    )
