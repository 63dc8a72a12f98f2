-- What the review-queue sampling rules read, one row per scored conversation: the conversation's
-- own attributes (who, which team and channel, when, CSAT/NPS) beside its auto-score signals and
-- rubric scores. A copy of conversations ⋈ conversation_scores (⋈ rubric_scores), so sampling 1M
-- conversations scans one table instead of joining 1M-row tables. warehouse/sampling_facts.py
-- keeps it in step: scoring replaces a batch's rows, an import that replaces conversations
-- refreshes theirs.

CREATE TABLE sampling_facts (
    conversation_id VARCHAR NOT NULL,
    agent_id VARCHAR,                     -- as in conversations
    team VARCHAR,
    channel VARCHAR,
    created_at TIMESTAMP,
    csat SMALLINT,
    nps SMALLINT,
    quality_score DOUBLE,                 -- as in conversation_scores
    critical_failed BOOLEAN NOT NULL,
    customer_sentiment_min DOUBLE,
    handle_seconds DOUBLE,
    rubric_scores MAP(VARCHAR, DOUBLE)    -- rubric_id -> score, as in rubric_scores
);

-- A database scored by an earlier release gets its facts now.
INSERT INTO sampling_facts
SELECT c.conversation_id, c.agent_id, c.team, c.channel, c.created_at, c.csat, c.nps,
       s.quality_score, s.critical_failed, s.customer_sentiment_min, s.handle_seconds,
       r.rubric_scores
FROM conversation_scores AS s
JOIN conversations AS c ON c.conversation_id = s.conversation_id
LEFT JOIN (SELECT conversation_id, map_from_entries(list((rubric_id, score))) AS rubric_scores
           FROM rubric_scores GROUP BY conversation_id) AS r
    ON r.conversation_id = s.conversation_id
ORDER BY c.conversation_id;
