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

import calendar
import csv
import io
import re
import sys
from array import array
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from canonical.importer import RawRecord
from warehouse.reading.importers.vendor_json import guarded

REQUIRED = ("tweet_id", "author_id", "inbound", "text")
COLUMNS = (*REQUIRED, "created_at", "response_tweet_id", "in_response_to_tweet_id")
_FLOAT_ID = re.compile(r"^(\d+)\.0+$")
MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}
NO_TIME = -(2**62)
NONE, ODD = -1, -2  # markers in the id arrays: no id; an id that is not a number (side dict)
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
        tweets = _Tweets()
        yield from tweets.read(reader, names)
        yield from tweets.conversations()


class _Tweets:
    """Every tweet in parallel arrays (the real file has ~3M rows: no object per tweet)."""

    def __init__(self) -> None:
        self.row_of: dict[int | str, int] = {}  # tweet id -> index
        self.ids = array("q")  # numeric tweet ids; ODD for others, kept in odd_ids
        self.odd_ids: dict[int, str] = {}
        self.rows = array("l")  # data row number in the file, for positions
        self.authors: list[str] = []  # interned: a brand's handle is stored once
        self.inbound = bytearray()
        self.sent = array("q")  # epoch seconds, or NO_TIME
        self.odd_times: dict[int, str] = {}  # index -> created_at we could not read
        self.text_data = bytearray()  # every text, UTF-8, end to end (a third of a str list)
        self.text_ends = array("Q")
        self.parents = array("q")  # in_response_to id; NONE, or ODD with odd_parents
        self.odd_parents: dict[int, str] = {}

    def read(self, reader: Iterator[list[str]], names: list[str]) -> Iterator[RawRecord]:
        at = {c: names.index(c) for c in COLUMNS if c in names}
        tweet_at, author_at, inbound_at, text_at = (at[c] for c in REQUIRED)
        created_at, parent_at = at.get("created_at"), at.get("in_response_to_tweet_id")
        width = len(names)
        interned: dict[str, str] = {}
        for number, row in enumerate(reader, start=1):
            if len(row) < width:
                if any(cell.strip() for cell in row):
                    yield RawRecord(
                        f"row {number}", _line(row), error=f"{len(row)} fields, header has {width}"
                    )
                continue
            tweet_id = _id(row[tweet_at])
            if tweet_id is None:
                yield RawRecord(f"row {number}", _line(row), error="row without tweet_id")
                continue
            inbound = row[inbound_at].strip().lower()
            if inbound not in TRUE and inbound not in FALSE:
                yield RawRecord(
                    f"row {number}",
                    _line(row),
                    error=f"tweet {tweet_id}: `inbound` must be True or False, got {inbound!r}",
                )
                continue
            if tweet_id in self.row_of:
                yield RawRecord(
                    f"row {number}", _line(row), error=f"tweet {tweet_id} appears twice"
                )
                continue
            index = len(self.ids)
            self.row_of[tweet_id] = index
            self.ids.append(_store(tweet_id, index, self.odd_ids))
            self.rows.append(number)
            author = row[author_at].strip()
            self.authors.append(interned.setdefault(author, author))
            self.inbound.append(inbound in TRUE)
            created = row[created_at].strip() if created_at is not None else ""
            epoch = _epoch(created)
            if epoch is None and created:
                self.odd_times[index] = created
            self.sent.append(NO_TIME if epoch is None else epoch)
            self.text_data += row[text_at].encode("utf-8", "surrogatepass")
            self.text_ends.append(len(self.text_data))
            parent = _id(row[parent_at]) if parent_at is not None else None
            self.parents.append(NONE if parent is None else _store(parent, index, self.odd_parents))

    def tweet_id(self, index: int) -> int | str:
        value = self.ids[index]
        return self.odd_ids[index] if value == ODD else value

    def text(self, index: int) -> str:
        start = self.text_ends[index - 1] if index else 0
        return self.text_data[start : self.text_ends[index]].decode("utf-8", "surrogatepass")

    def roots(self) -> array:
        """Each tweet's thread root index: parent links followed once per tweet (memoised)."""
        row_of = self.row_of
        parents = array(
            "l",
            (
                -1 if p == NONE else row_of.get(self.odd_parents[i] if p == ODD else p, -1)
                for i, p in enumerate(self.parents)
            ),
        )
        self.parents, self.odd_parents, self.row_of = array("q"), {}, {}  # resolved: free them
        roots = array("l", [-1]) * len(parents)
        for start in range(len(parents)):
            path: list[int] = []
            seen: set[int] = set()
            current = start
            while roots[current] == -1:
                parent = parents[current]
                if parent == -1 or parent in seen or parent == current:
                    roots[current] = current
                    break
                path.append(current)
                seen.add(current)
                current = parent
            root = roots[current]
            for index in path:
                roots[index] = root
        return roots

    def conversations(self) -> Iterator[RawRecord]:
        roots = self.roots()
        # one pass: chain each thread's members (file order) with a next-pointer array
        following = array("l", [-1]) * len(roots)
        first: dict[int, int] = {}
        last: dict[int, int] = {}
        for index, root in enumerate(roots):
            if root in last:
                following[last[root]] = index
            else:
                first[root] = index
            last[root] = index
        del last
        for root, index in first.items():  # threads in order of their first row
            members = []
            while index != -1:
                members.append(index)
                index = following[index]
            yield self.conversation(root, members)

    def conversation(self, root: int, members: list[int]) -> RawRecord:
        members.sort(key=lambda i: (self.sent[i], self.rows[i]))
        numbers = sorted(self.rows[i] for i in members)
        where = (
            ", ".join(f"row {n}" for n in numbers)
            if len(numbers) <= 3
            else f"rows {numbers[0]}..{numbers[-1]} ({len(numbers)} tweets)"
        ) + f" (thread {self.tweet_id(root)})"
        times = [self.time(i) for i in members]
        messages = [
            {
                "role": "customer" if self.inbound[i] else "agent",
                "author": self.authors[i],
                "text": self.text(i),
                "sent_at": sent,
            }
            for i, sent in zip(members, times, strict=True)
        ]
        agent = next((self.authors[i] for i in members if not self.inbound[i]), None)
        customer = next((self.authors[i] for i in members if self.inbound[i]), None)
        conversation = {
            "conversation_id": f"twcs:{self.tweet_id(root)}",
            "channel": "social",
            "created_at": messages[0]["sent_at"],
            "agent_id": agent,
            "agent_name": agent,
            "team": agent,
            "customer_id": customer,
            "messages": messages,
        }
        raw = "\n".join(self.raw(i, sent) for i, sent in zip(members, times, strict=True))
        return RawRecord(where, raw, conversation=conversation)

    def time(self, index: int) -> str | None:
        if self.sent[index] == NO_TIME:
            return self.odd_times.get(index)  # passed on as found: the engine explains
        return datetime.fromtimestamp(self.sent[index], UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def raw(self, index: int, sent: str | None) -> str:
        """The tweet as a CSV line of the columns read (the file's own line is not kept)."""
        return _line(
            [
                str(self.tweet_id(index)),
                self.authors[index],
                "True" if self.inbound[index] else "False",
                sent or "",
                self.text(index),
            ]
        )


def _epoch(cell: str) -> int | None:
    """Epoch seconds of "Tue Oct 31 22:10:47 +0000 2017" (hand-parsed: strptime is slow)."""
    parts = cell.split()
    if len(parts) != 6:
        return None
    _, month, day, clock, offset, year = parts
    try:
        hours, minutes, seconds = clock.split(":")
        sign = -1 if offset[0] == "-" else 1
        shift = sign * (int(offset[1:3]) * 3600 + int(offset[3:5]) * 60)
        moment = (int(year), MONTHS[month], int(day), int(hours), int(minutes), int(seconds))
        if len(offset) != 5 or not 1 <= moment[2] <= 31:
            return None
        return calendar.timegm(moment) - shift
    except (KeyError, ValueError, IndexError):
        return None


def _store(tweet_id: int | str, index: int, odd: dict[int, str]) -> int:
    """`tweet_id` as stored in an int64 array: itself, or ODD with the text kept in `odd`."""
    if isinstance(tweet_id, int):
        return tweet_id
    odd[index] = tweet_id
    return ODD


def _without_bom(lines: Iterable[str]) -> Iterator[str]:
    first = True
    for line in lines:
        yield line.lstrip("\ufeff") if first else line
        first = False


def _id(cell: str) -> int | str | None:
    cell = cell.strip()
    if not cell or cell.lower() == "nan":
        return None
    match = _FLOAT_ID.match(cell)
    if match:
        cell = match.group(1)
    return int(cell) if cell.isdigit() and len(cell) < 19 else cell


def _line(row: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(row)
    return out.getvalue()


IMPORTER = TwcsImporter()
