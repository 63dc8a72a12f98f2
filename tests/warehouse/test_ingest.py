"""Ingest engine: idempotence, updates, atomicity, the imports record, formats and loading."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from warehouse.autoscore.conversations import load_conversations
from warehouse.reading import ingest
from warehouse.reading.importers import registry
from warehouse.reading.importers.registry import UnknownFormatError
from warehouse.storage.connection import connect

ROOT = Path(__file__).resolve().parents[2]


def conversation(cid: str, *texts: str, **fields) -> dict:
    roles = ("customer", "agent")
    messages = [
        {"role": roles[i % 2], "text": text, "sent_at": f"2024-03-05T10:{i:02d}:00Z"}
        for i, text in enumerate(texts or ("Hi, my parcel is late", "Sorry, let me check"))
    ]
    return {"conversation_id": cid, "channel": "chat", **fields, "messages": messages}


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def table_counts(db_path: Path) -> dict[str, int]:
    with connect(db_path) as con:
        return {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
            for table in ("conversations", "messages", "quarantine", "imports")
        }


def snapshot(db_path: Path) -> tuple:
    with connect(db_path) as con:
        return (
            con.execute("SELECT * FROM conversations ORDER BY conversation_id").fetchall(),
            con.execute("SELECT * FROM messages ORDER BY 1, 2").fetchall(),
            con.execute("SELECT * FROM quarantine ORDER BY 1").fetchall(),
            con.execute("SELECT * FROM imports ORDER BY 1").fetchall(),
        )


@pytest.fixture(params=["duckdb", "python"])
def engine(request, monkeypatch):
    """Run a test on both the DuckDB fast path and the Python path."""
    if request.param == "python":
        monkeypatch.setattr(ingest, "FAST_FORMAT", "(none)")
    return request.param


def test_reimport_of_same_file_adds_nothing(tmp_path, db_path, engine):
    path = write_jsonl(tmp_path / "a.jsonl", [conversation(f"c{i}") for i in range(50)])
    first = ingest.ingest_file(db_path, path)
    before = snapshot(db_path)[:3]
    second = ingest.ingest_file(db_path, path)
    assert first.engine == second.engine == engine
    assert (first.new, first.updated, first.unchanged) == (50, 0, 0)
    assert (second.new, second.updated, second.unchanged) == (0, 0, 50)
    assert snapshot(db_path)[:3] == before


def test_newer_version_of_a_conversation_replaces_it_and_its_messages(tmp_path, db_path, engine):
    ingest.ingest_file(db_path, write_jsonl(tmp_path / "v1.jsonl", [
        conversation("c1", "one", "two", "three"), conversation("c2")]))  # fmt: skip
    report = ingest.ingest_file(db_path, write_jsonl(tmp_path / "v2.jsonl", [
        conversation("c1", "one", "two (edited)"), conversation("c2")]))  # fmt: skip
    assert (report.new, report.updated, report.unchanged) == (0, 1, 1)
    with connect(db_path) as con:
        rows = con.execute(
            "SELECT message_index, text FROM messages WHERE conversation_id = 'c1' ORDER BY 1"
        ).fetchall()
        count = con.execute("SELECT count(*) FROM conversations WHERE conversation_id = 'c1'")
        assert count.fetchall()[0][0] == 1
    assert rows == [(0, "one"), (1, "two (edited)")]


def test_every_import_is_recorded_with_hash_format_counts_and_times(tmp_path, db_path, engine):
    import hashlib

    records = [conversation("c1"), {"messages": []}, conversation("c2")]
    path = write_jsonl(tmp_path / "export.jsonl", records)
    report = ingest.ingest_file(db_path, path)
    with connect(db_path) as con:
        (row,) = con.execute(
            "SELECT file_name, content_hash, format, records_read, conversations_new,"
            " quarantined, status, started_at, finished_at, import_id FROM imports"
        ).fetchall()
        quarantine_import = con.execute("SELECT DISTINCT import_id FROM quarantine").fetchall()
    name, digest, fmt, read, new, quarantined, status, started, finished, import_id = row
    assert name == "export.jsonl" and fmt == "canonical-jsonl" and status == "done"
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (read, new, quarantined) == (3, 2, 1)
    assert isinstance(started, datetime) and started <= finished
    assert quarantine_import == [(import_id,)] and report.import_id == import_id


def test_exception_from_progress_callback_mid_import_leaves_database_unchanged(
    tmp_path, db_path, engine
):
    ingest.ingest_file(db_path, write_jsonl(tmp_path / "first.jsonl", [conversation("keep")]))
    before = snapshot(db_path)
    records = [conversation(f"c{i}") for i in range(3000)] + [
        {"bad": 1},
        conversation("keep", "changed"),
    ]
    path = write_jsonl(tmp_path / "second.jsonl", records)
    calls = []

    def interrupt(done: int, total: int) -> None:
        calls.append(done)
        if 0 < done < total:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingest.ingest_file(db_path, path, progress=interrupt)
    assert len(calls) >= 2  # it really was interrupted mid-way, after the start
    assert snapshot(db_path) == before


# A process killed mid-import: tests/warehouse/test_ingest_stage.py (it also re-runs the import).


def test_files_are_imported_in_separate_transactions(tmp_path, db_path):
    good = write_jsonl(tmp_path / "good.jsonl", [conversation("g1"), conversation("g2")])
    other = write_jsonl(tmp_path / "other.jsonl", [conversation("o1")])
    reports = ingest.ingest_files(db_path, [good, other])
    assert [r.new for r in reports] == [2, 1]
    assert table_counts(db_path)["imports"] == 2


def test_unknown_format_name_is_refused_naming_the_known_ones(tmp_path, db_path):
    path = write_jsonl(tmp_path / "a.jsonl", [conversation("c1")])
    with pytest.raises(UnknownFormatError, match="canonical-jsonl"):
        ingest.ingest_file(db_path, path, format="excel")


def test_unrecognised_file_fails_with_the_formats_tried(tmp_path, db_path):
    path = tmp_path / "notes.txt"
    path.write_text("Dear team,\nplease find the export attached.\n", encoding="utf-8")
    report = ingest.ingest_file(db_path, path)
    assert report.status == "failed" and not report.usable
    assert "could not recognise the format" in report.message
    for name in ("canonical-jsonl", "canonical-csv"):
        assert name in report.message
    assert table_counts(db_path)["imports"] == 1


def test_auto_detection_picks_canonical_csv_and_jsonl(tmp_path):
    csv_head = "conversation_id,role,text\nc1,customer,hi\n"
    jsonl_head = json.dumps(conversation("c1")) + "\n"
    assert registry.detect(tmp_path / "x.csv", csv_head)[0].name == "canonical-csv"
    assert registry.detect(tmp_path / "x.jsonl", jsonl_head)[0].name == "canonical-jsonl"


def test_explicit_format_overrides_detection(tmp_path, db_path):
    path = tmp_path / "export.txt"
    path.write_text("conversation_id,role,text\nc1,customer,hello\nc1,agent,hi there\n", "utf-8")
    report = ingest.ingest_file(db_path, path, format="canonical-csv")
    assert (report.format, report.new) == ("canonical-csv", 1)


def test_redaction_option_masks_pii_before_storing(tmp_path, db_path):
    record = conversation("c1", "mail me at jane.doe@example.com please", "ok")
    report = ingest.ingest_file(db_path, write_jsonl(tmp_path / "a.jsonl", [record]), redact=True)
    with connect(db_path) as con:
        text = con.execute("SELECT text FROM messages WHERE message_index = 0").fetchall()[0][0]
    assert report.new == 1
    assert "jane.doe@example.com" not in text and "[EMAIL]" in text


def test_load_conversations_returns_models_in_id_order_across_batches(tmp_path, db_path, engine):
    records = [
        conversation(f"c{i:03d}", "hello", "hi", "bye", csat=4, tags=["a", "b"]) for i in range(25)
    ]
    records[3]["messages"][1]["internal"] = True
    ingest.ingest_file(db_path, write_jsonl(tmp_path / "a.jsonl", records))
    with connect(db_path) as con:
        loaded = list(load_conversations(con, batch_size=4))
        some = list(load_conversations(con, ids=["c010", "c002", "missing"], batch_size=4))
    assert [c.conversation_id for c in loaded] == [f"c{i:03d}" for i in range(25)]
    assert all(len(c.messages) == 3 and c.tags == ("a", "b") and c.csat == 4 for c in loaded)
    assert loaded[3].messages[1].internal and not loaded[3].public_messages[1].internal
    assert [c.conversation_id for c in some] == ["c002", "c010"]


def test_summary_names_counts_and_first_quarantine_reasons(tmp_path, db_path):
    path = write_jsonl(
        tmp_path / "a.jsonl", [conversation("c1"), {"messages": [{"role": "agent"}]}]
    )
    summary = ingest.ingest_file(db_path, path).summary()
    assert "1 conversation imported (1 new, 0 updated, 0 unchanged), 1 quarantined" in summary
    assert "line 2: missing conversation_id" in summary


def test_a_crashing_format_module_fails_the_file_cleanly_and_imports_nothing(
    tmp_path, db_path, monkeypatch
):
    from canonical import csv_rows as canonical_csv

    original = canonical_csv.CanonicalCsvImporter.stream_records

    def broken(self, path, lines):
        yield from original(self, path, lines)
        raise KeyError("ticket_id")

    monkeypatch.setattr(canonical_csv.CanonicalCsvImporter, "stream_records", broken)
    path = tmp_path / "export.csv"
    path.write_text("conversation_id,role,text\nc1,customer,hello\n", "utf-8")
    report = ingest.ingest_file(db_path, path)
    assert report.status == "failed" and report.new == 0
    assert "canonical-csv reader stopped after record 1 (KeyError" in report.message
    assert table_counts(db_path) == {
        "conversations": 0,
        "messages": 0,
        "quarantine": 0,
        "imports": 1,
    }


def test_redaction_option_also_masks_refused_records_and_subjects(tmp_path, db_path):
    refused = {"conversation_id": "c2", "messages": [{"role": "customer", "text": ""}],
               "note": "call me on +44 20 7946 0958 or jane.doe@example.com"}  # fmt: skip
    kept = conversation("c1", "hello", "hi")
    kept["subject"] = "Refund for jane.doe@example.com"
    ingest.ingest_file(db_path, write_jsonl(tmp_path / "a.jsonl", [kept, refused]), redact=True)
    with connect(db_path) as con:
        raw = con.execute("SELECT raw FROM quarantine").fetchall()[0][0]
        subject = con.execute("SELECT subject FROM conversations").fetchall()[0][0]
    assert "jane.doe@example.com" not in raw and "[EMAIL]" in raw
    assert "jane.doe@example.com" not in subject and "[EMAIL]" in subject


def test_reimport_of_a_file_with_bad_records_does_not_quarantine_them_twice(tmp_path, db_path):
    path = tmp_path / "a.jsonl"
    path.write_text(
        json.dumps(conversation("c1", "hello", "hi")) + "\n" + '{"messages": []}\n', "utf-8"
    )
    first = ingest.ingest_file(db_path, path)
    second = ingest.ingest_file(db_path, path)
    with connect(db_path) as con:
        stored = con.execute("SELECT position FROM quarantine").fetchall()
    assert (first.quarantined, first.already_quarantined) == (1, 0)
    assert (second.new, second.unchanged, second.quarantined) == (0, 1, 1)
    assert second.already_quarantined == 1 and "already in quarantine" in second.summary()
    assert stored == [("line 2",)]
