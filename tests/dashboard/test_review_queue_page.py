"""Review queue page (AppTest): reviewers only from accounts, reassigning open work, audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.e2_fixtures import add_reviewer_accounts, open_page
from tests.fixtures import build_small_warehouse
from warehouse.access import permissions
from warehouse.access.viewer import Viewer
from warehouse.review import review_queue
from warehouse.storage.connection import connect

LEAD = Viewer("lee", "qa_lead")


@pytest.fixture
def db(db_path, monkeypatch):
    build_small_warehouse(db_path)
    monkeypatch.setenv("CORNERSTONE_DB", str(db_path))
    with connect(db_path) as con:
        add_reviewer_accounts(con, ["kofi.okafor", "rita"])
        add_reviewer_accounts(con, ["lee"], role="qa_lead")
    return db_path


def test_the_queue_builder_offers_accounts_only_and_audits_the_build(db):
    at = open_page(LEAD, "review_queue")
    assert not [t for t in at.text_input if "reviewer" in t.label.lower()]  # no free-text logins
    reviewers = at.multiselect(key="queue_reviewer_accounts")
    assert set(reviewers.options) == {"Kofi.Okafor (reviewer)", "Rita (reviewer)", "Lee (qa_lead)"}
    reviewers.set_value(["kofi.okafor", "rita"])
    at.number_input(key="queue_limit").set_value(6)
    at.button(key="queue_build").click().run()
    assert not at.exception
    assert any("Assigned 6 of 6" in s.value for s in at.success)
    with connect(db) as con:
        assigned = con.execute(
            "SELECT reviewer_id, count(*) FROM review_assignments GROUP BY 1 ORDER BY 1"
        ).fetchall()
        audited = con.execute("SELECT actor FROM audit_log WHERE action = 'queue.build'").fetchall()
    assert assigned == [("kofi.okafor", 3), ("rita", 3)]
    assert audited == [("lee",)]


def test_a_lead_reassigns_open_work_from_the_page(db):
    with connect(db) as con:
        review_queue.assign(con, LEAD, ["conv-001", "conv-002"], "rita")
        ids = dict(
            con.execute("SELECT conversation_id, assignment_id FROM review_assignments").fetchall()
        )
    at = open_page(LEAD, "review_queue")
    at.multiselect(key="queue_reassign_ids").set_value([ids["conv-001"]])
    at.selectbox(key="queue_reassign_to").select("kofi.okafor")
    at.button(key="FormSubmitter:queue_reassign_form-Reassign").click().run()
    assert not at.exception
    assert any("Reassigned 1 conversation(s) to Kofi.Okafor" in s.value for s in at.success)
    with connect(db) as con:
        rows = con.execute(
            "SELECT conversation_id, reviewer_id, status FROM review_assignments ORDER BY ALL"
        ).fetchall()
        audited = con.execute(
            "SELECT target, details->>'to' FROM audit_log WHERE action = 'queue.reassign'"
        ).fetchall()
    assert ("conv-001", "kofi.okafor", "open") in rows and ("conv-001", "rita", "released") in rows
    assert audited == [("conv-001", "kofi.okafor")]


@pytest.mark.parametrize(
    ("viewer", "tabs"),
    [
        (LEAD, ["Queue", "Build queue", "Disputes"]),
        (Viewer("root", "admin"), ["Queue", "Build queue", "Disputes"]),
        (Viewer("mia", "manager", teams=("Alpha",)), ["Queue", "Disputes"]),
        (Viewer("rita", "reviewer"), ["Queue", "Disputes"]),
    ],
    ids=["qa_lead", "admin", "manager", "reviewer"],
)
def test_the_build_queue_tab_shows_only_to_roles_that_may_assign(db, viewer, tabs):
    """The tab follows the "queue.assign" permission: no empty tab for anyone else."""
    at = open_page(viewer, "review_queue")
    assert [t.label for t in at.tabs] == tabs
    assert bool([b for b in at.button if b.key == "queue_build"]) == ("Build queue" in tabs)
    assert permissions.allowed(viewer, "queue.assign") == ("Build queue" in tabs)


def test_a_lead_sets_a_due_date_and_the_reviewer_sees_it_with_overdue_work_marked(db):
    soon = date.today() + timedelta(days=2)
    at = open_page(LEAD, "review_queue")
    at.multiselect(key="queue_reviewer_accounts").set_value(["rita"])
    at.number_input(key="queue_limit").set_value(3)
    at.date_input(key="queue_due_date").set_value(soon)
    at.button(key="queue_build").click().run()
    assert not at.exception
    assert any(f"Due {soon:%d %b %Y}" in s.value for s in at.success)
    with connect(db) as con:
        stored = con.execute("SELECT due_date FROM review_assignments").fetchall()
        assert stored == [(soon,)] * 3
        con.execute(  # time passes for one of them (the page accepts no past date)
            "UPDATE review_assignments SET due_date = current_date - 1 WHERE assignment_id ="
            " (SELECT min(assignment_id) FROM review_assignments)"
        )
    rita = Viewer("rita", "reviewer")
    queue = open_page(rita, "review_queue")
    due = next(f.value for f in queue.dataframe if "due_date" in f.value.columns)["due_date"]
    yesterday = date.today() - timedelta(days=1)
    assert sorted(due) == sorted([f"{yesterday:%d %b %Y} · overdue", *[f"{soon:%d %b %Y}"] * 2])
    home = open_page(rita, "overview")
    metrics = {m.label: m.value for m in home.metric}
    assert metrics["Overdue"] == "1" and metrics["Due in the next 7 days"] == "2"
    assert any("past their due date" in w.value for w in home.warning)
    table = next(f.value for f in home.dataframe if "Due" in f.value.columns)
    assert table["Due"].iloc[0] == f"{yesterday:%d %b %Y} · overdue"  # soonest due first
