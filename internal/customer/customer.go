// Package customer is the staff's view of one customer: the profile with
// the phone number decrypted, the grade, the consent and sign-in history,
// the points ledger with adjustments, the address book (masked until staff
// reveal it, which is audited) and blocking. It composes the account,
// points, address and promotion services; every change and every reveal
// of personal data is audited in its own transaction naming the staff
// member. See docs/decisions/0049-customer-care.md.
package customer

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/points"
	"github.com/mallang/mallang/internal/promotion"
	"github.com/mallang/mallang/internal/wiring"
)

// Accounts is what the customer page needs of the account service;
// *account.Service implements it.
type Accounts interface {
	User(ctx context.Context, id int64) (account.User, error)
	Consents(ctx context.Context, userID int64) ([]account.ConsentEvent, error)
	LoginEvents(ctx context.Context, userID int64, limit int) ([]account.LoginEvent, error)
	Block(ctx context.Context, by audit.Actor, userID int64, reason string) error
	Unblock(ctx context.Context, by audit.Actor, userID int64, reason string) error
}

// Points is the points ledger; *points.Service implements it.
type Points interface {
	Balance(ctx context.Context, userID int64) (int64, error)
	Entries(ctx context.Context, userID int64, from, to time.Time) ([]points.Entry, error)
	AdjustOn(ctx context.Context, q db.Querier, userID, delta int64, memo string, actorID int64) error
}

// Addresses is the address book; *address.Service implements it.
type Addresses interface {
	Masked(ctx context.Context, userID int64) ([]address.Address, error)
	List(ctx context.Context, userID int64) ([]address.Address, error)
}

// Grades gives a customer's membership grade; *promotion.Service
// implements it.
type Grades interface {
	GradeOf(ctx context.Context, userID int64) (promotion.Grade, error)
}

// Audit records an entry in the caller's transaction; *audit.Log
// implements it.
type Audit interface {
	Record(ctx context.Context, q db.Querier, e audit.Entry) error
}

// Deps are the services the customer page composes; every one is
// required.
type Deps struct {
	Accounts  Accounts
	Points    Points
	Addresses Addresses
	Grades    Grades
	Audit     Audit
}

// Service serves the staff's customer page. The callers (back office and
// API) check that the staff member has account.PermCustomers.
type Service struct {
	d    *db.DB
	deps Deps
	now  func() time.Time
	log  *slog.Logger
}

// New returns the service; it panics naming a missing dependency.
func New(d *db.DB, deps Deps, now func() time.Time, log *slog.Logger) *Service {
	if m := wiring.Missing("Accounts", deps.Accounts, "Points", deps.Points, "Addresses", deps.Addresses,
		"Grades", deps.Grades, "Audit", deps.Audit); len(m) > 0 {
		panic("customer: New without " + strings.Join(m, ", "))
	}
	if log == nil {
		panic("customer: New without a logger")
	}
	return &Service{d: d, deps: deps, now: now, log: log}
}

// Customer is one customer as staff see them.
type Customer struct {
	// User is the account, its phone number decrypted.
	account.User
	Grade    promotion.Grade
	Balance  int64 // points; below zero while the customer owes (decision 0040)
	Consents []account.ConsentEvent
	// Logins are the latest sign-in attempts, newest first.
	Logins []account.LoginEvent
}

// Logins is how many sign-in attempts Get reads.
const Logins = 20

// Get returns customer userID with grade, balance and histories, or
// fault.ErrNotFound.
func (s *Service) Get(ctx context.Context, userID int64) (Customer, error) {
	u, err := s.deps.Accounts.User(ctx, userID)
	if err != nil {
		return Customer{}, err
	}
	c := Customer{User: u}
	if c.Grade, err = s.deps.Grades.GradeOf(ctx, userID); err != nil {
		return Customer{}, err
	}
	if c.Balance, err = s.deps.Points.Balance(ctx, userID); err != nil {
		return Customer{}, err
	}
	if c.Consents, err = s.deps.Accounts.Consents(ctx, userID); err != nil {
		return Customer{}, err
	}
	if c.Logins, err = s.deps.Accounts.LoginEvents(ctx, userID, Logins); err != nil {
		return Customer{}, err
	}
	return c, nil
}

// LedgerMonths is how far back Ledger reads.
const LedgerMonths = 12

// Ledger returns the points entries of userID of the last LedgerMonths
// months, newest first.
func (s *Service) Ledger(ctx context.Context, userID int64) ([]points.Entry, error) {
	now := s.now().UTC()
	es, err := s.deps.Points.Entries(ctx, userID, now.AddDate(0, -LedgerMonths, 0), now.Add(time.Second))
	if err != nil {
		return nil, err
	}
	for i, j := 0, len(es)-1; i < j; i, j = i+1, j-1 {
		es[i], es[j] = es[j], es[i]
	}
	return es, nil
}

// MaxAdjust bounds one adjustment, in points either way.
const MaxAdjust = 10_000_000

// AdjustPoints adds delta points (negative: takes them) to customer
// userID's balance for reason, which the customer sees in their ledger, and
// records "points.adjusted" for by in the audit log in the same
// transaction. It returns the balance after. Errors: *fault.Invalid naming
// "delta" (zero, too large, or a negative one larger than the balance —
// points' rule, decision 0040) or "reason" (missing, too long, control
// characters); fault.ErrNotFound for an unknown user.
func (s *Service) AdjustPoints(ctx context.Context, by audit.Actor, userID, delta int64, reason string) (int64, error) {
	reason = strings.TrimSpace(reason)
	v := &fault.Invalid{}
	switch {
	case delta == 0:
		v.Add("delta", "must not be zero")
	case delta > MaxAdjust || delta < -MaxAdjust:
		v.Add("delta", fmt.Sprintf("must be at most %d points either way", MaxAdjust))
	}
	switch {
	case reason == "":
		v.Add("reason", "is required")
	case utf8.RuneCountInString(reason) > points.MaxMemo:
		v.Add("reason", fmt.Sprintf("must be at most %d characters", points.MaxMemo))
	case strings.IndexFunc(reason, unicode.IsControl) >= 0:
		v.Add("reason", "must not contain control characters")
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	u, err := s.deps.Accounts.User(ctx, userID)
	if err != nil {
		return 0, err
	}
	err = s.d.InTx(ctx, func(q db.Querier) error {
		if err := s.deps.Points.AdjustOn(ctx, q, userID, delta, reason, by.UserID); err != nil {
			return err
		}
		return s.deps.Audit.Record(ctx, q, by.Entry("points.adjusted", "user", strconv.FormatInt(userID, 10),
			map[string]any{"email": u.Email, "delta": delta, "reason": reason}))
	})
	if inv, ok := fault.AsInvalid(err); ok {
		// points names the memo "memo": here it is the reason.
		if m, ok := inv.Fields["memo"]; ok {
			delete(inv.Fields, "memo")
			inv.Fields["reason"] = m
		}
		return 0, inv
	}
	if err != nil {
		return 0, fmt.Errorf("adjust points of user %d: %w", userID, err)
	}
	s.log.InfoContext(ctx, "points adjusted", "user_id", userID, "actor_id", by.UserID, "delta", delta)
	return s.deps.Points.Balance(ctx, userID)
}

// Addresses returns customer userID's addresses masked: nothing is
// decrypted (see address.Service.Masked).
func (s *Service) Addresses(ctx context.Context, userID int64) ([]address.Address, error) {
	return s.deps.Addresses.Masked(ctx, userID)
}

// RevealAddresses returns customer userID's addresses decrypted, after
// recording "customer.addresses_viewed" for by (who viewed whose addresses,
// when) in a transaction of its own: the viewing is on record before any
// address is read. It returns fault.ErrNotFound for an unknown user.
func (s *Service) RevealAddresses(ctx context.Context, by audit.Actor, userID int64) ([]address.Address, error) {
	u, err := s.deps.Accounts.User(ctx, userID)
	if err != nil {
		return nil, err
	}
	masked, err := s.deps.Addresses.Masked(ctx, userID)
	if err != nil {
		return nil, err
	}
	err = s.d.InTx(ctx, func(q db.Querier) error {
		return s.deps.Audit.Record(ctx, q, by.Entry("customer.addresses_viewed", "user", strconv.FormatInt(userID, 10),
			map[string]any{"email": u.Email, "addresses": len(masked)}))
	})
	if err != nil {
		return nil, fmt.Errorf("record address view of user %d: %w", userID, err)
	}
	return s.deps.Addresses.List(ctx, userID)
}

// Block blocks customer userID for reason (see account.Service.Block).
func (s *Service) Block(ctx context.Context, by audit.Actor, userID int64, reason string) error {
	return s.deps.Accounts.Block(ctx, by, userID, reason)
}

// Unblock lifts the block of customer userID (see account.Service.Unblock).
func (s *Service) Unblock(ctx context.Context, by audit.Actor, userID int64, reason string) error {
	return s.deps.Accounts.Unblock(ctx, by, userID, reason)
}
