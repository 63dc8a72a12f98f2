"""Team trends page (AppTest): renders titled charts with data behind them; filters change results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.e2_fixtures import build_small_warehouse, metric_value, open_page
from warehouse.access.viewer import Viewer
from warehouse.storage.connection import connect

ALPHA_MANAGER = Viewer("mona", "manager", teams=("Alpha",))
ADMIN = Viewer("root", "admin")
PAGE_FILE = Path(__file__).resolve().parents[2] / "dashboard" / "app_pages" / "team_trends.py"


@pytest.fixture
def small_db(db_path, monkeypatch):
    build_small_warehouse(db_path)
    monkeypatch.setenv("CORNERSTONE_DB", str(db_path))
    return db_path


def _values(encoded):
    """Plotly's JSON arrays: a list, or {"dtype", "bdata"} (base64 of a typed array)."""
    if isinstance(encoded, dict):
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(encoded["bdata"]), dtype=encoded["dtype"]).tolist()
    return encoded


def _specs(at):
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def test_every_chart_has_a_title_axis_titles_and_a_table_and_csv_behind_it(small_db):
    at = open_page(ADMIN, "team_trends")
    specs = _specs(at)
    assert len(specs) == 7  # the six service metrics share one figure; one per-criterion trend
    for spec in specs:
        layout = spec["layout"]
        assert layout["title"]["text"]
        y_axes = [v for k, v in layout.items() if k.startswith("yaxis")]
        x_titles = [
            v.get("title", {}).get("text") for k, v in layout.items() if k.startswith("xaxis")
        ]
        assert all(axis["title"]["text"] for axis in y_axes)  # every value axis says its unit
        assert any(x_titles)
        assert all("hovertemplate" in trace for trace in spec["data"])
    service = next(s for s in specs if s["layout"]["title"]["text"].startswith("Customer and"))
    y_titles = [v["title"]["text"] for k, v in service["layout"].items() if k.startswith("yaxis")]
    assert "NPS (points, -100 to 100)" in y_titles and "CSAT (mean, 1-5)" in y_titles
    assert len(at.get("download_button")) == 8  # one per chart plus the agent ranking
    assert not [f for f in at.dataframe if "band_start" in f.value.columns]
    at.toggle(key="charts_show_tables").set_value(True).run()
    assert [f for f in at.dataframe if "band_start" in f.value.columns]  # the table behind it


def test_manager_sees_only_their_teams(small_db):
    at = open_page(ALPHA_MANAGER, "team_trends")
    assert at.selectbox(key="trends_team").options == ["All", "Alpha"]
    assert metric_value(at, "Conversations") == "9"
    admin = open_page(ADMIN, "team_trends")
    assert metric_value(admin, "Conversations") == "12"


def test_filters_change_the_figures(small_db):
    at = open_page(ALPHA_MANAGER, "team_trends")
    at.selectbox(key="trends_channel").select("email").run()
    assert metric_value(at, "Conversations") == "4"  # c6-c9
    at.selectbox(key="trends_channel").select("All").run()
    at.selectbox(key="trends_agent").select("a1").run()
    assert metric_value(at, "Conversations") == "3"  # Ann: c1, c2, c5
    assert metric_value(at, "Mean quality (AQS)") == "80.0"


def test_auto_scores_and_human_reviews_are_shown_apart_never_blended(small_db):
    at = open_page(ALPHA_MANAGER, "team_trends")
    # Auto-scores of Alpha's nine conversations; c4 (auto 20) was reviewed at 30, which the
    # auto-score view ignores.
    assert (
        metric_value(at, "Mean quality (AQS)")
        == f"{sum([90, 80, 60, 20, 70, 40, 40, 85, 85]) / 9:.1f}"
    )
    assert all(s["layout"]["title"]["text"].endswith("auto-score (AQS)") for s in _specs(at))
    at.radio(key="trends_source").set_value("human").run()
    assert metric_value(at, "Mean quality (IQS)") == "30.0"  # only c4 was reviewed
    assert metric_value(at, "Conversations") == "9"  # survey figures still cover every conversation
    assert all(s["layout"]["title"]["text"].endswith("human reviews (IQS)") for s in _specs(at))
    assert any("only conversations a person reviewed count" in c.value for c in at.caption)


def test_pass_rate_uses_the_pass_mark(small_db):
    at = open_page(ALPHA_MANAGER, "team_trends")
    at.selectbox(key="trends_agent").select("a1").run()  # Ann: auto 90, 80, 70
    assert metric_value(at, "Pass rate") == "67%"  # default pass mark 80
    at.number_input(key="trends_pass_mark").set_value(70).run()
    assert metric_value(at, "Pass rate") == "100%"


def test_week_and_month_grouping(small_db):
    at = open_page(ALPHA_MANAGER, "team_trends")
    weekly = _specs(at)[0]
    assert weekly["layout"]["title"]["text"] == "Quality score by team per week · auto-score (AQS)"
    assert len(weekly["data"][0]["x"]) == 3  # weeks of 2 Mar, 30 Mar, 13 Apr
    at.radio(key="trends_grain").set_value("month").run()
    monthly = _specs(at)[0]
    assert monthly["layout"]["title"]["text"].startswith("Quality score by team per month")
    assert len(monthly["data"][0]["x"]) == 2  # March, April


def test_agent_ranking_flags_small_samples_and_shows_trend(small_db):
    at = open_page(ALPHA_MANAGER, "team_trends")
    ranking = next(f.value for f in at.dataframe if "trend" in f.value.columns)
    assert list(ranking["agent_name"]) == ["Ann", "Ben"]
    ben = ranking[ranking["agent_name"] == "Ben"].iloc[0]
    assert ben["sample"] == "⚠ small sample (1 reviewed)"
    assert ben["trend"].startswith("▲")  # 45 in the first half of the range, 62.5 in the second


def test_agent_ranking_shows_quality_with_one_decimal(small_db):
    with connect(small_db) as con:  # averages like 53.333333333333336 are the usual case
        con.execute("UPDATE conversation_scores SET quality_score = quality_score + 0.123456")
    at = open_page(ALPHA_MANAGER, "team_trends")
    ranking = next(f.value for f in at.dataframe if "trend" in f.value.columns)
    scores = [float(v) for v in ranking["quality_score"]]
    assert scores and scores == [round(v, 1) for v in scores]


def test_rubric_chart_legend_names_rubrics_in_words(small_db):
    at = open_page(ALPHA_MANAGER, "team_trends")
    spec = next(s for s in _specs(at) if "rubric scores" in s["layout"]["title"]["text"])
    names = {trace["name"] for trace in spec["data"]}
    assert "Empathy" in names and not names & {"empathy", "communication", "resolution"}


def test_quality_vs_csat_correlation_is_shown(small_db):
    at = open_page(ALPHA_MANAGER, "team_trends")
    # Alpha's surveyed conversations: auto quality 90, 80, 60, 20 vs CSAT 5, 4, 3, 1 (r = 0.994).
    assert metric_value(at, "Quality ~ CSAT correlation") == "0.99"
    titles = [spec["layout"]["title"]["text"] for spec in _specs(at)]
    assert any(t.startswith("Quality score vs CSAT per agent (r = ") for t in titles)


def test_agents_are_refused_even_when_opening_the_page_file_directly(small_db):
    at = AppTest.from_file(str(PAGE_FILE), default_timeout=60)
    at.session_state["viewer"] = Viewer("ben", "agent", agent_id="a2")
    at.run()
    assert [e.value for e in at.error] == ["This page is not available to your role."]
    assert not at.get("plotly_chart")


def test_empty_database_shows_a_plain_message(db_path, monkeypatch):
    monkeypatch.setenv("CORNERSTONE_DB", str(db_path))
    at = open_page(ADMIN, "team_trends")
    assert any("No conversations" in i.value for i in at.info)


@pytest.mark.parametrize(
    ("page", "viewer"),
    [
        ("coaching", ALPHA_MANAGER),
        ("my_feedback", Viewer("ben", "agent", agent_id="a2")),
        ("my_feedback", ADMIN),
        ("calibration", Viewer("lead", "qa_lead")),
        ("rubrics", Viewer("ben", "agent", agent_id="a2")),
    ],
)
def test_every_page_copes_with_an_empty_database(db_path, monkeypatch, page, viewer):
    monkeypatch.setenv("CORNERSTONE_DB", str(db_path))
    at = open_page(viewer, page)  # fails on any exception
    assert not at.error


def test_per_criterion_trend_for_an_agent_and_a_team(small_db):
    at = open_page(ALPHA_MANAGER, "team_trends")
    at.selectbox(key="trends_agent").select("a2").run()  # Ben
    at.multiselect(key="trends_criteria").set_value(["Empathy · Apology"]).run()
    assert not at.exception
    spec = next(s for s in _specs(at) if s["layout"]["title"]["text"].startswith("Pass rate per"))
    (trace,) = spec["data"]
    assert trace["name"] == "Empathy · Apology"
    # Ben's apology, auto-score: passed in week 1 (c3, c4), failed on 30-31 March (c6, c7),
    # passed on 14-15 April (c8, c9).
    assert [x[:10] for x in trace["x"]] == ["2026-03-02", "2026-03-30", "2026-04-13"]
    assert list(_values(trace["y"])) == [100.0, 0.0, 100.0]
    at.selectbox(key="trends_agent").select("All").run()  # the team: Ann's c1, c2, c5 join in
    spec = next(s for s in _specs(at) if s["layout"]["title"]["text"].startswith("Pass rate per"))
    assert {t["name"] for t in spec["data"]} == {"Empathy · Apology"}
