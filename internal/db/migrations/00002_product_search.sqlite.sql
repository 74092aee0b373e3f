-- Search over product name and description finds Korean substrings
-- ("초콜릿" in "다크초콜릿세트") through an FTS5 trigram index, which
-- triggers keep current. Queries shorter than three characters cannot use a
-- trigram index and fall back to LIKE in the catalog store.
-- +goose Up
CREATE VIRTUAL TABLE product_search USING fts5(
    name, description, content='products', content_rowid='id', tokenize='trigram'
);
-- +goose StatementBegin
CREATE TRIGGER products_search_insert AFTER INSERT ON products BEGIN
    INSERT INTO product_search (rowid, name, description) VALUES (new.id, new.name, new.description);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER products_search_delete AFTER DELETE ON products BEGIN
    INSERT INTO product_search (product_search, rowid, name, description) VALUES ('delete', old.id, old.name, old.description);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER products_search_update AFTER UPDATE OF name, description ON products BEGIN
    INSERT INTO product_search (product_search, rowid, name, description) VALUES ('delete', old.id, old.name, old.description);
    INSERT INTO product_search (rowid, name, description) VALUES (new.id, new.name, new.description);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER products_search_update;
DROP TRIGGER products_search_delete;
DROP TRIGGER products_search_insert;
DROP TABLE product_search;
