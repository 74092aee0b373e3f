-- Refunds of money that came by bank transfer or a virtual account go to an
-- account the customer gives: its bank (a code from payment.Banks), and the
-- number and holder encrypted (AAD bound to the refund's id). A bank-transfer
-- refund has no provider to send it: it waits as 'awaiting_transfer' (환불
-- 대기) until staff record that they sent the money (who, when, a memo);
-- only then is it 'done'. Payment events name the kind of their actor
-- (customer, staff, job, provider, system) beside its id.
-- See docs/decisions/0033-refunds-to-bank-accounts.md.
-- +goose Up
ALTER TABLE payment_refunds DROP CONSTRAINT payment_refunds_status_check;
ALTER TABLE payment_refunds ADD CONSTRAINT payment_refunds_status_check
    CHECK (status IN ('requested', 'awaiting_transfer', 'done', 'failed'));
ALTER TABLE payment_refunds ADD COLUMN refund_bank TEXT NOT NULL DEFAULT '';
ALTER TABLE payment_refunds ADD COLUMN refund_number_enc TEXT NOT NULL DEFAULT '';
ALTER TABLE payment_refunds ADD COLUMN refund_holder_enc TEXT NOT NULL DEFAULT '';
ALTER TABLE payment_refunds ADD COLUMN actor_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE payment_refunds ADD COLUMN transferred_by BIGINT REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE payment_refunds ADD COLUMN transferred_at TIMESTAMPTZ;
ALTER TABLE payment_refunds ADD COLUMN transfer_memo TEXT NOT NULL DEFAULT '';
-- The back office lists the transfers staff still have to send.
CREATE INDEX payment_refunds_awaiting ON payment_refunds (id) WHERE status = 'awaiting_transfer';
ALTER TABLE payment_events ADD COLUMN actor_kind TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE payment_events DROP COLUMN actor_kind;
DROP INDEX payment_refunds_awaiting;
ALTER TABLE payment_refunds DROP COLUMN transfer_memo;
ALTER TABLE payment_refunds DROP COLUMN transferred_at;
ALTER TABLE payment_refunds DROP COLUMN transferred_by;
ALTER TABLE payment_refunds DROP COLUMN actor_kind;
ALTER TABLE payment_refunds DROP COLUMN refund_holder_enc;
ALTER TABLE payment_refunds DROP COLUMN refund_number_enc;
ALTER TABLE payment_refunds DROP COLUMN refund_bank;
UPDATE payment_refunds SET status = 'requested' WHERE status = 'awaiting_transfer';
ALTER TABLE payment_refunds DROP CONSTRAINT payment_refunds_status_check;
ALTER TABLE payment_refunds ADD CONSTRAINT payment_refunds_status_check
    CHECK (status IN ('requested', 'done', 'failed'));
