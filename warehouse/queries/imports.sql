-- name: recent_imports
-- The latest imports, newest first: file, format, counts, status (admin and qa_lead only).
SELECT import_id, file_name, format, status, started_at, finished_at, records_read,
       conversations_new, conversations_updated, conversations_unchanged, quarantined, message
FROM imports
WHERE list_contains($viewer_may, 'imports.view')
ORDER BY import_id DESC
LIMIT $limit

-- name: quarantine_listing
-- Refused records, newest first, with file, position, reason and the start of the raw text.
-- Raw records can hold anything a customer wrote, so only admin and qa_lead see them.
SELECT q.quarantine_id, q.import_id, q.file_name, q.position, q.reason,
       left(q.raw, $raw_chars) AS raw, length(q.raw) AS raw_length, q.quarantined_at
FROM quarantine AS q
WHERE list_contains($viewer_may, 'imports.view')
ORDER BY q.quarantine_id DESC
LIMIT $limit

-- name: quarantine_count
-- How many records are in quarantine (admin and qa_lead only; 0 for other roles).
SELECT count(*) AS quarantined FROM quarantine WHERE list_contains($viewer_may, 'imports.view')
