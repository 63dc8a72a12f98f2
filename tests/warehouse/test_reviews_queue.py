"""Review queue: sampling rules run in DuckDB, assignment keeps reviewers off each other's work."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from tests.e2_fixtures import add_reviewer_accounts
from tests.fixtures import build_small_warehouse
from warehouse import queries
from warehouse.access.viewer import Viewer
from warehouse.errors import PermissionDeniedError
from warehouse.review import review_queue, reviews
from warehouse.review.reviews import InvalidReviewError
from warehouse.review.sampling import QueueFilters, SamplingConfigError, Selection, load_sampling
from warehouse.storage.connection import connect

LEAD = Viewer("lee", "qa_lead")
RITA = Viewer("rita", "reviewer")
ANN = Viewer("ann", "agent", agent_id="agent_ann")


@pytest.fixture
def db(db_path):
    build_small_warehouse(db_path)
    with connect(db_path) as con:
        add_reviewer_accounts(con, ["rita", "sam"])
    return db_path


NO_FILTERS = QueueFilters()


def picked(con, rules, combine="any", filters=NO_FILTERS):
    return {
        r["conversation_id"]
        for r in review_queue.candidates(con, LEAD, Selection(rules, combine), filters, 1000)
    }


def expected(con, where):
    sql = (
        "SELECT c.conversation_id FROM conversations c JOIN conversation_scores s USING (conversation_id) WHERE "
        + where
    )
    return {r[0] for r in con.execute(sql).fetchall()}


def test_each_rule_picks_exactly_what_it_says(db):
    with connect(db) as con:
        assert picked(con, ("critical_failures",)) == expected(con, "s.critical_failed")
        assert picked(con, ("negative_sentiment",)) == expected(
            con, "s.customer_sentiment_min <= -0.5"
        )
        assert picked(con, ("low_csat_nps",)) == expected(con, "c.csat <= 2 OR c.nps <= 6")
        assert picked(con, ("long_handle_time",)) == expected(con, "s.handle_seconds >= 86400")
        lowest = sorted(con.execute("SELECT quality_score FROM conversation_scores").fetchall())[4][
            0
        ]
        config = load_sampling()
        config.rules.lowest_auto_score.limit = 5
        five = {
            r["conversation_id"]
            for r in review_queue.candidates(
                con, LEAD, Selection(("lowest_auto_score",), config=config), QueueFilters(), 100
            )
        }
        assert five == expected(con, f"s.quality_score <= {lowest}")


def test_random_rule_takes_n_per_agent_per_week_and_is_repeatable(db):
    with connect(db) as con:
        first = review_queue.candidates(
            con, LEAD, Selection(("random_per_agent_week",), seed=1), QueueFilters(), 1000
        )
        again = review_queue.candidates(
            con, LEAD, Selection(("random_per_agent_week",), seed=1), QueueFilters(), 1000
        )
        weeks = con.execute(
            "SELECT agent_id, date_trunc('week', created_at) AS w, count(*) AS n FROM conversations GROUP BY ALL"
        ).fetchall()
    per_week: dict = {}
    for row in first:
        key = (
            row["agent_id"],
            row["created_at"].date()
            - __import__("datetime").timedelta(days=row["created_at"].weekday()),
        )
        per_week[key] = per_week.get(key, 0) + 1
    assert len(first) == sum(min(2, n) for _, _, n in weeks)
    assert max(per_week.values()) <= 2
    assert [r["conversation_id"] for r in first] == [r["conversation_id"] for r in again]


def test_rules_combine_with_any_and_all(db):
    with connect(db) as con:
        a, b = picked(con, ("negative_sentiment",)), picked(con, ("low_csat_nps",))
        assert picked(con, ("negative_sentiment", "low_csat_nps")) == a | b
        assert picked(con, ("negative_sentiment", "low_csat_nps"), "all") == a & b
        assert a & b and a | b != a & b


def test_filters_narrow_candidates(db):
    with connect(db) as con:
        tech = picked(con, ("not_yet_reviewed",), filters=QueueFilters(teams=("Tech",)))
        chat = picked(con, ("not_yet_reviewed",), filters=QueueFilters(channels=("chat",)))
        band = picked(con, ("not_yet_reviewed",), filters=QueueFilters(score_min=60, score_max=100))
        rubric_band = picked(
            con, ("not_yet_reviewed",), filters=QueueFilters(rubric_id="empathy", score_min=80)
        )
        assert tech == expected(con, "c.team = 'Tech'")
        assert chat == expected(con, "c.channel = 'chat'")
        assert band == expected(con, "s.quality_score BETWEEN 60 AND 100")
        assert rubric_band == {
            r[0]
            for r in con.execute(
                "SELECT conversation_id FROM rubric_scores WHERE rubric_id='empathy' AND score >= 80"
            ).fetchall()
        }


def test_not_yet_reviewed_leaves_out_reviewed_conversations(db):
    with connect(db) as con:
        reviews.submit_review(con, RITA, "conv-001", [])
        assert "conv-001" not in picked(con, ("not_yet_reviewed",))
        assert "conv-001" in picked(con, ("low_csat_nps",))  # other rules alone do not exclude it


def test_build_queue_round_robin_never_gives_one_conversation_to_two_reviewers(db):
    with connect(db) as con:
        first = review_queue.build_queue(
            con, LEAD, Selection(("not_yet_reviewed",)), QueueFilters(), ["rita", "sam"], limit=10
        )
        second = review_queue.build_queue(
            con, LEAD, Selection(("not_yet_reviewed",)), QueueFilters(), ["rita", "sam"], limit=100
        )
        rows = con.execute(
            "SELECT conversation_id, count(*) FROM review_assignments GROUP BY 1 HAVING count(*) > 1"
        ).fetchall()
        total = con.execute("SELECT count(*) FROM review_assignments").fetchall()[0][0]
    assert first.assigned == {"rita": 5, "sam": 5}
    assert second.total == 14 and total == 24 and rows == []


def test_build_queue_by_team(db):
    with connect(db) as con:
        review_queue.build_queue(
            con, LEAD, Selection(("not_yet_reviewed",)), QueueFilters(), ["rita", "sam"], strategy="by_team",
            team_reviewers={"Billing": ["rita"], "Tech": ["sam"]}, limit=100,
        )  # fmt: skip
        rows = set(con.execute(
            "SELECT a.reviewer_id, c.team FROM review_assignments a JOIN conversations c USING (conversation_id)"
        ).fetchall())  # fmt: skip
    assert rows == {("rita", "Billing"), ("sam", "Tech")}


def test_calibration_assigns_the_same_conversation_to_several_reviewers(db):
    with connect(db) as con:
        review_queue.assign(con, LEAD, ["conv-002"], "rita")
        assert (
            review_queue.assign(con, LEAD, ["conv-002"], "sam") == []
        )  # normal queue: already taken
        assert review_queue.assign(con, LEAD, ["conv-002"], "rita", calibration_session_id=7) == [
            "conv-002"
        ]
        assert review_queue.assign(con, LEAD, ["conv-002"], "sam", calibration_session_id=7) == [
            "conv-002"
        ]


def test_submitting_completes_the_assignment_and_queue_lists_next(db):
    with connect(db) as con:
        review_queue.assign(con, LEAD, ["conv-002", "conv-003"], "rita")
        reviews.submit_review(con, RITA, "conv-002", [])
        queue = queries.run(
            con,
            "review_queue",
            viewer=RITA,
            reviewer_id="rita",
            statuses=["open"],
            limit=10,
            offset=0,
            **QueueFilters().params(),
        )
        following = queries.run(
            con,
            "next_assignment",
            viewer=RITA,
            reviewer_id="rita",
            current_conversation_id="conv-002",
        )
    assert [r["conversation_id"] for r in queue] == ["conv-003"]
    assert following == [{"conversation_id": "conv-003"}]


def test_agents_cannot_assign_and_reviewers_only_to_themselves(db):
    with connect(db) as con:
        with pytest.raises(PermissionDeniedError):
            review_queue.assign(con, ANN, ["conv-001"], "ann")
        with pytest.raises(PermissionDeniedError):
            review_queue.assign(con, RITA, ["conv-001"], "sam")
        assert review_queue.assign(con, RITA, ["conv-001"], "rita") == ["conv-001"]


def test_bad_sampling_file_names_file_and_field(tmp_path: Path):
    bad = tmp_path / "sampling.yaml"
    bad.write_text(
        "default_rules: [critical_failures]\nrules:\n  lowest_auto_score: {label: L, limit: -3}\n",
        encoding="utf-8",
    )
    with pytest.raises(SamplingConfigError) as error:
        load_sampling(bad)
    assert str(bad) in str(error.value) and "rules.lowest_auto_score.limit" in str(error.value)


def test_queue_pages_follow_the_queue_order_and_count_every_match(db):
    everyone = [f"conv-{i:03d}" for i in range(12)]
    with connect(db) as con:
        review_queue.assign(con, LEAD, everyone[:7], "rita")
        review_queue.assign(con, LEAD, everyone[7:], "sam")
        whole = review_queue.queue_rows(con, LEAD, None, ["open"], NO_FILTERS, limit=100)
        pages = [
            review_queue.queue_rows(con, LEAD, None, ["open"], NO_FILTERS, limit=5, offset=start)
            for start in (0, 5, 10, 15)
        ]
        team = QueueFilters(channels=("chat",))
        one_team = review_queue.queue_rows(con, LEAD, None, ["open"], team, limit=2)
        team_all = review_queue.queue_rows(con, LEAD, None, ["open"], team, limit=100)
    assert sorted(whole["conversation_id"]) == everyone
    assert [len(p) for p in pages] == [5, 5, 2, 0]
    paged = [cid for p in pages for cid in p["conversation_id"]]
    assert paged == whole["conversation_id"].tolist()  # same order, no row twice or missing
    assert set(whole["total_rows"]) == {12} and all(set(p["total_rows"]) == {12} for p in pages[:3])
    assert len(one_team) == 2 and set(one_team["total_rows"]) == {len(team_all)}  # filtered
    assert 2 < len(team_all) < 12


@pytest.mark.parametrize("combine", ["any", "all"])
def test_scores_only_sampling_picks_what_the_general_query_picks(db, combine):
    """The shortcut for score-only rules (no conversations join until the end) changes no pick."""
    picked = 0
    with connect(db) as con:
        review_queue.assign(con, LEAD, ["conv-001", "conv-004"], "rita")  # queued: never sampled
        reviews.submit_review(con, RITA, "conv-004", [])
        for rules in (
            ("critical_failures", "lowest_auto_score", "not_yet_reviewed"),
            ("negative_sentiment", "long_handle_time"),
            ("not_yet_reviewed",),
            ("lowest_auto_score",),
        ):
            for filters in (NO_FILTERS, QueueFilters(score_min=20, score_max=80)):
                params = {
                    **Selection(rules, combine, config=load_sampling()).params(),
                    **filters.params(),
                }
                general = queries.run(con, "queue_candidates", viewer=LEAD, limit=50, **params)
                shortcut = queries.run(
                    con, "queue_candidates_scores_only", viewer=LEAD, limit=50, **params
                )
                assert shortcut == general, (rules, filters)
                assert not {"conv-001", "conv-004"} & {r["conversation_id"] for r in general}
                picked += len(general)
    assert picked > 20  # the comparisons were not all between empty lists


def test_a_build_for_a_login_without_an_account_assigns_nothing(db):
    with connect(db) as con:
        with pytest.raises(InvalidReviewError, match="kofi.okafr"):
            review_queue.build_queue(
                con, LEAD, Selection(("not_yet_reviewed",)), NO_FILTERS, ["rita", "kofi.okafr"],
                limit=10,
            )  # fmt: skip
        with pytest.raises(InvalidReviewError, match="nobody"):
            review_queue.build_queue(
                con, LEAD, Selection(("not_yet_reviewed",)), NO_FILTERS, ["rita"],
                strategy="by_team", team_reviewers={"Billing": ["nobody"]}, limit=10,
            )  # fmt: skip
        assert con.execute("SELECT count(*) FROM review_assignments").fetchall() == [(0,)]


def test_every_build_is_in_the_audit_log(db):
    with connect(db) as con:
        result = review_queue.build_queue(
            con, LEAD, Selection(("not_yet_reviewed",)), NO_FILTERS, ["rita", "sam"], limit=4
        )
        rows = con.execute(
            "SELECT actor, action, details->>'picked', details->'assigned' FROM audit_log"
            " WHERE action = 'queue.build'"
        ).fetchall()
    assert result.total == 4
    assert len(rows) == 1
    actor, _, picked_count, assigned = rows[0]
    assert actor == "lee" and picked_count == "4"
    assert assigned.replace(" ", "") in ('{"rita":2,"sam":2}', '{"sam":2,"rita":2}')


def test_reassigning_moves_open_work_and_is_audited(db):
    with connect(db) as con:
        review_queue.assign(con, LEAD, ["conv-001", "conv-002"], "rita")
        reviews.submit_review(con, RITA, "conv-002", [])  # done: cannot be moved
        ids = dict(
            con.execute("SELECT conversation_id, assignment_id FROM review_assignments").fetchall()
        )
        result = review_queue.reassign(con, LEAD, [ids["conv-001"], ids["conv-002"]], "sam")
        rows = con.execute(
            "SELECT conversation_id, reviewer_id, status FROM review_assignments ORDER BY ALL"
        ).fetchall()
        audit_rows = con.execute(
            "SELECT target, details->>'from', details->>'to' FROM audit_log"
            " WHERE action = 'queue.reassign'"
        ).fetchall()
    assert result.moved == ["conv-001"]
    assert result.skipped == [f"assignment {ids['conv-002']}"]
    assert rows == [
        ("conv-001", "rita", "released"),
        ("conv-001", "sam", "open"),
        ("conv-002", "rita", "done"),
    ]
    assert audit_rows == [("conv-001", "rita", "sam")]


def test_only_leads_reassign_and_only_to_reviewer_accounts(db):
    with connect(db) as con:
        review_queue.assign(con, LEAD, ["conv-001"], "rita")
        (assignment_id,) = con.execute("SELECT assignment_id FROM review_assignments").fetchone()
        with pytest.raises(PermissionDeniedError):
            review_queue.reassign(con, RITA, [assignment_id], "sam")
        with pytest.raises(InvalidReviewError, match="kofi.okafr"):
            review_queue.reassign(con, LEAD, [assignment_id], "kofi.okafr")
        rows = con.execute("SELECT reviewer_id, status FROM review_assignments").fetchall()
        audited = con.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'queue.reassign'"
        ).fetchall()
    assert rows == [("rita", "open")] and audited == [(0,)]


def test_a_due_date_goes_on_every_assignment_of_a_build_and_stays_when_reassigned(db):
    now = datetime(2026, 3, 10, 9, 0)
    with connect(db) as con:
        result = review_queue.build_queue(
            con, LEAD, Selection(("not_yet_reviewed",)), QueueFilters(), ["rita", "sam"], limit=4,
            now=now, due_date=date(2026, 3, 13),
        )  # fmt: skip
        review_queue.build_queue(
            con, LEAD, Selection(("not_yet_reviewed",)), QueueFilters(), ["rita"], limit=2, now=now
        )
        due = con.execute(
            "SELECT due_date, count(*) FROM review_assignments GROUP BY 1 ORDER BY 1"
        ).fetchall()
        moving = con.execute(
            "SELECT assignment_id FROM review_assignments WHERE reviewer_id = 'rita'"
            " AND due_date IS NOT NULL LIMIT 1"
        ).fetchall()[0][0]
        review_queue.reassign(con, LEAD, [moving], "sam")
        moved = con.execute(  # the new assignment the move wrote
            "SELECT reviewer_id, due_date FROM review_assignments ORDER BY assignment_id DESC LIMIT 1"
        ).fetchall()
        audited = con.execute(
            "SELECT details->>'due_date' FROM audit_log WHERE action = 'queue.build' ORDER BY audit_id"
        ).fetchall()
    assert result.total == 4
    assert due == [(date(2026, 3, 13), 4), (None, 2)]  # a build without one leaves it empty
    assert moved == [("sam", date(2026, 3, 13))]
    assert audited == [("2026-03-13",), (None,)]


def test_a_due_date_in_the_past_is_refused_and_assigns_nothing(db):
    with connect(db) as con:
        with pytest.raises(InvalidReviewError, match="in the past"):
            review_queue.build_queue(
                con, LEAD, Selection(("not_yet_reviewed",)), QueueFilters(), ["rita"], limit=4,
                now=datetime(2026, 3, 10, 9, 0), due_date=date(2026, 3, 9),
            )  # fmt: skip
        assert con.execute("SELECT count(*) FROM review_assignments").fetchall() == [(0,)]
