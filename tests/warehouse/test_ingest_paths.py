"""The DuckDB fast path and the Python path store exactly the same rows for the same file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from warehouse.reading import ingest
from warehouse.storage.connection import connect

GOOD = {
    "conversation_id": "c1",
    "channel": "chat",
    "created_at": "2024-03-05T10:00:00+02:00",
    "messages": [
        {"role": "customer", "text": "Hello, my order is late", "sent_at": "2024-03-05T10:00:00Z"},
        {"role": "agent", "text": "Sorry! Let me check.", "author": "Bo"},
    ],
}


def variant(cid: str, **changes) -> dict:
    record = json.loads(json.dumps(GOOD))
    record["conversation_id"] = cid
    for key, value in changes.items():
        if key.startswith("m0_"):
            record["messages"][0][key[3:]] = value
        else:
            record[key] = value
    return record


# Lines DuckDB can read with the all-text schema; many must be routed to Python by the SQL check.
ODD_BUT_READABLE = [
    variant("plain"),
    variant("numeric-id-as-string", conversation_id="12345"),
    variant("n", conversation_id=12345678),
    variant("float-id", conversation_id=1.5),
    variant("bool-id", conversation_id=True),
    variant("blank-id", conversation_id="   "),
    variant("nbsp-id", conversation_id="\u00a0"),
    variant("upper-role", m0_role="Customer"),
    variant("bad-role", m0_role="supervisor"),
    variant("number-text", m0_text=42),
    variant("bool-text", m0_text=True),
    variant("text-true-string", m0_text="true"),
    variant("object-text", m0_text={"a": 1}),
    variant("list-text", m0_text=["a"]),
    variant("blank-text", m0_text="  \n "),
    variant("emoji-text", m0_text="👍"),
    variant("brace-text", m0_text="{not json} really"),
    variant("twitter-date", created_at="Tue Oct 31 22:10:47 +0000 2017"),
    variant("slash-date", created_at="2024/03/05 10:00"),
    variant("rfc2822", created_at="Tue, 05 Mar 2024 10:00:00 +0100"),
    variant("epoch-s", created_at=1709632800),
    variant("epoch-ms", created_at=1709632800123),
    variant("epoch-string", created_at="1709632800"),
    variant("bad-date", created_at="31/02/2024 25:00"),
    variant("feb-30", created_at="2024-02-30T10:00:00Z"),
    variant("year-1900", created_at="1900-01-01T00:00:00"),
    variant("offset-compact", created_at="2024-03-05T10:00:00+0200"),
    variant("fraction", created_at="2024-03-05T10:00:00.123Z"),
    variant("naive", created_at="2024-03-05 10:00:00"),
    variant("csat-string", csat="4"),
    variant("csat-float", csat=4.0),
    variant("csat-high", csat=7),
    variant("nps-zero", nps=0),
    variant("ces-bool", ces=True),
    variant("csat-empty", csat=""),
    variant("channel-upper", channel="Email"),
    variant("channel-empty", channel=""),
    variant("channel-number", channel=7),
    variant("tags-ok", tags=["refund", "vip"]),
    variant("tags-blank", tags=["refund", " ", ""]),
    variant("tags-number", tags=[5, "x"]),
    variant("tags-empty", tags=[]),
    variant("internal-true", m0_internal=True),
    variant("internal-string", m0_internal="TRUE"),
    variant("internal-number", m0_internal=1),
    variant("author-empty", m0_author=""),
    variant("author-number", m0_author=77),
    variant("empty-strings", status="", agent_id="", team=""),
    variant("sql", m0_text="'); DROP TABLE conversations;--"),
    variant("no-messages", messages=None),
    variant("empty-messages", messages=[]),
    variant("null-message", messages=[None]),
    {"channel": "chat", "messages": [{"role": "agent", "text": "no id"}]},
    variant("dup"),
    variant("dup", status="later version"),
    variant("control", m0_text="tab\there\u0000nul"),
    variant("hour-24", created_at="2024-03-05T24:00:00Z"),
    variant("space-in-time", created_at="2024-03-05T1 :00:00Z"),
    variant("offset-time", m0_sent_at="2024-03-05T10:00:00-05:30"),
    variant("lower-z", m0_sent_at="2024-03-05T10:00:00z"),
    variant("date-only", created_at="2024-03-05"),
    variant("dash-text", m0_text="- first point"),
    variant("minus-number-text", m0_text=-5),
    variant("exp-text", m0_text=1e5),
    variant("zeros-text", m0_text="007"),
    variant("long-digits", conversation_id="12345678901234567890"),
    variant("long-number", conversation_id=12345678901234567890),
    variant("false-id", conversation_id="false"),
    variant("nan-text", m0_text="NaN"),
]


def _table_rows(db_path: Path) -> dict[str, list]:
    with connect(db_path) as con:
        return {
            "conversations": con.execute(
                "SELECT * EXCLUDE (import_id, imported_at) FROM conversations ORDER BY 1"
            ).fetchall(),
            "messages": con.execute("SELECT * FROM messages ORDER BY 1, 2").fetchall(),
            "quarantine": con.execute(
                "SELECT position, reason, raw FROM quarantine ORDER BY quarantine_id"
            ).fetchall(),
        }


def _ingest(db_path: Path, path: Path, python_only: bool, monkeypatch) -> ingest.ImportReport:
    with monkeypatch.context() as patch:
        if python_only:
            patch.setattr(ingest, "FAST_FORMAT", "(none)")
        return ingest.ingest_file(db_path, path)


@pytest.mark.parametrize("blank_lines", [False, True])
def test_fast_and_python_paths_store_identical_rows_for_odd_records(
    tmp_path, monkeypatch, blank_lines
):
    path = tmp_path / "odd.jsonl"
    separator = "\n\n  \n" if blank_lines else "\n"
    path.write_text(separator.join(json.dumps(r) for r in ODD_BUT_READABLE) + "\n", "utf-8")

    fast = _ingest(tmp_path / "fast.duckdb", path, python_only=False, monkeypatch=monkeypatch)
    slow = _ingest(tmp_path / "slow.duckdb", path, python_only=True, monkeypatch=monkeypatch)

    assert fast.engine == "duckdb", fast.fallback_reason
    assert fast.python_checked >= 40  # most odd rows really went through the Python rules
    assert slow.engine == "python"
    fast_rows, slow_rows = (
        _table_rows(tmp_path / "fast.duckdb"),
        _table_rows(tmp_path / "slow.duckdb"),
    )
    assert fast_rows["messages"] == slow_rows["messages"]
    assert fast_rows["conversations"] == slow_rows["conversations"]
    assert fast_rows["quarantine"] == slow_rows["quarantine"]
    assert (fast.new, fast.quarantined) == (slow.new, slow.quarantined)
    # The corpus really exercises both outcomes.
    assert fast.new >= 30 and fast.quarantined >= 15


def test_fast_path_and_python_path_agree_that_a_reimport_is_unchanged(tmp_path, monkeypatch):
    path = tmp_path / "odd.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in ODD_BUT_READABLE) + "\n", "utf-8")
    db = tmp_path / "mixed.duckdb"
    first = _ingest(db, path, python_only=False, monkeypatch=monkeypatch)
    again = _ingest(db, path, python_only=True, monkeypatch=monkeypatch)
    assert first.new > 0
    assert (again.new, again.updated, again.unchanged) == (0, 0, first.new)


def test_file_duckdb_refuses_falls_back_to_the_exact_python_path(tmp_path):
    path = tmp_path / "mixed.jsonl"
    lines = [
        json.dumps(variant("a")),
        '{"conversation_id": "b", "messages": [',
        json.dumps(variant("c")),
    ]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    report = ingest.ingest_file(tmp_path / "db.duckdb", path)
    assert report.engine == "python" and report.fallback_reason
    assert (report.new, report.quarantined) == (2, 1)
    assert report.samples[0].position == "line 2"
    assert "truncated JSON" in report.samples[0].reason


def test_demo_data_takes_the_fast_path_without_python_checks(tmp_path, db_path):
    from cornerstone.demo.generator import generate

    path = tmp_path / "demo.jsonl"
    generate(path, conversations=300)
    report = ingest.ingest_file(db_path, path)
    assert report.engine == "duckdb" and report.fallback_reason is None
    assert report.python_checked == 0
    assert (report.new, report.quarantined) == (300, 0)
