-- The shop's settings, kept in the database and changed by staff while the
-- shop runs (see docs/decisions/0048-settings.md). One row (id 1) holds the
-- settings as a JSON document that internal/settings reads into a typed
-- struct and validates; version goes up by one at every change, so each app
-- node checks one small integer to know whether its cached copy is current.
-- The first start writes the row from the environment's values.
-- +goose Up
CREATE TABLE settings (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL CHECK (version > 0),
    data TEXT NOT NULL,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- The legal documents (이용약관, 개인정보처리방침) as versions: each save is
-- a new version with the date it takes effect. The storefront shows the
-- newest version in effect and links the earlier ones.
CREATE TABLE legal_versions (
    id {{ID}},
    document TEXT NOT NULL CHECK (document IN ('terms', 'privacy')),
    version BIGINT NOT NULL CHECK (version > 0),
    body TEXT NOT NULL,
    effective_at {{TIME}} NOT NULL,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (document, version)
);
CREATE INDEX legal_versions_effective ON legal_versions (document, effective_at);

-- +goose Down
DROP TABLE legal_versions;
DROP TABLE settings;
