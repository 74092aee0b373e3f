package ratelimit_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/ratelimit"
)

// nine05 is 09:05 UTC: five minutes into the 09:00–09:15 window.
var nine05 = time.Date(2025, 3, 1, 9, 5, 0, 0, time.UTC)

var loginIP = ratelimit.Limit{Name: "login-ip", Max: 3, Window: 15 * time.Minute}

type want struct {
	allowed    bool
	remaining  int
	retryAfter time.Duration
}

func same(got ratelimit.Decision, w want) bool {
	return got.Allowed == w.allowed && got.Remaining == w.remaining && got.RetryAfter == w.retryAfter
}

func TestHit(t *testing.T) {
	t.Parallel()
	type step struct {
		advance time.Duration // moved before the hit
		limit   ratelimit.Limit
		key     string
		want    want
	}
	other := ratelimit.Limit{Name: "login-account", Max: 3, Window: 15 * time.Minute}
	tests := []struct {
		name  string
		steps []step
	}{
		{"up to max then refused until the window ends", []step{
			{0, loginIP, "203.0.113.7", want{true, 2, 0}},
			{time.Minute, loginIP, "203.0.113.7", want{true, 1, 0}},
			{time.Minute, loginIP, "203.0.113.7", want{true, 0, 0}},
			{time.Minute, loginIP, "203.0.113.7", want{false, 0, 7 * time.Minute}},
			// Refused attempts count but do not lengthen the wait.
			{90 * time.Second, loginIP, "203.0.113.7", want{false, 0, 5*time.Minute + 30*time.Second}},
		}},
		{"a new window allows again", []step{
			{0, loginIP, "203.0.113.7", want{true, 2, 0}},
			{0, loginIP, "203.0.113.7", want{true, 1, 0}},
			{0, loginIP, "203.0.113.7", want{true, 0, 0}},
			{10*time.Minute - time.Second, loginIP, "203.0.113.7", want{false, 0, time.Second}},
			{time.Second, loginIP, "203.0.113.7", want{true, 2, 0}},
		}},
		{"keys are independent", []step{
			{0, loginIP, "203.0.113.7", want{true, 2, 0}},
			{0, loginIP, "203.0.113.7", want{true, 1, 0}},
			{0, loginIP, "203.0.113.7", want{true, 0, 0}},
			{0, loginIP, "203.0.113.7", want{false, 0, 10 * time.Minute}},
			{0, loginIP, "203.0.113.8", want{true, 2, 0}},
		}},
		{"names are independent", []step{
			{0, loginIP, "buyer@example.com", want{true, 2, 0}},
			{0, loginIP, "buyer@example.com", want{true, 1, 0}},
			{0, loginIP, "buyer@example.com", want{true, 0, 0}},
			{0, loginIP, "buyer@example.com", want{false, 0, 10 * time.Minute}},
			{0, other, "buyer@example.com", want{true, 2, 0}},
		}},
		{"max one, a day long", []step{
			{0, ratelimit.Limit{Name: "signup-ip", Max: 1, Window: 24 * time.Hour}, "203.0.113.7", want{true, 0, 0}},
			{0, ratelimit.Limit{Name: "signup-ip", Max: 1, Window: 24 * time.Hour}, "203.0.113.7", want{false, 0, 14*time.Hour + 55*time.Minute}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := fake.NewClock(nine05)
			lm := ratelimit.New(dbtest.New(t), c.Now, testSecret)
			for i, s := range tt.steps {
				c.Advance(s.advance)
				got, err := lm.Hit(t.Context(), s.limit, s.key)
				if err != nil {
					t.Fatalf("step %d: Hit: %v", i, err)
				}
				if !same(got, s.want) {
					t.Fatalf("step %d: Hit = %+v, want %+v", i, got, s.want)
				}
				if (got.Err() == nil) != s.want.allowed {
					t.Fatalf("step %d: Err() = %v with Allowed %v", i, got.Err(), got.Allowed)
				}
			}
		})
	}
}

func TestDecisionErr(t *testing.T) {
	t.Parallel()
	c := fake.NewClock(nine05)
	lm := ratelimit.New(dbtest.New(t), c.Now, testSecret)
	l := ratelimit.Limit{Name: "reset-account", Max: 1, Window: time.Hour}
	if dec, err := lm.Hit(t.Context(), l, "buyer@example.com"); err != nil || dec.Err() != nil {
		t.Fatalf("first Hit = %+v, %v; Err() = %v", dec, err, dec.Err())
	}
	c.Advance(20*time.Minute + 30*time.Second)
	dec, err := lm.Hit(t.Context(), l, "buyer@example.com")
	if err != nil {
		t.Fatal(err)
	}
	err = dec.Err()
	for _, kind := range []error{ratelimit.ErrLimited, fault.ErrConflict} {
		if !errors.Is(err, kind) {
			t.Errorf("errors.Is(%v, %v) = false", err, kind)
		}
	}
	d, ok := ratelimit.RetryAfter(err)
	if !ok || d != 34*time.Minute+30*time.Second {
		t.Fatalf("RetryAfter(%v) = %v, %v", err, d, ok)
	}
	if got := ratelimit.Minutes(d); got != 35 {
		t.Fatalf("Minutes(%v) = %d, want 35", d, got)
	}
	if strings.Contains(err.Error(), "buyer@example.com") {
		t.Fatalf("error %q names the key", err)
	}
	if _, ok := ratelimit.RetryAfter(errors.New("other")); ok {
		t.Fatal("RetryAfter found a wait in an unrelated error")
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	c := fake.NewClock(nine05)
	lm := ratelimit.New(dbtest.New(t), c.Now, testSecret)
	ctx := t.Context()
	const key = "203.0.113.7"
	for i := range 5 {
		if got, err := lm.Check(ctx, loginIP, key); err != nil || !same(got, want{true, 3, 0}) {
			t.Fatalf("Check %d on an empty window = %+v, %v", i, got, err)
		}
	}
	after := []want{{true, 2, 0}, {true, 1, 0}, {false, 0, 10 * time.Minute}}
	for i, w := range after {
		if _, err := lm.Hit(ctx, loginIP, key); err != nil {
			t.Fatalf("Hit %d: %v", i, err)
		}
		if got, err := lm.Check(ctx, loginIP, key); err != nil || !same(got, w) {
			t.Fatalf("Check after %d hits = %+v, %v; want %+v", i+1, got, err, w)
		}
	}
	c.Advance(10 * time.Minute)
	if got, err := lm.Check(ctx, loginIP, key); err != nil || !same(got, want{true, 3, 0}) {
		t.Fatalf("Check in the next window = %+v, %v", got, err)
	}
}

func TestReset(t *testing.T) {
	t.Parallel()
	c := fake.NewClock(nine05)
	lm := ratelimit.New(dbtest.New(t), c.Now, testSecret)
	ctx := t.Context()
	account := ratelimit.Limit{Name: "login-account", Max: 2, Window: time.Hour}
	for _, key := range []string{"buyer@example.com", "other@example.com"} {
		for range 3 {
			if _, err := lm.Hit(ctx, account, key); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Same key under another limit.
	for range 3 {
		if _, err := lm.Hit(ctx, ratelimit.Limit{Name: "reset-account", Max: 2, Window: time.Hour}, "buyer@example.com"); err != nil {
			t.Fatal(err)
		}
	}
	if err := lm.Reset(ctx, account, "buyer@example.com"); err != nil {
		t.Fatalf("Reset: %v", err)
	}
	tests := []struct {
		name  string
		limit ratelimit.Limit
		key   string
		want  want
	}{
		{"reset key", account, "buyer@example.com", want{true, 2, 0}},
		{"other key", account, "other@example.com", want{false, 0, 55 * time.Minute}},
		{"other limit", ratelimit.Limit{Name: "reset-account", Max: 2, Window: time.Hour}, "buyer@example.com", want{false, 0, 55 * time.Minute}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := lm.Check(ctx, tt.limit, tt.key); err != nil || !same(got, tt.want) {
				t.Fatalf("Check = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
	if err := lm.Reset(ctx, account, "nobody@example.com"); err != nil {
		t.Fatalf("Reset of a key without attempts: %v", err)
	}
}

func TestPrune(t *testing.T) {
	t.Parallel()
	c := fake.NewClock(nine05)
	d := dbtest.New(t)
	lm := ratelimit.New(d, c.Now, testSecret)
	ctx := t.Context()
	short := ratelimit.Limit{Name: "login-ip", Max: 10, Window: 15 * time.Minute} // 09:00–09:15
	long := ratelimit.Limit{Name: "signup-ip", Max: 10, Window: 24 * time.Hour}   // the whole day
	for _, l := range []ratelimit.Limit{short, long} {
		if _, err := lm.Hit(ctx, l, "203.0.113.7"); err != nil {
			t.Fatal(err)
		}
	}
	c.Advance(15 * time.Minute) // 09:20, window 09:15–09:30
	if _, err := lm.Hit(ctx, short, "203.0.113.7"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		before time.Time
		want   int64
		left   int
	}{
		{"before any window ended", time.Date(2025, 3, 1, 9, 14, 59, 0, time.UTC), 0, 3},
		{"at the end of the first window", time.Date(2025, 3, 1, 9, 15, 0, 0, time.UTC), 1, 2},
		{"again", time.Date(2025, 3, 1, 9, 20, 0, 0, time.UTC), 0, 2},
		{"after the day", time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC), 2, 0},
	}
	for _, tt := range tests { // in order: each prunes what the last left
		n, err := lm.Prune(ctx, tt.before)
		if err != nil || n != tt.want {
			t.Fatalf("%s: Prune = %d, %v; want %d", tt.name, n, err, tt.want)
		}
		var left int
		if err := d.Read().GetContext(ctx, &left, `SELECT COUNT(*) FROM rate_limits`); err != nil || left != tt.left {
			t.Fatalf("%s: %d rows left, %v; want %d", tt.name, left, err, tt.left)
		}
		if tt.left == 2 {
			// The current windows still count.
			if got, err := lm.Check(ctx, short, "203.0.113.7"); err != nil || got.Remaining != 9 {
				t.Fatalf("%s: Check = %+v, %v; want 9 remaining", tt.name, got, err)
			}
		}
	}
}

// testSecret keys the hash of the stored keys.
var testSecret = []byte("test secret of the rate limits")

func TestStoresNoRawKey(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	lm := ratelimit.New(d, fake.NewClock(nine05).Now, testSecret)
	ctx := t.Context()
	keys := []string{"203.0.113.7", "Buyer@Example.com", "2001:db8::1"}
	for _, key := range keys {
		if _, err := lm.Hit(ctx, loginIP, key); err != nil {
			t.Fatal(err)
		}
	}
	var rows []struct {
		Name    string `db:"name"`
		KeyHash string `db:"key_hash"`
	}
	if err := d.Read().SelectContext(ctx, &rows, `SELECT name, key_hash FROM rate_limits ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(keys) {
		t.Fatalf("%d rows, want %d", len(rows), len(keys))
	}
	for i, r := range rows {
		// A keyed hash: knowing the key (an address) without the shop's
		// secret does not give the stored value, so the table cannot be
		// read back by hashing every IPv4 address.
		plain := sha256.Sum256([]byte(keys[i]))
		if r.KeyHash == hex.EncodeToString(plain[:]) {
			t.Errorf("row %d: key_hash is the plain SHA-256 of the key", i)
		}
		m := hmac.New(sha256.New, testSecret)
		m.Write([]byte(keys[i]))
		if r.KeyHash != hex.EncodeToString(m.Sum(nil)) {
			t.Errorf("row %d: key_hash %q is not the HMAC-SHA-256 of the key under the secret", i, r.KeyHash)
		}
	}
	// Another secret stores another hash for the same key, and counts it
	// apart.
	other := ratelimit.New(d, fake.NewClock(nine05).Now, []byte("another shop's secret"))
	dec, err := other.Hit(ctx, loginIP, keys[0])
	if err != nil {
		t.Fatal(err)
	}
	if dec.Remaining != loginIP.Max-1 {
		t.Errorf("a limiter with another secret sees %d attempts left, want %d", dec.Remaining, loginIP.Max-1)
	}
	// No column of any row holds a key, whole or in part.
	var dump []string
	err = d.Read().SelectContext(ctx, &dump, `SELECT name || ' ' || key_hash || ' ' || CAST(window_start AS TEXT) || ' ' || CAST(hits AS TEXT) FROM rate_limits`)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range dump {
		for _, key := range keys {
			if strings.Contains(strings.ToLower(line), strings.ToLower(key)) || strings.Contains(line, "example") {
				t.Errorf("row %q holds key %q", line, key)
			}
		}
	}
}

// TestConcurrentHits proves that the counter loses no attempt: of 50
// simultaneous attempts on one key, exactly Max are allowed, whether they
// come through one app node or are spread over two (two connections to the
// same database).
func TestConcurrentHits(t *testing.T) {
	t.Parallel()
	for _, nodes := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d nodes", nodes), func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			url := dbtest.URL(t)
			clk := fake.NewClock(nine05)
			var limiters []*ratelimit.Limiter
			var first *db.DB
			for i := range nodes {
				d, err := db.Open(ctx, url, db.Options{MaxReaders: 4})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { d.Close() })
				if i == 0 {
					if _, err := d.Migrate(ctx); err != nil {
						t.Fatal(err)
					}
					first = d
				}
				limiters = append(limiters, ratelimit.New(d, clk.Now, testSecret))
			}
			l := ratelimit.Limit{Name: "login-account", Max: 10, Window: 15 * time.Minute}
			const n = 50
			results := make(chan ratelimit.Decision, n)
			errs := make(chan error, n)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range n {
				lm := limiters[i%nodes]
				wg.Go(func() {
					<-start
					dec, err := lm.Hit(ctx, l, "buyer@example.com")
					if err != nil {
						errs <- err
						return
					}
					results <- dec
				})
			}
			close(start)
			wg.Wait()
			close(results)
			close(errs)
			for err := range errs {
				t.Fatalf("Hit: %v", err)
			}
			allowed, refused := 0, 0
			seen := map[int]int{}
			for dec := range results {
				if dec.Allowed {
					allowed++
					seen[dec.Remaining]++
				} else {
					refused++
				}
			}
			if allowed != 10 || refused != 40 {
				t.Fatalf("allowed %d, refused %d; want 10 and 40", allowed, refused)
			}
			for r := range 10 {
				if seen[r] != 1 {
					t.Fatalf("Remaining %d seen %d times, want once each of 0..9: %v", r, seen[r], seen)
				}
			}
			var hits int
			if err := first.Read().GetContext(ctx, &hits, `SELECT hits FROM rate_limits`); err != nil || hits != n {
				t.Fatalf("hits = %d, %v; want %d", hits, err, n)
			}
		})
	}
}

func TestInvalidArguments(t *testing.T) {
	t.Parallel()
	lm := ratelimit.New(dbtest.New(t), fake.NewClock(nine05).Now, testSecret)
	tests := []struct {
		name  string
		limit ratelimit.Limit
		key   string
	}{
		{"no name", ratelimit.Limit{Max: 1, Window: time.Minute}, "k"},
		{"max zero", ratelimit.Limit{Name: "x", Max: 0, Window: time.Minute}, "k"},
		{"no window", ratelimit.Limit{Name: "x", Max: 1}, "k"},
		{"window with a fraction of a second", ratelimit.Limit{Name: "x", Max: 1, Window: 1500 * time.Millisecond}, "k"},
		{"empty key", ratelimit.Limit{Name: "x", Max: 1, Window: time.Minute}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := lm.Hit(t.Context(), tt.limit, tt.key); err == nil {
				t.Error("Hit accepted it")
			}
			if _, err := lm.Check(t.Context(), tt.limit, tt.key); err == nil {
				t.Error("Check accepted it")
			}
			if err := lm.Reset(t.Context(), tt.limit, tt.key); err == nil {
				t.Error("Reset accepted it")
			}
		})
	}
}

func TestMinutes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d    time.Duration
		want int
	}{
		{-time.Minute, 0}, {0, 0}, {time.Nanosecond, 1}, {10 * time.Second, 1}, {time.Minute, 1},
		{time.Minute + time.Second, 2}, {15 * time.Minute, 15}, {24 * time.Hour, 1440},
	}
	for _, tt := range tests {
		if got := ratelimit.Minutes(tt.d); got != tt.want {
			t.Errorf("Minutes(%v) = %d, want %d", tt.d, got, tt.want)
		}
	}
}
