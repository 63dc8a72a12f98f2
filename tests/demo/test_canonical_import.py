"""Demo files are canonical: the ingest engine takes both layouts whole and sees the same data."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from cornerstone.demo.generator import generate
from warehouse.reading.ingest import ingest_file
from warehouse.storage.connection import connect


def test_demo_jsonl_and_csv_import_to_identical_conversations(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    csv_summary = generate(tmp_path / "demo.csv", 400, fmt="csv")
    generate(tmp_path / "demo.jsonl", 400)

    from_csv = ingest_file(db, tmp_path / "demo.csv")
    assert (from_csv.format, from_csv.new, from_csv.quarantined) == ("canonical-csv", 400, 0)
    from_jsonl = ingest_file(db, tmp_path / "demo.jsonl")
    assert from_jsonl.format == "canonical-jsonl"
    assert (from_jsonl.unchanged, from_jsonl.new, from_jsonl.updated) == (400, 0, 0)

    with connect(db) as con:
        messages = con.execute("SELECT count(*) FROM messages").fetchall()[0][0]
        internal = con.execute("SELECT count(*) FROM messages WHERE internal").fetchall()[0][0]
        stored = dict(
            con.execute("SELECT conversation_id, created_at FROM conversations").fetchall()
        )
    assert messages == csv_summary.messages
    assert internal > 0
    # Local offsets in the file are stored as the same instant in UTC.
    shifted = 0
    for line in (tmp_path / "demo.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        created = record.get("created_at")
        if created and not created.endswith("Z"):
            moment = datetime.fromisoformat(created).astimezone(UTC).replace(tzinfo=None)
            assert stored[record["conversation_id"]] == moment
            shifted += 1
    assert shifted > 0
