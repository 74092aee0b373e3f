package paypal_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/paypal"
	"github.com/mallang/mallang/internal/payment/paypal/paypaltest"
)

// setup starts a fake and an adapter pointed at it, pricing in cur at
// rate won per unit.
func setup(t *testing.T, cur, rate string, timeout time.Duration) (*paypaltest.Server, *paypal.Provider) {
	t.Helper()
	fake := paypaltest.NewServer()
	t.Cleanup(fake.Close)
	p, err := paypal.New(paypal.Config{
		ClientID:   paypaltest.ClientID,
		Secret:     paypaltest.Secret,
		WebhookID:  paypaltest.WebhookID,
		BaseURL:    fake.URL(),
		Currency:   cur,
		KRWPerUnit: rate,
	}, &http.Client{Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	return fake, p
}

func prepare(t *testing.T, p *paypal.Provider, ref string, won int64) payment.Prepared {
	t.Helper()
	pr, err := p.Prepare(t.Context(), payment.PrepareRequest{
		Reference:      ref,
		OrderName:      "티셔츠 외 2건",
		CustomerRef:    "u42",
		Amount:         payment.Amount{Total: won, Currency: "KRW"},
		ReturnURL:      "https://shop.example/pay/paypal/return",
		CancelURL:      "https://shop.example/pay/paypal/cancel",
		FailURL:        "https://shop.example/pay/paypal/fail",
		IdempotencyKey: ref + "-prepare",
	})
	if err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	return pr
}

func confirm(p *paypal.Provider, t *testing.T, pr payment.Prepared, q url.Values, key string) (payment.Result, error) {
	return p.Confirm(t.Context(), payment.ConfirmRequest{
		Reference:         "ORDER-0001",
		ProviderPaymentID: pr.ProviderPaymentID,
		Query:             q,
		Expected:          pr.Charge,
		IdempotencyKey:    key,
	})
}

func capturePath(id string) string { return "/v2/checkout/orders/" + id + "/capture" }

func TestNew(t *testing.T) {
	t.Parallel()
	good := paypal.Config{ClientID: "id", Secret: "s3cret-value", KRWPerUnit: "1385.50"}
	tests := []struct {
		name    string
		edit    func(*paypal.Config)
		wantErr string
	}{
		{"valid, defaults", func(*paypal.Config) {}, ""},
		{"sandbox euro", func(c *paypal.Config) { c.BaseURL = paypal.SandboxURL; c.Currency = "eur" }, ""},
		{"no client id", func(c *paypal.Config) { c.ClientID = "" }, "ClientID"},
		{"no secret", func(c *paypal.Config) { c.Secret = "" }, "Secret"},
		{"no rate", func(c *paypal.Config) { c.KRWPerUnit = "" }, "KRWPerUnit"},
		{"float-looking rate", func(c *paypal.Config) { c.KRWPerUnit = "1.3855e3" }, "KRWPerUnit"},
		{"won", func(c *paypal.Config) { c.Currency = "KRW" }, "does not take Korean won"},
		{"unsupported", func(c *paypal.Config) { c.Currency = "RUB" }, "Currency"},
		{"bad base url", func(c *paypal.Config) { c.BaseURL = "api-m.paypal.com" }, "BaseURL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := good
			tt.edit(&cfg)
			p, err := paypal.New(cfg, nil)
			if tt.wantErr == "" {
				if err != nil || p.Name() != "paypal" {
					t.Fatalf("New = %v, %v; want a provider named paypal", p, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New error = %v, want one naming %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), cfg.Secret) && cfg.Secret != "" {
				t.Errorf("error %q reveals the secret", err)
			}
		})
	}
}

func TestPrepareAndConfirm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, currency, rate string
		won                  int64
		want                 payment.Amount
		wantValue            string
	}{
		{"dollars", "USD", "1385.50", 138550, payment.Amount{Total: 10000, Currency: "USD"}, `"value":"100.00"`},
		{"rounded cents", "USD", "1385.50", 12900, payment.Amount{Total: 931, Currency: "USD"}, `"value":"9.31"`},
		{"yen without decimals", "JPY", "9.05", 100000, payment.Amount{Total: 11050, Currency: "JPY"}, `"value":"11050"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake, p := setup(t, tt.currency, tt.rate, 5*time.Second)
			pr := prepare(t, p, "ORDER-0001", tt.won)
			if pr.Charge != tt.want {
				t.Errorf("Charge = %+v, want %+v", pr.Charge, tt.want)
			}
			if pr.ProviderPaymentID == "" || !strings.Contains(pr.RedirectURL, "token="+pr.ProviderPaymentID) {
				t.Errorf("Prepared = %+v, want an order id and its approval link", pr)
			}
			if !strings.Contains(string(pr.Raw), tt.wantValue) {
				t.Errorf("Raw = %s, want %s", pr.Raw, tt.wantValue)
			}
			// A retried Prepare with the same key is the same order.
			if again := prepare(t, p, "ORDER-0001", tt.won); again.ProviderPaymentID != pr.ProviderPaymentID {
				t.Errorf("retried Prepare made order %s, want %s again", again.ProviderPaymentID, pr.ProviderPaymentID)
			}

			// Before the buyer pays, the order is pending.
			res, err := p.Lookup(t.Context(), payment.LookupRequest{ProviderPaymentID: pr.ProviderPaymentID})
			if err != nil || res.Status != payment.StatusPending {
				t.Fatalf("Lookup before approval = %+v, %v; want pending", res, err)
			}

			q := fake.Approve(pr.ProviderPaymentID)
			res, err = confirm(p, t, pr, q, "ORDER-0001-confirm")
			if err != nil {
				t.Fatalf("Confirm: %v", err)
			}
			if res.Status != payment.StatusPaid || res.Charged != tt.want || res.CaptureID == "" ||
				res.ProviderPaymentID != pr.ProviderPaymentID || res.PaidAt.IsZero() || res.Method != "paypal" || len(res.Raw) == 0 {
				t.Errorf("Confirm = %+v, want paid %+v with a capture id", res, tt.want)
			}
			if n := fake.Calls(capturePath(pr.ProviderPaymentID)); n != 1 {
				t.Errorf("capture called %d times, want 1", n)
			}
			got, err := p.Lookup(t.Context(), payment.LookupRequest{Reference: "ORDER-0001", ProviderPaymentID: pr.ProviderPaymentID})
			if err != nil || got.Status != payment.StatusPaid || got.CaptureID != res.CaptureID || got.Charged != tt.want {
				t.Errorf("Lookup after capture = %+v, %v; want paid with capture %s", got, err, res.CaptureID)
			}
		})
	}
}

func TestPrepareRefusesBelowOneMinorUnit(t *testing.T) {
	t.Parallel()
	fake, p := setup(t, "USD", "1385.50", 5*time.Second)
	_, err := p.Prepare(t.Context(), payment.PrepareRequest{
		Reference: "ORDER-0002", Amount: payment.Amount{Total: 5, Currency: "KRW"},
		ReturnURL: "https://shop.example/r", CancelURL: "https://shop.example/c",
	})
	if err == nil {
		t.Fatal("Prepare of 5 won in USD succeeded, want an error: it rounds to 0.00")
	}
	if n := fake.Calls("/v2/checkout/orders"); n != 0 {
		t.Errorf("create order called %d times, want 0", n)
	}
}

func TestConfirmRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// buyer acts in PayPal's window and returns the query we receive.
		buyer        func(fake *paypaltest.Server, orderID, otherID string) url.Values
		wantCode     string
		wantCaptures int
	}{
		{"not approved", func(_ *paypaltest.Server, id, _ string) url.Values {
			return url.Values{"token": {id}}
		}, "ORDER_NOT_APPROVED", 1},
		{"buyer cancelled", func(f *paypaltest.Server, id, _ string) url.Values {
			return f.Cancel(id)
		}, "ORDER_NOT_APPROVED", 1},
		{"token of another order", func(f *paypaltest.Server, _, other string) url.Values {
			return f.Approve(other)
		}, paypal.CodeTokenMismatch, 0},
		{"no token", func(*paypaltest.Server, string, string) url.Values {
			return url.Values{"PayerID": {"X"}}
		}, paypal.CodeTokenMismatch, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake, p := setup(t, "USD", "1385.50", 5*time.Second)
			pr := prepare(t, p, "ORDER-0003", 138550)
			other := prepare(t, p, "ORDER-0004", 1386)
			_, err := confirm(p, t, pr, tt.buyer(fake, pr.ProviderPaymentID, other.ProviderPaymentID), "ORDER-0003-confirm")
			d, ok := payment.AsDeclined(err)
			if !ok || d.Code != tt.wantCode || d.Message == "" {
				t.Fatalf("Confirm error = %v, want Declined %s with a message", err, tt.wantCode)
			}
			if n := fake.Calls(capturePath(pr.ProviderPaymentID)); n != tt.wantCaptures {
				t.Errorf("capture called %d times, want %d", n, tt.wantCaptures)
			}
			if n := fake.Calls(capturePath(other.ProviderPaymentID)); n != 0 {
				t.Errorf("the other order was captured %d times, want 0", n)
			}
		})
	}
}

func TestConfirmCaptureDeclined(t *testing.T) {
	t.Parallel()
	fake, p := setup(t, "USD", "1385.50", 5*time.Second)
	pr := prepare(t, p, "ORDER-0005", 138550)
	q := fake.Approve(pr.ProviderPaymentID)
	fake.DeclineNextCapture(pr.ProviderPaymentID)
	res, err := confirm(p, t, pr, q, "ORDER-0005-confirm")
	if err != nil {
		t.Fatalf("Confirm: %v", err)
	}
	if res.Status != payment.StatusFailed || res.FailureCode != "DECLINED" || res.FailureMessage == "" || !res.PaidAt.IsZero() {
		t.Errorf("Confirm = %+v, want failed with code DECLINED", res)
	}
	// The order is COMPLETED at PayPal, yet nothing was paid; a second
	// confirm must not turn that into a payment.
	res, err = confirm(p, t, pr, q, "ORDER-0005-confirm-2")
	if err != nil || res.Status != payment.StatusFailed {
		t.Errorf("second Confirm = %+v, %v; want failed", res, err)
	}
}

func TestConfirmReportsWhatPayPalCharged(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		tamper   string // the order's amount changed before capture; "" leaves it
		expected int64
		want     int64
	}{
		{"order patched to a cent", "0.01", 10000, 1},
		{"record says more than the order", "", 20000, 10000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake, p := setup(t, "USD", "1385.50", 5*time.Second)
			pr := prepare(t, p, "ORDER-0006", 138550)
			q := fake.Approve(pr.ProviderPaymentID)
			if tt.tamper != "" && !fake.SetAmount(pr.ProviderPaymentID, tt.tamper) {
				t.Fatal("SetAmount: no such order")
			}
			res, err := p.Confirm(t.Context(), payment.ConfirmRequest{
				Reference:         "ORDER-0006",
				ProviderPaymentID: pr.ProviderPaymentID,
				Query:             q,
				Expected:          payment.Amount{Total: tt.expected, Currency: "USD"},
				IdempotencyKey:    "ORDER-0006-confirm",
			})
			if err != nil {
				t.Fatalf("Confirm: %v", err)
			}
			if res.Charged.Total != tt.want || res.Charged.Currency != "USD" {
				t.Errorf("Charged = %+v, want PayPal's %d USD (request said %d)", res.Charged, tt.want, tt.expected)
			}
		})
	}
}

func TestUnknownOutcome(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		disrupt func(f *paypaltest.Server, orderID string)
		// captured is whether the capture took effect despite the error.
		captured bool
	}{
		{"capture times out", func(f *paypaltest.Server, id string) { f.DelayNext(capturePath(id), 5*time.Second) }, true},
		{"capture answers 500", func(f *paypaltest.Server, id string) { f.FailNext(capturePath(id), http.StatusInternalServerError) }, false},
		{"capture answers 503", func(f *paypaltest.Server, id string) { f.FailNext(capturePath(id), http.StatusServiceUnavailable) }, false},
		{"token answers 500", func(f *paypaltest.Server, _ string) {
			f.ExpireTokens()
			f.FailNext("/v1/oauth2/token", http.StatusInternalServerError)
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake, p := setup(t, "USD", "1385.50", 300*time.Millisecond)
			pr := prepare(t, p, "ORDER-0007", 138550)
			q := fake.Approve(pr.ProviderPaymentID)
			tt.disrupt(fake, pr.ProviderPaymentID)
			_, err := confirm(p, t, pr, q, "ORDER-0007-confirm")
			if !errors.Is(err, payment.ErrUnknownOutcome) {
				t.Fatalf("Confirm error = %v, want ErrUnknownOutcome", err)
			}
			if _, ok := payment.AsDeclined(err); ok {
				t.Errorf("Confirm error %v is also Declined; an unknown outcome is no refusal", err)
			}
			// The service looks the payment up next.
			res, err := p.Lookup(t.Context(), payment.LookupRequest{ProviderPaymentID: pr.ProviderPaymentID})
			if err != nil {
				t.Fatalf("Lookup: %v", err)
			}
			if got := res.Status == payment.StatusPaid; got != tt.captured {
				t.Errorf("after the failure Lookup says %s, want paid=%v", res.Status, tt.captured)
			}
			// Retrying with the same key settles it, capturing once.
			res2, err := confirm(p, t, pr, q, "ORDER-0007-confirm")
			if err != nil || res2.Status != payment.StatusPaid {
				t.Fatalf("retried Confirm = %+v, %v; want paid", res2, err)
			}
			if tt.captured && res2.CaptureID != res.CaptureID {
				t.Errorf("retry captured %s, want the first capture %s", res2.CaptureID, res.CaptureID)
			}
		})
	}
}

func TestConfirmTwice(t *testing.T) {
	t.Parallel()
	fake, p := setup(t, "USD", "1385.50", 5*time.Second)
	pr := prepare(t, p, "ORDER-0008", 138550)
	q := fake.Approve(pr.ProviderPaymentID)
	first, err := confirm(p, t, pr, q, "ORDER-0008-confirm")
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{
		"ORDER-0008-confirm",   // same key: PayPal replays the first capture
		"ORDER-0008-confirm-b", // a new key: ORDER_ALREADY_CAPTURED, then a lookup
	} {
		res, err := confirm(p, t, pr, q, key)
		if err != nil {
			t.Fatalf("Confirm again with key %s: %v", key, err)
		}
		if res.Status != payment.StatusPaid || res.CaptureID != first.CaptureID || res.Charged != first.Charged {
			t.Errorf("Confirm again with key %s = %+v, want %+v", key, res, first)
		}
	}
	if n := fake.Calls("/v2/checkout/orders/" + pr.ProviderPaymentID); n != 1 {
		t.Errorf("order looked up %d times, want 1 (after ORDER_ALREADY_CAPTURED)", n)
	}
}

func TestConcurrentConfirms(t *testing.T) {
	t.Parallel()
	fake, p := setup(t, "USD", "1385.50", 5*time.Second)
	pr := prepare(t, p, "ORDER-0009", 138550)
	q := fake.Approve(pr.ProviderPaymentID)
	var wg sync.WaitGroup
	results := make([]payment.Result, 8)
	errs := make([]error, 8)
	for i := range results {
		wg.Go(func() { results[i], errs[i] = confirm(p, t, pr, q, "ORDER-0009-confirm") })
	}
	wg.Wait()
	for i := range results {
		if errs[i] != nil || results[i].Status != payment.StatusPaid || results[i].CaptureID != results[0].CaptureID {
			t.Errorf("confirm %d = %+v, %v; want paid with capture %s", i, results[i], errs[i], results[0].CaptureID)
		}
	}
	if n := fake.Calls("/v1/oauth2/token"); n != 1 {
		t.Errorf("token fetched %d times, want 1 (cached, shared)", n)
	}
}

func TestRefund(t *testing.T) {
	t.Parallel()
	fake, p := setup(t, "USD", "1385.50", 5*time.Second)
	pr := prepare(t, p, "ORDER-0010", 138550)
	res, err := confirm(p, t, pr, fake.Approve(pr.ProviderPaymentID), "ORDER-0010-confirm")
	if err != nil {
		t.Fatal(err)
	}
	refund := func(key string, amount int64, full bool, captureID string) (payment.RefundResult, error) {
		return p.Refund(t.Context(), payment.RefundRequest{
			Reference: "ORDER-0010", ProviderPaymentID: pr.ProviderPaymentID, CaptureID: captureID,
			Amount: payment.Amount{Total: amount, Currency: "USD"}, Full: full,
			Reason: "고객 요청", IdempotencyKey: key,
		})
	}
	steps := []struct {
		name         string
		key          string
		amount       int64
		full         bool
		captureID    string
		wantRefunded int64
		wantCode     string
		wantStatus   payment.Status
		wantCanceled int64
	}{
		{"partial", "r1", 3000, false, res.CaptureID, 3000, "", payment.StatusPartiallyCancelled, 3000},
		{"partial retried", "r1", 3000, false, res.CaptureID, 3000, "", payment.StatusPartiallyCancelled, 3000},
		{"over the balance", "r2", 7001, false, res.CaptureID, 0, "REFUND_AMOUNT_EXCEEDED", payment.StatusPartiallyCancelled, 3000},
		{"second partial, capture found by order", "r3", 2000, false, "", 2000, "", payment.StatusPartiallyCancelled, 5000},
		{"the rest", "r4", 5000, true, res.CaptureID, 5000, "", payment.StatusCancelled, 10000},
		{"nothing left", "r5", 100, false, res.CaptureID, 0, "CAPTURE_FULLY_REFUNDED", payment.StatusCancelled, 10000},
	}
	ids := map[string]string{}
	for _, st := range steps {
		got, err := refund(st.key, st.amount, st.full, st.captureID)
		if st.wantCode != "" {
			if d, ok := payment.AsDeclined(err); !ok || d.Code != st.wantCode {
				t.Fatalf("%s: Refund error = %v, want Declined %s", st.name, err, st.wantCode)
			}
		} else {
			if err != nil {
				t.Fatalf("%s: Refund: %v", st.name, err)
			}
			if got.Refunded != st.wantRefunded || got.ProviderRefundID == "" || len(got.Raw) == 0 {
				t.Errorf("%s: Refund = %+v, want %d refunded", st.name, got, st.wantRefunded)
			}
			if prev, ok := ids[st.key]; ok && prev != got.ProviderRefundID {
				t.Errorf("%s: retried refund made %s, want %s again", st.name, got.ProviderRefundID, prev)
			}
			ids[st.key] = got.ProviderRefundID
		}
		now, err := p.Lookup(t.Context(), payment.LookupRequest{ProviderPaymentID: pr.ProviderPaymentID})
		if err != nil || now.Status != st.wantStatus || now.Cancelled != st.wantCanceled || now.Charged.Total != 10000 {
			t.Errorf("%s: Lookup = %+v, %v; want %s with %d refunded of 10000", st.name, now, err, st.wantStatus, st.wantCanceled)
		}
	}
}

func TestRefundUnknownCapture(t *testing.T) {
	t.Parallel()
	_, p := setup(t, "USD", "1385.50", 5*time.Second)
	_, err := p.Refund(t.Context(), payment.RefundRequest{CaptureID: "NOSUCHCAPTURE0001", Amount: payment.Amount{Total: 100, Currency: "USD"}, Full: true})
	if !errors.Is(err, payment.ErrNotFound) {
		t.Errorf("Refund of an unknown capture = %v, want ErrNotFound", err)
	}
}

func TestLookupNotFound(t *testing.T) {
	t.Parallel()
	fake, p := setup(t, "USD", "1385.50", 5*time.Second)
	for _, r := range []payment.LookupRequest{
		{ProviderPaymentID: "5O190127TN364715T"},
		{Reference: "ORDER-0011"}, // PayPal cannot search by custom_id
	} {
		if _, err := p.Lookup(t.Context(), r); !errors.Is(err, payment.ErrNotFound) {
			t.Errorf("Lookup(%+v) = %v, want ErrNotFound", r, err)
		}
	}
	if n := fake.Calls("/v2/checkout/orders/5O190127TN364715T"); n != 1 {
		t.Errorf("unknown order asked %d times, want 1", n)
	}
}

func TestCredentials(t *testing.T) {
	t.Parallel()
	fake := paypaltest.NewServer()
	t.Cleanup(fake.Close)
	const wrong = "not-the-secret-XYZ"
	p, err := paypal.New(paypal.Config{ClientID: paypaltest.ClientID, Secret: wrong, BaseURL: fake.URL(), KRWPerUnit: "1385.50"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Prepare(t.Context(), payment.PrepareRequest{
		Reference: "ORDER-0012", Amount: payment.Amount{Total: 138550, Currency: "KRW"},
		ReturnURL: "https://shop.example/r", CancelURL: "https://shop.example/c",
	})
	if !errors.Is(err, paypal.ErrCredentials) {
		t.Fatalf("Prepare with a wrong secret = %v, want ErrCredentials", err)
	}
	if _, ok := payment.AsDeclined(err); ok || errors.Is(err, payment.ErrUnknownOutcome) {
		t.Errorf("error %v is Declined or unknown-outcome; want a credentials error only", err)
	}
	if !strings.Contains(err.Error(), "invalid_client") || strings.Contains(err.Error(), wrong) {
		t.Errorf("error %q: want PayPal's invalid_client and never the secret", err)
	}
	if n := fake.Calls("/v2/checkout/orders"); n != 0 {
		t.Errorf("create order called %d times without a token, want 0", n)
	}
}

func TestToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// between runs between the first and second lookup.
		between  func(*paypaltest.Server)
		lifetime time.Duration
		// wantTokens counts token calls over Prepare and both lookups.
		wantTokens int
		wantGets   int
	}{
		{"cached", func(*paypaltest.Server) {}, 0, 1, 2},
		{"revoked: 401, new token, one retry", (*paypaltest.Server).ExpireTokens, 0, 2, 3},
		{"lifetime inside the margin: fetched per call", func(*paypaltest.Server) {}, 30 * time.Second, 3, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake, p := setup(t, "USD", "1385.50", 5*time.Second)
			if tt.lifetime > 0 {
				fake.SetTokenLifetime(tt.lifetime)
			}
			pr := prepare(t, p, "ORDER-0013", 138550)
			path := "/v2/checkout/orders/" + pr.ProviderPaymentID
			if _, err := p.Lookup(t.Context(), payment.LookupRequest{ProviderPaymentID: pr.ProviderPaymentID}); err != nil {
				t.Fatal(err)
			}
			tt.between(fake)
			if _, err := p.Lookup(t.Context(), payment.LookupRequest{ProviderPaymentID: pr.ProviderPaymentID}); err != nil {
				t.Fatalf("second Lookup: %v", err)
			}
			// Over Prepare and both lookups.
			if n := fake.Calls("/v1/oauth2/token"); n != tt.wantTokens {
				t.Errorf("token fetched %d times, want %d", n, tt.wantTokens)
			}
			if n := fake.Calls(path); n != tt.wantGets {
				t.Errorf("order fetched %d times, want %d", n, tt.wantGets)
			}
		})
	}
}
