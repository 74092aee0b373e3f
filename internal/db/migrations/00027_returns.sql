-- Returns and exchanges (see docs/decisions/0039-returns.md). Before the
-- purchase is confirmed, a customer asks to send back whole lines of a
-- delivered order, for a reason from a list, with a note and up to three
-- photos (media keys). The return-shipping fee the customer pays (a change
-- of mind) is fixed at the request and withheld from the refund. Staff
-- approve or refuse it, record the parcel coming back, and on receipt say
-- whether the goods are resellable (only then does stock go back) and
-- refund the lines or ship the exchange. The refund account (bank transfer
-- orders) is encrypted, bound to the return's id.
-- +goose Up
CREATE TABLE returns (
    id {{ID}},
    order_id BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    order_number TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('return', 'exchange')),
    reason TEXT NOT NULL CHECK (reason IN ('change_of_mind', 'defect', 'wrong_item', 'damaged', 'other')),
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'refused', 'sent_back', 'received',
        'refunded', 'exchanged')),
    fee_minor BIGINT NOT NULL DEFAULT 0 CHECK (fee_minor >= 0),
    refusal TEXT NOT NULL DEFAULT '',
    -- The parcel coming back: a carrier and number, or the customer's own
    -- way (self_sent).
    back_carrier TEXT NOT NULL DEFAULT '',
    back_tracking TEXT NOT NULL DEFAULT '',
    self_sent BOOLEAN NOT NULL DEFAULT FALSE,
    resellable BOOLEAN NOT NULL DEFAULT FALSE,
    refund_id BIGINT REFERENCES payment_refunds (id) ON DELETE SET NULL,
    exchange_carrier TEXT NOT NULL DEFAULT '',
    exchange_tracking TEXT NOT NULL DEFAULT '',
    refund_bank TEXT NOT NULL DEFAULT '',
    refund_number_enc TEXT NOT NULL DEFAULT '',
    refund_holder_enc TEXT NOT NULL DEFAULT '',
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX returns_order ON returns (order_id, id);
CREATE INDEX returns_status ON returns (status, id);

-- The lines a return sends back, whole, with their name, options, quantity
-- and amount after discount copied as the order had them. open_line_id is the line's id while the
-- return is open and NULL once it is closed (refused, refunded,
-- exchanged): its unique index lets a line be in one open return at a
-- time, so two requests for it at once leave one.
CREATE TABLE return_lines (
    return_id BIGINT NOT NULL REFERENCES returns (id) ON DELETE CASCADE,
    line_id BIGINT NOT NULL REFERENCES order_lines (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '',
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    amount_minor BIGINT NOT NULL DEFAULT 0,
    open_line_id BIGINT UNIQUE,
    PRIMARY KEY (return_id, line_id)
);

CREATE TABLE return_photos (
    id {{ID}},
    return_id BIGINT NOT NULL REFERENCES returns (id) ON DELETE CASCADE,
    media_key TEXT NOT NULL,
    content_type TEXT NOT NULL,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX return_photos_return ON return_photos (return_id, id);

-- What a refund kept back (the return-shipping fee of a change of mind):
-- amount_minor is what went back, withheld_minor what did not.
ALTER TABLE payment_refunds ADD COLUMN withheld_minor BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE payment_refunds DROP COLUMN withheld_minor;
DROP TABLE return_photos;
DROP TABLE return_lines;
DROP TABLE returns;
