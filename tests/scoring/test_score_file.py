"""`qa score-file` on real inputs: the demo sample, generated demo data, and every helpdesk sample
(the project's own fixtures; the real ones when ../shared is present) after conversion to
canonical JSONL. Every evidence quote must be a substring of its message."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from canonical.jsonl import parse_line, record_lines
from canonical.validate import RecordError, to_model, validate_conversation
from cornerstone.cli import main
from cornerstone.demo.generator import generate
from tests.conftest import format_samples
from warehouse.reading.importers import registry

REPO = Path(__file__).resolve().parents[2]
RUBRIC_IDS = {"responsiveness", "empathy", "resolution", "personalisation", "communication"}


def check_output(input_path: Path, output_path: Path) -> int:
    with input_path.open(encoding="utf-8") as handle:
        conversations = []
        for _, line in record_lines(handle):
            try:
                conversations.append(parse_line(line))
            except RecordError:
                continue
    lines = output_path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(conversations)
    quotes = 0
    for line, conversation in zip(lines, conversations, strict=True):  # output keeps input order
        data = json.loads(line)
        assert data["conversation_id"] == conversation.conversation_id
        assert data["quality_score"] is None or 0 <= data["quality_score"] <= 100
        assert set(data["rubrics"]) == RUBRIC_IDS
        for rubric in data["rubrics"].values():
            for criterion in rubric["criteria"]:
                assert criterion["rationale"]
                for e in criterion["evidence"]:
                    assert (
                        conversation.messages[e["message_index"]].text[e["start"] : e["end"]]
                        == e["quote"]
                    )
                    quotes += 1
    return quotes


def test_score_file_on_the_demo_sample(tmp_path, capsys):
    sample = REPO / "data" / "sample_conversations.jsonl"
    out = tmp_path / "scores.jsonl"
    assert main(["score-file", str(sample), "--output", str(out), "--quiet"]) == 0
    assert check_output(sample, out) > 0
    assert "scored" in capsys.readouterr().out


def test_score_file_on_generated_demo_data_with_two_workers(tmp_path):
    source = tmp_path / "demo.jsonl"
    generate(source, conversations=1500, seed=5)
    out = tmp_path / "scores.jsonl"
    assert main(["score-file", str(source), "-o", str(out), "--quiet", "--workers", "2"]) == 0
    assert check_output(source, out) > 1500


def _jsonable(value):
    if isinstance(value, datetime):
        return value.isoformat() + "Z"
    return value


@pytest.mark.parametrize("sample", format_samples())
def test_score_file_on_converted_helpdesk_samples(sample, tmp_path):
    text = sample.read_text(encoding="utf-8", errors="replace")
    try:
        importer, _ = registry.detect(sample, text[:65536])
    except registry.UnknownFormatError:
        pytest.fail(f"no importer recognises {sample}")
    canonical = tmp_path / "canonical.jsonl"
    written = 0
    with canonical.open("w", encoding="utf-8") as out:
        for record in importer.records(sample, text):
            if record.conversation is None:
                continue
            try:
                conversation = to_model(validate_conversation(record.conversation))
            except RecordError:
                continue
            data = {
                "conversation_id": conversation.conversation_id,
                "channel": conversation.channel,
                "customer_name": conversation.customer_name,
                "messages": [
                    {
                        "role": m.role,
                        "text": m.text,
                        "sent_at": _jsonable(m.sent_at),
                        "internal": m.internal,
                    }
                    for m in conversation.messages
                ],
            }
            out.write(json.dumps(data, ensure_ascii=False) + "\n")
            written += 1
    scores = tmp_path / "scores.jsonl"
    assert main(["score-file", str(canonical), "-o", str(scores), "--quiet", "--workers", "1"]) == 0
    check_output(canonical, scores)
    assert len(scores.read_text(encoding="utf-8").splitlines()) == written


def test_score_file_reports_bad_lines_and_keeps_the_good(tmp_path, capsys):
    source = tmp_path / "mixed.jsonl"
    good = {"conversation_id": "ok", "messages": [{"role": "customer", "text": "hi"}]}
    source.write_text(
        json.dumps(good) + "\n{not json\n" + json.dumps({"conversation_id": "x"}) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "scores.jsonl"
    assert main(["score-file", str(source), "-o", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "line 2: refused" in err and "line 3: refused" in err
    assert [json.loads(line)["conversation_id"] for line in out.read_text().splitlines()] == ["ok"]


def test_score_file_with_invalid_rubrics_explains_and_writes_nothing(tmp_path, capsys):
    rubrics = tmp_path / "rubrics"
    rubrics.mkdir()
    (rubrics / "bad.yaml").write_text(
        "id: bad\nname: Bad\nweight: 1\ncriteria: []\n", encoding="utf-8"
    )
    out = tmp_path / "scores.jsonl"
    code = main(
        [
            "score-file",
            str(REPO / "data" / "sample_conversations.jsonl"),
            "-o",
            str(out),
            "--rubrics",
            str(rubrics),
            "--quiet",
        ]
    )
    assert code == 2
    assert "bad.yaml: rubric → criteria" in capsys.readouterr().err
    assert not out.exists()


def test_score_file_missing_input(tmp_path, capsys):
    assert main(["score-file", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "o.jsonl")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_rubrics_check_command(capsys, tmp_path):
    assert main(["rubrics", "check", str(REPO / "rubrics")]) == 0
    out = capsys.readouterr().out
    assert (
        "no_abuse" in out
        and "CRITICAL" in out
        and out.strip().endswith(out.strip().splitlines()[-1])
    )
    (tmp_path / "x.yaml").write_text(
        "id: x\nname: X\nweight: 1\ncriteria:\n  - id: a\n", encoding="utf-8"
    )
    assert main(["rubrics", "check", str(tmp_path)]) == 1
    assert (
        "criterion 'a' (criteria[0]) → question: required field is missing"
        in capsys.readouterr().out
    )
