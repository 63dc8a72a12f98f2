"""Review drafts: a reviewer's unsubmitted changes to one conversation's review form.

The review page saves the fields a reviewer changed (answers, override reasons, comments) as
soon as they change, keyed by reviewer and conversation, so opening another conversation, the
next one in the queue or reloading the page loses nothing. Submitting the review deletes the
draft in the same transaction (warehouse/review/reviews.py); "Discard draft" deletes it too.
Drafts are private: only their reviewer reads or writes them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb

from warehouse import queries
from warehouse.access.permissions import require
from warehouse.access.viewer import Viewer
from warehouse.errors import WarehouseError

DRAFT_LIMIT = 200_000  # characters of JSON: a form's fields, each under the comment limit


class DraftError(WarehouseError):
    """A draft that cannot be saved as given."""


@dataclass(frozen=True)
class Draft:
    conversation_id: str
    base_review_id: int | None  # the review version the draft edits (None: a new review)
    fields: dict[str, Any]  # form field -> the reviewer's value
    updated_at: datetime


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def load_draft(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, conversation_id: str
) -> Draft | None:
    """The viewer's draft of one conversation, or None."""
    rows = queries.run(
        con, "review_draft", viewer=viewer, reviewer_id=viewer.user_id,
        conversation_id=conversation_id,
    )  # fmt: skip
    if not rows:
        return None
    row = rows[0]
    try:
        fields = json.loads(row["fields"])
    except ValueError:
        fields = {}
    return Draft(
        conversation_id,
        row["base_review_id"],
        fields if isinstance(fields, dict) else {},
        row["updated_at"],
    )


def save_draft(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    conversation_id: str,
    fields: Mapping[str, Any],
    base_review_id: int | None,
    now: datetime | None = None,
) -> None:
    """Replace the viewer's draft of one conversation with `fields` (empty: delete it)."""
    require(viewer, "review.submit")
    if not fields:
        discard_draft(con, viewer, conversation_id)
        return
    if not queries.run(con, "conversation_visible", viewer=viewer, conversation_id=conversation_id):
        raise DraftError(
            f"conversation {conversation_id!r} does not exist or is not visible to you"
        )
    text = json.dumps(dict(fields), ensure_ascii=False, sort_keys=True)
    if len(text) > DRAFT_LIMIT:
        raise DraftError(
            f"This draft is {len(text):,} characters long; drafts keep up to {DRAFT_LIMIT:,}."
        )
    queries.execute(
        con, "save_review_draft", reviewer_id=viewer.user_id, conversation_id=conversation_id,
        base_review_id=base_review_id, fields=text, updated_at=now or _now(),
    )  # fmt: skip


def discard_draft(con: duckdb.DuckDBPyConnection, viewer: Viewer, conversation_id: str) -> None:
    """Forget the viewer's draft of one conversation (nothing happens when there is none)."""
    queries.execute(
        con, "delete_review_draft", reviewer_id=viewer.user_id, conversation_id=conversation_id
    )


def drafts_of(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> list[dict[str, Any]]:
    """The conversations the viewer has a draft for, newest first."""
    return queries.run(con, "review_drafts_of", viewer=viewer, reviewer_id=viewer.user_id)
