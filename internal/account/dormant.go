package account

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/notify"
)

// This file holds dormant accounts (휴면 계정): a customer who has not
// signed in for the shop's period goes dormant — the name, the phone
// number and the address book are set apart, encrypted, in
// dormant_accounts, blanked on the live rows, and the account is locked —
// and comes back by signing in and opening the emailed link. The schedule
// (notice 30 days ahead, then MakeDormant) is internal/automation's. See
// docs/decisions/0069-dormant-accounts.md.

// DormantError means the account is dormant: the password was right, but
// the account gives no session until its owner opens the link Login mailed
// them. It wraps fault.ErrForbidden.
type DormantError struct {
	UserID int64
	Since  time.Time
}

func (e *DormantError) Error() string {
	return fmt.Sprintf("user %d is dormant: %v", e.UserID, fault.ErrForbidden)
}

// Unwrap makes a DormantError a fault.ErrForbidden.
func (e *DormantError) Unwrap() error { return fault.ErrForbidden }

// AsDormant returns the DormantError in err's chain.
func AsDormant(err error) (*DormantError, bool) {
	var d *DormantError
	ok := errors.As(err, &d)
	return d, ok
}

// PersonalData sets apart, in the caller's transaction, the personal data
// another capability keeps of a customer going dormant (blanking it on its
// live rows and returning it in clear, for the dormant record) and gives it
// back when they wake; *address.Service implements it.
type PersonalData interface {
	SetApart(ctx context.Context, q db.Querier, userID int64) (json.RawMessage, error)
	GiveBack(ctx context.Context, q db.Querier, userID int64, data json.RawMessage) error
}

// dormantColumn holds a dormant account's set-apart data, bound to its
// user.
var dormantColumn = crypt.Column{Table: "dormant_accounts", IDColumn: "user_id", Column: "data_enc"}

// dormantRecord is what dormant_accounts.data_enc holds, encrypted as one
// value.
type dormantRecord struct {
	Name      string          `json:"name,omitempty"`
	Phone     string          `json:"phone,omitempty"`
	Birthday  string          `json:"birthday,omitempty"` // as Birthday.String writes it
	Addresses json.RawMessage `json:"addresses,omitempty"`
}

// MakeDormant makes customer userID dormant when they have not signed in
// (nor signed up) since inactiveSince: in one transaction it sets their
// name, phone number and addresses apart, encrypted, in dormant_accounts,
// blanks them on the live rows, locks the account (its sessions and API
// tokens end) and records "user.dormant" for the system in the audit log.
// It reports false, changing nothing, for anyone else: a staff member or
// seller, an account not active, deleted, dormant already, or one that
// signed in meanwhile — so two runs at once make an account dormant once.
func (s *Service) MakeDormant(ctx context.Context, userID int64, inactiveSince time.Time) (bool, error) {
	now := s.now().UTC()
	done := false
	err := s.d.InTx(ctx, func(q db.Querier) error {
		// The conditional update takes the row first: a second run waits
		// here and then finds the account dormant already.
		res, err := q.ExecContext(ctx, q.Rebind(`UPDATE users SET dormant_at = ?, session_version = session_version + 1, updated_at = ?
			WHERE id = ? AND role = ? AND active = TRUE AND deleted_at IS NULL AND dormant_at IS NULL
				AND COALESCE(last_login_at, created_at) <= ?`), now, now, userID, Customer, inactiveSince.UTC())
		if err != nil {
			return fmt.Errorf("lock user %d: %w", userID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		u, err := s.userWhere(ctx, q, `id = ?`, userID)
		if err != nil {
			return err
		}
		addrs, err := s.opt.Dormant.SetApart(ctx, q, userID)
		if err != nil {
			return fmt.Errorf("set apart the addresses of user %d: %w", userID, err)
		}
		plain, err := json.Marshal(dormantRecord{Name: u.Name, Phone: u.Phone, Birthday: u.Birthday.String(), Addresses: addrs})
		if err != nil {
			return err
		}
		enc, err := dormantColumn.Encrypt(s.opt.Keyring, userID, string(plain))
		if err != nil {
			return err
		}
		lastActive := u.LastLoginAt
		if lastActive.IsZero() {
			lastActive = u.CreatedAt
		}
		if _, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO dormant_accounts (user_id, data_enc, last_active_at, created_at)
			VALUES (?, ?, ?, ?)`), userID, enc, lastActive, now); err != nil {
			return fmt.Errorf("set apart user %d: %w", userID, err)
		}
		if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE users SET name = '', phone_enc = '', birth_month = NULL, birth_day = NULL, birth_year_enc = '' WHERE id = ?`), userID); err != nil {
			return fmt.Errorf("blank user %d: %w", userID, err)
		}
		if err := s.endSessions(ctx, q, userID); err != nil {
			return err
		}
		done = true
		return s.opt.Audit.Record(ctx, q, audit.Actor{}.Entry("user.dormant", "user", strconv.FormatInt(userID, 10),
			map[string]any{"email": u.Email, "last_active_at": lastActive.Format(time.RFC3339)}))
	})
	if err != nil {
		return false, fmt.Errorf("make user %d dormant: %w", userID, err)
	}
	if done {
		s.log.InfoContext(ctx, "account made dormant", "user_id", userID)
	}
	return done, nil
}

// wake brings dormant account u back on q (the transaction of the link
// that proves its owner): the set-apart data is decrypted and written to
// the live rows again, the dormant record deleted, the account unlocked and
// counted as signed in now (so a new period starts), and "user.restored"
// recorded for the customer.
func (s *Service) wake(ctx context.Context, q db.Querier, u User, now time.Time) error {
	var enc string
	err := q.GetContext(ctx, &enc, q.Rebind(`SELECT data_enc FROM dormant_accounts WHERE user_id = ?`), u.ID)
	var rec dormantRecord
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// Nothing was set apart (the record went with a key rotation gone
		// wrong, say): the account is unlocked with what it has.
		s.log.WarnContext(ctx, "dormant account without its record", "user_id", u.ID)
	case err != nil:
		return fmt.Errorf("read dormant user %d: %w", u.ID, err)
	default:
		plain, err := dormantColumn.Decrypt(s.opt.Keyring, u.ID, enc)
		if err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(plain), &rec); err != nil {
			return fmt.Errorf("read dormant user %d: %w", u.ID, err)
		}
	}
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE users SET name = ?, dormant_at = NULL, last_login_at = ?, updated_at = ?
		WHERE id = ? AND dormant_at IS NOT NULL`), rec.Name, now, now, u.ID)
	if err != nil {
		return fmt.Errorf("wake user %d: %w", u.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("wake user %d: %w", u.ID, err)
	} else if n == 0 {
		return nil // woken meanwhile
	}
	if err := s.setPhone(ctx, q, u.ID, rec.Phone, now); err != nil {
		return err
	}
	if rec.Birthday != "" {
		b, err := ParseBirthday(rec.Birthday)
		if err != nil {
			return fmt.Errorf("give back the birthday of user %d: %w", u.ID, err)
		}
		if err := s.setBirthday(ctx, q, u.ID, b, now); err != nil {
			return err
		}
	}
	if len(rec.Addresses) > 0 {
		if err := s.opt.Dormant.GiveBack(ctx, q, u.ID, rec.Addresses); err != nil {
			return fmt.Errorf("give back the addresses of user %d: %w", u.ID, err)
		}
	}
	if _, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM dormant_accounts WHERE user_id = ?`), u.ID); err != nil {
		return fmt.Errorf("wake user %d: %w", u.ID, err)
	}
	return s.opt.Audit.Record(ctx, q, audit.Actor{Email: u.Email}.Entry("user.restored", "user", strconv.FormatInt(u.ID, 10),
		map[string]any{"email": u.Email, "dormant_at": u.DormantAt.Format(time.RFC3339)}))
}

// SendWakeLink mails dormant customer userID the one-time link (an email
// verification link: opening it wakes the account) and does nothing for an
// account that is not dormant. The address limit bounds the mails one
// account can be sent: over it nothing is sent. Failures are logged, not
// returned: the sign-in's answer must not change.
func (s *Service) SendWakeLink(ctx context.Context, userID int64) {
	now := s.now().UTC()
	u, err := s.userWhere(ctx, s.d.Read(), `id = ? AND deleted_at IS NULL`, userID)
	if err != nil || u.DormantAt.IsZero() {
		if err != nil {
			s.log.WarnContext(ctx, "wake link not sent", "user_id", userID, "err", err)
		}
		return
	}
	// Counted before the transaction: the limiter writes on a connection
	// of its own.
	if d, err := s.opt.Limiter.Hit(ctx, LinkAddressLimit, u.Email); err != nil || !d.Allowed {
		if err != nil {
			s.log.WarnContext(ctx, "wake link not sent", "user_id", userID, "err", err)
		}
		return
	}
	err = s.d.InTx(ctx, func(q db.Querier) error {
		token, err := newLinkToken(ctx, q, u.ID, purposeVerify, now, s.opt.VerifyTTL)
		if err != nil {
			return err
		}
		return s.mail(ctx, q, u.Email, notify.AccountDormant, notify.LinkData{URL: s.link(VerifyPath, token), Hours: hours(s.opt.VerifyTTL)})
	})
	if err != nil {
		s.log.WarnContext(ctx, "wake link not sent", "user_id", userID, "err", err)
	}
}
