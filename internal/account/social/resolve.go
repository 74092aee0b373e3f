package social

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// resolveAttempts bounds the retries after a unique violation. One retry
// settles a race (the winner's rows are then visible); the third is slack.
const resolveAttempts = 3

// maxNameRunes matches the account capability's limit on names.
const maxNameRunes = 100

// Resolve signs in the user behind p, in one transaction:
//
//  1. If the identity is linked, its user — or fault.ErrForbidden when that
//     account is deleted or disabled.
//  2. Otherwise, without a verified address, ErrEmailRequired. An
//     unverified address is never used to find an account: anyone can type
//     someone else's address at a provider that does not check it.
//  3. If an account has the address and is active, not deleted and has a
//     verified address itself, the identity is linked to it (Linked). An
//     account whose own address was never verified gives ErrAccountExists
//     (whoever created it may not own the address); a deleted or disabled
//     one, fault.ErrForbidden.
//  4. Otherwise a new active customer with the verified address and no
//     password is created with the identity (Created).
//
// Two callbacks racing for the same new identity create one account: the
// loser hits a unique constraint, and Resolve tries again in a new
// transaction (on PostgreSQL a failed statement spoils its transaction),
// where it finds the winner's rows.
func (s *Service) Resolve(ctx context.Context, p Profile) (Result, error) {
	if _, err := s.provider(p.Provider); err != nil {
		return Result{}, err
	}
	if p.Subject == "" {
		return Result{}, fmt.Errorf("resolve %s sign-in: profile without a subject: %w", p.Provider, ErrRejected)
	}
	var err error
	for range resolveAttempts {
		var res Result
		res, err = s.resolveOnce(ctx, p)
		if err == nil || !s.d.Dialect.IsUniqueViolation(err) {
			return res, err
		}
	}
	return Result{}, fmt.Errorf("resolve %s sign-in: still conflicting after %d attempts: %w", p.Provider, resolveAttempts, err)
}

func (s *Service) resolveOnce(ctx context.Context, p Profile) (Result, error) {
	now := s.now().UTC()
	var res Result
	err := s.d.InTx(ctx, func(q db.Querier) error {
		o, err := identityOwner(ctx, q, p.Provider, p.Subject)
		switch {
		case err == nil:
			if err := usable(o); err != nil {
				return err
			}
			res = Result{UserID: o.UserID}
			return touchIdentity(ctx, q, o.IdentityID, now)
		case !errors.Is(err, fault.ErrNotFound):
			return err
		}
		email, ok := verifiedEmail(p)
		if !ok {
			return ErrEmailRequired
		}
		o, err = emailOwner(ctx, q, email)
		switch {
		case err == nil:
			if err := usable(o); err != nil {
				return err
			}
			if o.EmailVerifiedAt == nil {
				return ErrAccountExists
			}
			res = Result{UserID: o.UserID, Linked: true}
			return insertIdentity(ctx, q, o.UserID, p.Provider, p.Subject, email, now)
		case !errors.Is(err, fault.ErrNotFound):
			return err
		}
		id, err := insertCustomer(ctx, q, email, displayName(p.Name), now)
		if err != nil {
			return err
		}
		res = Result{UserID: id, Created: true}
		return insertIdentity(ctx, q, id, p.Provider, p.Subject, email, now)
	})
	if err != nil {
		return Result{}, fmt.Errorf("resolve %s sign-in: %w", p.Provider, err)
	}
	return res, nil
}

// usable refuses an account that may not sign in: deleted, disabled, or
// blocked by staff (its *account.BlockedError, which is
// fault.ErrForbidden too).
func usable(o owner) error {
	if o.DeletedAt != nil || !o.Active {
		return fmt.Errorf("user %d is deleted or disabled: %w", o.UserID, fault.ErrForbidden)
	}
	if o.BlockedAt != nil {
		return &account.BlockedError{UserID: o.UserID, Reason: o.BlockedReason}
	}
	return nil
}

// verifiedEmail is p's address, normalised as the account capability
// stores it (trimmed, lower-case), when the provider verified it and it is
// a plain address.
func verifiedEmail(p Profile) (string, bool) {
	if !p.EmailVerified {
		return "", false
	}
	email := strings.ToLower(strings.TrimSpace(p.Email))
	if email == "" || len(email) > 254 {
		return "", false
	}
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		return "", false
	}
	return email, true
}

// displayName trims name to what an account holds.
func displayName(name string) string {
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) <= maxNameRunes {
		return name
	}
	return strings.TrimSpace(string([]rune(name)[:maxNameRunes]))
}

// Link links the identity of p to the signed-in user userID, for "connect
// Kakao" on the account page; the provider's address does not matter here,
// as the user proved who they are by signing in. Linking the same identity
// again is a no-op. It returns fault.ErrConflict when the identity belongs
// to another user or the user already has another identity at that
// provider, and fault.ErrNotFound for an unknown user.
func (s *Service) Link(ctx context.Context, userID int64, p Profile) error {
	if _, err := s.provider(p.Provider); err != nil {
		return err
	}
	if p.Subject == "" {
		return fmt.Errorf("link %s identity: profile without a subject: %w", p.Provider, ErrRejected)
	}
	now := s.now().UTC()
	email := strings.ToLower(strings.TrimSpace(p.Email))
	err := s.d.InTx(ctx, func(q db.Querier) error {
		if _, err := lockUser(ctx, q, userID, now); err != nil {
			return err
		}
		return insertIdentity(ctx, q, userID, p.Provider, p.Subject, email, now)
	})
	if err == nil || !s.d.Dialect.IsUniqueViolation(err) {
		if err != nil {
			return fmt.Errorf("link %s identity to user %d: %w", p.Provider, userID, err)
		}
		return nil
	}
	// The transaction is over; see which constraint it was.
	o, lerr := identityOwner(ctx, s.d.Read(), p.Provider, p.Subject)
	switch {
	case lerr == nil && o.UserID == userID:
		return nil
	case lerr == nil:
		return fmt.Errorf("link %s identity to user %d: it belongs to another account: %w", p.Provider, userID, fault.ErrConflict)
	case errors.Is(lerr, fault.ErrNotFound):
		return fmt.Errorf("link %s identity to user %d: another %s account is already linked: %w", p.Provider, userID, p.Provider, fault.ErrConflict)
	default:
		return fmt.Errorf("link %s identity to user %d: %w", p.Provider, userID, lerr)
	}
}

// Identities lists the identities linked to userID, by provider name.
func (s *Service) Identities(ctx context.Context, userID int64) ([]Identity, error) {
	return identitiesOf(ctx, s.d.Read(), userID)
}

// Unlink removes userID's identity at provider. It returns
// fault.ErrNotFound when there is none, and fault.ErrConflict when it is the
// user's last way to sign in (no password and no other identity): the user
// sets a password first.
func (s *Service) Unlink(ctx context.Context, userID int64, provider string) error {
	now := s.now().UTC()
	err := s.d.InTx(ctx, func(q db.Querier) error {
		hash, err := lockUser(ctx, q, userID, now)
		if err != nil {
			return err
		}
		if hash == "" {
			ids, err := identitiesOf(ctx, q, userID)
			if err != nil {
				return err
			}
			others := 0
			for _, id := range ids {
				if id.Provider != provider {
					others++
				}
			}
			if others == 0 && len(ids) > 0 {
				return fmt.Errorf("it is the only way to sign in; set a password first: %w", fault.ErrConflict)
			}
		}
		ok, err := deleteIdentity(ctx, q, userID, provider)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("no %s identity: %w", provider, fault.ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("unlink %s from user %d: %w", provider, userID, err)
	}
	return nil
}

// DeleteAllForUser removes every identity of userID through q, for account
// deletion: a deleted account must not be reachable from a provider, and a
// new account may then take the identity. It is account.UserData.
func (s *Service) DeleteAllForUser(ctx context.Context, q db.Querier, userID int64) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM user_identities WHERE user_id = ?`), userID); err != nil {
		return fmt.Errorf("delete identities of user %d: %w", userID, err)
	}
	return nil
}
