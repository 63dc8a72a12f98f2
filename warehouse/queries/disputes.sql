-- name: disputes
-- Disputes the viewer may see; $statuses e.g. ['open'], $conversation_id NULL = all conversations.
-- People are named by display name (`*_name`); the logins stay for links and checks.
SELECT d.dispute_id, d.review_id, d.conversation_id, d.rubric_id, d.criterion_id, d.opened_by,
       d.agent_comment, d.opened_at, d.status, d.resolved_by, d.resolution_comment, d.resolved_at,
       d.resulting_review_id, r.reviewer_id, c.agent_id, c.agent_name, c.team,
       coalesce(ru.display_name, r.reviewer_id) AS reviewer_name,
       coalesce(du.display_name, d.resolved_by) AS resolved_by_name,
       coalesce(ou.display_name, d.opened_by) AS opened_by_name
FROM disputes AS d
JOIN conversations AS c ON c.conversation_id = d.conversation_id
JOIN reviews AS r ON r.review_id = d.review_id
LEFT JOIN users AS ru ON ru.user_id = r.reviewer_id
LEFT JOIN users AS du ON du.user_id = d.resolved_by
LEFT JOIN users AS ou ON ou.user_id = d.opened_by
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
  AND list_contains(CAST($statuses AS VARCHAR[]), d.status)
  AND (CAST($conversation_id AS VARCHAR) IS NULL OR d.conversation_id = $conversation_id)
ORDER BY d.status = 'open' DESC, d.opened_at DESC, d.dispute_id DESC
LIMIT $limit

-- name: dispute_by_id
SELECT d.*, c.agent_id, c.team
FROM disputes AS d
JOIN conversations AS c ON c.conversation_id = d.conversation_id
WHERE d.dispute_id = $dispute_id
  AND visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)

-- name: open_dispute_exists
SELECT count(*) AS n FROM disputes
WHERE review_id = $review_id AND rubric_id = $rubric_id AND criterion_id = $criterion_id
  AND status = 'open'

-- name: insert_dispute
INSERT INTO disputes
    (dispute_id, review_id, conversation_id, rubric_id, criterion_id, opened_by, agent_comment,
     opened_at, status)
VALUES (nextval('dispute_id_seq'), $review_id, $conversation_id, $rubric_id, $criterion_id,
        $opened_by, $agent_comment, $opened_at, 'open')
RETURNING dispute_id

-- name: resolve_dispute
UPDATE disputes
SET status = $status, resolved_by = $resolved_by, resolution_comment = $resolution_comment,
    resolved_at = $resolved_at, resulting_review_id = $resulting_review_id
WHERE dispute_id = $dispute_id AND status = 'open'
RETURNING dispute_id
