-- Birthdays, the birthday coupon and mail headers. See
-- docs/decisions/0070-birthday-coupon.md.
--
-- users.birth_month and birth_day are the birthday a customer gave (both or
-- neither): the birthday coupon's automation selects on them, so they are
-- stored plain. The year is optional and, with the day, identifies a
-- person: it is kept encrypted in birth_year_enc ('' when not given), like
-- the phone number.
--
-- coupons.user_id makes a coupon one customer's own (the birthday coupon):
-- nobody else can use its code. NULL is a coupon for anyone with the code.
--
-- outbox.headers holds extra mail headers as a JSON object of strings
-- ('{}' when none): List-Unsubscribe and List-Unsubscribe-Post (RFC 8058)
-- on marketing mail.
-- +goose Up
ALTER TABLE users ADD COLUMN birth_month INTEGER CHECK (birth_month BETWEEN 1 AND 12);
ALTER TABLE users ADD COLUMN birth_day INTEGER CHECK (birth_day BETWEEN 1 AND 31);
ALTER TABLE users ADD COLUMN birth_year_enc TEXT NOT NULL DEFAULT '';
CREATE INDEX users_birthday ON users (birth_month, birth_day) WHERE birth_month IS NOT NULL;

ALTER TABLE coupons ADD COLUMN user_id BIGINT REFERENCES users (id);
CREATE INDEX coupons_user ON coupons (user_id) WHERE user_id IS NOT NULL;

ALTER TABLE outbox ADD COLUMN headers TEXT NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE outbox DROP COLUMN headers;
DROP INDEX coupons_user;
ALTER TABLE coupons DROP COLUMN user_id;
DROP INDEX users_birthday;
ALTER TABLE users DROP COLUMN birth_year_enc;
ALTER TABLE users DROP COLUMN birth_day;
ALTER TABLE users DROP COLUMN birth_month;
