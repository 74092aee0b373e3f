-- Customers' delivery addresses (the address book). Everything a customer
-- types is personal data and is stored encrypted with internal/crypt, each
-- value bound to its column and row ("addresses.line1_enc:42"); only the
-- owner, the default flag and the times are in clear. A customer with
-- addresses has exactly one default: the address service keeps that rule,
-- and the partial unique index below makes a second default impossible
-- whatever writes the table. See docs/decisions/0016-address-book.md.
-- +goose Up
CREATE TABLE addresses (
    id {{ID}},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label_enc TEXT NOT NULL DEFAULT '',
    recipient_enc TEXT NOT NULL DEFAULT '',
    phone_enc TEXT NOT NULL DEFAULT '',
    postcode_enc TEXT NOT NULL DEFAULT '',
    line1_enc TEXT NOT NULL DEFAULT '',
    line2_enc TEXT NOT NULL DEFAULT '',
    note_enc TEXT NOT NULL DEFAULT '',
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX addresses_user ON addresses (user_id, created_at);
CREATE UNIQUE INDEX addresses_one_default ON addresses (user_id) WHERE is_default;

-- +goose Down
DROP TABLE addresses;
