-- Sign-in accounts, sign-in attempts (for throttling and lockout), browser sessions, and the
-- append-only audit trail. Passwords are stored only as argon2id hashes (warehouse/passwords.py);
-- session tokens only as sha256 hashes, so a copy of the database file grants no one a session.

CREATE TABLE users (
    user_id VARCHAR PRIMARY KEY,            -- the login name; used as actor/reviewer everywhere
    display_name VARCHAR NOT NULL,
    role VARCHAR NOT NULL CHECK (role IN ('admin', 'qa_lead', 'reviewer', 'manager', 'agent')),
    agent_id VARCHAR,                       -- role agent: the agent id in conversations
    teams VARCHAR[] NOT NULL DEFAULT [],    -- role manager: the teams they manage
    password_hash VARCHAR NOT NULL,         -- argon2id, PHC string
    created_at TIMESTAMP NOT NULL,
    created_by VARCHAR,
    password_changed_at TIMESTAMP,
    disabled BOOLEAN NOT NULL DEFAULT false,
    CHECK (role <> 'agent' OR agent_id IS NOT NULL),
    CHECK (role <> 'manager' OR len(teams) > 0)
);

-- Every sign-in attempt, kept for throttling: N failures within a window lock the login.
CREATE TABLE sign_in_attempts (
    login VARCHAR NOT NULL,                 -- as typed (lower-cased), whether or not it exists
    attempted_at TIMESTAMP NOT NULL,
    succeeded BOOLEAN NOT NULL
);

-- When a login was locked and until when (one row per lockout; the latest decides).
CREATE TABLE sign_in_lockouts (
    login VARCHAR NOT NULL,
    locked_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
    token_hash VARCHAR PRIMARY KEY,         -- sha256 hex of the random token held by the browser session
    user_id VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,          -- absolute limit; idle timeout comes from last_seen_at
    ended_at TIMESTAMP                      -- signed out or revoked
);

-- Append-only: warehouse/audit.py only ever INSERTs here (a test greps the code base for any
-- UPDATE/DELETE on this table).
CREATE SEQUENCE audit_id_seq START 1;
CREATE TABLE audit_log (
    audit_id BIGINT PRIMARY KEY DEFAULT nextval('audit_id_seq'),
    occurred_at TIMESTAMP NOT NULL,         -- UTC ("at" is a reserved word in DuckDB)
    actor VARCHAR NOT NULL,                 -- user_id, or 'system' for batch jobs
    action VARCHAR NOT NULL,                -- dotted verb: sign_in.ok, review.submit, user.add ...
    target VARCHAR,                         -- what it acted on: a login, conversation id, file name
    details JSON
);
