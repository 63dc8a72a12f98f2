-- name: conversation_header
-- One conversation the viewer may see, with its auto-score and effective quality score.
SELECT
    c.conversation_id, c.source_format, c.channel, c.created_at, c.status, c.agent_id, c.agent_name,
    c.team, c.customer_id, c.customer_name, c.csat, c.nps, c.ces, c.tags, c.subject, c.message_count,
    s.quality_score AS auto_quality_score, s.critical_failed AS auto_critical_failed,
    s.rubric_set_hash, s.first_response_seconds, s.longest_reply_gap_seconds, s.handle_seconds,
    s.customer_sentiment_start, s.customer_sentiment_end, s.customer_sentiment_min, s.resolved,
    coalesce(lr.quality_score, s.quality_score) AS quality_score,
    CASE WHEN lr.review_id IS NOT NULL THEN 'review' WHEN s.conversation_id IS NOT NULL THEN 'auto' END AS score_source,
    lr.review_id AS effective_review_id, lr.reviewer_id AS effective_reviewer_id,
    coalesce(u.display_name, lr.reviewer_id) AS effective_reviewer_name,
    lr.critical_failed AS review_critical_failed
FROM conversations AS c
LEFT JOIN conversation_scores AS s ON s.conversation_id = c.conversation_id
LEFT JOIN latest_reviews AS lr ON lr.conversation_id = c.conversation_id
LEFT JOIN users AS u ON u.user_id = lr.reviewer_id
WHERE c.conversation_id = $conversation_id
  AND visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)

-- name: conversation_messages
-- The transcript in order, internal notes included (the page marks them).
SELECT m.message_index, m.role, m.author, m.text, m.sent_at, m.internal
FROM messages AS m
JOIN conversations AS c ON c.conversation_id = m.conversation_id
WHERE m.conversation_id = $conversation_id
  AND visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
ORDER BY m.message_index

-- name: conversation_auto_criteria
-- The auto-scorer's result per criterion, with evidence JSON [{message_index, start, end, quote}].
SELECT cs.rubric_id, cs.criterion_id, cs.value, cs.score, cs.na, cs.failed, cs.critical,
       cs.rationale, CAST(cs.evidence AS VARCHAR) AS evidence
FROM criterion_scores AS cs
JOIN conversations AS c ON c.conversation_id = cs.conversation_id
WHERE cs.conversation_id = $conversation_id
  AND visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
ORDER BY cs.rubric_id, cs.criterion_id

-- name: conversation_rubric_scores
-- Auto-score per rubric of one conversation.
SELECT rs.rubric_id, rs.score
FROM rubric_scores AS rs
JOIN conversations AS c ON c.conversation_id = rs.conversation_id
WHERE rs.conversation_id = $conversation_id
  AND visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
ORDER BY rs.rubric_id

-- name: conversation_rubric_set
-- The rubric set a conversation's auto-score used, and the newest set (for unscored conversations).
SELECT
    (SELECT s.rubric_set_hash FROM conversation_scores AS s WHERE s.conversation_id = $conversation_id) AS scored_with,
    (SELECT r.rubric_set_hash FROM rubric_sets AS r ORDER BY r.loaded_at DESC LIMIT 1) AS newest

-- name: rubric_set_definition
-- The validated rubric definition (JSON) of a rubric set; the newest one when $rubric_set_hash is NULL.
SELECT rubric_set_hash, CAST(definition AS VARCHAR) AS definition
FROM rubric_sets
WHERE $rubric_set_hash IS NULL OR rubric_set_hash = $rubric_set_hash
ORDER BY loaded_at DESC
LIMIT 1

-- name: review_versions
-- Every review version of one conversation (all reviewers, all chains), newest first.
SELECT r.review_id, r.conversation_id, r.reviewer_id, r.written_by, r.version, r.supersedes, r.status,
       r.calibration_session_id, r.rubric_set_hash, r.quality_score, r.critical_failed,
       r.overall_comment, r.created_at,
       NOT EXISTS (SELECT 1 FROM reviews AS newer WHERE newer.supersedes = r.review_id) AS is_current,
       coalesce(ur.display_name, r.reviewer_id) AS reviewer_name,
       coalesce(uw.display_name, r.written_by) AS written_by_name
FROM reviews AS r
JOIN conversations AS c ON c.conversation_id = r.conversation_id
LEFT JOIN users AS ur ON ur.user_id = r.reviewer_id
LEFT JOIN users AS uw ON uw.user_id = r.written_by
WHERE r.conversation_id = $conversation_id
  AND visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
ORDER BY r.created_at DESC, r.review_id DESC

-- name: review_criteria_of
-- The per-criterion results of one review version.
SELECT rc.review_id, rc.rubric_id, rc.criterion_id, rc.value, rc.score, rc.na, rc.failed, rc.critical,
       rc.auto_value, rc.auto_na, rc.overridden, rc.override_reason
FROM review_criteria AS rc
JOIN reviews AS r ON r.review_id = rc.review_id
JOIN conversations AS c ON c.conversation_id = r.conversation_id
WHERE rc.review_id = $review_id
  AND visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
ORDER BY rc.rubric_id, rc.criterion_id

-- name: review_by_id
-- One review version (scoped), for edits and disputes.
SELECT r.*, c.agent_id, c.team,
       NOT EXISTS (SELECT 1 FROM reviews AS newer WHERE newer.supersedes = r.review_id) AS is_current
FROM reviews AS r
JOIN conversations AS c ON c.conversation_id = r.conversation_id
WHERE r.review_id = $review_id
  AND visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)

-- name: current_review_in_chain
-- The current version of one reviewer's review of a conversation (in a calibration session or none).
SELECT r.review_id, r.version
FROM current_reviews AS r
WHERE r.conversation_id = $conversation_id
  AND r.reviewer_id = $reviewer_id
  AND r.calibration_session_id IS NOT DISTINCT FROM $calibration_session_id

-- name: conversation_comments
-- Comments on one conversation (per message or overall), oldest first.
SELECT k.comment_id, k.conversation_id, k.review_id, k.message_index, k.author_id, k.body, k.created_at,
       coalesce(u.display_name, k.author_id) AS author_name
FROM comments AS k
JOIN conversations AS c ON c.conversation_id = k.conversation_id
LEFT JOIN users AS u ON u.user_id = k.author_id
WHERE k.conversation_id = $conversation_id
  AND visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
ORDER BY k.created_at, k.comment_id

-- name: insert_review
INSERT INTO reviews
    (review_id, conversation_id, reviewer_id, written_by, version, supersedes, status, calibration_session_id,
     rubric_set_hash, quality_score, critical_failed, overall_comment, created_at)
VALUES (nextval('review_id_seq'), $conversation_id, $reviewer_id, $written_by, $version, $supersedes, $status,
        $calibration_session_id, $rubric_set_hash, $quality_score, $critical_failed,
        $overall_comment, $created_at)
RETURNING review_id

-- name: insert_review_criterion
INSERT INTO review_criteria
    (review_id, rubric_id, criterion_id, value, score, na, failed, critical, auto_value, auto_na,
     overridden, override_reason)
VALUES ($review_id, $rubric_id, $criterion_id, $value, $score, $na, $failed, $critical, $auto_value,
        $auto_na, $overridden, $override_reason)

-- name: insert_review_rubric_score
INSERT INTO review_rubric_scores (review_id, rubric_id, score) VALUES ($review_id, $rubric_id, $score)

-- name: insert_comment
INSERT INTO comments (comment_id, conversation_id, review_id, message_index, author_id, body, created_at)
VALUES (nextval('comment_id_seq'), $conversation_id, $review_id, $message_index, $author_id, $body,
        $created_at)
RETURNING comment_id

-- name: complete_assignments
-- Mark the reviewer's open assignments of a conversation done (same calibration session or none).
UPDATE review_assignments SET status = 'done'
WHERE conversation_id = $conversation_id AND reviewer_id = $reviewer_id AND status = 'open'
  AND calibration_session_id IS NOT DISTINCT FROM $calibration_session_id

-- name: conversation_visible
-- Whether the viewer may see a conversation (and its agent), for write permission checks.
SELECT c.conversation_id, c.agent_id, c.team
FROM conversations AS c
WHERE c.conversation_id = $conversation_id
  AND visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)

-- name: review_draft
-- The reviewer's unsubmitted changes to their review of one conversation (none: no row).
SELECT d.reviewer_id, d.conversation_id, d.base_review_id, d.fields, d.updated_at
FROM review_drafts AS d
JOIN conversations AS c ON c.conversation_id = d.conversation_id
WHERE d.reviewer_id = $reviewer_id AND d.conversation_id = $conversation_id
  AND visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)

-- name: save_review_draft
-- Insert or replace the reviewer's draft of one conversation.
INSERT INTO review_drafts (reviewer_id, conversation_id, base_review_id, fields, updated_at)
VALUES ($reviewer_id, $conversation_id, $base_review_id, $fields, $updated_at)
ON CONFLICT (reviewer_id, conversation_id) DO UPDATE
SET base_review_id = excluded.base_review_id, fields = excluded.fields, updated_at = excluded.updated_at

-- name: delete_review_draft
-- Forget the reviewer's draft of one conversation (submitted or discarded).
DELETE FROM review_drafts WHERE reviewer_id = $reviewer_id AND conversation_id = $conversation_id

-- name: review_drafts_of
-- The conversations a reviewer has an unsubmitted draft for, newest first.
SELECT d.conversation_id, d.base_review_id, d.updated_at
FROM review_drafts AS d
JOIN conversations AS c ON c.conversation_id = d.conversation_id
WHERE d.reviewer_id = $reviewer_id
  AND visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
ORDER BY d.updated_at DESC

-- name: calibration_session_for_review
-- The open calibration session in which a reviewer reviews a conversation (they take part and it
-- holds the conversation): one where the assignment is still open first, then the newest.
SELECT s.calibration_session_id, s.title, s.show_auto_score
FROM calibration_sessions AS s
JOIN calibration_conversations AS cc ON cc.calibration_session_id = s.calibration_session_id
JOIN calibration_participants AS p ON p.calibration_session_id = s.calibration_session_id
WHERE s.status = 'open' AND cc.conversation_id = $conversation_id AND p.user_id = $reviewer_id
ORDER BY EXISTS (
             SELECT 1 FROM review_assignments AS a
             WHERE a.calibration_session_id = s.calibration_session_id
               AND a.conversation_id = $conversation_id AND a.reviewer_id = $reviewer_id
               AND a.status = 'open'
         ) DESC,
         s.created_at DESC, s.calibration_session_id DESC
LIMIT 1
