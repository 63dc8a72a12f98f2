-- name: rubric_set_exists
-- Whether a rubric set (by version hash) is already recorded.
SELECT count(*) AS n FROM rubric_sets WHERE rubric_set_hash = $rubric_set_hash

-- name: insert_rubric_set
-- Record a rubric set the first time it scores anything (its validated definition, as JSON).
INSERT INTO rubric_sets (rubric_set_hash, loaded_at, definition)
VALUES ($rubric_set_hash, $loaded_at, CAST($definition AS JSON))

-- name: conversations_to_score
-- Conversations whose score is missing or stale: new, content changed since scoring, scored by
-- another rubric set, or all of them when $rescore_all.
SELECT c.conversation_id, c.content_hash
FROM conversations AS c
LEFT JOIN conversation_scores AS s USING (conversation_id)
WHERE $rescore_all
   OR s.conversation_id IS NULL
   OR s.content_hash <> c.content_hash
   OR s.rubric_set_hash <> $rubric_set_hash
ORDER BY c.conversation_id

-- name: template_reply_counts_part
-- One share ($part of $parts, by conversation) of the template count: per agent reply normalised
-- as scoring.signals.normalise_reply does (lowercase, whitespace runs folded), its hash and in
-- how many of the share's conversations it was sent; the text itself only where that count
-- reaches $share_minimum (warehouse/autoscore/scores.py: template_hashes).
SELECT hash(normalised) AS text_hash, count(DISTINCT conversation_id) AS conversations,
       CASE WHEN count(DISTINCT conversation_id) >= $share_minimum THEN any_value(normalised) END
           AS normalised
FROM (SELECT lower(trim(regexp_replace(m.text, '[ \t\n\r\f\v]+', ' ', 'g'))) AS normalised,
             m.conversation_id
      FROM messages AS m
      WHERE m.role = 'agent' AND NOT m.internal AND length(m.text) >= $min_chars
        AND hash(m.conversation_id) % $parts = $part)
GROUP BY 1

-- name: delete_criterion_scores_for_batch
-- Remove previous criterion scores of the conversations in the registered frame new_conversation_scores.
DELETE FROM criterion_scores WHERE conversation_id IN (SELECT conversation_id FROM new_conversation_scores)

-- name: delete_rubric_scores_for_batch
-- Remove previous rubric scores of the conversations in new_conversation_scores.
DELETE FROM rubric_scores WHERE conversation_id IN (SELECT conversation_id FROM new_conversation_scores)

-- name: delete_conversation_scores_for_batch
-- Remove previous conversation scores of the conversations in new_conversation_scores.
DELETE FROM conversation_scores WHERE conversation_id IN (SELECT conversation_id FROM new_conversation_scores)

-- name: insert_conversation_scores_for_batch
-- Bulk insert from the registered frame new_conversation_scores.
INSERT INTO conversation_scores (
    conversation_id, rubric_set_hash, content_hash, quality_score, critical_failed,
    first_response_seconds, longest_reply_gap_seconds, handle_seconds,
    customer_sentiment_start, customer_sentiment_end, customer_sentiment_min, resolved,
    scored_at
)
SELECT
    conversation_id, rubric_set_hash, content_hash, quality_score, critical_failed,
    first_response_seconds, longest_reply_gap_seconds, handle_seconds,
    customer_sentiment_start, customer_sentiment_end, customer_sentiment_min, resolved,
    scored_at
FROM new_conversation_scores

-- name: insert_rubric_scores_for_batch
-- Bulk insert from the registered frame new_rubric_scores.
INSERT INTO rubric_scores (conversation_id, rubric_id, score)
SELECT conversation_id, rubric_id, score FROM new_rubric_scores

-- name: insert_criterion_scores_for_batch
-- Bulk insert from the registered frame new_criterion_scores (evidence arrives as JSON text).
INSERT INTO criterion_scores (
    conversation_id, rubric_id, criterion_id, value, score, na, failed, critical, rationale,
    evidence
)
SELECT conversation_id, rubric_id, criterion_id, value, score, na, failed, critical, rationale,
       CAST(evidence AS JSON)
FROM new_criterion_scores

-- name: scored_conversation
-- One conversation's auto-score and timing/sentiment signals, if the viewer may see it.
SELECT s.conversation_id, s.quality_score, s.critical_failed, s.rubric_set_hash, s.content_hash,
       s.first_response_seconds, s.longest_reply_gap_seconds, s.handle_seconds,
       s.customer_sentiment_start, s.customer_sentiment_end, s.customer_sentiment_min,
       s.resolved, s.scored_at
FROM conversation_scores AS s
JOIN conversations AS c USING (conversation_id)
WHERE s.conversation_id = $conversation_id
  AND visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)

-- name: rubric_scores_for_conversation
-- Per-rubric auto-scores (0-100, NULL when all criteria were N/A) of one visible conversation.
SELECT r.rubric_id, r.score
FROM rubric_scores AS r
JOIN conversations AS c USING (conversation_id)
WHERE r.conversation_id = $conversation_id
  AND visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
ORDER BY r.rubric_id

-- name: criterion_scores_for_conversation
-- Per-criterion auto-scores with rationale and evidence of one visible conversation.
SELECT k.rubric_id, k.criterion_id, k.value, k.score, k.na, k.failed, k.critical, k.rationale,
       k.evidence
FROM criterion_scores AS k
JOIN conversations AS c USING (conversation_id)
WHERE k.conversation_id = $conversation_id
  AND visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
ORDER BY k.rubric_id, k.criterion_id

-- name: score_summary
-- Scored conversations the viewer can see: count, mean quality, critical failures, by rubric.
SELECT r.rubric_id,
       count(*) AS conversations,
       avg(r.score) AS mean_score,
       count(*) FILTER (WHERE r.score IS NULL) AS not_applicable,
       count(*) FILTER (WHERE s.critical_failed) AS critical_failures
FROM rubric_scores AS r
JOIN conversation_scores AS s USING (conversation_id)
JOIN conversations AS c USING (conversation_id)
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
GROUP BY r.rubric_id
ORDER BY r.rubric_id

-- name: conversation_count
-- Every stored conversation (what a scoring run considered).
SELECT count(*) FROM conversations

-- name: conversation_ids_all
-- Every stored conversation id, sorted (scoring walks them in batches).
SELECT conversation_id FROM conversations ORDER BY 1

-- name: conversations_batch_for_scoring
-- A sorted batch of conversations to score. The id range lets DuckDB skip row groups by their
-- min/max statistics instead of probing the whole table.
SELECT conversation_id, channel, created_at, status, agent_id, agent_name, team, customer_id,
       customer_name, csat, nps, ces, tags, subject
FROM conversations
WHERE conversation_id BETWEEN $first AND $last
  AND conversation_id IN (SELECT unnest($ids))
ORDER BY conversation_id

-- name: messages_batch_for_scoring
-- The messages of a batch of conversations, in order (same id range as above).
SELECT conversation_id, role, text, author, sent_at, internal
FROM messages
WHERE conversation_id BETWEEN $first AND $last
  AND conversation_id IN (SELECT unnest($ids))
ORDER BY conversation_id, message_index
