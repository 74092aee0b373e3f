-- Kakao 알림톡 sent to customers in place of an order's mail
-- (docs/decisions/0067-messaging.md). A row is written with its delivery
-- job in the transaction of the change it tells of; dedupe_key (the event
-- and the order's number, with what makes a second notice of the same kind
-- different, such as a tracking number) is unique, so one notice is stored
-- once however often the change's code runs. The job claims the row
-- (queued → sending, with a lease), calls the provider and writes the
-- outcome; a sent or failed row is never sent again. The recipient's number
-- is not stored here: the job reads and decrypts it from the account.
-- +goose Up
CREATE TABLE messages (
    id {{ID}},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    dedupe_key TEXT NOT NULL UNIQUE,
    event TEXT NOT NULL,
    template_code TEXT NOT NULL,
    -- The template's variables as a JSON object ("#{주문번호}" → value).
    variables TEXT NOT NULL,
    fallback_sms BOOLEAN NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    -- The random claim of the delivery working on it, and until when.
    claim TEXT NOT NULL DEFAULT '',
    claimed_until {{TIME}},
    provider_message_id TEXT NOT NULL DEFAULT '',
    last_error TEXT NOT NULL DEFAULT '',
    sent_at {{TIME}},
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX messages_user ON messages (user_id, id);

-- +goose Down
DROP TABLE messages;
