-- Sign-in hardening (lockout per login AND per client, admin unlock), browser sessions that
-- survive a reload (the cookie route in dashboard/server.py), and company sign-in (OIDC) matched
-- to accounts by e-mail. See warehouse/authentication.py and warehouse/sessions.py.

-- Which client (IP address as the server saw it, '' when unknown) made each attempt.
ALTER TABLE sign_in_attempts ADD COLUMN client VARCHAR NOT NULL DEFAULT '';

-- A lockout now names the client it applies to ('*' = every client: a client locked for all
-- logins, or an old per-login lockout) and can be lifted early by an admin.
ALTER TABLE sign_in_lockouts ADD COLUMN client VARCHAR NOT NULL DEFAULT '*';
ALTER TABLE sign_in_lockouts ADD COLUMN scope VARCHAR NOT NULL DEFAULT 'login';  -- 'login' | 'client'
ALTER TABLE sign_in_lockouts ADD COLUMN lifted_at TIMESTAMP;
ALTER TABLE sign_in_lockouts ADD COLUMN lifted_by VARCHAR;

-- One row per login that has tried to sign in: updating it inside the sign-in transaction makes
-- two concurrent attempts for one login conflict, so they are checked one after the other.
CREATE TABLE sign_in_guard (
    login VARCHAR PRIMARY KEY,
    touched_at TIMESTAMP NOT NULL
);

-- How a session was started ('password' or 'oidc'), so signing out of an OIDC session also
-- ends the identity provider's cookie in this app.
ALTER TABLE sessions ADD COLUMN auth_method VARCHAR NOT NULL DEFAULT 'password';

-- Company sign-in (OIDC): the identity provider's e-mail matched to an account (lower-case,
-- unique among accounts: enforced in warehouse/users.py).
ALTER TABLE users ADD COLUMN email VARCHAR;
