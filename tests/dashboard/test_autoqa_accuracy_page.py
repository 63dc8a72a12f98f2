"""AutoQA accuracy page (AppTest): agreement per criterion with intervals, and the overrides."""

from __future__ import annotations

import pytest

from tests.e2_fixtures import open_page
from tests.fixtures import build_small_warehouse
from warehouse.access.viewer import Viewer
from warehouse.review.reviews import CriterionAnswer, submit_review
from warehouse.storage.connection import connect

LEAD = Viewer("lee", "qa_lead")


@pytest.fixture
def reviewed_db(db_path, monkeypatch):
    build_small_warehouse(db_path)
    rita = Viewer("rita", "reviewer")
    with connect(db_path) as con:
        submit_review(con, rita, "conv-000", [])
        submit_review(
            con, rita, "conv-001", [CriterionAnswer("empathy", "tone", 4.0, False, "warmer than 2")]
        )
    monkeypatch.setenv("CORNERSTONE_DB", str(db_path))
    return db_path


def test_each_criterion_shows_agreement_with_its_interval_and_review_count(reviewed_db):
    at = open_page(LEAD, "autoqa_accuracy")
    table = at.dataframe[0].value.set_index("Criterion")
    tone = table.loc["Tone"]
    assert tone["Reviews"] == 2
    assert tone["Exact agreement"].startswith("50% (")
    assert tone["Within one step"].startswith("50% (")
    assert tone["Mean difference"].startswith("25 pts")
    assert table.loc["Acknowledges feelings", "Exact agreement"].startswith("100%")
    assert next(m.value for m in at.metric if m.label == "Reviews compared") == "2"
    shown = table.to_string()
    assert "None" not in shown and "nan" not in shown and "empathy.tone" not in shown


def test_overrides_of_a_criterion_are_one_choice_away(reviewed_db):
    at = open_page(LEAD, "autoqa_accuracy")
    at.selectbox(key="accuracy_criterion").set_value(("empathy", "tone")).run()
    overrides = at.dataframe[1].value
    assert list(overrides["Reason"]) == ["warmer than 2"]
    assert list(overrides["Auto-score"]) == ["2"] and list(overrides["Reviewer's answer"]) == ["4"]
    assert list(overrides["Conversation"]) == ["conv-001"]


def test_split_by_week_keeps_every_review(reviewed_db):
    at = open_page(LEAD, "autoqa_accuracy")
    at.radio(key="accuracy_group").set_value("Week").run()
    table = at.dataframe[0].value
    assert table[table["Criterion"] == "Tone"]["Reviews"].sum() == 2
    assert all(w.startswith("Week of ") for w in table["Week"])


def test_an_empty_database_explains_where_figures_come_from(db_path, monkeypatch):
    build_small_warehouse(db_path)
    monkeypatch.setenv("CORNERSTONE_DB", str(db_path))
    at = open_page(LEAD, "autoqa_accuracy")
    assert any("No human reviews yet" in i.value for i in at.info)


def test_reviewers_managers_and_agents_cannot_open_it(reviewed_db):
    from dashboard.page_roles import may_see

    assert may_see("qa_lead", "autoqa_accuracy") and may_see("admin", "autoqa_accuracy")
    for role in ("reviewer", "manager", "agent"):
        assert not may_see(role, "autoqa_accuracy")
