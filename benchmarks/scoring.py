"""Scoring throughput: N demo conversations fully scored on every core, against one plain nltk VADER
pass over the same messages measured in the same run.

    .venv/bin/python benchmarks/scoring.py                      # 1,000,000 conversations
    .venv/bin/python benchmarks/scoring.py --conversations 20000

Phases:
1. prepare (not part of the scoring figure): C's demo generator writes the conversations as
   pickled blocks of `Conversation`s in a temp dir, in parallel — standing in for the batches
   `qa score` loads from the warehouse.
2. score (timed): the template pass (agent replies counted across the whole batch, read as the
   (conversation id, reply) rows that `qa score` reads from the messages table), then every
   conversation scored against the shipped rubrics by `workers` processes, block by block, each
   result serialised to its score-file JSON line in the worker (then counted and dropped: no
   output file).
3. baseline (timed): nltk's own `SentimentIntensityAnalyzer.polarity_scores` on every message
   text, on the same number of processes. When the full pass would take more than 5 minutes it
   runs on a sample of messages and is extrapolated — the output says so.

Peak RSS is sampled every 0.2 s as the sum over this process and all its children (shared
copy-on-write pages of forked workers are counted once per process, so it over-states).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import pickle
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

# This file is named like the `scoring` package; run as a script, its folder must not shadow it.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import psutil  # noqa: E402

from cornerstone.demo.dialogue import conversation_tuples, tables  # noqa: E402
from cornerstone.demo.generator import BLOCK_SIZE, conversation_from_tuples  # noqa: E402
from cornerstone.demo.roster import DEFAULT_END_DATE, DEFAULT_MONTHS  # noqa: E402
from cornerstone.model import Conversation  # noqa: E402

BASELINE_LIMIT_SECONDS = 300.0


# ---- memory ------------------------------------------------------------------------------------
class PeakRss:
    """Highest sum of RSS over this process and its children, sampled in a thread."""

    def __init__(self, interval: float = 0.2) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)

    def _sample(self) -> int:
        me = psutil.Process()
        total = me.memory_info().rss
        for child in me.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _run(self, interval: float) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(interval)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# ---- phase 1: demo conversations as blocks ----------------------------------------------------------
def _write_block(job: tuple[Path, int, int, int, int]) -> tuple[int, int]:
    directory, seed, block, first, total = job
    lookup = tables(seed, DEFAULT_END_DATE, DEFAULT_MONTHS)
    count = min(BLOCK_SIZE, total - first)
    conversations = []
    messages = 0
    for header, msgs in conversation_tuples(lookup, block, first, count, total):
        conversations.append(conversation_from_tuples(header, msgs))
        messages += len(msgs)
    with (directory / f"{block:06d}.pkl").open("wb") as handle:
        pickle.dump(conversations, handle, protocol=pickle.HIGHEST_PROTOCOL)
    # the (conversation id, public agent reply) rows `qa score`'s template pass reads from the
    # messages table (query template_reply_texts), stored apart like that column
    replies = [
        (c.conversation_id, m.text)
        for c in conversations
        for m in c.messages
        if m.role == "agent" and not m.internal
    ]
    with _replies_path(directory / f"{block:06d}.pkl").open("wb") as handle:
        pickle.dump(replies, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return len(conversations), messages


def _replies_path(block: Path) -> Path:
    return block.with_suffix(".replies")


def _load(path: Path) -> list[Conversation]:
    with path.open("rb") as handle:
        return pickle.load(handle)


# ---- phase 2: scoring ------------------------------------------------------------------------------
_rubrics = None
_templates = None


def _init_scoring(template_hashes) -> None:
    global _rubrics, _templates
    from scoring.batch import quiet_gc
    from scoring.loader import load_rubrics

    _rubrics = load_rubrics()
    _templates = template_hashes
    quiet_gc()  # as scoring.batch's workers do


def _count_block(job: tuple[Path, int]):
    from scoring.templates import count_texts

    path, min_chars = job
    with _replies_path(path).open("rb") as handle:
        return count_texts(pickle.load(handle), min_chars)


def _score_block(path: Path) -> tuple[int, int, int, int]:
    from scoring.batch import collect_young, to_json_line
    from scoring.engine import score

    conversations = _load(path)
    size = critical = evidence = 0
    for conversation in conversations:
        result = score(conversation, _rubrics, _templates)
        size += len(to_json_line(result))
        critical += result.critical_failed
        evidence += sum(len(c.evidence) for r in result.rubrics for c in r.criteria)
    collect_young()
    return len(conversations), size, critical, evidence


# ---- phase 3: the nltk VADER baseline ----------------------------------------------------------------
def _vader_texts(job: tuple[list[Path], int]) -> tuple[int, float]:
    from scoring.sentiment import analyzer

    paths, limit = job  # limit None: every message of these blocks
    texts = []
    for path in paths:
        for conversation in _load(path):
            texts.extend(m.text for m in conversation.messages)
            if limit is not None and len(texts) >= limit:
                break
        if limit is not None and len(texts) >= limit:
            break
    texts = texts if limit is None else texts[:limit]
    vader = analyzer()
    vader.polarity_scores("warm up")
    started = time.perf_counter()
    for text in texts:
        vader.polarity_scores(text)
    return len(texts), time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--vader-sample", type=int, default=40_000, help="messages per worker when sampling"
    )
    parser.add_argument(
        "--keep", type=Path, default=None, help="reuse/keep the prepared blocks here"
    )
    args = parser.parse_args()

    context = multiprocessing.get_context("fork")
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="cornerstone-scoring-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    print(
        f"scoring benchmark: {args.conversations:,} demo conversations, {args.workers} workers, "
        f"{os.cpu_count()} CPUs, load average at start {load[0]:.1f} (shared machine)"
    )
    try:
        # 1. prepare
        started = time.perf_counter()
        jobs = [
            (workdir, args.seed, block, first, args.conversations)
            for block, first in enumerate(range(0, args.conversations, BLOCK_SIZE))
        ]
        paths = [workdir / f"{job[2]:06d}.pkl" for job in jobs]
        if all(p.exists() and _replies_path(p).exists() for p in paths):
            print("prepare: reusing blocks in", workdir)
            counts = None
        else:
            with context.Pool(args.workers) as pool:
                counts = pool.map(_write_block, jobs, chunksize=1)
        prepare_seconds = time.perf_counter() - started
        if counts is not None:
            total_messages = sum(m for _, m in counts)
        else:
            total_messages = None
        if counts is not None:
            print(
                f"prepare: {sum(c for c, _ in counts):,} conversations, {total_messages:,} messages "
                f"generated in {prepare_seconds:.1f}s (not part of the scoring time)"
            )

        # 2. score
        from scoring.loader import load_rubrics
        from scoring.templates import merge, template_settings, templates

        rubric_set = load_rubrics()
        min_chars, min_conversations = template_settings(rubric_set)
        with PeakRss() as rss:
            started = time.perf_counter()
            with context.Pool(args.workers) as pool:
                tables_ = pool.map(_count_block, [(p, min_chars) for p in paths], chunksize=1)
            template_hashes = templates(merge(tables_), min_conversations)
            del tables_
            template_seconds = time.perf_counter() - started
            with context.Pool(args.workers, _init_scoring, (template_hashes,)) as pool:
                outcomes = pool.map(_score_block, paths, chunksize=1)
            score_seconds = time.perf_counter() - started
        scored = sum(o[0] for o in outcomes)
        json_bytes = sum(o[1] for o in outcomes)
        critical = sum(o[2] for o in outcomes)
        evidence = sum(o[3] for o in outcomes)
        if total_messages is None:
            total_messages = sum(len(c.messages) for p in paths for c in _load(p))
        rate = scored / score_seconds
        print(
            f"template pass: {len(template_hashes):,} template replies in {template_seconds:.1f}s"
        )
        print(
            f"scored: {scored:,} conversations ({total_messages:,} messages) in {score_seconds:.1f}s "
            f"(template pass included) = {rate:,.0f} conversations/s"
        )
        print(
            f"        {json_bytes / 1e9:.2f} GB of score JSON, {evidence:,} evidence quotes, "
            f"{critical:,} critical failures"
        )
        print(f"peak RSS (main + workers, sampled): {rss.peak / 2**30:.2f} GB")
        print(f"load average after scoring {os.getloadavg()[0]:.1f}")

        # 3. baseline
        per_worker_all = -(-total_messages // args.workers)
        probe = min(per_worker_all, 5_000)
        share = [paths[i :: args.workers] for i in range(args.workers)]
        with context.Pool(args.workers) as pool:
            probes = pool.map(_vader_texts, [(s, probe) for s in share])
        probe_rate = sum(n for n, _ in probes) / max(max(t for _, t in probes), 1e-9)
        estimate = total_messages / probe_rate
        if estimate <= BASELINE_LIMIT_SECONDS:
            with context.Pool(args.workers) as pool:
                runs = pool.map(_vader_texts, [(s, None) for s in share])
            vader_seconds = max(t for _, t in runs)
            measured = sum(n for n, _ in runs)
            how = f"measured on all {measured:,} messages"
        else:
            sample = min(args.vader_sample, per_worker_all)
            with context.Pool(args.workers) as pool:
                runs = pool.map(_vader_texts, [(s, sample) for s in share])
            measured = sum(n for n, _ in runs)
            vader_rate = measured / max(t for _, t in runs)
            vader_seconds = total_messages / vader_rate
            how = (
                f"EXTRAPOLATED from a sample of {measured:,} messages "
                f"({vader_rate:,.0f} messages/s on {args.workers} processes; the full pass would "
                f"take over {BASELINE_LIMIT_SECONDS / 60:.0f} minutes)"
            )
        print(
            f"baseline: plain nltk VADER polarity_scores over all {total_messages:,} messages: "
            f"{vader_seconds:.1f}s, {how}"
        )
        print(
            f"ratio: full scoring took {score_seconds / vader_seconds:.2f}x the time of one plain "
            f"VADER pass ({vader_seconds / score_seconds:.2f}x faster)"
        )
        target_time = score_seconds * 1_000_000 / scored
        print(
            f"targets: 1M conversations in < 300 s (this run's rate gives {target_time:.0f} s), "
            f"peak RSS < 2 GB ({rss.peak / 2**30:.2f} GB)"
        )
        print(f"load average at end {os.getloadavg()[0]:.1f}")
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
