-- Dormant accounts (휴면 계정, docs/decisions/0069-dormant-accounts.md).
--
-- users.dormant_at is set when a customer who has not signed in for the
-- shop's dormancy period is made dormant: the account is locked (no
-- session, no API token) until its owner opens an emailed link. The email
-- address stays on users so the owner can sign in and be sent that link.
--
-- dormant_accounts keeps the personal data taken off the live rows (the
-- name, the phone number and every saved address) as one value encrypted
-- with internal/crypt and bound to its user ("dormant_accounts.data_enc:42"),
-- until the owner comes back (the row is deleted then) or the account is
-- deleted.
-- +goose Up
ALTER TABLE users ADD COLUMN dormant_at {{TIME}};
CREATE INDEX users_dormant ON users (dormant_at);

CREATE TABLE dormant_accounts (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    data_enc TEXT NOT NULL,
    -- When the customer last signed in (or signed up) before going dormant.
    last_active_at {{TIME}} NOT NULL,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- +goose Down
DROP TABLE dormant_accounts;
DROP INDEX users_dormant;
ALTER TABLE users DROP COLUMN dormant_at;
