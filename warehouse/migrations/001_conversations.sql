-- Conversations as imported, the imports that brought them, and the records that were refused.
-- All timestamps are UTC (naive TIMESTAMP); importers normalise offsets.

CREATE SEQUENCE import_id_seq START 1;
CREATE SEQUENCE quarantine_id_seq START 1;

CREATE TABLE imports (
    import_id BIGINT PRIMARY KEY,
    file_name VARCHAR NOT NULL,
    file_path VARCHAR,
    content_hash VARCHAR NOT NULL,      -- sha256 of the file's bytes
    format VARCHAR NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    records_read BIGINT DEFAULT 0,
    conversations_new BIGINT DEFAULT 0,
    conversations_updated BIGINT DEFAULT 0,
    conversations_unchanged BIGINT DEFAULT 0,
    quarantined BIGINT DEFAULT 0,
    status VARCHAR NOT NULL,            -- running | done | failed
    message VARCHAR
);

CREATE TABLE conversations (
    conversation_id VARCHAR NOT NULL,   -- unique; helpdesk formats prefix their own id (zendesk:123)
    source_format VARCHAR,
    channel VARCHAR,                    -- chat | email | phone | social | sms | web | other
    created_at TIMESTAMP,
    status VARCHAR,
    agent_id VARCHAR,
    agent_name VARCHAR,
    team VARCHAR,
    customer_id VARCHAR,
    customer_name VARCHAR,
    csat SMALLINT,                      -- 1-5
    nps SMALLINT,                       -- 0-10
    ces SMALLINT,                       -- 1-7
    tags VARCHAR[],
    subject VARCHAR,
    message_count INTEGER NOT NULL,
    content_hash VARCHAR NOT NULL,      -- hash of the canonical record: decides new/changed/unchanged
    import_id BIGINT,
    imported_at TIMESTAMP NOT NULL
);

CREATE TABLE messages (
    conversation_id VARCHAR NOT NULL,
    message_index INTEGER NOT NULL,     -- 0-based order within the conversation
    role VARCHAR NOT NULL,              -- customer | agent | bot | system
    author VARCHAR,
    text VARCHAR NOT NULL,
    sent_at TIMESTAMP,
    internal BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE quarantine (
    quarantine_id BIGINT PRIMARY KEY,
    import_id BIGINT,
    file_name VARCHAR NOT NULL,
    position VARCHAR NOT NULL,          -- "line 17", "row 4", "record 3 (tickets[2])"
    reason VARCHAR NOT NULL,
    raw VARCHAR,                        -- the record as found (truncated only past 1 MB)
    quarantined_at TIMESTAMP NOT NULL
);

-- Who may see a conversation. Every query that returns conversations, scores, reviews or comments
-- filters with this macro and the viewer's role, agent id and teams (warehouse/viewer.py).
CREATE MACRO visible_to(viewer_role, viewer_agent_id, viewer_teams, row_agent_id, row_team) AS
    CASE
        WHEN viewer_role IN ('admin', 'qa_lead', 'reviewer') THEN true
        WHEN viewer_role = 'manager' THEN coalesce(list_contains(viewer_teams, row_team), false)
        WHEN viewer_role = 'agent' THEN viewer_agent_id IS NOT NULL AND row_agent_id = viewer_agent_id
        ELSE false
    END;
