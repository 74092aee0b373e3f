// Package apptest builds the whole shop for tests: the real App, its
// services and its HTTP handler with every middleware, over a fresh
// database (SQLite, or PostgreSQL when MALLANG_TEST_POSTGRES_URL is set), a
// fake clock and a temporary media directory. Handler tests send their
// requests to Shop.Handler and assert what a user gets.
//
// New starts no background work: job workers and pruners run only in
// App.Serve, so a test that needs them calls them directly.
package apptest

import (
	"bytes"
	"context"
	"encoding/hex"
	"log/slog"
	"maps"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/app"
	"github.com/mallang/mallang/internal/config"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/security/honeypot"
)

// BaseURL is the test shop's public address. It is HTTPS, so the shop
// sends Strict-Transport-Security and marks its cookies Secure.
const BaseURL = "https://shop.example.com"

// Bank is the test shop's account for bank transfers.
var Bank = payment.BankAccount{Bank: "말랑은행", Account: "123-456", Holder: "(주)말랑"}

// BuyerProtection is the test shop's buyer-protection notice, shown with
// bank transfers.
const BuyerProtection = "고객님의 안전거래를 위해 말랑은행 구매안전서비스에 가입되어 있습니다."

// DepositWithin is how long the test shop's bank transfers wait.
const DepositWithin = 48 * time.Hour

// Start is the clock's first reading unless Options.Start is set:
// 10:00 on 30 November 2026 in Korea.
var Start = time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)

// secretKey is the test shop's MALLANG_SECRET_KEY: fixed, so nothing is
// written to the data directory and failures reproduce.
var secretKey = hex.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))

// Options shape the test shop. The zero value is a shop with the test
// payment provider and bank transfer at Bank.
type Options struct {
	// Start is the clock's first reading; Start when zero.
	Start time.Time
	// Providers are payment providers enabled after the test provider, such
	// as a fake that refuses on demand. Each needs a name of its own.
	Providers []payment.Provider
	// Env sets configuration variables (MALLANG_*) over the test shop's;
	// an empty value means the variable is not set, so
	// "MALLANG_BANK_ACCOUNT": "" turns bank transfer off.
	Env map[string]string
	// Beside is a shop whose database and clock the new one shares, as a
	// second app node on the same database does.
	Beside *Shop
}

// Shop is a wired test shop. The embedded App gives its services (Catalog,
// Accounts, Orders(), Payments(), TestPay()…), its database (DB) and its
// Handler.
type Shop struct {
	*app.App
	// Clock is the time every service reads; move it to let time pass.
	Clock *fake.Clock
	// Logs holds what the shop logged, as JSON lines, at info and above.
	Logs *Logs
}

// New builds a test shop with opts and closes it when the test ends.
func New(t testing.TB, opts Options) *Shop {
	t.Helper()
	env := map[string]string{
		"MALLANG_DATA_DIR":         t.TempDir(), // the media bucket lives here
		"MALLANG_BASE_URL":         BaseURL,
		"MALLANG_SECRET_KEY":       secretKey,
		"MALLANG_LOG_LEVEL":        "warn", // no line per request
		"MALLANG_DEMO":             "false",
		"MALLANG_TESTPAY":          "true",
		"MALLANG_BANK_NAME":        Bank.Bank,
		"MALLANG_BANK_ACCOUNT":     Bank.Account,
		"MALLANG_BANK_HOLDER":      Bank.Holder,
		"MALLANG_BUYER_PROTECTION": BuyerProtection,
		"MALLANG_DEPOSIT_WITHIN":   DepositWithin.String(),
	}
	maps.Copy(env, opts.Env)
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatalf("apptest: %v", err)
	}
	start := opts.Start
	if start.IsZero() {
		start = Start
	}
	s := &Shop{Clock: fake.NewClock(start), Logs: &Logs{}}
	d := opts.Beside.db(t)
	if opts.Beside != nil {
		s.Clock = opts.Beside.Clock
	}
	log := slog.New(slog.NewJSONHandler(s.Logs, nil))
	s.App, err = app.NewWith(context.Background(), cfg, log, "test", app.Options{
		DB: d, Now: s.Clock.Now, Providers: opts.Providers,
	})
	if err != nil {
		t.Fatalf("apptest: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("apptest: close: %v", err)
		}
	})
	return s
}

// db is the database of s, or a fresh one when s is nil.
func (s *Shop) db(t testing.TB) *db.DB {
	if s == nil {
		return dbtest.New(t)
	}
	return s.DB
}

// NewServer builds a test shop like New and serves it on a loopback port
// until the test ends, with the server's address (http://127.0.0.1:port) as
// the shop's base URL, for tests that drive it as a browser does.
func NewServer(t testing.TB, opts Options) (*Shop, *httptest.Server) {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	env := map[string]string{"MALLANG_BASE_URL": "http://" + srv.Listener.Addr().String()}
	maps.Copy(env, opts.Env)
	opts.Env = env
	s := New(t, opts)
	srv.Config.Handler = s.Handler()
	srv.Start()
	t.Cleanup(srv.Close)
	return s, srv
}

// Block makes the honeypot block ip, as repeated attempts at the fake
// admin login do, so every login form refuses it.
func (s *Shop) Block(t testing.TB, ip string) {
	t.Helper()
	for i := range honeypot.DefaultBlockAfter {
		a := honeypot.Attempt{IP: ip, UserAgent: "apptest", Username: "admin" + strconv.Itoa(i)}
		if _, err := s.Trap().Record(t.Context(), a); err != nil {
			t.Fatalf("apptest: block %s: %v", ip, err)
		}
	}
	if ok, err := s.Trap().Blocked(t.Context(), ip); err != nil || !ok {
		t.Fatalf("apptest: %s not blocked: %v", ip, err)
	}
}

// Logs is a log sink that is safe for the handlers' concurrent writes.
type Logs struct {
	mu sync.Mutex // guards b
	b  bytes.Buffer
}

// Write appends p.
func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns everything written so far.
func (l *Logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
