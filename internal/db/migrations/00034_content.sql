-- The shop's content (see docs/decisions/0047-content.md): notices, events,
-- FAQ, static pages and home banners, written by staff with the content
-- permission. Bodies are rich text, sanitised before they are stored.
-- Periods are UTC instants; the back office shows and takes them in Korean
-- time. A page's slug is unique, so two pages saved at once with one slug
-- leave one (the other is told the slug is taken).
-- +goose Up
CREATE TABLE content_notices (
    id {{ID}},
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    pinned BOOLEAN NOT NULL DEFAULT FALSE,
    published BOOLEAN NOT NULL DEFAULT FALSE,
    -- When customers may see it (set on first publishing when not given);
    -- a later time schedules it.
    published_at {{TIME}},
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX content_notices_listed ON content_notices (published, pinned, published_at);

CREATE TABLE content_events (
    id {{ID}},
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    image_url TEXT NOT NULL DEFAULT '',
    published BOOLEAN NOT NULL DEFAULT FALSE,
    starts_at {{TIME}} NOT NULL,
    ends_at {{TIME}} NOT NULL,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK (ends_at > starts_at)
);
CREATE INDEX content_events_period ON content_events (published, starts_at);

CREATE TABLE content_faq_categories (
    id {{ID}},
    name TEXT NOT NULL UNIQUE,
    position BIGINT NOT NULL DEFAULT 0,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- A category with entries cannot be deleted: its entries are moved or
-- deleted first.
CREATE TABLE content_faqs (
    id {{ID}},
    category_id BIGINT NOT NULL REFERENCES content_faq_categories (id),
    question TEXT NOT NULL,
    answer TEXT NOT NULL DEFAULT '',
    position BIGINT NOT NULL DEFAULT 0,
    published BOOLEAN NOT NULL DEFAULT FALSE,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX content_faqs_category ON content_faqs (category_id, position, id);

CREATE TABLE content_pages (
    id {{ID}},
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    published BOOLEAN NOT NULL DEFAULT FALSE,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- A banner with no end runs until it is unpublished.
CREATE TABLE content_banners (
    id {{ID}},
    title TEXT NOT NULL,
    image_url TEXT NOT NULL,
    link_url TEXT NOT NULL DEFAULT '',
    alt_text TEXT NOT NULL,
    position BIGINT NOT NULL DEFAULT 0,
    published BOOLEAN NOT NULL DEFAULT FALSE,
    starts_at {{TIME}} NOT NULL,
    ends_at {{TIME}},
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK (ends_at IS NULL OR ends_at > starts_at)
);
CREATE INDEX content_banners_current ON content_banners (published, position, id);

-- +goose Down
DROP TABLE content_banners;
DROP TABLE content_pages;
DROP TABLE content_faqs;
DROP TABLE content_faq_categories;
DROP TABLE content_events;
DROP TABLE content_notices;
