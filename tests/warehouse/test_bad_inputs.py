"""A corpus of bad inputs (tests/data/bad_inputs/): each gets a clear message, and the good
records of the same file are kept. Byte-exact files (encodings, binary, 1 MB) are written here."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from warehouse.reading.ingest import ImportReport, ingest_file
from warehouse.storage.connection import connect

BAD_INPUTS = Path(__file__).resolve().parents[1] / "data" / "bad_inputs"


def corpus_file(name: str, tmp_path: Path) -> Path:
    """A copy of a corpus file (imports record the path; keep the repository clean)."""
    return Path(shutil.copy(BAD_INPUTS / name, tmp_path / name))


def stored_ids(db_path: Path) -> list[str]:
    with connect(db_path) as con:
        return [
            r[0]
            for r in con.execute("SELECT conversation_id FROM conversations ORDER BY 1").fetchall()
        ]


def quarantine_rows(db_path: Path) -> list[tuple[str, str, str]]:
    with connect(db_path) as con:
        return con.execute(
            "SELECT position, reason, raw FROM quarantine ORDER BY quarantine_id"
        ).fetchall()


def reasons(report: ImportReport) -> dict[str, str]:
    return {sample.position: sample.reason for sample in report.samples}


def test_truncated_json_line_is_quarantined_and_the_other_lines_kept(tmp_path, db_path):
    report = ingest_file(db_path, corpus_file("truncated.jsonl", tmp_path))
    assert stored_ids(db_path) == ["t1", "t3"]
    assert "truncated JSON" in reasons(report)["line 2"]
    ((position, _, raw),) = quarantine_rows(db_path)
    assert position == "line 2" and raw.startswith('{"conversation_id": "t2"')


def test_missing_and_empty_ids_are_quarantined_with_their_lines(tmp_path, db_path):
    report = ingest_file(db_path, corpus_file("missing_ids.jsonl", tmp_path))
    assert stored_ids(db_path) == ["m1", "m2"]
    assert reasons(report) == {
        "line 2": "missing conversation_id",
        "line 3": "missing conversation_id",
    }


def test_duplicate_ids_in_one_file_keep_the_last_and_quarantine_the_earlier(tmp_path, db_path):
    report = ingest_file(db_path, corpus_file("duplicate_ids.jsonl", tmp_path))
    assert stored_ids(db_path) == ["d1", "d2"]
    with connect(db_path) as con:
        status, count = con.execute(
            "SELECT status, message_count FROM conversations WHERE conversation_id = 'd1'"
        ).fetchall()[0]
    assert (status, count) == ("solved", 2)
    ((position, reason, raw),) = quarantine_rows(db_path)
    assert position == "line 1" and "first version" in raw
    assert reason == "duplicate conversation_id 'd1': the later record at line 3 replaces this one"
    assert (report.new, report.quarantined) == (2, 1)


def test_messages_without_text_quarantine_their_conversation(tmp_path, db_path):
    report = ingest_file(db_path, corpus_file("messages_without_text.jsonl", tmp_path))
    assert stored_ids(db_path) == ["n3"]
    assert reasons(report) == {
        "line 1": "messages[1] has no text",
        "line 2": "messages[0] has no text",
        "line 4": "messages is empty: a conversation needs at least one message",
    }


def test_odd_date_formats_are_read_as_utc_and_unreadable_ones_explained(tmp_path, db_path):
    report = ingest_file(db_path, corpus_file("odd_dates.jsonl", tmp_path))
    with connect(db_path) as con:
        created = dict(
            con.execute("SELECT conversation_id, created_at FROM conversations").fetchall()
        )
        sent = con.execute("SELECT sent_at FROM messages WHERE conversation_id = 'o4'").fetchall()
    assert created == {
        "o1": datetime(2017, 10, 31, 22, 10, 47),
        "o2": datetime(2024, 3, 5, 10, 0),
        "o3": datetime(2024, 3, 5, 9, 0),
        "o4": datetime(2024, 3, 5, 10, 0),
        "o5": datetime(2024, 3, 5, 10, 0),
    }
    assert sent == [(datetime(2024, 3, 5, 10, 0),)]
    assert reasons(report)["line 6"].startswith("created_at: cannot read '05/03/2024' as a date")
    assert "2024-02-30T10:00:00Z" in reasons(report)["line 7"]


def test_sql_looking_text_is_stored_verbatim(tmp_path, db_path):
    report = ingest_file(db_path, corpus_file("sql_injection.jsonl", tmp_path))
    with connect(db_path) as con:
        texts = [r[0] for r in con.execute("SELECT text FROM messages ORDER BY 1").fetchall()]
        names = con.execute(
            "SELECT agent_name FROM conversations WHERE agent_name IS NOT NULL"
        ).fetchall()
    assert report.new == 2
    assert stored_ids(db_path) == ["s2", "x'); DROP TABLE conversations;--"]
    assert texts == ["'); DROP TABLE conversations;--", "SELECT * FROM quarantine; -- \" ' `"]
    assert names == [("Robert'); DROP TABLE messages;--",)]


def test_csv_with_embedded_newlines_and_quotes_is_read_exactly(tmp_path, db_path):
    report = ingest_file(db_path, corpus_file("embedded_newlines.csv", tmp_path))
    assert report.format == "canonical-csv"
    with connect(db_path) as con:
        messages = con.execute(
            "SELECT conversation_id, message_index, text FROM messages ORDER BY 1, 2"
        ).fetchall()
        customer, tags = con.execute(
            "SELECT customer_name, tags FROM conversations WHERE conversation_id = 'q1'"
        ).fetchall()[0]
    assert messages == [
        ("q1", 0, 'Hello,\r\nmy order "A-17" is late.\r\nThanks'),
        ("q1", 1, 'Sorry! Refund sent, "promise".'),
        ("q3", 0, "multi\nline\nwith, commas"),
    ]
    assert (customer, tags) == ("Doe, Jane", ["refund", "late"])
    assert reasons(report) == {
        "line 6": "messages[0] has no text"
    }  # q1's first row spans lines 2-4


def test_empty_file_is_reported_and_nothing_is_imported(tmp_path, db_path):
    report = ingest_file(db_path, corpus_file("empty.jsonl", tmp_path))
    assert report.status == "failed" and not report.usable
    assert report.message == "the file is empty"
    with connect(db_path) as con:
        assert con.execute("SELECT status, message FROM imports").fetchall() == [
            ("failed", "the file is empty")
        ]


def test_binary_file_is_refused_as_not_a_text_export(tmp_path, db_path):
    path = tmp_path / "export.jsonl"
    path.write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 4)
    report = ingest_file(db_path, path)
    assert report.status == "failed"
    assert report.message.startswith("not a text export: the file is a zip archive")
    assert stored_ids(db_path) == []


def test_random_binary_data_is_refused_as_not_a_text_export(tmp_path, db_path):
    path = tmp_path / "export.jsonl"
    path.write_bytes(bytes(range(256)) * 40)
    report = ingest_file(db_path, path)
    assert report.status == "failed"
    assert report.message.startswith("not a text export: binary data at byte 0")


GOOD_LINE = {"conversation_id": "e1", "customer_name": "Zoë Müller", "messages": [
    {"role": "customer", "text": "Grüße — ça va? 😀"}, {"role": "agent", "text": "Très bien"}]}  # fmt: skip


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be"])
def test_utf8_bom_and_utf16_files_with_bom_are_read(tmp_path, db_path, encoding):
    path = tmp_path / "export.jsonl"
    text = json.dumps(GOOD_LINE, ensure_ascii=False) + "\n" + '{"broken"\n'
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path.write_bytes(data)
    report = ingest_file(db_path, path)
    with connect(db_path) as con:
        (name,) = con.execute("SELECT customer_name FROM conversations").fetchall()[0]
        first = con.execute("SELECT text FROM messages ORDER BY message_index").fetchall()[0][0]
    assert (name, first) == ("Zoë Müller", "Grüße — ça va? 😀")
    assert report.new == 1 and list(reasons(report)) == ["line 2"]


def test_latin1_lines_are_read_as_windows_1252_with_a_warning(tmp_path, db_path):
    path = tmp_path / "export.jsonl"
    good = json.dumps(GOOD_LINE, ensure_ascii=False).encode("utf-8")
    legacy = (
        '{"conversation_id": "l1", "messages": [{"role": "customer", "text": "Café “crème” déjà"}]}'
    )
    path.write_bytes(good + b"\n" + legacy.encode("cp1252") + b"\n")
    report = ingest_file(db_path, path)
    with connect(db_path) as con:
        text = con.execute("SELECT text FROM messages WHERE conversation_id = 'l1'").fetchall()[0][
            0
        ]
        message = con.execute("SELECT message FROM imports").fetchall()[0][0]
    assert stored_ids(db_path) == ["e1", "l1"]
    assert text == "Café “crème” déjà"
    assert "read as Windows-1252 (line 2)" in report.warnings[0]
    assert "Windows-1252" in message


def test_one_megabyte_message_is_kept_whole(tmp_path, db_path):
    huge = "x" * 1_048_576
    path = tmp_path / "huge.jsonl"
    records = [{"conversation_id": "h1", "messages": [{"role": "customer", "text": huge}]},
               {"conversation_id": "h2", "messages": [{"role": "customer", "text": "small"}]}]  # fmt: skip
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", "utf-8")
    report = ingest_file(db_path, path)
    with connect(db_path) as con:
        length = con.execute(
            "SELECT length(text) FROM messages WHERE conversation_id = 'h1'"
        ).fetchall()
    assert report.new == 2 and length == [(1_048_576,)]


def test_huge_quarantined_record_keeps_a_megabyte_of_raw_text(tmp_path, db_path):
    path = tmp_path / "huge.jsonl"
    bad = json.dumps(
        {"conversation_id": "h1", "messages": [{"role": "boss", "text": "y" * 1_500_000}]}
    )
    path.write_text(bad + "\n", "utf-8")
    report = ingest_file(db_path, path)
    ((_, reason, raw),) = quarantine_rows(db_path)
    assert "role must be one of" in reason and report.quarantined == 1
    assert raw.startswith('{"conversation_id": "h1"') and 1_000_000 < len(raw) < 1_000_100
    assert raw.endswith("characters in all]")


def test_unicode_line_separators_inside_json_strings_do_not_split_records(tmp_path, db_path):
    # str.splitlines() would cut at U+0085/U+2028; JSONL lines end only at "\n".
    record = {"conversation_id": "u1", "subject": "a\x85b\u2028c", "messages": [
        {"role": "customer", "text": "line\u2029sep\x1cfs"}]}  # fmt: skip
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    report = ingest_file(db_path, path)
    with connect(db_path) as con:
        subject = con.execute("SELECT subject FROM conversations").fetchall()[0][0]
    assert report.new == 1 and subject == "a\x85b\u2028c"


# ---- issue 18, finding 7: crashes and lost records on bad input ------------------------------

import subprocess  # noqa: E402
import sys  # noqa: E402

from cornerstone.cli import main  # noqa: E402

DEEP = "[" * 100_000 + "]" * 100_000
FORMATS = Path(__file__).resolve().parents[1] / "data" / "formats"


def good(i: int) -> str:
    return json.dumps({"conversation_id": f"g{i}", "channel": "chat", "messages": [
        {"role": "customer", "text": "My parcel is late"}, {"role": "agent", "text": "Sorry!"}]})  # fmt: skip


def run_qa(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cornerstone.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("redact", [False, True])
@pytest.mark.parametrize("deep", [DEEP, '{"conversation_id": "d1", "x": ' + DEEP + "}"])
def test_json_nested_100000_deep_is_quarantined_and_the_good_records_kept(
    tmp_path, db_path, redact, deep
):
    path = tmp_path / "deep.jsonl"
    path.write_text(f"{good(1)}\n{deep}\n{good(2)}\n", encoding="utf-8")
    args = ["ingest", str(path), "--db", str(db_path)] + (["--redact"] if redact else [])
    result = run_qa(*args)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "RecursionError" not in result.stderr
    assert "line 2: nested too deeply" in result.stdout
    assert stored_ids(db_path) == ["g1", "g2"]


def test_zendesk_export_with_a_100000_deep_line_keeps_its_tickets(tmp_path, db_path):
    tickets = json.loads((FORMATS / "zendesk" / "incremental_tickets.json").read_text())["tickets"]
    lines = [json.dumps(t) for t in tickets]
    baseline = tmp_path / "baseline.jsonl"
    baseline.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = ingest_file(tmp_path / "baseline.duckdb", baseline, format="zendesk").imported
    assert expected >= 2
    path = tmp_path / "deep.jsonl"
    path.write_text("\n".join([lines[0], DEEP, *lines[1:]]) + "\n", encoding="utf-8")
    result = run_qa("ingest", str(path), "--format", "zendesk", "--db", str(db_path))
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "nested too deeply" in result.stdout
    assert len(stored_ids(db_path)) == expected


def test_a_nul_byte_quarantines_its_line_only(tmp_path, db_path):
    path = tmp_path / "nul.jsonl"
    bad = good(2).replace("parcel", "par\x00cel").encode("utf-8")
    path.write_bytes(f"{good(1)}\n".encode() + bad + f"\n{good(3)}\n".encode())
    report = ingest_file(db_path, path)
    assert report.status == "done"
    assert stored_ids(db_path) == ["g1", "g3"]
    assert reasons(report)["line 2"].startswith("the line holds a NUL byte (binary data)")


def test_detection_looks_past_a_first_line_longer_than_64_kb(tmp_path, db_path):
    long_line = json.loads(good(1))
    long_line["messages"][0]["text"] = "x" * 200_000
    long_line["conversation_id"] = "c" * 300  # over the id limit: quarantined, not stored
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps(long_line) + "\n" + good(2) + "\n", encoding="utf-8")
    report = ingest_file(db_path, path)
    assert report.format == "canonical-jsonl"
    assert stored_ids(db_path) == ["g2"]
    assert reasons(report)["line 1"] == "conversation_id is 300 characters long; the limit is 256"


def test_detection_looks_past_first_lines_that_are_not_objects(tmp_path, db_path):
    path = tmp_path / "odd_start.jsonl"
    path.write_text(f'[]\n42\n"text"\n{good(1)}\n{good(2)}\n', encoding="utf-8")
    report = ingest_file(db_path, path)
    assert report.format == "canonical-jsonl"
    assert stored_ids(db_path) == ["g1", "g2"]
    assert set(reasons(report)) == {"line 1", "line 2", "line 3"}


@pytest.mark.parametrize("kind", ["dev_zero", "fifo", "directory"])
def test_device_files_fifos_and_directories_are_refused_with_a_true_message(
    tmp_path, db_path, capsys, kind
):
    path = tmp_path / "export.jsonl"
    expected = {
        "dev_zero": "is a character device",
        "fifo": "is a FIFO",
        "directory": "is a directory",
    }
    if kind == "dev_zero":
        path.symlink_to("/dev/zero")
    elif kind == "fifo":
        import os

        os.mkfifo(path)
    else:
        path.mkdir()
    assert main(["ingest", str(path), "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert f"not a regular file: {path}" in err and expected[kind] in err
    assert "no such file" not in err


def test_ids_and_fields_over_their_limits_are_quarantined_with_the_reason(tmp_path, db_path):
    from canonical.validate import MAX_FIELD_CHARS, MAX_TEXT_CHARS

    records = []
    for i, (field, value) in enumerate(
        [("conversation_id", "c" * 1_000_000), ("agent_name", "n" * (MAX_FIELD_CHARS + 1)),
         ("team", "t" * (MAX_FIELD_CHARS + 1)), ("subject", "s" * 10_001)]
    ):  # fmt: skip
        record = json.loads(good(10 + i))
        record[field] = value
        records.append(json.dumps(record))
    long_text = json.loads(good(20))
    long_text["messages"][0]["text"] = "w " * (MAX_TEXT_CHARS // 2 + 1)
    records += [json.dumps(long_text), good(1)]
    path = tmp_path / "limits.jsonl"
    path.write_text("\n".join(records) + "\n", encoding="utf-8")
    report = ingest_file(db_path, path)
    assert stored_ids(db_path) == ["g1"]
    found = reasons(report)
    assert found["line 1"] == "conversation_id is 1,000,000 characters long; the limit is 256"
    assert found["line 2"].startswith("agent_name is 1,001 characters long")
    assert found["line 3"].startswith("team is 1,001")
    assert found["line 4"].startswith("subject is 10,001")
    assert found["line 5"].startswith("messages[0].text is 5,000,002 characters long")
