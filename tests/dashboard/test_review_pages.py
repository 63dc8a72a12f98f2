"""Review queue and review conversation pages, driven through the entrypoint with AppTest."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.fixtures import build_small_warehouse
from warehouse.access.viewer import Viewer
from warehouse.review import review_queue, reviews
from warehouse.storage.connection import connect

ENTRYPOINT = str(Path(__file__).resolve().parents[2] / "dashboard" / "streamlit_app.py")
QUEUE = "app_pages/review_queue.py"
REVIEW = "app_pages/review_conversation.py"
RITA = Viewer("rita", "reviewer")
LEAD = Viewer("lee", "qa_lead")
ANN = Viewer("ann", "agent", agent_id="agent_ann")
BILLING_MANAGER = Viewer("meg", "manager", teams=("Billing",))


@pytest.fixture
def db(db_path, monkeypatch):
    build_small_warehouse(db_path)
    monkeypatch.setenv("CORNERSTONE_DB", str(db_path))
    with connect(db_path) as con:  # rita's queue: 8 conversations
        review_queue.assign(con, LEAD, [f"conv-{i:03d}" for i in range(8)], "rita")
        review_queue.assign(con, LEAD, [f"conv-{i:03d}" for i in range(12, 16)], "sam")
    return db_path


def page(viewer: Viewer, target: str, conversation: str | None = None) -> AppTest:
    at = AppTest.from_file(ENTRYPOINT, default_timeout=60)
    at.session_state["viewer"] = viewer
    at.run()
    if conversation:
        at.query_params["conversation"] = conversation
    at.switch_page(target)
    at.run()
    assert not at.exception, at.exception
    return at


def field(conversation_id: str, name: str) -> str:
    return f"review::{conversation_id}::{name}"


def value(conversation_id: str, rubric_id: str, criterion_id: str) -> str:
    return field(conversation_id, f"value:{rubric_id}:{criterion_id}")


def reason(conversation_id: str, rubric_id: str, criterion_id: str) -> str:
    return field(conversation_id, f"reason:{rubric_id}:{criterion_id}")


def table(at: AppTest, key: str):
    found = [d for d in at.dataframe if getattr(d, "key", None) == key]
    return found[0].value if found else None


def queue_ids(at: AppTest) -> list[str]:
    frame = table(at, "queue_table")
    return [] if frame is None else frame["conversation_id"].tolist()


def rows(db, sql, params=()):
    with connect(db) as con:
        return con.execute(sql, list(params)).fetchall()


def test_queue_shows_only_the_reviewers_own_open_assignments(db):
    at = page(RITA, QUEUE)
    assert sorted(queue_ids(at)) == [f"conv-{i:03d}" for i in range(8)]
    assert at.metric[0].value == "8"


def test_queue_filters_change_the_result(db):
    at = page(LEAD, QUEUE)
    assert len(queue_ids(at)) == 12
    at.multiselect(key="queue_teams").set_value(["Tech"]).run()
    assert sorted(queue_ids(at)) == [f"conv-{i:03d}" for i in range(12, 16)]
    at.multiselect(key="queue_teams").set_value([]).run()
    at.selectbox(key="queue_reviewer").set_value("rita").run()
    at.multiselect(key="queue_channels").set_value(["chat"]).run()
    assert sorted(queue_ids(at)) == ["conv-000", "conv-003", "conv-006"]
    at.slider(key="queue_band").set_value((60, 100)).run()
    with connect(db) as con:
        expected = {
            r[0]
            for r in con.execute(
                "SELECT conversation_id FROM conversation_scores WHERE quality_score >= 60"
                " AND conversation_id IN ('conv-000', 'conv-003', 'conv-006')"
            ).fetchall()
        }
    assert set(queue_ids(at)) == expected and len(expected) < 3
    at.date_input(key="queue_dates").set_value((date(2026, 3, 2), date(2026, 3, 4))).run()
    assert not at.exception


def test_lead_builds_a_queue_from_sampling_rules(db):
    from tests.e2_fixtures import add_reviewer_accounts  # builds take reviewer accounts only

    with connect(db) as con:
        add_reviewer_accounts(con, ["rita", "sam"])
    at = page(LEAD, QUEUE)
    at.multiselect(key="queue_rules").set_value(["low_csat_nps"])
    at.multiselect(key="queue_reviewer_accounts").set_value(["rita", "sam"])
    at.number_input(key="queue_limit").set_value(4)
    at.button(key="queue_build").click().run()
    assert not at.exception and "Assigned 4" in at.success[0].value
    assigned = rows(
        db, "SELECT reviewer_id, rule FROM review_assignments WHERE rule = 'low_csat_nps'"
    )
    assert sorted(r[0] for r in assigned) == ["rita", "rita", "sam", "sam"]


def test_build_queue_without_reviewers_says_so(db):
    at = page(LEAD, QUEUE)
    at.button(key="queue_build").click().run()
    assert "choose at least one reviewer" in at.error[0].value


def test_open_from_queue_switches_to_the_review_page(db):
    at = page(RITA, QUEUE)
    at.selectbox(key="queue_pick").set_value("conv-003")
    at.button(key="queue_open").click().run()
    assert not at.exception
    assert (
        at.query_params["conversation"] == "conv-003"
        or at.session_state["review_conversation_id"] == "conv-003"
    )
    assert at.title[0].value == "Review conversation"


def test_review_page_renders_transcript_with_evidence_and_prefilled_form(db):
    at = page(RITA, REVIEW, "conv-001")
    transcript = "".join(h.proto.body for h in at.get("html"))
    assert (
        '<mark class="cq-ev-for" title="Evidence for the agent: Acknowledges the customer&#x27;s feelings">'
        '<span class="cq-ev-tag">✓</span>I&#x27;m sorry to hear that</mark>' in transcript
    )
    assert "Internal note" in transcript and "min later" in transcript
    assert "Thanks &lt;b&gt;so&lt;/b&gt; much!" in transcript  # customer HTML shown as text
    assert at.radio(key=value("conv-001", "empathy", "tone")).value == "2"
    assert at.radio(key=value("conv-001", "empathy", "acknowledges_feelings")).value == "Yes"


def test_submitting_a_review_with_override_and_comments_writes_rows(db):
    at = page(RITA, REVIEW, "conv-001")
    at.radio(key=value("conv-001", "empathy", "tone")).set_value("5")
    at.text_input(key=reason("conv-001", "empathy", "tone")).set_value("Warm and personal")
    at.selectbox(key=field("conv-001", "comment_message")).set_value(1)
    at.text_area(key=field("conv-001", "comment_text")).set_value("Great apology")
    at.text_area(key=field("conv-001", "overall")).set_value("Well handled")
    at.button(key="review_submit::conv-001").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "saved" in at.success[0].value
    assert rows(db, "SELECT reviewer_id, version, overall_comment FROM reviews") == [
        ("rita", 1, "Well handled")
    ]
    assert rows(
        db,
        "SELECT value, overridden, override_reason FROM review_criteria WHERE criterion_id = 'tone'",
    ) == [(5.0, True, "Warm and personal")]
    assert rows(db, "SELECT message_index, body FROM comments ORDER BY comment_id") == [
        (None, "Well handled"), (1, "Great apology"),
    ]  # fmt: skip
    assert rows(db, "SELECT status FROM review_assignments WHERE conversation_id = 'conv-001'") == [
        ("done",)
    ]
    assert (
        at.radio(key=value("conv-001", "empathy", "tone")).value == "5"
    )  # the saved review is shown


def test_override_without_reason_is_refused_with_a_clear_message(db):
    at = page(RITA, REVIEW, "conv-001")
    at.radio(key=value("conv-001", "empathy", "tone")).set_value("4")
    at.button(key="review_submit::conv-001").click().run()
    assert "give a reason for the override" in at.error[0].value
    assert rows(db, "SELECT count(*) FROM reviews") == [(0,)]


def test_comment_of_100k_characters_is_refused_with_the_limit(db):
    at = page(RITA, REVIEW, "conv-001")
    at.text_area(key=field("conv-001", "overall")).set_value("a" * 100_000)
    at.button(key="review_submit::conv-001").click().run()
    assert "100,000 characters" in at.error[0].value and "10,000" in at.error[0].value
    assert rows(db, "SELECT count(*) FROM reviews") == [(0,)]


def test_script_in_a_comment_is_stored_and_shown_as_text(db):
    script = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    at = page(RITA, REVIEW, "conv-001")
    at.selectbox(key=field("conv-001", "comment_message")).set_value(0)
    at.text_area(key=field("conv-001", "comment_text")).set_value(script)
    at.button(key="review_submit::conv-001").click().run()
    assert rows(db, "SELECT body FROM comments") == [(script,)]
    transcript = "".join(h.proto.body for h in at.get("html"))
    assert "<script>" not in transcript and "<img" not in transcript
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in transcript


def test_submit_and_next_opens_the_next_conversation_in_the_queue(db):
    at = page(RITA, REVIEW, "conv-001")
    at.button(key="review_submit_next::conv-001").click().run()
    assert not at.exception
    following = at.query_params["conversation"]
    assert following != "conv-001" and following.startswith("conv-00")
    assert at.radio(key=value(following, "empathy", "tone")).value is not None


def test_agent_cannot_reach_the_review_pages_even_by_url(db):
    at = AppTest.from_file(ENTRYPOINT, default_timeout=60)
    at.session_state["viewer"] = ANN
    at.run()
    for target in (REVIEW, QUEUE):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(target)
    assert "Review conversation" not in [t.value for t in at.title]


def test_manager_resolves_a_dispute_on_the_review_page(db):
    with connect(db) as con:
        review_id = reviews.submit_review(
            con, RITA, "conv-001", [reviews.CriterionAnswer("empathy", "tone", 1.0, reason="curt")]
        )
        dispute_id = reviews.open_dispute(
            con, ANN, review_id, "empathy", "tone", "I was polite <b>really</b>"
        )
    at = page(BILLING_MANAGER, REVIEW, "conv-001")
    assert any("I was polite <b>really</b>" == t.value for t in at.text)
    at.radio(key=f"dispute_outcome_{dispute_id}").set_value("changed")
    at.radio(key=f"dispute_value_{dispute_id}").set_value("4")
    at.text_area(key=f"dispute_comment_{dispute_id}").set_value("Agreed, tone was fine")
    at.button(key=f"dispute_resolve_{dispute_id}").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert rows(db, "SELECT status, resolved_by FROM disputes") == [("changed", "meg")]
    assert rows(db, "SELECT count(*) FROM reviews") == [(2,)]


def test_unknown_conversation_id_shows_a_message_not_a_traceback(db):
    at = page(RITA, REVIEW, "no-such-id<script>")
    assert not at.exception and "does not exist" in at.error[0].value


def test_disputes_tab_lists_open_disputes(db):
    with connect(db) as con:
        review_id = reviews.submit_review(con, RITA, "conv-001", [])
        reviews.open_dispute(con, ANN, review_id, "empathy", "tone", "please check")
    at = page(RITA, QUEUE)
    table_ = next(
        d.value for d in at.dataframe if "dispute_id" in d.value.columns
    )  # no key without selection
    assert table_["conversation_id"].tolist() == ["conv-001"] and table_["status"].tolist() == [
        "open"
    ]


def test_lead_picks_reviewer_accounts_to_build_a_queue(db_path, monkeypatch):
    build_small_warehouse(db_path, per_agent=2, with_users=True)
    monkeypatch.setenv("CORNERSTONE_DB", str(db_path))
    at = page(LEAD, QUEUE)
    assert at.multiselect(key="queue_reviewer_accounts").options == [
        "rita (reviewer)",
        "sam (reviewer)",
        "lee (qa_lead)",
    ]
    at.multiselect(key="queue_reviewer_accounts").set_value(["rita", "sam"])
    at.multiselect(key="queue_rules").set_value(["not_yet_reviewed"])
    at.button(key="queue_build").click().run()
    assert not at.exception and "Assigned 8 of 8" in at.success[0].value
    assert rows(db_path, "SELECT reviewer_id, count(*) FROM review_assignments GROUP BY 1 ORDER BY 1") == [
        ("rita", 4), ("sam", 4),
    ]  # fmt: skip


def test_queue_pages_through_the_history_with_a_total(db, monkeypatch):
    from dashboard.loaders import reviews as loaders

    monkeypatch.setattr(loaders, "QUEUE_PAGE_SIZE", 5)
    at = page(LEAD, QUEUE)
    first = queue_ids(at)
    assert len(first) == 5 and at.metric[0].value == "12"  # 12 assignments, 5 shown
    at.number_input(key="queue_page").set_value(2).run()
    second = queue_ids(at)
    at.number_input(key="queue_page").set_value(3).run()
    third = queue_ids(at)
    assert not at.exception and len(second) == 5 and len(third) == 2
    everyone = [f"conv-{i:03d}" for i in (*range(8), *range(12, 16))]
    assert sorted(first + second + third) == everyone  # pages are disjoint and cover the queue
    at.number_input(key="queue_page").set_value(3).run()
    at.multiselect(key="queue_teams").set_value(["Tech"]).run()  # 4 rows: one page, from the top
    assert sorted(queue_ids(at)) == [f"conv-{i:03d}" for i in range(12, 16)]
    assert not at.exception and not [w for w in at.number_input if w.key == "queue_page"]


def stored_review(db, conversation_id: str, reviewer_id: str = "rita"):
    """(overall comment, {criterion: (value, na, override reason)}) of the current review."""
    found = rows(
        db,
        "SELECT review_id, overall_comment FROM current_reviews WHERE conversation_id = ? AND reviewer_id = ?",
        [conversation_id, reviewer_id],
    )
    assert len(found) == 1, found
    criteria = rows(
        db,
        "SELECT rubric_id || '.' || criterion_id, value, na, override_reason FROM review_criteria"
        " WHERE review_id = ?",
        [found[0][0]],
    )
    return found[0][1], {c[0]: c[1:] for c in criteria}


def open_in_sidebar(at: AppTest, conversation_id: str) -> None:
    at.text_input(key="review_goto").set_value(conversation_id)
    at.button(key="review_goto_open").click().run()
    assert not at.exception, at.exception


def test_unsubmitted_edits_of_one_conversation_never_reach_another(db):
    """Issue 18 finding 1: edit A, open B from the sidebar, comment, submit B: B is stored as
    shown, A's edit stays A's draft and is submitted with A."""
    at = page(RITA, REVIEW, "conv-001")
    at.radio(key=value("conv-001", "empathy", "tone")).set_value("4").run()
    at.text_input(key=reason("conv-001", "empathy", "tone")).set_value("X").run()
    open_in_sidebar(at, "conv-002")
    assert "unsubmitted changes to conv-001" in at.success[0].value
    shown_tone = at.radio(key=value("conv-002", "empathy", "tone")).value
    at.text_area(key=field("conv-002", "overall")).set_value("Comment for B").run()
    at.button(key="review_submit::conv-002").click().run()
    assert not at.error, [e.value for e in at.error]
    comment, criteria = stored_review(db, "conv-002")
    assert comment == "Comment for B"
    assert criteria["empathy.tone"][0] == float(shown_tone) and criteria["empathy.tone"][2] is None
    open_in_sidebar(at, "conv-001")  # A's draft comes back
    assert at.radio(key=value("conv-001", "empathy", "tone")).value == "4"
    assert at.text_input(key=reason("conv-001", "empathy", "tone")).value == "X"
    at.button(key="review_submit::conv-001").click().run()
    assert not at.error, [e.value for e in at.error]
    comment, criteria = stored_review(db, "conv-001")
    assert comment is None and criteria["empathy.tone"] == (4.0, False, "X")
    assert rows(db, "SELECT count(*) FROM review_drafts") == [(0,)]


def test_a_submit_for_a_conversation_no_longer_on_screen_is_refused(db):
    at = page(RITA, REVIEW, "conv-001")
    at.text_area(key=field("conv-001", "overall")).set_value("Meant for conv-001").run()
    at.query_params["conversation"] = "conv-002"  # another conversation opened meanwhile
    at.button(key="review_submit::conv-001").click().run()
    assert not at.exception
    assert "belongs to conversation conv-001" in at.error[0].value
    assert rows(db, "SELECT count(*) FROM reviews") == [(0,)]
    assert rows(db, "SELECT fields LIKE '%Meant for conv-001%' FROM review_drafts") == [(True,)]


def test_draft_survives_navigation_and_a_new_session_and_next_says_it_is_kept(db):
    at = page(RITA, REVIEW, "conv-001")
    at.radio(key=value("conv-001", "empathy", "tone")).set_value("5").run()
    at.text_area(key=field("conv-001", "overall")).set_value("Half-written").run()
    at.button(key="review_next").click().run()
    assert not at.exception and at.query_params["conversation"] != "conv-001"
    assert "unsubmitted changes to conv-001 are saved as a draft" in at.success[0].value
    again = page(RITA, REVIEW, "conv-001")  # a reload is a new session
    assert again.radio(key=value("conv-001", "empathy", "tone")).value == "5"
    assert again.text_area(key=field("conv-001", "overall")).value == "Half-written"
    assert "Draft: 2 unsubmitted change(s), saved" in again.info[0].value
    again.button(key="review_discard::conv-001").click().run()
    assert again.radio(key=value("conv-001", "empathy", "tone")).value == "2"  # the auto-score
    assert rows(db, "SELECT count(*) FROM review_drafts") == [(0,)]


def test_rescore_while_reviewing_refuses_the_stale_form_and_keeps_the_comment(db):
    """Issue 18 finding 2: the auto-score changes under the form; the submit says so truthfully,
    keeps the reviewer's comment, and the next submit stores it with the new auto-score."""
    at = page(RITA, REVIEW, "conv-001")
    at.text_area(key=field("conv-001", "overall")).set_value("Keep me").run()
    with connect(db) as con:  # what a re-score with another rubric set does to this conversation
        con.execute(
            "UPDATE criterion_scores SET value = 4 WHERE conversation_id = 'conv-001' AND criterion_id = 'tone'"
        )
    at.button(key="review_submit::conv-001").click().run()
    assert "auto-score of this conversation changed" in at.error[0].value
    assert rows(db, "SELECT count(*) FROM reviews") == [(0,)]
    assert at.text_area(key=field("conv-001", "overall")).value == "Keep me"
    assert at.radio(key=value("conv-001", "empathy", "tone")).value == "4"  # untouched: follows
    at.button(key="review_submit::conv-001").click().run()
    assert not at.error, [e.value for e in at.error]
    comment, criteria = stored_review(db, "conv-001")
    assert comment == "Keep me" and criteria["empathy.tone"] == (4.0, False, None)


def test_a_reviewers_change_is_never_overwritten_by_a_refresh(db):
    at = page(RITA, REVIEW, "conv-001")
    at.radio(key=value("conv-001", "empathy", "tone")).set_value("3").run()
    with connect(db) as con:
        con.execute(
            "UPDATE criterion_scores SET value = 5 WHERE conversation_id = 'conv-001' AND criterion_id = 'tone'"
        )
    from dashboard.loaders import reviews as loaders

    loaders.refresh()
    at.run()
    assert at.radio(key=value("conv-001", "empathy", "tone")).value == "3"


def test_header_names_the_failed_critical_criterion_and_labels_are_for_people(db):
    with connect(db) as con:
        failed = con.execute(
            "SELECT conversation_id FROM criterion_scores WHERE critical AND failed LIMIT 1"
        ).fetchall()
    assert failed, "the fixture has a failed critical criterion"
    at = page(RITA, REVIEW, failed[0][0])
    assert (
        "Critical criterion failed, so the quality score is 0: No false promises (auto-score)"
        in at.error[0].value
    )
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Auto-score: **") for c in captions)  # explanation beside the answer


CRITERIA = [
    ("empathy", "acknowledges_feelings", "Yes"),
    ("empathy", "tone", "3"),
    ("resolution", "confirmed_resolved", "No"),
    ("resolution", "no_false_promise", "Yes"),
]


@pytest.fixture
def calibration_db(db):
    from tests.e2_fixtures import add_reviewer_accounts
    from warehouse.review import calibration

    with connect(db) as con:
        add_reviewer_accounts(con, ["rita", "sam"])
        session_id = calibration.create_session(
            con,
            LEAD,
            title="March round",
            conversation_ids=["conv-010"],
            reviewer_ids=["rita", "sam"],
        )
        sam_review = reviews.submit_review(
            con,
            Viewer("sam", "reviewer"),
            "conv-010",
            [reviews.CriterionAnswer("empathy", "tone", 1.0, reason="sam thinks it was curt")],
            "Sam's secret view",
        )
    return db, session_id, sam_review


def test_a_calibration_review_from_the_review_page_is_blind_and_recorded_for_its_session(
    calibration_db,
):
    db, session_id, sam_review = calibration_db
    assert rows(
        db, "SELECT calibration_session_id FROM reviews WHERE review_id = ?", [sam_review]
    ) == [(session_id,)]  # submitted without naming the session: still recorded against it
    at = page(RITA, REVIEW, "conv-010")
    shown = " ".join(
        [e.value for e in at.info]
        + [str(m.value) for m in at.metric]
        + [c.value for c in at.caption]
        + [h.proto.body for h in at.get("html")]
    )
    assert "Calibration session “March round”" in at.info[0].value
    assert "sam" not in shown.lower() and "secret" not in shown.lower()
    assert "Auto-score:" not in shown  # the session hides the auto-score (the default)
    assert "<mark" not in shown  # and the auto-scorer's evidence
    assert at.radio(key=value("conv-010", "empathy", "tone")).value is None  # not pre-answered
    at.button(key="review_submit::conv-010").click().run()
    assert "choose a value or mark it N/A" in at.error[0].value
    for rubric_id, criterion_id, choice in CRITERIA:
        at.radio(key=value("conv-010", rubric_id, criterion_id)).set_value(choice).run()
    at.button(key="review_submit::conv-010").click().run()
    assert not at.error, [e.value for e in at.error]
    assert rows(
        db,
        "SELECT calibration_session_id FROM current_reviews WHERE conversation_id = 'conv-010'"
        " AND reviewer_id = 'rita'",
    ) == [(session_id,)]
    assert rows(
        db,
        "SELECT reviewer_id, status FROM review_assignments WHERE calibration_session_id = ? ORDER BY 1",
        [session_id],
    ) == [("rita", "done"), ("sam", "done")]
    assert not [i for i in at.info if "Calibration session" in i.value]  # no longer blind


def test_a_session_that_shows_the_auto_score_prefills_it_but_still_hides_other_reviewers(
    calibration_db,
):
    db, session_id, _ = calibration_db
    with connect(db) as con:
        con.execute(
            "UPDATE calibration_sessions SET show_auto_score = true WHERE calibration_session_id = ?",
            [session_id],
        )
    at = page(RITA, REVIEW, "conv-010")
    assert at.radio(key=value("conv-010", "empathy", "tone")).value is not None
    assert any(c.value.startswith("Auto-score: **") for c in at.caption)
    assert "Sam's secret view" not in " ".join(t.value for t in at.text)
