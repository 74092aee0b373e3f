-- Membership grades, points spending settings and gifts with purchase. See
-- docs/decisions/0026-promotions.md.
--
-- member_grades are the shop's grades, lowest first by position. A customer
-- earns earn_permille points per 1,000 won paid, and reaches a grade by
-- spending min_spend won or more within the evaluation window (the monthly
-- job). The lowest grade has min_spend 0: every customer is in it until a
-- grade is earned or assigned. Amounts are whole won.
--
-- member_grade_assignments holds each customer's grade; a customer without a
-- row is in the lowest grade, so new customers need no row and users needs no
-- column. A grade in use cannot be deleted.
--
-- promotion_settings holds the points spending rules in at most one row
-- (id = 1); no row means the defaults in internal/promotion (spend from 1,000
-- points, up to 100 % of the order, points valid 365 days).
--
-- gift_rules add quantity units of variant_id, free, to an order whose
-- subtotal after discount reaches threshold, between starts_at and ends_at
-- (NULL: no end). Rules are deactivated, never deleted, because orders keep
-- the breakdown that names them. Times are UTC.
-- +goose Up
CREATE TABLE member_grades (
    id {{ID}},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    position INTEGER NOT NULL UNIQUE,
    earn_permille INTEGER NOT NULL CHECK (earn_permille >= 0 AND earn_permille <= 1000),
    min_spend BIGINT NOT NULL CHECK (min_spend >= 0),
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);

INSERT INTO member_grades (code, name, position, earn_permille, min_spend) VALUES
    ('welcome', '웰컴', 1, 10, 0),
    ('silver', '실버', 2, 20, 300000),
    ('gold', '골드', 3, 30, 1000000),
    ('vip', 'VIP', 4, 50, 3000000);

CREATE TABLE member_grade_assignments (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    grade_id BIGINT NOT NULL REFERENCES member_grades (id),
    assigned_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX member_grade_assignments_grade ON member_grade_assignments (grade_id);

CREATE TABLE promotion_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    points_min_spend BIGINT NOT NULL DEFAULT 1000 CHECK (points_min_spend >= 0),
    points_max_percent INTEGER NOT NULL DEFAULT 100 CHECK (points_max_percent >= 1 AND points_max_percent <= 100),
    points_valid_days INTEGER NOT NULL DEFAULT 365 CHECK (points_valid_days >= 1),
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE gift_rules (
    id {{ID}},
    name TEXT NOT NULL,
    threshold BIGINT NOT NULL CHECK (threshold >= 0),
    variant_id BIGINT NOT NULL REFERENCES variants (id),
    quantity BIGINT NOT NULL DEFAULT 1 CHECK (quantity > 0),
    starts_at {{TIME}} NOT NULL,
    ends_at {{TIME}},
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX gift_rules_active ON gift_rules (active, starts_at);
CREATE INDEX gift_rules_variant ON gift_rules (variant_id);

-- +goose Down
DROP TABLE gift_rules;
DROP TABLE promotion_settings;
DROP TABLE member_grade_assignments;
DROP TABLE member_grades;
