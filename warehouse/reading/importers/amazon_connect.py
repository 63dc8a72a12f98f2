"""Amazon Connect Contact Lens analysis output files (chat and voice), one contact per file.

- Chat (`Channel: CHAT`): `Transcript[]` items of `Type: MESSAGE` become messages, with
  `ParticipantRole` AGENT / CUSTOMER / SYSTEM (CUSTOM_BOT = bot) and `AbsoluteTime` as sent_at;
  EVENT items (joined, left, chat ended) are not messages.
- Voice (`Channel: VOICE`, channel phone): `Participants[]` maps ParticipantId to role; turns carry
  `BeginOffsetMillis` from the start of the call. The start time is not in the file: it is taken
  from an ISO timestamp in the file name (S3 names look like `<ContactId>_analysis_<time>.json`,
  written when the analysis ends, so start = that time - TotalConversationDurationMillis). With
  no timestamp in the name the offsets are kept as times on 1970-01-01 UTC (the call starting at
  00:00:00): reply gaps and handle time stay right, and `created_at` is left empty so the call
  carries no made-up date.
Plain Amazon Connect chat transcripts (top-level ContactId) read the same way.
Conversation id `connect:<ContactId>` (CustomerMetadata.ContactId or ContactId, else a UUID in the file name,
else the file name without extensions). AWS documentation samples are not strictly JSON (placeholders, `//`
comments, trailing text): comments are stripped, the first object is read, and what was ignored
is reported as a separate refused record so the user sees it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from canonical.importer import RawRecord, SafeDecoder
from warehouse.reading.importers.vendor_json import (
    SHAPE_ERRORS,
    compact,
    guarded,
    has_keys,
    line_of,
    looks_canonical,
    looks_like_json,
    shape_error,
    strip_line_comments,
)

ROLES = {"AGENT": "agent", "CUSTOMER": "customer", "SYSTEM": "system", "CUSTOM_BOT": "bot"}
CHANNELS = {"CHAT": "chat", "VOICE": "phone", "EMAIL": "email"}
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
_STAMP = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2})[:_-]?(\d{2})[:_-]?(\d{2})(?:\.\d+)?Z?")
_DECODER = SafeDecoder()
OFFSET_ORIGIN = datetime(1970, 1, 1, tzinfo=UTC)  # voice offsets when the call start is unknown
_SPACE = re.compile(r"\s*")


class AmazonConnectImporter:
    name = "amazon-connect"
    description = "Amazon Connect Contact Lens analysis output (chat and voice transcripts)"

    def sniff(self, path: Path, head: str) -> float:
        if not looks_like_json(head) or looks_canonical(head):
            return 0.0
        if has_keys(head, "Transcript") and (
            has_keys(head, "Participants") or has_keys(head, "ParticipantId")
        ):
            return 0.95
        if has_keys(head, "Channel") and ('"VOICE-' in head or '"CHAT-' in head):
            return 0.8
        return 0.0

    def records(self, path: Path, text: str) -> Iterator[RawRecord]:
        return guarded(self._records(path, text))

    def _records(self, path: Path, text: str) -> Iterator[RawRecord]:
        documents, ignored = _lenient_objects(text)
        for where, note, raw in ignored:
            yield RawRecord(where, raw, error=note)
        for number, (where, document) in enumerate(documents, start=1):
            raw = compact(document)
            if not isinstance(document, dict):
                yield RawRecord(where, raw, error="a Contact Lens file holds JSON objects")
                continue
            try:
                yield _conversation(path, document, raw, number, where)
            except SHAPE_ERRORS as error:
                yield RawRecord(where, raw, error=shape_error(error))


def _lenient_objects(text: str) -> tuple[list[tuple[str, Any]], list[tuple[str, str, str]]]:
    """The JSON objects of `text` (one per contact, usually one), and (position, note, text)
    for everything ignored."""
    body = text.lstrip("\ufeff")
    notes: list[tuple[str, str, str]] = []
    start = len(body) - len(body.lstrip())
    try:
        value, end = _DECODER.raw_decode(body, start)
    except json.JSONDecodeError:
        cleaned, removed = strip_line_comments(body)
        try:
            value, end = _DECODER.raw_decode(cleaned, start)
        except json.JSONDecodeError as error:
            where = f"line {error.lineno}"
            reason = f"invalid JSON ({error.msg} at {where} column {error.colno})"
            return [], [(where, reason, text)]
        comments = re.findall(r"//[^\n]*", body)
        notes.append(
            ("comments", f"ignored {removed} // comment(s) in the JSON", "\n".join(comments))
        )
        body = cleaned
    objects = [(f"line {line_of(body, start)}", value)]
    while True:  # more contacts concatenated in one file (JSON Lines or back to back)
        start = _SPACE.match(body, end).end()
        if start >= len(body):
            break
        try:
            value, end = _DECODER.raw_decode(body, start)
        except json.JSONDecodeError:
            where = f"line {line_of(body, start)}"
            notes.append((where, f"ignored text after the JSON (from {where})", body[start:]))
            break
        objects.append((f"line {line_of(body, start)}", value))
    return objects, notes


def _conversation(
    path: Path, document: dict[str, Any], text: str, number: int, where: str
) -> RawRecord:
    metadata = document.get("CustomerMetadata") or {}
    contact_id = metadata.get("ContactId") if isinstance(metadata, dict) else None
    contact_id = contact_id or document.get("ContactId")  # plain chat transcripts (S3)
    if not contact_id:
        match = _UUID.search(path.name)
        contact_id = match.group() if match else path.name.split(".")[0]
        contact_id += f"-{number}" if number > 1 else ""
    position = f"{where} (contact {contact_id})"
    transcript = document.get("Transcript")
    if not isinstance(transcript, list):
        return RawRecord(position, text, error="no `Transcript` list in this Contact Lens file")
    channel = str(document.get("Channel") or "").upper() or (
        "VOICE" if str(document.get("Version", "")).startswith("VOICE") else "CHAT"
    )
    participants = {
        str(p.get("ParticipantId")): p
        for p in document.get("Participants") or []
        if isinstance(p, dict) and p.get("ParticipantId") is not None
    }
    start = _start_time(path, document) if channel == "VOICE" else None
    messages = []
    for index, item in enumerate(transcript):
        where = f"Transcript[{index}]"
        if not isinstance(item, dict):
            return RawRecord(position, text, error=f"{where} is not an object")
        if item.get("Type", "MESSAGE") != "MESSAGE":
            continue  # participant joined/left, chat ended: not messages
        participant = participants.get(str(item.get("ParticipantId")), {})
        vendor_role = item.get("ParticipantRole") or participant.get("ParticipantRole")
        if vendor_role not in ROLES:
            return RawRecord(
                position,
                text,
                error=f"{where}: unknown participant role {vendor_role!r} "
                f"(participant {item.get('ParticipantId')!r}; expected AGENT or CUSTOMER)",
            )
        content = item.get("Content")
        if not isinstance(content, str):
            return RawRecord(position, text, error=f"{where}: message without text `Content`")
        sent_at: Any = item.get("AbsoluteTime")
        offset = item.get("BeginOffsetMillis")
        if sent_at is None and channel == "VOICE" and isinstance(offset, int | float):
            moment = (start or OFFSET_ORIGIN) + timedelta(milliseconds=max(0, offset))
            sent_at = moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        messages.append(
            {
                "role": ROLES[vendor_role],
                "author": item.get("DisplayName")
                or participant.get("DisplayName")
                or str(item.get("ParticipantId") or vendor_role),
                "text": content,
                "sent_at": sent_at,
            }
        )
    if not messages:
        return RawRecord(position, text, error="the transcript has no MESSAGE items")
    agent = next((p for p in participants.values() if p.get("ParticipantRole") == "AGENT"), {})
    customer = next(
        (p for p in participants.values() if p.get("ParticipantRole") == "CUSTOMER"), {}
    )
    categories = (document.get("Categories") or {}).get("MatchedCategories") or []
    conversation = {
        "conversation_id": f"connect:{contact_id}",
        "channel": CHANNELS.get(channel, "other"),
        "created_at": start.strftime("%Y-%m-%dT%H:%M:%SZ")
        if start
        else (messages[0]["sent_at"] if channel != "VOICE" else None),
        "status": str(document["JobStatus"]).lower() if document.get("JobStatus") else None,
        "agent_id": agent.get("DisplayName") if agent.get("DisplayName") else None,
        "agent_name": agent.get("DisplayName"),
        "customer_id": None,
        "customer_name": customer.get("DisplayName"),
        "tags": [str(c) for c in categories if isinstance(c, str)],
        "messages": messages,
    }
    return RawRecord(position, compact(document), conversation=conversation)


def _start_time(path: Path, document: dict[str, Any]) -> datetime | None:
    match = _STAMP.search(path.name)
    if not match:
        return None
    try:
        analysed = datetime.fromisoformat(f"{match[1]}T{match[2]}:{match[3]}:{match[4]}")
    except ValueError:
        return None
    characteristics = document.get("ConversationCharacteristics") or {}
    duration = characteristics.get("TotalConversationDurationMillis")
    if not isinstance(duration, int | float):
        duration = 0
    return analysed.replace(tzinfo=UTC) - timedelta(milliseconds=duration)


IMPORTER = AmazonConnectImporter()
