// Package ratelimit counts attempts (logins, sign-ups, password resets, token
// requests) per key in the database, so that a limit holds across every app
// node that shares it.
//
// A Limit allows Max attempts per fixed window of Window, aligned to the UTC
// clock (a 15-minute window runs :00–:15, :15–:30, …). Every attempt is one
// atomic upsert that returns the new count, so concurrent attempts on any
// number of nodes never lose a count and exactly Max of them are allowed.
// Keys are stored as HMAC-SHA-256 hashes under a key derived from the shop's
// secret: the table holds no IP address or email address, and cannot be
// turned back into them by hashing every candidate. See docs/decisions/0014-rate-limits.md for the trade-offs.
package ratelimit

import (
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/fault"
)

// Limit names a limit and its size: at most Max attempts per Window for each
// key. Name identifies the counter ("login-ip", "login-account"), so two
// limits must not share a name. Window must be a whole number of seconds, at
// least one.
type Limit struct {
	Name   string
	Max    int
	Window time.Duration
}

func (l Limit) validate() error {
	switch {
	case l.Name == "":
		return errors.New("ratelimit: limit without a name")
	case l.Max < 1:
		return fmt.Errorf("ratelimit: limit %s: max %d is below 1", l.Name, l.Max)
	case l.Window < time.Second || l.Window%time.Second != 0:
		return fmt.Errorf("ratelimit: limit %s: window %s is not a whole number of seconds", l.Name, l.Window)
	}
	return nil
}

// Decision is the answer for one key under one limit.
type Decision struct {
	// Allowed reports whether the attempt may go ahead.
	Allowed bool
	// Remaining is how many more attempts the current window allows (never
	// negative).
	Remaining int
	// RetryAfter is how long until the window ends and attempts are allowed
	// again; zero when Allowed. Show it with Minutes.
	RetryAfter time.Duration

	name string
}

// Err returns nil when the decision allows the attempt and otherwise an
// *Error carrying RetryAfter, which is ErrLimited and fault.ErrConflict under
// errors.Is. A service returns it, wrapped, in place of doing the work.
func (d Decision) Err() error {
	if d.Allowed {
		return nil
	}
	return &Error{Limit: d.name, RetryAfter: d.RetryAfter}
}

// ErrLimited means too many attempts: the caller must wait before trying
// again. It wraps fault.ErrConflict (the request clashes with the current
// state of the counter), so code that knows only the fault kinds treats it
// as a client error rather than a failure; web and api look for ErrLimited
// (or *Error, for RetryAfter) first and answer 429 Too Many Requests with a
// Retry-After header and a "try again in N minutes" message.
var ErrLimited = fmt.Errorf("too many attempts: %w", fault.ErrConflict)

// Error is the error of a refused attempt. Its message names the limit but
// never the key, so it is safe to log.
type Error struct {
	// Limit is the name of the limit that refused.
	Limit string
	// RetryAfter is how long until attempts are allowed again.
	RetryAfter time.Duration
}

// Error names the limit and the wait.
func (e *Error) Error() string {
	return fmt.Sprintf("rate limit %s reached, retry in %s: %v", e.Limit, e.RetryAfter, ErrLimited)
}

// Unwrap makes errors.Is(err, ErrLimited) and errors.Is(err,
// fault.ErrConflict) hold.
func (e *Error) Unwrap() error { return ErrLimited }

// RetryAfter returns the wait carried by the *Error inside err, and whether
// there is one.
func RetryAfter(err error) (time.Duration, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter, true
	}
	return 0, false
}

// Minutes is d in whole minutes, rounded up, for "try again in N minutes":
// 10 seconds is 1, 60 seconds is 1, 61 seconds is 2. It is 0 only for a
// zero or negative d.
func Minutes(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	m := d / time.Minute
	if d%time.Minute != 0 {
		m++
	}
	return int(m)
}
