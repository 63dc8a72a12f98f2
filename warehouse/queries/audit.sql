-- name: audit_log_entries
-- Audit trail rows, newest first, for admins only (other roles get no rows). Every filter is
-- optional: pass None to ignore it. `action` matches the action or its dotted prefix ("review"
-- matches review.submit and review.edit).
SELECT audit_id, occurred_at, actor, action, target, CAST(details AS VARCHAR) AS details
FROM audit_log
WHERE list_contains($viewer_may, 'audit.view')
  AND ($since IS NULL OR occurred_at >= CAST($since AS TIMESTAMP))
  AND ($until IS NULL OR occurred_at < CAST($until AS TIMESTAMP))
  AND ($actor IS NULL OR actor = $actor)
  AND ($action IS NULL OR action = $action OR starts_with(action, $action || '.'))
  AND ($target IS NULL OR contains(lower(target), lower($target)))
ORDER BY occurred_at DESC, audit_id DESC
LIMIT $limit

-- name: audit_log_facets
-- Distinct actors and actions in the audit trail (for the filter pickers), admins only.
SELECT 'actor' AS facet, actor AS value FROM audit_log WHERE list_contains($viewer_may, 'audit.view') GROUP BY actor
UNION ALL
SELECT 'action' AS facet, action AS value FROM audit_log WHERE list_contains($viewer_may, 'audit.view') GROUP BY action
ORDER BY facet, value

-- name: audit_append
-- Append one audit row chained to the newest one (migration 008): its prev_hash is the head's
-- hash, its entry_hash covers that and the row's own fields. Run with the audit chain lock held,
-- inside the writer's transaction, followed by audit_head_move.
INSERT INTO audit_log (audit_id, occurred_at, actor, action, target, details, prev_hash, entry_hash)
SELECT n.audit_id, r.occurred_at, r.actor, r.action, r.target, r.details, h.entry_hash,
       audit_entry_hash(
           h.entry_hash,
           audit_canonical(n.audit_id, r.occurred_at, r.actor, r.action, r.target, r.details)
       )
FROM (
    SELECT CAST($at AS TIMESTAMP) AS occurred_at, CAST($actor AS VARCHAR) AS actor,
           CAST($action AS VARCHAR) AS action, CAST($target AS VARCHAR) AS target,
           CAST($details AS JSON) AS details
) AS r, (SELECT nextval('audit_id_seq') AS audit_id) AS n, audit_head AS h
RETURNING audit_id, entry_hash

-- name: audit_head_move
-- The chain's head now is the row just appended (a second writer extending the same head in
-- another transaction conflicts here instead of forking the chain).
UPDATE audit_head SET audit_id = $audit_id, entry_hash = $entry_hash

-- name: audit_chain_breaks
-- Rows where the chain is broken, oldest first: a row whose fields no longer give its hash
-- (edited), whose prev_hash is not the hash of the row before it (a row deleted or inserted
-- before it), or a head that is not the newest row (newest rows deleted). Admins only.
WITH ordered AS (
    SELECT audit_id, occurred_at, actor, action, prev_hash, entry_hash,
           audit_entry_hash(
               prev_hash, audit_canonical(audit_id, occurred_at, actor, action, target, details)
           ) AS recomputed,
           coalesce(lag(entry_hash) OVER (ORDER BY audit_id), '') AS previous_hash,
           lag(audit_id) OVER (ORDER BY audit_id) AS previous_id
    FROM audit_log
), breaks AS (
    SELECT audit_id, occurred_at, actor, action,
           CASE
               WHEN entry_hash IS NULL OR prev_hash IS NULL THEN 'its hash is missing'
               WHEN entry_hash <> recomputed THEN 'its contents were changed after it was written'
               WHEN prev_hash <> previous_hash THEN
                   CASE WHEN previous_id IS NULL THEN 'the entries before it were deleted'
                        ELSE 'an entry between #' || previous_id || ' and it was deleted or altered'
                   END
           END AS problem
    FROM ordered
    UNION ALL
    SELECT h.audit_id, NULL, NULL, NULL,
           'the newest entries (up to #' || h.audit_id || ') were deleted'
    FROM audit_head AS h
    WHERE h.audit_id > 0
      AND (h.audit_id <> coalesce((SELECT max(audit_id) FROM audit_log), 0)
           OR h.entry_hash <> coalesce(
               (SELECT entry_hash FROM audit_log ORDER BY audit_id DESC LIMIT 1), ''))
)
SELECT audit_id, occurred_at, actor, action, problem
FROM breaks
WHERE list_contains($viewer_may, 'audit.view') AND problem IS NOT NULL
ORDER BY audit_id
LIMIT $limit

-- name: audit_chain_size
-- How many entries the chain holds and the newest hash (to note down elsewhere). Admins only.
SELECT count(*) AS entries, any_value(h.entry_hash) AS head_hash, any_value(h.audit_id) AS head_id
FROM audit_log, audit_head AS h
WHERE list_contains($viewer_may, 'audit.view')
