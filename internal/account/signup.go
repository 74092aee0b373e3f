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

// SignUp is the sign-up form.
type SignUp struct {
	Email            string
	Password         string
	Name             string
	Phone            string   // any common Korean or international format
	MarketingConsent bool     // optional: recorded with its time when given
	AgreeTerms       bool     // the terms of use and the privacy notice; required
	Birthday         Birthday // optional; zero when not given
	// TermsVersion and PrivacyVersion are the versions of the terms of use
	// and the privacy policy the customer agreed to, recorded with the
	// consent; 0 for none published. Left 0, the versions in force are
	// asked of Options.Legal.
	TermsVersion, PrivacyVersion int64
}

// SignUp creates an inactive customer account and emails the one-time link
// that activates it. It returns a *fault.Invalid naming each bad field and
// stores nothing then.
//
// The answer does not tell whether the address already had an account: for
// an active account the owner is mailed a notice with a reset link instead,
// and an account whose link was never opened takes the new details and a
// new link (whoever controls the mailbox owns the account, so nobody can
// claim an address in advance).
func (s *Service) SignUp(ctx context.Context, in SignUp) error {
	in.Email = NormalizeEmail(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	v := &fault.Invalid{}
	checkEmail(v, in.Email)
	checkPassword(v, "password", in.Password, in.Email)
	checkName(v, in.Name, true)
	checkPhone(v, &in.Phone, true)
	checkBirthday(v, in.Birthday, s.now())
	if !in.AgreeTerms {
		v.Add("terms", "must be accepted to sign up")
	}
	if in.TermsVersion < 0 || in.PrivacyVersion < 0 {
		v.Add("terms", "names no version")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if s.opt.Legal != nil && in.TermsVersion == 0 && in.PrivacyVersion == 0 {
		var err error
		if in.TermsVersion, in.PrivacyVersion, err = s.opt.Legal.LegalInForce(ctx); err != nil {
			return fmt.Errorf("sign up: %w", err)
		}
	}
	hash, err := s.hashPassword(ctx, in.Password)
	if err != nil {
		return fmt.Errorf("sign up: %w", err)
	}
	now := s.now().UTC()
	var consent any
	if in.MarketingConsent {
		consent = now
	}
	var (
		userID int64
		exists bool
	)
	// The link's mail is sent in the transaction that stores the link: both
	// commit, or neither.
	err = s.d.InTx(ctx, func(q db.Querier) error {
		old, err := s.userWhere(ctx, q, `email = ? AND deleted_at IS NULL`, in.Email)
		switch {
		case err == nil && (old.Active || !old.EmailVerifiedAt.IsZero()):
			exists, userID = true, old.ID
			token, err := newLinkToken(ctx, q, userID, purposeReset, now, s.opt.ResetTTL)
			if err != nil {
				return err
			}
			return s.mail(ctx, q, in.Email, notify.AccountExists, notify.LinkData{Name: old.Name, URL: s.link(ResetPath, token), Hours: hours(s.opt.ResetTTL)})
		case err == nil:
			userID = old.ID
			if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE users SET name = ?, password_hash = ?, marketing_consent_at = ?,
				session_version = session_version + 1, updated_at = ? WHERE id = ?`), in.Name, hash, consent, now, userID); err != nil {
				return fmt.Errorf("update unverified user: %w", err)
			}
		case errors.Is(err, fault.ErrNotFound):
			if err := q.GetContext(ctx, &userID, q.Rebind(`INSERT INTO users (email, name, password_hash, role, active, marketing_consent_at, created_at, updated_at)
				VALUES (?, ?, ?, ?, FALSE, ?, ?, ?) RETURNING id`), in.Email, in.Name, hash, Customer, consent, now, now); err != nil {
				return fmt.Errorf("insert user: %w", err)
			}
		default:
			return err
		}
		if err := s.setPhone(ctx, q, userID, in.Phone, now); err != nil {
			return err
		}
		if err := s.setBirthday(ctx, q, userID, in.Birthday, now); err != nil {
			return err
		}
		// The versions in force are recorded with the consents; a
		// privacy policy the shop never published is no consent to keep.
		consents := []consentChange{{ConsentTerms, true, in.TermsVersion}}
		if in.PrivacyVersion > 0 {
			consents = append(consents, consentChange{ConsentPrivacy, true, in.PrivacyVersion})
		}
		consents = append(consents, consentChange{ConsentMarketing, in.MarketingConsent, 0})
		if err := recordConsents(ctx, q, userID, now, consents...); err != nil {
			return err
		}
		token, err := newLinkToken(ctx, q, userID, purposeVerify, now, s.opt.VerifyTTL)
		if err != nil {
			return err
		}
		return s.mail(ctx, q, in.Email, notify.VerifyEmail, notify.LinkData{Name: in.Name, URL: s.link(VerifyPath, token), Hours: hours(s.opt.VerifyTTL)})
	})
	if err != nil {
		if s.d.Dialect.IsUniqueViolation(err) {
			// The same address signed up twice at once; the first one won
			// and sent its link (this one's mail rolled back with it).
			return nil
		}
		return fmt.Errorf("sign up: %w", err)
	}
	if exists {
		s.log.InfoContext(ctx, "sign-up with an existing address", "user_id", userID)
		return nil
	}
	s.log.InfoContext(ctx, "signed up", "user_id", userID)
	return nil
}

// setPhone stores phone (E.164 or "") encrypted for userID.
func (s *Service) setPhone(ctx context.Context, q db.Querier, userID int64, phone string, now time.Time) error {
	enc := ""
	if phone != "" {
		var err error
		if enc, err = phoneColumn.Encrypt(s.opt.Keyring, userID, phone); err != nil {
			return fmt.Errorf("encrypt phone: %w", err)
		}
	}
	if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE users SET phone_enc = ?, updated_at = ? WHERE id = ?`), enc, now, userID); err != nil {
		return fmt.Errorf("store phone: %w", err)
	}
	return nil
}

// Verify opens an email verification link: the account becomes active and
// its address verified, and a dormant account wakes (OpenLink). It returns
// the user, or ErrLinkUnknown, ErrLinkUsed or ErrLinkExpired.
func (s *Service) Verify(ctx context.Context, token string) (User, error) {
	u, _, err := s.OpenLink(ctx, token)
	return u, err
}

// OpenLink opens an email verification link, as Verify, and tells whether
// it woke a dormant account: its set-apart data is back on the live rows
// and it may sign in again, all in the link's transaction.
func (s *Service) OpenLink(ctx context.Context, token string) (User, bool, error) {
	now := s.now().UTC()
	var (
		u    User
		woke bool
	)
	err := s.d.InTx(ctx, func(q db.Querier) error {
		id, err := useLinkToken(ctx, q, token, purposeVerify, now)
		if err != nil {
			return err
		}
		if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE users SET active = TRUE, email_verified_at = COALESCE(email_verified_at, ?), updated_at = ?
			WHERE id = ? AND deleted_at IS NULL`), now, now, id); err != nil {
			return fmt.Errorf("activate user %d: %w", id, err)
		}
		row, err := s.userWhere(ctx, q, `id = ? AND deleted_at IS NULL`, id)
		if errors.Is(err, fault.ErrNotFound) {
			return ErrLinkUnknown
		}
		if err != nil {
			return err
		}
		if !row.DormantAt.IsZero() {
			if err := s.wake(ctx, q, row.User, now); err != nil {
				return err
			}
			woke = true
			if row, err = s.userWhere(ctx, q, `id = ?`, id); err != nil {
				return err
			}
		}
		u = row.User
		return nil
	})
	if err != nil {
		return User{}, false, fmt.Errorf("verify email: %w", err)
	}
	if woke {
		s.log.InfoContext(ctx, "dormant account woken", "user_id", u.ID)
	} else {
		s.log.InfoContext(ctx, "email verified", "user_id", u.ID)
	}
	return u, woke, nil
}

// ResendVerification sends a new verification link to email when it
// belongs to an account that has not opened one yet, and does nothing
// otherwise: the caller shows the same answer either way.
func (s *Service) ResendVerification(ctx context.Context, email string) error {
	email = NormalizeEmail(email)
	v := &fault.Invalid{}
	checkEmail(v, email)
	if err := v.Err(); err != nil {
		return err
	}
	now := s.now().UTC()
	return s.d.InTx(ctx, func(q db.Querier) error {
		u, err := s.userWhere(ctx, q, `email = ? AND deleted_at IS NULL`, email)
		if errors.Is(err, fault.ErrNotFound) || (err == nil && (u.Active || !u.EmailVerifiedAt.IsZero())) {
			return nil
		}
		if err != nil {
			return err
		}
		token, err := newLinkToken(ctx, q, u.ID, purposeVerify, now, s.opt.VerifyTTL)
		if err != nil {
			return err
		}
		return s.mail(ctx, q, email, notify.VerifyEmail, notify.LinkData{Name: u.Name, URL: s.link(VerifyPath, token), Hours: hours(s.opt.VerifyTTL)})
	})
}
