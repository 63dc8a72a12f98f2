-- name: session_forget_expired
-- Housekeeping: sessions over for a month (sign-ins stay in the audit log).
DELETE FROM sessions WHERE expires_at < $cutoff

-- name: session_create
-- A new browser session; only the sha256 of its token is stored.
INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, ended_at,
                      auth_method)
VALUES ($hash, $user, $now, $now, $expires, NULL, $method)

-- name: session_with_user
-- A session by token hash with its account as it is now (role changes apply at once).
SELECT s.last_seen_at, s.expires_at, s.ended_at, u.user_id, u.display_name, u.role,
       u.agent_id, u.teams, u.disabled
FROM sessions AS s JOIN users AS u USING (user_id)
WHERE s.token_hash = $hash

-- name: session_touch
-- Record activity on a session (at most once a minute).
UPDATE sessions SET last_seen_at = $now WHERE token_hash = $hash

-- name: session_expires_at
-- The absolute end of a session (the cookie's lifetime).
SELECT expires_at FROM sessions WHERE token_hash = $hash

-- name: session_end
-- Sign out one session; a row only if it was still open.
UPDATE sessions SET ended_at = $now WHERE token_hash = $hash AND ended_at IS NULL
RETURNING user_id, auth_method

-- name: sessions_end_for_user
-- End every open session of an account (password or role changed, account disabled).
UPDATE sessions SET ended_at = $now WHERE user_id = $login AND ended_at IS NULL
