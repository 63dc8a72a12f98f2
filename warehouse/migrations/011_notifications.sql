-- Notifications (the in-app inbox, e-mail, a chat webhook). The notifications themselves are not
-- stored: the named queries in warehouse/queries/notifications.sql derive them from reviews,
-- disputes and review_assignments, so no other write path has to create one. These tables only
-- remember what each person has read, where they want e-mail, and what was sent where.
-- warehouse/notifications.py writes them.

CREATE TABLE notification_reads (
    user_id VARCHAR NOT NULL,
    notification_key VARCHAR NOT NULL,     -- e.g. 'feedback:42', 'dispute_opened:7' (notifications.sql)
    read_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, notification_key)
);

-- A person's own choice of address for e-mailed notifications (set on the inbox page).
CREATE TABLE notification_addresses (
    user_id VARCHAR PRIMARY KEY,
    email VARCHAR NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Each notification is sent at most once per channel and recipient: `qa notify` claims a row
-- (the primary key refuses a second claim), sends, then sets sent_at; a failed send deletes its
-- claim so the next run tries again.
CREATE TABLE notification_deliveries (
    channel VARCHAR NOT NULL,              -- email | webhook
    recipient VARCHAR NOT NULL,            -- user_id for e-mail; '' for the webhook (one post per event)
    notification_key VARCHAR NOT NULL,
    claimed_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,                     -- NULL while being sent (or if the sender died meanwhile)
    PRIMARY KEY (channel, recipient, notification_key)
);

-- When a channel was first set up: events from before then are never sent through it (setting
-- up e-mail on a database with a year of reviews must not send a year of e-mails).
CREATE TABLE notification_channels (
    channel VARCHAR PRIMARY KEY,
    enabled_at TIMESTAMP NOT NULL
);
