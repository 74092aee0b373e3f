// Package honeypot runs the trap behind the fake /admin login page. The page
// (built by the web layer) looks like a back-office login but never signs
// anyone in: every submission is recorded here as an Attempt, and an IP that
// keeps trying is blocked from every login form of the shop for a while.
// Staff see the attempts and the active blocks and can clear a block.
//
// The trap stores the caller's IP, user agent and the username typed, and
// never the password: there is no field for it anywhere, so a password
// someone reuses on real sites cannot leak from this table.
//
// Blocks are decided in the database, so they hold across app nodes; Blocked
// is one indexed look-up, cheap enough to run before every login. See
// docs/decisions/0020-honeypot-and-audit.md.
package honeypot

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/security"
)

// Defaults for the zero fields of Config.
const (
	DefaultBlockAfter = 3
	DefaultWindow     = 24 * time.Hour
	DefaultBlockFor   = 7 * 24 * time.Hour
)

// Lengths, in characters, that stored text is cut to: request headers and
// form fields are the attacker's to choose.
const (
	MaxUserAgent = 300
	MaxUsername  = 200
)

// Config tunes the trap. Zero or negative fields take the defaults.
type Config struct {
	// BlockAfter is how many attempts from one IP within Window block it (3).
	BlockAfter int
	// Window is how far back attempts count (24 hours).
	Window time.Duration
	// BlockFor is how long a block lasts after the attempt that made or
	// last extended it (7 days).
	BlockFor time.Duration
	// Audit, when set, records "honeypot.block_cleared" for the actor of
	// Clear in its transaction.
	Audit Auditor
}

// Auditor records a staff action in the caller's transaction;
// *audit.Log is one.
type Auditor interface {
	Record(ctx context.Context, q db.Querier, e audit.Entry) error
}

func (c Config) withDefaults() Config {
	if c.BlockAfter <= 0 {
		c.BlockAfter = DefaultBlockAfter
	}
	if c.Window <= 0 {
		c.Window = DefaultWindow
	}
	if c.BlockFor <= 0 {
		c.BlockFor = DefaultBlockFor
	}
	return c
}

// Attempt is one submission of the fake login form. It has no password
// field on purpose; do not add one.
type Attempt struct {
	// IP is the caller's address as net/http gives it (the host of
	// RemoteAddr, or RemoteAddr itself).
	IP string
	// UserAgent is the User-Agent header; it is cut to MaxUserAgent.
	UserAgent string
	// Username is what was typed as the username; it is cut to MaxUsername.
	Username string
}

// AttemptRow is a recorded attempt.
type AttemptRow struct {
	ID        int64
	IP        string
	UserAgent string
	Username  string
	// CreatedAt is when the attempt was made, in UTC.
	CreatedAt time.Time
}

// Block is an active block of one IP.
type Block struct {
	ID int64
	IP string
	// Attempts is how many attempts counted when the block was made or
	// last extended.
	Attempts int
	// BlockedAt is when this block began, in UTC; extending a block keeps it.
	BlockedAt time.Time
	// ExpiresAt is when the IP may log in again, in UTC.
	ExpiresAt time.Time
}

// normalizeIP is security.NormalizeIP with a field message for an input
// that is no address.
func normalizeIP(s string) (string, error) {
	ip, ok := security.NormalizeIP(s)
	if !ok {
		return "", &fault.Invalid{Fields: map[string]string{"ip": "is not an IP address"}}
	}
	return ip, nil
}

// clean makes s valid UTF-8 without NUL bytes and cuts it to at most n
// characters. PostgreSQL refuses invalid UTF-8 and NUL in text, and an
// attacker must not be able to dodge the record by sending either.
func clean(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
