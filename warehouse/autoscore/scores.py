"""Auto-scores into the warehouse: which conversations need (re)scoring, and bulk writes.

`score_database` is what `qa score` and `qa demo` run. It re-scores only conversations that are
new, whose content changed (content_hash), or whose score came from another rubric set (the
set's version hash), or all of them with `rescore_all`. Work is done in batches: load a batch
(short connection), score it on every core without holding the database, write it in one
transaction (short connection), so the dashboard is never locked out for longer than one write.
Rows go in as pandas frames (one INSERT per table per batch), never row by row.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from scoring.batch import BatchScorer
from scoring.engine import ConversationScore
from scoring.loader import DEFAULT_RUBRICS_DIR, load_rubrics, rubric_set_definition
from scoring.rubric import RubricSet
from scoring.templates import reply_hash, template_settings
from warehouse import queries
from warehouse.access import audit
from warehouse.autoscore import sampling_facts
from warehouse.autoscore.conversations import load_conversations
from warehouse.storage.connection import connect, transaction

DEFAULT_BATCH_SIZE = 20_000


@dataclass
class ScoreRunSummary:
    rubric_set_hash: str
    considered: int = 0  # conversations in the database
    selected: int = 0  # new, changed or stale
    scored: int = 0
    templates: int = 0  # agent replies found sent verbatim in many conversations
    seconds: float = 0.0

    def __str__(self) -> str:
        if not self.selected:
            return (
                f"nothing to score: all {self.considered} stored conversations are already scored "
                f"with rubric set {self.rubric_set_hash}"
            )
        rate = self.scored / self.seconds if self.seconds else 0.0
        return (
            f"scored {self.scored} of {self.selected} conversations needing a score "
            f"({self.considered} stored) with rubric set {self.rubric_set_hash} "
            f"in {self.seconds:.1f}s ({rate:.0f}/s); {self.templates} template replies"
        )


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def record_rubric_set(con: duckdb.DuckDBPyConnection, rubric_set: RubricSet) -> None:
    exists = queries.run(con, "rubric_set_exists", rubric_set_hash=rubric_set.version_hash)[0]["n"]
    if not exists:
        queries.execute(
            con,
            "insert_rubric_set",
            rubric_set_hash=rubric_set.version_hash,
            loaded_at=_now(),
            definition=json.dumps(rubric_set_definition(rubric_set)),
        )
        # Rubrics are files: a change enters the system when a new set first scores (issue 7).
        audit.record(
            con,
            "system",
            "rubric.change",
            rubric_set.version_hash,
            {"rubrics": [r.id for r in rubric_set.rubrics], "source": rubric_set.source},
        )


def conversations_to_score(
    con: duckdb.DuckDBPyConnection, rubric_set_hash: str, rescore_all: bool = False
) -> list[tuple[str, str]]:
    """(conversation_id, content_hash) of every conversation needing a (new) score, by id."""
    rows = queries.run(
        con, "conversations_to_score", rubric_set_hash=rubric_set_hash, rescore_all=rescore_all
    )
    return [(row["conversation_id"], row["content_hash"]) for row in rows]


TEMPLATE_PARTS = 8  # the template count holds the database for about 1/8 of its time at once


def template_hashes(
    db_path: str | Path, rubric_set: RubricSet, parts: int = TEMPLATE_PARTS
) -> frozenset[int] | None:
    """The template table over every stored conversation (so incremental runs agree with full
    ones), counted in `parts` short reads over disjoint shares of the conversations, so a page
    never waits for the whole count (one read: 3-6 s at 150k conversations, growing with
    the database; in 8 shares the longest read was 0.84 s).

    A reply sent in at least N conversations in all is sent in at least ceil(N / parts) of them
    in some share, and that share returns its text; the others return its hash and count only.
    An import merged between two reads can make this run's table differ from a single read's."""
    settings = template_settings(rubric_set)
    if settings is None:
        return None
    min_chars, min_conversations = settings
    shares = []
    for part in range(parts):
        with connect(db_path) as con:
            shares.append(
                queries.frame(
                    con, "template_reply_counts_part", min_chars=min_chars, parts=parts,
                    part=part, share_minimum=-(-min_conversations // parts),
                )
            )  # fmt: skip
    counts = pd.concat(shares, ignore_index=True)
    if counts.empty:
        return frozenset()
    totals = counts.groupby("text_hash").agg(
        conversations=("conversations", "sum"), normalised=("normalised", "first")
    )
    chosen = totals[totals["conversations"] >= min_conversations]
    return frozenset(reply_hash(text) for text in chosen["normalised"])


def score_frames(
    results: Iterable[ConversationScore], content_hashes: dict[str, str], rubric_set_hash: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The three score tables' rows for a batch of results, as frames ready for one INSERT each."""
    scored_at = _now()
    conversation_rows, rubric_rows, criterion_rows = [], [], []
    for result in results:
        conversation_rows.append(
            (
                result.conversation_id, rubric_set_hash, content_hashes[result.conversation_id],
                result.quality_score, result.critical_failed, result.first_response_seconds,
                result.longest_reply_gap_seconds, result.handle_seconds,
                result.customer_sentiment_start, result.customer_sentiment_end,
                result.customer_sentiment_min, result.resolved, scored_at,
            )
        )  # fmt: skip
        for rubric in result.rubrics:
            rubric_rows.append((result.conversation_id, rubric.rubric_id, rubric.score))
            for c in rubric.criteria:
                evidence = json.dumps(
                    [
                        {
                            "message_index": e.message_index,
                            "start": e.start,
                            "end": e.end,
                            "quote": e.quote,
                        }
                        for e in c.evidence
                    ],
                    ensure_ascii=False,
                )
                criterion_rows.append(
                    (
                        result.conversation_id, c.rubric_id, c.criterion_id, c.value, c.score,
                        c.na, c.failed, c.critical, c.rationale, evidence,
                    )
                )  # fmt: skip
    conversations = pd.DataFrame(
        conversation_rows,
        columns=[
            "conversation_id", "rubric_set_hash", "content_hash", "quality_score",
            "critical_failed", "first_response_seconds", "longest_reply_gap_seconds",
            "handle_seconds", "customer_sentiment_start", "customer_sentiment_end",
            "customer_sentiment_min", "resolved", "scored_at",
        ],
    )  # fmt: skip
    rubrics = pd.DataFrame(rubric_rows, columns=["conversation_id", "rubric_id", "score"])
    criteria = pd.DataFrame(
        criterion_rows,
        columns=[
            "conversation_id", "rubric_id", "criterion_id", "value", "score", "na", "failed",
            "critical", "rationale", "evidence",
        ],
    )  # fmt: skip
    for frame, columns in (
        (conversations, ["quality_score", "first_response_seconds", "longest_reply_gap_seconds",
                         "handle_seconds", "customer_sentiment_start", "customer_sentiment_end",
                         "customer_sentiment_min"]),
        (rubrics, ["score"]),
        (criteria, ["value", "score"]),
    ):  # fmt: skip
        for column in columns:
            frame[column] = frame[column].astype("float64")
    conversations["resolved"] = conversations["resolved"].astype("boolean")
    return conversations, rubrics, criteria


def write_scores(
    con: duckdb.DuckDBPyConnection,
    results: Sequence[ConversationScore],
    content_hashes: dict[str, str],
    rubric_set_hash: str,
) -> None:
    """Replace the scores of these conversations (the three score tables and their sampling facts)
    in one transaction."""
    if not results:
        return
    conversations, rubrics, criteria = score_frames(results, content_hashes, rubric_set_hash)
    con.register("new_conversation_scores", conversations)
    con.register("new_rubric_scores", rubrics)
    con.register("new_criterion_scores", criteria)
    try:
        with transaction(con):
            for name in (
                "delete_criterion_scores_for_batch",
                "delete_rubric_scores_for_batch",
                "delete_conversation_scores_for_batch",
                "insert_conversation_scores_for_batch",
                "insert_rubric_scores_for_batch",
                "insert_criterion_scores_for_batch",
                *sampling_facts.BATCH_STATEMENTS,
            ):
                queries.execute(con, name)
    finally:
        for view in ("new_conversation_scores", "new_rubric_scores", "new_criterion_scores"):
            con.unregister(view)


def score_database(
    db_path: str | Path,
    rubrics_dir: str | Path = DEFAULT_RUBRICS_DIR,
    rescore_all: bool = False,
    workers: int = 2,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> ScoreRunSummary:
    """Score what needs scoring in `db_path`; `progress(done, total)` as chunks are scored."""
    started = time.perf_counter()
    rubric_set = load_rubrics(rubrics_dir)
    summary = ScoreRunSummary(rubric_set.version_hash)
    with connect(db_path) as con:
        with transaction(con):
            record_rubric_set(con, rubric_set)
        pending = conversations_to_score(con, rubric_set.version_hash, rescore_all)
        summary.considered = queries.value(con, "conversation_count")
    hashes = template_hashes(db_path, rubric_set) if pending else None
    summary.selected = len(pending)
    summary.templates = len(hashes or ())
    if progress is not None:
        progress(0, len(pending))
    if pending:
        scored_chunks = [0]

        def chunk_done(count: int) -> None:  # the progress bar moves per chunk, not per batch
            scored_chunks[0] += count
            if progress is not None:
                progress(scored_chunks[0], len(pending))

        with BatchScorer(rubric_set, workers) as scorer:
            for start in range(0, len(pending), batch_size):
                batch = dict(pending[start : start + batch_size])
                with connect(db_path) as con:
                    conversations = list(load_conversations(con, batch))
                results = list(scorer.score(conversations, hashes, progress=chunk_done))
                with connect(db_path) as con:
                    write_scores(con, results, batch, rubric_set.version_hash)
                summary.scored += len(results)
    summary.seconds = time.perf_counter() - started
    return summary
