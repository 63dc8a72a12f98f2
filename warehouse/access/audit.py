"""The audit trail: who did what and when, in the append-only table `audit_log` (migration 005).

Writers call `record(con, actor, action, target, details)`, inside their own transaction so the
audit row commits or rolls back with the change it describes. Nothing in the code base updates or
deletes audit rows (tests/warehouse/test_audit.py greps for it). Reading is for admins only.

Tamper-evident (migration 008): each row carries the previous row's hash and its own hash over
that and its fields, so an UPDATE or DELETE by any DuckDB client breaks the chain, and
`verify()` (`qa audit verify`, the audit page) names the first broken entry. Appends are
serialised so the chain never forks: `warehouse.storage.connection.WRITE_LOCK` (one write transaction at
a time in a process) and, across processes, DuckDB's single writer; `audit_head` turns any
writer that slips past both into a conflict, never a fork.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb

from warehouse import queries
from warehouse.access.permissions import require
from warehouse.access.viewer import Viewer
from warehouse.storage.connection import (
    WRITE_LOCK,
    hold_until_transaction_end,
    in_transaction,
    transaction,
)
from warehouse.storage.csv_export import rows_to_csv

MAX_DETAILS_CHARS = 20_000  # a runaway details dict must not bloat the trail

CSV_COLUMNS = ("audit_id", "occurred_at", "actor", "action", "target", "details")


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def record(
    con: duckdb.DuckDBPyConnection,
    actor: str | Viewer,
    action: str,
    target: str | None = None,
    details: dict[str, Any] | None = None,
    *,
    at: datetime | None = None,
) -> None:
    """Append one audit row. `actor` is a user_id (or a Viewer); `action` a dotted verb."""
    actor_id = actor.user_id if isinstance(actor, Viewer) else str(actor)
    if not action or " " in action:
        raise ValueError(f"audit action must be a dotted verb without spaces, got {action!r}")
    payload = None
    if details is not None:
        payload = json.dumps(details, default=str, ensure_ascii=False, sort_keys=True)
        if len(payload) > MAX_DETAILS_CHARS:
            payload = json.dumps({"truncated": payload[:MAX_DETAILS_CHARS]})
    row = {
        "at": at or utc_now(),
        "actor": actor_id,
        "action": action,
        "target": None if target is None else str(target),
        "details": payload,
    }
    if in_transaction(con):
        # Inside `transaction()` the lock is held already; inside a bare BEGIN it is taken now
        # (a writer that began earlier then conflicts on audit_head rather than forking).
        hold_until_transaction_end(con, WRITE_LOCK)
        _append(con, row)
        return
    with transaction(con):  # takes the lock before BEGIN: it sees the newest head
        _append(con, row)


def _append(con: duckdb.DuckDBPyConnection, row: dict[str, Any]) -> None:
    appended = queries.run(con, "audit_append", **row)[0]
    queries.execute(con, "audit_head_move", **appended)


@dataclass(frozen=True, slots=True)
class ChainReport:
    """What `verify` found: how many entries, the newest hash, and the breaks (oldest first)."""

    entries: int
    head_hash: str
    breaks: list[dict[str, Any]]

    @property
    def intact(self) -> bool:
        return not self.breaks

    def summary(self) -> str:
        if self.intact:
            return (
                f"The audit log is intact: {self.entries:,} entries, each chained to the one "
                f"before it. Newest hash: {self.head_hash or '(none)'}."
            )
        first = self.breaks[0]
        more = len(self.breaks) - 1
        return (
            f"The audit log was changed outside Cornerstone QA: entry #{first['audit_id']} "
            f"({_describe(first)}): {first['problem']}."
            + (
                f" {more} later entr{'y' if more == 1 else 'ies'} also fail the check."
                if more
                else ""
            )
        )


def _describe(entry: dict[str, Any]) -> str:
    if entry.get("action") is None:
        return "no longer in the table"
    return f"{entry['action']} by {entry['actor']} at {entry['occurred_at']:%Y-%m-%d %H:%M:%S} UTC"


def verify(con: duckdb.DuckDBPyConnection, viewer: Viewer, limit: int = 100) -> ChainReport:
    """Check the whole chain; admins only. Any UPDATE or DELETE of audit rows shows up here."""
    require(viewer, "audit.view")
    size = queries.run(con, "audit_chain_size", viewer=viewer)[0]
    breaks = queries.run(con, "audit_chain_breaks", viewer=viewer, limit=int(limit))
    return ChainReport(int(size["entries"] or 0), size["head_hash"] or "", breaks)


def entries(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    actor: str | None = None,
    action: str | None = None,
    target: str | None = None,
    limit: int = 1000,
) -> list[dict[str, Any]]:
    """Audit rows matching the filters, newest first. Admins only (PermissionDeniedError)."""
    require(viewer, "audit.view")
    return queries.run(
        con,
        "audit_log_entries",
        viewer=viewer,
        since=since,
        until=until,
        actor=actor or None,
        action=action or None,
        target=target or None,
        limit=int(limit),
    )


def facets(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> dict[str, list[str]]:
    """{'actor': [...], 'action': [...]} present in the trail, for filter pickers. Admins only."""
    require(viewer, "audit.view")
    found: dict[str, list[str]] = {"actor": [], "action": []}
    for row in queries.run(con, "audit_log_facets", viewer=viewer):
        found[row["facet"]].append(row["value"])
    return found


def to_csv(rows: list[dict[str, Any]]) -> str:
    """CSV of audit rows (as returned by `entries`), safe to open in a spreadsheet."""
    return rows_to_csv(CSV_COLUMNS, ([row.get(c) for c in CSV_COLUMNS] for row in rows))
