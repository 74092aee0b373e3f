// Package automation sends the mails a shop sends by itself: a reminder of
// a cart left behind, a notice of points about to expire, a reminder to
// confirm a delivered purchase, the daily sales report to staff, and the
// birthday coupon with its mail.
//
// Each automation finds what is due and mails it, one mail per subject (a
// cart as it was left, a customer's points expiring on one day, an order,
// a day's report to one address). The mail and a row of automation_sends
// keyed by its subject are written in one transaction, the row with
// INSERT … ON CONFLICT DO NOTHING: an automation run twice, or on two app
// nodes at once, sends each mail once, and a crash sends it at the next
// run or not at all, never twice. See docs/decisions/0068-automations.md.
package automation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/mallang/mallang/internal/coupon"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/stats"
)

// Kind names an automation; it is stored in automation_sends and
// automation_runs, so never change one.
type Kind string

// The automations.
const (
	CartReminder    Kind = "cart_reminder"
	PointsNotice    Kind = "points_notice"
	ConfirmReminder Kind = "confirm_reminder"
	DailyReport     Kind = "daily_report"
	BirthdayCoupon  Kind = "birthday_coupon"
	// Dormancy mails the dormancy notices and the policy change, and makes
	// accounts dormant (dormancy.go).
	Dormancy Kind = "dormancy"
)

// Kinds are the automations in the order they run and are listed.
var Kinds = []Kind{CartReminder, PointsNotice, ConfirmReminder, DailyReport, BirthdayCoupon, Dormancy}

// Policy is what the shop turned on, and when.
type Policy struct {
	// CartReminder mails a customer who agreed to marketing mail about a
	// cart untouched for CartAfter (and touched in the week before), once
	// per cart as it was left, between 08:00 and 21:00 in Korea.
	CartReminder bool
	CartAfter    time.Duration
	// PointsNotice mails a customer PointsDays ahead of points expiring.
	PointsNotice bool
	PointsDays   int
	// ConfirmReminder mails a customer whose order was delivered
	// ConfirmDays days ago and is not confirmed yet.
	ConfirmReminder bool
	ConfirmDays     int
	// DailyReport mails yesterday's sales to ReportTo from ReportHour
	// (0–23, Korean time).
	DailyReport bool
	ReportHour  int
	ReportTo    []string
	// BirthdayCoupon gives every customer who gave a birthday a coupon of
	// Birthday's terms (kind, amount, cap, minimum order) once a year,
	// BirthdayDaysBefore days (0–30) ahead of it, usable for
	// BirthdayValidDays days, and mails those who agreed to marketing
	// mail, between 08:00 and 21:00 in Korea.
	BirthdayCoupon     bool
	Birthday           coupon.Grant
	BirthdayValidDays  int
	BirthdayDaysBefore int
	// Dormancy makes customers who have not signed in for DormancyMonths
	// dormant, each told 30 days ahead, and tells members once when the
	// policy became stricter at DormancyChangedAt (zero: never).
	Dormancy          bool
	DormancyMonths    int
	DormancyChangedAt time.Time
}

// Policies reads the shop's current policy (the settings).
type Policies interface {
	Automations(ctx context.Context) Policy
}

// Sales is the part of the statistics the daily report reads.
type Sales interface {
	Total(ctx context.Context, r stats.Range) (stats.Figures, error)
	Items(ctx context.Context, r stats.Range, by stats.Level) ([]stats.ItemRow, error)
}

// Deps are what the automations use.
type Deps struct {
	DB       *db.DB
	Mailer   notify.Mailer
	Contacts notify.Contacts
	Sales    Sales
	Coupons  Coupons
	Policies Policies
	Now      func() time.Time
	// BaseURL is the storefront's absolute address, for the mails' links.
	BaseURL string
	// Accounts makes customers dormant.
	Accounts Accounts
	// Unsubscribe is the link that withdraws customer userID's consent to
	// marketing mail without signing in; every marketing mail carries it.
	Unsubscribe func(userID int64) string
	Log         *slog.Logger
}

// Service runs the automations.
type Service struct {
	deps Deps
}

// New returns the automations over deps.
func New(deps Deps) *Service {
	if deps.Log == nil {
		deps.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{deps: deps}
}

// batch bounds the mails one automation sends in one run; the rest go at
// the next run.
const batch = 500

// RunAll runs every automation the policy turns on, each even when another
// failed, records each run and returns the failures together.
func (s *Service) RunAll(ctx context.Context) error {
	p := s.deps.Policies.Automations(ctx)
	var errs []error
	for _, k := range Kinds {
		if !p.on(k) {
			continue
		}
		n, err := s.Run(ctx, k, p)
		if err != nil {
			errs = append(errs, fmt.Errorf("automation %s: %w", k, err))
		}
		if rerr := s.recordRun(ctx, k, n, err); rerr != nil {
			errs = append(errs, rerr)
		}
		if n > 0 {
			s.deps.Log.InfoContext(ctx, "automation sent mail", "automation", string(k), "mails", n)
		}
	}
	return errors.Join(errs...)
}

func (p Policy) on(k Kind) bool {
	switch k {
	case CartReminder:
		return p.CartReminder && p.CartAfter > 0
	case PointsNotice:
		return p.PointsNotice && p.PointsDays > 0
	case ConfirmReminder:
		return p.ConfirmReminder && p.ConfirmDays > 0
	case DailyReport:
		return p.DailyReport && len(p.ReportTo) > 0
	case BirthdayCoupon:
		return p.BirthdayCoupon && p.BirthdayValidDays > 0 && p.Birthday.Amount > 0
	case Dormancy:
		return p.Dormancy && p.DormancyMonths > 0
	}
	return false
}

// Run runs automation k under policy p now and returns how many mails it
// sent.
func (s *Service) Run(ctx context.Context, k Kind, p Policy) (int, error) {
	now := s.deps.Now().UTC()
	switch k {
	case CartReminder:
		return s.remindCarts(ctx, p, now)
	case PointsNotice:
		return s.noticePoints(ctx, p, now)
	case ConfirmReminder:
		return s.remindConfirm(ctx, p, now)
	case DailyReport:
		return s.report(ctx, p, now)
	case BirthdayCoupon:
		return s.birthdayCoupons(ctx, p, now)
	case Dormancy:
		return s.dormancy(ctx, p, now)
	}
	return 0, fmt.Errorf("unknown automation %q", k)
}

// sendOnce writes the mail of subject in one transaction with its row in
// automation_sends, unless the row is there already, and tells whether it
// sent. A mail that cannot be written (the customer is gone) keeps its row,
// so it is not tried again.
func (s *Service) sendOnce(ctx context.Context, k Kind, subject string, userID int64, send func(q db.Querier) error) (bool, error) {
	sent := false
	err := s.deps.DB.InTx(ctx, func(q db.Querier) error {
		var user any
		if userID != 0 {
			user = userID
		}
		res, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO automation_sends (kind, subject, user_id, sent_at)
			VALUES (?, ?, ?, ?) ON CONFLICT (kind, subject) DO NOTHING`), string(k), subject, user, s.deps.Now().UTC())
		if err != nil {
			return fmt.Errorf("record %s %s: %w", k, subject, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		if err := send(q); err != nil {
			if errors.Is(err, notify.ErrUnwritable) {
				s.deps.Log.WarnContext(ctx, "automation mail not sent", "automation", string(k), "subject", subject, "err", err)
				return nil
			}
			return err
		}
		sent = true
		return nil
	})
	return sent, err
}

// Run is an automation's last run.
type Run struct {
	Kind  Kind
	RanAt time.Time // zero: never ran
	Sent  int64
	Error string
}

func (s *Service) recordRun(ctx context.Context, k Kind, sent int, runErr error) error {
	msg := ""
	if runErr != nil {
		msg = runErr.Error()
		if len(msg) > 500 {
			msg = msg[:500]
		}
	}
	w := s.deps.DB.Write()
	_, err := w.ExecContext(ctx, w.Rebind(`INSERT INTO automation_runs (kind, ran_at, sent, error) VALUES (?, ?, ?, ?)
		ON CONFLICT (kind) DO UPDATE SET ran_at = excluded.ran_at, sent = excluded.sent, error = excluded.error`),
		string(k), s.deps.Now().UTC(), sent, msg)
	if err != nil {
		return fmt.Errorf("record the run of %s: %w", k, err)
	}
	return nil
}

// Runs returns the last run of every automation, in Kinds' order.
func (s *Service) Runs(ctx context.Context) ([]Run, error) {
	var rows []struct {
		Kind  string  `db:"kind"`
		RanAt db.Time `db:"ran_at"`
		Sent  int64   `db:"sent"`
		Error string  `db:"error"`
	}
	r := s.deps.DB.Read()
	if err := r.SelectContext(ctx, &rows, `SELECT kind, ran_at, sent, error FROM automation_runs`); err != nil {
		return nil, fmt.Errorf("automation runs: %w", err)
	}
	out := make([]Run, len(Kinds))
	for i, k := range Kinds {
		out[i].Kind = k
		for _, r := range rows {
			if r.Kind == string(k) {
				out[i] = Run{Kind: k, RanAt: time.Time(r.RanAt), Sent: r.Sent, Error: r.Error}
			}
		}
	}
	return out, nil
}
