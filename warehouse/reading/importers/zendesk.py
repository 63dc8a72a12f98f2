"""Zendesk Support exports: ticket audits, ticket comments, tickets and ticket events (JSON).

Shapes read (one conversation per ticket, id `zendesk:<ticket id>`):
- `{"audits": [...]}` / `{"audit": {...}}` (GET /ticket_audits, /tickets/{id}/audits): Comment
  events become messages (`public: false` = internal note); Create/Change events give the
  requester, assignee, status, subject and tags. Audits are grouped by `ticket_id`.
- `{"comments": [...]}` (GET /tickets/{id}/comments): the ticket id comes from `ticket_id` on the
  comments, a sideloaded `ticket`, or a ticket-like file name (`ticket_4711_comments.json`);
  without any, the id is `zendesk:comments-<first comment id>`.
- `{"tickets": [...]}` / `{"ticket": {...}}` (incremental ticket export, GET /tickets): the
  description is the first message; embedded `comments` lists, when present, are used instead.
- `{"ticket_events": [...]}` (incremental ticket event export with `include=comment_events`).
- JSON Lines of tickets (with their `comments`) or audits, one per line (account data export);
- Airbyte Zendesk Support records (`{"stream": "tickets" | "ticket_comments" | "ticket_audits"
  | "users", "data": {...}}`, JSON Lines);
- betamax cassettes of those API calls (tests of Zendesk clients): every response body is read.
How tickets become conversations (roles, notes, channels): `zendesk_tickets.py`.
"""

from __future__ import annotations

import base64
import gzip
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from canonical.importer import RawRecord, loads
from warehouse.reading.importers.vendor_json import (
    SHAPE_ERRORS,
    any_key,
    as_list,
    compact,
    guarded,
    has_keys,
    load_document,
    load_json_lines,
    looks_canonical,
    looks_like_json,
    shape_error,
)
from warehouse.reading.importers.zendesk_tickets import TicketAssembler

LIST_KEYS = ("audits", "comments", "tickets", "ticket_events", "results")


class ZendeskImporter:
    name = "zendesk"
    description = "Zendesk Support: ticket audits, ticket comments, (incremental) tickets JSON"

    def sniff(self, path: Path, head: str) -> float:
        if not looks_like_json(head) or looks_canonical(head):
            return 0.0
        if has_keys(head, "http_interactions") and "zendesk.com/api/v2" in head:
            return 0.95
        if any_key(head, "audits", "audit") and has_keys(head, "ticket_id", "events"):
            return 0.95
        if (
            has_keys(head, "stream", "data")
            and re.search(r'"stream"\s*:\s*"(tickets|ticket_comments|ticket_audits)"', head)
            and any_key(head, "submitter_id", "ticket_form_id", "plain_body", "html_body")
        ):
            return 0.9  # Airbyte Zendesk Support records
        if has_keys(head, "ticket_events") and any_key(head, "child_events", "ticket_id"):
            return 0.95
        if any_key(head, "tickets", "ticket", "results") and has_keys(
            head, "requester_id", "submitter_id"
        ):
            return 0.9
        if has_keys(head, "requester_id", "submitter_id") and any_key(
            head, "via", "ticket_form_id", "brand_id"
        ):
            return 0.85  # ticket objects without a wrapper (JSON Lines account export)
        if has_keys(head, "comments", "author_id", "public") and any_key(
            head, "plain_body", "html_body"
        ):
            return 0.9
        return 0.0

    def records(self, path: Path, text: str) -> Iterator[RawRecord]:
        return guarded(self._records(path, text))

    def _records(self, path: Path, text: str) -> Iterator[RawRecord]:
        assembler = TicketAssembler()
        json_lines = load_json_lines(text)
        if json_lines is not None:  # e.g. the account's JSON export: one ticket per line
            values, errors = json_lines
            yield from errors
            for where, value in values:
                yield from _read(assembler, path, where, value)
            yield from assembler.conversations()
            return
        document, errors = load_document(text, LIST_KEYS)
        yield from errors
        if document is None:
            return
        bodies, refused = _bodies(document)
        yield from refused
        for prefix, body in bodies:
            yield from _read(assembler, path, prefix, body)
        yield from assembler.conversations()


def _bodies(document: Any) -> tuple[list[tuple[str, Any]], list[RawRecord]]:
    """The API response bodies in the file: the document itself, or each one of a cassette."""
    if not (isinstance(document, dict) and "http_interactions" in document):
        return [("", document)], []
    bodies, refused = [], []
    for index, interaction in enumerate(as_list(document.get("http_interactions"))):
        where = f"http_interactions[{index}]"
        try:
            body = interaction["response"]["body"]
            raw = (
                base64.b64decode(body["base64_string"])
                if body.get("base64_string")
                else (body.get("string") or "").encode("utf-8")
            )
            if raw[:2] == b"\x1f\x8b":
                raw = gzip.decompress(raw)
            bodies.append((where + ".", loads(raw.decode(body.get("encoding") or "utf-8"))))
        except (*SHAPE_ERRORS, OSError, EOFError) as error:
            refused.append(
                RawRecord(where, compact(interaction), error=f"unreadable response body: {error}")
            )
    return bodies, refused


def _read(assembler: TicketAssembler, path: Path, prefix: str, body: Any) -> Iterator[RawRecord]:
    """Hand every part of one response body (or JSON line) to the assembler."""
    if isinstance(body, dict) and isinstance(body.get("data"), dict) and "stream" in body:
        if str(body["stream"]) not in AIRBYTE_STREAMS:
            assembler.unread.add(body["stream"], prefix or "document", body)
            return
        body = _airbyte(body)  # Airbyte record: {"stream": "tickets", "data": {...}}
    if isinstance(body, list):
        body = {"tickets" if any(_is_ticket(x) for x in body) else "audits": body}
    if _is_ticket(body):
        body = {"ticket": body}
    elif isinstance(body, dict) and "ticket_id" in body and "events" in body:
        body = {"audit": body}
    if prefix.startswith("line"):
        prefix = prefix + ": "
    if not isinstance(body, dict):
        yield RawRecord(prefix or "document", compact(body), error="not a Zendesk response")
        return
    for user in as_list(body.get("users")):
        if isinstance(user, dict) and user.get("id") is not None:
            assembler.users[str(user["id"])] = user
    for group in as_list(body.get("groups")):
        if isinstance(group, dict) and group.get("id") is not None:
            assembler.groups[str(group["id"])] = str(group.get("name") or group["id"])
    for user_key in ("user", "requester"):
        if isinstance(body.get(user_key), dict) and body[user_key].get("id") is not None:
            assembler.users[str(body[user_key]["id"])] = body[user_key]
    found = False
    tickets = [(f"{prefix}tickets[{i}]", t) for i, t in enumerate(as_list(body.get("tickets")))]
    tickets += [  # search results mix tickets with users, organizations, ...
        (f"{prefix}results[{i}]", r)
        for i, r in enumerate(as_list(body.get("results")))
        if not (isinstance(r, dict) and r.get("result_type") not in (None, "ticket"))
    ]
    if isinstance(body.get("ticket"), dict):
        tickets.append((_single(prefix, "ticket"), body["ticket"]))
    for where, ticket in tickets:
        found = True
        if not isinstance(ticket, dict) or ticket.get("id") is None:
            yield RawRecord(where, compact(ticket), error="ticket without an id")
            continue
        yield from _guarded(where, ticket, assembler.add_ticket(where, ticket))
    audits = as_list(body.get("audits"))
    if isinstance(body.get("audit"), dict):
        audits.append(body["audit"])
    for index, audit in enumerate(audits):
        found = True
        where = f"{prefix}audits[{index}]" if "audit" not in body else _single(prefix, "audit")
        yield from _guarded(where, audit, assembler.add_audit(where, audit))
    for index, event in enumerate(as_list(body.get("ticket_events"))):
        found = True
        where = f"{prefix}ticket_events[{index}]"
        yield from _guarded(where, event, assembler.add_ticket_event(where, event))
    if isinstance(body.get("comments"), list):
        found = True
        fallback = _comments_ticket_id(path, body)
        comments = assembler.add_comments(prefix, body["comments"], fallback)
        yield from _guarded(prefix + "comments", body, comments)
    if not found:
        yield RawRecord(
            prefix or "document",
            compact(body)[:10_000],
            error="no tickets, audits, ticket_events or comments in this Zendesk response",
        )


def _comments_ticket_id(path: Path, body: dict[str, Any]) -> str | None:
    """Ticket id for a comments list whose comments do not carry `ticket_id`."""
    if isinstance(body.get("ticket"), dict) and body["ticket"].get("id") is not None:
        return str(body["ticket"]["id"])
    number = _ticket_number(path)
    if number:
        return number
    comments = body["comments"]
    if comments and isinstance(comments[0], dict) and comments[0].get("id") is not None:
        return f"comments-{comments[0]['id']}"
    return None


def _single(prefix: str, name: str) -> str:
    """Position of the one object of a response: "ticket", or "line 3" in JSON Lines."""
    return prefix.rstrip(": ") if prefix.startswith("line") else f"{prefix}{name}"


def _guarded(where: str, item: Any, records: Iterator[RawRecord]) -> Iterator[RawRecord]:
    try:
        yield from records
    except SHAPE_ERRORS as error:
        yield RawRecord(where, compact(item), error=shape_error(error))


def _ticket_number(path: Path) -> str | None:
    """The ticket id in a comments file's name: ticket_4711_comments.json, tickets/4711/comments.json."""
    named = re.search(r"tickets?\D{0,3}?(\d+)", path.stem, re.IGNORECASE)
    if named:
        return named.group(1)
    plain = re.fullmatch(r"(\d+)(?:[_-]?comments)?", path.stem, re.IGNORECASE)
    if plain:
        return plain.group(1)
    return path.parent.name if path.parent.name.isdigit() else None


AIRBYTE_STREAMS = {
    "tickets": "ticket",
    "ticket_comments": "comments",
    "ticket_audits": "audit",
    "users": "users",
    "groups": "groups",
}


def _airbyte(record: dict[str, Any]) -> dict[str, Any]:
    key = AIRBYTE_STREAMS[str(record["stream"])]
    data = record["data"]
    return {key: [data] if key in ("comments", "users", "groups") else data}


def _is_ticket(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and ("requester_id" in value or "description" in value)
        and "ticket_id" not in value
    )


IMPORTER = ZendeskImporter()
