-- PostgreSQL's fillfactor has no SQLite counterpart: SQLite updates a row
-- in place. This file keeps the two engines' migration numbers in step.
-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
