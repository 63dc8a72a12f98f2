-- name: users_list
-- Every account (never the password hash), for admins only (other roles get no rows).
SELECT user_id, display_name, role, agent_id, teams, email, created_at, created_by, disabled,
       (SELECT max(s.last_seen_at) FROM sessions AS s WHERE s.user_id = u.user_id) AS last_seen_at
FROM users AS u
WHERE $viewer_role = 'admin'
ORDER BY disabled, role, user_id

-- name: known_agents
-- Agent ids in imported conversations (with the name and team seen most recently), for the
-- admin's account form; admins only.
SELECT agent_id, arg_max(agent_name, created_at) AS agent_name, arg_max(team, created_at) AS team
FROM conversations
WHERE $viewer_role = 'admin' AND agent_id IS NOT NULL
GROUP BY agent_id
ORDER BY agent_id

-- name: known_teams
-- Teams in imported conversations or already managed by an account; admins only.
SELECT DISTINCT team FROM (
    SELECT team FROM conversations WHERE team IS NOT NULL
    UNION ALL
    SELECT unnest(teams) AS team FROM users
)
WHERE $viewer_role = 'admin'
ORDER BY team
