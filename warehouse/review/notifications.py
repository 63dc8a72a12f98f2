"""Notifications: each person's inbox (new feedback, disputes opened and resolved, assignments),
read marks, their e-mail address for notifications, and the bookkeeping that lets `qa notify` send
each notification once per channel.

Notifications are derived by the named query `notifications` (warehouse/queries/notifications.sql)
from reviews, disputes and assignments, so the features that write those rows need no hook.
Everything here takes the viewer; a person only ever reads and marks their own notifications.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb

from warehouse import queries
from warehouse.access.viewer import SYSTEM, Viewer
from warehouse.errors import WarehouseError
from warehouse.review.rubric_specs import parse_definition
from warehouse.storage.connection import transaction

KINDS = ("feedback", "dispute_opened", "dispute_resolved", "assigned")
KIND_LABELS = {
    "feedback": "New feedback",
    "dispute_opened": "Dispute opened",
    "dispute_resolved": "Dispute resolved",
    "assigned": "Assigned to you",
}
CHANNELS = ("email", "webhook")
INBOX_LIMIT = 500
_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")


class NotificationSettingsError(WarehouseError):
    """A notification setting a person entered cannot be used (shown as is)."""


@dataclass(frozen=True, slots=True)
class Notification:
    key: str
    recipient_id: str
    kind: str  # one of KINDS
    occurred_at: datetime  # naive UTC, like every timestamp in the database
    text: str  # one sentence addressed to the recipient ("you")
    channel_text: str  # the same without "you", for a shared chat channel
    conversation_id: str | None
    is_read: bool
    about_calibration: bool = False  # an assignment inside a calibration session


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _humanise(identifier: str) -> str:
    return identifier.replace("_", " ").replace(".", " ").strip().capitalize()


class _CriterionLabels:
    """Criterion names from the rubric set a review was written with (newest set as a fallback)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self._sets: dict[str | None, dict[tuple[str, str], str]] = {}

    def _labels(self, rubric_set_hash: str | None) -> dict[tuple[str, str], str]:
        if rubric_set_hash not in self._sets:
            rows = queries.run(self._con, "rubric_set_definition", rubric_set_hash=rubric_set_hash)
            labels: dict[tuple[str, str], str] = {}
            if rows:
                try:
                    for rubric in parse_definition(rows[0]["definition"]):
                        for criterion in rubric.criteria:
                            labels[(rubric.rubric_id, criterion.criterion_id)] = criterion.label
                except (ValueError, KeyError, TypeError):
                    labels = {}  # an unreadable old definition: fall back to readable ids
            self._sets[rubric_set_hash] = labels
        return self._sets[rubric_set_hash]

    def __call__(self, rubric_set_hash: str | None, rubric_id: str, criterion_id: str) -> str:
        key = (rubric_id, criterion_id)
        label = self._labels(rubric_set_hash).get(key) or self._labels(None).get(key)
        return label or _humanise(criterion_id)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def _texts(row: dict[str, Any], criterion: str | None) -> tuple[str, str]:
    """(text for the recipient, text for a shared channel) of one notification row."""
    actor = row["actor_name"] or "Someone"
    conversation = row["conversation_id"]
    kind = row["kind"]
    if kind == "feedback":
        verb = "updated their review of" if (row["review_version"] or 1) > 1 else "reviewed"
        return (
            f"{actor} {verb} your conversation {conversation}.",
            f"{actor} {verb} conversation {conversation}.",
        )
    if kind == "dispute_opened":
        text = f"{actor} disputed “{criterion}” on conversation {conversation}."
        return text, text
    if kind == "dispute_resolved":
        result = "the score was changed" if row["outcome"] == "changed" else "the score was kept"
        text = f"{actor} resolved the dispute about “{criterion}” on conversation {conversation}: {result}."
        return text, text
    if kind == "assigned":
        count = int(row["assigned_count"] or 0)
        open_now = int(row["still_open"] or 0)
        what = _plural(count, "conversation")
        if row["session_title"]:
            where = f" for the calibration session “{row['session_title']}”"
        else:
            where = ""
        if open_now == count:
            still = ""
        else:
            still = " (all done)" if open_now == 0 else f" ({open_now:,} still open)"
        due = f", due {row['due_date']:%d %b %Y}" if row.get("due_date") else ""
        return (
            f"{actor} assigned you {what} to review{where}{due}{still}.",
            f"{actor} assigned {row['recipient_name']} {what} to review{where}{due}.",
        )
    raise ValueError(f"unknown notification kind {kind!r}")


def _notifications(
    con: duckdb.DuckDBPyConnection, rows: Iterable[dict[str, Any]]
) -> list[Notification]:
    labels = _CriterionLabels(con)
    found = []
    for row in rows:
        criterion = None
        if row["rubric_id"] and row["criterion_id"]:
            criterion = labels(row["rubric_set_hash"], row["rubric_id"], row["criterion_id"])
        text, channel_text = _texts(row, criterion)
        found.append(
            Notification(
                key=row["notification_key"], recipient_id=row["recipient_id"], kind=row["kind"],
                occurred_at=row["occurred_at"], text=text, channel_text=channel_text,
                conversation_id=row["conversation_id"], is_read=bool(row["is_read"]),
                about_calibration=bool(row["session_title"]),
            )
        )  # fmt: skip
    return found


def inbox(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, limit: int = INBOX_LIMIT
) -> list[Notification]:
    """The viewer's own notifications, newest first (read ones included, marked)."""
    rows = queries.run(
        con, "notifications", viewer=viewer, recipient=viewer.user_id, since=None, limit=limit
    )
    return _notifications(con, rows)


def unread_count(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> int:
    return sum(not n.is_read for n in inbox(con, viewer))


def mark_read(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    keys: Sequence[str] | None = None,
    now: datetime | None = None,
) -> int:
    """Mark the viewer's notifications `keys` (None: all of them) read; return how many changed."""
    unread = {n.key for n in inbox(con, viewer) if not n.is_read}
    chosen = unread if keys is None else unread & set(keys)
    stamp = now or _now()
    with transaction(con):
        for key in sorted(chosen):
            queries.execute(
                con, "mark_notification_read", user_id=viewer.user_id, notification_key=key,
                read_at=stamp,
            )  # fmt: skip
    return len(chosen)


def email_address(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> str | None:
    rows = queries.run(con, "notification_address", user_id=viewer.user_id)
    return rows[0]["email"] if rows else None


def set_email_address(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, email: str | None, now: datetime | None = None
) -> str | None:
    """Send the viewer's notifications to `email` (blank: stop e-mailing them); return it."""
    email = (email or "").strip()
    if not email:
        queries.execute(con, "delete_notification_address", user_id=viewer.user_id)
        return None
    if len(email) > 254 or not _EMAIL.match(email):
        raise NotificationSettingsError(
            "That does not look like an e-mail address (for example name@example.com)."
        )
    queries.execute(
        con, "set_notification_address", user_id=viewer.user_id, email=email,
        updated_at=now or _now(),
    )  # fmt: skip
    return email


# --- delivery bookkeeping for `qa notify` (the system viewer; no person's page calls these) ---


def enable_channel(con: duckdb.DuckDBPyConnection, channel: str, now: datetime | None = None):
    """The time `channel` was first set up (recorded now if this is the first time)."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    queries.execute(con, "enable_notification_channel", channel=channel, enabled_at=now or _now())
    return queries.run(con, "notification_channel_enabled_at", channel=channel)[0]["enabled_at"]


def undelivered(
    con: duckdb.DuckDBPyConnection, channel: str, since: datetime, kinds: Sequence[str] = KINDS
) -> list[Notification]:
    """Notifications since `since` not yet claimed for `channel` (e-mail: per recipient; the
    webhook: one per event, the first recipient's copy standing for all), oldest first."""
    rows = queries.run(
        con, "notifications", viewer=SYSTEM, recipient=None, since=since, limit=100_000
    )
    rows = [r for r in rows if r["kind"] in kinds]
    done = {
        (d["recipient"], d["notification_key"])
        for d in queries.run(con, "notification_deliveries", channel=channel)
    }
    found, seen = [], set()
    for notification in reversed(_notifications(con, rows)):
        recipient = "" if channel == "webhook" else notification.recipient_id
        if (recipient, notification.key) in done or (recipient, notification.key) in seen:
            continue
        seen.add((recipient, notification.key))
        found.append(notification)
    return found


def claim(
    con: duckdb.DuckDBPyConnection,
    channel: str,
    recipient: str,
    keys: Sequence[str],
    now: datetime | None = None,
) -> list[str]:
    """Claim deliveries; return the keys this process claimed (another sender may hold others)."""
    stamp = now or _now()
    claimed = []
    with transaction(con):
        for key in keys:
            if queries.run(
                con, "claim_notification_delivery", channel=channel, recipient=recipient,
                notification_key=key, claimed_at=stamp,
            ):  # fmt: skip
                claimed.append(key)
    return claimed


def finish(
    con: duckdb.DuckDBPyConnection,
    channel: str,
    recipient: str,
    keys: Sequence[str],
    sent: bool,
    now: datetime | None = None,
) -> None:
    """Record claimed deliveries as sent, or release them (a failed send) for the next run."""
    stamp = now or _now()
    with transaction(con):
        for key in keys:
            if sent:
                queries.execute(
                    con, "mark_notification_sent", channel=channel, recipient=recipient,
                    notification_key=key, sent_at=stamp,
                )  # fmt: skip
            else:
                queries.execute(
                    con, "release_notification_delivery", channel=channel, recipient=recipient,
                    notification_key=key,
                )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Address:
    email: str
    chosen_at: datetime  # notifications from before this are not e-mailed


def addresses(con: duckdb.DuckDBPyConnection) -> dict[str, Address]:
    """user_id -> chosen e-mail address, for every active account that chose one."""
    rows = queries.run(con, "notification_addresses", viewer=SYSTEM)
    return {r["user_id"]: Address(r["email"], r["updated_at"]) for r in rows}
