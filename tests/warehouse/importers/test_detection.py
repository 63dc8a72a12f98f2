"""Auto-detection: every sample (own fixtures, and the real ones when ../shared is present) is
recognised as exactly its own format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import format_samples
from warehouse.reading.importers import registry

EXPECTED = {
    "zendesk": "zendesk",
    "intercom": "intercom",
    "freshdesk": "freshdesk",
    "amazon_connect": "amazon-connect",
}


def _expected(path: Path) -> str:
    if path.parent.name == "twitter_customer_care":
        return "twcs" if path.suffix == ".csv" else "twitter-ibm"
    if path.parent.name == "canonical":
        return "canonical-csv" if path.suffix == ".csv" else "canonical-jsonl"
    return EXPECTED[path.parent.name]


@pytest.mark.parametrize("path", format_samples())
def test_each_sample_is_detected_as_exactly_its_format(path):
    head = path.read_text(encoding="utf-8")[:65536]
    chosen, scores = registry.detect(path, head)
    assert chosen.name == _expected(path)
    vendor_others = {
        name: score
        for name, score in scores.items()
        if name != chosen.name and not name.startswith("canonical") and score > 0
    }
    assert vendor_others == {}, f"{path.name} also claimed by {vendor_others}"
    assert max(s for name, s in scores.items() if name != chosen.name) < scores[chosen.name]


def test_canonical_records_are_not_claimed_by_vendor_formats():
    vendor = [i for name, i in registry.importers().items() if not name.startswith("canonical")]
    assert len(vendor) == 6
    tricky_text = "conversation_parts part_type Transcript dialogContent audits tweet_id"
    line = {
        "conversation_id": "c1",
        "channel": "chat",
        "messages": [{"role": "customer", "text": tricky_text, "author": "a"}],
    }
    jsonl = json.dumps(line) + "\n" + json.dumps({**line, "conversation_id": "c2"}) + "\n"
    long_first_line = json.dumps({**line, "messages": line["messages"] * 3000})[:65536]
    csv_head = "conversation_id,channel,role,author,text,sent_at\nc1,chat,customer,a,hi,\n"
    for head in (jsonl, long_first_line, csv_head):
        assert {i.name: i.sniff(Path("x"), head) for i in vendor} == {i.name: 0.0 for i in vendor}
