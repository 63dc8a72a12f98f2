-- name: overview_counts
-- How many conversations, messages, quarantined records and imports the viewer can see.
SELECT
    (SELECT count(*) FROM conversations AS c
      WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)) AS conversations,
    (SELECT count(*) FROM messages AS m JOIN conversations AS c USING (conversation_id)
      WHERE visible_to($viewer_role, $viewer_agent_id, $viewer_teams, c.agent_id, c.team)) AS messages,
    (SELECT count(*) FROM quarantine) AS quarantined,
    (SELECT count(*) FROM imports) AS imports
