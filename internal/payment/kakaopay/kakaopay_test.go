package kakaopay_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/kakaopay"
	"github.com/mallang/mallang/internal/payment/kakaopay/kakaopaytest"
)

// clock is the fake's fixed time: 19:30 in Seoul.
var clock = time.Date(2025, 3, 14, 10, 30, 0, 0, time.UTC)

func won(total, taxFree int64) payment.Amount {
	return payment.Amount{Total: total, TaxFree: taxFree, Currency: "KRW"}
}

// setup starts a fake and an adapter pointed at it. A nil client is the
// adapter's default.
func setup(t *testing.T, client *http.Client) (*kakaopay.Provider, *kakaopaytest.Server) {
	t.Helper()
	srv := kakaopaytest.NewServer(kakaopaytest.WithNow(func() time.Time { return clock }))
	t.Cleanup(srv.Close)
	p, err := kakaopay.New(kakaopay.Config{
		SecretKey: kakaopaytest.SecretKey,
		CID:       kakaopaytest.CID,
		BaseURL:   srv.URL(),
	}, client)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return p, srv
}

func prepareRequest(ref string, amount payment.Amount) payment.PrepareRequest {
	return payment.PrepareRequest{
		Reference:   ref,
		OrderName:   "티셔츠 외 2건",
		CustomerRef: "u42",
		Amount:      amount,
		ReturnURL:   "https://shop.example/pay/kakaopay/return",
		CancelURL:   "https://shop.example/pay/kakaopay/cancel",
		FailURL:     "https://shop.example/pay/kakaopay/fail",
	}
}

// prepare registers a payment of amount and returns its tid.
func prepare(t *testing.T, p *kakaopay.Provider, ref string, amount payment.Amount) string {
	t.Helper()
	got, err := p.Prepare(t.Context(), prepareRequest(ref, amount))
	if err != nil {
		t.Fatalf("Prepare %s: %v", ref, err)
	}
	return got.ProviderPaymentID
}

func confirmRequest(ref, tid string, q url.Values, expected payment.Amount) payment.ConfirmRequest {
	return payment.ConfirmRequest{
		Reference:         ref,
		ProviderPaymentID: tid,
		Query:             q,
		Expected:          expected,
		CustomerRef:       "u42",
	}
}

// paid prepares, lets the buyer approve and confirms a payment of amount.
func paid(t *testing.T, p *kakaopay.Provider, srv *kakaopaytest.Server, ref string, amount payment.Amount) string {
	t.Helper()
	tid := prepare(t, p, ref, amount)
	if _, err := p.Confirm(t.Context(), confirmRequest(ref, tid, srv.Approve(tid), amount)); err != nil {
		t.Fatalf("Confirm %s: %v", ref, err)
	}
	return tid
}

func wantDeclined(t *testing.T, err error, code string) *payment.Declined {
	t.Helper()
	d, ok := payment.AsDeclined(err)
	if !ok {
		t.Fatalf("error = %v, want *payment.Declined %s", err, code)
	}
	if d.Code != code {
		t.Fatalf("Declined.Code = %q (%s), want %q", d.Code, d.Message, code)
	}
	if d.Message == "" {
		t.Fatalf("Declined %s has no message", d.Code)
	}
	return d
}

func TestNew(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     kakaopay.Config
		wantErr string // "" for success
	}{
		{"complete", kakaopay.Config{SecretKey: "DEVKEY", CID: "TC0ONETIME"}, ""},
		{"base URL", kakaopay.Config{SecretKey: "DEVKEY", CID: "TC0ONETIME", BaseURL: "http://127.0.0.1:9/"}, ""},
		{"no secret key", kakaopay.Config{CID: "TC0ONETIME"}, "SecretKey"},
		{"blank secret key", kakaopay.Config{SecretKey: "  ", CID: "TC0ONETIME"}, "SecretKey"},
		{"no CID", kakaopay.Config{SecretKey: "DEVKEY"}, "CID"},
		{"relative base URL", kakaopay.Config{SecretKey: "DEVKEY", CID: "TC0ONETIME", BaseURL: "open-api.kakaopay.com"}, "BaseURL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := kakaopay.New(tt.cfg, nil)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				if p.Name() != "kakaopay" {
					t.Fatalf("Name = %q, want kakaopay", p.Name())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New error = %v, want one naming %s", err, tt.wantErr)
			}
			if tt.cfg.SecretKey != "" && strings.TrimSpace(tt.cfg.SecretKey) != "" &&
				strings.Contains(err.Error(), tt.cfg.SecretKey) {
				t.Fatalf("error %q shows the secret key", err)
			}
		})
	}
}

func TestServerErrorsAreUnknownOutcomes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path   string
		status int
	}{
		{kakaopaytest.ReadyPath, http.StatusInternalServerError},
		{kakaopaytest.ApprovePath, http.StatusBadGateway},
		{kakaopaytest.OrderPath, http.StatusServiceUnavailable},
		{kakaopaytest.CancelPath, http.StatusInternalServerError},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			p, srv := setup(t, nil)
			tid := prepare(t, p, "ord-5xx", won(15000, 0))
			q := srv.Approve(tid)
			ctx := t.Context()
			srv.FailNext(tt.path, tt.status) // only the call to tt.path fails
			var err error
			switch tt.path {
			case kakaopaytest.ReadyPath:
				_, err = p.Prepare(ctx, prepareRequest("ord-5xx-2", won(15000, 0)))
			case kakaopaytest.ApprovePath:
				_, err = p.Confirm(ctx, confirmRequest("ord-5xx", tid, q, won(15000, 0)))
			case kakaopaytest.OrderPath:
				_, err = p.Lookup(ctx, payment.LookupRequest{ProviderPaymentID: tid})
			case kakaopaytest.CancelPath:
				if _, err := p.Confirm(ctx, confirmRequest("ord-5xx", tid, q, won(15000, 0))); err != nil {
					t.Fatalf("Confirm: %v", err)
				}
				_, err = p.Refund(ctx, payment.RefundRequest{ProviderPaymentID: tid, Amount: won(15000, 0), Balance: 15000})
			}
			if !errors.Is(err, payment.ErrUnknownOutcome) {
				t.Fatalf("HTTP %d on %s = %v, want ErrUnknownOutcome", tt.status, tt.path, err)
			}
			if _, ok := payment.AsDeclined(err); ok {
				t.Fatalf("HTTP %d must not look like a refusal: %v", tt.status, err)
			}
		})
	}
}

func TestWrongSecretKey(t *testing.T) {
	t.Parallel()
	srv := kakaopaytest.NewServer()
	t.Cleanup(srv.Close)
	const wrong = "DEVWRONGKEY0123456789"
	p, err := kakaopay.New(kakaopay.Config{SecretKey: wrong, CID: kakaopaytest.CID, BaseURL: srv.URL()}, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	_, err = p.Prepare(t.Context(), prepareRequest("ord-key", won(1000, 0)))
	wantDeclined(t, err, "-401")
	if strings.Contains(err.Error(), wrong) {
		t.Fatalf("error %q shows the secret key", err)
	}
}

func TestParseWebhook(t *testing.T) {
	t.Parallel()
	p, _ := setup(t, nil)
	tests := []struct {
		name string
		body string
	}{
		{"empty", ""},
		{"payment-shaped", `{"tid":"T1234567890123456789","status":"SUCCESS_PAYMENT"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := p.ParseWebhook(t.Context(), http.Header{}, []byte(tt.body))
			if !errors.Is(err, payment.ErrNoWebhooks) {
				t.Fatalf("ParseWebhook = %v, want ErrNoWebhooks", err)
			}
		})
	}
}
