-- The auto-score (AQS) and human reviews (IQS) side by side, never blended: one row per
-- conversation and source ('auto' from `qa score`, 'human' from the counting review of
-- `latest_reviews`). A human review never replaces the auto-score; trends and exports pick a
-- source and say which they show. (The effective_* views of 003 remain for pages that show one
-- conversation's counting result.)

CREATE VIEW quality_scores_by_source AS
SELECT conversation_id, 'auto' AS source, quality_score, critical_failed
FROM conversation_scores
UNION ALL
SELECT conversation_id, 'human' AS source, quality_score, critical_failed
FROM latest_reviews;

CREATE VIEW rubric_scores_by_source AS
SELECT conversation_id, rubric_id, score, 'auto' AS source
FROM rubric_scores
UNION ALL
SELECT lr.conversation_id, rs.rubric_id, rs.score, 'human' AS source
FROM latest_reviews AS lr
JOIN review_rubric_scores AS rs USING (review_id);

CREATE VIEW criterion_scores_by_source AS
SELECT conversation_id, rubric_id, criterion_id, value, score, na, failed, critical, 'auto' AS source
FROM criterion_scores
UNION ALL
SELECT lr.conversation_id, rc.rubric_id, rc.criterion_id, rc.value, rc.score, rc.na, rc.failed,
       rc.critical, 'human' AS source
FROM latest_reviews AS lr
JOIN review_criteria AS rc USING (review_id);
