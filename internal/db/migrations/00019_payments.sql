-- Payments. An attempt is one try at paying one order with one provider:
-- created (prepared) before the customer's browser sees a payment window,
-- settled on the server by the provider's own account of it, never by what
-- the browser says. Every call to the provider and every answer is kept in
-- payment_events. Refunds are rows of their own; the lines they return are
-- claimed in payment_refund_lines, whose unique line_id makes two concurrent
-- refunds of one line impossible on either engine.
-- See docs/decisions/0028-payments.md and docs/payments.md.
-- +goose Up
CREATE TABLE payment_attempts (
    id {{ID}},
    order_id BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    -- Our id of the attempt, sent to the provider as its order id
    -- ("20261130-K7QX2M9A-1"): unique, and what callbacks name.
    reference TEXT NOT NULL UNIQUE,
    -- The provider's id (Toss paymentKey, KakaoPay tid, PayPal order id);
    -- NULL until known.
    provider_payment_id TEXT,
    -- What refunds go to when it is not the payment's id (PayPal capture).
    capture_id TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('prepared', 'confirming', 'pending', 'awaiting_deposit', 'paid',
        'failed', 'amount_mismatch', 'cancelled', 'partially_refunded', 'refunded')),
    -- The order's total in won, and its tax-free part.
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    tax_free_minor BIGINT NOT NULL DEFAULT 0 CHECK (tax_free_minor >= 0),
    -- What the provider was asked to take, in its currency (won, or dollars
    -- converted for PayPal).
    charge_currency TEXT NOT NULL,
    charge_minor BIGINT NOT NULL CHECK (charge_minor > 0),
    -- Won refunded so far; never more than was paid.
    refunded_minor BIGINT NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0 AND refunded_minor <= amount_minor),
    method TEXT NOT NULL DEFAULT '',
    failure_code TEXT NOT NULL DEFAULT '',
    failure_message TEXT NOT NULL DEFAULT '',
    -- Where the customer transfers the money (bank transfer, virtual
    -- account): bank, account, holder, due, depositor, notice.
    deposit {{JSON}},
    -- The provider's deposit-notification secret, encrypted.
    deposit_secret_enc TEXT NOT NULL DEFAULT '',
    receipt_url TEXT NOT NULL DEFAULT '',
    -- While status is 'confirming', the confirm that claimed the attempt
    -- owns it until this time; a confirm that finds it later takes over.
    claimed_until {{TIME}},
    paid_at {{TIME}},
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX payment_attempts_provider_id ON payment_attempts (provider, provider_payment_id)
    WHERE provider_payment_id IS NOT NULL;
CREATE INDEX payment_attempts_order ON payment_attempts (order_id, id);
-- An order is paid by one attempt at most: a second attempt paid at the
-- provider (two windows open at once) cannot be recorded as paid, and is
-- refunded instead.
CREATE UNIQUE INDEX payment_attempts_one_paid ON payment_attempts (order_id)
    WHERE status IN ('paid', 'partially_refunded', 'refunded');
-- The deposit-expiry and reconciliation jobs look at unsettled attempts.
CREATE INDEX payment_attempts_open ON payment_attempts (status, updated_at)
    WHERE status IN ('confirming', 'pending', 'awaiting_deposit');

-- Every call to a provider and every notification from one, with its
-- outcome and the provider's answer (which never holds card numbers).
CREATE TABLE payment_events (
    id {{ID}},
    attempt_id BIGINT NOT NULL REFERENCES payment_attempts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL, -- prepare, confirm, lookup, refund, webhook, deposit, mismatch, …
    outcome TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    response TEXT NOT NULL DEFAULT '',
    actor_id BIGINT,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX payment_events_attempt ON payment_events (attempt_id, id);

CREATE TABLE payment_refunds (
    id {{ID}},
    attempt_id BIGINT NOT NULL REFERENCES payment_attempts (id) ON DELETE CASCADE,
    order_id BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    -- Won returned, its tax-free part, and the same in the provider's
    -- currency.
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    tax_free_minor BIGINT NOT NULL DEFAULT 0,
    charge_minor BIGINT NOT NULL CHECK (charge_minor > 0),
    points BIGINT NOT NULL DEFAULT 0,
    -- The order ends cancelled (a paid order cancelled before shipping)
    -- rather than refunded.
    cancel BOOLEAN NOT NULL DEFAULT FALSE,
    reason TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('requested', 'done', 'failed')),
    idempotency_key TEXT NOT NULL UNIQUE,
    provider_refund_id TEXT NOT NULL DEFAULT '',
    failure_message TEXT NOT NULL DEFAULT '',
    actor_id BIGINT,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX payment_refunds_order ON payment_refunds (order_id, id);

-- The lines a refund returns. A line is returned once: a failed refund
-- deletes its rows and frees its lines again.
CREATE TABLE payment_refund_lines (
    refund_id BIGINT NOT NULL REFERENCES payment_refunds (id) ON DELETE CASCADE,
    line_id BIGINT NOT NULL UNIQUE REFERENCES order_lines (id) ON DELETE CASCADE,
    PRIMARY KEY (refund_id, line_id)
);

-- Cash receipts (현금영수증) for cash sales: requested by the customer (a
-- phone number for income deduction, a business number for expense proof)
-- or due by law at ₩100,000 and over, when the shop issues one to the tax
-- office's self-issue number. The identity number is encrypted.
CREATE TABLE cash_receipts (
    id {{ID}},
    order_id BIGINT NOT NULL UNIQUE REFERENCES orders (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('income_deduction', 'expense_proof')),
    identity_enc TEXT NOT NULL DEFAULT '',
    -- Requested by the customer, or due because of the amount.
    requested BOOLEAN NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    tax_free_minor BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('pending', 'issued', 'cancelled')),
    issue_number TEXT NOT NULL DEFAULT '',
    issued_at {{TIME}},
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX cash_receipts_pending ON cash_receipts (status, id);

-- Orders waiting for a bank transfer expire too.
DROP INDEX orders_unpaid;
CREATE INDEX orders_unpaid ON orders (pay_by) WHERE status IN ('pending_payment', 'awaiting_deposit');

-- +goose Down
DROP INDEX orders_unpaid;
CREATE INDEX orders_unpaid ON orders (pay_by) WHERE status = 'pending_payment';
DROP TABLE cash_receipts;
DROP TABLE payment_refund_lines;
DROP TABLE payment_refunds;
DROP TABLE payment_events;
DROP TABLE payment_attempts;
