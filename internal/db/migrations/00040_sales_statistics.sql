-- Sales statistics (docs/decisions/0059-sales-statistics.md). The pages read
-- daily summaries, never the orders: an order is counted on the Korean
-- calendar day (Asia/Seoul) it was paid, a refund on the day its money went
-- back. The summaries are kept in the transaction that pays an order or
-- records a refund done (internal/stats), and can be recomputed from the
-- orders and refunds (stats.Service.Rebuild).
--
-- stats_orders records, once per counted order, how it is classified:
-- the day it was paid, its channel, payment method, the customer's grade at
-- that moment and whether it was the customer's first paid order. A refund
-- is counted under the same classification, and a rebuild gives the same
-- figures even after the customer's grade changed.
-- +goose Up
ALTER TABLE payment_refunds ADD COLUMN done_at {{TIME}};
UPDATE payment_refunds SET done_at = COALESCE(transferred_at, updated_at) WHERE status = 'done';
CREATE INDEX payment_refunds_done ON payment_refunds (done_at) WHERE status = 'done';
CREATE INDEX orders_paid ON orders (paid_at) WHERE paid_at IS NOT NULL;
CREATE INDEX orders_user_paid ON orders (user_id, paid_at) WHERE paid_at IS NOT NULL;
CREATE INDEX users_created ON users (created_at);

CREATE TABLE stats_orders (
    order_id BIGINT PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    channel TEXT NOT NULL,
    method TEXT NOT NULL,
    grade TEXT NOT NULL,
    -- 'new': the customer's first paid order; 'returning' otherwise.
    customer TEXT NOT NULL CHECK (customer IN ('new', 'returning')),
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- One row per day and classification. Amounts are won: gross is the lines
-- before discounts, coupon the coupon's discount, points the points spent,
-- shipping the fees with remote-area surcharges, paid what was charged
-- (gross - coupon - points + shipping), refunds the money sent back that
-- day and net = paid - refunds.
CREATE TABLE stats_sales (
    id {{ID}},
    day TEXT NOT NULL,
    channel TEXT NOT NULL,
    method TEXT NOT NULL,
    grade TEXT NOT NULL,
    customer TEXT NOT NULL,
    orders BIGINT NOT NULL DEFAULT 0,
    items BIGINT NOT NULL DEFAULT 0,
    gross BIGINT NOT NULL DEFAULT 0,
    coupon BIGINT NOT NULL DEFAULT 0,
    points BIGINT NOT NULL DEFAULT 0,
    shipping BIGINT NOT NULL DEFAULT 0,
    paid BIGINT NOT NULL DEFAULT 0,
    refunds BIGINT NOT NULL DEFAULT 0,
    refund_count BIGINT NOT NULL DEFAULT 0,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (day, channel, method, grade, customer)
);

-- One row per day and variant: quantity and value sold (after line
-- discounts), and quantity and value of the lines refunded that day. The
-- product and category are the variant's when first counted that day.
CREATE TABLE stats_items (
    id {{ID}},
    day TEXT NOT NULL,
    variant_id BIGINT NOT NULL,
    product_id BIGINT NOT NULL,
    category_id BIGINT,
    sku TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    items BIGINT NOT NULL DEFAULT 0,
    gross BIGINT NOT NULL DEFAULT 0,
    discount BIGINT NOT NULL DEFAULT 0,
    refunded_items BIGINT NOT NULL DEFAULT 0,
    refunds BIGINT NOT NULL DEFAULT 0,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (day, variant_id)
);

-- The same by month ("2026-12"), kept with the days and rebuilt from them:
-- a report over months reads a few hundred rows instead of a few hundred
-- thousand; the days at a range's ragged ends come from the daily tables.
CREATE TABLE stats_sales_monthly (
    id {{ID}},
    month TEXT NOT NULL,
    channel TEXT NOT NULL,
    method TEXT NOT NULL,
    grade TEXT NOT NULL,
    customer TEXT NOT NULL,
    orders BIGINT NOT NULL DEFAULT 0,
    items BIGINT NOT NULL DEFAULT 0,
    gross BIGINT NOT NULL DEFAULT 0,
    coupon BIGINT NOT NULL DEFAULT 0,
    points BIGINT NOT NULL DEFAULT 0,
    shipping BIGINT NOT NULL DEFAULT 0,
    paid BIGINT NOT NULL DEFAULT 0,
    refunds BIGINT NOT NULL DEFAULT 0,
    refund_count BIGINT NOT NULL DEFAULT 0,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (month, channel, method, grade, customer)
);

CREATE TABLE stats_items_monthly (
    id {{ID}},
    month TEXT NOT NULL,
    variant_id BIGINT NOT NULL,
    product_id BIGINT NOT NULL,
    category_id BIGINT,
    sku TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    items BIGINT NOT NULL DEFAULT 0,
    gross BIGINT NOT NULL DEFAULT 0,
    discount BIGINT NOT NULL DEFAULT 0,
    refunded_items BIGINT NOT NULL DEFAULT 0,
    refunds BIGINT NOT NULL DEFAULT 0,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (month, variant_id)
);

-- New members per Korean day, for the days that are over: a past day's
-- sign-ups never change, so the first report that needs a day counts it
-- from users once; today is counted live. A rebuild clears its days.
CREATE TABLE stats_members (
    day TEXT PRIMARY KEY,
    members BIGINT NOT NULL,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- +goose Down
DROP TABLE stats_members;
DROP TABLE stats_items_monthly;
DROP TABLE stats_sales_monthly;
DROP TABLE stats_items;
DROP TABLE stats_sales;
DROP TABLE stats_orders;
DROP INDEX users_created;
DROP INDEX orders_user_paid;
DROP INDEX orders_paid;
DROP INDEX payment_refunds_done;
ALTER TABLE payment_refunds DROP COLUMN done_at;
