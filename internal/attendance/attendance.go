// Package attendance is the attendance check (출석체크): a signed-in
// customer checks in once per Korean calendar day and earns the points the
// shop's settings give, with a bonus on every Nth day in a row. The
// database's unique (customer, day) keeps it to once a day however many
// requests race; the points are credited in the same transaction as the
// check, so a check never exists without its points or the reverse.
package attendance

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/kst"
)

// ErrChecked is returned (wrapping fault.ErrConflict) by a second check on
// the same day.
var ErrChecked = fmt.Errorf("already checked in today: %w", fault.ErrConflict)

// ErrOff is returned (wrapping fault.ErrNotFound) when the shop does not
// run attendance checks.
var ErrOff = fmt.Errorf("the shop has no attendance check: %w", fault.ErrNotFound)

// PointsValidFor is how long points earned by a check stay spendable, as
// long as points earned by an order.
const PointsValidFor = 365 * 24 * time.Hour

// Rules are the shop's attendance policy (kept in its settings).
type Rules struct {
	// On: customers can check in.
	On bool
	// Points are earned by every check; 0 keeps the calendar without
	// points.
	Points int64
	// StreakDays: every StreakDays-th day in a row also earns
	// StreakBonus (0: no bonus).
	StreakDays  int
	StreakBonus int64
}

// Earned is what a check on the streak-th day in a row earns.
func (r Rules) Earned(streak int) int64 {
	p := r.Points
	if r.StreakDays > 0 && streak > 0 && streak%r.StreakDays == 0 {
		p += r.StreakBonus
	}
	return p
}

// Points credits the points of a check on the caller's transaction
// (*points.Service).
type Points interface {
	Earn(ctx context.Context, q db.Querier, userID, amount, orderID int64, memo string, expiresAt time.Time) error
}

// Check is one day's check-in.
type Check struct {
	Day       string // YYYY-MM-DD, Asia/Seoul
	Streak    int
	Points    int64
	CreatedAt time.Time
}

// Service records check-ins. It is safe for concurrent use.
type Service struct {
	d      *db.DB
	points Points
	rules  func(context.Context) Rules
	now    func() time.Time
}

// New returns the attendance service; rules reads the shop's policy at each
// check, so a change in the settings applies at once.
func New(d *db.DB, p Points, rules func(context.Context) Rules, now func() time.Time) *Service {
	if d == nil || p == nil || rules == nil || now == nil {
		panic("attendance: New without every dependency")
	}
	return &Service{d: d, points: p, rules: rules, now: now}
}

// Rules returns the shop's policy now.
func (s *Service) Rules(ctx context.Context) Rules { return s.rules(ctx) }

// Today is the customer's day now in Asia/Seoul, YYYY-MM-DD.
func (s *Service) Today() string { return s.now().In(kst.Zone).Format(time.DateOnly) }

// CheckIn records today's check of userID and credits its points. It
// returns ErrChecked when userID checked in today already (also when two
// requests race: one wins, the other gets ErrChecked and nothing is
// credited twice) and ErrOff when the shop runs no attendance check.
func (s *Service) CheckIn(ctx context.Context, userID int64) (Check, error) {
	rules := s.rules(ctx)
	if !rules.On {
		return Check{}, ErrOff
	}
	now := s.now()
	today := now.In(kst.Zone)
	c := Check{Day: today.Format(time.DateOnly), CreatedAt: now.UTC().Truncate(db.TimePrecision)}
	yesterday := today.AddDate(0, 0, -1).Format(time.DateOnly)
	err := s.d.InTx(ctx, func(q db.Querier) error {
		var prev int
		err := q.GetContext(ctx, &prev, q.Rebind(`SELECT streak FROM attendance_checks WHERE user_id = ? AND day = ?`), userID, yesterday)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read yesterday's check: %w", err)
		}
		c.Streak = prev + 1
		c.Points = rules.Earned(c.Streak)
		res, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO attendance_checks (user_id, day, streak, points, created_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, day) DO NOTHING`), userID, c.Day, c.Streak, c.Points, c.CreatedAt)
		if err != nil {
			return fmt.Errorf("record the check: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("record the check: %w", err)
		} else if n == 0 {
			return ErrChecked
		}
		if c.Points == 0 {
			return nil
		}
		return s.points.Earn(ctx, q, userID, c.Points, 0, "출석체크 "+c.Day, now.Add(PointsValidFor))
	})
	if err != nil {
		return Check{}, fmt.Errorf("check in user %d on %s: %w", userID, c.Day, err)
	}
	return c, nil
}

// Month returns userID's checks in the month that holds first (any day of
// it, read in Asia/Seoul), oldest first.
func (s *Service) Month(ctx context.Context, userID int64, first time.Time) ([]Check, error) {
	first = first.In(kst.Zone)
	from := time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, kst.Zone)
	to := from.AddDate(0, 1, 0)
	var rows []struct {
		Day       string    `db:"day"`
		Streak    int       `db:"streak"`
		Points    int64     `db:"points"`
		CreatedAt time.Time `db:"created_at"`
	}
	q := s.d.Read()
	err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT day, streak, points, created_at FROM attendance_checks
		WHERE user_id = ? AND day >= ? AND day < ? ORDER BY day`), userID, from.Format(time.DateOnly), to.Format(time.DateOnly))
	if err != nil {
		return nil, fmt.Errorf("attendance of user %d in %s: %w", userID, from.Format("2006-01"), err)
	}
	out := make([]Check, len(rows))
	for i, r := range rows {
		out[i] = Check{Day: r.Day, Streak: r.Streak, Points: r.Points, CreatedAt: r.CreatedAt.UTC()}
	}
	return out, nil
}

// Streak is the number of days in a row userID checked in, ending today or
// yesterday (a streak still alive); 0 otherwise.
func (s *Service) Streak(ctx context.Context, userID int64) (int, error) {
	today := s.now().In(kst.Zone)
	var streak int
	q := s.d.Read()
	err := q.GetContext(ctx, &streak, q.Rebind(`SELECT streak FROM attendance_checks WHERE user_id = ? AND day >= ?
		ORDER BY day DESC LIMIT 1`), userID, today.AddDate(0, 0, -1).Format(time.DateOnly))
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("attendance streak of user %d: %w", userID, err)
	}
	return streak, nil
}
