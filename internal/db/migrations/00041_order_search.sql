-- Staff search and filter every order (docs/decisions/0061-order-search.md):
-- by number, the customer's email or name, the recipient's name or phone, a
-- line's product name or SKU; by status, payment method, channel, day
-- placed, total, an awaited deposit due today and orders left unchanged for
-- days. Each filter reads an index, so a page stays fast at a million orders.
--
-- recipient and phone are encrypted (recipient_enc, phone_enc), so they are
-- found through keyed hashes (blind indexes): HMAC-SHA-256 under a key
-- derived from MALLANG_SECRET_KEY of the spaceless, lower-case name and of
-- the E.164 number, written with the address. Rows written before this
-- migration get theirs from the hourly job (NULL until then).
-- +goose Up
ALTER TABLE orders ADD COLUMN recipient_key TEXT;
ALTER TABLE orders ADD COLUMN phone_key TEXT;
CREATE INDEX orders_recipient_key ON orders (recipient_key);
CREATE INDEX orders_phone_key ON orders (phone_key);
CREATE INDEX orders_unkeyed ON orders (id) WHERE recipient_key IS NULL;
CREATE INDEX orders_method ON orders (payment_method, id);
CREATE INDEX orders_channel ON orders (channel, id);
CREATE INDEX orders_created ON orders (created_at);
CREATE INDEX orders_total ON orders (total_minor);
CREATE INDEX orders_updated ON orders (status, updated_at);
CREATE INDEX order_lines_sku ON order_lines (sku, order_id);
CREATE INDEX order_lines_name ON order_lines (name, order_id);
CREATE INDEX users_name ON users (name);

-- +goose Down
DROP INDEX users_name;
DROP INDEX order_lines_name;
DROP INDEX order_lines_sku;
DROP INDEX orders_updated;
DROP INDEX orders_total;
DROP INDEX orders_created;
DROP INDEX orders_channel;
DROP INDEX orders_method;
DROP INDEX orders_unkeyed;
DROP INDEX orders_phone_key;
DROP INDEX orders_recipient_key;
ALTER TABLE orders DROP COLUMN phone_key;
ALTER TABLE orders DROP COLUMN recipient_key;
