-- What customer accounts need beyond the foundation's users table: the
-- phone number (encrypted with internal/crypt, never stored in clear),
-- marketing consent with its time, email verification, the session version
-- that ends every session of a user when it changes (password change,
-- deletion), and a staff permission set. The lock after repeated failed
-- logins is a rate limit, kept in rate_limits. One-time links (email
-- verification, password reset) are kept as SHA-256 hashes, so a copy of
-- the database cannot be used to open them.
-- +goose Up
ALTER TABLE users ADD COLUMN phone_enc TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN marketing_consent_at {{TIME}};
ALTER TABLE users ADD COLUMN email_verified_at {{TIME}};
ALTER TABLE users ADD COLUMN session_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN permissions TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN last_login_at {{TIME}};

CREATE TABLE account_tokens (
    id {{ID}},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('verify', 'reset')),
    token_hash TEXT NOT NULL UNIQUE,
    expires_at {{TIME}} NOT NULL,
    used_at {{TIME}},
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose);

-- +goose Down
DROP TABLE account_tokens;
ALTER TABLE users DROP COLUMN last_login_at;
ALTER TABLE users DROP COLUMN permissions;
ALTER TABLE users DROP COLUMN session_version;
ALTER TABLE users DROP COLUMN email_verified_at;
ALTER TABLE users DROP COLUMN marketing_consent_at;
ALTER TABLE users DROP COLUMN phone_enc;
