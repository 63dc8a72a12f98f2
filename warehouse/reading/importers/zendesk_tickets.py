"""Zendesk tickets assembled from their parts into canonical conversations.

The parts come from any Zendesk export shape (`zendesk.py` reads the file): ticket objects,
audits (Comment/VoiceComment events, Create/Change events), comments and ticket events. One
conversation per ticket, id `zendesk:<ticket id>`, messages in time order.

Roles: `users` sideload (`role` end-user = customer, agent/admin = agent) first; else the
ticket's requester is the customer and anyone else an agent; author -1 is Zendesk itself
(system). Private comments are always agents' internal notes. Without users or requester, the
author of the ticket's first comment (the description) is taken as the requester. A ticket
without comments becomes its description, written by the submitter.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from canonical.importer import RawRecord
from warehouse.reading.importers.email_quotes import split_quoted_replies
from warehouse.reading.importers.html_text import body_text
from warehouse.reading.importers.vendor_json import (
    SHAPE_ERRORS,
    UnreadStreams,
    as_list,
    attachments_text,
    compact,
    epoch_to_iso,
    in_time_order,
    shape_error,
)

CHANNELS = {
    "email": "email",
    "mail": "email",
    "web": "web",
    "web_form": "web",
    "help_center": "web",
    "mobile": "web",
    "forum": "web",
    "chat": "chat",
    "chat_transcript": "chat",
    "native_messaging": "chat",
    "messaging": "chat",
    "web_widget": "chat",
    "mobile_sdk": "chat",
    "whatsapp": "chat",
    "line": "chat",
    "wechat": "chat",
    "voice": "phone",
    "phone": "phone",
    "phone_call_inbound": "phone",
    "phone_call_outbound": "phone",
    "voicemail": "phone",
    "twitter": "social",
    "twitter_dm": "social",
    "twitter_favorite": "social",
    "facebook": "social",
    "facebook_post": "social",
    "facebook_message": "social",
    "instagram_dm": "social",
    "sms": "sms",
    "text": "sms",
    "api": "api",  # created by an integration: kept visible rather than folded into "other"
    "web_service": "api",
}
COMMENT_TYPES = ("Comment", "VoiceComment")  # VoiceComment: a Zendesk Talk call on the ticket
SATISFACTION_TO_CSAT = {"good": 5, "bad": 1}  # Zendesk CSAT is binary; offered/unoffered = none
SYSTEM_AUTHOR_ID = -1


@dataclass
class _Comment:
    comment: dict[str, Any]
    created_at: Any
    author_id: Any
    channel: str | None
    position: str


@dataclass
class _Ticket:
    ticket_id: str
    ticket: dict[str, Any] | None = None
    comments: list[_Comment] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)  # from Create/Change audit events
    positions: list[str] = field(default_factory=list)
    raws: list[Any] = field(default_factory=list)
    created_at: Any = None
    channel: str | None = None
    seen_comment_ids: set[Any] = field(default_factory=set)


class TicketAssembler:
    """Collects the parts of each ticket, in order of first appearance, then builds its
    conversation. Duplicate audits and comments (paged or recorded twice) are counted once."""

    def __init__(self) -> None:
        self.tickets: dict[str, _Ticket] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.groups: dict[str, str] = {}
        self.seen_audits: set[Any] = set()
        self.unread = UnreadStreams()  # Airbyte streams without tickets

    def ticket(self, ticket_id: Any) -> _Ticket:
        key = str(ticket_id)
        if key not in self.tickets:
            self.tickets[key] = _Ticket(key)
        return self.tickets[key]

    def add_ticket(self, where: str, ticket: dict[str, Any]) -> Iterator[RawRecord]:
        entry = self.ticket(ticket["id"])
        if entry.ticket is None or str(ticket.get("updated_at")) >= str(
            entry.ticket.get("updated_at")
        ):
            entry.ticket = ticket
        entry.positions.append(where)
        entry.raws.append(ticket)
        for index, comment in enumerate(as_list(ticket.get("comments"))):
            yield from self.add_comment(
                entry, comment, f"{where}.comments[{index}]", None, None, None
            )

    def add_audit(self, where: str, audit: Any) -> Iterator[RawRecord]:
        if not isinstance(audit, dict):
            yield RawRecord(where, compact(audit), error="an audit must be an object")
            return
        if audit.get("ticket_id") is None:
            yield RawRecord(where, compact(audit), error="audit without ticket_id")
            return
        if not isinstance(audit.get("events"), list):
            yield RawRecord(
                where,
                compact(audit),
                error=f"audit of ticket {audit['ticket_id']} has no `events` list",
            )
            return
        if audit.get("id") is not None and audit["id"] in self.seen_audits:
            return  # the same audit recorded twice (paged exports, cassettes)
        self.seen_audits.add(audit.get("id"))
        entry = self.ticket(audit["ticket_id"])
        entry.positions.append(where)
        entry.raws.append(audit)
        channel = (
            (audit.get("via") or {}).get("channel") if isinstance(audit.get("via"), dict) else None
        )
        entry.channel = entry.channel or channel
        if entry.created_at is None or str(audit.get("created_at")) < str(entry.created_at):
            entry.created_at = audit.get("created_at")
        for index, event in enumerate(audit["events"]):
            if not isinstance(event, dict):
                continue
            kind = event.get("type")
            if kind in COMMENT_TYPES:
                yield from self.add_comment(
                    entry,
                    event,
                    f"{where}.events[{index}]",
                    audit.get("created_at"),
                    audit.get("author_id"),
                    channel,
                )
            elif kind in ("Create", "Change") and event.get("field_name"):
                entry.fields[event["field_name"]] = event.get("value")

    def add_ticket_event(self, where: str, event: Any) -> Iterator[RawRecord]:
        if not isinstance(event, dict) or event.get("ticket_id") is None:
            yield RawRecord(where, compact(event), error="ticket event without ticket_id")
            return
        entry = self.ticket(event["ticket_id"])
        entry.positions.append(where)
        entry.raws.append(event)
        created = event.get("created_at") or epoch_to_iso(event.get("timestamp"))
        channel = event.get("via") if isinstance(event.get("via"), str) else None
        if isinstance(event.get("via"), dict):
            channel = event["via"].get("channel")
        entry.channel = entry.channel or channel
        if entry.created_at is None or str(created) < str(entry.created_at):
            entry.created_at = created
        for index, child in enumerate(as_list(event.get("child_events"))):
            if not isinstance(child, dict):
                continue
            if child.get("event_type") in COMMENT_TYPES or child.get("type") in COMMENT_TYPES:
                yield from self.add_comment(
                    entry,
                    child,
                    f"{where}.child_events[{index}]",
                    created,
                    event.get("updater_id"),
                    channel,
                )
            for name in ("requester_id", "assignee_id", "status", "subject", "tags", "group_id"):
                if name in child:
                    entry.fields[name] = child[name]

    def add_comments(
        self, prefix: str, comments: list[Any], fallback: str | None
    ) -> Iterator[RawRecord]:
        """A comments list; `fallback` is the ticket id for comments without `ticket_id`."""
        for index, comment in enumerate(comments):
            where = f"{prefix}comments[{index}]"
            if not isinstance(comment, dict):
                yield RawRecord(where, compact(comment), error="a comment must be an object")
                continue
            ticket_id = comment.get("ticket_id", fallback)
            if ticket_id is None:
                yield RawRecord(
                    where,
                    compact(comment),
                    error="comment without ticket_id (and no ticket id in the file name)",
                )
                continue
            entry = self.ticket(ticket_id)
            entry.positions.append(where)
            entry.raws.append(comment)
            yield from self.add_comment(entry, comment, where, None, None, None)

    def add_comment(
        self,
        entry: _Ticket,
        comment: Any,
        where: str,
        created_at: Any,
        author_id: Any,
        channel: str | None,
    ) -> Iterator[RawRecord]:
        if not isinstance(comment, dict):
            yield RawRecord(where, compact(comment), error="a comment must be an object")
            return
        if not any(isinstance(comment.get(k), str) for k in ("body", "plain_body", "html_body")):
            yield RawRecord(where, compact(comment), error="comment without a text body")
            return
        if comment.get("id") is not None:
            if comment["id"] in entry.seen_comment_ids:
                return
            entry.seen_comment_ids.add(comment["id"])
        via = comment.get("via")
        if isinstance(via, dict) and via.get("channel"):
            channel = channel or via["channel"]
        entry.comments.append(
            _Comment(
                comment,
                comment.get("created_at") or created_at,
                comment.get("author_id", author_id),
                channel,
                where,
            )
        )

    def conversations(self) -> Iterator[RawRecord]:
        yield from self.unread.refusals()
        for entry in self.tickets.values():
            try:
                yield self.conversation(entry)
            except SHAPE_ERRORS as error:
                position = _span(entry.positions) + f" (ticket {entry.ticket_id})"
                yield RawRecord(position, compact(entry.raws), error=shape_error(error))

    def conversation(self, entry: _Ticket) -> RawRecord:
        ticket = entry.ticket or {}
        fields = {**entry.fields, **{k: v for k, v in ticket.items() if v not in (None, "", [])}}
        position = _span(entry.positions) + f" (ticket {entry.ticket_id})"
        raw = compact(entry.raws if len(entry.raws) > 1 else entry.raws[0]) if entry.raws else ""
        requester = _id(fields.get("requester_id"))
        ticket_via = ticket.get("via") if isinstance(ticket.get("via"), dict) else {}
        vendor_channel = ticket_via.get("channel") or entry.channel
        if entry.comments:
            comments = in_time_order(entry.comments, lambda c: c.created_at)
            if requester is None and not self.users:
                first_public = next((c for c in comments if c.comment.get("public", True)), None)
                requester = _id(first_public.author_id) if first_public else None
            messages = []
            for item in comments:
                public = item.comment.get("public", True)
                if isinstance(public, str):
                    public = public.lower() != "false"
                role = self.role(item.author_id, requester, bool(public))
                if role is None:
                    return RawRecord(
                        position,
                        raw,
                        error=f"{item.position}: cannot tell who wrote comment "
                        f"{item.comment.get('id')} (no author_id, users or requester_id)",
                    )
                messages.append(
                    {
                        "role": role,
                        "author": self.name(item.author_id),
                        # `body` is the comment as written; plain_body re-flows its whitespace
                        "text": body_text(
                            item.comment.get("html_body"),
                            item.comment.get("body") or item.comment.get("plain_body"),
                        )
                        or attachments_text(item.comment.get("attachments")),
                        "sent_at": item.created_at,
                        "internal": not public,
                    }
                )
            vendor_channel = vendor_channel or comments[0].channel
        elif ticket:
            description = ticket.get("description")
            if not isinstance(description, str) or not description.strip():
                return RawRecord(
                    position, raw, error=f"ticket {entry.ticket_id} has no description or comments"
                )
            author = ticket.get("submitter_id") or requester
            role = self.role(author, requester, True) or "customer"
            messages = [
                {
                    "role": role,
                    "author": self.name(author),
                    "text": description.strip(),
                    "sent_at": ticket.get("created_at"),
                }
            ]
        else:
            return RawRecord(
                position,
                raw,
                error=f"ticket {entry.ticket_id}: no Comment events in its audits "
                "(nothing to import as messages)",
            )
        assignee = _id(fields.get("assignee_id"))
        group = _id(fields.get("group_id"))
        rating = fields.get("satisfaction_rating")
        score = rating.get("score") if isinstance(rating, dict) else None
        tags = fields.get("tags")
        source = ticket_via.get("source")
        source_from = source.get("from") if isinstance(source, dict) else None
        conversation = {
            "conversation_id": f"zendesk:{entry.ticket_id}",
            "channel": CHANNELS.get(str(vendor_channel), "other") if vendor_channel else None,
            "created_at": ticket.get("created_at") or entry.created_at or messages[0]["sent_at"],
            "status": fields.get("status"),
            "subject": fields.get("subject") or fields.get("raw_subject"),
            "agent_id": assignee,
            "agent_name": self.name(assignee, fallback=None),
            "team": self.groups.get(group, group) if group else None,
            "customer_id": requester,
            "customer_name": self.name(requester, fallback=None)
            or (source_from.get("name") if isinstance(source_from, dict) else None),
            "csat": SATISFACTION_TO_CSAT.get(str(score)) if score else None,
            "tags": [str(t) for t in tags] if isinstance(tags, list) else [],
            "messages": messages,
        }
        return RawRecord(position, raw, conversation=split_quoted_replies(conversation))

    def role(self, author: Any, requester: str | None, public: bool) -> str | None:
        author_key = _id(author)
        if author_key == str(SYSTEM_AUTHOR_ID):
            return "system"
        user = self.users.get(author_key or "")
        if user and user.get("role"):
            return "customer" if str(user["role"]).lower() in ("end-user", "end_user") else "agent"
        if not public:
            return "agent"  # only agents can write internal notes
        if author_key is None or requester is None:
            return None
        return "customer" if author_key == requester else "agent"

    def name(self, author: Any, fallback: Any = "") -> str | None:
        key = _id(author)
        user = self.users.get(key or "")
        if user and user.get("name"):
            return str(user["name"])
        if fallback == "":
            return key
        return fallback


def _id(value: Any) -> str | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _span(positions: list[str]) -> str:
    if len(positions) <= 3:
        return ", ".join(positions)
    return f"{positions[0]} .. {positions[-1]} ({len(positions)} records)"
