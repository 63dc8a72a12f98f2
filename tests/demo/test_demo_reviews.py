"""The demo reviews step: reviews with reasons for every override, queues, idempotent re-run."""

from __future__ import annotations

from cornerstone.demo.accounts import seed_demo_accounts
from cornerstone.demo.reviews import seed_demo_reviews
from cornerstone.demo.roster import build_roster
from tests.fixtures import build_small_warehouse
from warehouse.storage.connection import connect


def test_seeding_reviews_a_share_and_queues_the_rest_and_a_rerun_adds_nothing(db_path):
    build_small_warehouse(db_path)
    roster = build_roster(7)
    reviewer_ids = {u.user_id for u in roster.users_by_role("reviewer")}
    with connect(db_path) as con:
        seed_demo_accounts(con, roster)  # as `qa demo` does: queues go to people with accounts
        summary = seed_demo_reviews(con, roster, share=0.5, queue_per_reviewer=1)
        again = seed_demo_reviews(con, roster, share=0.5)
        reviews = con.execute("SELECT reviewer_id, quality_score FROM reviews").fetchall()
        unexplained = con.execute(
            "SELECT count(*) FROM review_criteria WHERE overridden AND (override_reason IS NULL OR override_reason = '')"
        ).fetchall()[0][0]
        per_review = con.execute(
            "SELECT min(n), max(n) FROM (SELECT review_id, count(*) AS n FROM review_criteria GROUP BY 1)"
        ).fetchall()[0]
        sources = dict(
            con.execute("SELECT score_source, count(*) FROM effective_scores GROUP BY 1").fetchall()
        )
        queued = con.execute(
            "SELECT count(*) FROM review_assignments WHERE status = 'open'"
        ).fetchall()[0][0]
    assert summary.reviews == 12 == len(reviews) and again.reviews == 0
    assert {r for r, _ in reviews} <= reviewer_ids and all(0 <= q <= 100 for _, q in reviews)
    assert unexplained == 0 and per_review == (4, 4)
    assert sources == {"review": 12, "auto": 12}
    assert queued == summary.queued == min(len(reviewer_ids), 12)
