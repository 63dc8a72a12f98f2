"""How fast are the review queue and review page queries at 100k and 1M demo conversations?

    .venv/bin/python benchmarks/pages.py                    # 100k and 1M (first build: many minutes)
    .venv/bin/python benchmarks/pages.py --sizes 10000 --runs 20

Databases are built once and cached under data/generated/bench-pages-<N>/ (delete to rebuild):
C's generator writes N conversations, A's ingest loads them, F's users and E1's reviews, queues
and disputes are seeded by the demo steps. Scores: D1's engine scores a 4,000-conversation demo
(cached too) and its score rows are replicated onto the N conversations (conversation i gets the
rows of sample conversation i mod 4,000) — scoring 1M conversations for real takes hours on this
2-core box, and query times depend on row counts and shapes, which replication keeps (~20
criterion rows per conversation). Pass --real-scoring to score all N with D1's engine instead.

Each query is timed as the pages run it: named queries through warehouse.queries on an open
connection, with the filters and conversation ids varied per run; "connect" is the cost of the
short-lived connection every page load opens. Baseline, in the same run: a bare
`SELECT count(*) FROM conversations`. Target: p95 < 300 ms per query at 1M.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cornerstone.demo import pipeline  # noqa: E402
from warehouse import queries  # noqa: E402
from warehouse.access.viewer import Viewer  # noqa: E402
from warehouse.autoscore import sampling_facts  # noqa: E402
from warehouse.review import review_queue, reviews  # noqa: E402
from warehouse.review.sampling import QueueFilters, Selection, load_sampling  # noqa: E402
from warehouse.storage.connection import connect  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "data" / "generated"
SAMPLE_SIZE = 4_000
TARGET_MS = 300.0
QUEUE_PAGE_SIZE = (
    200  # rows per page of the queue table (dashboard.loaders.reviews.QUEUE_PAGE_SIZE)
)


def say(line: str) -> None:
    print(line, flush=True)


def _steps(*names: str) -> tuple[pipeline.Step, ...]:
    return tuple(step for step in pipeline.DEMO_STEPS if step.name in names)


def build_sample() -> Path:
    """A fully scored small demo (D1's engine) whose score rows are replicated onto big databases."""
    db = CACHE / f"bench-pages-sample-{SAMPLE_SIZE}" / "demo.duckdb"
    if (db.parent / "complete").exists():
        return db
    shutil.rmtree(db.parent, ignore_errors=True)
    db.parent.mkdir(parents=True)
    pipeline.build_demo(
        db, SAMPLE_SIZE, say=say, steps=_steps("generate", "ingest", "score"), workers=2
    )
    (db.parent / "complete").write_text("ok\n")
    return db


def replicate_scores(db: Path, sample: Path) -> None:
    with connect(db) as con:
        con.execute(f"ATTACH '{sample}' AS sample (READ_ONLY)")
        try:
            con.execute("BEGIN TRANSACTION")
            con.execute(
                "INSERT INTO rubric_sets SELECT * FROM sample.rubric_sets ON CONFLICT DO NOTHING"
            )
            con.execute(
                "CREATE TEMP TABLE score_map AS"
                " WITH big AS (SELECT conversation_id, content_hash,"
                "   row_number() OVER (ORDER BY conversation_id) - 1 AS n FROM conversations),"
                " small AS (SELECT conversation_id AS sample_id,"
                "   row_number() OVER (ORDER BY conversation_id) - 1 AS n FROM sample.conversation_scores)"
                " SELECT big.conversation_id, big.content_hash, small.sample_id FROM big"
                " JOIN small ON small.n = big.n % (SELECT count(*) FROM small)"
            )
            con.execute(
                "INSERT INTO conversation_scores SELECT m.conversation_id, s.rubric_set_hash, m.content_hash,"
                " s.* EXCLUDE (conversation_id, rubric_set_hash, content_hash)"
                " FROM score_map m JOIN sample.conversation_scores s ON s.conversation_id = m.sample_id"
            )
            con.execute(
                "INSERT INTO rubric_scores SELECT m.conversation_id, s.rubric_id, s.score"
                " FROM score_map m JOIN sample.rubric_scores s ON s.conversation_id = m.sample_id"
            )
            con.execute(
                "INSERT INTO criterion_scores SELECT m.conversation_id, s.* EXCLUDE (conversation_id)"
                " FROM score_map m JOIN sample.criterion_scores s ON s.conversation_id = m.sample_id"
                " ORDER BY m.conversation_id"
            )
            sampling_facts.rebuild(con)  # the scores bypassed write_scores, which keeps them
            con.execute("COMMIT")
        finally:
            con.execute("DETACH sample")


def build(conversations: int, real_scoring: bool) -> Path:
    """The cached benchmark database for `conversations` (built when absent)."""
    folder = CACHE / f"bench-pages-{conversations}{'-real' if real_scoring else ''}"
    db = folder / "demo.duckdb"
    if (folder / "complete").exists():
        return db
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    say(f"building {db} ({conversations:,} conversations) ...")
    if real_scoring:
        pipeline.build_demo(
            db, conversations, say=say, steps=_steps("generate", "ingest", "score"), workers=2
        )
    else:
        sample = build_sample()
        pipeline.build_demo(
            db, conversations, say=say, steps=_steps("generate", "ingest"), workers=2
        )
        replicate_scores(db, sample)
        say(f"  scores       replicated from the {SAMPLE_SIZE:,}-conversation scored sample")
    pipeline.build_demo(db, conversations, say=say, steps=_steps("users", "reviews"), workers=2)
    (folder / "complete").write_text("ok\n")
    say(f"built in {time.perf_counter() - started:.0f}s")
    return db


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed(runs: int, work: Callable[[int], object]) -> list[float]:
    work(0)  # warm-up: first-run planning and cold pages are not what a reviewer waits for twice
    times = []
    for i in range(runs):
        started = time.perf_counter()
        work(i)
        times.append((time.perf_counter() - started) * 1000)
    return times


def measure(db: Path, runs: int) -> list[tuple[str, list[float]]]:
    rng = random.Random(11)
    with connect(db) as con:
        reviewer_ids = [
            r[0]
            for r in con.execute("SELECT DISTINCT reviewer_id FROM review_assignments").fetchall()
        ]
        lead_id = con.execute(
            "SELECT DISTINCT assigned_by FROM review_assignments LIMIT 1"
        ).fetchall()[0][0]
        teams = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT team FROM conversations WHERE team IS NOT NULL"
            ).fetchall()
        ]
        channels = [
            r[0] for r in con.execute("SELECT DISTINCT channel FROM conversations").fetchall()
        ]
        first, last = con.execute(
            "SELECT min(created_at), max(created_at) FROM conversations"
        ).fetchall()[0]
        total = con.execute("SELECT count(*) FROM conversations").fetchall()[0][0]
        ids = [
            r[0]
            for r in con.execute(
                "SELECT conversation_id FROM conversations USING SAMPLE 400 ROWS"
            ).fetchall()
        ]
        reviewed = [
            r[0]
            for r in con.execute(
                "SELECT conversation_id FROM current_reviews USING SAMPLE 200 ROWS"
            ).fetchall()
        ]
    lead = Viewer(lead_id, "qa_lead")
    config = load_sampling()
    rule_sets = [
        tuple(config.default_rules), ("random_per_agent_week",), ("negative_sentiment", "low_csat_nps"),
        ("long_handle_time", "critical_failures", "not_yet_reviewed"),
    ]  # fmt: skip

    def filters(i: int) -> QueueFilters:
        kind = i % 5
        if kind == 1:
            return QueueFilters(teams=(rng.choice(teams),))
        if kind == 2:
            return QueueFilters(channels=(rng.choice(channels),), score_min=0, score_max=60)
        if kind == 3:
            start = first.date() + timedelta(days=rng.randint(0, max(1, (last - first).days - 30)))
            return QueueFilters(since=start, until=start + timedelta(days=30))
        if kind == 4:
            return QueueFilters(rubric_id="empathy", score_min=0, score_max=50)
        return QueueFilters()

    results: list[tuple[str, list[float]]] = []
    with connect(db) as con:
        results.append(("baseline: SELECT count(*) FROM conversations",
                        timed(runs, lambda i: con.execute("SELECT count(*) FROM conversations").fetchall())))  # fmt: skip
        queue_cases = {
            "queue: my open assignments (reviewer)": lambda i: review_queue.queue_rows(
                con, Viewer(reviewer_ids[i % len(reviewer_ids)], "reviewer"), reviewer_ids[i % len(reviewer_ids)],
                ["open"], filters(i), QUEUE_PAGE_SIZE),
            "queue: everyone's open (lead, filtered)": lambda i: review_queue.queue_rows(
                con, lead, None, ["open"], filters(i), QUEUE_PAGE_SIZE),
            "queue: history, all statuses (lead, page 1-3 + total)": lambda i: review_queue.queue_rows(
                con, lead, None, ["open", "done", "released"], filters(i), QUEUE_PAGE_SIZE,
                QUEUE_PAGE_SIZE * (i % 3)),
            "queue: filter options": lambda i: queries.run(con, "queue_filter_options", viewer=lead),
            "queue: open count per reviewer": lambda i: queries.run(con, "open_assignment_count", viewer=lead),
            "queue: disputes list": lambda i: queries.run(
                con, "disputes", viewer=lead, statuses=["open"] if i % 2 else ["upheld", "changed"],
                conversation_id=None, limit=500),
            "queue: sampling preview (candidates)": lambda i: review_queue.candidates(
                con, lead, Selection(rule_sets[i % len(rule_sets)], "any", seed=i, config=config),
                filters(i), 200),
        }  # fmt: skip
        for name, work in queue_cases.items():
            results.append((name, timed(runs, work)))

        def cid(i: int) -> str:
            return reviewed[i % len(reviewed)] if i % 3 == 0 and reviewed else ids[i % len(ids)]

        reviewer = Viewer(reviewer_ids[0], "reviewer")
        page_cases = {
            "review: conversation_header": lambda i: queries.run(con, "conversation_header", viewer=reviewer, conversation_id=cid(i)),
            "review: conversation_messages": lambda i: queries.run(con, "conversation_messages", viewer=reviewer, conversation_id=cid(i)),
            "review: auto criteria + evidence": lambda i: queries.run(con, "conversation_auto_criteria", viewer=reviewer, conversation_id=cid(i)),
            "review: review_versions": lambda i: queries.run(con, "review_versions", viewer=reviewer, conversation_id=cid(i)),
            "review: comments": lambda i: queries.run(con, "conversation_comments", viewer=reviewer, conversation_id=cid(i)),
            "review: disputes of conversation": lambda i: queries.run(
                con, "disputes", viewer=reviewer, statuses=["open", "upheld", "changed"], conversation_id=cid(i), limit=100),
            "review: load_form (rubric form, 5 queries)": lambda i: reviews.load_form(con, reviewer, cid(i)),
        }  # fmt: skip
        for name, work in page_cases.items():
            results.append((name, timed(runs, work)))

    def whole_page(i: int) -> None:  # what the review page's loader does on a cache miss
        with connect(db) as con:
            conversation_id = cid(i)
            queries.run(
                con, "conversation_header", viewer=reviewer, conversation_id=conversation_id
            )
            queries.run(
                con, "conversation_messages", viewer=reviewer, conversation_id=conversation_id
            )
            reviews.load_form(con, reviewer, conversation_id)
            queries.run(con, "review_versions", viewer=reviewer, conversation_id=conversation_id)
            queries.run(
                con, "conversation_comments", viewer=reviewer, conversation_id=conversation_id
            )
            queries.run(con, "disputes", viewer=reviewer, statuses=["open", "upheld", "changed"],
                        conversation_id=conversation_id, limit=100)  # fmt: skip
            queries.run(
                con, "conversation_rubric_scores", viewer=reviewer, conversation_id=conversation_id
            )

    def open_close(i: int) -> None:
        with connect(db):
            pass

    results.append(("connect() open + close", timed(runs, open_close)))
    results.append(("review page loader, all queries + connect", timed(runs, whole_page)))
    say(
        f"\n{total:,} conversations · {db.stat().st_size / 1e9:.2f} GB · {runs} runs per query (varied filters/ids)"
    )
    return results


def report(size: int, results: list[tuple[str, list[float]]]) -> None:
    base = statistics.median(results[0][1])
    say(f"{'query':<52} {'p50 ms':>9} {'p95 ms':>9} {'p50/baseline':>13}  target")
    for name, times in results:
        p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
        verdict = (
            ""
            if name.startswith(("baseline", "review page loader"))
            else ("ok" if p95 < TARGET_MS else "SLOW")
        )
        say(f"{name:<52} {p50:>9.1f} {p95:>9.1f} {p50 / base:>12.1f}x  {verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument(
        "--real-scoring", action="store_true", help="score all conversations with D1's engine"
    )
    parser.add_argument(
        "--build-only", action="store_true", help="build (or find) the databases only"
    )
    args = parser.parse_args(argv)
    say(
        f"benchmarks/pages.py · {date.today()} · machine shared with other jobs (2 cores): figures include contention"
    )
    for size in args.sizes:
        db = build(size, args.real_scoring)
        if not args.build_only:
            report(size, measure(db, args.runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
