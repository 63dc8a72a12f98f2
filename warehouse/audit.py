"""The audit trail: who did what and when, in the append-only table `audit_log` (migration 005).

Writers call `record(con, actor, action, target, details)`, inside their own transaction so the
audit row commits or rolls back with the change it describes. Nothing in the code base updates or
deletes audit rows (tests/warehouse/test_audit.py greps for it). Reading is for admins only.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import duckdb

from warehouse import queries
from warehouse.csv_export import rows_to_csv
from warehouse.permissions import require
from warehouse.viewer import Viewer

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
    con.execute(
        "INSERT INTO audit_log (occurred_at, actor, action, target, details)"
        " VALUES ($at, $actor, $action, $target, CAST($details AS JSON))",
        {
            "at": at or utc_now(),
            "actor": actor_id,
            "action": action,
            "target": None if target is None else str(target),
            "details": payload,
        },
    )


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
