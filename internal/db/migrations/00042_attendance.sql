-- Attendance checks (출석체크): a customer checks in once per Korean
-- calendar day and earns the points the shop's settings give for it. The
-- unique (user_id, day) is what makes "once a day" hold when two requests
-- race; streak is the number of days in a row ending with this one, so the
-- next day's check reads one row to continue it. See
-- docs/decisions/0062-attendance.md.
-- +goose Up
CREATE TABLE attendance_checks (
    id {{ID}},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The day in Asia/Seoul, YYYY-MM-DD.
    day TEXT NOT NULL,
    streak BIGINT NOT NULL CHECK (streak >= 1),
    points BIGINT NOT NULL CHECK (points >= 0),
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (user_id, day)
);

-- +goose Down
DROP TABLE attendance_checks;
