-- Shopping carts. A cart belongs to a signed-in customer (user_id) or to an
-- anonymous visitor, whose session holds a random token; the table keeps only
-- the token's SHA-256 (hex), so a copy of the database cannot be used to open
-- a visitor's cart. Exactly one of the two is set. Both are unique: two
-- requests that create the same owner's first cart at once end with one cart,
-- the loser reading the winner's. A line holds a variant and a quantity only;
-- names, prices and stock are always read from the catalog, so a cart never
-- shows a stale price. updated_at of carts is the last change to the cart or
-- its lines; anonymous carts untouched for long are pruned by it.
-- See docs/decisions/0024-cart.md.
-- +goose Up
CREATE TABLE carts (
    id {{ID}},
    user_id BIGINT UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT UNIQUE,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK ((user_id IS NULL) <> (token_hash IS NULL))
);
CREATE INDEX carts_anonymous_updated ON carts (updated_at) WHERE user_id IS NULL;

CREATE TABLE cart_lines (
    id {{ID}},
    cart_id BIGINT NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    variant_id BIGINT NOT NULL REFERENCES variants (id) ON DELETE CASCADE,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    selected BOOLEAN NOT NULL DEFAULT TRUE,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (cart_id, variant_id)
);
CREATE INDEX cart_lines_variant ON cart_lines (variant_id);

-- +goose Down
DROP TABLE cart_lines;
DROP TABLE carts;
