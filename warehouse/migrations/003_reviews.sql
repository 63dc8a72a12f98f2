-- Human reviews (append-only history), per-criterion overrides, comments for the agent,
-- review assignments (the queue) and disputes. warehouse/reviews.py writes these tables;
-- nothing here is ever UPDATEd except review_assignments.status and disputes' resolution.
--
-- A review "chain" is one reviewer's review of one conversation (within one calibration session,
-- or outside any). Editing it appends a new row with version + 1 and `supersedes` = the previous
-- review_id; the current version of a chain is the row nobody supersedes (view current_reviews).

CREATE SEQUENCE review_id_seq START 1;
CREATE SEQUENCE comment_id_seq START 1;
CREATE SEQUENCE assignment_id_seq START 1;
CREATE SEQUENCE dispute_id_seq START 1;

CREATE TABLE reviews (
    review_id BIGINT PRIMARY KEY,
    conversation_id VARCHAR NOT NULL,
    reviewer_id VARCHAR NOT NULL,          -- user_id of the reviewer (owner of the chain)
    written_by VARCHAR NOT NULL,           -- who wrote this version: the reviewer, a QA lead/admin
                                           -- editing it, or whoever resolved a dispute
    version INTEGER NOT NULL,              -- 1 for a new review, +1 per edit of the chain
    supersedes BIGINT UNIQUE,              -- review_id of the previous version (NULL for version 1);
                                           -- UNIQUE: two concurrent edits of one version conflict
    status VARCHAR NOT NULL,               -- submitted | revised_after_dispute
    calibration_session_id BIGINT,         -- set when written inside a calibration session (E2)
    rubric_set_hash VARCHAR,               -- the rubric set the form was built from
    quality_score DOUBLE,                  -- 0-100, same weighting as the auto-score; 0 on a critical failure
    critical_failed BOOLEAN NOT NULL,
    overall_comment VARCHAR,               -- for the agent
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE review_criteria (
    review_id BIGINT NOT NULL,
    rubric_id VARCHAR NOT NULL,
    criterion_id VARCHAR NOT NULL,
    value DOUBLE,                          -- on the criterion's scale: 0/1 for yes/no, 1-5; NULL when N/A
    score DOUBLE,                          -- 0-100; NULL when N/A
    na BOOLEAN NOT NULL,
    failed BOOLEAN NOT NULL,
    critical BOOLEAN NOT NULL,
    auto_value DOUBLE,                     -- the auto-score as an answer on the scale (1-5 rounded)
    auto_na BOOLEAN,
    overridden BOOLEAN NOT NULL,           -- reviewer changed value or N/A versus the auto-score
    override_reason VARCHAR                -- required when overridden
);

CREATE TABLE review_rubric_scores (
    review_id BIGINT NOT NULL,
    rubric_id VARCHAR NOT NULL,
    score DOUBLE                           -- 0-100; NULL when every criterion was N/A
);

CREATE TABLE comments (
    comment_id BIGINT PRIMARY KEY,
    conversation_id VARCHAR NOT NULL,
    review_id BIGINT,                      -- the review it was written with (NULL: standalone)
    message_index INTEGER,                 -- the message it is about; NULL = about the whole conversation
    author_id VARCHAR NOT NULL,
    body VARCHAR NOT NULL,                 -- plain text, at most 10,000 characters; never rendered as HTML
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE review_assignments (
    assignment_id BIGINT PRIMARY KEY,
    conversation_id VARCHAR NOT NULL,
    reviewer_id VARCHAR NOT NULL,
    assigned_by VARCHAR NOT NULL,
    assigned_at TIMESTAMP NOT NULL,
    rule VARCHAR NOT NULL,                 -- sampling rule(s) that picked it, e.g. "lowest_auto_score"
    calibration_session_id BIGINT,         -- NULL: normal queue (one reviewer per conversation)
    status VARCHAR NOT NULL                -- open | done | released
);

CREATE TABLE disputes (
    dispute_id BIGINT PRIMARY KEY,
    review_id BIGINT NOT NULL,             -- the review version disputed
    conversation_id VARCHAR NOT NULL,
    rubric_id VARCHAR NOT NULL,
    criterion_id VARCHAR NOT NULL,
    opened_by VARCHAR NOT NULL,            -- the agent's user_id
    agent_comment VARCHAR NOT NULL,
    opened_at TIMESTAMP NOT NULL,
    status VARCHAR NOT NULL,               -- open | upheld | changed
    resolved_by VARCHAR,
    resolution_comment VARCHAR,
    resolved_at TIMESTAMP,
    resulting_review_id BIGINT             -- for "changed": the new review version
);

-- The current version of every review chain.
CREATE VIEW current_reviews AS
SELECT r.*
FROM reviews AS r
WHERE NOT EXISTS (SELECT 1 FROM reviews AS newer WHERE newer.supersedes = r.review_id);

-- The human review that counts for a conversation: the newest current review outside calibration
-- sessions (calibration is practice for reviewers and does not change an agent's score).
CREATE VIEW latest_reviews AS
SELECT * EXCLUDE (rank_in_conversation)
FROM (
    SELECT r.*,
           row_number() OVER (
               PARTITION BY r.conversation_id ORDER BY r.created_at DESC, r.review_id DESC
           ) AS rank_in_conversation
    FROM current_reviews AS r
    WHERE r.calibration_session_id IS NULL
)
WHERE rank_in_conversation = 1;

-- Effective quality score per scored or reviewed conversation: the human review where one exists,
-- else the auto-score; `score_source` says which ('review' | 'auto').
CREATE VIEW effective_scores AS
SELECT
    coalesce(lr.conversation_id, s.conversation_id) AS conversation_id,
    CASE WHEN lr.review_id IS NOT NULL THEN lr.quality_score ELSE s.quality_score END AS quality_score,
    CASE WHEN lr.review_id IS NOT NULL THEN lr.critical_failed ELSE s.critical_failed END AS critical_failed,
    CASE WHEN lr.review_id IS NOT NULL THEN 'review' ELSE 'auto' END AS score_source,
    s.quality_score AS auto_quality_score,
    lr.review_id,
    lr.reviewer_id,
    lr.created_at AS reviewed_at
FROM conversation_scores AS s
FULL OUTER JOIN latest_reviews AS lr ON lr.conversation_id = s.conversation_id;

-- Effective score per conversation and rubric, with the same rule.
CREATE VIEW effective_rubric_scores AS
SELECT s.conversation_id, s.rubric_id, s.score, 'auto' AS score_source
FROM rubric_scores AS s
WHERE NOT EXISTS (SELECT 1 FROM latest_reviews AS lr WHERE lr.conversation_id = s.conversation_id)
UNION ALL
SELECT lr.conversation_id, rs.rubric_id, rs.score, 'review' AS score_source
FROM latest_reviews AS lr
JOIN review_rubric_scores AS rs USING (review_id);

-- Effective result per conversation and criterion, with the same rule.
CREATE VIEW effective_criterion_scores AS
SELECT s.conversation_id, s.rubric_id, s.criterion_id, s.value, s.score, s.na, s.failed, s.critical,
       'auto' AS score_source
FROM criterion_scores AS s
WHERE NOT EXISTS (SELECT 1 FROM latest_reviews AS lr WHERE lr.conversation_id = s.conversation_id)
UNION ALL
SELECT lr.conversation_id, rc.rubric_id, rc.criterion_id, rc.value, rc.score, rc.na, rc.failed,
       rc.critical, 'review' AS score_source
FROM latest_reviews AS lr
JOIN review_criteria AS rc USING (review_id);
