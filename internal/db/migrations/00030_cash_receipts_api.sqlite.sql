-- Cash receipts issued and cancelled through the provider's API (Toss
-- Payments' POST /v1/cash-receipts). A receipt issued that way keeps the
-- provider's receiptKey (needed to cancel it), its issue number and link;
-- one the provider refused is 'failed' with the provider's message until
-- staff retry it. tries numbers the issue requests asked for: the
-- idempotency key is the transfer's reference and the try, so a job run
-- twice issues once and a retry after a refusal is a new request.
-- cancel_due_minor is what refunds took back from the cash sale, and
-- cancelled_minor what the provider has cancelled of the receipt so far.
-- claimed_until is the lease of the job talking to the provider about the
-- receipt, so that two jobs never do at once. issue_asked_minor is the
-- amount an issue request of the current try was sent for before its
-- answer came: a retry sends the same request, since the provider may have
-- issued it.
-- See docs/decisions/0042-cash-receipts-through-toss.md.
--
-- SQLite cannot change a CHECK constraint in place, so the table is built
-- anew; no other table refers to it.
-- +goose Up
CREATE TABLE cash_receipts_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id BIGINT NOT NULL UNIQUE REFERENCES orders (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('income_deduction', 'expense_proof')),
    identity_enc TEXT NOT NULL DEFAULT '',
    requested BOOLEAN NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    tax_free_minor BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('pending', 'issued', 'failed', 'cancelled')),
    issue_number TEXT NOT NULL DEFAULT '',
    issued_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    reference TEXT NOT NULL DEFAULT '',
    provider TEXT NOT NULL DEFAULT '',
    receipt_key TEXT NOT NULL DEFAULT '',
    receipt_url TEXT NOT NULL DEFAULT '',
    tries INTEGER NOT NULL DEFAULT 0,
    failure_message TEXT NOT NULL DEFAULT '',
    cancel_due_minor BIGINT NOT NULL DEFAULT 0,
    cancelled_minor BIGINT NOT NULL DEFAULT 0,
    claimed_until TIMESTAMP,
    issue_asked_minor BIGINT NOT NULL DEFAULT 0
);
INSERT INTO cash_receipts_new (id, order_id, purpose, identity_enc, requested, amount_minor, tax_free_minor,
    status, issue_number, issued_at, created_at, updated_at)
    SELECT id, order_id, purpose, identity_enc, requested, amount_minor, tax_free_minor,
    status, issue_number, issued_at, created_at, updated_at FROM cash_receipts;
DROP INDEX cash_receipts_pending;
DROP TABLE cash_receipts;
ALTER TABLE cash_receipts_new RENAME TO cash_receipts;
CREATE INDEX cash_receipts_pending ON cash_receipts (status, id);

-- +goose Down
CREATE TABLE cash_receipts_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id BIGINT NOT NULL UNIQUE REFERENCES orders (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('income_deduction', 'expense_proof')),
    identity_enc TEXT NOT NULL DEFAULT '',
    requested BOOLEAN NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    tax_free_minor BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('pending', 'issued', 'cancelled')),
    issue_number TEXT NOT NULL DEFAULT '',
    issued_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO cash_receipts_old (id, order_id, purpose, identity_enc, requested, amount_minor, tax_free_minor,
    status, issue_number, issued_at, created_at, updated_at)
    SELECT id, order_id, purpose, identity_enc, requested, amount_minor, tax_free_minor,
    CASE WHEN status = 'failed' THEN 'pending' ELSE status END, issue_number, issued_at, created_at, updated_at
    FROM cash_receipts;
DROP INDEX cash_receipts_pending;
DROP TABLE cash_receipts;
ALTER TABLE cash_receipts_old RENAME TO cash_receipts;
CREATE INDEX cash_receipts_pending ON cash_receipts (status, id);
