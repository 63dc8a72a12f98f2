-- name: sign_in_lock_end_any_client
-- When the newest active lock on a login ends, whichever client it locks out (NULL: not locked).
SELECT max(locked_until) FROM sign_in_lockouts
WHERE scope = 'login' AND login = $login AND lifted_at IS NULL AND locked_until > $now

-- name: sign_in_lock_end
-- When the lock that keeps this client out of this login ends: a lock on the login from this
-- client (or from every client, '*'), or a lock on the client over all logins. NULL: none.
SELECT max(locked_until) FROM sign_in_lockouts
WHERE lifted_at IS NULL AND locked_until > $now AND (
    (scope = 'login' AND login = $login AND (client = $client OR client = '*'))
    OR (scope = 'client' AND client = $client))

-- name: sign_in_locked_logins
-- Every login locked right now: when its lock ends and how many clients it locks out.
SELECT login, max(locked_until) AS locked_until, count(DISTINCT client) AS clients
FROM sign_in_lockouts
WHERE scope = 'login' AND lifted_at IS NULL AND locked_until > $now
GROUP BY login

-- name: sign_in_lift_login_locks
-- An admin lifts every current lock on a login; one row per lock lifted.
UPDATE sign_in_lockouts SET lifted_at = $now, lifted_by = $actor
WHERE scope = 'login' AND login = $login AND lifted_at IS NULL AND locked_until > $now
RETURNING client

-- name: sign_in_failures_since
-- Failed sign-ins for any login since a moment (the server-wide slow-down).
SELECT count(*) FROM sign_in_attempts WHERE NOT succeeded AND attempted_at > $since

-- name: sign_in_login_failures
-- Failures for a login (from one client; NULL: from any) counted from the latest of: the window
-- start, the login's last success, the end (or lifting) of the last lock that applied.
SELECT count(*) FROM sign_in_attempts
WHERE login = $login AND NOT succeeded AND ($client IS NULL OR client = $client)
  AND attempted_at > greatest(
      $window_start,
      coalesce((SELECT max(attempted_at) FROM sign_in_attempts
                WHERE login = $login AND succeeded), $window_start),
      coalesce((SELECT max(coalesce(least(lifted_at, locked_until), locked_until))
                FROM sign_in_lockouts
                WHERE scope = 'login' AND login = $login
                  AND ($client IS NULL OR client = $client OR client = '*')
                  AND coalesce(least(lifted_at, locked_until), locked_until) <= $now),
               $window_start))

-- name: sign_in_client_failures
-- Failures from one client over all logins since the window start or its last client lock.
SELECT count(*) FROM sign_in_attempts
WHERE client = $client AND NOT succeeded
  AND attempted_at > greatest(
      $window_start,
      coalesce((SELECT max(coalesce(least(lifted_at, locked_until), locked_until))
                FROM sign_in_lockouts WHERE scope = 'client' AND client = $client
                  AND coalesce(least(lifted_at, locked_until), locked_until) <= $now),
               $window_start))

-- name: sign_in_guard_create
-- The login's guard row, created once so that claiming it later is an UPDATE.
INSERT INTO sign_in_guard (login, touched_at) VALUES ($login, $now) ON CONFLICT (login) DO NOTHING

-- name: sign_in_guard_claim
-- Claim the login for one attempt: a concurrent attempt for it conflicts until COMMIT.
UPDATE sign_in_guard SET touched_at = $now WHERE login = $login

-- name: sign_in_record_attempt
-- One sign-in attempt, successful or not.
INSERT INTO sign_in_attempts (login, attempted_at, succeeded, client)
VALUES ($login, $now, $ok, $client)

-- name: sign_in_lock_login
-- Lock one client out of one login until $until.
INSERT INTO sign_in_lockouts (login, locked_at, locked_until, client, scope)
VALUES ($login, $now, $until, $client, 'login')

-- name: sign_in_lock_client
-- Lock one client out of every login until $until.
INSERT INTO sign_in_lockouts (login, locked_at, locked_until, client, scope)
VALUES ('*', $now, $until, $client, 'client')
