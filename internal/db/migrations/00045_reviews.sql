-- Product reviews (docs/decisions/0064-reviews.md). A customer reviews a
-- line of their order once it is delivered or confirmed: the unique line_id
-- is what keeps it to one review per line when two requests race. Points
-- are paid once per line through review_rewards (its unique line_id, with
-- INSERT … ON CONFLICT DO NOTHING), so deleting a review that earned none
-- and writing it again cannot earn twice.
--
-- The product keeps its figures in its own row, changed in the review's
-- transaction: review_count and rating_sum of its visible reviews, and
-- rating_avg, the average in hundredths of a star (450 = 4.5), which the
-- listing sorts by. sold_count is the quantity sold less the quantity
-- refunded, kept by internal/stats in the transactions that pay an order
-- and that record a refund; it starts from the sales summaries.
-- +goose Up
ALTER TABLE products ADD COLUMN review_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN rating_sum BIGINT NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN rating_avg BIGINT NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN sold_count BIGINT NOT NULL DEFAULT 0;
UPDATE products SET sold_count = COALESCE((SELECT SUM(m.items - m.refunded_items) FROM stats_items_monthly m
    WHERE m.product_id = products.id), 0);

-- The listing sorts by rating, by review count and by sales, each with one
-- index per category and one over the shop, like the other sorts (00001).
CREATE INDEX products_category_rating ON products (category_id, rating_avg, id, status, deleted_at) WHERE status = 'active' AND deleted_at IS NULL;
CREATE INDEX products_category_reviews ON products (category_id, review_count, id, status, deleted_at) WHERE status = 'active' AND deleted_at IS NULL;
CREATE INDEX products_category_sold ON products (category_id, sold_count, id, status, deleted_at) WHERE status = 'active' AND deleted_at IS NULL;
CREATE INDEX products_rating ON products (rating_avg, id, status, deleted_at) WHERE status = 'active' AND deleted_at IS NULL;
CREATE INDEX products_reviews ON products (review_count, id, status, deleted_at) WHERE status = 'active' AND deleted_at IS NULL;
CREATE INDEX products_sold ON products (sold_count, id, status, deleted_at) WHERE status = 'active' AND deleted_at IS NULL;

CREATE TABLE reviews (
    id {{ID}},
    line_id BIGINT NOT NULL UNIQUE REFERENCES order_lines (id),
    order_id BIGINT NOT NULL REFERENCES orders (id),
    -- No foreign key, as on order lines: a product may go while its
    -- reviews stay.
    product_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    rating BIGINT NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body TEXT NOT NULL,
    -- The points this review earned (0: none, so its author may delete it).
    points BIGINT NOT NULL DEFAULT 0 CHECK (points >= 0),
    likes BIGINT NOT NULL DEFAULT 0 CHECK (likes >= 0),
    -- Hidden by staff: gone from the product and its figures.
    hidden_at {{TIME}},
    hidden_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    hidden_reason TEXT NOT NULL DEFAULT '',
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX reviews_product_new ON reviews (product_id, created_at, id) WHERE hidden_at IS NULL;
CREATE INDEX reviews_user ON reviews (user_id, id);
CREATE INDEX reviews_hidden ON reviews (hidden_at, id);

-- Up to five photos a review, sniffed and stored through internal/media;
-- thumbs_ready once the thumbnail job has made their thumbnails.
CREATE TABLE review_photos (
    id {{ID}},
    review_id BIGINT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    position BIGINT NOT NULL CHECK (position BETWEEN 1 AND 5),
    media_key TEXT NOT NULL,
    content_type TEXT NOT NULL,
    thumbs_ready BOOLEAN NOT NULL DEFAULT FALSE,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (review_id, position)
);
CREATE INDEX review_photos_key ON review_photos (media_key);

-- One like per customer and review.
CREATE TABLE review_likes (
    id {{ID}},
    review_id BIGINT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (review_id, user_id)
);

-- The points paid for reviewing a line: at most once per line.
CREATE TABLE review_rewards (
    id {{ID}},
    line_id BIGINT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    points BIGINT NOT NULL CHECK (points >= 0),
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- The review request mail, at most once per line.
CREATE TABLE review_requests (
    id {{ID}},
    line_id BIGINT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- The request job finds the orders delivered in its window by this index.
CREATE INDEX order_history_delivered ON order_history (created_at) WHERE to_status = 'delivered';

-- +goose Down
DROP INDEX order_history_delivered;
DROP TABLE review_requests;
DROP TABLE review_rewards;
DROP TABLE review_likes;
DROP TABLE review_photos;
DROP TABLE reviews;
DROP INDEX products_sold;
DROP INDEX products_reviews;
DROP INDEX products_rating;
DROP INDEX products_category_sold;
DROP INDEX products_category_reviews;
DROP INDEX products_category_rating;
ALTER TABLE products DROP COLUMN sold_count;
ALTER TABLE products DROP COLUMN rating_avg;
ALTER TABLE products DROP COLUMN rating_sum;
ALTER TABLE products DROP COLUMN review_count;
