-- The catalog managed from the back office and the admin API (see
-- docs/decisions/0043-catalog-admin.md). Every change is a column added to
-- an existing table, so SQLite rebuilds nothing and the listing indexes
-- (partial on status = 'active') stay as they are.
--
-- categories.hidden takes a category, its descendants and their products out
-- of the storefront. products gains its English name, the price and sale
-- price its variants are priced from (each variant adds its own difference),
-- a sold-out flag staff set by hand (still listed and shown, never buyable),
-- whether it ships (digital goods never do), and the title and description
-- of its page for search engines. variants gain a low-stock threshold.
-- stock_ledger keeps every adjustment staff make to a variant's stock, with
-- the stock it left and why.
-- +goose Up
ALTER TABLE categories ADD COLUMN hidden BOOLEAN NOT NULL DEFAULT FALSE;

ALTER TABLE products ADD COLUMN name_en TEXT NOT NULL DEFAULT '';
ALTER TABLE products ADD COLUMN base_price_minor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN base_sale_price_minor BIGINT;
ALTER TABLE products ADD COLUMN sold_out BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE products ADD COLUMN ships BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE products ADD COLUMN seo_title TEXT NOT NULL DEFAULT '';
ALTER TABLE products ADD COLUMN seo_description TEXT NOT NULL DEFAULT '';
-- Digital goods never ship, whatever else says.
UPDATE products SET ships = FALSE WHERE product_type = 'digital';

ALTER TABLE variants ADD COLUMN low_stock BIGINT NOT NULL DEFAULT 0;

-- An option's values in the order staff gave them, one per line, so a value
-- whose variants are all switched off stays an option ('' for options made
-- before: their values are read from the variants).
ALTER TABLE product_options ADD COLUMN value_list TEXT NOT NULL DEFAULT '';

CREATE TABLE stock_ledger (
    id {{ID}},
    variant_id BIGINT NOT NULL REFERENCES variants (id) ON DELETE CASCADE,
    delta BIGINT NOT NULL,
    stock_after BIGINT NOT NULL CHECK (stock_after >= 0),
    reason TEXT NOT NULL CHECK (reason IN ('received', 'defect', 'count', 'other')),
    note TEXT NOT NULL DEFAULT '',
    actor_id BIGINT,
    actor_email TEXT NOT NULL DEFAULT '',
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX stock_ledger_variant ON stock_ledger (variant_id, id);

-- Editing a product's options asks whether a variant that disappears was
-- ever ordered (then it is deactivated, not deleted).
CREATE INDEX order_lines_variant ON order_lines (variant_id);

-- +goose Down
DROP INDEX order_lines_variant;
DROP TABLE stock_ledger;
ALTER TABLE product_options DROP COLUMN value_list;
ALTER TABLE variants DROP COLUMN low_stock;
ALTER TABLE products DROP COLUMN seo_description;
ALTER TABLE products DROP COLUMN seo_title;
ALTER TABLE products DROP COLUMN ships;
ALTER TABLE products DROP COLUMN sold_out;
ALTER TABLE products DROP COLUMN base_sale_price_minor;
ALTER TABLE products DROP COLUMN base_price_minor;
ALTER TABLE products DROP COLUMN name_en;
ALTER TABLE categories DROP COLUMN hidden;
