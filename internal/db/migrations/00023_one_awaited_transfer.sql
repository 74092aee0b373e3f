-- An order waits for one bank transfer at most. Starting a transfer twice at
-- once used to record one attempt per request, each with its own reference
-- and deadline, and a transfer stayed awaited on an order another payment
-- had paid. The attempts that should never have been left open are closed
-- first (the first transfer of an order is kept, as the order's deadline
-- came from it), then a partial unique index makes the database refuse a
-- second awaited transfer. Virtual accounts (a provider's awaiting_deposit)
-- are left out: the provider gives back a deposit the order cannot use.
-- See docs/payments.md.
-- +goose Up
UPDATE payment_attempts SET status = 'failed', failure_code = 'ORDER_PAID',
    failure_message = '다른 결제로 주문이 결제되었습니다'
WHERE provider = 'bank_transfer' AND status = 'awaiting_deposit'
    AND order_id IN (SELECT p.order_id FROM payment_attempts p
        WHERE p.status IN ('paid', 'partially_refunded', 'refunded'));
UPDATE payment_attempts SET status = 'failed', failure_code = 'DUPLICATE_TRANSFER',
    failure_message = '같은 주문에 먼저 안내한 무통장입금이 있습니다'
WHERE provider = 'bank_transfer' AND status = 'awaiting_deposit'
    AND id > (SELECT MIN(p.id) FROM payment_attempts p
        WHERE p.order_id = payment_attempts.order_id AND p.provider = 'bank_transfer'
            AND p.status = 'awaiting_deposit');
CREATE UNIQUE INDEX payment_attempts_one_transfer ON payment_attempts (order_id)
    WHERE provider = 'bank_transfer' AND status = 'awaiting_deposit';

-- +goose Down
DROP INDEX payment_attempts_one_transfer;
