-- name: delete_sampling_facts_for_batch
-- Remove the sampling facts of the conversations being (re)scored, in the registered frame
-- new_conversation_scores (warehouse.autoscore.scores.write_scores, same transaction as the scores).
DELETE FROM sampling_facts
WHERE conversation_id IN (SELECT conversation_id FROM new_conversation_scores)

-- name: insert_sampling_facts_for_batch
-- The sampling facts of the conversations just scored (frames new_conversation_scores and
-- new_rubric_scores) beside their stored conversation attributes.
INSERT INTO sampling_facts (conversation_id, agent_id, team, channel, created_at, csat, nps,
                            quality_score, critical_failed, customer_sentiment_min,
                            handle_seconds, rubric_scores)
SELECT c.conversation_id, c.agent_id, c.team, c.channel, c.created_at, c.csat, c.nps,
       n.quality_score, n.critical_failed, n.customer_sentiment_min, n.handle_seconds,
       r.rubric_scores
FROM new_conversation_scores AS n
JOIN conversations AS c ON c.conversation_id = n.conversation_id
LEFT JOIN (SELECT conversation_id, map_from_entries(list((rubric_id, score))) AS rubric_scores
           FROM new_rubric_scores GROUP BY conversation_id) AS r
    ON r.conversation_id = n.conversation_id

-- name: delete_sampling_facts_of_import
-- Remove the sampling facts of the conversations import $import_id wrote (a re-imported
-- conversation keeps its score until re-scored, but its attributes may have changed).
DELETE FROM sampling_facts
WHERE conversation_id IN (SELECT conversation_id FROM conversations WHERE import_id = $import_id)

-- name: insert_sampling_facts_of_import
-- The sampling facts of the scored conversations import $import_id wrote: new attributes,
-- stored scores.
INSERT INTO sampling_facts (conversation_id, agent_id, team, channel, created_at, csat, nps,
                            quality_score, critical_failed, customer_sentiment_min,
                            handle_seconds, rubric_scores)
SELECT c.conversation_id, c.agent_id, c.team, c.channel, c.created_at, c.csat, c.nps,
       s.quality_score, s.critical_failed, s.customer_sentiment_min, s.handle_seconds,
       r.rubric_scores
FROM conversations AS c
JOIN conversation_scores AS s ON s.conversation_id = c.conversation_id
LEFT JOIN (SELECT conversation_id, map_from_entries(list((rubric_id, score))) AS rubric_scores
           FROM rubric_scores
           WHERE conversation_id IN (SELECT conversation_id FROM conversations
                                     WHERE import_id = $import_id)
           GROUP BY conversation_id) AS r
    ON r.conversation_id = c.conversation_id
WHERE c.import_id = $import_id

-- name: delete_all_sampling_facts
-- Empty the sampling facts (before rebuilding them from scratch).
DELETE FROM sampling_facts

-- name: insert_all_sampling_facts
-- Every scored conversation's sampling facts, from conversations, conversation_scores and
-- rubric_scores (the same rows migration 006 writes).
INSERT INTO sampling_facts (conversation_id, agent_id, team, channel, created_at, csat, nps,
                            quality_score, critical_failed, customer_sentiment_min,
                            handle_seconds, rubric_scores)
SELECT c.conversation_id, c.agent_id, c.team, c.channel, c.created_at, c.csat, c.nps,
       s.quality_score, s.critical_failed, s.customer_sentiment_min, s.handle_seconds,
       r.rubric_scores
FROM conversation_scores AS s
JOIN conversations AS c ON c.conversation_id = s.conversation_id
LEFT JOIN (SELECT conversation_id, map_from_entries(list((rubric_id, score))) AS rubric_scores
           FROM rubric_scores GROUP BY conversation_id) AS r
    ON r.conversation_id = s.conversation_id
ORDER BY c.conversation_id
