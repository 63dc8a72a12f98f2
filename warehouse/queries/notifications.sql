-- Notifications, derived from the tables other features already write (reviews, disputes,
-- review_assignments): nothing stores a notification, so no write path has to create one.
-- Migration 011 keeps only read marks, e-mail addresses and deliveries. A notification's key
-- names its kind and source row ('feedback:42'), so it is stable across runs.

-- name: notifications
-- The notifications of $recipient (a user_id; NULL = everyone's, for `qa notify` with the system
-- viewer), newest first, with whether the recipient has read each. Kinds and recipients:
--   feedback         a review of an agent's conversation (outside calibration) -> that agent
--   dispute_opened   an agent disputed a criterion -> the reviewer, QA leads, the team's managers
--   dispute_resolved a dispute was upheld or changed -> the agent who opened it, the reviewer
--   assigned         conversations put in a reviewer's queue (grouped per minute and assigner;
--                    due_date: the soonest due date among them, if any)
-- Nobody is told about their own action; disabled accounts get nothing. $since (NULL = all)
-- keeps events that happened at or after it. Scoped: a viewer other than admin gets rows about
-- conversations they may see only.
WITH people AS (
    SELECT user_id, role, agent_id, teams FROM users WHERE NOT disabled
),
feedback AS (
    SELECT 'feedback:' || r.review_id AS notification_key, p.user_id AS recipient_id,
           'feedback' AS kind, r.created_at AS occurred_at, r.conversation_id, c.agent_id, c.team,
           r.written_by AS actor_id, r.version AS review_version
    FROM reviews AS r
    JOIN conversations AS c USING (conversation_id)
    JOIN people AS p ON p.role = 'agent' AND p.agent_id = c.agent_id
    WHERE r.calibration_session_id IS NULL AND r.status = 'submitted'
      AND p.user_id <> r.written_by
),
disputed AS (
    SELECT d.*, r.reviewer_id, r.rubric_set_hash, c.agent_id, c.team
    FROM disputes AS d
    JOIN reviews AS r ON r.review_id = d.review_id
    JOIN conversations AS c ON c.conversation_id = d.conversation_id
),
dispute_opened AS (
    SELECT DISTINCT 'dispute_opened:' || d.dispute_id AS notification_key,
           p.user_id AS recipient_id, 'dispute_opened' AS kind, d.opened_at AS occurred_at,
           d.conversation_id, d.agent_id, d.team, d.opened_by AS actor_id, d.rubric_id,
           d.criterion_id, d.rubric_set_hash
    FROM disputed AS d
    JOIN people AS p
      ON p.user_id = d.reviewer_id
      OR p.role = 'qa_lead'
      OR (p.role = 'manager' AND coalesce(list_contains(p.teams, d.team), false))
    WHERE p.user_id <> d.opened_by
),
dispute_resolved AS (
    SELECT DISTINCT 'dispute_resolved:' || d.dispute_id AS notification_key,
           p.user_id AS recipient_id, 'dispute_resolved' AS kind, d.resolved_at AS occurred_at,
           d.conversation_id, d.agent_id, d.team, d.resolved_by AS actor_id, d.rubric_id,
           d.criterion_id, d.rubric_set_hash, d.status AS outcome
    FROM disputed AS d
    JOIN people AS p ON p.user_id = d.opened_by OR p.user_id = d.reviewer_id
    WHERE d.status <> 'open' AND d.resolved_at IS NOT NULL AND p.user_id <> d.resolved_by
),
assigned AS (
    SELECT 'assigned:' || a.reviewer_id || ':'
               || coalesce(CAST(a.calibration_session_id AS VARCHAR), 'queue') || ':'
               || a.assigned_by || ':'
               || strftime(date_trunc('minute', a.assigned_at), '%Y%m%dT%H%M') AS notification_key,
           a.reviewer_id AS recipient_id, 'assigned' AS kind, min(a.assigned_at) AS occurred_at,
           a.assigned_by AS actor_id, CAST(count(*) AS INTEGER) AS assigned_count,
           CAST(count(*) FILTER (WHERE a.status = 'open') AS INTEGER) AS still_open,
           any_value(cs.title) AS session_title, min(a.due_date) AS due_date
    FROM review_assignments AS a
    JOIN people AS p ON p.user_id = a.reviewer_id
    LEFT JOIN calibration_sessions AS cs USING (calibration_session_id)
    WHERE a.assigned_by <> a.reviewer_id
    GROUP BY a.reviewer_id, a.calibration_session_id, a.assigned_by,
             date_trunc('minute', a.assigned_at)
),
events AS (  -- BY NAME: a column one kind lacks is NULL for it
    SELECT * FROM feedback
    UNION ALL BY NAME SELECT * FROM dispute_opened
    UNION ALL BY NAME SELECT * FROM dispute_resolved
    UNION ALL BY NAME SELECT * FROM assigned
)
SELECT e.notification_key, e.recipient_id, e.kind, e.occurred_at, e.conversation_id, e.agent_id,
       e.team, e.actor_id, coalesce(actor.display_name, e.actor_id) AS actor_name,
       coalesce(recipient.display_name, e.recipient_id) AS recipient_name,
       e.review_version, e.rubric_id, e.criterion_id, e.rubric_set_hash, e.outcome,
       e.assigned_count, e.still_open, e.session_title, e.due_date,
       nr.read_at IS NOT NULL AS is_read
FROM events AS e
LEFT JOIN users AS actor ON actor.user_id = e.actor_id
LEFT JOIN users AS recipient ON recipient.user_id = e.recipient_id
LEFT JOIN notification_reads AS nr
  ON nr.user_id = e.recipient_id AND nr.notification_key = e.notification_key
WHERE (CAST($recipient AS VARCHAR) IS NULL AND list_contains($viewer_may, 'notifications.view_all')
       OR e.recipient_id = $recipient)
  AND CASE WHEN e.conversation_id IS NULL  -- assignments: reviewers' business only
           THEN list_contains($viewer_may, 'review.submit')
           ELSE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, e.agent_id, e.team) END
  AND (CAST($since AS TIMESTAMP) IS NULL OR e.occurred_at >= $since)
ORDER BY e.occurred_at DESC, e.notification_key, e.recipient_id
LIMIT $limit

-- name: mark_notification_read
-- Remember that $user_id has read $notification_key (reading twice keeps the first time).
INSERT INTO notification_reads (user_id, notification_key, read_at)
VALUES ($user_id, $notification_key, $read_at)
ON CONFLICT DO NOTHING

-- name: notification_address
-- The address a person chose for e-mailed notifications (no row: no e-mail).
SELECT email FROM notification_addresses WHERE user_id = $user_id

-- name: notification_addresses
-- Every person's chosen e-mail address (for `qa notify`, the system viewer), disabled accounts
-- left out.
SELECT a.user_id, a.email, a.updated_at
FROM notification_addresses AS a
JOIN users AS u USING (user_id)
WHERE NOT u.disabled AND list_contains($viewer_may, 'users.manage')

-- name: set_notification_address
INSERT INTO notification_addresses (user_id, email, updated_at)
VALUES ($user_id, $email, $updated_at)
ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, updated_at = excluded.updated_at

-- name: delete_notification_address
DELETE FROM notification_addresses WHERE user_id = $user_id

-- name: notification_channel_enabled_at
-- When a delivery channel was first set up (no row: never).
SELECT enabled_at FROM notification_channels WHERE channel = $channel

-- name: enable_notification_channel
INSERT INTO notification_channels (channel, enabled_at) VALUES ($channel, $enabled_at)
ON CONFLICT DO NOTHING

-- name: notification_deliveries
-- Keys already claimed or sent through $channel, with their recipient ('' for the webhook).
SELECT recipient, notification_key, sent_at FROM notification_deliveries WHERE channel = $channel

-- name: claim_notification_delivery
-- Claim one delivery; returns a row only for the process that claimed it first.
INSERT INTO notification_deliveries (channel, recipient, notification_key, claimed_at)
VALUES ($channel, $recipient, $notification_key, $claimed_at)
ON CONFLICT DO NOTHING
RETURNING notification_key

-- name: mark_notification_sent
UPDATE notification_deliveries SET sent_at = $sent_at
WHERE channel = $channel AND recipient = $recipient AND notification_key = $notification_key

-- name: release_notification_delivery
-- A send failed: drop the claim so the next run tries again.
DELETE FROM notification_deliveries
WHERE channel = $channel AND recipient = $recipient AND notification_key = $notification_key
  AND sent_at IS NULL
