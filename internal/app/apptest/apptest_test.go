package apptest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/app/apptest"
	"github.com/mallang/mallang/internal/payment"
)

// quietpay is a provider that is never called; it only has to be listed.
type quietpay struct{ payment.Provider }

func (quietpay) Name() string { return "quietpay" }

func TestNew(t *testing.T) {
	t.Parallel()
	s := apptest.New(t, apptest.Options{Providers: []payment.Provider{quietpay{}}})

	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), "GET", "/healthz", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /healthz = %d", rec.Code)
	}
	// The middleware of the real router answered.
	for _, h := range []string{"X-Request-Id", "Content-Security-Policy", "Strict-Transport-Security"} {
		if rec.Header().Get(h) == "" {
			t.Errorf("header %s missing", h)
		}
	}
	// A state-changing request a browser marks as cross-site is refused.
	req := httptest.NewRequestWithContext(t.Context(), "POST", "/api/v1/auth/token", strings.NewReader("{}"))
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	rec = httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("cross-site POST = %d, want 403", rec.Code)
	}

	if got := s.Payments().Methods(t.Context()); !slices.Contains(got, "testpay") || !slices.Contains(got, "quietpay") || !slices.Contains(got, payment.BankTransfer) {
		t.Errorf("methods = %v", got)
	}
	if bank, _ := s.Payments().Bank(t.Context()); bank != apptest.Bank {
		t.Errorf("bank = %+v", bank)
	}
	if s.TestPay() == nil {
		t.Error("no test provider")
	}

	// Services read the fake clock.
	s.Clock.Advance(time.Hour)
	u, err := s.Accounts.CreateSuperuser(context.Background(), "boss@example.com", "사장님", "사장님의 아주 긴 비밀번호")
	if err != nil {
		t.Fatal(err)
	}
	if want := apptest.Start.Add(time.Hour); !u.CreatedAt.Equal(want) {
		t.Errorf("created at %v, want %v", u.CreatedAt, want)
	}

	s.Block(t, "198.51.100.66")
}

func TestNewWithoutBank(t *testing.T) {
	t.Parallel()
	s := apptest.New(t, apptest.Options{Env: map[string]string{"MALLANG_BANK_ACCOUNT": ""}})
	if s.Payments().Enabled(t.Context(), payment.BankTransfer) {
		t.Error("bank transfer enabled without an account")
	}
}
