-- Automations: the mails a shop sends by itself (a cart left behind, points
-- about to expire, a purchase still to confirm, the daily report to staff).
-- automation_sends holds one row per mail that went out, keyed by what it
-- was about (kind, subject): the row is written in the mail's transaction
-- with INSERT … ON CONFLICT DO NOTHING, so an automation run twice, or on
-- two app nodes at once, sends each mail once. automation_runs keeps each
-- automation's last run for the back office. See
-- docs/decisions/0068-automations.md.
-- +goose Up
CREATE TABLE automation_sends (
    kind TEXT NOT NULL,
    -- What the mail was about: "cart:12:2026-12-07T10:00:00Z",
    -- "points:5:2027-01-06", "order:881", "report:2026-12-06:boss@…".
    subject TEXT NOT NULL,
    user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    sent_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (kind, subject)
);
CREATE INDEX automation_sends_sent ON automation_sends (sent_at);

CREATE TABLE automation_runs (
    kind TEXT PRIMARY KEY,
    ran_at {{TIME}} NOT NULL,
    sent BIGINT NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE automation_runs;
DROP TABLE automation_sends;
