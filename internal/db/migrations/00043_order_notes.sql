-- Internal notes on an order: what staff tell each other about it ("고객이
-- 전화로 문 앞 배송 요청"), never shown to the customer, each with its
-- author and time. Notes are kept as written (no edits), like a log.
-- +goose Up
CREATE TABLE order_notes (
    id {{ID}},
    order_id BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX order_notes_order ON order_notes (order_id, id);

-- +goose Down
DROP TABLE order_notes;
