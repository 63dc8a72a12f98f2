-- name: review_queue
-- One page of the review assignments the viewer may see (worst first), with the conversation and
-- its effective score; `total_rows` is how many assignments match, for the page selector (a window
-- count over the filtered rows, so the page and its total cost one query).
-- $reviewer_id NULL = every reviewer; $statuses e.g. ['open']; filters as in
-- warehouse.review.sampling.QueueFilters; $limit rows starting at row $offset.
SELECT
    a.assignment_id, a.conversation_id, a.reviewer_id, a.status, a.rule, a.assigned_at,
    a.calibration_session_id, a.due_date,
    c.agent_id, c.agent_name, c.team, c.channel, c.created_at, c.csat, c.nps, c.subject,
    c.message_count,
    s.quality_score AS auto_quality_score, s.critical_failed AS auto_critical_failed,
    coalesce(lr.quality_score, s.quality_score) AS quality_score,
    CASE WHEN lr.review_id IS NOT NULL THEN 'review' WHEN s.conversation_id IS NOT NULL THEN 'auto' END AS score_source,
    count(*) OVER () AS total_rows
FROM review_assignments AS a
JOIN conversations AS c ON c.conversation_id = a.conversation_id
LEFT JOIN conversation_scores AS s ON s.conversation_id = a.conversation_id
LEFT JOIN latest_reviews AS lr ON lr.conversation_id = a.conversation_id
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
  AND ($reviewer_id IS NULL OR a.reviewer_id = $reviewer_id)
  AND list_contains(CAST($statuses AS VARCHAR[]), a.status)
  AND ($teams IS NULL OR list_contains(CAST($teams AS VARCHAR[]), c.team))
  AND ($agents IS NULL OR list_contains(CAST($agents AS VARCHAR[]), c.agent_id))
  AND ($channels IS NULL OR list_contains(CAST($channels AS VARCHAR[]), c.channel))
  AND ($since IS NULL OR c.created_at >= CAST($since AS DATE))
  AND ($until IS NULL OR c.created_at < CAST($until AS DATE) + INTERVAL 1 DAY)
  -- score band: on the effective quality score, or on one rubric's auto-score; the whole band
  -- (0-100) is no filter at all (constant-folded away, so no rubric_scores scan)
  AND (($score_min <= 0 AND $score_max >= 100)
       OR (CAST($rubric_id AS VARCHAR) IS NULL
           AND coalesce(lr.quality_score, s.quality_score) BETWEEN $score_min AND $score_max)
       OR (CAST($rubric_id AS VARCHAR) IS NOT NULL AND EXISTS (
           SELECT 1 FROM rubric_scores AS rs
           WHERE rs.conversation_id = a.conversation_id AND rs.rubric_id = CAST($rubric_id AS VARCHAR)
             AND rs.score BETWEEN $score_min AND $score_max)))
ORDER BY a.status = 'open' DESC, coalesce(s.critical_failed, false) DESC, s.quality_score NULLS LAST,
         a.assignment_id
LIMIT $limit OFFSET $offset

-- name: next_assignment
-- The reviewer's next open assignment after the conversation just reviewed (queue order).
SELECT a.conversation_id
FROM review_assignments AS a
JOIN conversations AS c ON c.conversation_id = a.conversation_id
LEFT JOIN conversation_scores AS s ON s.conversation_id = a.conversation_id
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
  AND a.reviewer_id = $reviewer_id
  AND a.status = 'open'
  AND a.conversation_id <> $current_conversation_id
ORDER BY coalesce(s.critical_failed, false) DESC, s.quality_score NULLS LAST, a.assignment_id
LIMIT 1

-- name: queue_candidates
-- Conversations the chosen sampling rules pick (warehouse.review.sampling.Selection), not yet in anybody's
-- queue outside calibration, with the rule(s) that picked each, worst first. Scoped to the viewer.
-- Fast at 1M conversations: the rules read one table, sampling_facts (conversations ⋈
-- conversation_scores ⋈ rubric_scores, kept by warehouse/autoscore/sampling_facts.py), instead of joining
-- 1M-row tables; the exclusions are anti joins against the (small) sets of queued and reviewed
-- conversations, the rubric score band a lookup in the row's rubric map, and the random rule one
-- hash aggregate keeping the N smallest hashes per agent and week (arg_min with N), not a window
-- sorting every conversation.
WITH queued AS (
    SELECT conversation_id FROM review_assignments
    WHERE calibration_session_id IS NULL AND status <> 'released'
),
reviewed AS (
    SELECT conversation_id FROM reviews WHERE $only_unreviewed
),
base AS MATERIALIZED (
    SELECT
        f.conversation_id, f.agent_id, f.team, f.channel, f.created_at, f.csat, f.nps,
        f.quality_score, f.critical_failed, f.customer_sentiment_min, f.handle_seconds
    FROM sampling_facts AS f
    ANTI JOIN queued AS q ON q.conversation_id = f.conversation_id
    ANTI JOIN reviewed AS r ON r.conversation_id = f.conversation_id
    WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, f.agent_id, f.team)
      AND ($teams IS NULL OR list_contains(CAST($teams AS VARCHAR[]), f.team))
      AND ($agents IS NULL OR list_contains(CAST($agents AS VARCHAR[]), f.agent_id))
      AND ($channels IS NULL OR list_contains(CAST($channels AS VARCHAR[]), f.channel))
      AND ($since IS NULL OR f.created_at >= CAST($since AS DATE))
      AND ($until IS NULL OR f.created_at < CAST($until AS DATE) + INTERVAL 1 DAY)
      AND (($score_min <= 0 AND $score_max >= 100)
           OR (CAST($rubric_id AS VARCHAR) IS NULL AND f.quality_score BETWEEN $score_min AND $score_max)
           OR (CAST($rubric_id AS VARCHAR) IS NOT NULL
               AND f.rubric_scores[CAST($rubric_id AS VARCHAR)] BETWEEN $score_min AND $score_max))
),
lowest_cut AS (
    -- the Nth lowest auto-score: "lowest N" as a threshold so it combines with other rules
    SELECT max(quality_score) AS cut
    FROM (SELECT quality_score FROM base WHERE $use_lowest AND quality_score IS NOT NULL
          ORDER BY quality_score LIMIT $lowest_limit)
),
random_pick AS (
    -- N per agent and calendar week, in the order of a seeded hash (same seed, same sample)
    SELECT unnest(arg_min(conversation_id, hash(conversation_id || $seed), $random_per_week))
        AS conversation_id
    FROM base
    WHERE $use_random
    GROUP BY agent_id, date_trunc('week', created_at)
),
flagged AS (
    SELECT
        b.*,
        coalesce($use_random AND rp.conversation_id IS NOT NULL, false) AS by_random,
        coalesce($use_lowest AND b.quality_score <= (SELECT cut FROM lowest_cut), false) AS by_lowest,
        coalesce($use_sentiment AND b.customer_sentiment_min <= $sentiment_at_most, false) AS by_sentiment,
        coalesce($use_csat AND (b.csat <= $csat_at_most OR b.nps <= $nps_at_most), false) AS by_csat,
        coalesce($use_handle AND b.handle_seconds >= $handle_at_least, false) AS by_handle,
        coalesce($use_critical AND b.critical_failed, false) AS by_critical
    FROM base AS b
    LEFT JOIN random_pick AS rp ON rp.conversation_id = b.conversation_id
)
SELECT
    conversation_id, agent_id, team, channel, created_at, csat, nps, quality_score, critical_failed,
    concat_ws(', ',
        CASE WHEN by_critical THEN 'critical_failures' END,
        CASE WHEN by_lowest THEN 'lowest_auto_score' END,
        CASE WHEN by_sentiment THEN 'negative_sentiment' END,
        CASE WHEN by_csat THEN 'low_csat_nps' END,
        CASE WHEN by_handle THEN 'long_handle_time' END,
        CASE WHEN by_random THEN 'random_per_agent_week' END,
        CASE WHEN NOT $any_selector THEN 'not_yet_reviewed' END) AS rule
FROM flagged
WHERE CASE
    WHEN NOT $any_selector THEN true
    WHEN $combine_all THEN (NOT $use_random OR by_random) AND (NOT $use_lowest OR by_lowest)
        AND (NOT $use_sentiment OR by_sentiment) AND (NOT $use_csat OR by_csat)
        AND (NOT $use_handle OR by_handle) AND (NOT $use_critical OR by_critical)
    ELSE by_random OR by_lowest OR by_sentiment OR by_csat OR by_handle OR by_critical
END
ORDER BY critical_failed DESC, quality_score NULLS LAST, conversation_id
LIMIT $limit

-- name: queue_candidates_scores_only
-- `queue_candidates` when nothing needs the conversation's attributes until the end: a viewer who
-- sees every conversation, no team/agent/channel/date filter, and rules on auto-scores only
-- (lowest auto-score, sentiment, handle time, critical failures, not yet reviewed). The rules
-- then run on the score columns of sampling_facts alone and the conversation columns are fetched
-- for the picked rows only (a narrower scan than queue_candidates: ~40 vs ~50 ms at 1M). Same
-- rows, same order. warehouse.review.review_queue.candidates chooses it.
WITH queued AS (
    SELECT conversation_id FROM review_assignments
    WHERE calibration_session_id IS NULL AND status <> 'released'
),
reviewed AS (
    SELECT conversation_id FROM reviews WHERE $only_unreviewed
),
base AS MATERIALIZED (
    SELECT f.conversation_id, f.quality_score, f.critical_failed, f.customer_sentiment_min, f.handle_seconds
    FROM sampling_facts AS f
    ANTI JOIN queued AS q ON q.conversation_id = f.conversation_id
    ANTI JOIN reviewed AS r ON r.conversation_id = f.conversation_id
    WHERE (($score_min <= 0 AND $score_max >= 100)
           OR (CAST($rubric_id AS VARCHAR) IS NULL AND f.quality_score BETWEEN $score_min AND $score_max)
           OR (CAST($rubric_id AS VARCHAR) IS NOT NULL
               AND f.rubric_scores[CAST($rubric_id AS VARCHAR)] BETWEEN $score_min AND $score_max))
),
lowest_cut AS (
    SELECT max(quality_score) AS cut
    FROM (SELECT quality_score FROM base WHERE $use_lowest AND quality_score IS NOT NULL
          ORDER BY quality_score LIMIT $lowest_limit)
),
flagged AS (
    SELECT
        b.*,
        coalesce($use_lowest AND b.quality_score <= (SELECT cut FROM lowest_cut), false) AS by_lowest,
        coalesce($use_sentiment AND b.customer_sentiment_min <= $sentiment_at_most, false) AS by_sentiment,
        coalesce($use_handle AND b.handle_seconds >= $handle_at_least, false) AS by_handle,
        coalesce($use_critical AND b.critical_failed, false) AS by_critical
    FROM base AS b
),
picked AS (
    SELECT
        conversation_id, quality_score, critical_failed,
        concat_ws(', ',
            CASE WHEN by_critical THEN 'critical_failures' END,
            CASE WHEN by_lowest THEN 'lowest_auto_score' END,
            CASE WHEN by_sentiment THEN 'negative_sentiment' END,
            CASE WHEN by_handle THEN 'long_handle_time' END,
            CASE WHEN NOT $any_selector THEN 'not_yet_reviewed' END) AS rule
    FROM flagged
    WHERE CASE
        WHEN NOT $any_selector THEN true
        WHEN $combine_all THEN (NOT $use_lowest OR by_lowest) AND (NOT $use_sentiment OR by_sentiment)
            AND (NOT $use_handle OR by_handle) AND (NOT $use_critical OR by_critical)
        ELSE by_lowest OR by_sentiment OR by_handle OR by_critical
    END
    ORDER BY critical_failed DESC, quality_score NULLS LAST, conversation_id
    LIMIT $limit
)
SELECT
    p.conversation_id, c.agent_id, c.team, c.channel, c.created_at, c.csat, c.nps, p.quality_score,
    p.critical_failed, p.rule
FROM picked AS p
JOIN conversations AS c ON c.conversation_id = p.conversation_id
WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
ORDER BY p.critical_failed DESC, p.quality_score NULLS LAST, p.conversation_id

-- name: queue_filter_options
-- Teams, agents, channels and rubrics the viewer can filter the queue by.
SELECT 'team' AS kind, team AS value, team AS label
FROM (SELECT DISTINCT c.team FROM conversations AS c
      WHERE c.team IS NOT NULL
        AND visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team))
UNION ALL
SELECT 'agent', agent_id, coalesce(max(agent_name), agent_id)
FROM conversations AS c
WHERE c.agent_id IS NOT NULL
  AND visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
GROUP BY agent_id
UNION ALL
SELECT 'channel', channel, channel
FROM (SELECT DISTINCT c.channel FROM conversations AS c
      WHERE c.channel IS NOT NULL
        AND visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team))
UNION ALL
SELECT 'rubric', rubric_id, rubric_id FROM (SELECT DISTINCT rubric_id FROM rubric_scores)
ORDER BY 1, 3

-- name: open_assignment_count
-- How many conversations are assigned and waiting, per reviewer (for the lead's queue panel).
SELECT a.reviewer_id, count(*) AS open_assignments
FROM review_assignments AS a
JOIN conversations AS c ON c.conversation_id = a.conversation_id
WHERE a.status = 'open' AND a.calibration_session_id IS NULL
  AND visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
GROUP BY a.reviewer_id
ORDER BY a.reviewer_id

-- name: insert_assignment
-- One assignment; in the normal queue only if the conversation is not already in someone's queue.
-- $due_date: optional (NULL: no due date).
INSERT INTO review_assignments
    (assignment_id, conversation_id, reviewer_id, assigned_by, assigned_at, rule,
     calibration_session_id, status, due_date)
SELECT nextval('assignment_id_seq'), $conversation_id, $reviewer_id, $assigned_by, $assigned_at,
       $rule, $calibration_session_id, 'open', CAST($due_date AS DATE)
WHERE NOT EXISTS (
    SELECT 1 FROM review_assignments AS a
    WHERE a.conversation_id = $conversation_id AND a.status <> 'released'
      AND (($calibration_session_id IS NULL AND a.calibration_session_id IS NULL)
           OR (a.calibration_session_id = $calibration_session_id AND a.reviewer_id = $reviewer_id)))
RETURNING assignment_id

-- name: release_assignment
-- Give an open assignment back (it can be sampled again).
UPDATE review_assignments SET status = 'released'
WHERE assignment_id = $assignment_id AND status = 'open'

-- name: reviewer_accounts
-- Accounts that are offered review work ($roles: permission review.offered_work, reviewers and
-- QA leads), for the queue builder.
SELECT u.user_id, u.display_name, u.role
FROM users AS u
WHERE list_contains(CAST($roles AS VARCHAR[]), u.role) AND NOT u.disabled
ORDER BY u.role DESC, u.user_id

-- name: reviewer_accounts_named
-- Which of $user_ids are active accounts of $roles (permission review.submit: reviewer, QA lead,
-- admin): queue builds, reassignments and calibration sessions accept no other names.
SELECT u.user_id, u.display_name, u.role
FROM users AS u
WHERE list_contains(CAST($user_ids AS VARCHAR[]), u.user_id)
  AND list_contains(CAST($roles AS VARCHAR[]), u.role) AND NOT u.disabled

-- name: open_assignments_by_id
-- The open assignments among $assignment_ids whose conversation the viewer may see.
SELECT a.assignment_id, a.conversation_id, a.reviewer_id, a.rule, a.calibration_session_id,
       a.due_date
FROM review_assignments AS a
JOIN conversations AS c ON c.conversation_id = a.conversation_id
WHERE list_contains(CAST($assignment_ids AS BIGINT[]), a.assignment_id)
  AND a.status = 'open'
  AND visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)
ORDER BY a.assignment_id
