-- Coaching sessions (a coach and an agent work on a few criteria), calibration sessions (the same
-- conversations put to several reviewers) and agents' acknowledgements of feedback.
-- warehouse/coaching.py and warehouse/calibration.py write these tables.
--
-- Reviews written inside a calibration session are ordinary rows of `reviews` (003) with
-- `reviews.calibration_session_id` set; assignments likewise (`review_assignments`).

CREATE SEQUENCE coaching_session_id_seq START 1;
CREATE SEQUENCE calibration_session_id_seq START 1;
CREATE SEQUENCE acknowledgement_id_seq START 1;

CREATE TABLE coaching_sessions (
    coaching_session_id BIGINT PRIMARY KEY,
    agent_id VARCHAR NOT NULL,             -- conversations.agent_id of the coached agent
    team VARCHAR,                          -- the agent's team when coached (managers see their teams)
    coach_id VARCHAR NOT NULL,             -- user_id of the coach (manager, reviewer, QA lead)
    notes VARCHAR,                         -- plain text, never rendered as HTML
    goals VARCHAR,
    due_date DATE,                         -- when the goals should be met
    held_at TIMESTAMP NOT NULL,            -- when the session took place: splits before / after
    created_at TIMESTAMP NOT NULL,
    acknowledged_at TIMESTAMP,             -- the agent confirmed they have read it
    agent_response VARCHAR                 -- the agent's note when acknowledging
);

-- The criteria a coaching session focuses on.
CREATE TABLE coaching_focus (
    coaching_session_id BIGINT NOT NULL,
    rubric_id VARCHAR NOT NULL,
    criterion_id VARCHAR NOT NULL
);

-- The reviewed conversations a coaching session was built from (with the review that counted).
CREATE TABLE coaching_sources (
    coaching_session_id BIGINT NOT NULL,
    conversation_id VARCHAR NOT NULL,
    review_id BIGINT                       -- reviews.review_id; NULL when only auto-scored
);

CREATE TABLE calibration_sessions (
    calibration_session_id BIGINT PRIMARY KEY,
    title VARCHAR NOT NULL,
    created_by VARCHAR NOT NULL,           -- user_id of the QA lead
    created_at TIMESTAMP NOT NULL,
    scheduled_for TIMESTAMP,               -- when the group discusses the results
    status VARCHAR NOT NULL,               -- open | closed
    notes VARCHAR
);

CREATE TABLE calibration_conversations (
    calibration_session_id BIGINT NOT NULL,
    conversation_id VARCHAR NOT NULL,
    position INTEGER NOT NULL              -- order in which reviewers see them
);

CREATE TABLE calibration_participants (
    calibration_session_id BIGINT NOT NULL,
    user_id VARCHAR NOT NULL,              -- a reviewer (or QA lead) asked to review every conversation
    added_at TIMESTAMP NOT NULL
);

-- An agent's "I have read this" on a reviewed conversation (append-only: the newest counts).
CREATE TABLE feedback_acknowledgements (
    acknowledgement_id BIGINT PRIMARY KEY,
    conversation_id VARCHAR NOT NULL,
    review_id BIGINT,                      -- the review version acknowledged
    agent_id VARCHAR NOT NULL,
    user_id VARCHAR NOT NULL,              -- who clicked (the agent's login)
    note VARCHAR,
    acknowledged_at TIMESTAMP NOT NULL
);
