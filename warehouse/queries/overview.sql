-- The home page ("what needs me now"), one block per role. Every query returning people's data
-- takes the viewer; import and quarantine counts are for admins only (NULL for anyone else).

-- name: overview_counts
-- How many conversations and messages the viewer can see; imports and quarantined records only
-- for admins (the figures describe the whole database, not the viewer's share).
SELECT
    (SELECT count(*) FROM conversations AS c
      WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)) AS conversations,
    (SELECT count(*) FROM messages AS m JOIN conversations AS c USING (conversation_id)
      WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)) AS messages,
    CASE WHEN list_contains($viewer_may, 'data.import') THEN (SELECT count(*) FROM quarantine) END AS quarantined,
    CASE WHEN list_contains($viewer_may, 'data.import') THEN (SELECT count(*) FROM imports) END AS imports,
    CASE WHEN list_contains($viewer_may, 'data.import') THEN (SELECT count(*) FROM conversation_scores) END AS scored;

-- name: home_my_assignments
-- The viewer's open assignments (queue and calibration), soonest due first, then oldest, with how
-- many there are, how many are overdue (due before $today) and due in the week from $today.
SELECT a.assignment_id, a.conversation_id, a.assigned_at, a.rule, a.calibration_session_id,
       a.due_date, c.agent_name, c.team, c.channel, c.created_at,
       count(*) OVER () AS open_total,
       count(a.calibration_session_id) OVER () AS calibration_total,
       count(*) FILTER (WHERE a.due_date < CAST($today AS DATE)) OVER () AS overdue_total,
       count(*) FILTER (WHERE a.due_date >= CAST($today AS DATE)
                          AND a.due_date < CAST($today AS DATE) + INTERVAL 7 DAY) OVER ()
           AS due_this_week_total
FROM review_assignments AS a
JOIN conversations AS c ON c.conversation_id = a.conversation_id
WHERE a.reviewer_id = $user_id AND a.status = 'open'
  AND visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
ORDER BY a.due_date NULLS LAST, a.assigned_at, a.assignment_id
LIMIT $limit;

-- name: home_feedback_to_acknowledge
-- Reviewed conversations of the viewer's agent whose current review they have not acknowledged.
SELECT c.conversation_id, c.created_at, c.channel, c.subject, lr.created_at AS reviewed_at,
       lr.quality_score, lr.critical_failed, lr.review_id,
       count(*) OVER () AS waiting_total
FROM latest_reviews AS lr
JOIN conversations AS c USING (conversation_id)
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
  AND c.agent_id = $agent_id
  AND NOT EXISTS (SELECT 1 FROM feedback_acknowledgements AS a
                   WHERE a.conversation_id = c.conversation_id AND a.review_id = lr.review_id)
ORDER BY lr.created_at DESC, c.conversation_id
LIMIT $limit;

-- name: home_my_disputes
-- The viewer's agent's disputes, open ones and outcomes, newest first.
SELECT d.dispute_id, d.conversation_id, d.rubric_id, d.criterion_id, d.status, d.opened_at,
       d.resolved_at, d.resolution_comment
FROM disputes AS d
JOIN conversations AS c ON c.conversation_id = d.conversation_id
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
  AND c.agent_id = $agent_id
ORDER BY d.status = 'open' DESC, coalesce(d.resolved_at, d.opened_at) DESC, d.dispute_id DESC
LIMIT $limit;

-- name: home_team_movers
-- Agents in the viewer's teams whose mean effective quality moved most between the last
-- $days days of data and the $days before (anchored on the newest visible conversation).
WITH anchor AS (
    SELECT max(c.created_at) AS last_at FROM conversations AS c
    WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
),
scored AS (
    SELECT c.agent_id, any_value(coalesce(c.agent_name, c.agent_id)) OVER (PARTITION BY c.agent_id) AS agent_name,
           c.team, e.quality_score,
           c.created_at > a.last_at - to_days($days::INTEGER) AS recent
    FROM conversations AS c
    JOIN effective_scores AS e USING (conversation_id)
    CROSS JOIN anchor AS a
    WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
      AND c.agent_id IS NOT NULL
      AND c.created_at > a.last_at - to_days(2 * $days::INTEGER)
      AND e.quality_score IS NOT NULL
)
SELECT agent_id, any_value(agent_name) AS agent_name, any_value(team) AS team,
       avg(quality_score) FILTER (WHERE recent) AS recent_quality,
       avg(quality_score) FILTER (WHERE NOT recent) AS previous_quality,
       avg(quality_score) FILTER (WHERE recent) - avg(quality_score) FILTER (WHERE NOT recent) AS change,
       count(*) FILTER (WHERE recent) AS recent_conversations,
       count(*) FILTER (WHERE NOT recent) AS previous_conversations
FROM scored
GROUP BY agent_id
HAVING count(*) FILTER (WHERE recent) > 0 AND count(*) FILTER (WHERE NOT recent) > 0
ORDER BY abs(change) DESC, agent_id
LIMIT $limit;

-- name: home_coaching_due
-- Coaching sessions in the viewer's teams whose goals fall due from $since on, soonest first,
-- and whether the agent has acknowledged them.
SELECT s.coaching_session_id, s.agent_id,
       coalesce((SELECT any_value(c.agent_name) FROM conversations AS c WHERE c.agent_id = s.agent_id),
                s.agent_id) AS agent_name,
       s.team, s.coach_id, s.held_at, s.due_date, s.acknowledged_at,
       (SELECT string_agg(f.rubric_id || '.' || f.criterion_id, ', ' ORDER BY f.rubric_id, f.criterion_id)
          FROM coaching_focus AS f WHERE f.coaching_session_id = s.coaching_session_id) AS focus
FROM coaching_sessions AS s
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, s.agent_id, s.team)
  AND s.due_date IS NOT NULL AND s.due_date >= $since
ORDER BY s.due_date, s.coaching_session_id
LIMIT $limit;

-- name: home_open_disputes
-- Disputes waiting for a decision that the viewer may see, oldest first, with the total.
SELECT d.dispute_id, d.conversation_id, d.rubric_id, d.criterion_id, d.opened_at, d.agent_comment,
       c.agent_name, c.team, count(*) OVER () AS open_total
FROM disputes AS d
JOIN conversations AS c ON c.conversation_id = d.conversation_id
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
  AND d.status = 'open'
ORDER BY d.opened_at, d.dispute_id
LIMIT $limit;

-- name: home_calibration_in_progress
-- Open calibration sessions with their progress (reviews done of conversations x reviewers).
SELECT s.calibration_session_id, s.title, s.created_at,
       (SELECT count(*) FROM calibration_conversations AS cc
         WHERE cc.calibration_session_id = s.calibration_session_id) AS conversations,
       (SELECT count(*) FROM calibration_participants AS p
         WHERE p.calibration_session_id = s.calibration_session_id) AS reviewers,
       (SELECT count(*) FROM current_reviews AS r
         WHERE r.calibration_session_id = s.calibration_session_id) AS done
FROM calibration_sessions AS s
WHERE s.status = 'open'
ORDER BY s.created_at DESC, s.calibration_session_id DESC
LIMIT $limit;
