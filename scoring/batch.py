"""Score many conversations on every core.

`score_batch` is the entry point: it runs the template pass when needed (a reply is a template
only relative to the whole batch), then sends chunks of conversations to worker processes and
yields results in input order. At most a few chunks are in flight, so an iterator of a million
conversations is streamed, never held in memory at once (the template pass needs a second look:
give `template_hashes` from a precomputed count table, or the batch is materialised as a list).

Workers are forked (fast start, no re-import; they never touch the parent's database handles,
which are closed before scoring starts) and receive the rubric set once. Results come back as `ConversationScore`s, or as score-file JSON lines
(`output="json"`), which are serialised in the workers.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

import orjson

from canonical.model import Conversation
from scoring import templates
from scoring.engine import ConversationScore, score
from scoring.rubric import RubricSet

DEFAULT_CHUNK = 250
_worker_rubrics: RubricSet | None = None


def quiet_gc() -> None:
    """Turn the cyclic garbage collector's automatic runs off in a scoring worker.

    Scoring allocates millions of short-lived objects and keeps large per-text caches; every
    automatic full collection walks those caches again (6-10% of the time of a 200k-conversation
    run, for nothing: scoring makes almost no reference cycles, and trimmed caches are freed by
    reference counting). Workers call `collect_young()` after each chunk instead, which frees any
    cycle made meanwhile without walking the old, cached objects.
    """
    gc.disable()


def collect_young() -> None:
    gc.collect(1)


def _init_worker(rubrics: RubricSet, forked: bool = True) -> None:
    global _worker_rubrics
    from scoring.loader import import_detectors

    import_detectors()
    _worker_rubrics = rubrics
    if forked:  # never in the caller's own process (workers=1)
        quiet_gc()


def to_json_line(result: ConversationScore) -> str:
    """One score-file line: compact JSON, UTF-8 text kept as is (orjson: ~50x faster than `json`)."""
    data = result.to_json()
    try:
        return orjson.dumps(data).decode()
    except orjson.JSONEncodeError:  # a quote holding a lone surrogate (not UTF-8): escape it
        return json.dumps(data, ensure_ascii=True)


def _score_chunk(
    chunk: Sequence[Conversation], template_hashes: frozenset[int] | None, output: str
) -> list[Any]:
    rubrics = _worker_rubrics
    results = [score(c, rubrics, template_hashes) for c in chunk]
    if output == "json":
        results = [to_json_line(r) for r in results]
    if not gc.isenabled():  # a worker (see quiet_gc)
        collect_young()
    return results


def _count_chunk(chunk: Sequence[Conversation], min_chars: int):
    return templates.count_table(chunk, min_chars)


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def template_hashes_for(
    conversations: Iterable[Conversation], rubrics: RubricSet
) -> frozenset[int] | None:
    """The template pass over a whole batch (None when the rubric set has no template criterion)."""
    settings = templates.template_settings(rubrics)
    if settings is None:
        return None
    min_chars, min_conversations = settings
    return templates.templates(templates.count_table(conversations, min_chars), min_conversations)


class BatchScorer:
    """A pool of scoring workers holding one rubric set; reuse it across batches."""

    def __init__(self, rubrics: RubricSet, workers: int = 2, chunk_size: int = DEFAULT_CHUNK):
        self.rubrics = rubrics
        self.workers = max(1, workers)
        self.chunk_size = max(1, chunk_size)
        self._pool = None

    def __enter__(self) -> BatchScorer:
        if self.workers > 1:
            context = multiprocessing.get_context("fork")
            self._pool = context.Pool(self.workers, _init_worker, (self.rubrics,))
        else:
            _init_worker(self.rubrics, forked=False)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            if exc[0] is None:
                self._pool.close()
            else:
                self._pool.terminate()
            self._pool.join()
            self._pool = None

    def _map(self, function: Callable, tasks: Iterable[tuple]) -> Iterator[Any]:
        """Ordered results of function(*task), with a bounded number of tasks in flight."""
        if self._pool is None:
            for task in tasks:
                yield function(*task)
            return
        pending: deque = deque()
        limit = self.workers * 3
        for task in tasks:
            pending.append(self._pool.apply_async(function, task))
            if len(pending) >= limit:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()

    def count_templates(self, conversations: Iterable[Conversation]) -> frozenset[int] | None:
        settings = templates.template_settings(self.rubrics)
        if settings is None:
            return None
        min_chars, min_conversations = settings
        tables = self._map(
            _count_chunk,
            ((chunk, min_chars) for chunk in chunks(conversations, self.chunk_size * 4)),
        )
        return templates.templates(templates.merge(tables), min_conversations)

    def score(
        self,
        conversations: Iterable[Conversation],
        template_hashes: frozenset[int] | None,
        output: str = "score",
        progress: Callable[[int], None] | None = None,
    ) -> Iterator[Any]:
        tasks = (
            (chunk, template_hashes, output) for chunk in chunks(conversations, self.chunk_size)
        )
        for results in self._map(_score_chunk, tasks):
            if progress is not None:
                progress(len(results))
            yield from results


def score_batch(
    conversations: Iterable[Conversation],
    rubrics: RubricSet,
    workers: int = 2,
    chunk_size: int = DEFAULT_CHUNK,
    template_hashes: frozenset[int] | None = None,
    output: str = "score",
    progress: Callable[[int], None] | None = None,
) -> Iterator[Any]:
    """Score every conversation (in order) on `workers` processes.

    Without `template_hashes` the batch itself is the reference for template replies: it is
    materialised and counted first. Small batches (two chunks or fewer) are scored in-process.
    """
    if template_hashes is None and templates.template_settings(rubrics) is not None:
        conversations = list(conversations)
        template_hashes = template_hashes_for(conversations, rubrics)
    if isinstance(conversations, Sequence) and len(conversations) <= 2 * chunk_size:
        workers = 1
    with BatchScorer(rubrics, workers, chunk_size) as scorer:
        yield from scorer.score(conversations, template_hashes, output, progress)
