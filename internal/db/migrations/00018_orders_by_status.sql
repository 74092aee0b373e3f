-- The back office lists orders of one status newest first ("to ship",
-- "awaiting deposit"); without this index that walks every order.
-- +goose Up
CREATE INDEX orders_status ON orders (status, id);

-- +goose Down
DROP INDEX orders_status;
