-- name: users_list
-- Every account (never the password hash), for admins only (other roles get no rows).
SELECT user_id, display_name, role, agent_id, teams, created_at, created_by, disabled,
       (SELECT max(s.last_seen_at) FROM sessions AS s WHERE s.user_id = u.user_id) AS last_seen_at
FROM users AS u
WHERE $viewer_role = 'admin'
ORDER BY disabled, role, user_id
