-- +goose Up
CREATE TABLE sellers (
    id {{ID}},
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    is_house BOOLEAN NOT NULL DEFAULT FALSE,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- The house seller: a single shop is a marketplace with one seller.
INSERT INTO sellers (slug, name, is_house) VALUES ('house', '말랑 직영', TRUE);

CREATE TABLE categories (
    id {{ID}},
    parent_id BIGINT REFERENCES categories (id),
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX categories_parent ON categories (parent_id, position);

-- products carries a few values derived from its variants (price_minor,
-- list_price_minor, stock_total, in_stock) so listings sort and filter on
-- one indexed table; the catalog service keeps them current in the same
-- transaction as every variant change.
CREATE TABLE products (
    id {{ID}},
    seller_id BIGINT NOT NULL REFERENCES sellers (id),
    category_id BIGINT NOT NULL REFERENCES categories (id),
    name TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    product_type TEXT NOT NULL DEFAULT 'physical' CHECK (product_type IN ('physical', 'digital', 'subscription')),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('draft', 'active', 'archived')),
    featured BOOLEAN NOT NULL DEFAULT FALSE,
    currency TEXT NOT NULL DEFAULT 'KRW',
    price_minor BIGINT NOT NULL DEFAULT 0,
    list_price_minor BIGINT NOT NULL DEFAULT 0,
    stock_total BIGINT NOT NULL DEFAULT 0,
    in_stock BOOLEAN NOT NULL DEFAULT FALSE,
    -- What search looks in: the name and the description's text without
    -- tags, lower-cased by the catalog service (see 00002).
    search_text TEXT NOT NULL DEFAULT '',
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    deleted_at {{TIME}}
);
-- Listings show active, non-deleted products only, so their indexes are
-- partial (the catalog store repeats the predicate literally, as both
-- planners require). Each sort has one index per category, walked in order
-- (a subtree is merged from one ordered walk per category), and one over the
-- whole shop; the id makes ties stable. status and deleted_at close each
-- index so that it covers the page query, predicate included: SQLite reads a
-- deep page's skipped rows from the index alone rather than from the table.
CREATE INDEX products_category_new ON products (category_id, created_at, id, status, deleted_at) WHERE status = 'active' AND deleted_at IS NULL;
CREATE INDEX products_category_price ON products (category_id, price_minor, id, status, deleted_at) WHERE status = 'active' AND deleted_at IS NULL;
CREATE INDEX products_category_name ON products (category_id, name, id, status, deleted_at) WHERE status = 'active' AND deleted_at IS NULL;
CREATE INDEX products_new ON products (created_at, id, status, deleted_at) WHERE status = 'active' AND deleted_at IS NULL;
CREATE INDEX products_price ON products (price_minor, id, status, deleted_at) WHERE status = 'active' AND deleted_at IS NULL;
CREATE INDEX products_name ON products (name, id, status, deleted_at) WHERE status = 'active' AND deleted_at IS NULL;
CREATE INDEX products_featured ON products (created_at, id, status, deleted_at) WHERE featured = TRUE AND status = 'active' AND deleted_at IS NULL;
CREATE INDEX products_seller ON products (seller_id);

-- Up to three option axes per product (size, colour, …); a variant names
-- its value on each axis.
CREATE TABLE product_options (
    id {{ID}},
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position BETWEEN 1 AND 3),
    name TEXT NOT NULL,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (product_id, position)
);

CREATE TABLE variants (
    id {{ID}},
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    sku TEXT NOT NULL UNIQUE,
    option1 TEXT NOT NULL DEFAULT '',
    option2 TEXT NOT NULL DEFAULT '',
    option3 TEXT NOT NULL DEFAULT '',
    price_minor BIGINT NOT NULL CHECK (price_minor >= 0),
    sale_price_minor BIGINT CHECK (sale_price_minor >= 0),
    stock BIGINT NOT NULL DEFAULT 0 CHECK (stock >= 0),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    position INTEGER NOT NULL DEFAULT 0,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX variants_product ON variants (product_id, position);

CREATE TABLE product_images (
    id {{ID}},
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    blob_key TEXT NOT NULL,
    content_type TEXT NOT NULL,
    width INTEGER NOT NULL DEFAULT 0,
    height INTEGER NOT NULL DEFAULT 0,
    alt TEXT NOT NULL DEFAULT '',
    thumbs_ready BOOLEAN NOT NULL DEFAULT FALSE,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX product_images_product ON product_images (product_id, position);

-- +goose Down
DROP TABLE product_images;
DROP TABLE variants;
DROP TABLE product_options;
DROP TABLE products;
DROP TABLE categories;
DROP TABLE sellers;
