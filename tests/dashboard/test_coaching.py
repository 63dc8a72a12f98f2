"""Coaching page (AppTest): create a session from reviewed conversations, see before/after."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from tests.e2_fixtures import build_small_warehouse, open_page
from warehouse.access.viewer import Viewer
from warehouse.review import coaching
from warehouse.storage.connection import connect

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
    assert at.multiselect(key="coaching_focus_a2_reviewed").value == ["empathy.apology"]
    assert (
        at.multiselect(key="coaching_focus_a2_reviewed").format_func("empathy.apology")
        == "Empathy · Apology"
    )
    sources.select("c4")
    at.text_area(key="coaching_notes").input("Say sorry when the parcel is late")
    at.text_area(key="coaching_goals").input("Apologise in every late-order conversation")
    at.button(key="FormSubmitter:coaching_new_form-Save coaching session").click().run()
    assert not at.exception
    assert any("saved for Ben" in s.value for s in at.success)
    # Listed at once, in the same browser session, without waiting for a cache to expire.
    listing = next(f.value for f in at.dataframe if "Focus" in f.value.columns)
    assert list(listing["Agent"]) == ["Ben"]
    assert list(listing["Focus"]) == ["Empathy · Apology"]
    with connect(small_db) as con:
        rows = con.execute(
            "SELECT s.agent_id, s.coach_id, s.notes, f.rubric_id || '.' || f.criterion_id,"
            " o.conversation_id FROM coaching_sessions AS s JOIN coaching_focus AS f USING"
            " (coaching_session_id) JOIN coaching_sources AS o USING (coaching_session_id)"
        ).fetchall()
    assert ("a2", "mona", "Say sorry when the parcel is late", "empathy.apology", "c4") in rows


def test_session_without_focus_is_refused_with_a_message(small_db):
    at = open_page(ALPHA_MANAGER, "coaching")
    at.multiselect(key="coaching_focus_a1_reviewed").set_value([])
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
    at.run()
    table = next(t.value for t in at.table if "Conversations before" in t.value.columns)
    row = table.reset_index().iloc[0]
    assert (row["Focus criterion"], row["Before"], row["After"]) == (
        "Empathy · Apology",
        "0.0",
        "100.0",
    )
    # Two conversations each side, all 0 then all 100: no spread, so the interval is the change.
    assert (row["Conversations before"], row["Conversations after"]) == (2, 2)
    assert (row["Change (points)"], row["95% interval"]) == ("100.0", "100.0 to 100.0")
    assert any("Small sample" in w.value for w in at.warning)
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert "Focus criteria before and after coaching" in titles
    # The agent filter changes the listing: Ann has no sessions.
    at.selectbox(key="coaching_agent_filter").select("a1").run()
    assert any("No coaching sessions" in i.value for i in at.info)


def test_the_reviewed_only_toggle_changes_the_fails_most_table(small_db):
    at = open_page(ALPHA_MANAGER, "coaching")
    at.selectbox(key="coaching_new_agent").select("a2").run()
    reviewed = next(f.value for f in at.dataframe if "Fail rate" in f.value.columns)
    at.toggle(key="coaching_reviewed_only").set_value(False).run()
    assert not at.exception
    everything = next(f.value for f in at.dataframe if "Fail rate" in f.value.columns)
    # Reviewed only: Ben's one reviewed conversation (c4). All: his six scored ones.
    assert set(reviewed["Conversations"]) == {1}
    assert set(everything["Conversations"]) == {6}
    apology = everything.set_index("Criterion").loc["Empathy · Apology"]
    assert (apology["Failed"], apology["Fail rate"]) == (3, "50%")  # c4 (review), c6, c7


def test_conversations_without_a_date_or_score_do_not_break_the_page(small_db):
    with connect(small_db) as con:
        con.execute(
            "INSERT INTO conversations (conversation_id, source_format, channel, created_at,"
            " agent_id, agent_name, team, tags, message_count, content_hash, import_id, imported_at)"
            " VALUES ('undated', 'canonical_jsonl', 'chat', NULL, 'a2', 'Ben', 'Alpha', [], 0,"
            " 'h', 1, now()::TIMESTAMP)"
        )
        con.execute(
            "INSERT INTO conversation_scores (conversation_id, rubric_set_hash, content_hash,"
            " quality_score, critical_failed, scored_at) VALUES ('undated', 'rs1', 'h', NULL,"
            " false, now()::TIMESTAMP)"
        )
    at = open_page(ALPHA_MANAGER, "coaching")
    at.selectbox(key="coaching_new_agent").select("a2").run()
    at.toggle(key="coaching_reviewed_only").set_value(False).run()
    assert not at.exception
    options = at.multiselect(key="coaching_sources_a2").options
    undated = next(o for o in options if o.startswith("undated"))
    assert undated == "undated · — · quality — (Auto-score) · failed: —"
