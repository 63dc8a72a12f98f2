-- Tamper-evident audit trail: every audit_log row carries the hash of the row before it and its
-- own hash over (previous hash, id, when, who, what, target, details), so an UPDATE or DELETE
-- made outside the application breaks the chain at that row (`qa audit verify`, the audit page).
-- The hashes of rows written before this migration are filled in by 008_audit_chain.py, in
-- audit_id order, in the same transaction. `audit_head` keeps the last row's id and hash: every
-- append updates it in the writer's transaction, so two writers can never both extend the same
-- row (the second one conflicts instead of forking the chain), and deleting the newest rows is
-- noticed too.

ALTER TABLE audit_log ADD COLUMN prev_hash VARCHAR;
ALTER TABLE audit_log ADD COLUMN entry_hash VARCHAR;

CREATE TABLE audit_head (
    singleton BOOLEAN PRIMARY KEY DEFAULT true CHECK (singleton),
    audit_id BIGINT NOT NULL,               -- the newest row's audit_id (0: none yet)
    entry_hash VARCHAR NOT NULL             -- the newest row's entry_hash ('' : none yet)
);
INSERT INTO audit_head (audit_id, entry_hash) VALUES (0, '');

-- One field of the hashed text: its length in bytes, a colon, the text ('~' for NULL), so no
-- two different rows hash the same text.
CREATE MACRO audit_field(x) AS
    CASE WHEN x IS NULL THEN '~' ELSE CAST(strlen(x) AS VARCHAR) || ':' || x END;

-- The row's fields as hashed (without the previous hash).
CREATE MACRO audit_canonical(audit_id, occurred_at, actor, action, target, details) AS
    audit_field(CAST(audit_id AS VARCHAR))
    || audit_field(strftime(occurred_at, '%Y-%m-%dT%H:%M:%S.%f'))
    || audit_field(actor) || audit_field(action) || audit_field(target)
    || audit_field(CAST(details AS VARCHAR));

-- sha256 over the previous row's hash and this row's fields (hex).
CREATE MACRO audit_entry_hash(prev_hash, canonical) AS sha256(audit_field(prev_hash) || canonical);
