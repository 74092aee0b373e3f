package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/notify"
)

// RequestPasswordReset mails a one-time reset link when email belongs to an
// account, and does nothing otherwise: the caller shows the same answer
// either way, so the form does not reveal who has an account.
func (s *Service) RequestPasswordReset(ctx context.Context, email string) error {
	email = NormalizeEmail(email)
	v := &fault.Invalid{}
	checkEmail(v, email)
	if err := v.Err(); err != nil {
		return err
	}
	now := s.now().UTC()
	err := s.d.InTx(ctx, func(q db.Querier) error {
		u, err := s.userWhere(ctx, q, `email = ? AND deleted_at IS NULL`, email)
		if errors.Is(err, fault.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		token, err := newLinkToken(ctx, q, u.ID, purposeReset, now, s.opt.ResetTTL)
		if err != nil {
			return err
		}
		return s.mail(ctx, q, email, notify.ResetPassword, notify.LinkData{Name: u.Name, URL: s.link(ResetPath, token), Hours: hours(s.opt.ResetTTL)})
	})
	if err != nil {
		return fmt.Errorf("request password reset: %w", err)
	}
	return nil
}

// CheckResetLink reports whether a reset link would still work, so the page
// can say so before the visitor types a new password. It changes nothing.
func (s *Service) CheckResetLink(ctx context.Context, token string) error {
	// A transaction that rolls back: useLinkToken's checks without its
	// effect.
	errLooked := errors.New("looked")
	err := s.d.InTx(ctx, func(q db.Querier) error {
		if _, err := useLinkToken(ctx, q, token, purposeReset, s.now().UTC()); err != nil {
			return err
		}
		return errLooked
	})
	if errors.Is(err, errLooked) {
		return nil
	}
	return err
}

// ResetPassword opens a reset link and sets password. Opening the link
// proves the mailbox, so an account that never verified becomes active, and
// a lock from failed logins ends. Every session and API token of the user
// ends. It returns the user, a *fault.Invalid for a weak password (the link
// stays usable), or one of the ErrLink errors.
func (s *Service) ResetPassword(ctx context.Context, token, password string) (User, error) {
	now := s.now().UTC()
	// Hash before the transaction: it takes 50 ms that the SQLite writer
	// should not wait through.
	hash, err := s.hashPassword(ctx, password)
	if err != nil {
		return User{}, fmt.Errorf("reset password: %w", err)
	}
	var u User
	err = s.d.InTx(ctx, func(q db.Querier) error {
		id, err := useLinkToken(ctx, q, token, purposeReset, now)
		if err != nil {
			return err
		}
		row, err := s.userWhere(ctx, q, `id = ? AND deleted_at IS NULL`, id)
		if errors.Is(err, fault.ErrNotFound) {
			return ErrLinkUnknown
		} else if err != nil {
			return err
		}
		v := &fault.Invalid{}
		checkPassword(v, "password", password, row.Email)
		if err := v.Err(); err != nil {
			return err
		}
		if err := s.setPassword(ctx, q, id, hash, now); err != nil {
			return err
		}
		if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE users SET active = TRUE, email_verified_at = COALESCE(email_verified_at, ?) WHERE id = ?`), now, id); err != nil {
			return fmt.Errorf("activate user %d: %w", id, err)
		}
		row, err = s.userWhere(ctx, q, `id = ?`, id)
		u = row.User
		return err
	})
	if err != nil {
		return User{}, fmt.Errorf("reset password: %w", err)
	}
	s.unlock(ctx, u.Email)
	s.log.InfoContext(ctx, "password reset", "user_id", u.ID)
	return u, nil
}

// ChangePassword replaces the password of a signed-in user after checking
// the current one (an account made by social login has none and sets its
// first without). Every session and API token ends; the caller renews its
// own session with the returned user's SessionVersion.
func (s *Service) ChangePassword(ctx context.Context, userID int64, current, password string) (User, error) {
	now := s.now().UTC()
	hash, err := s.hashPassword(ctx, password)
	if err != nil {
		return User{}, fmt.Errorf("change password: %w", err)
	}
	var u User
	err = s.d.InTx(ctx, func(q db.Querier) error {
		row, err := s.userWhere(ctx, q, `id = ? AND deleted_at IS NULL AND active = TRUE`, userID)
		if err != nil {
			return err
		}
		v := &fault.Invalid{}
		if row.hash != "" {
			if ok, err := s.checkPassword(ctx, row.hash, current); err != nil {
				return err
			} else if !ok {
				v.Add("current_password", "is not your current password")
			}
		}
		checkPassword(v, "password", password, row.Email)
		if v.Fields["password"] == "" && current == password && row.hash != "" {
			v.Add("password", "must differ from the current password")
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := s.setPassword(ctx, q, userID, hash, now); err != nil {
			return err
		}
		row, err = s.userWhere(ctx, q, `id = ?`, userID)
		u = row.User
		return err
	})
	if err != nil {
		return User{}, fmt.Errorf("change password: %w", err)
	}
	s.log.InfoContext(ctx, "password changed", "user_id", u.ID)
	return u, nil
}

// setPassword stores a new hash, ends every session (the version moves on)
// and ends the user's API tokens, all through q.
func (s *Service) setPassword(ctx context.Context, q db.Querier, userID int64, hash string, now time.Time) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE users SET password_hash = ?, session_version = session_version + 1, updated_at = ?
		WHERE id = ?`), hash, now, userID); err != nil {
		return fmt.Errorf("store password: %w", err)
	}
	return s.endSessions(ctx, q, userID)
}

func (s *Service) endSessions(ctx context.Context, q db.Querier, userID int64) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM sessions WHERE user_id = ?`), userID); err != nil {
		return fmt.Errorf("end sessions: %w", err)
	}
	if err := s.opt.Tokens.RevokeUser(ctx, q, userID); err != nil {
		return fmt.Errorf("end api tokens: %w", err)
	}
	return nil
}

// Profile is the editable part of an account.
type Profile struct {
	Name             string
	Phone            string
	MarketingConsent bool
	// Birthday replaces the one given; zero removes it.
	Birthday Birthday
}

// UpdateProfile saves name, phone, birthday and marketing consent. A
// birthday that is not a real date is a *fault.Invalid under "birthday". Consent keeps the
// time it was first given while it stays given, and is cleared when
// withdrawn; a change is added to the consent history (Consents).
func (s *Service) UpdateProfile(ctx context.Context, userID int64, p Profile) (User, error) {
	p.Name = strings.TrimSpace(p.Name)
	v := &fault.Invalid{}
	checkName(v, p.Name, true)
	checkPhone(v, &p.Phone, true)
	now := s.now().UTC()
	checkBirthday(v, p.Birthday, now)
	if err := v.Err(); err != nil {
		return User{}, err
	}
	var u User
	err := s.d.InTx(ctx, func(q db.Querier) error {
		before, err := s.userWhere(ctx, q, `id = ? AND deleted_at IS NULL`, userID)
		if err != nil {
			return err
		}
		if had := !before.MarketingConsentAt.IsZero(); had != p.MarketingConsent {
			if err := recordConsents(ctx, q, userID, now, consentChange{ConsentMarketing, p.MarketingConsent, 0}); err != nil {
				return err
			}
		}
		var consent any
		if p.MarketingConsent {
			consent = now
		}
		res, err := q.ExecContext(ctx, q.Rebind(`UPDATE users SET name = ?,
			marketing_consent_at = CASE WHEN ? THEN COALESCE(marketing_consent_at, ?) ELSE NULL END, updated_at = ?
			WHERE id = ? AND deleted_at IS NULL`), p.Name, p.MarketingConsent, consent, now, userID)
		if err != nil {
			return fmt.Errorf("update profile: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("update profile: %w", err)
		} else if n == 0 {
			return fault.ErrNotFound
		}
		if err := s.setPhone(ctx, q, userID, p.Phone, now); err != nil {
			return err
		}
		if err := s.setBirthday(ctx, q, userID, p.Birthday, now); err != nil {
			return err
		}
		row, err := s.userWhere(ctx, q, `id = ?`, userID)
		u = row.User
		return err
	})
	if err != nil {
		return User{}, fmt.Errorf("update profile: %w", err)
	}
	return u, nil
}

// Delete closes an account after checking its password (an account without
// one, made by social login, confirms by typing its email address instead).
// The row stays, soft-deleted, so orders keep their customer; the personal
// data goes: email, name, phone, password and consent are cleared or
// replaced, the outbox copies of mail to the address are blanked, sessions
// and tokens end, and the address book and social identities are deleted,
// in the same transaction.
func (s *Service) Delete(ctx context.Context, userID int64, confirm string) error {
	now := s.now().UTC()
	err := s.d.InTx(ctx, func(q db.Querier) error {
		row, err := s.userWhere(ctx, q, `id = ? AND deleted_at IS NULL`, userID)
		if err != nil {
			return err
		}
		if row.Role.IsStaff() {
			return fmt.Errorf("a staff account is closed by a superuser: %w", fault.ErrForbidden)
		}
		ok := false
		if row.hash != "" {
			if ok, err = s.checkPassword(ctx, row.hash, confirm); err != nil {
				return err
			}
		} else {
			ok = NormalizeEmail(confirm) == row.Email
		}
		if !ok {
			return &fault.Invalid{Fields: map[string]string{"confirm": "does not match; type your current password"}}
		}
		gone := fmt.Sprintf("deleted-%d@deleted.invalid", userID)
		if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE users SET email = ?, name = '', phone_enc = '', password_hash = '',
			birth_month = NULL, birth_day = NULL, birth_year_enc = '', marketing_consent_at = NULL, permissions = '', active = FALSE, session_version = session_version + 1,
			deleted_at = ?, updated_at = ? WHERE id = ?`), gone, now, now, userID); err != nil {
			return fmt.Errorf("anonymise user: %w", err)
		}
		if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE outbox SET to_address = ?, text_body = '', html_body = '', updated_at = ? WHERE to_address = ?`),
			gone, now, row.Email); err != nil {
			return fmt.Errorf("anonymise outbox: %w", err)
		}
		if _, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM account_tokens WHERE user_id = ?`), userID); err != nil {
			return fmt.Errorf("delete links: %w", err)
		}
		if _, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM dormant_accounts WHERE user_id = ?`), userID); err != nil {
			return fmt.Errorf("delete set-apart data: %w", err)
		}
		if err := s.endSessions(ctx, q, userID); err != nil {
			return err
		}
		if err := s.opt.Addresses.DeleteAllForUser(ctx, q, userID); err != nil {
			return fmt.Errorf("delete addresses: %w", err)
		}
		if err := s.opt.Identities.DeleteAllForUser(ctx, q, userID); err != nil {
			return fmt.Errorf("delete social identities: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete account: %w", err)
	}
	s.log.InfoContext(ctx, "account deleted", "user_id", userID)
	return nil
}
