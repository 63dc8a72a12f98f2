-- name: users_list
-- Every account (never the password hash), for admins only (other roles get no rows).
SELECT user_id, display_name, role, agent_id, teams, email, created_at, created_by, disabled,
       (SELECT max(s.last_seen_at) FROM sessions AS s WHERE s.user_id = u.user_id) AS last_seen_at
FROM users AS u
WHERE list_contains($viewer_may, 'users.manage')
ORDER BY disabled, role, user_id

-- name: known_agents
-- Agent ids in imported conversations (with the name and team seen most recently), for the
-- admin's account form; admins only.
SELECT agent_id, arg_max(agent_name, created_at) AS agent_name, arg_max(team, created_at) AS team
FROM conversations
WHERE list_contains($viewer_may, 'users.manage') AND agent_id IS NOT NULL
GROUP BY agent_id
ORDER BY agent_id

-- name: known_teams
-- Teams in imported conversations or already managed by an account; admins only.
SELECT DISTINCT team FROM (
    SELECT team FROM conversations WHERE team IS NOT NULL
    UNION ALL
    SELECT unnest(teams) AS team FROM users
)
WHERE list_contains($viewer_may, 'users.manage')
ORDER BY team

-- name: agent_ids_in_use
-- Every agent id a conversation or an account has (checking an account form; no viewer: the
-- caller is users.manage-checked and gets ids only).
SELECT DISTINCT agent_id FROM conversations WHERE agent_id IS NOT NULL
UNION SELECT agent_id FROM users WHERE agent_id IS NOT NULL

-- name: teams_in_use
-- Every team a conversation has or an account manages (checking an account form).
SELECT DISTINCT team FROM conversations WHERE team IS NOT NULL
UNION SELECT unnest(teams) FROM users

-- name: user_by_email_other_than
-- The account (other than $login) that already has this e-mail.
SELECT user_id FROM users WHERE email = $email AND user_id <> $login

-- name: user_ids_by_email
-- The accounts with this e-mail (company sign-in matches exactly one).
SELECT user_id FROM users WHERE email = $email

-- name: user_with_password_hash
-- One account with its password hash (for warehouse.access.authentication only).
SELECT user_id, display_name, role, agent_id, teams, disabled, password_hash, email
FROM users WHERE user_id = $login

-- name: user_add
-- A new account; only the password's hash is stored.
INSERT INTO users (user_id, display_name, role, agent_id, teams, password_hash,
                   created_at, created_by, password_changed_at, disabled, email)
VALUES ($login, $name, $role, $agent_id, $teams, $hash, $now, $by, $now, false, $email)

-- name: active_admin_count
-- Enabled admin accounts (the last one may not be disabled or demoted).
SELECT count(*) FROM users WHERE role = 'admin' AND NOT disabled

-- name: user_set_disabled
-- Disable or enable an account.
UPDATE users SET disabled = $disabled WHERE user_id = $login

-- name: user_set_role
-- An account's role, agent id and teams.
UPDATE users SET role = $role, agent_id = $agent_id, teams = $teams WHERE user_id = $login

-- name: user_set_password
-- A new password (its hash) chosen by the user or an admin.
UPDATE users SET password_hash = $hash, password_changed_at = $now WHERE user_id = $login

-- name: user_rehash_password
-- The same password hashed again with today's parameters at sign-in (not a password change).
UPDATE users SET password_hash = $hash WHERE user_id = $login

-- name: user_set_email
-- The e-mail company sign-in matches to this account (NULL: none).
UPDATE users SET email = $email WHERE user_id = $login

-- name: user_count
-- How many accounts exist (first run: none yet).
SELECT count(*) FROM users
