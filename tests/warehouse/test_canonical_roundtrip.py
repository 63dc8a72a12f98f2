"""Property tests: any conversation written as canonical JSONL or CSV comes back equal after
ingest -> load_conversations (both ingest paths, arbitrary Unicode text)."""

from __future__ import annotations

import csv
import json
import tempfile
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from canonical.csv_rows import COLUMNS, conversation_rows
from canonical.model import CHANNELS, ROLES, Conversation, Message
from warehouse.autoscore.conversations import load_conversations
from warehouse.reading import ingest
from warehouse.storage.connection import connect


def texts(csv_safe: bool, **kwargs) -> st.SearchStrategy[str]:
    excluded = "\x00" if csv_safe else ""
    alphabet = st.characters(exclude_categories=("Cs",), exclude_characters=excluded)
    return st.text(alphabet, min_size=1, **kwargs).filter(lambda s: s.strip() != "")


def optional(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


timestamps = st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2199, 12, 30))


@st.composite
def conversations(draw, csv_safe: bool) -> Conversation:
    text = texts(csv_safe, max_size=40)
    tag = texts(csv_safe, max_size=12)
    if csv_safe:
        tag = tag.filter(lambda t: ";" not in t)  # ';' separates tags in the CSV form
    messages = draw(
        st.lists(
            st.builds(
                Message,
                role=st.sampled_from(ROLES),
                text=texts(csv_safe, max_size=200),
                author=optional(text),
                sent_at=optional(timestamps),
                internal=st.booleans(),
            ),
            min_size=1,
            max_size=6,
        )
    )
    return Conversation(
        conversation_id=draw(text),
        messages=tuple(messages),
        channel=draw(optional(st.sampled_from(CHANNELS))),
        created_at=draw(optional(timestamps)),
        status=draw(optional(text)),
        agent_id=draw(optional(text)),
        agent_name=draw(optional(text)),
        team=draw(optional(text)),
        customer_id=draw(optional(text)),
        customer_name=draw(optional(text)),
        csat=draw(optional(st.integers(1, 5))),
        nps=draw(optional(st.integers(0, 10))),
        ces=draw(optional(st.integers(1, 7))),
        tags=tuple(draw(st.lists(tag, max_size=4))),
        subject=draw(optional(text)),
    )


def unique_ids(items: list[Conversation]) -> list[Conversation]:
    seen: dict[str, Conversation] = {}
    for item in items:
        seen.setdefault(item.conversation_id, item)
    return list(seen.values())


def as_json(conversation: Conversation) -> dict:
    def stamp(value: datetime | None) -> str | None:
        return value.isoformat() + "Z" if value else None

    return {
        "conversation_id": conversation.conversation_id,
        **{
            name: getattr(conversation, name)
            for name in ("channel", "status", "agent_id", "agent_name", "team", "customer_id",
                         "customer_name", "csat", "nps", "ces", "subject")
        },
        "created_at": stamp(conversation.created_at),
        "tags": list(conversation.tags),
        "messages": [
            {"role": m.role, "author": m.author, "text": m.text, "sent_at": stamp(m.sent_at),
             "internal": m.internal}
            for m in conversation.messages
        ],
    }  # fmt: skip


def roundtrip(path: Path, db: Path) -> dict[str, Conversation]:
    report = ingest.ingest_file(db, path)
    assert report.quarantined == 0, report.samples
    with connect(db) as con:
        return {c.conversation_id: c for c in load_conversations(con, batch_size=3)}


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(
    st.lists(conversations(csv_safe=False), min_size=1, max_size=5).map(unique_ids), st.booleans()
)
def test_canonical_jsonl_round_trip_returns_equal_conversations(items, ascii_only):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.jsonl"
        path.write_text(
            "".join(json.dumps(as_json(c), ensure_ascii=ascii_only) + "\n" for c in items), "utf-8"
        )
        loaded = roundtrip(path, Path(tmp) / "db.duckdb")
    assert loaded == {c.conversation_id: c for c in items}


@SETTINGS
@given(st.lists(conversations(csv_safe=False), min_size=1, max_size=4).map(unique_ids))
def test_canonical_jsonl_round_trip_on_the_python_path_too(items):
    original = ingest.FAST_FORMAT
    ingest.FAST_FORMAT = "(none)"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "export.jsonl"
            path.write_text("".join(json.dumps(as_json(c)) + "\n" for c in items), "utf-8")
            loaded = roundtrip(path, Path(tmp) / "db.duckdb")
    finally:
        ingest.FAST_FORMAT = original
    assert loaded == {c.conversation_id: c for c in items}


@SETTINGS
@given(st.lists(conversations(csv_safe=True), min_size=1, max_size=5).map(unique_ids))
def test_canonical_csv_round_trip_returns_equal_conversations(items):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            for conversation in items:
                writer.writerows(conversation_rows(conversation))
        loaded = roundtrip(path, Path(tmp) / "db.duckdb")
    assert loaded == {c.conversation_id: c for c in items}
