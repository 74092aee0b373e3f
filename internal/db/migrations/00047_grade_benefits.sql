-- What a membership grade gives beyond points, and the monthly evaluation's
-- record. See docs/decisions/0066-grade-benefits.md.
--
-- member_grades.discount_percent is the grade's discount, 0–50 %, on the
-- goods' subtotal (after product sales, before coupons); internal/pricing
-- applies it. orders.grade_discount_minor keeps what it took off an order
-- (its lines' discount_minor include their share), and the sales
-- statistics sum it per day and month.
--
-- member_grade_changes records each change the monthly evaluation made:
-- the customer, the grade before and after (codes), the month evaluated
-- ("2026-12", Asia/Seoul), what the customer spent in the window and why.
-- UNIQUE (user_id, period) is what makes a second run for the same month
-- change (and mail) nobody again.
-- +goose Up
ALTER TABLE member_grades ADD COLUMN discount_percent INTEGER NOT NULL DEFAULT 0
    CHECK (discount_percent >= 0 AND discount_percent <= 50);
ALTER TABLE orders ADD COLUMN grade_discount_minor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_sales ADD COLUMN grade_discount BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_sales_monthly ADD COLUMN grade_discount BIGINT NOT NULL DEFAULT 0;

CREATE TABLE member_grade_changes (
    id {{ID}},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    from_grade TEXT NOT NULL,
    to_grade TEXT NOT NULL,
    spent BIGINT NOT NULL DEFAULT 0,
    -- 'evaluation' for now: the monthly job.
    reason TEXT NOT NULL,
    changed_at {{TIME}} NOT NULL,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (user_id, period)
);

-- +goose Down
DROP TABLE member_grade_changes;
ALTER TABLE stats_sales_monthly DROP COLUMN grade_discount;
ALTER TABLE stats_sales DROP COLUMN grade_discount;
ALTER TABLE orders DROP COLUMN grade_discount_minor;
ALTER TABLE member_grades DROP COLUMN discount_percent;
