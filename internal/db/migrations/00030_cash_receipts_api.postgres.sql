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
-- +goose Up
ALTER TABLE cash_receipts DROP CONSTRAINT cash_receipts_status_check;
ALTER TABLE cash_receipts ADD CONSTRAINT cash_receipts_status_check
    CHECK (status IN ('pending', 'issued', 'failed', 'cancelled'));
ALTER TABLE cash_receipts ADD COLUMN reference TEXT NOT NULL DEFAULT '';
ALTER TABLE cash_receipts ADD COLUMN provider TEXT NOT NULL DEFAULT '';
ALTER TABLE cash_receipts ADD COLUMN receipt_key TEXT NOT NULL DEFAULT '';
ALTER TABLE cash_receipts ADD COLUMN receipt_url TEXT NOT NULL DEFAULT '';
ALTER TABLE cash_receipts ADD COLUMN tries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cash_receipts ADD COLUMN failure_message TEXT NOT NULL DEFAULT '';
ALTER TABLE cash_receipts ADD COLUMN cancel_due_minor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cash_receipts ADD COLUMN cancelled_minor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cash_receipts ADD COLUMN claimed_until TIMESTAMPTZ;
ALTER TABLE cash_receipts ADD COLUMN issue_asked_minor BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE cash_receipts DROP COLUMN issue_asked_minor;
ALTER TABLE cash_receipts DROP COLUMN claimed_until;
ALTER TABLE cash_receipts DROP COLUMN cancelled_minor;
ALTER TABLE cash_receipts DROP COLUMN cancel_due_minor;
ALTER TABLE cash_receipts DROP COLUMN failure_message;
ALTER TABLE cash_receipts DROP COLUMN tries;
ALTER TABLE cash_receipts DROP COLUMN receipt_url;
ALTER TABLE cash_receipts DROP COLUMN receipt_key;
ALTER TABLE cash_receipts DROP COLUMN provider;
ALTER TABLE cash_receipts DROP COLUMN reference;
UPDATE cash_receipts SET status = 'pending' WHERE status = 'failed';
ALTER TABLE cash_receipts DROP CONSTRAINT cash_receipts_status_check;
ALTER TABLE cash_receipts ADD CONSTRAINT cash_receipts_status_check
    CHECK (status IN ('pending', 'issued', 'cancelled'));
