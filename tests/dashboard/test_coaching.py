"""Coaching page (AppTest): create a session from reviewed conversations, see before/after."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from tests.e2_fixtures import build_small_warehouse, open_page
from warehouse import coaching
from warehouse.connection import connect
from warehouse.viewer import Viewer

ALPHA_MANAGER = Viewer("mona", "manager", teams=("Alpha",))


@pytest.fixture
def small_db(db_path, monkeypatch):
    build_small_warehouse(db_path)
    monkeypatch.setenv("CORNERSTONE_DB", str(db_path))
    return db_path


def test_manager_creates_a_session_from_a_reviewed_conversation(small_db):
    at = open_page(ALPHA_MANAGER, "coaching")
    assert at.selectbox(key="coaching_new_agent").options == ["Ann (Alpha)", "Ben (Alpha)"]
    at.selectbox(key="coaching_new_agent").select("a2").run()
    sources = at.multiselect(key="coaching_sources_a2")
    assert [o.split(" · ")[0] for o in sources.options] == ["c4"]  # Ben's only reviewed one
    # The suggested focus is what Ben fails most: the apology.
    assert at.multiselect(key="coaching_focus_a2").value == ["empathy.apology"]
    sources.select("c4")
    at.text_area(key="coaching_notes").input("Say sorry when the parcel is late")
    at.text_area(key="coaching_goals").input("Apologise in every late-order conversation")
    at.button(key="FormSubmitter:coaching_new_form-Save coaching session").click().run()
    assert not at.exception
    assert any("saved for Ben" in s.value for s in at.success)
    with connect(small_db) as con:
        rows = con.execute(
            "SELECT s.agent_id, s.coach_id, s.notes, f.rubric_id || '.' || f.criterion_id,"
            " o.conversation_id FROM coaching_sessions AS s JOIN coaching_focus AS f USING"
            " (coaching_session_id) JOIN coaching_sources AS o USING (coaching_session_id)"
        ).fetchall()
    assert ("a2", "mona", "Say sorry when the parcel is late", "empathy.apology", "c4") in rows


def test_session_without_focus_is_refused_with_a_message(small_db):
    at = open_page(ALPHA_MANAGER, "coaching")
    at.multiselect(key="coaching_focus_a1").set_value([])
    at.button(key="FormSubmitter:coaching_new_form-Save coaching session").click().run()
    assert any("focus criterion" in e.value for e in at.error)


def test_sessions_tab_shows_before_and_after_on_the_focus_criteria(small_db):
    with connect(small_db) as con:
        coaching.create_session(
            con,
            ALPHA_MANAGER,
            coaching.CoachingRequest(
                agent_id="a2",
                focus_criteria=(("empathy", "apology"),),
                held_at=datetime(2026, 4, 10, 10),
            ),
        )
    at = open_page(ALPHA_MANAGER, "coaching")
    at.slider(key="coaching_window").set_value(28)
    at.toggle(key="charts_show_tables").set_value(True).run()
    table = next(f.value for f in at.dataframe if "before_score" in f.value.columns)
    row = table.iloc[0]
    assert (row["before_score"], row["after_score"], row["change"]) == (0.0, 100.0, 100.0)
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert "Focus criteria before and after coaching" in titles
    # The agent filter changes the listing: Ann has no sessions.
    at.selectbox(key="coaching_agent_filter").select("a1").run()
    assert any("No coaching sessions" in i.value for i in at.info)
