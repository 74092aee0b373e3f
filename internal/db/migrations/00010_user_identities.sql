-- Sign-in identities at outside providers (Google, Kakao, Naver). A user
-- has at most one identity per provider, and an identity — the provider's
-- stable subject id, never the email address, which can change hands —
-- belongs to one user; both rules are constraints, so two callbacks racing
-- for the same new identity cannot create two accounts. email is the
-- address the provider gave when the identity was linked, kept to show the
-- user which account is linked.
-- +goose Up
CREATE TABLE user_identities (
    id {{ID}},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    subject TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_login_at {{TIME}},
    UNIQUE (provider, subject),
    UNIQUE (user_id, provider)
);

-- +goose Down
DROP TABLE user_identities;
