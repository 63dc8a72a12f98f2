-- Coaching sessions: an agent, a coach, focus criteria, the reviewed conversations it came from,
-- and whether the agent's results on the focus criteria moved afterwards.
-- Sessions are scoped to the viewer like conversations (agent id + team at coaching time).

-- name: agent_for_coaching
-- The agent's team and name, if the viewer may see the agent's conversations.
SELECT c.agent_id, any_value(coalesce(c.agent_name, c.agent_id)) AS agent_name,
       arg_max(c.team, c.created_at) AS team
FROM conversations AS c
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
  AND c.agent_id = $agent_id
GROUP BY c.agent_id;

-- name: insert_coaching_session
-- Writes one session; returns its id.
INSERT INTO coaching_sessions (coaching_session_id, agent_id, team, coach_id, notes, goals, due_date,
                               held_at, created_at)
VALUES (nextval('coaching_session_id_seq'), $agent_id, $team, $coach_id, $notes, $goals, $due_date,
        $held_at, $created_at)
RETURNING coaching_session_id;

-- name: insert_coaching_focus
INSERT INTO coaching_focus (coaching_session_id, rubric_id, criterion_id)
VALUES ($coaching_session_id, $rubric_id, $criterion_id);

-- name: insert_coaching_source
-- Links a source conversation and the review that counted for it (NULL if only auto-scored).
INSERT INTO coaching_sources (coaching_session_id, conversation_id, review_id)
SELECT $coaching_session_id, c.conversation_id, lr.review_id
FROM conversations AS c
LEFT JOIN latest_reviews AS lr USING (conversation_id)
WHERE c.conversation_id = $conversation_id;

-- name: acknowledge_coaching_session
UPDATE coaching_sessions
SET acknowledged_at = $acknowledged_at, agent_response = $agent_response
WHERE coaching_session_id = $coaching_session_id AND agent_id = $agent_id;

-- name: coaching_data_version
-- A cheap fingerprint of coaching sessions and reviews: the coaching page keys its cached reads
-- on it, so a session saved anywhere is listed at once.
SELECT (SELECT count(*) FROM coaching_sessions) AS sessions,
       (SELECT max(coaching_session_id) FROM coaching_sessions) AS last_session,
       (SELECT count(*) FROM coaching_sessions WHERE acknowledged_at IS NOT NULL) AS acknowledged,
       (SELECT max(review_id) FROM reviews) AS last_review;

-- name: coaching_sessions
-- Sessions the viewer may see, newest first ($agent_id NULL = all), with their focus criteria
-- and the coach named by display name (`coach_name`).
SELECT
    s.coaching_session_id, s.agent_id,
    coalesce((SELECT any_value(c.agent_name) FROM conversations AS c WHERE c.agent_id = s.agent_id),
             s.agent_id) AS agent_name,
    s.team, s.coach_id,
    coalesce((SELECT u.display_name FROM users AS u WHERE u.user_id = s.coach_id), s.coach_id)
        AS coach_name,
    s.held_at, s.due_date, s.notes, s.goals,
    s.acknowledged_at, s.agent_response,
    (SELECT string_agg(f.rubric_id || '.' || f.criterion_id, ', ' ORDER BY f.rubric_id, f.criterion_id)
       FROM coaching_focus AS f WHERE f.coaching_session_id = s.coaching_session_id) AS focus,
    (SELECT count(*) FROM coaching_sources AS o
       WHERE o.coaching_session_id = s.coaching_session_id) AS source_conversations
FROM coaching_sessions AS s
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, s.agent_id, s.team)
  AND ($agent_id IS NULL OR s.agent_id = $agent_id)
  AND ($team IS NULL OR s.team = $team)
ORDER BY s.held_at DESC, s.coaching_session_id DESC;

-- name: coaching_before_after
-- For each focus criterion of a session: the agent's mean criterion score (0-100), failure rate
-- and number of applicable conversations in the $window_days before and after the session.
WITH session AS (
    SELECT * FROM coaching_sessions AS s
    WHERE s.coaching_session_id = $coaching_session_id
      AND visible_to($viewer_role, $viewer_agent_id, $viewer_teams, s.agent_id, s.team)
),
results AS (
    SELECT f.rubric_id, f.criterion_id,
           CASE WHEN c.created_at < s.held_at THEN 'before' ELSE 'after' END AS phase,
           k.score, k.failed
    FROM session AS s
    JOIN coaching_focus AS f USING (coaching_session_id)
    JOIN conversations AS c
      ON c.agent_id = s.agent_id
     AND c.created_at >= s.held_at - to_days($window_days::INTEGER)
     AND c.created_at < s.held_at + to_days($window_days::INTEGER)
    JOIN effective_criterion_scores AS k
      ON k.conversation_id = c.conversation_id
     AND k.rubric_id = f.rubric_id AND k.criterion_id = f.criterion_id
    WHERE NOT k.na
      AND visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
)
SELECT
    f.rubric_id, f.criterion_id,
    avg(r.score) FILTER (WHERE r.phase = 'before') AS before_score,
    avg(r.score) FILTER (WHERE r.phase = 'after') AS after_score,
    avg(r.score) FILTER (WHERE r.phase = 'after') - avg(r.score) FILTER (WHERE r.phase = 'before') AS change,
    avg(r.failed::INTEGER) FILTER (WHERE r.phase = 'before') AS before_fail_rate,
    avg(r.failed::INTEGER) FILTER (WHERE r.phase = 'after') AS after_fail_rate,
    count(r.score) FILTER (WHERE r.phase = 'before') AS before_conversations,
    count(r.score) FILTER (WHERE r.phase = 'after') AS after_conversations,
    stddev_samp(r.score) FILTER (WHERE r.phase = 'before') AS before_sd,
    stddev_samp(r.score) FILTER (WHERE r.phase = 'after') AS after_sd
FROM session AS s
JOIN coaching_focus AS f USING (coaching_session_id)
LEFT JOIN results AS r USING (rubric_id, criterion_id)
GROUP BY f.rubric_id, f.criterion_id
ORDER BY f.rubric_id, f.criterion_id;

-- name: coaching_focus_weekly
-- Weekly mean score (0-100) of one session's focus criteria for its agent, around the session.
SELECT date_trunc('week', c.created_at)::DATE AS period,
       f.rubric_id || '.' || f.criterion_id AS criterion,
       avg(k.score) AS score, count(*) AS conversations
FROM coaching_sessions AS s
JOIN coaching_focus AS f USING (coaching_session_id)
JOIN conversations AS c
  ON c.agent_id = s.agent_id
 AND c.created_at >= s.held_at - to_days($window_days::INTEGER)
 AND c.created_at < s.held_at + to_days($window_days::INTEGER)
JOIN effective_criterion_scores AS k
  ON k.conversation_id = c.conversation_id AND k.rubric_id = f.rubric_id
 AND k.criterion_id = f.criterion_id
WHERE s.coaching_session_id = $coaching_session_id
  AND NOT k.na
  AND visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
  AND visible_to($viewer_role, $viewer_agent_id, $viewer_teams, s.agent_id, s.team)
GROUP BY ALL
ORDER BY period, criterion;

-- name: coaching_candidates
-- An agent's scored conversations to build a session from (reviewed first, then lowest quality),
-- with the criteria they failed.
SELECT c.conversation_id, c.created_at, c.channel, c.subject, e.quality_score, e.score_source,
       (SELECT string_agg(k.rubric_id || '.' || k.criterion_id, ', ' ORDER BY k.rubric_id, k.criterion_id)
          FROM effective_criterion_scores AS k
         WHERE k.conversation_id = c.conversation_id AND k.failed AND NOT k.na) AS failed_criteria
FROM conversations AS c
JOIN effective_scores AS e USING (conversation_id)
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
  AND c.agent_id = $agent_id
  AND ($reviewed_only = false OR e.score_source = 'review')
ORDER BY (e.score_source = 'review') DESC, e.quality_score ASC NULLS LAST,
         c.created_at DESC NULLS LAST, c.conversation_id
LIMIT $limit;

-- name: agent_weak_criteria
-- An agent's failure rate per criterion since $since (NULL: all time; conversations without a
-- date count only then): what a session could focus on. $reviewed_only: human reviews only.
SELECT k.rubric_id, k.criterion_id,
       count(*) AS applicable,
       count(*) FILTER (WHERE k.failed) AS failed,
       count(*) FILTER (WHERE k.failed) / count(*) AS fail_rate
FROM conversations AS c
JOIN effective_criterion_scores AS k USING (conversation_id)
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
  AND c.agent_id = $agent_id
  AND ($since IS NULL OR c.created_at >= $since)
  AND ($reviewed_only = false OR k.score_source = 'review')
  AND NOT k.na
GROUP BY ALL
ORDER BY fail_rate DESC, failed DESC, k.rubric_id, k.criterion_id;

-- name: criteria_catalogue
-- Every (rubric, criterion) pair that has been scored, for pickers.
SELECT DISTINCT rubric_id, criterion_id FROM criterion_scores ORDER BY rubric_id, criterion_id;

-- name: coaching_seed_sources
-- Demo seeding: an agent's conversations in [$since, $until) that failed a focus criterion,
-- worst first.
SELECT c.conversation_id, min(e.quality_score) AS quality_score
FROM conversations AS c
JOIN effective_scores AS e USING (conversation_id)
JOIN effective_criterion_scores AS k USING (conversation_id)
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
  AND c.agent_id = $agent_id
  AND c.created_at >= $since AND c.created_at < $until
  AND list_contains($rubric_ids, k.rubric_id)
  AND list_contains($criterion_keys, k.rubric_id || '.' || k.criterion_id)
  AND k.failed AND NOT k.na
GROUP BY c.conversation_id
ORDER BY quality_score, c.conversation_id
LIMIT $limit;

-- name: coaching_session_exists
-- Demo re-runs: is there already a session for this agent at this time?
SELECT count(*) AS n FROM coaching_sessions WHERE agent_id = $agent_id AND held_at = $held_at;
