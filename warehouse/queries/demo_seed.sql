-- Demo seeding (cornerstone/demo/reviews.py): reviews, comments, disputes and queues for `qa demo`.

-- name: seed_unseeded_review_count
-- Reviews outside calibration sessions: any means the demo was seeded already.
SELECT count(*) FROM reviews WHERE calibration_session_id IS NULL

-- name: seed_scored_conversation_count
-- How many conversations have an auto-score (the share of them to review).
SELECT count(*) FROM conversation_scores

-- name: seed_review_picks
-- A repeatable pseudo-random choice of scored, unreviewed conversations to review, with the
-- first message the agent wrote (where a comment goes).
SELECT c.conversation_id, c.agent_id, c.team, c.created_at,
       (SELECT min(m.message_index) FROM messages AS m
        WHERE m.conversation_id = c.conversation_id AND m.role = 'agent' AND NOT m.internal)
           AS first_agent_message
FROM conversations AS c JOIN conversation_scores AS s USING (conversation_id)
WHERE NOT EXISTS (SELECT 1 FROM reviews AS r WHERE r.conversation_id = c.conversation_id)
ORDER BY hash(c.conversation_id || $seed)
LIMIT $wanted

-- name: seed_auto_criteria
-- The auto-scorer's criteria of the picked conversations (registered frame seed_picks).
SELECT cs.conversation_id, cs.rubric_id, cs.criterion_id, cs.value, cs.na
FROM criterion_scores AS cs JOIN seed_picks USING (conversation_id)

-- name: seed_review_ids
-- $count fresh review ids.
SELECT nextval('review_id_seq') FROM range($count)

-- name: seed_insert_reviews
-- Demo seeding (cornerstone/demo/reviews.py): copy the registered frames seed_reviews, seed_criteria,
-- seed_rubric_scores, seed_comments, seed_assignments into the review tables in one go.
INSERT INTO reviews (
    review_id, conversation_id, reviewer_id, written_by, version, supersedes, status,
    calibration_session_id, rubric_set_hash, quality_score, critical_failed, overall_comment,
    created_at
)
SELECT
    review_id, conversation_id, reviewer_id, written_by, version, supersedes, status,
    calibration_session_id, rubric_set_hash, quality_score, critical_failed, overall_comment,
    created_at
FROM seed_reviews;
INSERT INTO review_criteria (
    review_id, rubric_id, criterion_id, value, score, na, failed, critical, auto_value,
    auto_na, overridden, override_reason
)
SELECT
    review_id, rubric_id, criterion_id, value, score, na, failed, critical, auto_value,
    auto_na, overridden, override_reason
FROM seed_criteria;
INSERT INTO review_rubric_scores (review_id, rubric_id, score)
SELECT review_id, rubric_id, score FROM seed_rubric_scores;
INSERT INTO comments (
    comment_id, conversation_id, review_id, message_index, author_id, body, created_at
)
SELECT nextval('comment_id_seq'), conversation_id, review_id, message_index, author_id, body, created_at
FROM seed_comments;
INSERT INTO review_assignments (
    assignment_id, conversation_id, reviewer_id, assigned_by, assigned_at, rule, calibration_session_id, status
)
SELECT nextval('assignment_id_seq'), conversation_id, reviewer_id, assigned_by, assigned_at, rule, NULL, 'done'
FROM seed_assignments

-- name: seed_dispute_candidates
-- Failed criteria of current reviews (outside calibration), in a repeatable order: agents
-- dispute some of them.
SELECT r.review_id, r.reviewer_id, c.agent_id, c.team, rc.rubric_id, rc.criterion_id, rc.value, rc.na
FROM current_reviews AS r
JOIN conversations AS c USING (conversation_id)
JOIN review_criteria AS rc USING (review_id)
WHERE rc.failed AND r.calibration_session_id IS NULL
ORDER BY hash(r.review_id), rc.rubric_id, rc.criterion_id
