package account

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// This file holds what staff see and do on a customer's page: blocking a
// customer (who then cannot sign in or order), the history of sign-ins and
// of consents. See docs/decisions/0049-customer-care.md.

// BlockedError means staff blocked the account: it may not sign in or
// place orders. Reason is what staff wrote, shown to the customer. It wraps
// fault.ErrForbidden.
type BlockedError struct {
	UserID int64
	Reason string
}

func (e *BlockedError) Error() string {
	return fmt.Sprintf("user %d is blocked: %v", e.UserID, fault.ErrForbidden)
}

// Unwrap makes a BlockedError a fault.ErrForbidden.
func (e *BlockedError) Unwrap() error { return fault.ErrForbidden }

// AsBlocked returns the BlockedError in err's chain.
func AsBlocked(err error) (*BlockedError, bool) {
	var b *BlockedError
	ok := errors.As(err, &b)
	return b, ok
}

// MaxBlockReason is the longest reason, in characters, a block keeps.
const MaxBlockReason = 500

// ErrNotBlocked and ErrAlreadyBlocked refuse an unblock of an account that
// is not blocked and a block of one that is; both wrap fault.ErrConflict.
var (
	ErrNotBlocked     = fmt.Errorf("the account is not blocked: %w", fault.ErrConflict)
	ErrAlreadyBlocked = fmt.Errorf("the account is blocked already: %w", fault.ErrConflict)
)

// cleanReason trims a staff reason and checks it: required, at most
// MaxBlockReason characters, no control characters but line breaks.
func cleanReason(v *fault.Invalid, reason string) string {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		v.Add("reason", "is required")
	case utf8.RuneCountInString(reason) > MaxBlockReason:
		v.Add("reason", fmt.Sprintf("must be at most %d characters", MaxBlockReason))
	case strings.IndexFunc(reason, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' }) >= 0:
		v.Add("reason", "must not contain control characters")
	}
	return reason
}

// Block stops customer userID from signing in (password, social, API
// tokens) and from placing orders, for reason, which they are told. Their
// sessions and API tokens end at once. It records "user.blocked" for by in
// the audit log in the same transaction. Staff accounts are not blocked
// here (fault.ErrForbidden: take their role instead). It returns
// *fault.Invalid for a bad reason, ErrAlreadyBlocked, or fault.ErrNotFound.
func (s *Service) Block(ctx context.Context, by audit.Actor, userID int64, reason string) error {
	v := &fault.Invalid{}
	reason = cleanReason(v, reason)
	if err := v.Err(); err != nil {
		return err
	}
	now := s.now().UTC()
	err := s.d.InTx(ctx, func(q db.Querier) error {
		u, err := s.userWhere(ctx, q, `id = ? AND deleted_at IS NULL`, userID)
		if err != nil {
			return err
		}
		if u.Role.IsStaff() {
			return fmt.Errorf("a staff account is not blocked: %w", fault.ErrForbidden)
		}
		res, err := q.ExecContext(ctx, q.Rebind(`UPDATE users SET blocked_at = ?, blocked_reason = ?,
			session_version = session_version + 1, updated_at = ? WHERE id = ? AND blocked_at IS NULL`), now, reason, now, userID)
		if err != nil {
			return fmt.Errorf("block user %d: %w", userID, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("block user %d: %w", userID, err)
		} else if n == 0 {
			return ErrAlreadyBlocked
		}
		if err := s.endSessions(ctx, q, userID); err != nil {
			return err
		}
		return s.opt.Audit.Record(ctx, q, by.Entry("user.blocked", "user", strconv.FormatInt(userID, 10),
			map[string]any{"email": u.Email, "reason": reason}))
	})
	if err != nil {
		return fmt.Errorf("block user %d: %w", userID, err)
	}
	s.log.InfoContext(ctx, "customer blocked", "user_id", userID, "actor_id", by.UserID)
	return nil
}

// Unblock lets customer userID sign in and order again; reason says why
// (for the audit log, "user.unblocked", written in the same transaction).
// It returns *fault.Invalid for a bad reason, ErrNotBlocked, or
// fault.ErrNotFound.
func (s *Service) Unblock(ctx context.Context, by audit.Actor, userID int64, reason string) error {
	v := &fault.Invalid{}
	reason = cleanReason(v, reason)
	if err := v.Err(); err != nil {
		return err
	}
	now := s.now().UTC()
	err := s.d.InTx(ctx, func(q db.Querier) error {
		u, err := s.userWhere(ctx, q, `id = ? AND deleted_at IS NULL`, userID)
		if err != nil {
			return err
		}
		res, err := q.ExecContext(ctx, q.Rebind(`UPDATE users SET blocked_at = NULL, blocked_reason = '', updated_at = ?
			WHERE id = ? AND blocked_at IS NOT NULL`), now, userID)
		if err != nil {
			return fmt.Errorf("unblock user %d: %w", userID, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("unblock user %d: %w", userID, err)
		} else if n == 0 {
			return ErrNotBlocked
		}
		return s.opt.Audit.Record(ctx, q, by.Entry("user.unblocked", "user", strconv.FormatInt(userID, 10),
			map[string]any{"email": u.Email, "reason": reason, "blocked_reason": u.BlockedReason}))
	})
	if err != nil {
		return fmt.Errorf("unblock user %d: %w", userID, err)
	}
	s.log.InfoContext(ctx, "customer unblocked", "user_id", userID, "actor_id", by.UserID)
	return nil
}

// Standing returns a *BlockedError when customer userID is blocked, read on
// q (the transaction of the order being placed), and nil otherwise; a user
// who is gone is fault.ErrNotFound. checkout.Customers is this method.
func (s *Service) Standing(ctx context.Context, q db.Querier, userID int64) error {
	u, err := s.userWhere(ctx, q, `id = ? AND deleted_at IS NULL`, userID)
	if err != nil {
		return fmt.Errorf("standing of user %d: %w", userID, err)
	}
	if !u.BlockedAt.IsZero() {
		return &BlockedError{UserID: u.ID, Reason: u.BlockedReason}
	}
	return nil
}

// The ways of signing in a LoginEvent records.
const (
	LoginPassword = "password"
	LoginSocial   = "social"
)

// LoginEvent is one sign-in attempt of an account: when, how, from where,
// and whether it succeeded.
type LoginEvent struct {
	ID        int64
	UserID    int64
	Method    string
	Success   bool
	IP        string
	UserAgent string
	CreatedAt time.Time
}

// KeepLoginEvents is how long sign-in attempts are kept; PruneLoginEvents
// deletes older ones.
const KeepLoginEvents = 365 * 24 * time.Hour

// maxUserAgent bounds the stored user agent.
const maxUserAgent = 300

// RecordLogin stores a sign-in attempt of userID, and for a successful one
// the account's last sign-in. It is called for sign-ins that do not go
// through Login (social sign-in) too; a failure is logged, never
// returned: the sign-in's answer must not change.
func (s *Service) RecordLogin(ctx context.Context, userID int64, method string, success bool, ip, userAgent string) {
	if userID == 0 {
		return
	}
	if utf8.RuneCountInString(userAgent) > maxUserAgent {
		userAgent = string([]rune(userAgent)[:maxUserAgent])
	}
	userAgent = strings.ToValidUTF8(userAgent, "")
	if len(ip) > 64 {
		ip = ip[:64]
	}
	now := s.now().UTC()
	q := s.d.Write()
	if _, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO login_events (user_id, method, success, ip, user_agent, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`), userID, method, success, ip, userAgent, now, now); err != nil {
		s.log.WarnContext(ctx, "record sign-in", "user_id", userID, "err", err)
	}
	if success {
		// A sign-in of any kind starts the dormancy period again.
		if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE users SET last_login_at = ? WHERE id = ?`), now, userID); err != nil {
			s.log.WarnContext(ctx, "record sign-in", "user_id", userID, "err", err)
		}
	}
}

// LoginEvents returns the latest limit sign-in attempts of userID, newest
// first.
func (s *Service) LoginEvents(ctx context.Context, userID int64, limit int) ([]LoginEvent, error) {
	var rows []struct {
		ID        int64     `db:"id"`
		UserID    int64     `db:"user_id"`
		Method    string    `db:"method"`
		Success   bool      `db:"success"`
		IP        string    `db:"ip"`
		UserAgent string    `db:"user_agent"`
		CreatedAt time.Time `db:"created_at"`
	}
	q := s.d.Read()
	if err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT id, user_id, method, success, ip, user_agent, created_at
		FROM login_events WHERE user_id = ? ORDER BY id DESC LIMIT ?`), userID, limit); err != nil {
		return nil, fmt.Errorf("sign-ins of user %d: %w", userID, err)
	}
	out := make([]LoginEvent, len(rows))
	for i, r := range rows {
		out[i] = LoginEvent{ID: r.ID, UserID: r.UserID, Method: r.Method, Success: r.Success, IP: r.IP,
			UserAgent: r.UserAgent, CreatedAt: r.CreatedAt.UTC()}
	}
	return out, nil
}

// PruneLoginEvents deletes sign-in attempts older than KeepLoginEvents and
// returns how many; the hourly prune job calls it.
func (s *Service) PruneLoginEvents(ctx context.Context) (int64, error) {
	q := s.d.Write()
	res, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM login_events WHERE created_at < ?`), s.now().UTC().Add(-KeepLoginEvents))
	if err != nil {
		return 0, fmt.Errorf("prune sign-ins: %w", err)
	}
	return res.RowsAffected()
}

// The consents a ConsentEvent records.
const (
	ConsentTerms     = "terms"     // the terms of use, at sign-up
	ConsentPrivacy   = "privacy"   // the privacy policy, at sign-up
	ConsentMarketing = "marketing" // marketing mail
)

// ConsentEvent is one change of a consent: given or withdrawn, and when;
// for the terms and the privacy policy, the version agreed to (0 when the
// shop had published none).
type ConsentEvent struct {
	Kind      string
	Given     bool
	Version   int64
	CreatedAt time.Time
}

// consentChange is one consent recordConsents writes.
type consentChange struct {
	kind    string
	given   bool
	version int64 // 0 for marketing
}

// recordConsents appends the consent changes of userID on q, in one
// statement: sign-up records three.
func recordConsents(ctx context.Context, q db.Querier, userID int64, now time.Time, cs ...consentChange) error {
	if len(cs) == 0 {
		return nil
	}
	rows := make([]string, len(cs))
	args := make([]any, 0, 6*len(cs))
	for i, c := range cs {
		rows[i] = "(?, ?, ?, ?, ?, ?)"
		args = append(args, userID, c.kind, c.given, c.version, now, now)
	}
	if _, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO consent_events (user_id, kind, given, version, created_at, updated_at)
		VALUES `+strings.Join(rows, ", ")), args...); err != nil {
		return fmt.Errorf("record consents of user %d: %w", userID, err)
	}
	return nil
}

// Consents returns the consent history of userID, newest first.
func (s *Service) Consents(ctx context.Context, userID int64) ([]ConsentEvent, error) {
	var rows []struct {
		Kind      string    `db:"kind"`
		Given     bool      `db:"given"`
		Version   int64     `db:"version"`
		CreatedAt time.Time `db:"created_at"`
	}
	q := s.d.Read()
	if err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT kind, given, version, created_at FROM consent_events
		WHERE user_id = ? ORDER BY id DESC LIMIT 100`), userID); err != nil {
		return nil, fmt.Errorf("consents of user %d: %w", userID, err)
	}
	out := make([]ConsentEvent, len(rows))
	for i, r := range rows {
		out[i] = ConsentEvent{Kind: r.Kind, Given: r.Given, Version: r.Version, CreatedAt: r.CreatedAt.UTC()}
	}
	return out, nil
}
