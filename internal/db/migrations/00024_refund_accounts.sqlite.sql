-- Refunds of money that came by bank transfer or a virtual account go to an
-- account the customer gives: its bank (a code from payment.Banks), and the
-- number and holder encrypted (AAD bound to the refund's id). A bank-transfer
-- refund has no provider to send it: it waits as 'awaiting_transfer' (환불
-- 대기) until staff record that they sent the money (who, when, a memo);
-- only then is it 'done'. Payment events name the kind of their actor
-- (customer, staff, job, provider, system) beside its id.
-- See docs/decisions/0033-refunds-to-bank-accounts.md.
--
-- SQLite cannot change a CHECK constraint in place, so payment_refunds is
-- built anew. Its lines refer to it: renaming the old table makes their
-- foreign key follow it, so they are built anew too (pointing at the new
-- table) before the old ones are dropped; nothing is deleted by a cascade.
-- +goose Up
ALTER TABLE payment_refund_lines RENAME TO payment_refund_lines_old;
ALTER TABLE payment_refunds RENAME TO payment_refunds_old;
DROP INDEX payment_refunds_order;
CREATE TABLE payment_refunds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    attempt_id BIGINT NOT NULL REFERENCES payment_attempts (id) ON DELETE CASCADE,
    order_id BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    tax_free_minor BIGINT NOT NULL DEFAULT 0,
    charge_minor BIGINT NOT NULL CHECK (charge_minor > 0),
    points BIGINT NOT NULL DEFAULT 0,
    cancel BOOLEAN NOT NULL DEFAULT FALSE,
    reason TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('requested', 'awaiting_transfer', 'done', 'failed')),
    idempotency_key TEXT NOT NULL UNIQUE,
    provider_refund_id TEXT NOT NULL DEFAULT '',
    failure_message TEXT NOT NULL DEFAULT '',
    actor_id BIGINT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    refund_bank TEXT NOT NULL DEFAULT '',
    refund_number_enc TEXT NOT NULL DEFAULT '',
    refund_holder_enc TEXT NOT NULL DEFAULT '',
    actor_kind TEXT NOT NULL DEFAULT '',
    transferred_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    transferred_at TIMESTAMP,
    transfer_memo TEXT NOT NULL DEFAULT ''
);
INSERT INTO payment_refunds (id, attempt_id, order_id, amount_minor, tax_free_minor, charge_minor, points, cancel,
    reason, status, idempotency_key, provider_refund_id, failure_message, actor_id, created_at, updated_at)
    SELECT id, attempt_id, order_id, amount_minor, tax_free_minor, charge_minor, points, cancel,
    reason, status, idempotency_key, provider_refund_id, failure_message, actor_id, created_at, updated_at
    FROM payment_refunds_old;
CREATE INDEX payment_refunds_order ON payment_refunds (order_id, id);
CREATE INDEX payment_refunds_awaiting ON payment_refunds (id) WHERE status = 'awaiting_transfer';
CREATE TABLE payment_refund_lines (
    refund_id BIGINT NOT NULL REFERENCES payment_refunds (id) ON DELETE CASCADE,
    line_id BIGINT NOT NULL UNIQUE REFERENCES order_lines (id) ON DELETE CASCADE,
    PRIMARY KEY (refund_id, line_id)
);
INSERT INTO payment_refund_lines (refund_id, line_id) SELECT refund_id, line_id FROM payment_refund_lines_old;
DROP TABLE payment_refund_lines_old;
DROP TABLE payment_refunds_old;
ALTER TABLE payment_events ADD COLUMN actor_kind TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE payment_events DROP COLUMN actor_kind;
ALTER TABLE payment_refund_lines RENAME TO payment_refund_lines_new;
ALTER TABLE payment_refunds RENAME TO payment_refunds_new;
DROP INDEX payment_refunds_order;
DROP INDEX payment_refunds_awaiting;
CREATE TABLE payment_refunds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    attempt_id BIGINT NOT NULL REFERENCES payment_attempts (id) ON DELETE CASCADE,
    order_id BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    tax_free_minor BIGINT NOT NULL DEFAULT 0,
    charge_minor BIGINT NOT NULL CHECK (charge_minor > 0),
    points BIGINT NOT NULL DEFAULT 0,
    cancel BOOLEAN NOT NULL DEFAULT FALSE,
    reason TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('requested', 'done', 'failed')),
    idempotency_key TEXT NOT NULL UNIQUE,
    provider_refund_id TEXT NOT NULL DEFAULT '',
    failure_message TEXT NOT NULL DEFAULT '',
    actor_id BIGINT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO payment_refunds (id, attempt_id, order_id, amount_minor, tax_free_minor, charge_minor, points, cancel,
    reason, status, idempotency_key, provider_refund_id, failure_message, actor_id, created_at, updated_at)
    SELECT id, attempt_id, order_id, amount_minor, tax_free_minor, charge_minor, points, cancel,
    reason, CASE WHEN status = 'awaiting_transfer' THEN 'requested' ELSE status END, idempotency_key,
    provider_refund_id, failure_message, actor_id, created_at, updated_at
    FROM payment_refunds_new;
CREATE INDEX payment_refunds_order ON payment_refunds (order_id, id);
CREATE TABLE payment_refund_lines (
    refund_id BIGINT NOT NULL REFERENCES payment_refunds (id) ON DELETE CASCADE,
    line_id BIGINT NOT NULL UNIQUE REFERENCES order_lines (id) ON DELETE CASCADE,
    PRIMARY KEY (refund_id, line_id)
);
INSERT INTO payment_refund_lines (refund_id, line_id) SELECT refund_id, line_id FROM payment_refund_lines_new;
DROP TABLE payment_refund_lines_new;
DROP TABLE payment_refunds_new;
