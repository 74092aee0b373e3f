-- Wishlist (찜), its price-drop and back-in-stock mails, and product Q&A
-- (see docs/decisions/0065-wishlist-and-product-questions.md).
--
-- wishes: one row per customer and product; the unique pair is what keeps
-- a double click or two racing requests to one wish. wish_counts keeps
-- each product's number of wishes, moved by one in the transaction that
-- adds or removes a wish (only when a row was really added or removed),
-- so the product page reads one row.
--
-- wish_watch: what the wishers were last told of each variant of a wished
-- product (its price, whether it could be bought); the catalog's change
-- path compares the variants with it in the change's transaction. changes
-- counts the changes noticed on the variant.
--
-- wish_alerts: every price drop and return to stock mailed to a
-- product's wishers, one row per change (product, kind, marker: the
-- variant and its change count), so the same change is never mailed
-- twice.
--
-- product_questions: a customer's question on a product page, optionally
-- private (only its author and staff read it), and the staff's answer;
-- answered_at is NULL while it waits.
-- +goose Up
CREATE TABLE wishes (
    id {{ID}},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (user_id, product_id)
);
CREATE INDEX wishes_product ON wishes (product_id);

CREATE TABLE wish_counts (
    product_id BIGINT PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
    wishes BIGINT NOT NULL DEFAULT 0 CHECK (wishes >= 0)
);

CREATE TABLE wish_watch (
    variant_id BIGINT PRIMARY KEY REFERENCES variants (id) ON DELETE CASCADE,
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    price_minor BIGINT NOT NULL,
    available BOOLEAN NOT NULL,
    changes BIGINT NOT NULL DEFAULT 0,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX wish_watch_product ON wish_watch (product_id);

CREATE TABLE wish_alerts (
    id {{ID}},
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('price_drop', 'restock')),
    marker TEXT NOT NULL,
    old_price_minor BIGINT NOT NULL DEFAULT 0,
    price_minor BIGINT NOT NULL DEFAULT 0,
    recipients BIGINT NOT NULL DEFAULT 0,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (product_id, kind, marker)
);

CREATE TABLE product_questions (
    id {{ID}},
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    private BOOLEAN NOT NULL DEFAULT FALSE,
    answer TEXT NOT NULL DEFAULT '',
    answered_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    answered_at {{TIME}},
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX product_questions_product ON product_questions (product_id, id);
CREATE INDEX product_questions_user ON product_questions (user_id, id);
CREATE INDEX product_questions_waiting ON product_questions (created_at) WHERE answered_at IS NULL;

-- +goose Down
DROP TABLE product_questions;
DROP TABLE wish_alerts;
DROP TABLE wish_watch;
DROP TABLE wish_counts;
DROP TABLE wishes;
