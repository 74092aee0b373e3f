// Package twofactor holds the second factor that staff pass at every
// back-office login: a TOTP authenticator app (RFC 6238: 6 digits, 30-second
// steps, SHA-1, the settings every app understands) and single-use recovery
// codes for when the phone is lost.
//
// Setup is two steps, so that a half-finished setup never locks anyone out:
// Begin stores a pending secret and returns it as text, as an otpauth:// URL
// and as a QR code; Confirm activates it once the app shows a matching code
// and returns ten recovery codes, the only time they are shown. The secret is
// stored encrypted with internal/crypt; recovery codes only as hashes.
//
// A TOTP code is accepted once: the newest accepted time step is stored and a
// code is accepted only for a later one, in one conditional UPDATE, so two
// logins racing with the same code (a phished or shoulder-surfed code) let
// only one in. Verify does not count failed attempts; callers put it behind
// internal/ratelimit, since a 6-digit code falls to unlimited guessing. See
// docs/decisions/0019-staff-totp.md.
package twofactor

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/fault"
)

// The TOTP parameters. They are those of Google Authenticator's defaults,
// which every authenticator app supports; changing them would invalidate
// every enrolled app.
const (
	// Period is the length of one TOTP time step in seconds.
	Period = 30
	// Digits is the length of a TOTP code.
	Digits = 6
	// Skew is how many steps before and after the current one a code may
	// be for, to forgive a phone clock that is a little off and a code typed
	// just as it changed.
	Skew = 1
)

// RecoveryCodes is how many recovery codes Confirm and
// RegenerateRecoveryCodes hand out.
const RecoveryCodes = 10

// recoveryAlphabet has 32 symbols, so each character carries 5 bits and a
// byte masked to 5 bits picks one without bias. It leaves out 0, 1, l and o,
// which are easily mistaken for one another when copied from paper.
const recoveryAlphabet = "abcdefghijkmnpqrstuvwxyz23456789"

// recoveryLen is the number of symbols in a recovery code: 12 × 5 = 60 bits,
// too many to guess, so a fast unsalted hash is enough to store them.
const recoveryLen = 12

// recoveryGroup is how many symbols are shown between dashes.
const recoveryGroup = 4

// qrSize is the width and height of the QR code in pixels: large enough for
// a phone camera at arm's length, small enough to inline as a data: URL.
const qrSize = 256

var (
	// ErrWrongCode means the code is not a current TOTP code of the user,
	// was already used, or is not an unused recovery code of theirs. It
	// wraps fault.ErrUnauthenticated; the login page shows the code form
	// again on it. Which of these it was is deliberately not told apart.
	ErrWrongCode = fmt.Errorf("wrong two-factor code: %w", fault.ErrUnauthenticated)
	// ErrNotEnabled means the user has no confirmed authenticator app. It
	// wraps fault.ErrUnauthenticated, so a login that reaches Verify for such
	// a user fails closed; the login flow checks Enabled first and sends
	// staff without an app to setup.
	ErrNotEnabled = fmt.Errorf("two-factor authentication is not set up: %w", fault.ErrUnauthenticated)
)

// Enrolment is what a user needs to add a pending secret to an authenticator
// app. It holds the secret in clear: show it to the user it belongs to, and
// never log or store it.
type Enrolment struct {
	// Secret is the base32 key for typing into the app by hand.
	Secret string
	// URL is the otpauth:// URL the QR code encodes.
	URL string
	// QRPNG is a PNG image of the QR code, to show as a data: URL.
	QRPNG []byte
}

// The columns holding secrets, bound to their user and column, so a secret
// copied into another user's row (or a pending one into the active column)
// does not decrypt.
var (
	secretColumn  = crypt.Column{Table: "two_factor", IDColumn: "user_id", Column: "secret_enc"}
	pendingColumn = crypt.Column{Table: "two_factor", IDColumn: "user_id", Column: "pending_secret_enc"}
)

// EncryptedColumns lists the columns holding secrets encrypted with
// internal/crypt, for crypt.Rotate.
var EncryptedColumns = []crypt.Column{secretColumn, pendingColumn}

// stripSeparators drops the spaces, tabs and dashes people type or paste
// inside a code.
func stripSeparators(input string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, input)
}

// totpCode returns input as a TOTP code, without the spaces and dashes people
// type or paste, and whether it has the shape of one.
func totpCode(input string) (string, bool) {
	s := stripSeparators(input)
	if len(s) != Digits {
		return "", false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	return s, true
}

// recoveryCode returns input as a recovery code in its stored form (lower
// case, no dashes or spaces), and whether it has the shape of one.
func recoveryCode(input string) (string, bool) {
	s := stripSeparators(strings.ToLower(input))
	if len(s) != recoveryLen {
		return "", false
	}
	for _, c := range []byte(s) {
		if strings.IndexByte(recoveryAlphabet, c) < 0 {
			return "", false
		}
	}
	return s, true
}

// newRecoveryCodes returns n fresh recovery codes as shown to the user
// ("abcd-efgh-ijkm") and the hashes to store for them.
func newRecoveryCodes(n int) (codes, hashes []string, err error) {
	codes = make([]string, 0, n)
	hashes = make([]string, 0, n)
	b := make([]byte, recoveryLen)
	for range n {
		if _, err := rand.Read(b); err != nil {
			return nil, nil, fmt.Errorf("make recovery codes: %w", err)
		}
		var shown strings.Builder
		for i, c := range b {
			if i > 0 && i%recoveryGroup == 0 {
				shown.WriteByte('-')
			}
			shown.WriteByte(recoveryAlphabet[c&31])
		}
		plain, _ := recoveryCode(shown.String())
		codes = append(codes, shown.String())
		hashes = append(hashes, hashRecoveryCode(plain))
	}
	return codes, hashes, nil
}

// hashRecoveryCode is the stored form of a normalised recovery code.
func hashRecoveryCode(code string) string {
	h := sha256.Sum256([]byte(code))
	return hex.EncodeToString(h[:])
}
