"""Deterministic, streaming writer of demo conversations: canonical JSONL (or CSV) on disk.

`generate(path, conversations=N, seed=S)` writes N conversations without holding them in memory:
they are made in fixed blocks of `BLOCK_SIZE` (see `dialogue.conversation_tuples`), rendered to
text block by block, in this process or in a pool of workers, and written in order. The bytes
depend only on (seed, N, end_date, months, fmt), never on the number of workers.
`iter_conversations` gives the same conversations as `canonical.model.Conversation`s.
JSON is assembled from strings (ids, timestamps and keys need no escaping; names and texts go
through the C JSON string encoder): about twice as fast as building dicts for `json.dumps`.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from json.encoder import encode_basestring as _json_string
from pathlib import Path

from canonical.model import Conversation, Message
from cornerstone.demo.dialogue import Tables, conversation_tuples, tables
from cornerstone.demo.roster import DEFAULT_END_DATE, DEFAULT_MONTHS, DEFAULT_SEED

BLOCK_SIZE = 2_000
CSV_COLUMNS = (
    "conversation_id", "channel", "created_at", "status", "agent_id", "agent_name", "team",
    "customer_id", "customer_name", "csat", "nps", "ces", "tags", "subject",
    "role", "author", "text", "sent_at", "internal",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class GenerationSummary:
    path: Path
    conversations: int
    messages: int
    bytes: int
    seconds: float

    @property
    def conversations_per_second(self) -> float:
        return self.conversations / self.seconds if self.seconds else float("inf")

    @property
    def megabytes_per_second(self) -> float:
        return self.bytes / 1e6 / self.seconds if self.seconds else float("inf")


def _json_lines(lookup: Tables, block: int, first: int, count: int, total: int) -> tuple[str, int]:
    out: list[str] = []
    append = out.append
    esc = _json_string
    messages = 0
    for header, msgs in conversation_tuples(lookup, block, first, count, total):
        cid, channel, created, status, agent_id, agent_name, team = header[:7]
        customer_id, customer_name, csat, nps, ces, tags, subject = header[7:]
        parts = [f'{{"conversation_id":"{cid}","channel":"{channel}"']
        if created is not None:
            parts.append(f',"created_at":"{created}"')
        parts.append(
            f',"status":"{status}","agent_id":"{agent_id}","agent_name":{esc(agent_name)},'
            f'"team":{esc(team)},"customer_id":"{customer_id}"'
        )
        if customer_name is not None:
            parts.append(',"customer_name":' + esc(customer_name))
        if csat is not None:
            parts.append(f',"csat":{csat}')
        if nps is not None:
            parts.append(f',"nps":{nps}')
        if ces is not None:
            parts.append(f',"ces":{ces}')
        parts.append(',"tags":[' + ",".join(f'"{tag}"' for tag in tags) + "]")
        if subject is not None:
            parts.append(',"subject":' + esc(subject))
        rendered = []
        for role, author, text, sent_at, internal in msgs:
            item = '{"role":"' + role + '"'
            if author is not None:
                item += ',"author":' + esc(author)
            item += ',"text":' + esc(text)
            if sent_at is not None:
                item += ',"sent_at":"' + sent_at + '"'
            if internal:
                item += ',"internal":true'
            rendered.append(item + "}")
        messages += len(rendered)
        parts.append(',"messages":[' + ",".join(rendered) + "]}\n")
        append("".join(parts))
    return "".join(out), messages


def _csv_rows(lookup: Tables, block: int, first: int, count: int, total: int) -> tuple[str, int]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    messages = 0
    for header, msgs in conversation_tuples(lookup, block, first, count, total):
        fixed = list(header)
        fixed[12] = ";".join(header[12])
        fixed = ["" if value is None else value for value in fixed]
        for role, author, text, sent_at, internal in msgs:
            writer.writerow(
                (*fixed, role, author or "", text, sent_at or "", "true" if internal else "")
            )
        messages += len(msgs)
    return buffer.getvalue(), messages


_RENDERERS = {"jsonl": _json_lines, "csv": _csv_rows}


def _utc(stamp: str | None) -> datetime | None:
    if stamp is None:
        return None
    moment = datetime.fromisoformat(stamp)
    return moment.astimezone(UTC).replace(tzinfo=None)


def conversation_from_tuples(header: tuple, msgs: list) -> Conversation:
    """The `Conversation` for one generated (header, messages) pair of `conversation_tuples`."""
    cid, channel, created, status, agent_id, agent_name, team = header[:7]
    customer_id, customer_name, csat, nps, ces, tags, subject = header[7:]
    return Conversation(
        conversation_id=cid,
        messages=tuple(
            Message(role, text, author, _utc(sent_at), internal)
            for role, author, text, sent_at, internal in msgs
        ),
        channel=channel,
        created_at=_utc(created),
        status=status,
        agent_id=agent_id,
        agent_name=agent_name,
        team=team,
        customer_id=customer_id,
        customer_name=customer_name,
        csat=csat,
        nps=nps,
        ces=ces,
        tags=tuple(tags),
        subject=subject,
    )


def iter_conversations(
    conversations: int = 10_000,
    seed: int = DEFAULT_SEED,
    end_date: date = DEFAULT_END_DATE,
    months: int = DEFAULT_MONTHS,
) -> Iterator[Conversation]:
    """The same conversations `generate` writes, as canonical `Conversation`s, one at a time.

    For in-process consumers (scoring benchmarks, tests) that do not need a file.
    """
    block_tables = tables(seed, end_date, months)
    for block, first in enumerate(range(0, conversations, BLOCK_SIZE)):
        count = min(BLOCK_SIZE, conversations - first)
        for header, msgs in conversation_tuples(block_tables, block, first, count, conversations):
            yield conversation_from_tuples(header, msgs)


def _render_block(job: tuple[int, date, int, str, int, int, int]) -> tuple[str, int]:
    seed, end_date, months, fmt, block, first, total = job
    block_tables = tables(seed, end_date, months)
    count = min(BLOCK_SIZE, total - first)
    return _RENDERERS[fmt](block_tables, block, first, count, total)


def generate(
    path: str | Path,
    conversations: int = 10_000,
    seed: int = DEFAULT_SEED,
    end_date: date = DEFAULT_END_DATE,
    months: int = DEFAULT_MONTHS,
    fmt: str = "jsonl",
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> GenerationSummary:
    """Write `conversations` demo conversations to `path` (canonical JSONL, or CSV with fmt="csv").

    Deterministic: the same (seed, conversations, end_date, months, fmt) give the same bytes,
    whatever `workers`. Memory stays flat: one block of BLOCK_SIZE conversations per worker.
    `progress(done)` is called after each block with the number of conversations written.
    """
    if fmt not in _RENDERERS:
        raise ValueError(f"fmt must be one of {', '.join(_RENDERERS)}, got {fmt!r}")
    if conversations < 0:
        raise ValueError("conversations must be >= 0")
    started = time.perf_counter()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    jobs = [
        (seed, end_date, months, fmt, block, first, conversations)
        for block, first in enumerate(range(0, conversations, BLOCK_SIZE))
    ]
    messages = done = 0
    tmp = path.with_name(path.name + ".partial")
    with open(tmp, "w", encoding="utf-8", newline="") as out:
        if fmt == "csv":
            out.write(",".join(CSV_COLUMNS) + "\n")
        pool = None
        if workers > 1 and len(jobs) > 1:
            tables(seed, end_date, months)  # built once, inherited by forked workers
            pool = multiprocessing.get_context("fork").Pool(workers)
            blocks = pool.imap(_render_block, jobs)
        else:
            blocks = map(_render_block, jobs)
        try:
            for (_, _, _, _, _, first, _), (text, count) in zip(jobs, blocks, strict=True):
                out.write(text)
                messages += count
                done = min(conversations, first + BLOCK_SIZE)
                if progress is not None:
                    progress(done)
        finally:
            if pool is not None:
                pool.close()
                pool.join()
    os.replace(tmp, path)
    return GenerationSummary(
        path, conversations, messages, path.stat().st_size, time.perf_counter() - started
    )


def main(argv: list[str] | None = None) -> int:
    """`python -m cornerstone.demo.generator OUT N [--seed S] [--csv] [--workers W]`."""
    import argparse

    parser = argparse.ArgumentParser(description="Write N demo conversations to OUT.")
    parser.add_argument("out", type=Path)
    parser.add_argument("conversations", type=int)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--csv", action="store_true", help="canonical CSV instead of JSONL")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    summary = generate(
        args.out, args.conversations, seed=args.seed, fmt="csv" if args.csv else "jsonl",
        workers=args.workers,
    )  # fmt: skip
    print(
        f"{summary.conversations:,} conversations, {summary.messages:,} messages, "
        f"{summary.bytes / 1e6:.1f} MB in {summary.seconds:.2f}s: "
        f"{summary.conversations_per_second:,.0f} conversations/s, "
        f"{summary.megabytes_per_second:.1f} MB/s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
