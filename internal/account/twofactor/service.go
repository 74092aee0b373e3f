package twofactor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// keyring encrypts and decrypts the stored secrets; *crypt.Keyring is one.
type keyring interface {
	Encrypt(plaintext, aad []byte) (string, error)
	Decrypt(value string, aad []byte) ([]byte, error)
}

// Issuer gives the shop's name as staff set it, read at every setup so a
// renamed shop's next enrolment carries the new name; the app's live
// settings implement it.
type Issuer interface {
	ShopName(ctx context.Context) string
}

// Service sets up and checks the second factor of users. It is safe for
// concurrent use, and any number of app nodes may share one database.
type Service struct {
	d      *db.DB
	kr     keyring
	issuer Issuer
	now    func() time.Time
}

// NewService returns the service. issuer names the shop in authenticator
// apps, next to the account name; a ':' in the name, which the otpauth
// format reserves, becomes a space. kr encrypts the secrets
// (*crypt.Keyring); now is the clock codes are checked against.
func NewService(d *db.DB, kr keyring, issuer Issuer, now func() time.Time) *Service {
	if d == nil || kr == nil || issuer == nil || now == nil {
		panic("twofactor: NewService without every dependency")
	}
	return &Service{d: d, kr: kr, issuer: issuer, now: now}
}

// Name is an Issuer of a fixed name, for tools and tests.
type Name string

// ShopName returns n.
func (n Name) ShopName(context.Context) string { return string(n) }

// label makes s fit the otpauth label "issuer:account", which has no way to
// escape a colon.
func label(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, ":", " ")) }

// Begin makes a new secret for userID and stores it as pending, replacing an
// earlier pending one. Login keeps checking the active secret, if there is
// one, until Confirm. accountName is shown in the app under the shop's name
// (use the email address). Begin returns fault.ErrNotFound when the user does
// not exist.
func (s *Service) Begin(ctx context.Context, userID int64, accountName string) (Enrolment, error) {
	issuer := label(s.issuer.ShopName(ctx))
	if issuer == "" {
		return Enrolment{}, errors.New("begin two-factor setup: the service has no issuer name")
	}
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer:      issuer,
		AccountName: label(accountName),
		Period:      Period,
		Digits:      otp.DigitsSix,
		Algorithm:   otp.AlgorithmSHA1,
	})
	if err != nil {
		return Enrolment{}, fmt.Errorf("begin two-factor setup of user %d: %w", userID, err)
	}
	img, err := key.Image(qrSize, qrSize)
	if err != nil {
		return Enrolment{}, fmt.Errorf("begin two-factor setup of user %d: QR code: %w", userID, err)
	}
	var qr bytes.Buffer
	if err := png.Encode(&qr, img); err != nil {
		return Enrolment{}, fmt.Errorf("begin two-factor setup of user %d: QR code: %w", userID, err)
	}
	enc, err := pendingColumn.Encrypt(s.kr, userID, key.Secret())
	if err != nil {
		return Enrolment{}, fmt.Errorf("begin two-factor setup of user %d: %w", userID, err)
	}
	now := s.now().UTC()
	err = s.d.InTx(ctx, func(q db.Querier) error {
		ok, err := userExists(ctx, q, userID)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("user %d: %w", userID, fault.ErrNotFound)
		}
		return setPending(ctx, q, userID, enc, now)
	})
	if err != nil {
		return Enrolment{}, fmt.Errorf("begin two-factor setup: %w", err)
	}
	return Enrolment{Secret: key.Secret(), URL: key.URL(), QRPNG: qr.Bytes()}, nil
}

// Confirm checks code against the user's pending secret and, if it is a
// current code, makes the secret the one login checks and replaces the
// user's recovery codes with RecoveryCodes new ones, which it returns. They
// are stored only as hashes: this is the one time they can be shown.
//
// A code that is not current gives *fault.Invalid for the field "code". It
// returns fault.ErrNotFound when no setup is pending (never begun, or already
// confirmed), and fault.ErrConflict when another Begin or Confirm for the
// user won a race with this one.
func (s *Service) Confirm(ctx context.Context, userID int64, code string) ([]string, error) {
	c, ok := totpCode(code)
	if !ok {
		msg := "is not the current code"
		if strings.TrimSpace(code) == "" {
			msg = "is required"
		}
		return nil, &fault.Invalid{Fields: map[string]string{"code": msg}}
	}
	st, err := stateOf(ctx, s.d.Read(), userID)
	if err != nil {
		return nil, fmt.Errorf("confirm two-factor setup: %w", err)
	}
	if st.Pending == "" {
		return nil, fmt.Errorf("confirm two-factor setup of user %d: nothing pending: %w", userID, fault.ErrNotFound)
	}
	secret, err := pendingColumn.Decrypt(s.kr, userID, st.Pending)
	if err != nil {
		return nil, fmt.Errorf("confirm two-factor setup of user %d: %w", userID, err)
	}
	now := s.now().UTC()
	step, ok, err := matchStep(c, string(secret), now, 0)
	if err != nil {
		return nil, fmt.Errorf("confirm two-factor setup of user %d: %w", userID, err)
	}
	if !ok {
		return nil, &fault.Invalid{Fields: map[string]string{"code": "is not the current code"}}
	}
	active, err := secretColumn.Encrypt(s.kr, userID, secret)
	if err != nil {
		return nil, fmt.Errorf("confirm two-factor setup of user %d: %w", userID, err)
	}
	codes, hashes, err := newRecoveryCodes(RecoveryCodes)
	if err != nil {
		return nil, fmt.Errorf("confirm two-factor setup of user %d: %w", userID, err)
	}
	err = s.d.InTx(ctx, func(q db.Querier) error {
		// The code that confirms the secret counts as used (last_step =
		// step), so it cannot also pass the login that follows.
		ok, err := activate(ctx, q, userID, st.Pending, active, step, now)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("pending secret of user %d changed meanwhile: %w", userID, fault.ErrConflict)
		}
		if err := deleteRecoveryCodes(ctx, q, userID); err != nil {
			return err
		}
		return insertRecoveryCodes(ctx, q, userID, hashes, now)
	})
	if err != nil {
		return nil, fmt.Errorf("confirm two-factor setup: %w", err)
	}
	return codes, nil
}

// Enabled reports whether the user has confirmed an authenticator app, so
// that login must ask for a code. A pending setup does not count.
func (s *Service) Enabled(ctx context.Context, userID int64) (bool, error) {
	st, err := stateOf(ctx, s.d.Read(), userID)
	if errors.Is(err, fault.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return st.Secret != "", nil
}

// Verify accepts code as the user's second factor at login: either the TOTP
// code of the current time step or of the one before or after, for a step
// later than any accepted before; or an unused recovery code, which it marks
// as used. Spaces and dashes are ignored, and recovery codes in any case.
// Each code is accepted once, also when logins race with it.
//
// A code that is none of these gives ErrWrongCode; a user without a
// confirmed app ErrNotEnabled. Both wrap fault.ErrUnauthenticated. Verify
// counts no failures: callers rate-limit it.
func (s *Service) Verify(ctx context.Context, userID int64, code string) error {
	st, err := stateOf(ctx, s.d.Read(), userID)
	if errors.Is(err, fault.ErrNotFound) || err == nil && st.Secret == "" {
		return fmt.Errorf("verify two-factor code of user %d: %w", userID, ErrNotEnabled)
	}
	if err != nil {
		return fmt.Errorf("verify two-factor code: %w", err)
	}
	now := s.now().UTC()
	if c, ok := totpCode(code); ok {
		return s.verifyTOTP(ctx, userID, st, c, now)
	}
	if c, ok := recoveryCode(code); ok {
		ok, err := useRecoveryCode(ctx, s.d.Write(), userID, hashRecoveryCode(c), now)
		if err != nil {
			return fmt.Errorf("verify two-factor code: %w", err)
		}
		if !ok {
			return fmt.Errorf("verify recovery code of user %d: %w", userID, ErrWrongCode)
		}
		return nil
	}
	return fmt.Errorf("verify two-factor code of user %d: not a code: %w", userID, ErrWrongCode)
}

func (s *Service) verifyTOTP(ctx context.Context, userID int64, st state, code string, now time.Time) error {
	secret, err := secretColumn.Decrypt(s.kr, userID, st.Secret)
	if err != nil {
		return fmt.Errorf("verify two-factor code of user %d: %w", userID, err)
	}
	step, ok, err := matchStep(code, string(secret), now, st.LastStep)
	if err != nil {
		return fmt.Errorf("verify two-factor code of user %d: %w", userID, err)
	}
	if !ok {
		return fmt.Errorf("verify two-factor code of user %d: %w", userID, ErrWrongCode)
	}
	took, err := takeStep(ctx, s.d.Write(), userID, st.Secret, step, now)
	if err != nil {
		return fmt.Errorf("verify two-factor code: %w", err)
	}
	if !took {
		return fmt.Errorf("verify two-factor code of user %d: time step already used: %w", userID, ErrWrongCode)
	}
	return nil
}

// matchStep returns the time step, within Skew of now and later than after,
// that code is the TOTP code of, and whether there is one.
func matchStep(code, secret string, now time.Time, after int64) (int64, bool, error) {
	// Each step is checked exactly (Skew 0), to learn which one matched.
	opts := totp.ValidateOpts{Period: Period, Skew: 0, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	cur := now.Unix() / Period
	for step := cur - Skew; step <= cur+Skew; step++ {
		if step <= after {
			continue
		}
		ok, err := totp.ValidateCustom(code, secret, time.Unix(step*Period, 0), opts)
		if err != nil {
			return 0, false, fmt.Errorf("check TOTP code: %w", err)
		}
		if ok {
			return step, true, nil
		}
	}
	return 0, false, nil
}

// RemainingRecoveryCodes counts the user's unused recovery codes, so the
// back office can urge staff to make new ones before they run out.
func (s *Service) RemainingRecoveryCodes(ctx context.Context, userID int64) (int, error) {
	return unusedRecoveryCodes(ctx, s.d.Read(), userID)
}

// RegenerateRecoveryCodes replaces all recovery codes of the user, used or
// not, with RecoveryCodes new ones and returns them; the old ones stop
// working. As with Confirm, this is the one time they can be shown. It
// returns ErrNotEnabled when the user has no confirmed app. Callers ask for
// a fresh TOTP code first, so a stolen session cannot mint codes.
func (s *Service) RegenerateRecoveryCodes(ctx context.Context, userID int64) ([]string, error) {
	codes, hashes, err := newRecoveryCodes(RecoveryCodes)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	err = s.d.InTx(ctx, func(q db.Querier) error {
		st, err := stateOf(ctx, q, userID)
		if errors.Is(err, fault.ErrNotFound) || err == nil && st.Secret == "" {
			return fmt.Errorf("user %d: %w", userID, ErrNotEnabled)
		}
		if err != nil {
			return err
		}
		if err := deleteRecoveryCodes(ctx, q, userID); err != nil {
			return err
		}
		return insertRecoveryCodes(ctx, q, userID, hashes, now)
	})
	if err != nil {
		return nil, fmt.Errorf("regenerate recovery codes: %w", err)
	}
	return codes, nil
}

// Reset removes the user's authenticator app, pending setup and recovery
// codes, on q, in the caller's transaction: a superuser resets a staff
// member who lost their phone and codes, who must then set up an app again
// at the next login. Resetting a user without two-factor state is no error.
// The caller checks that the actor may do this and ends the user's sessions.
func (s *Service) Reset(ctx context.Context, q db.Querier, userID int64) error {
	if err := deleteRecoveryCodes(ctx, q, userID); err != nil {
		return fmt.Errorf("reset two-factor: %w", err)
	}
	if err := deleteState(ctx, q, userID); err != nil {
		return fmt.Errorf("reset two-factor: %w", err)
	}
	return nil
}
