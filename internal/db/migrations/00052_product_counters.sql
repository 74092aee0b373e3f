-- The product page's wish and question counts on the product's own row
-- (see docs/decisions/0073-product-counters.md).
--
-- products.wish_count replaces wish_counts: the wishlist moves it by one
-- in the transaction that really adds or removes a wish, as it moved
-- wish_counts.wishes. products.question_count is moved by one in the
-- transaction that stores a question. The product page reads both with
-- the product, as it reads review_count, instead of two more statements.
-- +goose Up
ALTER TABLE products ADD COLUMN wish_count BIGINT NOT NULL DEFAULT 0 CHECK (wish_count >= 0);
ALTER TABLE products ADD COLUMN question_count BIGINT NOT NULL DEFAULT 0 CHECK (question_count >= 0);
UPDATE products SET
    wish_count = COALESCE((SELECT w.wishes FROM wish_counts w WHERE w.product_id = products.id), 0),
    question_count = (SELECT COUNT(*) FROM product_questions q WHERE q.product_id = products.id);
DROP TABLE wish_counts;

-- +goose Down
CREATE TABLE wish_counts (
    product_id BIGINT PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
    wishes BIGINT NOT NULL DEFAULT 0 CHECK (wishes >= 0)
);
INSERT INTO wish_counts (product_id, wishes) SELECT id, wish_count FROM products WHERE wish_count > 0;
ALTER TABLE products DROP COLUMN question_count;
ALTER TABLE products DROP COLUMN wish_count;
