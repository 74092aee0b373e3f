-- Browser sessions (github.com/alexedwards/scs/v2 with a store in our own
-- database, so a session holds across app nodes). The cookie carries a
-- random token; the table keeps only its SHA-256, so a copy of the database
-- cannot be replayed as a cookie. user_id is copied out of the session data
-- so staff can see and end a user's sessions.
-- +goose Up
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    data {{BYTES}} NOT NULL,
    expires_at {{TIME}} NOT NULL,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);
CREATE INDEX sessions_user ON sessions (user_id);

-- +goose Down
DROP TABLE sessions;
