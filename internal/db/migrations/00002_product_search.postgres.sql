-- Search over product name and description finds Korean substrings
-- ("초콜릿" in "다크초콜릿세트") through pg_trgm GIN indexes, which
-- PostgreSQL keeps current by itself. pg_trgm is a trusted extension, so the
-- shop's own role may create it.
-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE INDEX products_name_trgm ON products USING gin (name public.gin_trgm_ops);
CREATE INDEX products_description_trgm ON products USING gin (description public.gin_trgm_ops);

-- +goose Down
DROP INDEX products_description_trgm;
DROP INDEX products_name_trgm;
