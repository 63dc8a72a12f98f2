-- Calibration: the same conversations reviewed by several reviewers, and how far they agree with
-- each other and with the auto-scorer. Reviews written inside a session carry
-- reviews.calibration_session_id (migration 003). With $calibration_session_id NULL the queries
-- cover every conversation reviewed by two or more reviewers (for tuning rubrics).

-- name: insert_calibration_session
INSERT INTO calibration_sessions
    (calibration_session_id, title, created_by, created_at, scheduled_for, status, notes,
     show_auto_score)
VALUES (nextval('calibration_session_id_seq'), $title, $created_by, $created_at, $scheduled_for,
        'open', $notes, $show_auto_score)
RETURNING calibration_session_id;

-- name: calibration_session_settings
-- The settings of one session (migration 010): whether reviewers see the auto-score before
-- they submit. No rows for an unknown session.
SELECT calibration_session_id, status, show_auto_score
FROM calibration_sessions WHERE calibration_session_id = $calibration_session_id;

-- name: calibration_data_version
-- A cheap fingerprint of everything the calibration page shows: cached figures are keyed on it,
-- so a review submitted anywhere (another page, another process) shows at once.
SELECT (SELECT count(*) FROM reviews) AS reviews,
       (SELECT max(review_id) FROM reviews) AS last_review,
       (SELECT count(*) FROM calibration_sessions) AS sessions,
       (SELECT max(calibration_session_id) FROM calibration_sessions) AS last_session,
       (SELECT count(*) FROM calibration_sessions WHERE status = 'closed') AS closed_sessions,
       (SELECT count(*) FROM review_assignments WHERE status = 'open') AS open_assignments;

-- name: insert_calibration_conversation
INSERT INTO calibration_conversations (calibration_session_id, conversation_id, position)
VALUES ($calibration_session_id, $conversation_id, $position);

-- name: insert_calibration_participant
INSERT INTO calibration_participants (calibration_session_id, user_id, added_at)
VALUES ($calibration_session_id, $user_id, $added_at);

-- name: close_calibration_session
UPDATE calibration_sessions SET status = 'closed' WHERE calibration_session_id = $calibration_session_id;

-- name: calibration_sessions
-- Sessions with their size and progress (reviews done out of conversations x reviewers).
SELECT
    s.calibration_session_id, s.title, s.created_by, s.created_at, s.scheduled_for, s.status, s.notes,
    s.show_auto_score,
    (SELECT count(*) FROM calibration_conversations AS cc
      WHERE cc.calibration_session_id = s.calibration_session_id) AS conversations,
    (SELECT list(p.user_id ORDER BY p.user_id) FROM calibration_participants AS p
      WHERE p.calibration_session_id = s.calibration_session_id) AS reviewers,
    (SELECT count(*) FROM current_reviews AS r
      WHERE r.calibration_session_id = s.calibration_session_id) AS reviews_done
FROM calibration_sessions AS s
ORDER BY s.created_at DESC, s.calibration_session_id DESC;

-- name: calibration_session_conversations
-- The conversations of one session the viewer may see, with how many reviewers have done each.
SELECT cc.position, c.conversation_id, c.agent_name, c.team, c.channel, c.created_at,
       s.quality_score AS auto_quality_score,
       (SELECT count(DISTINCT r.reviewer_id) FROM current_reviews AS r
         WHERE r.conversation_id = c.conversation_id
           AND r.calibration_session_id = cc.calibration_session_id) AS reviewers_done
FROM calibration_conversations AS cc
JOIN conversations AS c USING (conversation_id)
LEFT JOIN conversation_scores AS s USING (conversation_id)
WHERE cc.calibration_session_id = $calibration_session_id
  AND visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
ORDER BY cc.position;

-- name: calibration_candidates
-- Conversations to put to a session: scored, not yet in a calibration, spread over auto-scores.
SELECT c.conversation_id, c.agent_name, c.team, c.channel, c.created_at, s.quality_score
FROM conversations AS c
JOIN conversation_scores AS s USING (conversation_id)
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
  AND ($team IS NULL OR c.team = $team)
  AND c.conversation_id NOT IN (SELECT conversation_id FROM calibration_conversations)
  AND s.quality_score IS NOT NULL
ORDER BY hash(c.conversation_id, $seed)
LIMIT $limit;

-- name: calibration_ratings
-- One row per rater, conversation and criterion: each reviewer's current review (their newest per
-- conversation) and the auto-scorer (rater 'auto-scorer'), over conversations that at least two
-- reviewers rated. `value` is on the criterion's scale (0/1 or 1-5), NULL when N/A.
WITH chosen AS (
    SELECT r.review_id, r.conversation_id, r.reviewer_id, r.quality_score
    FROM current_reviews AS r
    JOIN conversations AS c USING (conversation_id)
    WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
      AND ($calibration_session_id IS NULL OR r.calibration_session_id = $calibration_session_id)
    QUALIFY row_number() OVER (
        PARTITION BY r.conversation_id, r.reviewer_id ORDER BY r.created_at DESC, r.review_id DESC) = 1
),
units AS (
    SELECT conversation_id FROM chosen GROUP BY conversation_id HAVING count(*) >= 2
)
SELECT ch.conversation_id, ch.reviewer_id AS rater, 'review' AS rater_kind, rc.rubric_id,
       rc.criterion_id, rc.value, rc.na, ch.quality_score
FROM chosen AS ch
JOIN units USING (conversation_id)
JOIN review_criteria AS rc ON rc.review_id = ch.review_id
UNION ALL
SELECT k.conversation_id, 'auto-scorer' AS rater, 'auto' AS rater_kind, k.rubric_id, k.criterion_id,
       k.value, k.na, s.quality_score
FROM criterion_scores AS k
JOIN units USING (conversation_id)
JOIN conversation_scores AS s USING (conversation_id)
ORDER BY conversation_id, rubric_id, criterion_id, rater;

-- name: calibration_disagreements
-- Conversations where reviewers disagree most: spread of their quality scores and the number
-- of criteria on which they gave different verdicts (N/A counts as a verdict here).
WITH chosen AS (
    SELECT r.review_id, r.conversation_id, r.reviewer_id, r.quality_score, c.agent_name, c.team
    FROM current_reviews AS r
    JOIN conversations AS c USING (conversation_id)
    WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
      AND ($calibration_session_id IS NULL OR r.calibration_session_id = $calibration_session_id)
    QUALIFY row_number() OVER (
        PARTITION BY r.conversation_id, r.reviewer_id ORDER BY r.created_at DESC, r.review_id DESC) = 1
),
units AS (
    SELECT conversation_id, any_value(agent_name) AS agent_name, any_value(team) AS team,
           count(*) AS reviewers, min(quality_score) AS lowest, max(quality_score) AS highest,
           stddev_pop(quality_score) AS spread
    FROM chosen GROUP BY conversation_id HAVING count(*) >= 2
),
criteria AS (
    SELECT ch.conversation_id, rc.rubric_id, rc.criterion_id,
           count(DISTINCT CASE WHEN rc.na THEN 'na' ELSE rc.value::VARCHAR END) AS verdicts
    FROM chosen AS ch JOIN review_criteria AS rc USING (review_id)
    GROUP BY ALL
)
SELECT u.conversation_id, u.agent_name, u.team, u.reviewers, u.lowest, u.highest,
       u.highest - u.lowest AS score_range, u.spread,
       count(*) FILTER (WHERE k.verdicts > 1) AS criteria_disputed,
       string_agg(k.rubric_id || '.' || k.criterion_id, ', ' ORDER BY k.rubric_id, k.criterion_id)
           FILTER (WHERE k.verdicts > 1) AS disputed_criteria
FROM units AS u
LEFT JOIN criteria AS k USING (conversation_id)
GROUP BY ALL
ORDER BY score_range DESC, criteria_disputed DESC, u.conversation_id
LIMIT $limit;

-- name: reviewer_leniency
-- Each reviewer's mean deviation (quality points) from the mean of all reviewers of the same
-- conversation, and from the auto-score: positive = more lenient than colleagues / the scorer.
WITH chosen AS (
    SELECT r.conversation_id, r.reviewer_id, r.quality_score
    FROM current_reviews AS r
    JOIN conversations AS c USING (conversation_id)
    WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
      AND ($calibration_session_id IS NULL OR r.calibration_session_id = $calibration_session_id)
      AND r.quality_score IS NOT NULL
    QUALIFY row_number() OVER (
        PARTITION BY r.conversation_id, r.reviewer_id ORDER BY r.created_at DESC, r.review_id DESC) = 1
),
shared AS (
    SELECT ch.*, avg(ch.quality_score) OVER (PARTITION BY ch.conversation_id) AS consensus,
           count(*) OVER (PARTITION BY ch.conversation_id) AS reviewers
    FROM chosen AS ch
)
SELECT sh.reviewer_id,
       count(*) AS conversations,
       avg(sh.quality_score - sh.consensus) AS leniency,
       avg(sh.quality_score - s.quality_score) AS versus_auto,
       avg(sh.quality_score) AS mean_score
FROM shared AS sh
LEFT JOIN conversation_scores AS s USING (conversation_id)
WHERE sh.reviewers >= 2
GROUP BY sh.reviewer_id
ORDER BY leniency DESC, sh.reviewer_id;

-- name: calibration_reviewer_options
-- People who can take part: active accounts of $roles (permission review.offered_work: reviewers
-- and QA leads), never ids without an account.
SELECT user_id, display_name, role FROM users
WHERE list_contains(CAST($roles AS VARCHAR[]), role) AND NOT disabled
ORDER BY role DESC, display_name, user_id;

-- name: calibration_my_progress
-- Per session the viewer takes part in: how many of its conversations they have reviewed there.
SELECT p.calibration_session_id,
       (SELECT count(*) FROM calibration_conversations AS cc
         WHERE cc.calibration_session_id = p.calibration_session_id) AS conversations,
       (SELECT count(DISTINCT r.conversation_id) FROM current_reviews AS r
         WHERE r.calibration_session_id = p.calibration_session_id
           AND r.reviewer_id = $user_id) AS reviewed
FROM calibration_participants AS p
WHERE p.user_id = $user_id
ORDER BY p.calibration_session_id;

-- name: calibration_quality_matrix
-- One row per conversation and rater (each reviewer's current review in the session, and the
-- auto-scorer): quality score and failed criteria, for the side-by-side results table.
WITH chosen AS (
    SELECT r.review_id, r.conversation_id, r.reviewer_id, r.quality_score, r.critical_failed
    FROM current_reviews AS r
    JOIN conversations AS c USING (conversation_id)
    WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
      AND r.calibration_session_id = $calibration_session_id
    QUALIFY row_number() OVER (
        PARTITION BY r.conversation_id, r.reviewer_id ORDER BY r.created_at DESC, r.review_id DESC) = 1
)
SELECT ch.conversation_id, coalesce(u.display_name, ch.reviewer_id) AS rater, 'review' AS rater_kind,
       ch.quality_score, ch.critical_failed
FROM chosen AS ch
LEFT JOIN users AS u ON u.user_id = ch.reviewer_id
UNION ALL
SELECT cc.conversation_id, 'Auto-score' AS rater, 'auto' AS rater_kind, s.quality_score,
       s.critical_failed
FROM calibration_conversations AS cc
JOIN conversations AS c USING (conversation_id)
JOIN conversation_scores AS s USING (conversation_id)
WHERE cc.calibration_session_id = $calibration_session_id
  AND visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
ORDER BY conversation_id, rater_kind DESC, rater;

-- name: calibration_session_titled
-- Demo re-runs: sessions with this title.
SELECT calibration_session_id FROM calibration_sessions WHERE title = $title;
