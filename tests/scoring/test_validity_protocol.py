"""benchmarks/validity.py: its re-weighting repeats the engine's arithmetic exactly (so the
leave-one-corpus-out figures are the figures the product would give), and on the dev splits the
quality score beats the customer-sentiment baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import validity
from canonical.validate import to_model, validate_conversation
from scoring.batch import template_hashes_for
from scoring.engine import score
from scoring.loader import load_rubrics
from tests.conftest import SHARED_DATA

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "criteria.jsonl"


def test_recompute_with_the_shipped_weights_is_the_engine():
    rubrics = load_rubrics()
    cases = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    conversations = [to_model(validate_conversation(c["conversation"])) for c in cases]
    hashes = template_hashes_for(conversations, rubrics)
    results = [score(c, rubrics, hashes) for c in conversations]
    labels = {c.conversation_id: {"overall_satisfaction": "3"} for c in conversations}
    corpus = validity.CORPORA[1]  # a dialogue corpus: headline is the quality score
    scored = validity._scored(corpus, conversations, labels, results, rubrics)
    weights = validity.shipped_weights(rubrics)
    quality = validity.recompute(scored, weights, "quality")
    assert any(r.critical_failed for r in results) and any(q for q in quality)
    for mine, result in zip(quality, results, strict=True):
        assert (mine is None) == (result.quality_score is None)
        if mine is not None:
            assert mine == pytest.approx(result.quality_score, abs=0.01)
    for rubric in rubrics.rubrics:
        for mine, result in zip(
            validity.recompute(scored, weights, rubric.id), results, strict=True
        ):
            engine = next(r.score for r in result.rubrics if r.rubric_id == rubric.id)
            assert (mine is None) == (engine is None)
            if mine is not None:
                assert mine == pytest.approx(engine, abs=0.01)


def test_spearman_on_a_hand_computed_example():
    # ranks 1 2 3 4 vs 1 3 2 4: d^2 = 0 + 1 + 1 + 0 = 2; rho = 1 - 6*2 / (4*15) = 0.8
    assert validity.spearman([1, 2, 3, 4], [10, 30, 20, 40]) == pytest.approx(0.8)
    assert validity.ranks([5, 1, 5]) == [2.5, 1.0, 2.5]


@pytest.mark.needs_shared
def test_quality_beats_the_customer_sentiment_baseline_on_ccpe():
    eval_dir = SHARED_DATA / "eval"
    scored = validity.score_corpora(
        eval_dir, load_rubrics(), 1, ["uss_ccpe_satisfaction"], quiet=True
    )["uss_ccpe_satisfaction"]
    weights = validity.shipped_weights(load_rubrics())
    quality = validity._rho(validity.recompute(scored, weights, "quality"), scored.labels)
    baseline = validity._rho(scored.baseline, scored.labels)
    assert quality > baseline > 0.2
