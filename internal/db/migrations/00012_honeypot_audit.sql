-- The /admin honeypot and the staff audit log (see
-- docs/decisions/0020-honeypot-and-audit.md).
--
-- honeypot_attempts keeps every try at the fake /admin login: the caller's
-- IP (normalised, IPv4-mapped IPv6 as IPv4), user agent and the username
-- typed. There is no password column on purpose: the trap must never hold a
-- password someone may reuse elsewhere. Attempts stay after a block is
-- cleared, for the record, and are pruned by age.
--
-- honeypot_blocks has at most one row per IP (the upsert key). A block is
-- active while expires_at is in the future; clearing it sets expires_at and
-- cleared_at to the time of clearing, and attempts before cleared_at no
-- longer count towards a new block.
--
-- audit_log records what staff did, who did it (the email is copied so the
-- entry still names the person after the account changes or is deleted) and
-- from where. Rows are written in the transaction of the action they
-- describe and never updated.
-- +goose Up
CREATE TABLE honeypot_attempts (
    id {{ID}},
    ip TEXT NOT NULL,
    user_agent TEXT NOT NULL DEFAULT '',
    username TEXT NOT NULL DEFAULT '',
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX honeypot_attempts_ip_created ON honeypot_attempts (ip, created_at);
CREATE INDEX honeypot_attempts_created ON honeypot_attempts (created_at);

CREATE TABLE honeypot_blocks (
    id {{ID}},
    ip TEXT NOT NULL UNIQUE,
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    blocked_at {{TIME}} NOT NULL,
    expires_at {{TIME}} NOT NULL,
    cleared_at {{TIME}},
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX honeypot_blocks_expires_at ON honeypot_blocks (expires_at);

CREATE TABLE audit_log (
    id {{ID}},
    actor_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    actor_email TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    target_type TEXT NOT NULL DEFAULT '',
    target_id TEXT NOT NULL DEFAULT '',
    detail {{JSON}} NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX audit_log_created ON audit_log (created_at, id);
CREATE INDEX audit_log_actor ON audit_log (actor_id, created_at, id);
CREATE INDEX audit_log_action ON audit_log (action, created_at, id);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE honeypot_blocks;
DROP TABLE honeypot_attempts;
