-- Staff API tokens (see docs/decisions/0035-staff-api-tokens.md). A staff
-- member gets a token family only by passing the second factor; staff marks
-- it so that its refresh tokens and the family itself end sooner, and
-- scopes holds the staff permissions granted at issue, space-separated (the
-- OAuth "scope" form). Every use intersects them with what the user still
-- may do. Customer families keep FALSE and ''.
-- +goose Up
ALTER TABLE api_token_families ADD COLUMN staff BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE api_token_families ADD COLUMN scopes TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE api_token_families DROP COLUMN scopes;
ALTER TABLE api_token_families DROP COLUMN staff;
