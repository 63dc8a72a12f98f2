-- name: audit_log_entries
-- Audit trail rows, newest first, for admins only (other roles get no rows). Every filter is
-- optional: pass None to ignore it. `action` matches the action or its dotted prefix ("review"
-- matches review.submit and review.edit).
SELECT audit_id, occurred_at, actor, action, target, CAST(details AS VARCHAR) AS details
FROM audit_log
WHERE $viewer_role = 'admin'
  AND ($since IS NULL OR occurred_at >= CAST($since AS TIMESTAMP))
  AND ($until IS NULL OR occurred_at < CAST($until AS TIMESTAMP))
  AND ($actor IS NULL OR actor = $actor)
  AND ($action IS NULL OR action = $action OR starts_with(action, $action || '.'))
  AND ($target IS NULL OR contains(lower(target), lower($target)))
ORDER BY occurred_at DESC, audit_id DESC
LIMIT $limit

-- name: audit_log_facets
-- Distinct actors and actions in the audit trail (for the filter pickers), admins only.
SELECT 'actor' AS facet, actor AS value FROM audit_log WHERE $viewer_role = 'admin' GROUP BY actor
UNION ALL
SELECT 'action' AS facet, action AS value FROM audit_log WHERE $viewer_role = 'admin' GROUP BY action
ORDER BY facet, value
