-- The id of each product's first image (the lowest position, then id),
-- the one its card shows (see docs/decisions/0075-product-cover.md).
--
-- Listings joined each product to its first image through a subquery per
-- row; products.cover_image_id lets them join it by id. The catalog sets it
-- in the transaction of every change of a product's images (adding,
-- reordering, deleting). It has no foreign key: products and
-- product_images would then refer to each other, and a dump would have to
-- load one of them in two steps. An id that no longer names an image joins
-- no image.
-- +goose Up
ALTER TABLE products ADD COLUMN cover_image_id BIGINT;
UPDATE products SET cover_image_id = (SELECT i.id FROM product_images i
    WHERE i.product_id = products.id ORDER BY i.position, i.id LIMIT 1);

-- +goose Down
ALTER TABLE products DROP COLUMN cover_image_id;
