"""AutoQA accuracy: agreement of the auto-score with every human review, checked by hand."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fixtures import build_small_warehouse
from warehouse.access.viewer import Viewer
from warehouse.review import metrics
from warehouse.review.autoqa_accuracy import (
    Pair,
    _alpha_from_tables,
    agreement,
    review_pairs,
    summarise,
)
from warehouse.review.reviews import CriterionAnswer, submit_review
from warehouse.storage.connection import connect

EPOCH = datetime(1970, 1, 1)


def test_yes_no_agreement_matches_the_hand_computation():
    # Exact: 4 of 6 (N/A = N/A counts, an auto N/A the reviewer answered does not).
    # Both answered: (1,1) (1,1) (0,0) (1,0): one of four differs by the whole scale = 25 points.
    # Nominal alpha: coincidences o11=4, o00=2, o10=o01=1; n1=5, n0=3, n=8:
    # 1 - (n - 1) * (o01 + o10) / (2 * n0 * n1) = 1 - 7 * 2 / 30 = 8/15.
    pairs = [Pair(1, 1), Pair(1, 1), Pair(0, 0), Pair(1, 0), Pair(None, None), Pair(None, 1)]
    reviews, answered, exact, within, difference, alpha = agreement(pairs, "yes_no")
    assert (reviews, answered) == (6, 4)
    assert exact.value == pytest.approx(4 / 6)
    assert within.value is None  # "within one step" means nothing on a yes/no scale
    assert difference.value == pytest.approx(25.0)
    assert alpha.value == pytest.approx(8 / 15)


def test_five_point_agreement_matches_the_hand_computation():
    # Marginals n1=1 n2=2 n3=1 n4=1 n5=3 (n=8). Observed: delta(4,5)=((1+3)/2)^2=4 and
    # delta(1,3)=(4-1)^2=9, each pair counted both ways: D_o = (8 + 18) / 8 = 3.25.
    # Expected: 2 * sum_{c<k} n_c n_k delta(c,k) = 2 * 316 = 632 over n(n-1) = 56.
    pairs = [Pair(5, 5), Pair(4, 5), Pair(3, 1), Pair(2, 2)]
    reviews, answered, exact, within, difference, alpha = agreement(pairs, "1_5")
    assert (reviews, answered) == (4, 4)
    assert exact.value == pytest.approx(0.5)
    assert within.value == pytest.approx(0.75)
    assert difference.value == pytest.approx((0 + 25 + 50 + 0) / 4)
    assert alpha.value == pytest.approx(1 - 3.25 / (632 / 56))


def test_intervals_hold_the_estimate_and_narrow_with_more_reviews():
    few = [Pair(1, 1)] * 6 + [Pair(1, 0), Pair(0, 0), Pair(0, 1), Pair(0, 0)]
    many = few * 20
    _, _, exact_few, _, _, alpha_few = agreement(few, "yes_no")
    _, _, exact_many, _, _, alpha_many = agreement(many, "yes_no")
    for estimate in (exact_few, alpha_few, exact_many, alpha_many):
        assert estimate.low <= estimate.value <= estimate.high
    assert exact_few.value == exact_many.value
    assert exact_many.high - exact_many.low < exact_few.high - exact_few.low
    assert 0 <= exact_few.low and exact_few.high <= 1
    assert agreement(few, "yes_no") == agreement(few, "yes_no")  # seeded: same page, same figures


def test_no_reviews_and_no_variation_are_undefined_not_errors():
    assert agreement([], "yes_no")[2].value is None
    # Everyone always says "yes": agreement is perfect but alpha cannot tell it from chance.
    _, _, exact, _, _, alpha = agreement([Pair(1, 1)] * 5, "yes_no")
    assert exact.value == 1.0 and alpha.value is None


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5)), min_size=2, max_size=40),
    st.sampled_from(["nominal", "ordinal"]),
)
def test_batched_alpha_equals_the_reference_implementation(pairs, level):
    values = sorted({v for pair in pairs for v in pair})
    table = np.zeros((1, len(values), len(values)))
    for a, h in pairs:
        table[0, values.index(a), values.index(h)] += 1
    batched = _alpha_from_tables(table, level)[0]
    reference = metrics.krippendorff_alpha(
        {i: {"auto": a, "human": h} for i, (a, h) in enumerate(pairs)}, level
    )
    if reference is None:
        assert np.isnan(batched)
    else:
        assert batched == pytest.approx(reference)


def test_low_alpha_is_flagged_and_groups_split_by_week():
    rows = [
        {"rubric_id": "r", "criterion_id": "good", "auto_value": v, "auto_na": False,
         "human_value": v, "human_na": False, "week": w, "rubric_set_hash": "v1"}
        for v, w in [(1, "2026-03-02"), (0, "2026-03-02"), (1, "2026-03-09"), (0, "2026-03-09")]
    ] + [
        {"rubric_id": "r", "criterion_id": "bad", "auto_value": a, "auto_na": False,
         "human_value": h, "human_na": False, "week": "2026-03-02", "rubric_set_hash": "v1"}
        for a, h in [(1, 0), (0, 1), (1, 1), (0, 0), (1, 0)]
    ]  # fmt: skip
    overall = {a.criterion_id: a for a in summarise(rows, {})}
    assert not overall["good"].flagged and overall["good"].alpha.value == 1.0
    assert overall["bad"].flagged
    weekly = summarise(rows, {}, group_by="week")
    assert [(a.criterion_id, a.group, a.reviews) for a in weekly] == [
        ("bad", "2026-03-02", 5),
        ("good", "2026-03-02", 2),
        ("good", "2026-03-09", 2),
    ]


def test_every_review_counts_and_each_viewer_sees_their_own_scope(db_path):
    build_small_warehouse(db_path)
    rita = Viewer("rita", "reviewer")
    with connect(db_path) as con:
        # conv-000: every criterion confirmed. conv-001: tone overridden from 2 to 4.
        submit_review(con, rita, "conv-000", [])
        submit_review(
            con, rita, "conv-001", [CriterionAnswer("empathy", "tone", 4.0, False, "warmer")]
        )
        everything = review_pairs(con, Viewer("lee", "qa_lead"), since=EPOCH)
        billing = review_pairs(con, Viewer("meg", "manager", teams=("Billing",)), since=EPOCH)
        tech = review_pairs(con, Viewer("tom", "manager", teams=("Tech",)), since=EPOCH)
    assert len(everything) == 8 and len(billing) == 8 and tech == []
    scales = {("empathy", "tone"): "1_5"}
    by_criterion = {a.criterion_id: a for a in summarise(everything, scales)}
    tone = by_criterion["tone"]
    assert (tone.reviews, tone.exact.value, tone.within_one.value) == (2, 0.5, 0.5)
    assert tone.mean_abs_difference.value == pytest.approx(25.0)
    assert by_criterion["acknowledges_feelings"].exact.value == 1.0
    overridden = [r for r in everything if r["overridden"]]
    assert [(r["conversation_id"], r["override_reason"]) for r in overridden] == [
        ("conv-001", "warmer")
    ]
