-- Importing a file (warehouse/reading/ingest.py, warehouse/reading/staging.py, warehouse/reading/fast_jsonl.py): the
-- staging tables, the merge into conversations and messages, and the import record.
-- Staging runs on the import's own stage file (warehouse/reading/stage_file.py), never on the database.
-- Both ingest paths stage into tables with the same columns (`stage_fast`: DuckDB reads canonical
-- JSONL itself; `stage_py`: Python-validated records), read through the view `staged`; refused
-- records wait in `quarantine_rows`. The merge runs on the database with the stage file attached
-- read-only as `cs_stage`, in one transaction.

-- name: import_content_hash_macro
-- The content hash covers every stored field of the normalised record; both staging tables
-- compute it with this macro. DuckDB's hash() is fast and deterministic; a release that changed
-- it would only mark conversations "updated" once.
CREATE OR REPLACE TEMP MACRO cs_content_hash(conversation_id, channel, created_at, status,
    agent_id, agent_name, team, customer_id, customer_name, csat, nps, ces, tags, subject,
    messages) AS printf('%016x', hash(conversation_id, channel, created_at, status, agent_id,
    agent_name, team, customer_id, customer_name, csat, nps, ces, tags, subject, messages));

-- name: import_fast_macros
-- The fast path's macros decide only whether SQL may vouch for a row; none refuses one.
-- cs_ts: the ISO 8601 forms whose DuckDB reading provably equals Python's fromisoformat; NULL for
-- anything else (then Python decides). Hour 24 is excluded (DuckDB rolls it over, Python refuses
-- it); offsets go through TIMESTAMPTZ (a plain TIMESTAMP cast would drop them).
-- cs_textish: could this text have been a JSON number, boolean, object or list (DuckDB reads all
-- of them as text)? Then only Python, which sees JSON types, may judge it; whole numbers are the
-- same either way. The first line is a cheap byte-range test that settles almost every text
-- (first character not one of - . / 0-9 [ { f t); the rest look closer.
CREATE OR REPLACE TEMP MACRO cs_ts(s) AS CASE
    WHEN regexp_full_match(s, '[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?Z?') THEN try_cast(s AS TIMESTAMP)
    WHEN regexp_full_match(s, '[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?[+-][0-9]{2}:[0-9]{2}')
        THEN timezone('UTC', try_cast(s AS TIMESTAMPTZ))
    END;
CREATE OR REPLACE TEMP MACRO cs_ts_ok(raw, parsed) AS
    raw IS NULL OR coalesce(year(parsed) BETWEEN 1970 AND 2200, false);
CREATE OR REPLACE TEMP MACRO cs_textish(s) AS CASE
    WHEN s IS NULL THEN true
    WHEN (s < '-' OR s >= ':') AND (s < '[' OR s >= '\\') AND (s < '{' OR s >= '|')
         AND (s < 'f' OR s >= 'g') AND (s < 't' OR s >= 'u') THEN true
    ELSE s NOT IN ('true', 'false') AND left(s, 1) NOT IN ('{', '[')
         AND (regexp_full_match(s, '-?[0-9]{1,17}') OR try_cast(s AS DOUBLE) IS NULL)
    END;
CREATE OR REPLACE TEMP MACRO cs_has_word(s) AS regexp_matches(s, '[[:alnum:]]');
CREATE OR REPLACE TEMP MACRO cs_fits(s, n) AS s IS NULL OR strlen(s) <= n;
CREATE OR REPLACE TEMP MACRO cs_survey_ok(s, low, high) AS
    s IS NULL OR (regexp_full_match(s, '[0-9]{1,2}')
                  AND coalesce(try_cast(s AS INTEGER) BETWEEN low AND high, false));

-- name: import_fast_stage
-- Read a canonical JSONL file ($path, all-text schema $columns) into `stage_fast`, normalised,
-- with `ok` per row. Three levels so that every value is parsed once: the inner one reads the
-- file and parses timestamps, the middle one decides `ok` and shapes the messages, the outer one
-- hashes. Limits ($max_...: canonical/validate.py) are compared in bytes, not characters: a row
-- SQL accepts is within them in characters too; rows over them in bytes go to the Python
-- validator, which counts characters and decides.
CREATE TABLE stage_fast AS
SELECT *, cs_content_hash(conversation_id, channel, created_at, status, agent_id, agent_name,
    team, customer_id, customer_name, csat, nps, ces, tags, subject, messages) AS content_hash
FROM (
    SELECT
        conversation_id, channel, created_at, status, agent_id, agent_name, team, customer_id,
        customer_name, try_cast(csat AS SMALLINT) AS csat, try_cast(nps AS SMALLINT) AS nps,
        try_cast(ces AS SMALLINT) AS ces, coalesce(tags, []::VARCHAR[]) AS tags, subject,
        list_transform(msgs, lambda m: struct_pack(role := m.role, author := m.author,
            text := m.text, sent_at := m.sent_at, internal := m.internal)) AS messages,
        coalesce(
            conversation_id IS NOT NULL AND cs_textish(conversation_id)
            AND cs_has_word(conversation_id) AND cs_fits(conversation_id, $max_id_chars)
            AND cs_fits(channel, $max_field_chars) AND cs_fits(status, $max_field_chars)
            AND cs_fits(agent_id, $max_field_chars) AND cs_fits(agent_name, $max_field_chars)
            AND cs_fits(team, $max_field_chars) AND cs_fits(customer_id, $max_field_chars)
            AND cs_fits(customer_name, $max_field_chars) AND cs_fits(subject, $max_subject_chars)
            AND coalesce(len(raw_tags), 0) <= $max_tags AND len(msgs) <= $max_messages
            AND (channel IS NULL OR (cs_textish(channel)
                                     AND regexp_full_match(channel, '[a-z0-9_-]+')))
            AND cs_ts_ok(created_at_raw, created_at)
            AND cs_textish(status) AND cs_textish(agent_id) AND cs_textish(agent_name)
            AND cs_textish(team) AND cs_textish(customer_id) AND cs_textish(customer_name)
            AND cs_textish(subject)
            AND cs_survey_ok(csat, 1, 5) AND cs_survey_ok(nps, 0, 10) AND cs_survey_ok(ces, 1, 7)
            AND (raw_tags IS NULL OR list_bool_and(list_transform(raw_tags, lambda t:
                    coalesce(cs_textish(t) AND cs_has_word(t) AND cs_fits(t, $max_field_chars),
                             false))) IS NOT false)
            AND len(msgs) > 0
            AND list_bool_and(list_transform(msgs, lambda m:
                    coalesce(m.valid AND cs_ts_ok(m.sent_raw, m.sent_at), false))),
            false) AS ok
    FROM (
        SELECT
            conversation_id, channel, created_at AS created_at_raw,
            cs_ts(created_at) AS created_at, nullif(status, '') AS status,
            nullif(agent_id, '') AS agent_id, nullif(agent_name, '') AS agent_name,
            nullif(team, '') AS team, nullif(customer_id, '') AS customer_id,
            nullif(customer_name, '') AS customer_name, csat, nps, ces,
            tags, tags AS raw_tags, nullif(subject, '') AS subject,
            list_transform(messages, lambda m: struct_pack(
                role := m.role, author := nullif(m.author, ''), text := m.text,
                sent_raw := m.sent_at, sent_at := cs_ts(m.sent_at),
                internal := coalesce(m.internal = 'true', false),
                valid := m IS NOT NULL AND m.role IN ('customer', 'agent', 'bot', 'system')
                    AND m.text IS NOT NULL AND cs_textish(m.text) AND cs_has_word(m.text)
                    AND cs_textish(m.author) AND cs_fits(m.text, $max_text_chars)
                    AND cs_fits(m.author, $max_field_chars)
                    AND (m.internal IS NULL OR m.internal IN ('true', 'false'))
            )) AS msgs
        FROM read_json($path, format = 'newline_delimited', columns = $columns,
                       maximum_object_size = 33554432)
    )
)

-- name: import_fast_stage_count
-- Records DuckDB read from the file.
SELECT count(*) FROM stage_fast

-- name: import_fast_stage_doubtful
-- Rows SQL could not vouch for (record ordinal, id): the Python rules decide them.
SELECT rowid + 1 AS ord, conversation_id FROM stage_fast WHERE NOT ok

-- name: import_staged_view_fast
-- What the merge reads on the fast path: rows SQL vouched for, and those Python accepted.
CREATE VIEW staged AS
SELECT rowid + 1 AS ord, NULL::VARCHAR AS position, conversation_id, channel, created_at, status, agent_id, agent_name, team, customer_id,
    customer_name, csat, nps, ces, tags, subject, messages, content_hash
FROM stage_fast WHERE ok
UNION ALL
SELECT ord, position, conversation_id, channel, created_at, status, agent_id, agent_name, team, customer_id,
    customer_name, csat, nps, ces, tags, subject, messages, content_hash
FROM stage_py

-- name: import_staged_view_python
-- What the merge reads on the Python path.
CREATE VIEW staged AS SELECT * FROM stage_py

-- name: import_stage_py_create
-- Validated conversations, appended in Arrow batches (same columns as `stage_fast`).
CREATE TABLE stage_py (
    ord BIGINT, position VARCHAR, conversation_id VARCHAR, channel VARCHAR, created_at TIMESTAMP,
    status VARCHAR, agent_id VARCHAR, agent_name VARCHAR, team VARCHAR, customer_id VARCHAR,
    customer_name VARCHAR, csat SMALLINT, nps SMALLINT, ces SMALLINT, tags VARCHAR[],
    subject VARCHAR,
    messages STRUCT(role VARCHAR, author VARCHAR, text VARCHAR, sent_at TIMESTAMP,
                    internal BOOLEAN)[],
    content_hash VARCHAR
)

-- name: import_stage_py_append
-- One batch of validated conversations (registered Arrow table `stage_batch`), hashed.
INSERT INTO stage_py (ord, position, conversation_id, channel, created_at, status, agent_id, agent_name, team, customer_id,
    customer_name, csat, nps, ces, tags, subject, messages, content_hash)
SELECT ord, position, conversation_id, channel, created_at, status, agent_id, agent_name, team, customer_id,
    customer_name, csat, nps, ces, tags, subject, messages,
    cs_content_hash(conversation_id, channel, created_at, status, agent_id, agent_name, team, customer_id,
    customer_name, csat, nps, ces, tags, subject, messages) AS content_hash
FROM stage_batch

-- name: import_quarantine_rows_create
-- Refused records of this import, in the order they were refused (`seq`), until the merge.
CREATE TABLE IF NOT EXISTS quarantine_rows (
    seq BIGINT, position VARCHAR, raw VARCHAR, reason VARCHAR, quarantined_at TIMESTAMP
)

-- name: import_quarantine_batch
-- One batch of refused records (registered Arrow table `quarantine_batch`).
INSERT INTO quarantine_rows (seq, position, raw, reason, quarantined_at)
SELECT seq, position, raw, reason, $now
FROM quarantine_batch

-- name: import_attach_stage
-- The merge reads the stage file ($path) as `cs_stage`; it is never written after staging.
ATTACH $path AS cs_stage (READ_ONLY)

-- name: import_detach_stage
-- After the merge (committed or rolled back).
DETACH DATABASE IF EXISTS cs_stage

-- name: import_staged_from_stage
-- The merge's view of the staged rows.
CREATE OR REPLACE TEMP VIEW staged AS SELECT * FROM cs_stage.staged

-- name: import_copy_quarantine
-- The import's refused records into `quarantine`, numbered in the order they were refused.
INSERT INTO quarantine (quarantine_id, import_id, file_name, position, reason, raw, quarantined_at)
SELECT nextval('quarantine_id_seq'), $import_id, $file_name, position, reason, raw, quarantined_at
FROM (SELECT * FROM cs_stage.quarantine_rows ORDER BY seq)

-- name: import_drop_staging
-- Leave nothing of the merge behind on the database's connection, whatever happened (the stage
-- file itself is removed with its folder).
DROP VIEW IF EXISTS temp.staged;
DROP TABLE IF EXISTS temp.merge_plan

-- name: import_memory_limit
-- DuckDB's memory limit in force (restored after an import).
SELECT current_setting('memory_limit')

-- name: set_memory_limit
-- DuckDB spills beyond this (an import lowers it while staging and merging, then restores it).
SET memory_limit = $limit

-- name: import_next_id
-- A fresh import id.
SELECT nextval('import_id_seq')

-- name: import_record
-- The import's row: file, format, counts, status (also for a file that failed).
INSERT INTO imports (import_id, file_name, file_path, content_hash, format, started_at,
                     finished_at, records_read, conversations_new, conversations_updated,
                     conversations_unchanged, quarantined, status, message)
VALUES ($import_id, $file_name, $file_path, $content_hash, $format, $started_at, $finished_at,
        $records_read, $conversations_new, $conversations_updated, $conversations_unchanged,
        $quarantined, $status, $message)

-- name: import_known_refusal_count
-- Records this import quarantined that an earlier complete import of the same file already
-- quarantined at the same position for the same reason.
SELECT count(*) FROM quarantine AS q
WHERE q.import_id = $import_id AND EXISTS (
    SELECT 1 FROM quarantine AS earlier JOIN imports AS i ON i.import_id = earlier.import_id
    WHERE i.content_hash = $content_hash AND i.status = 'done'
      AND earlier.position = q.position AND earlier.reason = q.reason)

-- name: import_forget_known_refusals
-- Re-importing a file changes nothing: drop those records (see import_known_refusal_count).
DELETE FROM quarantine AS q
WHERE q.import_id = $import_id AND EXISTS (
    SELECT 1 FROM quarantine AS earlier JOIN imports AS i ON i.import_id = earlier.import_id
    WHERE i.content_hash = $content_hash AND i.status = 'done'
      AND earlier.position = q.position AND earlier.reason = q.reason)

-- name: import_duplicate_records
-- Every staged record whose id comes again later in the file: (its ordinal, id, the kept one).
SELECT ord, conversation_id, max(ord) OVER (PARTITION BY conversation_id) AS kept
FROM staged
WHERE conversation_id IN (SELECT conversation_id FROM staged GROUP BY 1 HAVING count(*) > 1)
QUALIFY ord <> kept
ORDER BY ord

-- name: import_dropped_create
-- Ordinals of staged records that are not merged (an earlier copy of a duplicated id).
CREATE TABLE dropped_ords (ord BIGINT)

-- name: import_dropped_add
-- Record those ordinals.
INSERT INTO dropped_ords (ord) SELECT unnest($ords)

-- name: import_merge_plan
-- Each staged record to merge: new, updated (its content hash changed) or unchanged.
CREATE TEMP TABLE merge_plan AS
SELECT s.ord,
       CASE WHEN c.conversation_id IS NULL THEN 'new'
            WHEN c.content_hash <> s.content_hash THEN 'updated'
            ELSE 'unchanged' END AS outcome
FROM staged AS s
LEFT JOIN conversations AS c ON c.conversation_id = s.conversation_id
WHERE s.ord NOT IN (SELECT ord FROM cs_stage.dropped_ords)

-- name: import_merge_outcomes
-- How many records are new, updated, unchanged.
SELECT outcome, count(*) FROM merge_plan GROUP BY outcome

-- name: import_delete_replaced
-- Updated conversations are replaced whole: their old messages and rows go first.
DELETE FROM messages WHERE conversation_id IN (
    SELECT s.conversation_id FROM staged AS s JOIN merge_plan AS p ON s.ord = p.ord
    WHERE p.outcome = 'updated');
DELETE FROM conversations WHERE conversation_id IN (
    SELECT s.conversation_id FROM staged AS s JOIN merge_plan AS p ON s.ord = p.ord
    WHERE p.outcome = 'updated')

-- name: import_insert_all_conversations
-- The common case (a first import without duplicates): every staged record is new, no join.
INSERT INTO conversations (conversation_id, source_format, channel, created_at, status, agent_id,
                           agent_name, team, customer_id, customer_name, csat, nps, ces, tags,
                           subject, message_count, content_hash, import_id, imported_at)
SELECT s.conversation_id, $format, s.channel, s.created_at, s.status, s.agent_id, s.agent_name,
       s.team, s.customer_id, s.customer_name, s.csat, s.nps, s.ces, s.tags, s.subject,
       len(s.messages), s.content_hash, $import_id, $now
FROM staged AS s

-- name: import_insert_changed_conversations
-- The new and updated staged records (the merge plan says which).
INSERT INTO conversations (conversation_id, source_format, channel, created_at, status, agent_id,
                           agent_name, team, customer_id, customer_name, csat, nps, ces, tags,
                           subject, message_count, content_hash, import_id, imported_at)
SELECT s.conversation_id, $format, s.channel, s.created_at, s.status, s.agent_id, s.agent_name,
       s.team, s.customer_id, s.customer_name, s.csat, s.nps, s.ces, s.tags, s.subject,
       len(s.messages), s.content_hash, $import_id, $now
FROM staged AS s
WHERE s.ord IN (SELECT ord FROM merge_plan WHERE outcome <> 'unchanged')

-- name: import_insert_all_messages
-- The messages of every staged record, numbered from 0 (see import_insert_all_conversations).
INSERT INTO messages (conversation_id, message_index, role, author, text, sent_at, internal)
SELECT conversation_id, message_index, m.role, m.author, m.text, m.sent_at, m.internal
FROM (SELECT s.conversation_id, generate_subscripts(s.messages, 1) - 1 AS message_index,
             unnest(s.messages) AS m
      FROM staged AS s)

-- name: import_insert_changed_messages
-- The messages of the new and updated staged records.
INSERT INTO messages (conversation_id, message_index, role, author, text, sent_at, internal)
SELECT conversation_id, message_index, m.role, m.author, m.text, m.sent_at, m.internal
FROM (SELECT s.conversation_id, generate_subscripts(s.messages, 1) - 1 AS message_index,
             unnest(s.messages) AS m
      FROM staged AS s
      WHERE s.ord IN (SELECT ord FROM merge_plan WHERE outcome <> 'unchanged'))

-- name: database_file
-- The file of the connection's database (NULL in memory): the import's stage goes next to it.
SELECT path FROM duckdb_databases() WHERE database_name = current_database()
