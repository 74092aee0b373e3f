package account

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/account/twofactor"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/ratelimit"
)

// This file holds the staff second factor as the sign-in flows check it
// (the back office's login and the API's staff tokens), and the scopes of
// staff API tokens.

// SecondFactorLimit bounds wrong second-factor codes per staff member, so
// six digits cannot be guessed; a correct code clears the count. The back
// office's login and the API's token endpoint count against the same limit,
// so neither adds guesses to the other's.
var SecondFactorLimit = ratelimit.Limit{Name: "staff-code", Max: 5, Window: 15 * time.Minute}

// ErrNoSecondFactor means a staff member has not set up an authenticator
// app yet, which happens at their first back-office login. It wraps
// fault.ErrUnauthenticated.
var ErrNoSecondFactor = fmt.Errorf("no second factor set up: %w", fault.ErrUnauthenticated)

// secondFactorKey is the key of SecondFactorLimit for userID.
func secondFactorKey(userID int64) string { return "user:" + strconv.FormatInt(userID, 10) }

// CheckSecondFactor verifies code as userID's second factor — a TOTP code
// of their authenticator app or an unused recovery code — under
// SecondFactorLimit. It returns a *ratelimit.Error (ratelimit.ErrLimited)
// once the limit is reached, without looking at the code; an error wrapping
// fault.ErrUnauthenticated for a wrong, replayed or spent code, which it
// counts; ErrNoSecondFactor, not counted, when the user has no app. A
// correct code clears the count. Call it after the password was checked.
func (s *Service) CheckSecondFactor(ctx context.Context, userID int64, code string) error {
	key := secondFactorKey(userID)
	d, err := s.opt.Limiter.Check(ctx, SecondFactorLimit, key)
	if err != nil {
		return fmt.Errorf("check second factor of user %d: %w", userID, err)
	}
	if err := d.Err(); err != nil {
		return err
	}
	err = s.opt.SecondFactor.Verify(ctx, userID, code)
	if errors.Is(err, twofactor.ErrNotEnabled) {
		return fmt.Errorf("user %d: %w", userID, ErrNoSecondFactor)
	}
	if errors.Is(err, fault.ErrUnauthenticated) {
		s.log.WarnContext(ctx, "wrong second-factor code", "user_id", userID)
		if _, herr := s.opt.Limiter.Hit(ctx, SecondFactorLimit, key); herr != nil {
			return fmt.Errorf("count a wrong second-factor code of user %d: %w", userID, herr)
		}
		return err
	}
	if err != nil {
		return fmt.Errorf("check second factor of user %d: %w", userID, err)
	}
	if err := s.opt.Limiter.Reset(ctx, SecondFactorLimit, key); err != nil {
		s.log.WarnContext(ctx, "clear wrong second-factor codes", "err", err)
	}
	return nil
}

// CheckTOTP is CheckSecondFactor for a code of the authenticator app only,
// where a recovery code must not be spent: a client that asks for an API
// token repeats it every day, and recovery codes are the way back in when
// the phone is lost. Anything but six digits (spaces and dashes ignored) is
// a *fault.Invalid naming "code" and is not counted.
func (s *Service) CheckTOTP(ctx context.Context, userID int64, code string) error {
	code = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, code)
	if len(code) != twofactor.Digits || strings.Trim(code, "0123456789") != "" {
		return &fault.Invalid{Fields: map[string]string{"code": "must be the 6-digit code from the authenticator app; recovery codes work only at the back-office login"}}
	}
	return s.CheckSecondFactor(ctx, userID, code)
}

// TokenScopes are the scopes of a staff API token issued to u now: every
// permission for an active superuser, a staff member's own, none for anyone
// else.
func (u User) TokenScopes() []string {
	var scopes []string
	for _, p := range AllPermissions {
		if u.Can(p) {
			scopes = append(scopes, string(p))
		}
	}
	return scopes
}

// Granted returns the permissions a token with scopes gives u now: those
// of scopes that u still has (User.Can). A permission taken away or a role
// lost since the token was issued is left out, and so is a scope this
// version does not know; a customer's token, which has no scopes, gives
// none.
func (u User) Granted(scopes []string) Permissions {
	var ps Permissions
	for _, p := range AllPermissions {
		for _, sc := range scopes {
			if sc == string(p) && u.Can(p) {
				ps = append(ps, p)
				break
			}
		}
	}
	return ps
}

// Has reports whether ps holds p.
func (ps Permissions) Has(p Permission) bool {
	for _, have := range ps {
		if have == p {
			return true
		}
	}
	return false
}
