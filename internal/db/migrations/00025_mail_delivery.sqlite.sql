-- Mail is delivered by a job (decision 0034): Send stores the row 'queued'
-- and enqueues the job in the caller's transaction; the job claims the row
-- ('sending', with a random claim and its time), delivers it and records
-- 'sent' or 'failed'. Without an SMTP server the job marks it 'held': kept
-- in the outbox, not delivered by design. Rows queued before this migration
-- have no job and never will: they become 'held'. SQLite cannot change a
-- CHECK constraint, so the table is rebuilt (nothing refers to it).
-- +goose Up
CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'held')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    claim TEXT NOT NULL DEFAULT '',
    claimed_at TIMESTAMP,
    sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO outbox_new (id, to_address, subject, text_body, html_body, status, attempts, last_error, sent_at, created_at, updated_at)
    SELECT id, to_address, subject, text_body, html_body,
        CASE status WHEN 'queued' THEN 'held' ELSE status END,
        attempts, last_error, sent_at, created_at, updated_at
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;

-- +goose Down
CREATE TABLE outbox_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO outbox_old (id, to_address, subject, text_body, html_body, status, attempts, last_error, sent_at, created_at, updated_at)
    SELECT id, to_address, subject, text_body, html_body,
        CASE WHEN status IN ('sending', 'held') THEN 'queued' ELSE status END,
        attempts, last_error, sent_at, created_at, updated_at
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_old RENAME TO outbox;
