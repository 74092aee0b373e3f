-- Leave a tenth of each page free in the tables that every order updates
-- (stock on variants and products, the order's own row right after its
-- insert, the customer's cart), so PostgreSQL can keep the new row version
-- on the same page: a HOT update, which writes no index entry. Without the
-- room, a product's update also writes its listing and trigram indexes.
-- Pages written before this migration get the room when the table is
-- rewritten (VACUUM FULL or pg_repack); new pages get it at once.
-- +goose Up
ALTER TABLE products SET (fillfactor = 90);
ALTER TABLE variants SET (fillfactor = 90);
ALTER TABLE orders SET (fillfactor = 90);
ALTER TABLE carts SET (fillfactor = 90);

-- +goose Down
ALTER TABLE products RESET (fillfactor);
ALTER TABLE variants RESET (fillfactor);
ALTER TABLE orders RESET (fillfactor);
ALTER TABLE carts RESET (fillfactor);
