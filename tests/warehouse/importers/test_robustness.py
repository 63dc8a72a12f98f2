"""No input makes a format module raise: damaged samples and arbitrary JSON give refusals."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import format_samples
from warehouse.reading.importers import (
    amazon_connect,
    freshdesk,
    intercom,
    twitter_ibm,
    twitter_twcs,
    zendesk,
)

IMPORTERS = [
    m.IMPORTER for m in (zendesk, intercom, freshdesk, amazon_connect, twitter_ibm, twitter_twcs)
]
ODD_VALUES = [None, 0, -1, 1.5, "", "x", "2024-13-45", True, [], {}, [None], {"a": None}]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "ticket_id",
                    "audits",
                    "events",
                    "type",
                    "body",
                    "comments",
                    "tickets",
                    "conversation_parts",
                    "source",
                    "author",
                    "part_type",
                    "incoming",
                    "Transcript",
                    "Participants",
                    "dialogContent",
                    "dialogHeader",
                    "stream",
                    "data",
                    "users",
                    "conversations",
                    "results",
                    "helpdesk_ticket",
                    "notes",
                    "public",
                    "created_at",
                ]
            )
            | st.text(max_size=5),
            children,
            max_size=5,
        )
    ),
    max_leaves=25,
)


def _checked(importer, path: Path, text: str) -> None:
    importer.sniff(path, text[:65536])
    for record in importer.records(path, text):
        assert (record.conversation is None) != (record.error is None)
        assert record.position
        if record.error is not None:
            assert isinstance(record.error, str) and record.error.strip()


def _mutated(value, rng: random.Random):
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            roll = rng.random()
            if roll < 0.05:
                continue
            out[key] = rng.choice(ODD_VALUES) if roll < 0.12 else _mutated(item, rng)
        return out
    if isinstance(value, list):
        return [_mutated(item, rng) for item in value if rng.random() > 0.05]
    return value


@pytest.mark.parametrize("path", format_samples())
def test_damaged_samples_never_raise_in_any_format(path):
    rng = random.Random(path.name)
    text = path.read_text(encoding="utf-8")
    rounds = 3 if len(text) > 200_000 else 8  # the 700 KB IBM file: fewer, same coverage kinds
    variants = [text[: rng.randrange(len(text))] for _ in range(rounds)]
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if document is not None:
        variants += [json.dumps(_mutated(document, rng)) for _ in range(2 * rounds)]
    for importer in IMPORTERS:
        for variant in variants:
            _checked(importer, path, variant)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSON_VALUES)
def test_arbitrary_json_never_raises(value):
    text = json.dumps(value)
    for importer in IMPORTERS:
        _checked(importer, Path("export.json"), text)
        _checked(importer, Path("export.jsonl"), text + "\n" + text)


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text):
    for importer in IMPORTERS:
        _checked(importer, Path("export.txt"), text)
