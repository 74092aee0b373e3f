-- Refunds take back the points an order earned (a 'revoke' entry per
-- refund). When the customer has spent them already the balance goes below
-- zero: the debt is paid off first by the next credits, and nothing can be
-- spent meanwhile. Points an order spent come back on refund as new lots
-- ('refund' entries), one or more per refund, so an order may have several.
-- See docs/decisions/0040-refunds-take-back-points.md.
-- +goose Up
ALTER TABLE points_balances DROP CONSTRAINT points_balances_balance_check;
ALTER TABLE points_entries DROP CONSTRAINT points_entries_balance_after_check;
ALTER TABLE points_entries DROP CONSTRAINT points_entries_kind_check;
ALTER TABLE points_entries ADD CONSTRAINT points_entries_kind_check
    CHECK (kind IN ('earn', 'spend', 'expire', 'adjust', 'refund', 'revoke'));
DROP INDEX points_entries_order;
CREATE UNIQUE INDEX points_entries_order ON points_entries (order_id, kind) WHERE order_id IS NOT NULL AND kind IN ('earn', 'spend');
-- What refunds gave back and took back, per order.
CREATE INDEX points_entries_order_refunds ON points_entries (order_id, kind) WHERE order_id IS NOT NULL AND kind IN ('refund', 'revoke');

-- +goose Down
DROP INDEX points_entries_order_refunds;
DROP INDEX points_entries_order;
CREATE UNIQUE INDEX points_entries_order ON points_entries (order_id, kind) WHERE order_id IS NOT NULL AND kind IN ('earn', 'spend', 'refund');
ALTER TABLE points_entries DROP CONSTRAINT points_entries_kind_check;
ALTER TABLE points_entries ADD CONSTRAINT points_entries_kind_check
    CHECK (kind IN ('earn', 'spend', 'expire', 'adjust', 'refund'));
ALTER TABLE points_entries ADD CONSTRAINT points_entries_balance_after_check CHECK (balance_after >= 0);
ALTER TABLE points_balances ADD CONSTRAINT points_balances_balance_check CHECK (balance >= 0);
