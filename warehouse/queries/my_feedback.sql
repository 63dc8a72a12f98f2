-- An agent's own feedback: reviewed conversations, the reviewers' criteria, comments and evidence,
-- acknowledgements and disputes. Every query is scoped by visible_to(...), so an agent viewer
-- gets only their own rows whatever $agent_id or $conversation_id is passed.

-- name: my_reviewed_conversations
-- Reviewed conversations ($agent_id NULL = every visible agent), newest review first, with
-- whether the agent has acknowledged the current review and how many disputes are open.
SELECT
    c.conversation_id, c.agent_id, c.agent_name, c.created_at, c.channel, c.subject,
    lr.review_id, lr.reviewer_id, coalesce(ru.display_name, lr.reviewer_id) AS reviewer_name,
    lr.created_at AS reviewed_at, lr.quality_score,
    s.quality_score AS auto_quality_score, lr.critical_failed, lr.overall_comment,
    EXISTS (SELECT 1 FROM feedback_acknowledgements AS a
             WHERE a.conversation_id = c.conversation_id AND a.review_id = lr.review_id) AS acknowledged,
    (SELECT count(*) FROM disputes AS d
      WHERE d.conversation_id = c.conversation_id AND d.status = 'open') AS open_disputes
FROM latest_reviews AS lr
JOIN conversations AS c USING (conversation_id)
LEFT JOIN conversation_scores AS s USING (conversation_id)
LEFT JOIN users AS ru ON ru.user_id = lr.reviewer_id
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
  AND ($agent_id IS NULL OR c.agent_id = $agent_id)
ORDER BY lr.created_at DESC, c.conversation_id
LIMIT $limit;

-- name: my_review_criteria
-- The criteria of the review that counts for one conversation, with the auto-scorer's rationale
-- and evidence quotes beside the reviewer's verdict.
SELECT
    rc.rubric_id, rc.criterion_id, rc.value, rc.score, rc.na, rc.failed, rc.critical,
    rc.overridden, rc.override_reason, k.value AS auto_value, k.na AS auto_na,
    k.rationale, k.evidence, lr.review_id
FROM latest_reviews AS lr
JOIN conversations AS c USING (conversation_id)
JOIN review_criteria AS rc ON rc.review_id = lr.review_id
LEFT JOIN criterion_scores AS k
  ON k.conversation_id = lr.conversation_id AND k.rubric_id = rc.rubric_id
 AND k.criterion_id = rc.criterion_id
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
  AND lr.conversation_id = $conversation_id
ORDER BY rc.failed DESC, rc.rubric_id, rc.criterion_id;

-- name: my_comments
-- Reviewers' comments on one conversation (plain text), oldest first.
SELECT m.comment_id, m.review_id, m.message_index, m.author_id,
       coalesce(u.display_name, m.author_id) AS author_name, m.body, m.created_at
FROM comments AS m
JOIN conversations AS c USING (conversation_id)
LEFT JOIN users AS u ON u.user_id = m.author_id
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
  AND m.conversation_id = $conversation_id
ORDER BY m.created_at, m.comment_id;

-- name: my_messages
-- The transcript of one conversation the viewer may see (internal notes are for staff, not agents).
SELECT m.message_index, m.role, m.author, m.text, m.sent_at, m.internal
FROM messages AS m
JOIN conversations AS c USING (conversation_id)
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
  AND m.conversation_id = $conversation_id
  AND (NOT m.internal OR list_contains($viewer_may, 'notes.read_internal'))
ORDER BY m.message_index;

-- name: my_disputes
-- Disputes on the viewer's visible conversations ($agent_id NULL = all), newest first.
-- The person who decided is named by their account's display name (`resolved_by_name`).
SELECT d.dispute_id, d.conversation_id, d.rubric_id, d.criterion_id, d.agent_comment, d.opened_at,
       d.status, d.resolved_by, coalesce(u.display_name, d.resolved_by) AS resolved_by_name,
       d.resolution_comment, d.resolved_at
FROM disputes AS d
JOIN conversations AS c USING (conversation_id)
LEFT JOIN users AS u ON u.user_id = d.resolved_by
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
  AND ($agent_id IS NULL OR c.agent_id = $agent_id)
ORDER BY d.opened_at DESC;

-- name: my_feedback_summary
-- Headline figures for one agent (or all visible): conversations, reviewed, mean effective
-- quality in the last 30 days of their data and in the 30 days before that.
WITH scoped AS (
    SELECT c.created_at, e.quality_score, e.score_source
    FROM conversations AS c
    JOIN effective_scores AS e USING (conversation_id)
    WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
      AND ($agent_id IS NULL OR c.agent_id = $agent_id)
),
latest AS (SELECT max(created_at) AS last_at FROM scoped)
SELECT
    count(*) AS conversations,
    count(*) FILTER (WHERE score_source = 'review') AS reviewed,
    avg(quality_score) FILTER (WHERE created_at > last_at - INTERVAL 30 DAY) AS last_30_days,
    avg(quality_score) FILTER (WHERE created_at <= last_at - INTERVAL 30 DAY
                                 AND created_at > last_at - INTERVAL 60 DAY) AS previous_30_days
FROM scoped, latest;

-- name: insert_feedback_acknowledgement
-- Records "I have read this" for a conversation the viewer may see (no row otherwise).
INSERT INTO feedback_acknowledgements
    (acknowledgement_id, conversation_id, review_id, agent_id, user_id, note, acknowledged_at)
SELECT nextval('acknowledgement_id_seq'), c.conversation_id, $review_id, c.agent_id, $user_id,
       $note, $acknowledged_at
FROM conversations AS c
WHERE c.conversation_id = $conversation_id
  AND visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team);
