-- How the rubrics in force behave on the data: per criterion, how often it is N/A, passed, failed.

-- name: criterion_outcomes
-- Per rubric and criterion over the viewer's conversations since $since: N/A, passed and failed
-- counts of the effective result (human review where one exists, else the auto-score).
SELECT
    k.rubric_id, k.criterion_id,
    count(*) AS conversations,
    count(*) FILTER (WHERE k.na) AS not_applicable,
    count(*) FILTER (WHERE NOT k.na AND NOT k.failed) AS passed,
    count(*) FILTER (WHERE NOT k.na AND k.failed) AS failed,
    count(*) FILTER (WHERE k.na) / count(*) AS na_rate,
    count(*) FILTER (WHERE NOT k.na AND k.failed) / nullif(count(*) FILTER (WHERE NOT k.na), 0) AS fail_rate,
    avg(k.score) AS mean_score
FROM conversations AS c
JOIN effective_criterion_scores AS k USING (conversation_id)
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
  AND c.created_at >= $since
GROUP BY ALL
ORDER BY k.rubric_id, k.criterion_id;

-- name: scored_rubric_sets
-- Which rubric set versions scored the viewer's conversations, newest first.
SELECT s.rubric_set_hash, count(*) AS conversations, max(s.scored_at) AS last_scored_at,
       any_value(r.loaded_at) AS loaded_at
FROM conversation_scores AS s
JOIN conversations AS c USING (conversation_id)
LEFT JOIN rubric_sets AS r USING (rubric_set_hash)
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
GROUP BY s.rubric_set_hash
ORDER BY last_scored_at DESC;
