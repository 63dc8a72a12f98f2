"""Intercom conversations (REST API objects and flattened Airbyte/Singer records).

Shapes read (one conversation per conversation id, id `intercom:<id>`):
- a conversation object (`"type": "conversation"`), a list of them, `{"conversations": [...]}`
  (list/search responses), JSONL with one object per line, or the vendor's API examples file
  (an object keyed "METHOD path :: example" whose values are responses);
- Airbyte JSONL records `{"stream": "conversations" | "conversation_parts", "data": {...}}`, parts
  joined to their conversation by `conversation_id` (a conversation may come from parts only);
- the older v1.x shape with `conversation_message` instead of `source`.
The conversation's `source` is the first message. Parts with text become messages (comment,
quick_reply, and open/close/assignment parts that carry a reply); `note` parts are internal notes;
parts without text (events such as snoozed or attribute updates) are not messages. Author types:
admin/team = agent, user/lead/contact = customer, bot = bot. `conversation_rating.rating` = csat.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from canonical.importer import RawRecord, loads
from warehouse.reading.importers.email_quotes import split_quoted_replies
from warehouse.reading.importers.html_text import body_text
from warehouse.reading.importers.vendor_json import (
    SHAPE_ERRORS,
    UnreadStreams,
    any_key,
    as_list,
    attachments_text,
    compact,
    epoch_to_iso,
    guarded,
    has_keys,
    in_time_order,
    load_document,
    looks_canonical,
    looks_like_json,
    shape_error,
)

AUTHOR_ROLES = {
    "admin": "agent",
    "team": "agent",
    "user": "customer",
    "lead": "customer",
    "contact": "customer",
    "bot": "bot",
}
# who wrote a conversation's first message when its author is blank (Intercom: "For Twitter,
# this will be blank")
DELIVERED_AS_ROLES = {
    "customer_initiated": "customer",
    "admin_initiated": "agent",
    "operator_initiated": "bot",
    "automated": "agent",
    "campaigns_initiated": "agent",
}
SOURCE_CHANNELS = {
    "conversation": "chat",
    "chat": "chat",
    "push": "chat",
    "whatsapp": "chat",
    "email": "email",
    "facebook": "social",
    "instagram": "social",
    "twitter": "social",
    "phone_call": "phone",
    "phone_switch": "phone",
    "sms": "sms",
}


class IntercomImporter:
    name = "intercom"
    description = "Intercom: conversations with conversation_parts, Airbyte conversation records"

    def sniff(self, path: Path, head: str) -> float:
        if not looks_like_json(head) or looks_canonical(head):
            return 0.0
        if has_keys(head, "stream", "data") and (
            '"conversation_parts"' in head
            or (
                '"conversations"' in head
                and '"type": "conversation"' in head.replace('":"', '": "')
            )
        ):
            return 0.95
        if any_key(head, "conversation_parts", "conversation_message") and any_key(
            head, "source", "conversation_message"
        ):
            return 0.95
        if has_keys(head, "part_type", "author"):
            return 0.9
        if has_keys(head, "type") and '"conversation"' in head and any_key(head, "source"):
            return 0.7
        return 0.0

    def records(self, path: Path, text: str) -> Iterator[RawRecord]:
        return guarded(self._records(path, text))

    def _records(self, path: Path, text: str) -> Iterator[RawRecord]:
        stripped = text.lstrip("\ufeff \t\r\n")
        if stripped.startswith("{") and _is_json_lines(stripped):
            yield from _json_lines(text)
            return
        document, errors = load_document(text, ("conversations", "data"))
        yield from errors
        if document is None:
            return
        grouper = _Grouper()
        yield from _walk(document, "", grouper, top=True)
        yield from grouper.conversations()


def _is_json_lines(text: str) -> bool:
    first = text.split("\n", 1)[0].strip()
    try:
        loads(first)
    except ValueError:
        return False
    return "\n" in text.strip()


def _json_lines(text: str) -> Iterator[RawRecord]:
    grouper = _Grouper()
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            value = loads(line)
        except ValueError as error:
            yield RawRecord(where, line, error=f"invalid JSON: {error}")
            continue
        yield from _walk(value, where, grouper, top=False)
    yield from grouper.conversations()


def _walk(value: Any, where: str, grouper: _Grouper, top: bool) -> Iterator[RawRecord]:
    """Find the conversations in `value`; flattened records go to `grouper`."""
    label = where or "document"
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{where}[{index}]", grouper, top=False)
        return
    if not isinstance(value, dict):
        yield RawRecord(label, compact(value), error="not an Intercom conversation")
        return
    if "stream" in value and isinstance(value.get("data"), dict):
        data = value["data"]
        if value["stream"] == "conversation_parts":
            grouper.add_part(label, data)
        elif value["stream"] == "conversations":
            grouper.add_conversation(label, data)
        else:
            grouper.unread.add(value["stream"], label, value)
        return
    if (
        value.get("type") == "conversation"
        or "conversation_parts" in value
        or ("conversation_message" in value)
    ):
        grouper.add_conversation(label, value)
        return
    if value.get("type") == "conversation_part" or "part_type" in value:
        grouper.add_part(label, value)
        return
    if isinstance(value.get("conversations"), list):
        for index, item in enumerate(value["conversations"]):
            yield from _walk(item, f"{where}.conversations[{index}]".lstrip("."), grouper, False)
        return
    if top:
        # the vendor's API examples file: {"METHOD path :: example": response, ...}
        for key, item in value.items():
            if isinstance(item, dict | list):
                yield from _walk(item, key, grouper, top=False)
        return
    kind = value.get("type") or value.get("object")
    what = f"a {kind} object" if kind else "an object without a type"
    what = "a deletion notice" if value.get("deleted") else what
    yield RawRecord(
        label, compact(value), error=f"no conversation here ({what}): nothing to import"
    )


class _Grouper:
    """Collects conversations and flattened parts, in order of first appearance."""

    def __init__(self) -> None:
        self.order: list[str] = []
        self.heads: dict[str, tuple[str, dict[str, Any]]] = {}
        self.parts: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        self.refused: list[RawRecord] = []
        self.unread = UnreadStreams()  # Airbyte streams without conversations (contacts, ...)

    def _key(self, key: str) -> None:
        if key not in self.heads and key not in self.parts:
            self.order.append(key)

    def add_conversation(self, where: str, data: dict[str, Any]) -> None:
        if data.get("id") is None:
            self.refused.append(RawRecord(where, compact(data), error="conversation without an id"))
            return
        key = str(data["id"])
        self._key(key)
        known = self.heads.get(key)
        if known and _part_count(known[1]) > _part_count(data):
            return  # a list entry after the full object: keep the one with the parts
        self.heads[key] = (where, data)

    def add_part(self, where: str, data: dict[str, Any]) -> None:
        if data.get("conversation_id") is None:
            self.refused.append(
                RawRecord(where, compact(data), error="conversation part without conversation_id")
            )
            return
        key = str(data["conversation_id"])
        self._key(key)
        self.parts.setdefault(key, []).append((where, data))

    def conversations(self) -> Iterator[RawRecord]:
        yield from self.refused
        yield from self.unread.refusals()
        for key in self.order:
            head = self.heads.get(key)
            loose = self.parts.get(key, [])
            positions = ([head[0]] if head else []) + [where for where, _ in loose]
            position = _span(positions) + f" (conversation {key})"
            raw = compact(([head[1]] if head else []) + [data for _, data in loose])
            try:
                conversation = _conversation(key, head[1] if head else {}, [d for _, d in loose])
            except _Refused as refusal:
                yield RawRecord(position, raw, error=str(refusal))
                continue
            except SHAPE_ERRORS as error:
                yield RawRecord(position, raw, error=shape_error(error))
                continue
            yield RawRecord(position, raw, conversation=split_quoted_replies(conversation))


class _Refused(ValueError):
    pass


def _conversation(key: str, head: dict[str, Any], loose_parts: list[dict[str, Any]]) -> dict:
    messages: list[dict[str, Any]] = []
    source = head.get("source") or head.get("conversation_message")
    if isinstance(source, dict):
        message = _message(source, head.get("created_at"), "source")
        if message:
            messages.append(message)
    embedded = head.get("conversation_parts")
    if isinstance(embedded, dict):
        embedded = embedded.get("conversation_parts")
    parts = list(embedded or []) if isinstance(embedded, list) else []
    seen = {str(p.get("id")) for p in parts if isinstance(p, dict)}
    parts += [p for p in loose_parts if str(p.get("id")) not in seen]
    parts = in_time_order(parts, lambda p: p.get("created_at") if isinstance(p, dict) else None)
    for index, part in enumerate(parts):
        if not isinstance(part, dict):
            raise _Refused(f"conversation_parts[{index}] is not an object")
        message = _message(part, part.get("created_at"), f"part {part.get('id')}")
        if message:
            messages.append(message)
    if not messages:
        raise _Refused(f"conversation {key} has no message with text")
    contacts = head.get("contacts")
    contact_list = as_list(contacts.get("contacts") if isinstance(contacts, dict) else None)
    customer = (contact_list or [None])[0] or head.get("user") or {}
    customer_author = next(
        (m for m in messages if m["role"] == "customer" and m.get("author")), None
    )
    assignee = head.get("admin_assignee_id")
    if assignee is None and isinstance(head.get("assignee"), dict):
        assignee = head["assignee"].get("id")
    agent_names = _agent_names(source, parts)
    if assignee is None and agent_names:
        assignee = next(iter(agent_names))
    rating = head.get("conversation_rating")
    tags = head.get("tags")
    tag_list = as_list(tags.get("tags") if isinstance(tags, dict) else tags)
    source_type = source.get("type") if isinstance(source, dict) else None
    state = head.get("state") or (
        ("open" if head["open"] else "closed") if isinstance(head.get("open"), bool) else None
    )
    return {
        "conversation_id": f"intercom:{key}",
        "channel": SOURCE_CHANNELS.get(str(source_type), "chat") if source else "chat",
        "created_at": epoch_to_iso(head.get("created_at")) or messages[0].get("sent_at"),
        "status": state,
        "subject": (source.get("subject") or None) if isinstance(source, dict) else None,
        "agent_id": str(assignee) if assignee is not None else None,
        "agent_name": agent_names.get(str(assignee)) if assignee is not None else None,
        "team": str(head["team_assignee_id"]) if head.get("team_assignee_id") else None,
        "customer_id": str(customer["id"])
        if isinstance(customer, dict) and customer.get("id")
        else None,
        "customer_name": (customer.get("name") if isinstance(customer, dict) else None)
        or (customer_author["author"] if customer_author else None),
        "csat": rating.get("rating") if isinstance(rating, dict) else None,
        "tags": [str(t.get("name") if isinstance(t, dict) else t) for t in tag_list or []],
        "messages": messages,
    }


def _message(part: dict[str, Any], created_at: Any, label: str) -> dict[str, Any] | None:
    text = body_text(part.get("body")) or attachments_text(part.get("attachments"))
    if not text and part.get("part_type") == "quick_reply":
        options = part.get("reply_options") or (part.get("metadata") or {}).get("reply_options")
        if isinstance(options, list):
            text = " / ".join(str(o.get("text")) for o in options if isinstance(o, dict))
    if not text:
        return None  # events (snoozed, attribute updates, actions) are not messages
    author = part.get("author") or {}
    if not isinstance(author, dict):
        raise _Refused(f"{label}: `author` must be an object")
    kind = author.get("type")
    if not kind and label == "source" and part.get("delivered_as") in DELIVERED_AS_ROLES:
        role = DELIVERED_AS_ROLES[part["delivered_as"]]  # e.g. Twitter sources have no author
    elif not isinstance(kind, str) or kind not in AUTHOR_ROLES:
        raise _Refused(f"{label}: unknown author type {kind!r} (expected admin, user, lead, bot)")
    elif author.get("from_ai_agent") or author.get("is_ai_answer"):
        role = "bot"  # Fin and other AI agents write as an admin
    else:
        role = AUTHOR_ROLES[kind]
    return {
        "role": role,
        "author": author.get("name") or author.get("email") or _str(author.get("id")),
        "text": text,
        "sent_at": epoch_to_iso(created_at),
        "internal": str(part.get("part_type") or "").startswith("note"),  # note, note_and_reopen
    }


def _part_count(conversation: dict[str, Any]) -> int:
    parts = conversation.get("conversation_parts")
    if isinstance(parts, dict):
        parts = parts.get("conversation_parts")
    return len(parts) if isinstance(parts, list) else 0


def _agent_names(source: Any, parts: list[Any]) -> dict[str, str]:
    names: dict[str, str] = {}
    for item in [source, *parts]:
        author = item.get("author") if isinstance(item, dict) else None
        if isinstance(author, dict) and author.get("type") == "admin" and author.get("id"):
            names.setdefault(str(author["id"]), author.get("name") or str(author["id"]))
    return names


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _span(positions: list[str]) -> str:
    if len(positions) <= 3:
        return ", ".join(positions)
    return f"{positions[0]} .. {positions[-1]} ({len(positions)} records)"


IMPORTER = IntercomImporter()
