-- Manager trends. Every query takes the viewer and the common filter set:
-- $team, $agent_id, $channel (NULL = all), $since (inclusive) and $until (exclusive) timestamps,
-- and where it trends over time $grain ('week' | 'month'). Quality comes from one source,
-- $source: 'auto' (the auto-score, AQS: every scored conversation) or 'human' (the counting human
-- review, IQS: reviewed conversations only); the two are never blended (views of migration 013).
-- A conversation passes when its quality score is at least $pass_mark (0-100).

-- name: trend_filter_options
-- Teams, agents and channels the viewer may see, and the date span of their conversations.
SELECT
    coalesce(list(DISTINCT c.team ORDER BY c.team) FILTER (WHERE c.team IS NOT NULL), []) AS teams,
    coalesce(list(DISTINCT c.channel ORDER BY c.channel) FILTER (WHERE c.channel IS NOT NULL), [])
        AS channels,
    min(c.created_at) AS first_at,
    max(c.created_at) AS last_at
FROM conversations AS c
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team);

-- name: trend_agent_options
-- Agents the viewer may see (id, display name, team), for the agent filter.
SELECT c.agent_id, any_value(coalesce(c.agent_name, c.agent_id)) AS agent_name,
       any_value(c.team) AS team, count(*) AS conversations
FROM conversations AS c
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
  AND c.agent_id IS NOT NULL
  AND ($team IS NULL OR c.team = $team)
GROUP BY c.agent_id
ORDER BY agent_name;

-- name: trend_quality
-- Mean quality score and pass rate per period and series ($series 'team' or 'agent').
SELECT
    date_trunc($grain, c.created_at)::DATE AS period,
    CASE WHEN $series = 'agent' THEN coalesce(c.agent_name, c.agent_id) ELSE c.team END AS series,
    avg(e.quality_score) AS quality_score,
    avg(CASE WHEN e.quality_score >= $pass_mark THEN 1.0 ELSE 0.0 END) AS pass_rate,
    count(*) AS conversations,
    count(lr.review_id) AS reviewed
FROM conversations AS c
JOIN quality_scores_by_source AS e ON e.conversation_id = c.conversation_id AND e.source = $source
LEFT JOIN latest_reviews AS lr ON lr.conversation_id = c.conversation_id
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
  AND ($team IS NULL OR c.team = $team)
  AND ($agent_id IS NULL OR c.agent_id = $agent_id)
  AND ($channel IS NULL OR c.channel = $channel)
  AND c.created_at >= $since AND c.created_at < $until
  AND e.quality_score IS NOT NULL
GROUP BY ALL
ORDER BY period, series;

-- name: trend_rubrics
-- Mean score of each rubric per period.
SELECT
    date_trunc($grain, c.created_at)::DATE AS period,
    r.rubric_id,
    avg(r.score) AS score,
    count(r.score) AS conversations
FROM conversations AS c
JOIN rubric_scores_by_source AS r ON r.conversation_id = c.conversation_id AND r.source = $source
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
  AND ($team IS NULL OR c.team = $team)
  AND ($agent_id IS NULL OR c.agent_id = $agent_id)
  AND ($channel IS NULL OR c.channel = $channel)
  AND c.created_at >= $since AND c.created_at < $until
  AND r.score IS NOT NULL
GROUP BY ALL
ORDER BY period, r.rubric_id;

-- name: score_distribution
-- How many conversations fall in each 10-point band of the quality score (100 joins 90-100).
SELECT
    least(floor(e.quality_score / 10) * 10, 90)::INTEGER AS band_start,
    count(*) AS conversations,
    count(*) FILTER (WHERE e.critical_failed) AS critical_failures
FROM conversations AS c
JOIN quality_scores_by_source AS e ON e.conversation_id = c.conversation_id AND e.source = $source
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
  AND ($team IS NULL OR c.team = $team)
  AND ($agent_id IS NULL OR c.agent_id = $agent_id)
  AND ($channel IS NULL OR c.channel = $channel)
  AND c.created_at >= $since AND c.created_at < $until
  AND e.quality_score IS NOT NULL
GROUP BY ALL
ORDER BY band_start;

-- name: trend_service_metrics
-- Per period: quality next to CSAT (1-5 mean), NPS (% promoters 9-10 minus % detractors 0-6),
-- CES (1-7 mean), first response and handle time (seconds) and resolution rate (0-1).
SELECT
    date_trunc($grain, c.created_at)::DATE AS period,
    count(*) AS conversations,
    avg(e.quality_score) AS quality_score,
    avg(CASE WHEN e.quality_score >= $pass_mark THEN 1.0 WHEN e.quality_score IS NOT NULL THEN 0.0 END)
        AS pass_rate,
    avg(c.csat) AS csat,
    count(c.csat) AS csat_answers,
    100.0 * (count(*) FILTER (WHERE c.nps >= 9) - count(*) FILTER (WHERE c.nps <= 6))
        / nullif(count(c.nps), 0) AS nps,
    count(c.nps) AS nps_answers,
    avg(c.ces) AS ces,
    count(c.ces) AS ces_answers,
    median(s.first_response_seconds) AS first_response_median_seconds,
    avg(s.first_response_seconds) AS first_response_mean_seconds,
    median(s.handle_seconds) AS handle_median_seconds,
    avg(s.handle_seconds) AS handle_mean_seconds,
    avg(CASE WHEN s.resolved THEN 1.0 WHEN NOT s.resolved THEN 0.0 END) AS resolution_rate
FROM conversations AS c
LEFT JOIN quality_scores_by_source AS e ON e.conversation_id = c.conversation_id AND e.source = $source
LEFT JOIN conversation_scores AS s ON s.conversation_id = c.conversation_id
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
  AND ($team IS NULL OR c.team = $team)
  AND ($agent_id IS NULL OR c.agent_id = $agent_id)
  AND ($channel IS NULL OR c.channel = $channel)
  AND c.created_at >= $since AND c.created_at < $until
GROUP BY ALL
ORDER BY period;

-- name: most_failed_criteria
-- The criteria most often failed where they applied: where coaching helps most.
SELECT
    k.rubric_id,
    k.criterion_id,
    count(*) FILTER (WHERE NOT k.na) AS applicable,
    count(*) FILTER (WHERE k.failed AND NOT k.na) AS failed,
    count(*) FILTER (WHERE k.failed AND NOT k.na) / nullif(count(*) FILTER (WHERE NOT k.na), 0) AS fail_rate,
    bool_or(k.critical) AS critical
FROM conversations AS c
JOIN criterion_scores_by_source AS k ON k.conversation_id = c.conversation_id AND k.source = $source
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
  AND ($team IS NULL OR c.team = $team)
  AND ($agent_id IS NULL OR c.agent_id = $agent_id)
  AND ($channel IS NULL OR c.channel = $channel)
  AND c.created_at >= $since AND c.created_at < $until
GROUP BY ALL
HAVING count(*) FILTER (WHERE k.failed AND NOT k.na) > 0
ORDER BY failed DESC, fail_rate DESC
LIMIT $limit;

-- name: agent_ranking
-- Agents by mean quality, with the change between the halves of the range split at
-- $midpoint (positive = improving) and how many of their conversations a human reviewed.
SELECT
    c.agent_id,
    any_value(coalesce(c.agent_name, c.agent_id)) AS agent_name,
    any_value(c.team) AS team,
    avg(e.quality_score) AS quality_score,
    avg(e.quality_score) FILTER (WHERE c.created_at < $midpoint) AS earlier_score,
    avg(e.quality_score) FILTER (WHERE c.created_at >= $midpoint) AS recent_score,
    avg(e.quality_score) FILTER (WHERE c.created_at >= $midpoint)
        - avg(e.quality_score) FILTER (WHERE c.created_at < $midpoint) AS change,
    count(*) AS conversations,
    count(lr.review_id) AS reviewed
FROM conversations AS c
JOIN quality_scores_by_source AS e ON e.conversation_id = c.conversation_id AND e.source = $source
LEFT JOIN latest_reviews AS lr ON lr.conversation_id = c.conversation_id
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
  AND ($team IS NULL OR c.team = $team)
  AND ($agent_id IS NULL OR c.agent_id = $agent_id)
  AND ($channel IS NULL OR c.channel = $channel)
  AND c.created_at >= $since AND c.created_at < $until
  AND c.agent_id IS NOT NULL
  AND e.quality_score IS NOT NULL
GROUP BY c.agent_id
ORDER BY quality_score DESC, c.agent_id;

-- name: quality_vs_csat
-- Per agent: mean quality against mean CSAT (1-5), with the number of survey answers.
SELECT
    c.agent_id,
    any_value(coalesce(c.agent_name, c.agent_id)) AS agent_name,
    any_value(c.team) AS team,
    avg(e.quality_score) AS quality_score,
    avg(c.csat) AS csat,
    count(c.csat) AS csat_answers
FROM conversations AS c
JOIN quality_scores_by_source AS e ON e.conversation_id = c.conversation_id AND e.source = $source
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
  AND ($team IS NULL OR c.team = $team)
  AND ($agent_id IS NULL OR c.agent_id = $agent_id)
  AND ($channel IS NULL OR c.channel = $channel)
  AND c.created_at >= $since AND c.created_at < $until
  AND c.agent_id IS NOT NULL
GROUP BY c.agent_id
HAVING count(c.csat) > 0 AND avg(e.quality_score) IS NOT NULL
ORDER BY c.agent_id;

-- name: quality_csat_correlation
-- Pearson correlation of quality and CSAT over single conversations, and per agent.
WITH scoped AS (
    SELECT c.agent_id, e.quality_score, c.csat
    FROM conversations AS c
    JOIN quality_scores_by_source AS e ON e.conversation_id = c.conversation_id AND e.source = $source
    WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
      AND ($team IS NULL OR c.team = $team)
      AND ($agent_id IS NULL OR c.agent_id = $agent_id)
      AND ($channel IS NULL OR c.channel = $channel)
      AND c.created_at >= $since AND c.created_at < $until
      AND c.csat IS NOT NULL AND e.quality_score IS NOT NULL
),
per_agent AS (
    SELECT avg(quality_score) AS quality_score, avg(csat) AS csat
    FROM scoped WHERE agent_id IS NOT NULL GROUP BY agent_id
)
SELECT
    (SELECT corr(quality_score, csat) FROM scoped) AS conversation_correlation,
    (SELECT count(*) FROM scoped) AS conversations,
    (SELECT corr(quality_score, csat) FROM per_agent) AS agent_correlation,
    (SELECT count(*) FROM per_agent) AS agents;

-- name: trend_criteria
-- Per period and criterion (where it applied): mean criterion score (0-100), pass rate and how
-- many conversations, from $source, for the team / agent / channel filters. A manager's
-- per-criterion trend for an agent or a team.
SELECT
    date_trunc($grain, c.created_at)::DATE AS period,
    k.rubric_id,
    k.criterion_id,
    avg(k.score) AS score,
    avg(CASE WHEN k.failed THEN 0.0 ELSE 1.0 END) AS pass_rate,
    count(*) AS conversations
FROM conversations AS c
JOIN criterion_scores_by_source AS k ON k.conversation_id = c.conversation_id AND k.source = $source
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
  AND ($team IS NULL OR c.team = $team)
  AND ($agent_id IS NULL OR c.agent_id = $agent_id)
  AND ($channel IS NULL OR c.channel = $channel)
  AND c.created_at >= $since AND c.created_at < $until
  AND NOT k.na
GROUP BY ALL
ORDER BY period, k.rubric_id, k.criterion_id;
