-- Refunds take back the points an order earned (a 'revoke' entry per
-- refund). When the customer has spent them already the balance goes below
-- zero: the debt is paid off first by the next credits, and nothing can be
-- spent meanwhile. Points an order spent come back on refund as new lots
-- ('refund' entries), one or more per refund, so an order may have several.
-- See docs/decisions/0040-refunds-take-back-points.md.
--
-- SQLite cannot change a CHECK constraint in place, so the balances and the
-- ledger are built anew. points_uses refers to the ledger: renaming the old
-- ledger makes its foreign keys follow it, so it is renamed first and built
-- anew (pointing at the new ledger) before the old tables are dropped.
-- +goose Up
ALTER TABLE points_balances RENAME TO points_balances_old;
CREATE TABLE points_balances (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    balance BIGINT NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO points_balances (user_id, balance, updated_at) SELECT user_id, balance, updated_at FROM points_balances_old;
DROP TABLE points_balances_old;

ALTER TABLE points_uses RENAME TO points_uses_old;
ALTER TABLE points_entries RENAME TO points_entries_old;
DROP INDEX points_entries_user;
DROP INDEX points_entries_lots;
DROP INDEX points_entries_due;
DROP INDEX points_entries_order;
CREATE TABLE points_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('earn', 'spend', 'expire', 'adjust', 'refund', 'revoke')),
    amount BIGINT NOT NULL CHECK (amount <> 0),
    balance_after BIGINT NOT NULL,
    order_id BIGINT,
    memo TEXT NOT NULL DEFAULT '',
    expires_at TIMESTAMP,
    remaining BIGINT NOT NULL DEFAULT 0 CHECK (remaining >= 0),
    actor_id BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO points_entries (id, user_id, kind, amount, balance_after, order_id, memo, expires_at, remaining, actor_id, created_at)
    SELECT id, user_id, kind, amount, balance_after, order_id, memo, expires_at, remaining, actor_id, created_at
    FROM points_entries_old;
CREATE INDEX points_entries_user ON points_entries (user_id, created_at, id);
CREATE INDEX points_entries_lots ON points_entries (user_id, expires_at) WHERE remaining > 0;
CREATE INDEX points_entries_due ON points_entries (expires_at) WHERE remaining > 0;
CREATE UNIQUE INDEX points_entries_order ON points_entries (order_id, kind) WHERE order_id IS NOT NULL AND kind IN ('earn', 'spend');
-- What refunds gave back and took back, per order.
CREATE INDEX points_entries_order_refunds ON points_entries (order_id, kind) WHERE order_id IS NOT NULL AND kind IN ('refund', 'revoke');
CREATE TABLE points_uses (
    entry_id BIGINT NOT NULL REFERENCES points_entries (id),
    lot_id BIGINT NOT NULL REFERENCES points_entries (id),
    amount BIGINT NOT NULL CHECK (amount > 0),
    PRIMARY KEY (entry_id, lot_id)
);
INSERT INTO points_uses (entry_id, lot_id, amount) SELECT entry_id, lot_id, amount FROM points_uses_old;
DROP TABLE points_uses_old;
DROP TABLE points_entries_old;

-- +goose Down
-- Going back needs every balance and entry at zero or above again.
ALTER TABLE points_balances RENAME TO points_balances_new;
CREATE TABLE points_balances (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    balance BIGINT NOT NULL DEFAULT 0 CHECK (balance >= 0),
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO points_balances (user_id, balance, updated_at) SELECT user_id, balance, updated_at FROM points_balances_new;
DROP TABLE points_balances_new;

ALTER TABLE points_uses RENAME TO points_uses_new;
ALTER TABLE points_entries RENAME TO points_entries_new;
DROP INDEX points_entries_user;
DROP INDEX points_entries_lots;
DROP INDEX points_entries_due;
DROP INDEX points_entries_order;
DROP INDEX points_entries_order_refunds;
CREATE TABLE points_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('earn', 'spend', 'expire', 'adjust', 'refund')),
    amount BIGINT NOT NULL CHECK (amount <> 0),
    balance_after BIGINT NOT NULL CHECK (balance_after >= 0),
    order_id BIGINT,
    memo TEXT NOT NULL DEFAULT '',
    expires_at TIMESTAMP,
    remaining BIGINT NOT NULL DEFAULT 0 CHECK (remaining >= 0),
    actor_id BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO points_entries (id, user_id, kind, amount, balance_after, order_id, memo, expires_at, remaining, actor_id, created_at)
    SELECT id, user_id, kind, amount, balance_after, order_id, memo, expires_at, remaining, actor_id, created_at
    FROM points_entries_new;
CREATE INDEX points_entries_user ON points_entries (user_id, created_at, id);
CREATE INDEX points_entries_lots ON points_entries (user_id, expires_at) WHERE remaining > 0;
CREATE INDEX points_entries_due ON points_entries (expires_at) WHERE remaining > 0;
CREATE UNIQUE INDEX points_entries_order ON points_entries (order_id, kind) WHERE order_id IS NOT NULL AND kind IN ('earn', 'spend', 'refund');
CREATE TABLE points_uses (
    entry_id BIGINT NOT NULL REFERENCES points_entries (id),
    lot_id BIGINT NOT NULL REFERENCES points_entries (id),
    amount BIGINT NOT NULL CHECK (amount > 0),
    PRIMARY KEY (entry_id, lot_id)
);
INSERT INTO points_uses (entry_id, lot_id, amount) SELECT entry_id, lot_id, amount FROM points_uses_new;
DROP TABLE points_uses_new;
DROP TABLE points_entries_new;
