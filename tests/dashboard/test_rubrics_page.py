"""Rubrics page (AppTest): the rubrics in force with criteria, weights, critical flags and detector
descriptions, and how often each criterion is N/A, passed or failed (scoped to the viewer)."""

from __future__ import annotations

import pytest

from dashboard.labels import humanise
from scoring.loader import load_rubrics
from tests.e2_fixtures import build_small_warehouse, open_page
from warehouse.access.viewer import Viewer
from warehouse.storage.connection import connect


@pytest.fixture
def small_db(db_path, monkeypatch):
    build_small_warehouse(db_path)
    monkeypatch.setenv("CORNERSTONE_DB", str(db_path))
    return db_path


def _criteria_table(at, rubric_id: str):
    """The page shows a summary table, then one criteria table per rubric in file order."""
    order = [r.id for r in load_rubrics().rubrics]
    return at.dataframe[1 + order.index(rubric_id)].value.set_index("criterion")


def test_every_rubric_in_force_is_listed_with_its_criteria(small_db):
    rubrics = load_rubrics()
    at = open_page(Viewer("root", "admin"), "rubrics")
    for rubric in rubrics.rubrics:
        table = _criteria_table(at, rubric.id)
        # Criterion names are the ids in words ("greeting_closing" -> "Greeting closing").
        assert list(table.index) == [humanise(c.id) for c in rubric.criteria]
        for criterion in rubric.criteria:
            row = table.loc[humanise(criterion.id)]
            assert row["question"] == criterion.question
            assert bool(row["critical"]) == criterion.critical
            assert row["weight"].startswith(f"{criterion.weight:g} (")
            for detector in criterion.detectors:
                assert detector.detector in row["detectors"]
    assert not any("no description" in t for t in _criteria_table(at, "empathy")["detectors"])


def test_outcome_counts_follow_the_effective_scores_and_the_viewer(small_db):
    # empathy.apology fails in c4 (review), c6, c7 and Beta's b1-b3; passes in c1-c3, c5, c8, c9.
    admin = _criteria_table(open_page(Viewer("root", "admin"), "rubrics"), "empathy")
    assert (admin.loc["Apology", "passed"], admin.loc["Apology", "failed"]) == (6, 6)
    assert admin.loc["Apology", "N/A"] == 0
    manager = _criteria_table(
        open_page(Viewer("mona", "manager", teams=("Alpha",)), "rubrics"), "empathy"
    )
    assert (manager.loc["Apology", "passed"], manager.loc["Apology", "failed"]) == (6, 3)


def test_period_filter_changes_the_counts(small_db):
    at = open_page(Viewer("root", "admin"), "rubrics")
    at.radio(key="rubrics_period").set_value("Last 30 days").run()
    # The fixture's conversations are from March-April 2026, long before "now".
    table = _criteria_table(at, "empathy")
    assert table.loc["Apology", "passed"] == 0 and table.loc["Apology", "failed"] == 0
    assert len(at.get("plotly_chart")) == 1


def test_scores_from_another_rubric_version_point_only_admins_to_the_command_line(small_db):
    with connect(small_db) as con:
        con.execute("UPDATE conversation_scores SET rubric_set_hash = 'an-older-version'")
    admin = " ".join(w.value for w in open_page(Viewer("root", "admin"), "rubrics").warning)
    assert "another rubric version" in admin and "qa score" in admin
    lead = " ".join(w.value for w in open_page(Viewer("lena", "qa_lead"), "rubrics").warning)
    assert "another rubric version" in lead and "administrator" in lead
    assert "qa score" not in lead
