""" "Customer Support on Twitter" (Kaggle TWCS) CSV: tweets threaded into conversations.

Columns: tweet_id, author_id, inbound, created_at ("Tue Oct 31 22:10:47 +0000 2017"), text,
response_tweet_id, in_response_to_tweet_id. A thread is every tweet reachable through the
`in_response_to_tweet_id` links; its root is the tweet that answers nothing (or answers a tweet
missing from the file). One conversation per thread, id `twcs:<root tweet id>`, messages in time
order; `inbound` True = customer, False = the brand's support account (agent). Tolerates the
pandas-printed variant (an `Unnamed: 0` index column, ids printed as floats "2.0"). The real file
has ~3M rows: rows are read once, roots found with memoised parent links (linear time).
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from warehouse.importers.base import RawRecord
from warehouse.importers.vendor_json import guarded

REQUIRED = ("tweet_id", "author_id", "inbound", "text")
COLUMNS = (*REQUIRED, "created_at", "response_tweet_id", "in_response_to_tweet_id")
_FLOAT_ID = re.compile(r"^(\d+)\.0+$")
TRUE = {"true", "1", "yes", "t"}
FALSE = {"false", "0", "no", "f"}


class TwcsImporter:
    name = "twcs"
    description = 'Twitter threads: "Customer Support on Twitter" CSV (tweet_id, inbound, ...)'

    def sniff(self, path: Path, head: str) -> float:
        first = head.lstrip("\ufeff").split("\n", 1)[0].lower()
        columns = {c.strip().strip('"') for c in first.split(",")}
        if {"tweet_id", "author_id", "inbound"} <= columns and (
            "in_response_to_tweet_id" in columns or "response_tweet_id" in columns
        ):
            return 0.95
        return 0.0

    def records(self, path: Path, text: str) -> Iterator[RawRecord]:
        yield from self.stream_records(path, io.StringIO(text, newline=""))

    def stream_records(self, path: Path, lines: Iterable[str]) -> Iterator[RawRecord]:
        """Reads rows as they come (the engine may pass the file's lines without loading it)."""
        return guarded(self._stream_records(path, lines))

    def _stream_records(self, path: Path, lines: Iterable[str]) -> Iterator[RawRecord]:
        csv.field_size_limit(sys.maxsize)
        reader = csv.reader(_without_bom(lines))
        header = next(reader, None)
        if header is None:
            yield RawRecord("line 1", "", error="the file is empty")
            return
        names = [h.strip().lower() for h in header]
        missing = [c for c in REQUIRED if c not in names]
        if missing:
            yield RawRecord(
                "line 1",
                ",".join(header),
                error=f"not a TWCS header: missing column(s) {', '.join(missing)}",
            )
            return
        index = {c: names.index(c) for c in COLUMNS if c in names}
        tweets: dict[str, tuple] = {}  # id -> (row number, row, author, inbound, parent, sent)
        order: list[str] = []
        for number, row in enumerate(reader, start=1):
            if not any(cell.strip() for cell in row):
                continue
            where = f"row {number}"
            if len(row) < len(header):
                yield RawRecord(
                    where, _line(row), error=f"{len(row)} fields, header has {len(header)}"
                )
                continue
            tweet_id = _id(row[index["tweet_id"]])
            if not tweet_id:
                yield RawRecord(where, _line(row), error="row without tweet_id")
                continue
            inbound = row[index["inbound"]].strip().lower()
            if inbound not in TRUE | FALSE:
                yield RawRecord(
                    where,
                    _line(row),
                    error=f"tweet {tweet_id}: `inbound` must be True or False, got {inbound!r}",
                )
                continue
            if tweet_id in tweets:
                yield RawRecord(where, _line(row), error=f"tweet {tweet_id} appears twice")
                continue
            parent_cell = (
                row[index["in_response_to_tweet_id"]] if "in_response_to_tweet_id" in index else ""
            )
            created = row[index["created_at"]] if "created_at" in index else ""
            tweets[tweet_id] = (
                number,
                row,
                row[index["author_id"]].strip(),
                inbound in TRUE,
                _id(parent_cell),
                _utc(created),
            )
            order.append(tweet_id)
        roots = _roots(tweets)
        threads: dict[str, list[str]] = {}
        for tweet_id in order:
            threads.setdefault(roots[tweet_id], []).append(tweet_id)
        for root, members in sorted(threads.items(), key=lambda item: tweets[item[1][0]][0]):
            yield _conversation(root, members, tweets, index["text"])


def _roots(tweets: dict[str, tuple]) -> dict[str, str]:
    """Each tweet's thread root, following parent links once per tweet (memoised)."""
    roots: dict[str, str] = {}
    for start in tweets:
        path = []
        current = start
        while current not in roots:
            path.append(current)
            parent = tweets[current][4]
            if parent is None or parent not in tweets or parent in path:
                roots[current] = current
                path.pop()
                break
            current = parent
        root = roots[current]
        for tweet_id in path:
            roots[tweet_id] = root
    return roots


def _conversation(
    root: str, members: list[str], tweets: dict[str, tuple], text_at: int
) -> RawRecord:
    rows = [tweets[m] for m in members]
    rows.sort(key=lambda t: (t[5] or "", t[0]))
    numbers = sorted(t[0] for t in rows)
    where = (
        ", ".join(f"row {n}" for n in numbers)
        if len(numbers) <= 3
        else f"rows {numbers[0]}..{numbers[-1]} ({len(numbers)} tweets)"
    ) + f" (thread {root})"
    messages = [
        {
            "role": "customer" if inbound else "agent",
            "author": author,
            "text": row[text_at],
            "sent_at": sent,
        }
        for _, row, author, inbound, _, sent in rows
    ]
    agent = next((t[2] for t in rows if not t[3]), None)
    customer = next((t[2] for t in rows if t[3]), None)
    conversation = {
        "conversation_id": f"twcs:{root}",
        "channel": "social",
        "created_at": messages[0]["sent_at"],
        "agent_id": agent,
        "agent_name": agent,
        "team": agent,
        "customer_id": customer,
        "messages": messages,
    }
    return RawRecord(where, "\n".join(_line(t[1]) for t in rows), conversation=conversation)


def _without_bom(lines: Iterable[str]) -> Iterator[str]:
    first = True
    for line in lines:
        yield line.lstrip("\ufeff") if first else line
        first = False


def _id(cell: str) -> str | None:
    cell = cell.strip()
    if not cell or cell.lower() == "nan":
        return None
    match = _FLOAT_ID.match(cell)
    return match.group(1) if match else cell


def _utc(cell: str) -> str | None:
    cell = cell.strip()
    if not cell:
        return None
    try:
        moment = datetime.strptime(cell, "%a %b %d %H:%M:%S %z %Y")
    except ValueError:
        return cell  # left for the engine to parse or refuse with its own message
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _line(row: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(row)
    return out.getvalue()


IMPORTER = TwcsImporter()
