-- Orders. An order is a record of what was sold at what price: names,
-- options, SKUs and prices are copied onto its lines and the whole price
-- breakdown (computed once by internal/pricing) is stored, so later changes
-- to the catalog, coupons or shipping rules never change a placed order.
-- That is also why lines refer to variants, products and sellers by id only,
-- without foreign keys: a product may be archived or removed while its
-- orders stay. The recipient and address are personal data, stored encrypted
-- with internal/crypt and bound to the order's row ("orders.line1_enc:42").
-- See docs/decisions/0025-orders.md.
-- +goose Up
CREATE TABLE orders (
    id {{ID}},
    -- What the customer sees and quotes: the date in Asia/Seoul and a random
    -- part ("20261130-K7QX2M9A"), so numbers neither reveal sales volume nor
    -- can be guessed.
    number TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('pending_payment', 'awaiting_deposit', 'paid', 'preparing',
        'shipped', 'delivered', 'completed', 'cancelled', 'return_requested', 'returned', 'refunded',
        'partially_refunded')),
    channel TEXT NOT NULL CHECK (channel IN ('pc_web', 'mobile_web', 'api')),
    -- The checkout's idempotency key: placing the same checkout twice
    -- (double click, retry) finds the first order instead of making another.
    idempotency_key TEXT NOT NULL,
    payment_method TEXT NOT NULL,
    recipient_enc TEXT NOT NULL DEFAULT '',
    phone_enc TEXT NOT NULL DEFAULT '',
    postcode_enc TEXT NOT NULL DEFAULT '',
    line1_enc TEXT NOT NULL DEFAULT '',
    line2_enc TEXT NOT NULL DEFAULT '',
    note_enc TEXT NOT NULL DEFAULT '',
    currency TEXT NOT NULL DEFAULT 'KRW',
    subtotal_minor BIGINT NOT NULL CHECK (subtotal_minor >= 0),
    discount_minor BIGINT NOT NULL DEFAULT 0 CHECK (discount_minor >= 0),
    -- The coupon redeemed for this order; NULL when none. No foreign key:
    -- the coupon service owns its table and keeps its own redemption rows.
    coupon_id BIGINT,
    shipping_minor BIGINT NOT NULL DEFAULT 0 CHECK (shipping_minor >= 0),
    remote_surcharge_minor BIGINT NOT NULL DEFAULT 0 CHECK (remote_surcharge_minor >= 0),
    points_used BIGINT NOT NULL DEFAULT 0 CHECK (points_used >= 0),
    total_minor BIGINT NOT NULL CHECK (total_minor >= 0),
    points_to_earn BIGINT NOT NULL DEFAULT 0 CHECK (points_to_earn >= 0),
    -- The pricing breakdown as computed at checkout, for display (per-line
    -- discounts, shipments, problems); the columns above are its totals.
    breakdown {{JSON}} NOT NULL,
    -- When an unpaid order is cancelled and its stock released; NULL once
    -- paid or for orders that never wait for payment.
    pay_by {{TIME}},
    paid_at {{TIME}},
    cancelled_at {{TIME}},
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (user_id, idempotency_key)
);
CREATE INDEX orders_user ON orders (user_id, created_at, id);
-- The expiry job looks only at orders still waiting for payment.
CREATE INDEX orders_unpaid ON orders (pay_by) WHERE status = 'pending_payment';

CREATE TABLE order_lines (
    id {{ID}},
    order_id BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    variant_id BIGINT NOT NULL,
    product_id BIGINT NOT NULL,
    seller_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    -- The variant's option values as shown ("사이즈: L"), "" when none.
    options TEXT NOT NULL DEFAULT '',
    sku TEXT NOT NULL DEFAULT '',
    unit_price_minor BIGINT NOT NULL CHECK (unit_price_minor >= 0),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    line_total_minor BIGINT NOT NULL CHECK (line_total_minor >= 0),
    discount_minor BIGINT NOT NULL DEFAULT 0 CHECK (discount_minor >= 0),
    -- A free gift added by a gift-with-purchase rule (unit price 0).
    gift BOOLEAN NOT NULL DEFAULT FALSE,
    status TEXT NOT NULL CHECK (status IN ('pending_payment', 'awaiting_deposit', 'paid', 'preparing',
        'shipped', 'delivered', 'completed', 'cancelled', 'return_requested', 'returned', 'refunded',
        'partially_refunded')),
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX order_lines_order ON order_lines (order_id, id);

-- Every change of an order's (or a line's) status: from what, to what, by
-- whom and why. from_status is NULL for the order's first entry.
CREATE TABLE order_history (
    id {{ID}},
    order_id BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line_id BIGINT REFERENCES order_lines (id) ON DELETE CASCADE,
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor_id BIGINT,
    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('customer', 'staff', 'system')),
    reason TEXT NOT NULL DEFAULT '',
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX order_history_order ON order_history (order_id, id);

-- Parcels: the whole order (seller_id NULL) or one seller's lines.
CREATE TABLE shipments (
    id {{ID}},
    order_id BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    seller_id BIGINT,
    carrier_code TEXT NOT NULL,
    tracking_number TEXT NOT NULL,
    shipped_at {{TIME}} NOT NULL,
    delivered_at {{TIME}},
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX shipments_order ON shipments (order_id, id);

-- +goose Down
DROP TABLE shipments;
DROP TABLE order_history;
DROP TABLE order_lines;
DROP TABLE orders;
