-- Tokens of first-party API clients (see docs/decisions/0017-api-tokens.md).
-- A family is one sign-in of one app: every refresh token rotated out of the
-- same password grant belongs to it. Revocation (logout, a reused refresh
-- token, a password change) sets revoked_at on the family row, one statement
-- that ends every token of the sign-in at once; access tokens name their
-- family and are checked against it. session_version copies the user's at
-- sign-in, so a later bump ends the family even if it raced the sign-in.
-- Refresh tokens are kept as SHA-256 hashes, so a copy of the database cannot
-- be used to refresh; used_at marks a token rotated, and presenting it again
-- is treated as theft.
-- +goose Up
CREATE TABLE api_token_families (
    id {{ID}},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_version INTEGER NOT NULL,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    expires_at {{TIME}} NOT NULL,
    revoked_at {{TIME}}
);
CREATE INDEX api_token_families_user ON api_token_families (user_id);
CREATE INDEX api_token_families_expires_at ON api_token_families (expires_at);

CREATE TABLE api_refresh_tokens (
    id {{ID}},
    family_id BIGINT NOT NULL REFERENCES api_token_families (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    parent_id BIGINT REFERENCES api_refresh_tokens (id) ON DELETE SET NULL,
    client TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT '',
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    expires_at {{TIME}} NOT NULL,
    used_at {{TIME}}
);
CREATE INDEX api_refresh_tokens_family ON api_refresh_tokens (family_id);
CREATE INDEX api_refresh_tokens_parent ON api_refresh_tokens (parent_id);
CREATE INDEX api_refresh_tokens_expires_at ON api_refresh_tokens (expires_at);

-- +goose Down
DROP TABLE api_refresh_tokens;
DROP TABLE api_token_families;
