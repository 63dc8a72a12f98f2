"""What a demo conversation shows, read back from its text (the generator's own phrase banks).

Tests use these to check that the generated data carries the story (habits, coaching, drifts)
without peeking at the generator's internal coin flips.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from canonical.model import Conversation
from cornerstone.demo import phrases as P

_ANGRY_PATTERN = re.compile(
    "|".join(
        ".+?".join(re.escape(part) for part in re.split(r"\{\w+\}", line))
        for topic in P.TOPICS
        for line in topic.angry
    )
)
_WENT_WRONG = {topic.key: topic.went_wrong for topic in P.TOPICS}
_CANNED = frozenset(topic.canned for topic in P.TOPICS)
_SOLUTIONS = tuple(s for topic in P.TOPICS for s in topic.solutions + topic.generic_solutions)
_CHOICES = tuple(topic.choices for topic in P.TOPICS if topic.choices)
_ESCALATIONS = tuple(topic.escalation.split("{eta}")[0] for topic in P.TOPICS)


def agent_texts(conversation: Conversation) -> list[str]:
    return [m.text for m in conversation.messages if m.role == "agent" and not m.internal]


def _has(conversation: Conversation, phrases: tuple[str, ...]) -> bool:
    cut = [p.split("{")[0] for p in phrases]
    return any(piece in text for text in agent_texts(conversation) for piece in cut)


def customer_upset(conversation: Conversation) -> bool:
    """The customer opened with one of the angry lines."""
    return any(
        _ANGRY_PATTERN.fullmatch(m.text) for m in conversation.messages if m.role == "customer"
    )


def something_went_wrong(conversation: Conversation) -> bool:
    tags = set(conversation.tags)
    return any(topic.went_wrong and set(topic.tags) <= tags for topic in P.TOPICS)


def first_response_seconds(conversation: Conversation) -> float | None:
    customer_at: datetime | None = None
    for message in conversation.messages:
        if message.sent_at is None:
            return None
        if message.role == "customer" and customer_at is None:
            customer_at = message.sent_at
        if message.role == "agent" and not message.internal and customer_at is not None:
            return (message.sent_at - customer_at).total_seconds()
    return None


# Each behaviour: does the conversation show it? Keys are roster habit names.
BEHAVIOURS: dict[str, Callable[[Conversation], bool]] = {
    "greeting": lambda c: _has(c, tuple(g for bank in (P.GREETINGS_NAMED, P.GREETINGS_PLAIN) for gs in bank.values() for g in gs)),
    "closing": lambda c: _has(c, P.CLOSINGS_NAMED + P.CLOSINGS_PLAIN),
    "acknowledge": lambda c: _has(c, P.ACKNOWLEDGE),
    "set_expectations": lambda c: _has(c, P.EXPECTATIONS),
    "acknowledge_feelings": lambda c: _has(c, P.FEELINGS),
    "explore": lambda c: _has(c, P.EXPLORE),
    "apology": lambda c: _has(c, P.APOLOGIES),
    "warmth": lambda c: _has(c, P.WARM),
    "solution": lambda c: _has(c, _SOLUTIONS),
    "confirm_resolution": lambda c: _has(c, P.CONFIRM),
    "offer_choices": lambda c: _has(c, _CHOICES),
    "follow_up": lambda c: _has(c, _ESCALATIONS),
    "use_name": lambda c: c.customer_name is not None and any(c.customer_name.split()[0] in t for t in agent_texts(c)),
    "specific_reference": lambda c: any("CS-" in t for t in agent_texts(c)),
    "ask_feedback": lambda c: _has(c, P.FEEDBACK),
    "blame": lambda c: _has(c, P.BLAME),
    "canned": lambda c: any(t in _CANNED for t in agent_texts(c)),
    "shouting": lambda c: _has(c, P.SHOUTING),
    "profanity": lambda c: _has(c, P.PROFANITY),
    "rambling": lambda c: _has(c, tuple(r[:40] for r in P.RAMBLING)),
}  # fmt: skip

BAD = frozenset({"blame", "canned", "shouting", "profanity", "rambling"})


def good_handling(conversation: Conversation) -> float:
    """Share of the behaviours handled well (good ones shown, bad ones avoided)."""
    hits = 0
    for name, shows in BEHAVIOURS.items():
        hits += (not shows(conversation)) if name in BAD else shows(conversation)
    return hits / len(BEHAVIOURS)


def spearman(xs: list[float], ys: list[float]) -> float:
    def ranks(values: list[float]) -> list[float]:
        order = sorted(range(len(values)), key=values.__getitem__)
        result = [0.0] * len(values)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
                j += 1
            for k in range(i, j + 1):
                result[order[k]] = (i + j) / 2
            i = j + 1
        return result

    rx, ry = ranks(xs), ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx)
    vy = sum((b - my) ** 2 for b in ry)
    return cov / (vx * vy) ** 0.5
