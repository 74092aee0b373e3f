-- Search ignores spacing, serves one- and two-character queries through an
-- index and reads staff-edited spelling variants (see
-- docs/decisions/0055-search-grams-and-synonyms.md).
--
-- products.search_text drops its spaces: the catalog service stores the
-- name, the English name and the description's text lower-cased without
-- white space, one per line, and compacts queries the same way, so
-- "다크 초콜릿" and "다크초콜릿" find each other.
--
-- product_grams holds every distinct one- and two-character piece of each
-- product's compacted Korean and English names, written in the product's
-- write transaction. A query of one or two characters looks its products up
-- here (the trigram indexes of 00002 need three); such short queries match
-- names, not descriptions. It is an index the service keeps, so it has no
-- id or times of its own.
-- +goose Up
UPDATE products SET search_text = REPLACE(search_text, ' ', '');

CREATE TABLE product_grams (
    gram TEXT NOT NULL,
    product_id BIGINT NOT NULL REFERENCES products (id),
    PRIMARY KEY (gram, product_id)
);
CREATE INDEX product_grams_product ON product_grams (product_id);

INSERT INTO product_grams (gram, product_id)
WITH RECURSIVE names (product_id, t) AS (
    SELECT id, REPLACE(LOWER(name), ' ', '') FROM products
    UNION ALL
    SELECT id, REPLACE(LOWER(name_en), ' ', '') FROM products WHERE name_en <> ''
), pos (product_id, t, i) AS (
    SELECT product_id, t, 1 FROM names WHERE LENGTH(t) > 0
    UNION ALL
    SELECT product_id, t, i + 1 FROM pos WHERE i < LENGTH(t)
)
SELECT DISTINCT gram, product_id FROM (
    SELECT SUBSTR(t, i, 1) AS gram, product_id FROM pos
    UNION ALL
    SELECT SUBSTR(t, i, 2), product_id FROM pos WHERE i < LENGTH(t)
) g;

-- Spelling variants a search reads as another word (쵸콜릿 → 초콜릿). term
-- and replacement are stored compacted and lower-cased, as queries are.
CREATE TABLE search_synonyms (
    id {{ID}},
    term TEXT NOT NULL UNIQUE CHECK (term <> ''),
    replacement TEXT NOT NULL CHECK (replacement <> ''),
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- +goose Down
DROP TABLE search_synonyms;
DROP TABLE product_grams;
