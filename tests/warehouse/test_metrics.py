"""Metrics against hand-computed values: the pure definitions and the DuckDB trend queries.

The fixture (tests/e2_fixtures.py) has four surveyed Alpha conversations in the week of
2026-03-02: NPS 10, 9, 7, 3 -> 2 promoters, 1 detractor of 4 -> NPS = 100 * (2 - 1) / 4 = 25;
CES 2, 3, 5, 7 -> 17 / 4 = 4.25; CSAT 5, 4, 3, 1 -> 3.25; first response 60, 120, 300, 900 s ->
median 210, mean 345; resolved yes, yes, no, no -> 0.5.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.e2_fixtures import build_small_warehouse
from warehouse import queries
from warehouse.access.viewer import Viewer
from warehouse.review import metrics
from warehouse.storage.connection import connect

NPS = [10, 9, 7, 3, None]
CES = [2, 3, 5, 7, None]
CSAT = [5, 4, 3, 1, None]
FIRST_RESPONSE = [60.0, 120.0, 300.0, 900.0, None]
RESOLVED = [True, True, False, False, None]


def test_empty_inputs_give_no_figure_rather_than_zero():
    assert metrics.net_promoter_score([]) is None
    assert metrics.customer_effort_score([None]) is None
    assert metrics.first_response_median([]) is None
    assert metrics.resolution_rate([None, None]) is None
    assert metrics.krippendorff_alpha({}) is None
    assert metrics.percent_agreement({"u": {"a": 1}}) is None


def test_nps_is_percent_promoters_minus_percent_detractors():
    assert metrics.net_promoter_score(NPS) == 25.0
    assert metrics.net_promoter_score([9, 10]) == 100.0
    assert metrics.net_promoter_score([0, 6]) == -100.0
    assert metrics.net_promoter_score([7, 8]) == 0.0  # passives count in the denominator only


def test_ces_csat_first_response_and_resolution_by_hand():
    assert metrics.customer_effort_score(CES) == 4.25
    assert metrics.csat_mean(CSAT) == 3.25
    assert metrics.first_response_median(FIRST_RESPONSE) == 210.0
    assert metrics.first_response_mean(FIRST_RESPONSE) == 345.0
    assert metrics.resolution_rate(RESOLVED) == 0.5


def test_alpha_two_coders_nominal_by_hand():
    # Coincidences: o11 = 2, o12 = o21 = 1, o22 = 4; n1 = 3, n2 = 5, n = 8.
    # D_o = 2/8; D_e = 2 * 3 * 5 / (8 * 7) = 30/56; alpha = 1 - (2/8) / (30/56) = 8/15.
    ratings = {1: {"a": 1, "b": 1}, 2: {"a": 1, "b": 2}, 3: {"a": 2, "b": 2}, 4: {"a": 2, "b": 2}}
    assert metrics.krippendorff_alpha(ratings, "nominal") == pytest.approx(8 / 15)
    assert metrics.percent_agreement(ratings) == 0.75
    assert metrics.leniency(ratings) == {"a": -0.125, "b": 0.125}


def test_alpha_interval_two_coders_by_hand():
    # Values a: 1, 3; b: 2, 3. o = {(1,2):1, (2,1):1, (3,3):2}; n = 4, marginals 1:1, 2:1, 3:2.
    # D_o = (1 + 1) * 1 / 4 = 0.5. D_e = sum n_c n_k (c-k)^2 / (4 * 3):
    # pairs (1,2): 1*1*1 * 2 = 2; (1,3): 1*2*4 * 2 = 16; (2,3): 1*2*1 * 2 = 4 -> 22 / 12.
    # alpha = 1 - 0.5 / (22/12) = 1 - 6/22 = 8/11.
    ratings = {1: {"a": 1, "b": 2}, 2: {"a": 3, "b": 3}}
    assert metrics.krippendorff_alpha(ratings, "interval") == pytest.approx(8 / 11)


def test_alpha_matches_krippendorffs_published_example_with_missing_values():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", 4 observers x 12 units:
    # published alpha: nominal 0.743, ordinal 0.815, interval 0.849.
    rows = {
        "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    }
    units = {u: {coder: rows[coder][u] for coder in rows} for u in range(12)}
    assert metrics.krippendorff_alpha(units, "nominal") == pytest.approx(0.743, abs=5e-4)
    assert metrics.krippendorff_alpha(units, "ordinal") == pytest.approx(0.815, abs=5e-4)
    assert metrics.krippendorff_alpha(units, "interval") == pytest.approx(0.849, abs=5e-4)


def test_alpha_perfect_agreement_is_one_and_no_variation_is_undefined():
    assert metrics.krippendorff_alpha({1: {"a": 0, "b": 0}, 2: {"a": 1, "b": 1}}) == 1.0
    assert metrics.krippendorff_alpha({1: {"a": 1, "b": 1}, 2: {"a": 1, "b": 1}}) is None
    with pytest.raises(ValueError, match="unknown level"):
        metrics.krippendorff_alpha({}, "ratio")


def test_pearson_correlation_by_hand():
    # q = 90, 80, 60, 20 and csat 5, 4, 3, 1: sxy = 157.5, sxx = 2875, syy = 8.75.
    assert metrics.pearson_correlation([90, 80, 60, 20], [5, 4, 3, 1]) == pytest.approx(
        157.5 / (2875 * 8.75) ** 0.5
    )


@pytest.fixture
def small_db(db_path):
    build_small_warehouse(db_path)
    return db_path


FILTERS = dict(
    team="Alpha",
    agent_id=None,
    channel=None,
    since=datetime(2026, 3, 2),
    until=datetime(2026, 3, 9),
    grain="week",
    source="auto",
    pass_mark=80.0,
)


def test_sql_service_metrics_match_the_hand_computed_values(small_db):
    admin = Viewer("admin", "admin")
    with connect(small_db) as con:
        rows = queries.run(con, "trend_service_metrics", viewer=admin, **FILTERS)
    assert len(rows) == 1
    week = rows[0]
    assert week["conversations"] == 5
    assert week["nps"] == 25.0 == metrics.net_promoter_score(NPS)
    assert week["ces"] == 4.25
    assert week["csat"] == 3.25
    assert week["first_response_median_seconds"] == 210.0
    assert week["first_response_mean_seconds"] == 345.0
    assert week["resolution_rate"] == 0.5
    # Quality from the auto-score: c4's review (30) never replaces its auto-score (20).
    assert week["quality_score"] == pytest.approx((90 + 80 + 60 + 20 + 70) / 5)
    assert week["pass_rate"] == pytest.approx(2 / 5)  # 90 and 80 reach the pass mark of 80
    with connect(small_db) as con:
        human = queries.run(
            con, "trend_service_metrics", viewer=admin, **{**FILTERS, "source": "human"}
        )[0]
    assert human["quality_score"] == 30.0 and human["pass_rate"] == 0.0  # only c4 was reviewed
    assert human["conversations"] == 5  # survey figures still cover every conversation


def test_sql_service_metrics_are_filtered_by_team_and_visibility(small_db):
    beta_manager = Viewer("m", "manager", teams=("Beta",))
    with connect(small_db) as con:
        alpha_for_beta = queries.run(con, "trend_service_metrics", viewer=beta_manager, **FILTERS)
        beta = queries.run(
            con, "trend_service_metrics", viewer=beta_manager, **{**FILTERS, "team": None}
        )
    assert alpha_for_beta == []
    assert beta[0]["conversations"] == 3 and beta[0]["nps"] == -100.0


def test_sql_correlation_matches_pure_pearson(small_db):
    admin = Viewer("admin", "admin")
    with connect(small_db) as con:
        row = queries.run(con, "quality_csat_correlation", viewer=admin, **FILTERS)[0]
    assert row["conversations"] == 4
    # Auto-scores: c4 counts with its auto-score (20), never its review (30).
    assert row["conversation_correlation"] == pytest.approx(
        metrics.pearson_correlation([90, 80, 60, 20], [5, 4, 3, 1])
    )
