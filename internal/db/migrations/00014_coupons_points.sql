-- Coupons and points (적립금). See docs/decisions/0023-coupons-and-points.md.
--
-- A coupon's code is stored upper-case so that the unique index makes codes
-- unique whatever case a customer types. used_count counts the uses that are
-- not released; the coupon service changes it only with conditional updates
-- (used_count < total_limit), which also lock the coupon row, so the total
-- and per-customer limits hold with many checkouts at once. Times are UTC.
-- +goose Up
CREATE TABLE coupons (
    id {{ID}},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('fixed', 'percent')),
    -- Won off for 'fixed', percent off (1–100) for 'percent'.
    amount BIGINT NOT NULL CHECK (amount > 0),
    -- The most a percent coupon takes off, in won; 0 means no cap.
    max_discount BIGINT NOT NULL DEFAULT 0 CHECK (max_discount >= 0),
    min_order BIGINT NOT NULL DEFAULT 0 CHECK (min_order >= 0),
    starts_at {{TIME}} NOT NULL,
    ends_at {{TIME}},
    -- NULL means no limit on the number of uses.
    total_limit BIGINT CHECK (total_limit > 0),
    per_customer_limit BIGINT NOT NULL DEFAULT 1 CHECK (per_customer_limit > 0),
    used_count BIGINT NOT NULL DEFAULT 0 CHECK (used_count >= 0),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX coupons_created ON coupons (created_at, id);

-- What a coupon is restricted to: each row names one category or one
-- product. A coupon without rows applies to the whole order.
CREATE TABLE coupon_targets (
    id {{ID}},
    coupon_id BIGINT NOT NULL REFERENCES coupons (id) ON DELETE CASCADE,
    category_id BIGINT REFERENCES categories (id),
    product_id BIGINT REFERENCES products (id),
    CHECK ((category_id IS NULL) <> (product_id IS NULL))
);
CREATE UNIQUE INDEX coupon_targets_category ON coupon_targets (coupon_id, category_id) WHERE category_id IS NOT NULL;
CREATE UNIQUE INDEX coupon_targets_product ON coupon_targets (coupon_id, product_id) WHERE product_id IS NOT NULL;
CREATE INDEX coupon_targets_product_coupons ON coupon_targets (product_id) WHERE product_id IS NOT NULL;

-- One row per use of a coupon on an order; released_at is set when the order
-- is cancelled and the use is given back. An order uses at most one coupon.
CREATE TABLE coupon_redemptions (
    id {{ID}},
    coupon_id BIGINT NOT NULL REFERENCES coupons (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    order_id BIGINT NOT NULL,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    released_at {{TIME}}
);
CREATE INDEX coupon_redemptions_user ON coupon_redemptions (coupon_id, user_id) WHERE released_at IS NULL;
CREATE UNIQUE INDEX coupon_redemptions_order ON coupon_redemptions (order_id) WHERE released_at IS NULL;
CREATE INDEX coupon_redemptions_orders ON coupon_redemptions (order_id);

-- The points balance of each customer. Every change to a customer's points
-- starts by updating this row, which makes "never below zero" one
-- conditional update and runs one customer's changes one at a time.
CREATE TABLE points_balances (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    balance BIGINT NOT NULL DEFAULT 0 CHECK (balance >= 0),
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- The points ledger: one row per change, amount signed. Credits that can be
-- spent (earn and positive adjust entries) are lots: remaining is what is
-- left of them, spent and expired soonest expiry first; refunds put points
-- back into the lots they came from. balance_after is the balance once the
-- entry was written.
CREATE TABLE points_entries (
    id {{ID}},
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('earn', 'spend', 'expire', 'adjust', 'refund')),
    amount BIGINT NOT NULL CHECK (amount <> 0),
    balance_after BIGINT NOT NULL CHECK (balance_after >= 0),
    order_id BIGINT,
    memo TEXT NOT NULL DEFAULT '',
    expires_at {{TIME}},
    remaining BIGINT NOT NULL DEFAULT 0 CHECK (remaining >= 0),
    actor_id BIGINT REFERENCES users (id),
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX points_entries_user ON points_entries (user_id, created_at, id);
CREATE INDEX points_entries_lots ON points_entries (user_id, expires_at) WHERE remaining > 0;
CREATE INDEX points_entries_due ON points_entries (expires_at) WHERE remaining > 0;
-- An order earns, spends and is refunded at most once.
CREATE UNIQUE INDEX points_entries_order ON points_entries (order_id, kind) WHERE order_id IS NOT NULL AND kind IN ('earn', 'spend', 'refund');

-- What each debit (spend, expire, negative adjust) took from which lot, so a
-- refund gives the points back to the lots, with their expiry.
CREATE TABLE points_uses (
    entry_id BIGINT NOT NULL REFERENCES points_entries (id),
    lot_id BIGINT NOT NULL REFERENCES points_entries (id),
    amount BIGINT NOT NULL CHECK (amount > 0),
    PRIMARY KEY (entry_id, lot_id)
);

-- +goose Down
DROP TABLE points_uses;
DROP TABLE points_entries;
DROP TABLE points_balances;
DROP TABLE coupon_redemptions;
DROP TABLE coupon_targets;
DROP TABLE coupons;
