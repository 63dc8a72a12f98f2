-- Auto-scores written by `qa score` (scoring/ computes them; warehouse/scores.py stores them).
-- One row per conversation in conversation_scores; rows of the three tables are replaced
-- together when a conversation or the rubric set changes.

CREATE TABLE rubric_sets (
    rubric_set_hash VARCHAR PRIMARY KEY,  -- hash of the rubric files' content
    loaded_at TIMESTAMP NOT NULL,
    definition JSON NOT NULL               -- the validated rubrics, for the rubric page and history
);

CREATE TABLE conversation_scores (
    conversation_id VARCHAR NOT NULL,
    rubric_set_hash VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL,        -- conversations.content_hash that was scored
    quality_score DOUBLE,                 -- 0-100, weighted over rubrics; 0 on a critical failure
    critical_failed BOOLEAN NOT NULL,
    first_response_seconds DOUBLE,        -- timing signals (NULL without timestamps)
    longest_reply_gap_seconds DOUBLE,
    handle_seconds DOUBLE,
    customer_sentiment_start DOUBLE,      -- VADER compound of the first / last customer turn
    customer_sentiment_end DOUBLE,
    customer_sentiment_min DOUBLE,
    resolved BOOLEAN,                     -- the resolution rubric's confirmation criterion passed
    scored_at TIMESTAMP NOT NULL
);

CREATE TABLE rubric_scores (
    conversation_id VARCHAR NOT NULL,
    rubric_id VARCHAR NOT NULL,
    score DOUBLE                          -- 0-100; NULL when every criterion was N/A
);

CREATE TABLE criterion_scores (
    conversation_id VARCHAR NOT NULL,
    rubric_id VARCHAR NOT NULL,
    criterion_id VARCHAR NOT NULL,
    value DOUBLE,                         -- on the criterion's own scale: 0/1 for yes/no, 1-5
    score DOUBLE,                         -- the same normalised to 0-100; NULL when N/A
    na BOOLEAN NOT NULL,
    failed BOOLEAN NOT NULL,              -- below the pass mark (a critical failure zeroes quality)
    critical BOOLEAN NOT NULL,
    rationale VARCHAR,
    evidence JSON                         -- [{message_index, start, end, quote}]
);
