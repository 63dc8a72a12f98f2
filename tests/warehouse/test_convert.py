"""`qa convert`: an export becomes canonical JSONL holding exactly what `qa ingest` would store."""

from __future__ import annotations

import json

import pytest

from cornerstone.cli import main
from tests.conftest import own_format_files, shared_data
from warehouse.reading.convert import convert_file
from warehouse.reading.ingest import ingest_file
from warehouse.storage.connection import connect

SAMPLES = [
    ("zendesk", "zenpy_ticket_audits_response.json"),
    ("intercom", "airbyte_source-intercom_expected_records_conversations.jsonl"),
    ("freshdesk", "python-freshdesk_v1_ticket_1.json"),
    ("amazon_connect", "contact-lens_chat_example_original.json"),
    ("twitter_customer_care", "ibm_twitter-customer-care_dev.json"),
]


def stored(db_path):
    with connect(db_path) as con:
        return con.execute(
            "SELECT count(*), sum(message_count), count(DISTINCT content_hash) FROM conversations"
        ).fetchall()[0]


@pytest.mark.needs_shared
@pytest.mark.parametrize(("folder", "name"), SAMPLES)
def test_converted_export_imports_to_the_same_conversations_as_the_export(folder, name, tmp_path):
    _same_conversations_via_canonical(shared_data("formats", folder, name), tmp_path)


@pytest.mark.parametrize("export", own_format_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_own_fixtures_convert_to_the_same_conversations_as_the_export(export, tmp_path):
    _same_conversations_via_canonical(export, tmp_path)


def _same_conversations_via_canonical(export, tmp_path):
    canonical = tmp_path / "canonical.jsonl"
    report = convert_file(export, canonical)
    direct = ingest_file(tmp_path / "direct.duckdb", export)
    via_canonical = ingest_file(tmp_path / "canonical.duckdb", canonical)
    assert report.written == direct.new == via_canonical.new > 0
    assert via_canonical.quarantined == 0
    assert stored(tmp_path / "direct.duckdb") == stored(tmp_path / "canonical.duckdb")


def test_convert_lists_refused_records_and_fails_when_nothing_is_usable(tmp_path, capsys):
    export = tmp_path / "bad.jsonl"
    export.write_text('{"messages": []}\n{"conversation_id": "x"}\n', encoding="utf-8")
    out_path = str(tmp_path / "out.jsonl")
    assert main(["convert", str(export), "-o", out_path, "--format", "canonical-jsonl"]) == 1
    out = capsys.readouterr().out
    assert "0 conversations written, 2 refused" in out and "line 1" in out


@pytest.mark.needs_shared
def test_convert_then_score_file_gives_scores_with_evidence_from_the_messages(tmp_path):
    export = shared_data("formats", "amazon_connect", "contact-lens_chat_example_original.json")
    canonical, scores = tmp_path / "c.jsonl", tmp_path / "s.jsonl"
    assert main(["convert", str(export), "-o", str(canonical)]) == 0
    assert main(["score-file", str(canonical), "--output", str(scores), "--quiet"]) == 0
    conversation = json.loads(canonical.read_text(encoding="utf-8"))
    result = json.loads(scores.read_text(encoding="utf-8"))
    assert result["conversation_id"] == conversation["conversation_id"].strip()
    texts = [m["text"] for m in conversation["messages"]]
    quotes = [
        (e, texts[e["message_index"]])
        for rubric in result["rubrics"].values()
        for criterion in rubric["criteria"]
        for e in criterion["evidence"]
    ]
    assert quotes and all(text[e["start"] : e["end"]] == e["quote"] for e, text in quotes)
