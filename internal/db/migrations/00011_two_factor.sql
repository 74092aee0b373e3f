-- Two-factor authentication of staff (internal/account/twofactor, see
-- docs/decisions/0019-staff-totp.md). One row per user who has begun or
-- finished setting up an authenticator app. The TOTP secrets are encrypted
-- with internal/crypt, bound to the column and the user id; '' means none.
-- secret_enc is the secret that login checks; pending_secret_enc is one shown
-- for setup and not yet confirmed with a code, so an unfinished setup never
-- locks anyone out. last_step is the newest 30-second TOTP time step a code
-- was accepted for: a code is accepted only for a later step, so a code seen
-- over someone's shoulder cannot be used again.
-- Recovery codes are kept as SHA-256 hashes (they are random, 60 bits), so a
-- copy of the database cannot be used to sign in; used_at marks the one use.
-- +goose Up
CREATE TABLE two_factor (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret_enc TEXT NOT NULL DEFAULT '',
    pending_secret_enc TEXT NOT NULL DEFAULT '',
    last_step BIGINT NOT NULL DEFAULT 0 CHECK (last_step >= 0),
    enabled_at {{TIME}},
    pending_at {{TIME}},
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE two_factor_recovery_codes (
    id {{ID}},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at {{TIME}},
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (user_id, code_hash)
);

-- +goose Down
DROP TABLE two_factor_recovery_codes;
DROP TABLE two_factor;
