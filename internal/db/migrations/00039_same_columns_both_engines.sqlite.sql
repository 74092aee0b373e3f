-- A dump moved from one engine to the other and back is the same file
-- (decision 0056), so a table has its columns in the same order on both.
-- Migration 00025 rebuilt the outbox here with claim and claimed_at in the
-- middle, while PostgreSQL added them at the end; the table is rebuilt
-- again in PostgreSQL's order (nothing refers to it, it has no index). The
-- PostgreSQL half of this migration stores JSON documents as written.
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
    sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    claim TEXT NOT NULL DEFAULT '',
    claimed_at TIMESTAMP
);
INSERT INTO outbox_new (id, to_address, subject, text_body, html_body, status, attempts, last_error, sent_at, created_at, updated_at, claim, claimed_at)
    SELECT id, to_address, subject, text_body, html_body, status, attempts, last_error, sent_at, created_at, updated_at, claim, claimed_at
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
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'held')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    claim TEXT NOT NULL DEFAULT '',
    claimed_at TIMESTAMP,
    sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO outbox_old (id, to_address, subject, text_body, html_body, status, attempts, last_error, claim, claimed_at, sent_at, created_at, updated_at)
    SELECT id, to_address, subject, text_body, html_body, status, attempts, last_error, claim, claimed_at, sent_at, created_at, updated_at
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_old RENAME TO outbox;
