-- A dump moved from one engine to the other and back is the same file
-- (decision 0056). JSON documents (the audit detail, an order's pricing
-- breakdown, a transfer's deposit) are records kept as they were written
-- and never queried inside, so PostgreSQL stores them as json, which keeps
-- the text, rather than jsonb, which reorders keys and respaces them. The
-- SQLite half of this migration puts the outbox's columns in PostgreSQL's
-- order.
-- +goose Up
ALTER TABLE audit_log ALTER COLUMN detail TYPE JSON USING detail::text::json;
ALTER TABLE orders ALTER COLUMN breakdown TYPE JSON USING breakdown::text::json;
ALTER TABLE payment_attempts ALTER COLUMN deposit TYPE JSON USING deposit::text::json;

-- +goose Down
ALTER TABLE payment_attempts ALTER COLUMN deposit TYPE JSONB USING deposit::jsonb;
ALTER TABLE orders ALTER COLUMN breakdown TYPE JSONB USING breakdown::jsonb;
ALTER TABLE audit_log ALTER COLUMN detail TYPE JSONB USING detail::jsonb;
