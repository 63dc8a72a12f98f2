"""The canonical conversation: the one shape every importer produces and scoring consumes.

Only `conversation_id` and `messages` (each with `role` and `text`) are required; every other
field may be missing in real exports, so consumers must cope with None. Timestamps are naive
`datetime`s in UTC (importers normalise offsets).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

ROLES = ("customer", "agent", "bot", "system")
CHANNELS = ("chat", "email", "phone", "social", "sms", "web", "other")


@dataclass(frozen=True, slots=True)
class Message:
    role: str  # one of ROLES
    text: str
    author: str | None = None
    sent_at: datetime | None = None
    internal: bool = False  # internal notes: kept for reviewers, never scored as customer-facing

    def __reduce__(self):
        # pickled as constructor arguments: unpickling frozen slotted dataclasses field by field
        # costs about twice as much, and batches of conversations travel to scoring workers
        return (Message, (self.role, self.text, self.author, self.sent_at, self.internal))


@dataclass(frozen=True, slots=True)
class Conversation:
    conversation_id: str
    messages: tuple[Message, ...]
    channel: str | None = None
    created_at: datetime | None = None
    status: str | None = None
    agent_id: str | None = None
    agent_name: str | None = None
    team: str | None = None
    customer_id: str | None = None
    customer_name: str | None = None
    csat: int | None = None  # 1-5
    nps: int | None = None  # 0-10
    ces: int | None = None  # 1-7
    tags: tuple[str, ...] = field(default_factory=tuple)
    subject: str | None = None

    def __reduce__(self):
        return (Conversation, tuple(getattr(self, name) for name in _CONVERSATION_FIELDS))

    @property
    def public_messages(self) -> tuple[Message, ...]:
        """Messages the customer saw (internal notes left out): what scoring judges."""
        return tuple(m for m in self.messages if not m.internal)


_CONVERSATION_FIELDS = Conversation.__slots__  # in constructor order


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat() + "Z"


def canonical_dict(conversation: Conversation) -> dict:
    """The conversation as one canonical JSONL object (docs/formats.md); UTC times end in Z."""
    return {
        "conversation_id": conversation.conversation_id,
        "channel": conversation.channel,
        "created_at": _iso(conversation.created_at),
        "status": conversation.status,
        "agent_id": conversation.agent_id,
        "agent_name": conversation.agent_name,
        "team": conversation.team,
        "customer_id": conversation.customer_id,
        "customer_name": conversation.customer_name,
        "csat": conversation.csat,
        "nps": conversation.nps,
        "ces": conversation.ces,
        "tags": list(conversation.tags),
        "subject": conversation.subject,
        "messages": [
            {
                "role": m.role,
                "author": m.author,
                "text": m.text,
                "sent_at": _iso(m.sent_at),
                "internal": m.internal,
            }
            for m in conversation.messages
        ],
    }
