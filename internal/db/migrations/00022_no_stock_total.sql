-- products.stock_total (the sum of the active variants' stock) was read by
-- nothing but kept current by every sale, which made each sale write the
-- product row too. The stock lives on the variants; a product keeps only
-- in_stock, which listings filter on and which changes when a variant
-- sells out or gets stock back.
-- +goose Up
ALTER TABLE products DROP COLUMN stock_total;

-- +goose Down
ALTER TABLE products ADD COLUMN stock_total BIGINT NOT NULL DEFAULT 0;
UPDATE products SET stock_total = COALESCE((SELECT SUM(v.stock) FROM variants v
    WHERE v.product_id = products.id AND v.active = TRUE), 0);
