"""Demo reviews, comments, queues and disputes for `qa demo` (the reviews step).

About 3% of scored conversations (at most 20,000) get a human review by one of the roster's
reviewers: mostly confirming the auto-score, sometimes overriding a criterion with a reason, the
direction nudged by the reviewer's leniency. Rows are written in bulk (a 1M demo must not take
minutes here). Then every reviewer gets an open queue built by the default sampling rules, and a
few hundred agents dispute a criterion through the real `open_dispute`, two thirds resolved through
the real `resolve_dispute`, so the history shows both.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb
import pandas as pd

from warehouse import queries
from warehouse.access import audit
from warehouse.access.viewer import Viewer
from warehouse.review import review_queue, reviews
from warehouse.review.rubric_specs import parse_definition, totals
from warehouse.review.sampling import QueueFilters, Selection, load_sampling

REASONS_UP = (
    "Auto-score missed the apology in the second reply.",
    "Customer thanked the agent; the tone was fine.",
    "Resolution was confirmed over the phone (see internal note).",
    "Agent used the customer's name and order details.",
)
REASONS_DOWN = (
    "The reply was a canned template; not personal.",
    "The agent promised a refund date we cannot guarantee.",
    "The customer had to repeat the problem twice.",
    "Closing did not check whether the issue was solved.",
)
OVERALL = (
    "Good handling overall. Next time confirm the fix before closing.",
    "Clear and friendly. Watch the gap before your second reply.",
    "Please acknowledge how the customer feels before jumping to the solution.",
    "Great use of the order details — keep it up.",
    "Solid, but the greeting felt scripted.",
)
MESSAGE_NOTES = (
    "Nice acknowledgement here.",
    "This reply could be shorter.",
    "Good question to clarify.",
)
DISPUTE_TEXT = (
    "I did apologise in my first reply, please look again.",
    "The customer never asked for a follow-up, so this does not apply.",
    "The template was required by the escalation process.",
)


@dataclass(frozen=True)
class SeedSummary:
    reviews: int
    overrides: int
    comments: int
    queued: int
    disputes: int
    resolved: int

    def __str__(self) -> str:
        return (
            f"{self.reviews:,} reviews ({self.overrides:,} criterion overrides, {self.comments:,} comments), "
            f"{self.queued:,} conversations queued, {self.disputes} disputes ({self.resolved} resolved)"
        )


def seed_demo_reviews(
    con: duckdb.DuckDBPyConnection,
    roster,
    share: float = 0.03,
    max_reviews: int = 20_000,
    max_disputes: int = 300,
    queue_per_reviewer: int = 25,
    seed: int = 7,
    now: datetime | None = None,
) -> SeedSummary:
    rng = random.Random(seed)
    now = now or datetime(roster.end_date.year, roster.end_date.month, roster.end_date.day, 18)
    reviewers = list(roster.users_by_role("reviewer"))
    lead = Viewer(roster.users_by_role("qa_lead")[0].user_id, "qa_lead")
    if not reviewers:
        return SeedSummary(0, 0, 0, 0, 0, 0)
    already = queries.value(con, "seed_unseeded_review_count")
    if already:  # `qa demo` run again on the same database adds nothing
        return SeedSummary(0, 0, 0, 0, 0, 0)
    stored = queries.run(con, "rubric_set_definition", rubric_set_hash=None)
    if not stored:
        return SeedSummary(0, 0, 0, 0, 0, 0)
    set_hash, rubrics = stored[0]["rubric_set_hash"], parse_definition(stored[0]["definition"])
    specs = {(c.rubric_id, c.criterion_id): c for r in rubrics for c in r.criteria}
    total = queries.value(con, "seed_scored_conversation_count")
    wanted = min(max_reviews, max(1, int(total * share)))
    picks = queries.frame(con, "seed_review_picks", seed=str(seed), wanted=wanted)
    if picks.empty:
        return SeedSummary(0, 0, 0, 0, 0, 0)
    con.register("seed_picks", picks[["conversation_id"]])
    auto = queries.frame(con, "seed_auto_criteria")
    con.unregister("seed_picks")
    by_conversation: dict[str, list[tuple]] = {}
    for row in auto.itertuples(index=False):
        by_conversation.setdefault(row.conversation_id, []).append(row)
    ids = [r[0] for r in queries.rows(con, "seed_review_ids", count=len(picks))]
    review_rows, criterion_rows, rubric_rows, comment_rows, assignment_rows = [], [], [], [], []
    overrides = 0
    team_reviewers = {
        team: reviewers[i % len(reviewers)]
        for i, team in enumerate(sorted(set(picks["team"].dropna())))
    }
    for review_id, pick in zip(ids, picks.itertuples(index=False), strict=True):
        reviewer = team_reviewers.get(pick.team) if rng.random() < 0.7 else rng.choice(reviewers)
        reviewer = reviewer or reviewers[0]
        created = (
            pick.created_at if isinstance(pick.created_at, datetime) else now - timedelta(days=30)
        )
        reviewed_at = min(now, created + timedelta(hours=rng.randint(4, 96)))
        values: dict[tuple[str, str], float | None] = {}
        for row in by_conversation.get(pick.conversation_id, []):
            key = (row.rubric_id, row.criterion_id)
            spec = specs.get(key)
            if spec is None:
                continue
            auto_na = bool(row.na)
            auto_value = None if auto_na else spec.nearest(row.value)
            value, na, reason = auto_value, auto_na, None
            lean = reviewer.leniency / 10.0  # -0.5 .. +0.6
            if not auto_na and rng.random() < 0.09 + abs(lean) * 0.05:
                up = rng.random() < 0.5 + lean * 0.5
                if spec.scale == "yes_no":
                    value = 1.0 if up else 0.0
                else:
                    value = float(min(5, max(1, auto_value + (1 if up else -1))))
                if value != auto_value:
                    reason = rng.choice(REASONS_UP if value > auto_value else REASONS_DOWN)
            values[key] = None if na else value
            overridden = reason is not None
            overrides += overridden
            criterion_rows.append(
                (review_id, spec.rubric_id, spec.criterion_id, None if na else value,
                 spec.to_score(None if na else value), na, spec.fails(None if na else value), spec.critical,
                 auto_value, auto_na, overridden, reason)
            )  # fmt: skip
        result = totals(rubrics, values)
        overall = rng.choice(OVERALL) if rng.random() < 0.6 else None
        review_rows.append(
            (review_id, pick.conversation_id, reviewer.user_id, reviewer.user_id, 1, None, "submitted", None,
             set_hash, result.quality_score, result.critical_failed, overall, reviewed_at)
        )  # fmt: skip
        rubric_rows.extend(
            (review_id, rubric_id, score) for rubric_id, score in result.rubric_scores.items()
        )
        if overall:
            comment_rows.append(
                (pick.conversation_id, review_id, None, reviewer.user_id, overall, reviewed_at)
            )
        if (
            pick.first_agent_message is not None
            and not pd.isna(pick.first_agent_message)
            and rng.random() < 0.3
        ):
            comment_rows.append(
                (pick.conversation_id, review_id, int(pick.first_agent_message), reviewer.user_id,
                 rng.choice(MESSAGE_NOTES), reviewed_at)
            )  # fmt: skip
        assignment_rows.append(
            (pick.conversation_id, reviewer.user_id, lead.user_id, reviewed_at, "demo_sample")
        )
    _bulk_insert(con, review_rows, criterion_rows, rubric_rows, comment_rows, assignment_rows)
    audit.record(
        con,
        "system",
        "demo.seed_reviews",
        None,
        {"reviews": len(review_rows), "overrides": overrides},
    )

    config = load_sampling()
    built = review_queue.build_queue(
        con, lead, Selection(tuple(config.default_rules), config.default_combine, config=config), QueueFilters(),
        [r.user_id for r in reviewers], limit=queue_per_reviewer * len(reviewers), now=now,
    )  # fmt: skip
    disputes, resolved = _seed_disputes(con, roster, specs, rng, max_disputes, now)
    return SeedSummary(
        len(review_rows), overrides, len(comment_rows), built.total, disputes, resolved
    )


def _bulk_insert(
    con, review_rows, criterion_rows, rubric_rows, comment_rows, assignment_rows
) -> None:
    con.begin()
    try:
        frames = {
            "seed_reviews": pd.DataFrame(review_rows, columns=[
                "review_id", "conversation_id", "reviewer_id", "written_by", "version", "supersedes", "status",
                "calibration_session_id", "rubric_set_hash", "quality_score", "critical_failed",
                "overall_comment", "created_at"]),
            "seed_criteria": pd.DataFrame(criterion_rows, columns=[
                "review_id", "rubric_id", "criterion_id", "value", "score", "na", "failed", "critical",
                "auto_value", "auto_na", "overridden", "override_reason"]),
            "seed_rubric_scores": pd.DataFrame(rubric_rows, columns=["review_id", "rubric_id", "score"]),
            "seed_comments": pd.DataFrame(comment_rows, columns=[
                "conversation_id", "review_id", "message_index", "author_id", "body", "created_at"]),
            "seed_assignments": pd.DataFrame(assignment_rows, columns=[
                "conversation_id", "reviewer_id", "assigned_by", "assigned_at", "rule"]),
        }  # fmt: skip
        for name, frame in frames.items():
            con.register(name, frame)
        queries.execute(con, "seed_insert_reviews")
        for name in frames:
            con.unregister(name)
    except BaseException:
        con.rollback()
        raise
    con.commit()


def _seed_disputes(con, roster, specs, rng: random.Random, limit: int, now: datetime):
    agent_users = {u.agent_id: u for u in roster.users_by_role("agent") if u.agent_id}
    managers = {t.name: t.manager_user_id for t in roster.teams}
    candidates = queries.rows(con, "seed_dispute_candidates")
    opened, resolved, seen = 0, 0, set()
    for review_id, reviewer_id, agent_id, team, rubric_id, criterion_id, _value, _na in candidates:
        if opened >= limit or review_id in seen:
            continue
        seen.add(review_id)  # one chance per review: about 1 in 8 reviews with a failed criterion
        if agent_id not in agent_users or rng.random() > 0.12:
            continue
        user = agent_users[agent_id]
        agent = Viewer(user.user_id, "agent", agent_id=agent_id)
        dispute_id = reviews.open_dispute(
            con,
            agent,
            review_id,
            rubric_id,
            criterion_id,
            rng.choice(DISPUTE_TEXT),
            now=now - timedelta(days=2),
        )
        opened += 1
        if rng.random() < 0.33:
            continue  # left open for the demo's reviewers
        by_manager = rng.random() < 0.4 and managers.get(team)
        resolver = (
            Viewer(managers[team], "manager", teams=(team,))
            if by_manager
            else Viewer(reviewer_id, "reviewer")
        )
        if rng.random() < 0.5:
            reviews.resolve_dispute(
                con, resolver, dispute_id, "upheld", "Checked again: the review stands.", now=now
            )
        else:
            spec = specs.get((rubric_id, criterion_id))
            spec_value = 1.0 if spec is None or spec.scale == "yes_no" else 4.0
            try:
                reviews.resolve_dispute(
                    con,
                    resolver,
                    dispute_id,
                    "changed",
                    "You are right, corrected.",
                    new_value=spec_value,
                    now=now,
                )
            except reviews.InvalidReviewError:
                reviews.resolve_dispute(
                    con, resolver, dispute_id, "upheld", "The review stands.", now=now
                )
        resolved += 1
    return opened, resolved
