"""IBM's Twitter customer-care dialogs (train/dev/test.json of twitter-customer-care-document-prediction).

A JSON list of `{dialogHeader, dialogContent, agentURL}`; one conversation per dialog, id
`twitter:<sessionID>`, channel social. Each turn's speaker is its key: `client` / `client1`
(customers) or `agent` (the brand account, named in dialogHeader.company). `agentURL` is the
dialog's last agent turn (kept out of dialogContent by the dataset, counted in messageCount): it
becomes the final agent message, sent at conversationDateTime + duration (no time when the
duration is negative, as in 22 of the 525 dev dialogs).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from canonical.importer import RawRecord
from warehouse.reading.importers.vendor_json import (
    SHAPE_ERRORS,
    compact,
    guarded,
    has_keys,
    load_document,
    load_json_lines,
    looks_canonical,
    looks_like_json,
    shape_error,
)

CUSTOMER_KEYS = ("client", "client1", "client2", "client3")
_DURATION = re.compile(r"^(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$")


class TwitterIbmImporter:
    name = "twitter-ibm"
    description = "Twitter customer-care dialogs (IBM dataset JSON: dialogHeader/dialogContent)"

    def sniff(self, path: Path, head: str) -> float:
        if not looks_like_json(head) or looks_canonical(head):
            return 0.0
        if has_keys(head, "dialogContent") or has_keys(head, "dialogHeader"):
            return 0.95
        return 0.0

    def records(self, path: Path, text: str) -> Iterator[RawRecord]:
        return guarded(self._records(path, text))

    def _records(self, path: Path, text: str) -> Iterator[RawRecord]:
        json_lines = load_json_lines(text)  # one dialog per line
        if json_lines is not None:
            dialogs, errors = json_lines
        else:
            document, errors = load_document(text, ("dialogs", "conversations"))
            if isinstance(document, dict):
                document = next((v for v in document.values() if isinstance(v, list)), [document])
            if document is not None and not isinstance(document, list):
                errors.append(
                    RawRecord("document", compact(document), error="expected a list of dialogs")
                )
                document = None
            dialogs = [(f"[{i}]", d) for i, d in enumerate(document or [])]
        yield from errors
        for where, dialog in dialogs:
            try:
                yield _dialog(where, dialog)
            except SHAPE_ERRORS as error:
                yield RawRecord(where, compact(dialog), error=shape_error(error))


def _dialog(where: str, dialog: Any) -> RawRecord:
    raw = compact(dialog)
    if not isinstance(dialog, dict):
        return RawRecord(where, raw, error="a dialog must be an object")
    header = dialog.get("dialogHeader")
    if not isinstance(header, dict) or not header.get("sessionID"):
        return RawRecord(where, raw, error="dialog without dialogHeader.sessionID")
    session = str(header["sessionID"])
    position = f"{where} (session {session})"
    turns = dialog.get("dialogContent")
    if not isinstance(turns, list):
        return RawRecord(position, raw, error="`dialogContent` must be a list of turns")
    company = header.get("company")
    messages = []
    customer: str | None = None
    for index, turn in enumerate(turns):
        if not isinstance(turn, dict):
            return RawRecord(position, raw, error=f"dialogContent[{index}] is not an object")
        speaker_key = next((k for k in ("agent", *CUSTOMER_KEYS) if k in turn), None)
        if speaker_key is None:
            return RawRecord(
                position,
                raw,
                error=f"dialogContent[{index}] names no speaker (`client` or `agent` key)",
            )
        if not isinstance(turn.get("message"), str):
            return RawRecord(position, raw, error=f"dialogContent[{index}] has no `message` text")
        role = "agent" if speaker_key == "agent" else "customer"
        if role == "customer" and customer is None:
            customer = str(turn[speaker_key])
        messages.append(
            {
                "role": role,
                "author": str(turn[speaker_key]),
                "text": turn["message"],
                "sent_at": turn.get("datetime"),
            }
        )
    final = dialog.get("agentURL")
    if isinstance(final, dict) and isinstance(final.get("url_utterance"), str):
        messages.append(
            {
                "role": "agent",
                "author": company,
                "text": final["url_utterance"],
                "sent_at": _end_time(header),
            }
        )
    if not messages:
        return RawRecord(position, raw, error="dialog without turns")
    agent = next((m["author"] for m in messages if m["role"] == "agent"), company)
    conversation = {
        "conversation_id": f"twitter:{session}",
        "channel": "social",
        "created_at": header.get("conversationDateTime") or messages[0].get("sent_at"),
        "agent_id": agent,
        "agent_name": agent,
        "team": company,
        "customer_id": customer,
        "customer_name": customer,
        "messages": messages,
    }
    return RawRecord(position, raw, conversation=conversation)


def _end_time(header: dict[str, Any]) -> str | None:
    start, duration = header.get("conversationDateTime"), header.get("duration")
    if not isinstance(start, str) or not isinstance(duration, str):
        return None
    match = _DURATION.match(duration.strip())
    try:
        begun = datetime.fromisoformat(start.replace("Z", "+00:00"))
    except ValueError:
        return None
    if not match:
        return None
    hours, minutes, seconds = int(match[1]), int(match[2]), float(match[3])
    end = begun + timedelta(hours=hours, minutes=minutes, seconds=seconds)
    return end.isoformat().replace("+00:00", "Z")


IMPORTER = TwitterIbmImporter()
