-- Mail is delivered by a job (decision 0034): Send stores the row 'queued'
-- and enqueues the job in the caller's transaction; the job claims the row
-- ('sending', with a random claim and its time), delivers it and records
-- 'sent' or 'failed'. Without an SMTP server the job marks it 'held': kept
-- in the outbox, not delivered by design. Rows queued before this migration
-- have no job and never will: they become 'held'.
-- +goose Up
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check
    CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'held'));
ALTER TABLE outbox ADD COLUMN claim TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN claimed_at TIMESTAMPTZ;
UPDATE outbox SET status = 'held' WHERE status = 'queued';

-- +goose Down
UPDATE outbox SET status = 'queued' WHERE status IN ('sending', 'held');
ALTER TABLE outbox DROP COLUMN claimed_at;
ALTER TABLE outbox DROP COLUMN claim;
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check CHECK (status IN ('queued', 'sent', 'failed'));
