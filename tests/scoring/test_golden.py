"""Golden conversations (tests/golden/*.jsonl): each line is a hand-written conversation with the
expected outcome ("pass" / "fail" / "na") of the criteria it is a clear case for. A rule change
that flips one shows up here as a readable diff.

Optional keys: `rationale` ({"rubric.criterion": [texts the rationale must contain]}, for
explanations that must be right: counts that match the transcript, the customer's words) and
`critical_failures` (the failed critical criteria, named, in order)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from canonical.validate import to_model, validate_conversation
from scoring.batch import template_hashes_for
from scoring.engine import score
from scoring.loader import load_rubrics

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
CASES = [
    json.loads(line)
    for path in sorted(GOLDEN.glob("*.jsonl"))
    for line in path.read_text(encoding="utf-8").splitlines()
    if line.strip()
]


@pytest.fixture(scope="module")
def rubrics():
    return load_rubrics()


@pytest.fixture(scope="module")
def conversations():
    return [to_model(validate_conversation(case["conversation"])) for case in CASES]


def outcome_of(criterion) -> str:
    return "na" if criterion.na else ("fail" if criterion.failed else "pass")


def quality_band(quality: float | None) -> str:
    if quality is None:
        return "none"
    if quality == 0:
        return "zero"
    return "high" if quality >= 75 else ("low" if quality < 50 else "middle")


def test_golden_files_are_not_empty():
    assert len(CASES) >= 10


@pytest.mark.parametrize("index", range(len(CASES)), ids=[c["name"] for c in CASES])
def test_golden_case(index, rubrics, conversations):
    case = CASES[index]
    result = score(conversations[index], rubrics, template_hashes_for(conversations, rubrics))
    actual = {}
    for key in case["expected"]:
        if key == "quality":
            actual[key] = quality_band(result.quality_score)
        else:
            rubric_id, criterion_id = key.split(".")
            criterion = result.criterion(rubric_id, criterion_id)
            actual[key] = outcome_of(criterion)
    rationales = {
        f"{c.rubric_id}.{c.criterion_id}": c.rationale for r in result.rubrics for c in r.criteria
    }
    diff = {
        key: f"expected {want}, got {actual[key]}: {rationales.get(key, result.quality_score)}"
        for key, want in case["expected"].items()
        if actual[key] != want
    }
    for key, texts in case.get("rationale", {}).items():
        missing = [t for t in texts if t not in rationales[key]]
        if missing:
            diff[f"{key} rationale"] = f"lacks {missing}: {rationales[key]}"
    if "critical_failures" in case and list(result.critical_failures) != case["critical_failures"]:
        diff["critical_failures"] = (
            f"expected {case['critical_failures']}, got {result.critical_failures}"
        )
    assert not diff, json.dumps(diff, indent=1, ensure_ascii=False)


@pytest.mark.parametrize("index", range(len(CASES)), ids=[c["name"] for c in CASES])
def test_golden_evidence_quotes_are_exact_substrings(index, rubrics, conversations):
    conversation = conversations[index]
    result = score(conversation, rubrics)
    for rubric in result.rubrics:
        for criterion in rubric.criteria:
            assert criterion.rationale and "\n" not in criterion.rationale
            for e in criterion.evidence:
                assert conversation.messages[e.message_index].text[e.start : e.end] == e.quote
                assert not conversation.messages[e.message_index].internal
