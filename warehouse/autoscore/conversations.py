"""Conversations back out of the warehouse as `canonical.model.Conversation`s (for scoring).

`load_conversations` walks the requested ids in sorted batches: two queries per batch (the
conversations, then their messages in order), never one per conversation. Each batch query
also carries the batch's id range, so DuckDB skips row groups by their min/max statistics
instead of probing the whole messages table. Memory: the sorted id list plus one batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import duckdb

from canonical.model import Conversation, Message
from warehouse import queries

DEFAULT_BATCH_SIZE = 5_000


def conversation_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every stored conversation id, sorted."""
    rows = queries.rows(con, "conversation_ids_all")
    return [row[0] for row in rows]


def load_conversations(
    con: duckdb.DuckDBPyConnection,
    ids: Iterable[str] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Iterator[Conversation]:
    """Yield stored conversations (all, or those in `ids`) sorted by id; unknown ids are skipped.

    Every query is fully read before anything is yielded, so the caller may use `con` for
    other work (writing scores) between conversations.
    """
    wanted = conversation_ids(con) if ids is None else sorted(set(ids))
    for start in range(0, len(wanted), batch_size):
        batch = wanted[start : start + batch_size]
        yield from _load_batch(con, batch)


def _load_batch(con: duckdb.DuckDBPyConnection, batch: list[str]) -> Iterator[Conversation]:
    params = {"ids": batch, "first": batch[0], "last": batch[-1]}
    heads = queries.rows(con, "conversations_batch_for_scoring", **params)
    messages: dict[str, list[Message]] = {}
    for conversation_id, role, text, author, sent_at, internal in queries.rows(
        con, "messages_batch_for_scoring", **params
    ):
        messages.setdefault(conversation_id, []).append(
            Message(role, text, author=author, sent_at=sent_at, internal=bool(internal))
        )
    for row in heads:
        (conversation_id, channel, created_at, status, agent_id, agent_name, team, customer_id,
         customer_name, csat, nps, ces, tags, subject) = row  # fmt: skip
        yield Conversation(
            conversation_id=conversation_id,
            messages=tuple(messages.get(conversation_id, ())),
            channel=channel,
            created_at=created_at,
            status=status,
            agent_id=agent_id,
            agent_name=agent_name,
            team=team,
            customer_id=customer_id,
            customer_name=customer_name,
            csat=csat,
            nps=nps,
            ces=ces,
            tags=tuple(tags or ()),
            subject=subject,
        )
