"""Empathy in the agent's replies, after the EPITOME framework (Sharma et al., EMNLP 2020).

EPITOME names three ways a reply communicates empathy; each is one detector here, built from
transparent phrase classes (rubric YAML params may replace any list or number):

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
from scoring.outcomes import not_applicable, number, outcome, phrases
from scoring.text import phrase_index, sentence_spans
from scoring.text_cache import text_cache

# -- phrase classes (defaults; YAML params override) ----------------------------------------------
DISTRESS = (
    "frustrat*",
    "upset",
    "angry",
    "annoy*",
    "furious",
    "disappoint*",
    "unacceptable",
    "ridiculous",
    "terrible",
    "awful",
    "horrible",
    "worst",
    "fed up",
    "sick of",
    "tired of",
    "still not",
    "not working",
    "doesn't work",
    "does not work",
    "worried",
    "worry",
    "anxious",
    "anxiety",
    "stress*",
    "scared",
    "afraid",
    "sad",
    "depress*",
    "lonely",
    "alone",
    "hurt*",
    "cry*",
    "hate",
    "miserable",
    "desperate",
    "struggl*",
    "suicid*",
    "panic*",
    "can't take",
    "give up",
    "nobody",
    "no one",
)
UNDERSTANDING = (
    "i understand",
    "i totally understand",
    "i completely understand",
    "i can understand",
    "understandabl*",
    "i can imagine",
    "i can only imagine",
    "i know how",
    "i know what",
    "i know the feeling",
    "i know that feeling",
    "i know it's",
    "i know you",
    "i can relate",
    "i relate",
    "relatable",
    "i get it",
    "i get that",
    "i hear you",
    "i feel you",
    "i see why",
    "i see how",
    "i see what",
    "makes sense",
    "been there",
    "been through",
    "same here",
    "same boat",
    "same thing",
    "same way",
    "same problem",
    "same issue",
    "me too",
    "i feel the same",
    "i felt the same",
    "sounds like",
    "sounds really",
    "sounds so",
    "sounds very",
    # interpretive "that must be hard", not rules such as "you must be 18" or "bikes must be parked"
    "re:\\b(?:that|this|it|you|life|things)\\s+must\\s+(?:be|have\\s+been|feel)\\s+(?:so\\s+|really\\s+|very\\s+|pretty\\s+|incredibly\\s+|such\\s+a\\s+)?(?:hard|tough|difficult|awful|terrible|frustrating|scary|painful|exhausting|lonely|overwhelming|stressful|upsetting|horrible|rough|draining|confusing|heartbreaking|feeling|struggl\\w*|going\\s+through)",
    "must feel",
    "it seems like you",
    "seems like you",
    "you seem",
    "you might feel",
    "that feeling",
    "how you feel",
    "how hard",
    "how difficult",
    "how frustrating",
    "how annoying",
    "how stressful",
    "so frustrating",
    "really frustrating",
    "very frustrating",
    "frustrating for you",
    "inconvenien*",
    "re:(?<!like )(?<!want )\\bfor me\\b",  # shared experience, not "would you like for me to"
    "my experience",
    "in my case",
    "when i was",
    "i used to",
    "i went through",
)
# first-person words that open a sentence about the agent's own experience
FIRST_PERSON = r"\b(?:i|i'm|i've|i'd|im|ive|my|me|myself)\b"
# ... but not the service actions an agent reports ("I'll check", "I have refunded"), apologies or
# requests
SERVICE_ACTIONS = (
    "i'll",
    "i will",
    "i can",
    "i could",
    "let me",
    "i've checked",
    "i have checked",
    "i've sent",
    "i have sent",
    "i've updated",
    "i have updated",
    "i've escalated",
    "i have escalated",
    "i've forwarded",
    "i have forwarded",
    "i've processed",
    "i have processed",
    "i've issued",
    "i have issued",
    "i've refunded",
    "i have refunded",
    "i've booked",
    "i have booked",
    "i've made",
    "i have made",
    "i've reset",
    "i have reset",
    "i've cancelled",
    "i have cancelled",
    "i've added",
    "i have added",
    "i've found",
    "i have found",
    "i see that",
    "i see your",
    "i'm afraid",
    "i would recommend",
    "i recommend",
    "i suggest",
    "i'd recommend",
    "i'd suggest",
    "my name",
    "i've passed",
    "i have passed",
    "passed it on",
    "i've asked",
    "i have asked",
    "i've raised",
    "i have raised",
    "i've reported",
    "i have reported",
    "i've released",
    "i've unlocked",
    "i've contacted",
    "i have contacted",
    "i've arranged",
    "i've requested",
    "i'm on it",
    "bear with me",
    "give me a moment",
    "give me a minute",
    "i'm checking",
    "i'm looking",
    "i am checking",
    "i am looking",
    "pulled up",
    "i've reversed",
    "i have reversed",
    "i've credited",
    "i've applied",
    "i've changed",
    "i've fixed",
    "i've created",
    "i've replaced",
    "i've upgraded",
    "i've removed",
    # apologies and requests are judged by other criteria, they are not the agent's experience
    "sorry",
    "apolog*",
    "please",
)
WARMTH = (
    "sorry",
    "so sorry",
    "sorry to hear",
    "sorry for",
    "sorry you",
    "sorry about",
    "hug",
    "hugs",
    "hugging",
    "<3",
    "&lt;3",
    "that sucks",
    "sucks",
    "that's awful",
    "that's terrible",
    "that's horrible",
    "that's rough",
    "that's tough",
    "that's hard",
    "feel for you",
    "my heart",
    "i hope",
    "hope you",
    "hoping",
    "not alone",
    "here for you",
    "here to help",
    "here if you",
    "stay strong",
    "take care",
    "sending",
    "good luck",
    "best of luck",
    "wish you",
    "wishing you",
    "proud of you",
    "be kind to yourself",
    "bless",
    "i care",
    "care about you",
    "cares about you",
    "someone cares",
    "people care",
    "i feel you",
    "feel your pain",
    "here to listen",
    "i'm here",
    "want to talk",
    "you'll be fine",
    "you will be fine",
    "you'll be okay",
    "you will be okay",
    "be proud",
    "not just you",
    "you're not the only",
    "you are not the only",
    "you're strong",
    "you are strong",
    "we care",
    "love you",
    "feel better",
    "you deserve",
    "you matter",
    "you are worth",
    "you're worth",
    "glad",
    "happy for you",
    "happy to help",
    "congrat*",
    "awesome",
    "it's okay",
    "it's ok",
    "its ok",
    "you're doing",
    "you can do",
    "you got this",
    "you've got this",
    "keep going",
    "hang in there",
    "don't give up",
    "i believe in you",
    "rooting for you",
    "talk to me",
    "message me",
    "pm me",
    "dm me",
    "no worries",
    "don't worry",
    "rest assured",
    "my pleasure",
    "you're welcome",
    "of course",
    "wonderful",
    "great news",
    "have a great",
    "have a nice",
    "have a good",
    "have a lovely",
    "thank you for your patience",
    "thanks for your patience",
    "appreciate your patience",
    "thank you for bearing with",
)
COLD = (
    "as i said",
    "as i already said",
    "as already mentioned",
    "as i mentioned before",
    "as stated",
    "calm down",
    "nothing i can do",
    "nothing we can do",
    "not my problem",
    "not our problem",
    "you should have",
    "you need to read",
    "read the",
    "obviously",
    "whatever",
    "deal with it",
    "your fault",
    "you failed to",
    "policy is policy",
)
EXPLORATION = (
    "what happened",
    "how are you",
    "how do you feel",
    "how are you feeling",
    "how does that",
    "how did that",
    "want to talk",
    "talk about it",
    "tell me more",
    "can you tell me",
    "could you tell me",
    "what's going on",
    "what is going on",
    "what do you mean",
    "what did you",
    "what have you",
    "have you tried",
    "have you talked",
    "have you considered",
    "have you thought",
    "do you have",
    "are you",
    "did you",
    "would you like",
    "what would you",
    "how long",
    "when did",
)
YOU = r"\b(?:you|your|you're|youre|yourself|u)\b"

DEFAULT_UPSET_BELOW = -0.3
DEFAULT_SATURATION = 3.0  # cues for full marks (acknowledges_feelings, warm_tone)
UNDERSTANDING_SATURATION = 4.0
# each first-person word ("I", "my", "me") in a sentence about the agent's own experience counts
# this much (an explicit understanding phrase counts 1)
SHARED_EXPERIENCE_WEIGHT = 0.5
EXPLORATION_SATURATION = 2.5


@text_cache(64)
def _regex(source: str) -> re.Pattern[str]:
    return re.compile(source, re.IGNORECASE)


def _sentences(text: str) -> list[tuple[int, int]]:
    return sentence_spans(text) or ([(0, len(text))] if text.strip() else [])


@text_cache()
def _lists_found(text: str) -> dict[int, tuple[tuple[str, ...], tuple[tuple[int, int], ...]]]:
    """{id(list): (list, spans)} for the phrase lists searched in `text` so far (filled by
    `_text_matches`): one cache entry per text, not per (text, list), which took 3x the memory."""
    return {}


def _text_matches(text: str, phrase_list: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    # cached per text: agent replies repeat (macros) and several detectors ask the same lists
    found = _lists_found(text)
    entry = found.get(id(phrase_list))
    if entry is None or entry[0] is not phrase_list:  # the list is kept: its id is not reused
        spans = tuple((start, end) for start, end, _ in phrase_index(phrase_list).find(text))
        entry = found[id(phrase_list)] = (phrase_list, spans)
    return entry[1]


def _distinct_matches(
    signals, indices: Iterable[int], phrase_list: tuple[str, ...]
) -> list[Evidence]:
    """One Evidence per distinct phrase (lowercased) found in the given messages.

    Remembered for the conversation: several detectors ask for the same list in the same turns.
    """
    indices = tuple(indices)
    memo = signals.__dict__.setdefault("_empathy_matches", {})
    key = (indices, id(phrase_list))  # the list is a rubric parameter: alive all along
    cached = memo.get(key)
    if cached is not None:
        return list(cached)
    seen: set[str] = set()
    found: list[Evidence] = []
    for i in indices:
        text = signals.messages[i].text
        for start, end in _text_matches(text, phrase_list):
            phrase = text[start:end].lower()
            if phrase not in seen:
                seen.add(phrase)
                found.append(Evidence(i, start, end, text[start:end]))
    memo[key] = tuple(found)
    return found


def _agent_with_text(signals) -> list[int]:
    return [i for i in signals.agent if signals.messages[i].text.strip()]


def customer_upset(signals, params) -> tuple[bool, Evidence | None, str]:
    """Is the customer upset? (a distress phrase, or a turn at/below `upset_below`)."""
    distress = phrases(params, "distress", DISTRESS)
    upset_below = number(params, "upset_below", DEFAULT_UPSET_BELOW)
    found = _distinct_matches(signals, signals.customer, distress)
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
def _text_shared(text: str, service_actions: tuple[str, ...]) -> tuple[tuple[int, int, int], ...]:
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
            service = [start for start, _, _ in phrase_index(service_actions).find(text)]
        if bisect_left(service, end) - bisect_left(service, start):
            continue
        spans.append((start, end, mentions))
    return tuple(spans)


def shared_experience(signals, indices: Iterable[int], params) -> tuple[list[Evidence], int]:
    """Agent sentences about its own related experience (first person, not a service action),
    and how many first-person words they hold (more self-disclosure, more weight)."""
    service_actions = phrases(params, "service_actions", SERVICE_ACTIONS)
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
    """' (only a weak sign: full marks take 4)' when the count scores below half marks."""
    if saturation > 0 and count / saturation < 0.5:
        return f" (a weak sign: full marks take {saturation:g} such signs)"
    return ""


@detector("acknowledges_feelings")
def acknowledges_feelings(signals, params) -> DetectorOutcome:
    """Does the agent acknowledge the upset customer's feelings (understanding or compassion)?"""
    agent = _agent_with_text(signals)
    if not agent or not signals.customer:
        return not_applicable("needs a customer message and an agent reply")
    upset, trigger, reason = customer_upset(signals, params)
    if not upset:
        return not_applicable(f"{reason}: no acknowledgement needed")
    understanding = _distinct_matches(
        signals, agent, phrases(params, "understanding", UNDERSTANDING)
    )
    warmth = _distinct_matches(signals, agent, phrases(params, "warmth", WARMTH))
    saturation = number(params, "saturation", DEFAULT_SATURATION)
    warmth_weight = number(params, "warmth_weight", 0.5)
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


@detector("shows_understanding")
def shows_understanding(signals, params) -> DetectorOutcome:
    """Does the agent show it understood the customer's situation (or has lived it too)?"""
    agent = _agent_with_text(signals)
    if not agent or not signals.customer:
        return not_applicable("needs a customer message and an agent reply")
    understanding = _distinct_matches(
        signals, agent, phrases(params, "understanding", UNDERSTANDING)
    )
    shared, mentions = shared_experience(signals, agent, params)
    shared_weight = number(params, "shared_experience_weight", SHARED_EXPERIENCE_WEIGHT)
    saturation = number(params, "saturation", UNDERSTANDING_SATURATION)
    count = len(understanding) + shared_weight * mentions
    if count == 0:
        return outcome(0.0, "nothing shows the agent understood the customer's situation")
    cited = understanding[:2] + shared[:1]
    return outcome(
        _value(count, saturation),
        f"the agent showed understanding: {_quotes(cited, 3)}{_few(count, saturation)}",
        cited,
    )


@detector("warm_tone")
def warm_tone(signals, params) -> DetectorOutcome:
    """Warmth, compassion and concern in the agent's replies (0.5 = neutral, businesslike)."""
    agent = _agent_with_text(signals)
    if not agent:
        return not_applicable("no agent reply to judge")
    warmth = _distinct_matches(signals, agent, phrases(params, "warmth", WARMTH))
    cold = _distinct_matches(signals, agent, phrases(params, "cold", COLD))
    saturation = number(params, "saturation", DEFAULT_SATURATION)
    cold_penalty = number(params, "cold_penalty", 0.5)
    value = 0.5 + 0.5 * _value(len(warmth), saturation) - cold_penalty * len(cold)
    if cold:
        return outcome(value, f"cold or dismissive: {_quotes(cold)}", cold[:2] + warmth[:1])
    if warmth:
        return outcome(value, f"warm: {_quotes(warmth, 3)}", warmth[:3])
    return outcome(value, "neutral, businesslike tone: no warmth, nothing cold")


@detector("empathic_exploration")
def empathic_exploration(signals, params) -> DetectorOutcome:
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
    explorations = _distinct_matches(signals, agent, phrases(params, "exploration", EXPLORATION))
    saturation = number(params, "saturation", EXPLORATION_SATURATION)
    other_weight = number(params, "other_question_weight", 0.5)
    phrase_weight = number(params, "phrase_weight", 0.5)
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
