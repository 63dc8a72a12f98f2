-- How well the auto-score (AQS) agrees with people (IQS): every current human review, criterion
-- by criterion, next to the auto-score the reviewer saw when the review was written.

-- name: autoqa_review_pairs
-- One row per criterion of every current review version of the viewer's conversations (reviews
-- inside and outside calibration sessions) whose auto-score was known when it was written:
-- the auto answer and the human answer on the criterion's own scale (NULL value with na = true
-- for N/A), the review's week and rubric set version.
SELECT
    r.review_id, r.conversation_id, r.reviewer_id,
    coalesce(u.display_name, r.reviewer_id) AS reviewer_name,
    r.rubric_set_hash,
    CAST(date_trunc('week', r.created_at) AS DATE) AS week,
    r.created_at AS reviewed_at,
    rc.rubric_id, rc.criterion_id,
    rc.auto_value, rc.auto_na,
    rc.value AS human_value, rc.na AS human_na,
    rc.overridden, rc.override_reason
FROM current_reviews AS r
JOIN conversations AS c USING (conversation_id)
JOIN review_criteria AS rc USING (review_id)
LEFT JOIN users AS u ON u.user_id = r.reviewer_id
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
  AND rc.auto_na IS NOT NULL
  AND r.created_at >= $since
ORDER BY r.created_at, r.review_id, rc.rubric_id, rc.criterion_id;

-- name: rubric_set_versions
-- Every rubric set version ever loaded, with when it was loaded (for people-facing labels).
SELECT rubric_set_hash, loaded_at
FROM rubric_sets
ORDER BY loaded_at;
