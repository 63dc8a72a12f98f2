"""The `sampling_facts` table: conversations ⋈ conversation_scores, kept for the sampling rules.

The review-queue sampling rules (`queue_candidates`) read the conversation's attributes (agent,
team, channel, date, CSAT/NPS) and its auto-score signals together. Joining the two 1M-row tables
for every preview cost ~200 ms at 1M conversations; one row per scored conversation in one table
makes it a scan. The copy is kept exact by the two writers of its sources:

- scoring (`warehouse.autoscore.scores.write_scores`) replaces the rows of each scored batch in the same
  transaction as the scores (`BATCH_STATEMENTS`);
- an import that replaces conversations (`warehouse.reading.ingest`) refreshes their rows
  (`refresh_after_import`): a re-imported conversation keeps its old score until re-scored, with
  its new attributes, exactly as the join would show it.

Anything else that writes the two tables directly (test fixtures, the pages benchmark's score
replication) calls `rebuild` afterwards.
"""

from __future__ import annotations

import duckdb

from warehouse import queries

# Run by write_scores inside its transaction, after the new scores are registered as the frame
# `new_conversation_scores`.
BATCH_STATEMENTS = ("delete_sampling_facts_for_batch", "insert_sampling_facts_for_batch")


def refresh_after_import(con: duckdb.DuckDBPyConnection, import_id: int) -> None:
    """Bring the facts of the conversations written by import `import_id` up to date."""
    queries.execute(con, "delete_sampling_facts_of_import", import_id=import_id)
    queries.execute(con, "insert_sampling_facts_of_import", import_id=import_id)


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute every row from conversations and conversation_scores (call inside a transaction
    when readers must not see the table empty)."""
    queries.execute(con, "delete_all_sampling_facts")
    queries.execute(con, "insert_all_sampling_facts")
