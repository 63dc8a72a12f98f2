"""Every detector's pass/fail cases as data (tests/golden/detectors/<detector>.yaml), run by one
parametrised test, in the spirit of sqlfluff's per-rule YAML test cases: a rule change that flips
a case shows up as a readable failure naming the detector and the case."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from canonical.model import Conversation, Message
from scoring.detectors import import_detectors
from scoring.signals import ConversationSignals
from scoring.templates import reply_hash
from tests.scoring.shipped import shipped_params

CASES_DIR = Path(__file__).resolve().parents[1] / "golden" / "detectors"
START = datetime(2026, 3, 2, 10, 0, 0)
OUTCOMES = ("pass", "fail", "na")


def _load() -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["detector"] == path.stem, f"{path.name}: names detector {data['detector']!r}"
        for case in data["cases"]:
            cases.append((data["detector"], case))
    return cases


CASES = _load()


def _message(raw: dict[str, Any]) -> Message:
    settings = {k: raw[k] for k in ("at", "internal") if k in raw}
    ((role, text),) = [(k, v) for k, v in raw.items() if k not in settings]
    sent_at = START + timedelta(seconds=settings["at"]) if "at" in settings else None
    return Message(role, text, sent_at=sent_at, internal=settings.get("internal", False))


def _signals(case: dict[str, Any]) -> ConversationSignals:
    conversation = Conversation(
        conversation_id=case["name"],
        messages=tuple(_message(m) for m in case["messages"]),
        channel=case.get("channel"),
        customer_name=case.get("customer_name"),
    )
    templates = case.get("templates")
    hashes = frozenset(reply_hash(t) for t in templates) if templates is not None else None
    return ConversationSignals(conversation, hashes)


@pytest.mark.parametrize(
    ("detector", "case"), CASES, ids=[f"{detector}::{case['name']}" for detector, case in CASES]
)
def test_detector_case(detector, case):
    function = import_detectors()[detector]
    signals = _signals(case)
    result = function(signals, shipped_params(detector, case.get("params")))
    outcome = "na" if result.na else ("pass" if result.value >= 0.5 else "fail")
    assert outcome == case["expect"], f"got {outcome} ({result.value}): {result.rationale}"
    if "value" in case:
        assert result.value == pytest.approx(case["value"]), result.rationale
    quotes = [e.quote for e in result.evidence]
    for quote in case.get("evidence", ()):
        assert quote in quotes, f"{quote!r} not among the evidence {quotes}"
    for evidence in result.evidence:
        text = signals.messages[evidence.message_index].text
        assert text[evidence.start : evidence.end] == evidence.quote
    assert result.rationale


def test_every_detector_has_a_case_that_meets_it_and_one_that_does_not():
    by_detector: dict[str, set[str]] = {}
    for detector, case in CASES:
        assert case["expect"] in OUTCOMES, f"{detector}::{case['name']}: expect {case['expect']!r}"
        by_detector.setdefault(detector, set()).add(case["expect"])
    missing = sorted(set(import_detectors()) - set(by_detector))
    assert not missing, f"detectors without a case file in {CASES_DIR}: {missing}"
    one_sided = sorted(
        d for d, seen in by_detector.items() if "pass" not in seen or seen == {"pass"}
    )
    assert not one_sided, f"need a passing and a failing (or N/A) case: {one_sided}"


def test_case_names_are_unique_per_detector():
    seen = [f"{detector}::{case['name']}" for detector, case in CASES]
    assert len(seen) == len(set(seen))
