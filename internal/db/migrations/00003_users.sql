-- Accounts of customers and staff. Sign-up, sessions, social login and the
-- rest arrive with the accounts capability; the foundation needs a staff
-- user for `mallang createadmin` and the demo shop.
-- +goose Up
CREATE TABLE users (
    id {{ID}},
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL DEFAULT 'customer',
    active BOOLEAN NOT NULL DEFAULT FALSE,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    deleted_at {{TIME}}
);

-- +goose Down
DROP TABLE users;
