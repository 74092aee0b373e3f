// Package apitoken issues, refreshes, verifies and revokes the tokens of
// first-party API clients (the shop's own apps).
//
// A sign-in (a password grant, checked by the caller) starts a family and
// gets a Pair: a short-lived access token, a JWT signed with HS256 that the
// API verifies on every request, and an opaque refresh token that is
// exchanged for a new pair. Every exchange rotates the refresh token; a
// rotated token presented again means two parties hold it, so the whole
// family is revoked (OAuth 2.0 Security Best Current Practice, section 4.14).
// Refresh tokens are stored only as SHA-256 hashes. See
// docs/decisions/0017-api-tokens.md.
//
// A staff member's sign-in (IssueStaff, after the caller checked the
// password and the second factor) is a family that carries scopes, the staff
// permissions granted, and ends sooner: its refresh tokens after
// StaffRefreshTTL unused and the family after StaffFamilyTTL, so the second
// factor is asked again at least that often. Issuing one is recorded in the
// audit log in its transaction. See docs/decisions/0035-staff-api-tokens.md.
package apitoken

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/fault"
)

// Audience is the "aud" claim of every access token: tokens minted for
// another audience with the same key are refused.
const Audience = "mallang-api"

// MinKeyBytes is the shortest signing key New accepts: HS256 is only as
// strong as its key, and RFC 7518 asks for at least the hash size.
const MinKeyBytes = 32

// Defaults used when a Config leaves a lifetime zero.
const (
	DefaultAccessTTL  = 15 * time.Minute
	DefaultRefreshTTL = 30 * 24 * time.Hour
	DefaultFamilyTTL  = 90 * 24 * time.Hour
	// The staff defaults match the back office's session: an hour idle,
	// twelve hours at most.
	DefaultStaffRefreshTTL = time.Hour
	DefaultStaffFamilyTTL  = 12 * time.Hour
)

// Limits on the stored client description and address; longer values are
// cut, as they come from request headers the client controls.
const (
	maxClientRunes = 200
	maxIPRunes     = 64
)

// Config configures a Service.
type Config struct {
	// SigningKey signs and verifies access tokens (HS256); at least
	// MinKeyBytes of random bytes. Changing it ends every access token at
	// once; refresh tokens keep working.
	SigningKey []byte
	// Issuer is the "iss" claim, usually the shop's base URL. Required.
	Issuer string
	// AccessTTL is how long an access token is valid; DefaultAccessTTL when
	// zero. Revocation reaches access tokens at once (Verify checks the
	// family), so this mainly bounds how long a stolen token is useful if
	// nobody revokes it.
	AccessTTL time.Duration
	// RefreshTTL is how long a refresh token may wait to be used;
	// DefaultRefreshTTL when zero. An app unused for longer signs in again.
	RefreshTTL time.Duration
	// FamilyTTL is the absolute lifetime of a sign-in, however often it is
	// refreshed; DefaultFamilyTTL when zero. No token outlives its family.
	FamilyTTL time.Duration
	// StaffRefreshTTL and StaffFamilyTTL are RefreshTTL and FamilyTTL for
	// the families of IssueStaff; DefaultStaffRefreshTTL and
	// DefaultStaffFamilyTTL when zero. When the family ends, the staff
	// member passes the second factor again.
	StaffRefreshTTL time.Duration
	StaffFamilyTTL  time.Duration
}

func (c Config) withDefaults() Config {
	if c.AccessTTL == 0 {
		c.AccessTTL = DefaultAccessTTL
	}
	if c.RefreshTTL == 0 {
		c.RefreshTTL = DefaultRefreshTTL
	}
	if c.FamilyTTL == 0 {
		c.FamilyTTL = DefaultFamilyTTL
	}
	if c.StaffRefreshTTL == 0 {
		c.StaffRefreshTTL = DefaultStaffRefreshTTL
	}
	if c.StaffFamilyTTL == 0 {
		c.StaffFamilyTTL = DefaultStaffFamilyTTL
	}
	return c
}

func (c Config) validate() error {
	var errs []error
	if len(c.SigningKey) < MinKeyBytes {
		errs = append(errs, fmt.Errorf("signing key has %d bytes, want at least %d", len(c.SigningKey), MinKeyBytes))
	}
	if strings.TrimSpace(c.Issuer) == "" {
		errs = append(errs, errors.New("issuer is empty"))
	}
	// JWT times are whole seconds.
	if c.AccessTTL < time.Second {
		errs = append(errs, fmt.Errorf("access lifetime %s is shorter than a second", c.AccessTTL))
	}
	if c.RefreshTTL <= c.AccessTTL {
		errs = append(errs, fmt.Errorf("refresh lifetime %s is not longer than the access lifetime %s", c.RefreshTTL, c.AccessTTL))
	}
	if c.FamilyTTL < c.RefreshTTL {
		errs = append(errs, fmt.Errorf("family lifetime %s is shorter than the refresh lifetime %s", c.FamilyTTL, c.RefreshTTL))
	}
	if c.StaffRefreshTTL <= c.AccessTTL {
		errs = append(errs, fmt.Errorf("staff refresh lifetime %s is not longer than the access lifetime %s", c.StaffRefreshTTL, c.AccessTTL))
	}
	if c.StaffFamilyTTL < c.StaffRefreshTTL {
		errs = append(errs, fmt.Errorf("staff family lifetime %s is shorter than the staff refresh lifetime %s", c.StaffFamilyTTL, c.StaffRefreshTTL))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("apitoken config: %w", err)
	}
	return nil
}

// Pair is what a client gets at sign-in and at every refresh.
type Pair struct {
	// AccessToken is a JWT to send as "Authorization: Bearer".
	AccessToken string
	// RefreshToken is opaque (43 characters of base64url); the client keeps
	// it secret and sends it once, to get the next pair.
	RefreshToken string
	// ExpiresIn is how long AccessToken is valid from now, for the
	// "expires_in" field of a token response (RFC 6749 section 5.1).
	ExpiresIn time.Duration
	// Scopes are the scopes granted to the sign-in: the staff permissions
	// of a staff family, none for a customer's.
	Scopes []string
}

// Claims is what a verified access token says.
type Claims struct {
	// UserID is the signed-in user ("sub").
	UserID int64
	// FamilyID identifies the sign-in ("sid"); revoking it ends the token.
	FamilyID int64
	// SessionVersion is the user's session version at sign-in ("ver").
	SessionVersion int64
	// TokenID is the token's random id ("jti"), for logs and audit.
	TokenID string
	// IssuedAt and ExpiresAt are the token's "iat" and "exp", in UTC.
	IssuedAt  time.Time
	ExpiresAt time.Time
	// Staff is whether the family was issued by IssueStaff, and Scopes
	// what it was granted then (none for a customer's). They are read from
	// the family row, not the token, so they cannot be forged. A caller
	// still intersects Scopes with what the user may do now.
	Staff  bool
	Scopes []string
}

// ErrReused means a refresh token that had already been rotated was
// presented again: either the client or an attacker holds a stolen copy, and
// the family has been revoked. It matches fault.ErrUnauthenticated under
// errors.Is, so the API answers 401 like for any bad token; check ErrReused
// first to log the incident (the error names user and family ids, never the
// token).
var ErrReused = fmt.Errorf("refresh token reused, sign-in revoked: %w", fault.ErrUnauthenticated)

// errInvalid is every other refusal. It says nothing about which check
// failed, so neither a response nor a log line helps probe tokens.
var errInvalid = fmt.Errorf("invalid or expired token: %w", fault.ErrUnauthenticated)

// scopeText is the stored and OAuth form of scopes: space-separated
// (RFC 6749, section 3.3). It returns an error for a scope that is empty or
// holds a character outside the RFC's scope-token, which is a programming
// error of the caller.
func scopeText(scopes []string) (string, error) {
	for _, sc := range scopes {
		if sc == "" {
			return "", errors.New("empty scope")
		}
		for _, r := range sc {
			if r < 0x21 || r > 0x7e || r == '"' || r == '\\' {
				return "", fmt.Errorf("scope %q holds %q", sc, r)
			}
		}
	}
	return strings.Join(scopes, " "), nil
}

// parseScopes reads the stored form; nil for none.
func parseScopes(s string) []string {
	return strings.Fields(s)
}

// clean makes a client-supplied description storable: valid UTF-8 (which
// PostgreSQL requires), without control characters (NUL is refused by
// PostgreSQL; newlines would forge log lines), at most n runes.
func clean(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
