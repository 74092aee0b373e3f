-- Rate-limit counters, kept in the database so a limit holds across every
-- app node (see docs/decisions/0014-rate-limits.md). One row counts the
-- attempts of one key under one named limit in one fixed window; key_hash is
-- the SHA-256 of the key (an IP, an email address), never the key itself.
-- Rows are worthless once window_end has passed and are pruned by job.
-- +goose Up
CREATE TABLE rate_limits (
    id {{ID}},
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    window_start {{TIME}} NOT NULL,
    window_end {{TIME}} NOT NULL,
    hits INTEGER NOT NULL DEFAULT 0 CHECK (hits >= 0),
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (name, key_hash, window_start)
);
CREATE INDEX rate_limits_window_end ON rate_limits (window_end);

-- +goose Down
DROP TABLE rate_limits;
