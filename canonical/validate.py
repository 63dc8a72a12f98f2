"""The one definition of a valid canonical conversation, for every import format.

`validate_conversation(dict) -> CanonicalConversation` either returns the normalised record or
raises `RecordError` with a reason a QA lead can act on ("messages[2].role must be one of
customer, agent, bot, system; got 'Agent Smith'"). Rules (also in docs/formats.md):

- `conversation_id` required: text or a whole number, not blank. `messages` required: a
  non-empty list; each message an object with `role` (customer|agent|bot|system, any case) and
  non-blank `text`.
- Text fields take JSON strings; whole numbers are accepted and become text (`123` -> "123");
  booleans, fractions, objects and lists are refused. Empty optional text becomes NULL.
- Surveys: whole numbers (or digit strings) `csat` 1-5, `nps` 0-10, `ces` 1-7; out of range is
  refused.
- Timestamps (`created_at`, `sent_at`) become naive UTC: ISO 8601 (offsets converted, no offset
  means UTC), epoch seconds or milliseconds, "Tue Oct 31 22:10:47 +0000 2017", "2024/03/05 10:00",
  RFC 2822 and a few more (`TIMESTAMP_FORMATS`). A timestamp we cannot read **quarantines the
  conversation**: a wrong date silently dropped would skew response-time scores, and the
  quarantine keeps the raw record with the exact field and value to fix before re-importing.
- `tags`: a list of text, or one text separated by `;` (the CSV form); empty tags are dropped.
- `internal`: boolean, or "true"/"false"/"1"/"0"/"yes"/"no" (any case); missing means false.
- Sizes (`LIMITS`): `conversation_id` up to 256 characters, names, ids, teams, channels,
  authors and tags up to 1,000, `subject` up to 10,000, a message's text up to 5,000,000; at most
  100,000 messages and 1,000 tags. A record over a limit is quarantined with the field and its
  size (a 1 MB id is a broken export, not an id).
- Unknown fields are ignored.

The DuckDB fast path in `warehouse/reading/ingest.py` accepts in SQL only records it can prove follow
these rules the same way, and sends everything else here; tests/warehouse/test_ingest_paths.py
checks both paths store the same rows for a corpus full of odd records.
"""

from __future__ import annotations

import email.utils
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from canonical.model import ROLES, Conversation, Message

SURVEY_RANGES = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}
MAX_ID_CHARS = 256
MAX_FIELD_CHARS = 1_000  # names, ids, team, channel, status, author, one tag
MAX_SUBJECT_CHARS = 10_000
MAX_TEXT_CHARS = 5_000_000  # one message (a 1 MB e-mail body is kept whole)
MAX_MESSAGES = 100_000
MAX_TAGS = 1_000
LIMITS = {
    "conversation_id": MAX_ID_CHARS,
    "subject": MAX_SUBJECT_CHARS,
    "text": MAX_TEXT_CHARS,
    "messages": MAX_MESSAGES,
    "tags": MAX_TAGS,
}
OPTIONAL_TEXT_FIELDS = (
    "status",
    "agent_id",
    "agent_name",
    "team",
    "customer_id",
    "customer_name",
    "subject",
)
# Tried in order after ISO 8601 and epoch numbers. Day-first/month-first numeric dates
# ("03/05/2024") are deliberately absent: they are ambiguous, so we refuse rather than guess.
TIMESTAMP_FORMATS = (
    "%a %b %d %H:%M:%S %z %Y",  # Twitter API: Tue Oct 31 22:10:47 +0000 2017
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y-%m-%d %H:%M:%S %z",
    "%Y-%m-%d %H:%M:%S %Z",  # 2024-03-05 10:00:00 UTC
    "%Y-%m-%dT%H:%M:%S.%f%z",
    "%d %b %Y %H:%M:%S",
    "%d %B %Y %H:%M",
    "%b %d, %Y %I:%M %p",  # Mar 5, 2024 10:00 AM
    "%B %d, %Y %I:%M %p",
)
_EPOCH_MILLIS_ABOVE = 100_000_000_000  # larger epoch numbers are milliseconds (after 1973)
_DIGITS = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
_BOOLEAN_WORDS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
_MIN_YEAR, _MAX_YEAR = 1970, 2200


class RecordError(ValueError):
    """A record that cannot be imported, with a readable reason (its position is added later)."""


def _within(text: str | None, field: str, limit: int) -> str | None:
    if text is not None and len(text) > limit:
        raise RecordError(f"{field} is {len(text):,} characters long; the limit is {limit:,}")
    return text


@dataclass(frozen=True, slots=True)
class CanonicalMessage:
    role: str
    text: str
    author: str | None
    sent_at: datetime | None
    internal: bool


@dataclass(frozen=True, slots=True)
class CanonicalConversation:
    """A validated, normalised conversation: exactly the columns the warehouse stores."""

    conversation_id: str
    channel: str | None
    created_at: datetime | None
    status: str | None
    agent_id: str | None
    agent_name: str | None
    team: str | None
    customer_id: str | None
    customer_name: str | None
    csat: int | None
    nps: int | None
    ces: int | None
    tags: list[str]
    subject: str | None
    messages: list[CanonicalMessage]


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"the number {value!r}"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def as_text(value: Any, field: str) -> str | None:
    """Text as given; whole numbers become text; None and "" become None."""
    if value is None:
        return None
    if isinstance(value, str):
        if _has_lone_surrogate(value):
            raise RecordError(f"{field} contains invalid Unicode (a lone surrogate)")
        return value if value != "" else None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise RecordError(f"{field} must be text, got {_kind(value)}")


def as_survey(value: Any, field: str) -> int | None:
    low, high = SURVEY_RANGES[field]
    if value is None or value == "":
        return None
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        number = int(value.strip())
    elif isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        as_float = float(value.strip())
        number = int(as_float) if as_float.is_integer() else None
    if number is None:
        shown = repr(value) if isinstance(value, str) else _kind(value)
        raise RecordError(f"{field} must be a whole number from {low} to {high}, got {shown}")
    if not low <= number <= high:
        raise RecordError(f"{field} must be from {low} to {high}, got {number}")
    return number


def as_boolean(value: Any, field: str) -> bool:
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _BOOLEAN_WORDS:
        return _BOOLEAN_WORDS[value.strip().lower()]
    shown = repr(value) if isinstance(value, str) else _kind(value)
    raise RecordError(f"{field} must be true or false, got {shown}")


def _from_epoch(number: float, field: str, shown: str) -> datetime:
    seconds = number / 1000 if abs(number) >= _EPOCH_MILLIS_ABOVE else number
    try:
        moment = datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        raise RecordError(f"{field}: {shown} is not a plausible epoch time") from None
    return _checked_year(moment, field, shown)


def _checked_year(moment: datetime, field: str, shown: str) -> datetime:
    if not _MIN_YEAR <= moment.year <= _MAX_YEAR:
        raise RecordError(f"{field}: {shown} is outside the years {_MIN_YEAR}-{_MAX_YEAR}")
    return moment


def _to_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def parse_timestamp(value: Any, field: str) -> datetime | None:
    """Naive UTC datetime from the forms listed in the module docstring; None for missing."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return _to_utc(value)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise RecordError(f"{field} must be a date and time, got {_kind(value)}")
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise RecordError(f"{field} must be a date and time, got {value!r}")
        return _from_epoch(value, field, repr(value))
    text = value.strip()
    if not text:
        return None
    shown = repr(value)
    if _NUMBER.fullmatch(text):
        return _from_epoch(float(text), field, shown)
    try:
        return _checked_year(_to_utc(datetime.fromisoformat(text)), field, shown)
    except ValueError:
        pass
    for pattern in TIMESTAMP_FORMATS:
        try:
            return _checked_year(_to_utc(datetime.strptime(text, pattern)), field, shown)
        except ValueError:
            continue
    try:
        return _checked_year(_to_utc(email.utils.parsedate_to_datetime(text)), field, shown)
    except (TypeError, ValueError, IndexError):
        pass
    raise RecordError(
        f"{field}: cannot read {shown} as a date and time "
        "(expected ISO 8601 such as 2024-03-05T10:00:00Z, epoch seconds, or RFC 2822)"
    )


def _message(value: Any, index: int) -> CanonicalMessage:
    where = f"messages[{index}]"
    if not isinstance(value, dict):
        raise RecordError(f"{where} must be an object with role and text, got {_kind(value)}")
    role_value = value.get("role")
    if role_value is None or role_value == "":
        raise RecordError(f"{where} has no role (one of {', '.join(ROLES)})")
    if not isinstance(role_value, str):
        raise RecordError(f"{where}.role must be text, got {_kind(role_value)}")
    role = role_value.strip().lower()
    if role not in ROLES:
        raise RecordError(f"{where}.role must be one of {', '.join(ROLES)}; got {role_value!r}")
    text = _within(as_text(value.get("text"), f"{where}.text"), f"{where}.text", MAX_TEXT_CHARS)
    if text is None or not text.strip():
        raise RecordError(f"{where} has no text")
    author = as_text(value.get("author"), f"{where}.author")
    return CanonicalMessage(
        role=role,
        text=text,
        author=_within(author, f"{where}.author", MAX_FIELD_CHARS),
        sent_at=parse_timestamp(value.get("sent_at"), f"{where}.sent_at"),
        internal=as_boolean(value.get("internal"), f"{where}.internal"),
    )


def _tags(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        items: list[Any] = value.split(";")
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise RecordError(f"tags must be a list of text, got {_kind(value)}")
    if len(items) > MAX_TAGS:
        raise RecordError(f"{len(items):,} tags; the limit is {MAX_TAGS:,}")
    tags = []
    for position, item in enumerate(items):
        tag = _within(as_text(item, f"tags[{position}]"), f"tags[{position}]", MAX_FIELD_CHARS)
        if tag is not None and tag.strip():
            tags.append(tag)
    return tags


def validate_conversation(record: Any) -> CanonicalConversation:
    """Check one canonical dict and return it normalised; raise RecordError with the reason."""
    if not isinstance(record, dict):
        raise RecordError(f"expected a conversation object, got {_kind(record)}")
    raw_id = record.get("conversation_id")
    if raw_id is None or raw_id == "":
        raise RecordError("missing conversation_id")
    conversation_id = as_text(raw_id, "conversation_id")
    if conversation_id is None or not conversation_id.strip():
        raise RecordError("conversation_id is blank")
    _within(conversation_id, "conversation_id", MAX_ID_CHARS)
    messages = record.get("messages")
    if messages is None:
        raise RecordError("missing messages")
    if not isinstance(messages, list):
        raise RecordError(f"messages must be a list, got {_kind(messages)}")
    if not messages:
        raise RecordError("messages is empty: a conversation needs at least one message")
    if len(messages) > MAX_MESSAGES:
        raise RecordError(f"{len(messages):,} messages; the limit is {MAX_MESSAGES:,}")
    channel = _within(as_text(record.get("channel"), "channel"), "channel", MAX_FIELD_CHARS)
    optional = {
        name: _within(
            as_text(record.get(name), name),
            name,
            MAX_SUBJECT_CHARS if name == "subject" else MAX_FIELD_CHARS,
        )
        for name in OPTIONAL_TEXT_FIELDS
    }
    return CanonicalConversation(
        conversation_id=conversation_id,
        channel=channel.strip().lower() or None if channel is not None else None,
        created_at=parse_timestamp(record.get("created_at"), "created_at"),
        csat=as_survey(record.get("csat"), "csat"),
        nps=as_survey(record.get("nps"), "nps"),
        ces=as_survey(record.get("ces"), "ces"),
        tags=_tags(record.get("tags")),
        messages=[_message(message, i) for i, message in enumerate(messages)],
        **optional,
    )


def to_model(record: CanonicalConversation) -> Conversation:
    """The validated record as the frozen model scoring consumes."""
    return Conversation(
        conversation_id=record.conversation_id,
        messages=tuple(
            Message(m.role, m.text, author=m.author, sent_at=m.sent_at, internal=m.internal)
            for m in record.messages
        ),
        channel=record.channel,
        created_at=record.created_at,
        status=record.status,
        agent_id=record.agent_id,
        agent_name=record.agent_name,
        team=record.team,
        customer_id=record.customer_id,
        customer_name=record.customer_name,
        csat=record.csat,
        nps=record.nps,
        ces=record.ces,
        tags=tuple(record.tags),
        subject=record.subject,
    )
