-- Review drafts: what a reviewer has changed on a review form but not submitted yet, per reviewer
-- and conversation, so leaving the page, opening the next conversation or reloading loses nothing.
-- warehouse/drafts.py writes it; a submitted review deletes its draft in the same transaction.
-- A draft is private working state: only its reviewer reads it, and it is not audited.

CREATE TABLE review_drafts (
    reviewer_id VARCHAR NOT NULL,          -- user_id of the reviewer who is writing the review
    conversation_id VARCHAR NOT NULL,
    base_review_id BIGINT,                 -- the review version the draft edits (NULL: a new review)
    fields VARCHAR NOT NULL,               -- JSON object: form field -> the reviewer's value, only
                                           -- the fields they changed (answers, reasons, comments)
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (reviewer_id, conversation_id)
);
