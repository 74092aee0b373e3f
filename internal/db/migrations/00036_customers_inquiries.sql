-- The staff's customer page and 1:1 inquiries (see
-- docs/decisions/0049-customer-care.md).
--
-- A customer staff blocked (blocked_at, with the reason they are told)
-- cannot sign in or place orders; unblocking clears both.
--
-- login_events: every sign-in attempt of an existing account (password,
-- social), successful or not, with the address and user agent it came
-- from; the hourly prune keeps a year of them.
--
-- consent_events: the history of the consents, one row per change
-- (users.marketing_consent_at keeps only the current state): the terms and
-- the privacy policy agreed to at sign-up, with the version in force then
-- (0 when the shop had published none, see 00035's legal_versions), and
-- every change of the marketing consent.
--
-- inquiries: a customer's 1:1 question, optionally about one of their
-- orders, with up to three photos (media keys) and the staff's answer.
-- answer_templates: texts staff keep to start an answer from.
-- +goose Up
ALTER TABLE users ADD COLUMN blocked_at {{TIME}};
ALTER TABLE users ADD COLUMN blocked_reason TEXT NOT NULL DEFAULT '';

CREATE TABLE login_events (
    id {{ID}},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    method TEXT NOT NULL CHECK (method IN ('password', 'social')),
    success BOOLEAN NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX login_events_user ON login_events (user_id, id);
CREATE INDEX login_events_created ON login_events (created_at);

CREATE TABLE consent_events (
    id {{ID}},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('terms', 'privacy', 'marketing')),
    given BOOLEAN NOT NULL,
    version BIGINT NOT NULL DEFAULT 0 CHECK (version >= 0),
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX consent_events_user ON consent_events (user_id, id);

CREATE TABLE inquiries (
    id {{ID}},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    order_id BIGINT REFERENCES orders (id) ON DELETE SET NULL,
    kind TEXT NOT NULL CHECK (kind IN ('order', 'cancel', 'product', 'payment', 'account', 'other')),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'answered')),
    answer TEXT NOT NULL DEFAULT '',
    answered_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    answered_at {{TIME}},
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX inquiries_user ON inquiries (user_id, id);
CREATE INDEX inquiries_status ON inquiries (status, created_at);

CREATE TABLE inquiry_photos (
    id {{ID}},
    inquiry_id BIGINT NOT NULL REFERENCES inquiries (id) ON DELETE CASCADE,
    media_key TEXT NOT NULL,
    position INTEGER NOT NULL,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (inquiry_id, position)
);

CREATE TABLE answer_templates (
    id {{ID}},
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- +goose Down
DROP TABLE answer_templates;
DROP TABLE inquiry_photos;
DROP TABLE inquiries;
DROP TABLE consent_events;
DROP TABLE login_events;
ALTER TABLE users DROP COLUMN blocked_reason;
ALTER TABLE users DROP COLUMN blocked_at;
