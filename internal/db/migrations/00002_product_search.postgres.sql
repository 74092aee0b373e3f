-- Search finds substrings of products.search_text (the name and the
-- description's text, lower-cased by the catalog service), Korean included
-- ("초콜릿" in "다크초콜릿세트"), through a pg_trgm GIN index that serves LIKE
-- for three characters or more. LIKE on lower-cased text rather than ILIKE:
-- ILIKE folds case row by row and is many times slower on Korean text.
-- pg_trgm is a trusted extension, so the shop's own role may create it.
-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE INDEX products_search_trgm ON products USING gin (search_text public.gin_trgm_ops);
-- Names sort by code point, as SQLite's BINARY collation does, so the name
-- order of a listing is the same on both engines whatever the server's
-- locale (this also rebuilds the name indexes of 00001 with that collation).
ALTER TABLE products ALTER COLUMN name SET DATA TYPE TEXT COLLATE "C";

-- +goose Down
ALTER TABLE products ALTER COLUMN name SET DATA TYPE TEXT COLLATE "default";
DROP INDEX products_search_trgm;
