package ratelimit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
)

// Limiter records and checks attempts. It is safe for concurrent use, in one
// process or across many that share the database.
type Limiter struct {
	d      *db.DB
	now    func() time.Time
	secret []byte
}

// New returns a Limiter on d that reads the time from now (time.Now in app,
// a fake clock in tests) and stores keys hashed with secret (app derives it
// from the shop's secret key). Every node sharing the database must be
// given the same secret, or each counts apart.
func New(d *db.DB, now func() time.Time, secret []byte) *Limiter {
	return &Limiter{d: d, now: now, secret: secret}
}

// window is the fixed window of l that holds t.
func window(l Limit, t time.Time) (start, end time.Time) {
	start = t.UTC().Truncate(l.Window)
	return start, start.Add(l.Window)
}

// hashKey is the stored form of a key: its HMAC-SHA-256 under the secret,
// in hex. A plain hash of an IPv4 address or a known email could be
// reversed by hashing every candidate; without the secret it cannot.
func (lm *Limiter) hashKey(key string) string {
	m := hmac.New(sha256.New, lm.secret)
	m.Write([]byte(key))
	return hex.EncodeToString(m.Sum(nil))
}

func checkArgs(l Limit, key string) error {
	if err := l.validate(); err != nil {
		return err
	}
	if key == "" {
		// An empty key would put every caller that lacks one (no IP, no
		// email) in one shared bucket, so one of them could lock out all.
		return fmt.Errorf("ratelimit: limit %s: empty key", l.Name)
	}
	return nil
}

// decide turns the count of the current window into a decision: the attempt
// that brought the count to hits is allowed when hits <= l.Max.
func decide(l Limit, hits int, now, end time.Time) Decision {
	dec := Decision{Allowed: hits <= l.Max, Remaining: max(0, l.Max-hits), name: l.Name}
	if !dec.Allowed {
		dec.RetryAfter = end.Sub(now)
	}
	return dec
}

// Hit records one attempt for key under l and decides on it. Refused
// attempts are counted too (they do not lengthen the wait: the window ends
// when it ends). Callers normalise key first (lower-cased email address, IP
// without port); an empty key is an error. When the decision refuses,
// Decision.Err gives the error to return.
func (lm *Limiter) Hit(ctx context.Context, l Limit, key string) (Decision, error) {
	if err := checkArgs(l, key); err != nil {
		return Decision{}, err
	}
	now := lm.now().UTC()
	start, end := window(l, now)
	hits, err := addHit(ctx, lm.d.Write(), l.Name, lm.hashKey(key), start, end, now)
	if err != nil {
		return Decision{}, fmt.Errorf("rate limit %s: %w", l.Name, err)
	}
	return decide(l, hits, now, end), nil
}

// Check decides whether one more attempt for key under l would be allowed
// now, without recording one: Remaining is what Hit would still allow. Use it
// to refuse early (before checking a password) or to show a form as locked.
func (lm *Limiter) Check(ctx context.Context, l Limit, key string) (Decision, error) {
	if err := checkArgs(l, key); err != nil {
		return Decision{}, err
	}
	now := lm.now().UTC()
	start, end := window(l, now)
	hits, err := hitsIn(ctx, lm.d.Read(), l.Name, lm.hashKey(key), start)
	if err != nil {
		return Decision{}, fmt.Errorf("rate limit %s: %w", l.Name, err)
	}
	// The next attempt would bring the count to hits+1; Remaining counts
	// that attempt as still available.
	dec := decide(l, hits+1, now, end)
	dec.Remaining = max(0, l.Max-hits)
	return dec, nil
}

// Reset forgets every attempt recorded for key under l, for example the
// failed logins of an account once it signs in.
func (lm *Limiter) Reset(ctx context.Context, l Limit, key string) error {
	if err := checkArgs(l, key); err != nil {
		return err
	}
	if err := deleteKey(ctx, lm.d.Write(), l.Name, lm.hashKey(key)); err != nil {
		return fmt.Errorf("rate limit %s: %w", l.Name, err)
	}
	return nil
}

// Prune deletes every window that ended at or before before, under every
// limit, and returns how many it deleted. Pass the current time: a window
// that has ended no longer counts for anything.
func (lm *Limiter) Prune(ctx context.Context, before time.Time) (int64, error) {
	n, err := deleteEnded(ctx, lm.d.Write(), before.UTC())
	if err != nil {
		return n, fmt.Errorf("prune rate limits: %w", err)
	}
	return n, nil
}
