-- Every email the shop sends, for staff to see at a back-office page. In
-- development the outbox is the whole delivery: mail stops here (status
-- 'queued'). In production the SMTP mailer records each message here too,
-- with its outcome ('sent' or 'failed' and the server's last error).
-- Bodies are kept as sent; the table holds personal data (addresses, names,
-- one-time links) and is shown to staff only.
-- +goose Up
CREATE TABLE outbox (
    id {{ID}},
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    sent_at {{TIME}},
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- +goose Down
DROP TABLE outbox;
