"""Per-conversation signals, computed once and shared by every detector.

Cheap things (who spoke when, timing) are computed eagerly in one pass over the messages;
expensive things (VADER sentiment, lowercase copies) are computed lazily, only when a detector
asks, and cached for the rest of the conversation. Internal notes are never part of `public`,
`customer` or `agent`, so no detector can score them by accident.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime

from canonical.model import Conversation, Message

_WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")


def normalise_reply(text: str) -> str:
    """The form in which agent replies are compared for verbatim reuse (template detection).

    Lowercased with ASCII whitespace runs collapsed (`scoring.templates` hashes this form).
    """
    return _WHITESPACE.sub(" ", text.lower()).strip()


class ConversationSignals:
    """What detectors read: message groups, timing and lazily computed text signals."""

    def __init__(
        self,
        conversation: Conversation,
        template_hashes: frozenset[int] | None = None,
    ) -> None:
        self.conversation = conversation
        self.messages: tuple[Message, ...] = conversation.messages
        self.channel: str = conversation.channel or "other"
        self.template_hashes = template_hashes
        public: list[int] = []
        customer: list[int] = []
        agent: list[int] = []
        for i, message in enumerate(conversation.messages):
            if message.internal:
                continue
            public.append(i)
            if message.role == "customer":
                customer.append(i)
            elif message.role == "agent":
                agent.append(i)
        self.public = tuple(public)
        self.customer = tuple(customer)
        self.agent = tuple(agent)
        self._sentiment: dict[int, float] = {}
        self._lower: dict[int, str] = {}
        self._timing()

    # -- timing ---------------------------------------------------------------------------------
    def _timing(self) -> None:
        messages = self.messages
        times = [(i, messages[i].sent_at) for i in self.public if messages[i].sent_at is not None]
        self.has_timestamps = len(times) >= 2
        self.first_response_seconds: float | None = None
        self.first_response_index: int | None = None
        self.awaiting_first_reply = False  # customer wrote (timestamped) and no agent ever replied
        self.reply_gaps: list[tuple[int, int, float]] = []  # (customer index, agent index, seconds)
        self.handle_seconds: float | None = None
        if not self.has_timestamps:
            return
        self.handle_seconds = _seconds(times[0][1], times[-1][1])
        waiting_since: tuple[int, datetime] | None = None  # first unanswered customer message
        for i in self.public:
            message = messages[i]
            if message.sent_at is None:
                continue
            if message.role == "customer":
                if waiting_since is None:
                    waiting_since = (i, message.sent_at)
            elif message.role == "agent" and waiting_since is not None:
                gap = _seconds(waiting_since[1], message.sent_at)
                self.reply_gaps.append((waiting_since[0], i, gap))
                waiting_since = None
        if self.reply_gaps:
            first = self.reply_gaps[0]
            self.first_response_seconds = first[2]
            self.first_response_index = first[1]
        elif waiting_since is not None:
            self.awaiting_first_reply = True

    @property
    def longest_reply_gap(self) -> tuple[int, int, float] | None:
        return max(self.reply_gaps, key=lambda gap: gap[2]) if self.reply_gaps else None

    @property
    def longest_reply_gap_seconds(self) -> float | None:
        gap = self.longest_reply_gap
        return gap[2] if gap else None

    # -- text -----------------------------------------------------------------------------------
    def text(self, i: int) -> str:
        return self.messages[i].text

    def lower(self, i: int) -> str:
        cached = self._lower.get(i)
        if cached is None:
            cached = self._lower[i] = self.messages[i].text.lower()
        return cached

    def texts(self, indices: Iterable[int]) -> list[tuple[int, str]]:
        messages = self.messages
        return [(i, messages[i].text) for i in indices]

    # -- sentiment (lazy: VADER is the most expensive signal) -------------------------------------
    def sentiment(self, i: int) -> float:
        """VADER compound (-1..1) of message i, computed on first use."""
        value = self._sentiment.get(i)
        if value is None:
            from scoring.sentiment import compound

            value = self._sentiment[i] = compound(self.messages[i].text)
        return value

    def customer_sentiments(self) -> list[tuple[int, float]]:
        return [(i, self.sentiment(i)) for i in self.customer if self.messages[i].text.strip()]

    def _customer_with_text(self) -> list[int]:
        return [i for i in self.customer if self.messages[i].text.strip()]

    @property
    def opening_sentiment(self) -> float | None:
        turns = self._customer_with_text()
        return self.sentiment(turns[0]) if turns else None

    @property
    def closing_sentiment(self) -> float | None:
        turns = self._customer_with_text()
        return self.sentiment(turns[-1]) if turns else None

    @property
    def min_customer_sentiment(self) -> float | None:
        values = [v for _, v in self.customer_sentiments()]
        return min(values) if values else None

    def known_sentiments(self) -> Mapping[int, float]:
        """Sentiments computed so far (for storing without forcing new VADER work)."""
        return self._sentiment


def _seconds(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds())
