-- Tax-free (면세) goods: unprocessed food, books and the like carry no VAT.
-- The flag is the product's; an order line copies it, and the order keeps
-- the tax-free part of what the customer pays (computed by pricing.Quote),
-- which payments send to the providers that take one and receipts show.
-- +goose Up
ALTER TABLE products ADD COLUMN tax_free BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE order_lines ADD COLUMN tax_free BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE orders ADD COLUMN tax_free_minor BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE orders DROP COLUMN tax_free_minor;
ALTER TABLE order_lines DROP COLUMN tax_free;
ALTER TABLE products DROP COLUMN tax_free;
