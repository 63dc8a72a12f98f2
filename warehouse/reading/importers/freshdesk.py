"""Freshdesk tickets and ticket conversations (API v2, and the legacy v1 `helpdesk_ticket`).

Shapes read (one conversation per ticket, id `freshdesk:<ticket id>`):
- a v2 ticket object, a list of them, or a search response `{"total", "results": [...]}`; the
  ticket's description is the first message (from the requester, or from the agent when the
  ticket is an outbound email, source 10); embedded `conversations` (`include=conversations`)
  follow it;
- a v2 conversations list (GET /tickets/{id}/conversations) or a single conversation entry: no
  description, grouped by `ticket_id`;
- any of those objects one per line (JSON Lines);
- v1 `{"helpdesk_ticket": {..., "notes": [{"note": {...}}]}}` (or a list of those).
Roles come from `incoming` (true = customer, false = agent); `private` entries are internal
notes. `source` codes map to channels; `satisfaction_rating(s)` map to csat 1-5.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from canonical.importer import RawRecord
from warehouse.reading.importers.email_quotes import split_quoted_replies
from warehouse.reading.importers.html_text import body_text
from warehouse.reading.importers.vendor_json import (
    SHAPE_ERRORS,
    UnreadStreams,
    any_key,
    as_list,
    attachments_text,
    compact,
    guarded,
    has_keys,
    in_time_order,
    load_document,
    load_json_lines,
    looks_canonical,
    looks_like_json,
    shape_error,
)

# Ticket `source` (Freshdesk API v2 docs): 1 email, 2 portal, 3 phone, 4 forum, 5 twitter,
# 6 facebook, 7 chat, 8 mobihelp, 9 feedback widget, 10 outbound email, 11 ecommerce, 12 bot.
TICKET_CHANNELS = {
    1: "email",
    2: "web",
    3: "phone",
    4: "web",
    5: "social",
    6: "social",
    7: "chat",
    8: "chat",
    9: "web",
    10: "email",
    11: "other",
    12: "chat",
}
OUTBOUND_EMAIL = 10
STATUSES = {2: "open", 3: "pending", 4: "resolved", 5: "closed"}
# Satisfaction survey answers: classic 3-point (103/100/-103) and 5/7-point scales.
RATING_TO_CSAT = {103: 5, 102: 5, 101: 4, 100: 3, -101: 2, -102: 1, -103: 1}


class FreshdeskImporter:
    name = "freshdesk"
    description = "Freshdesk: v2 tickets, ticket conversations, search results; v1 helpdesk_ticket"

    def sniff(self, path: Path, head: str) -> float:
        if not looks_like_json(head) or looks_canonical(head):
            return 0.0
        if has_keys(head, "helpdesk_ticket"):
            return 0.95
        if has_keys(head, "stream", "data") and (
            any_key(head, "fr_escalated", "ticket_scope", "csat_rating")
            or has_keys(head, "incoming", "private", "ticket_id")
        ):
            return 0.85  # Airbyte Freshdesk records (agents, tickets, conversations, ...)
        if has_keys(head, "requester_id", "responder_id") and any_key(
            head, "fr_escalated", "fr_due_by", "frDueBy", "due_by", "is_escalated"
        ):
            return 0.9
        if has_keys(head, "incoming", "private", "ticket_id") and any_key(
            head, "body_text", "support_email", "from_email"
        ):
            return 0.9
        return 0.0

    def records(self, path: Path, text: str) -> Iterator[RawRecord]:
        return guarded(self._records(path, text))

    def _records(self, path: Path, text: str) -> Iterator[RawRecord]:
        json_lines = load_json_lines(text)
        if json_lines is not None:
            items, errors = json_lines
        else:
            document, errors = load_document(text, ("results", "conversations", "tickets"))
            items = list(_items(document)) if document is not None else []
        yield from errors
        tickets: dict[str, dict[str, Any]] = {}
        order: list[str] = []
        refused: list[RawRecord] = []

        def entry(ticket_id: Any) -> dict[str, Any]:
            key = str(ticket_id)
            if key not in tickets:
                order.append(key)
                tickets[key] = {"ticket": None, "entries": [], "positions": [], "raws": []}
            return tickets[key]

        unread = UnreadStreams()
        ratings: dict[str, list[Any]] = {}  # ticket id -> satisfaction ratings
        people: dict[str, str] = {}  # contact / agent id -> name
        for where, item in items:
            if isinstance(item, dict) and "stream" in item and isinstance(item.get("data"), dict):
                item = _airbyte(item, where, unread, ratings, people)
                if item is None:
                    continue
            if isinstance(item, dict) and isinstance(item.get("helpdesk_ticket"), dict):
                item = _from_v1(item["helpdesk_ticket"])
            if not isinstance(item, dict):
                refused.append(RawRecord(where, compact(item), error="not a Freshdesk object"))
                continue
            if "incoming" in item and "ticket_id" in item:
                bucket = entry(item["ticket_id"])
                bucket["entries"].append((where, item))
            elif item.get("id") is not None and any_field(item, "description", "subject"):
                bucket = entry(item["id"])
                if bucket["ticket"] is not None:
                    # the same ticket twice in one file: both are yielded (the engine decides)
                    refused_key = f"{item['id']}@{where}"
                    order.append(refused_key)
                    tickets[refused_key] = {
                        "ticket": item,
                        "entries": [],
                        "positions": [],
                        "raws": [],
                    }
                    bucket = tickets[refused_key]
                bucket["ticket"] = item
                for index, note in enumerate(as_list(item.get("conversations"))):
                    bucket["entries"].append((f"{where}.conversations[{index}]", note))
            else:
                refused.append(
                    RawRecord(
                        where,
                        compact(item),
                        error="neither a ticket (id + description/subject) nor a conversation "
                        "entry (ticket_id + incoming + body)",
                    )
                )
                continue
            bucket["positions"].append(where)
            bucket["raws"].append(item)
        yield from refused
        yield from unread.refusals()
        for key in order:
            bucket = tickets[key]
            ticket_id = key.split("@")[0]
            try:
                yield _conversation(ticket_id, bucket, people, ratings.get(ticket_id, []))
            except SHAPE_ERRORS as error:
                position = ", ".join(bucket["positions"]) + f" (ticket {key.split('@')[0]})"
                yield RawRecord(position, compact(bucket["raws"]), error=shape_error(error))


def _airbyte(
    record: dict[str, Any],
    where: str,
    unread: UnreadStreams,
    ratings: dict[str, list[Any]],
    people: dict[str, str],
) -> dict[str, Any] | None:
    """An Airbyte record's ticket or conversation entry; other streams are noted (None)."""
    stream, data = str(record["stream"]), record["data"]
    if stream in ("tickets", "conversations"):
        return data
    if stream == "satisfaction_ratings" and data.get("ticket_id") is not None:
        ratings.setdefault(str(data["ticket_id"]), []).append(data)
    elif stream in ("contacts", "agents") and data.get("id") is not None:
        contact = data.get("contact") if isinstance(data.get("contact"), dict) else {}
        name = data.get("name") or contact.get("name")
        if name:
            people[str(data["id"])] = str(name)
    else:
        unread.add(stream, where, record)
    return None


def any_field(item: dict[str, Any], *names: str) -> bool:
    return any(name in item for name in names)


def _items(document: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(document, list):
        for index, item in enumerate(document):
            yield f"[{index}]", item
    elif isinstance(document, dict) and isinstance(document.get("results"), list):
        for index, item in enumerate(document["results"]):
            yield f"results[{index}]", item
    elif isinstance(document, dict) and isinstance(document.get("tickets"), list):
        for index, item in enumerate(document["tickets"]):
            yield f"tickets[{index}]", item
    elif (
        isinstance(document, dict)
        and isinstance(document.get("conversations"), list)
        and ("id" not in document)
    ):
        for index, item in enumerate(document["conversations"]):
            yield f"conversations[{index}]", item
    else:
        yield "document", document


def _from_v1(ticket: dict[str, Any]) -> dict[str, Any]:
    """The v1 ticket in v2 terms: notes become conversations."""
    converted = dict(ticket)
    converted["id"] = ticket.get("display_id", ticket.get("id"))
    notes = []
    for note in as_list(ticket.get("notes")):
        note = note.get("note", note) if isinstance(note, dict) else note
        if isinstance(note, dict):
            note = {
                **note,
                "body": note.get("body_html") or note.get("body"),
                "body_text": note.get("body"),
            }
        notes.append(note)
    converted["conversations"] = notes
    converted["description_text"] = ticket.get("description")
    converted["description"] = ticket.get("description_html") or ticket.get("description")
    return converted


def _conversation(
    ticket_id: str,
    bucket: dict[str, Any],
    people: dict[str, str] | None = None,
    ratings: list[Any] | None = None,
) -> RawRecord:
    people = people or {}
    ticket = bucket["ticket"] or {}
    position = ", ".join(bucket["positions"]) + f" (ticket {ticket_id})"
    raw = compact(bucket["raws"][0] if len(bucket["raws"]) == 1 else bucket["raws"])
    messages: list[dict[str, Any]] = []
    requester = ticket.get("requester") if isinstance(ticket.get("requester"), dict) else {}
    requester_name = (
        ticket.get("requester_name")
        or requester.get("name")
        or people.get(str(ticket.get("requester_id")))
    )
    responder_name = ticket.get("responder_name") or people.get(str(ticket.get("responder_id")))
    source = ticket.get("source")
    if ticket:
        text = body_text(ticket.get("description"), ticket.get("description_text"))
        if text:
            outbound = source == OUTBOUND_EMAIL
            messages.append(
                {
                    "role": "agent" if outbound else "customer",
                    "author": (responder_name if outbound else requester_name)
                    or _str(ticket.get("responder_id" if outbound else "requester_id")),
                    "text": text,
                    "sent_at": ticket.get("created_at"),
                }
            )
    entries = in_time_order(
        bucket["entries"], lambda e: e[1].get("created_at") if isinstance(e[1], dict) else None
    )
    seen_entries: set[str] = set()
    for where, note in entries:
        if isinstance(note, dict) and note.get("id") is not None:
            if str(note["id"]) in seen_entries:
                continue  # the same entry embedded in the ticket and listed again
            seen_entries.add(str(note["id"]))
        if not isinstance(note, dict):
            return RawRecord(
                position, raw, error=f"{where}: a conversation entry must be an object"
            )
        incoming = note.get("incoming")
        if isinstance(incoming, str):
            incoming = {"true": True, "1": True, "false": False, "0": False}.get(
                incoming.strip().lower(), incoming
            )
        if (
            not isinstance(incoming, bool | int)
            or isinstance(incoming, int)
            and incoming not in (0, 1)
        ):
            return RawRecord(
                position,
                raw,
                error=f"{where}: `incoming` must be true or false (it tells customer from agent), "
                f"got {incoming!r}",
            )
        text = body_text(note.get("body"), note.get("body_text")) or attachments_text(
            note.get("attachments")
        )
        if not text:
            return RawRecord(position, raw, error=f"{where}: conversation entry without a body")
        user = _str(note.get("user_id"))
        author = note.get("from_email") if incoming else None
        if not incoming and user == _str(ticket.get("responder_id")) and responder_name:
            author = responder_name
        if incoming and user == _str(ticket.get("requester_id")) and requester_name:
            author = requester_name
        messages.append(
            {
                "role": "customer" if incoming else "agent",
                "author": author or people.get(str(user)) or user,
                "text": text,
                "sent_at": note.get("created_at"),
                "internal": bool(note.get("private")),
            }
        )
    if not messages:
        return RawRecord(position, raw, error=f"ticket {ticket_id} has no description or replies")
    tags = ticket.get("tags")
    conversation = {
        "conversation_id": f"freshdesk:{ticket_id}",
        "channel": TICKET_CHANNELS.get(source) if isinstance(source, int) else None,
        "created_at": ticket.get("created_at") or messages[0].get("sent_at"),
        "status": _status(ticket),
        "subject": ticket.get("subject"),
        "agent_id": _str(ticket.get("responder_id")),
        "agent_name": responder_name,
        "team": _str(ticket.get("group_id")),
        "customer_id": _str(ticket.get("requester_id")),
        "customer_name": requester_name,
        "csat": _csat(ticket) or _csat({"satisfaction_ratings": ratings}),
        "tags": [str(t) for t in tags] if isinstance(tags, list) else [],
        "messages": messages,
    }
    if not ticket:
        conversation["channel"] = None
    return RawRecord(position, raw, conversation=split_quoted_replies(conversation))


def _status(ticket: dict[str, Any]) -> str | None:
    name, code = ticket.get("status_name"), ticket.get("status")
    if isinstance(name, str) and name.strip():
        return name.strip().lower()
    if isinstance(code, int) and not isinstance(code, bool):
        return STATUSES.get(code, str(code))
    return code if isinstance(code, str) else None


def _csat(ticket: dict[str, Any]) -> int | None:
    ratings = ticket.get("satisfaction_ratings") or ticket.get("satisfaction_rating")
    if isinstance(ratings, dict):
        ratings = [ratings]
    if not isinstance(ratings, list) or not ratings:
        return None
    latest = ratings[-1]
    values = latest.get("ratings") if isinstance(latest, dict) else None
    value = values.get("default_question") if isinstance(values, dict) else None
    if isinstance(latest, dict) and value is None:
        value = latest.get("rating")
    if isinstance(value, int) and 1 <= value <= 5 and value not in RATING_TO_CSAT:
        return value
    return RATING_TO_CSAT.get(value) if isinstance(value, int) else None


def _str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


IMPORTER = FreshdeskImporter()
