-- Search finds substrings of products.search_text (the name and the
-- description's text, lower-cased by the catalog service), Korean included
-- ("초콜릿" in "다크초콜릿세트"), through an FTS5 trigram index that triggers
-- keep current. Text shorter than three characters cannot use a trigram
-- index and is matched with LIKE by the catalog store.
-- +goose Up
CREATE VIRTUAL TABLE product_search USING fts5(
    search_text, content='products', content_rowid='id', tokenize='trigram'
);
-- +goose StatementBegin
CREATE TRIGGER products_search_insert AFTER INSERT ON products BEGIN
    INSERT INTO product_search (rowid, search_text) VALUES (new.id, new.search_text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER products_search_delete AFTER DELETE ON products BEGIN
    INSERT INTO product_search (product_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER products_search_update AFTER UPDATE OF search_text ON products BEGIN
    INSERT INTO product_search (product_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO product_search (rowid, search_text) VALUES (new.id, new.search_text);
END;
-- +goose StatementEnd
-- A rare search looks its matches up in product_search and then needs, for
-- each, whether it is listed, the columns other filters and the sort read,
-- and its category: this index holds them, so the lookup and the count of a
-- common word read small index entries rather than whole product rows
-- (with descriptions) scattered over the table.
CREATE INDEX products_search_listing ON products (id, category_id, created_at, price_minor, name, in_stock, featured, status, deleted_at)
    WHERE status = 'active' AND deleted_at IS NULL;

-- +goose Down
DROP INDEX products_search_listing;
DROP TRIGGER products_search_update;
DROP TRIGGER products_search_delete;
DROP TRIGGER products_search_insert;
DROP TABLE product_search;
