package portone_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/portone"
	"github.com/mallang/mallang/internal/payment/portone/portonetest"
)

// setup starts a fake and an adapter pointed at it; edit changes the
// config first, client nil means a 5 s timeout.
func setup(t *testing.T, edit func(*portone.Config), client *http.Client) (*portone.Provider, *portonetest.Server) {
	t.Helper()
	fake := portonetest.NewServer()
	t.Cleanup(fake.Close)
	cfg := portone.Config{
		APISecret:      portonetest.APISecret,
		StoreID:        portonetest.StoreID,
		ChannelKey:     portonetest.ChannelKey,
		WebhookSecrets: []string{fake.Secret()},
		BaseURL:        fake.URL(),
	}
	if edit != nil {
		edit(&cfg)
	}
	if client == nil {
		client = &http.Client{Timeout: 5 * time.Second}
	}
	p, err := portone.New(cfg, client)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return p, fake
}

func krw(total, taxFree int64) payment.Amount {
	return payment.Amount{Total: total, TaxFree: taxFree, Currency: "KRW"}
}

func prepare(t *testing.T, p *portone.Provider, ref string, a payment.Amount) payment.Prepared {
	t.Helper()
	prep, err := p.Prepare(t.Context(), payment.PrepareRequest{
		Reference:     ref,
		OrderName:     "티셔츠 외 2건",
		CustomerRef:   "u42",
		CustomerName:  "김말랑",
		CustomerEmail: "buyer@example.com",
		Amount:        a,
		ReturnURL:     "https://shop.example/checkout/portone/return",
	})
	if err != nil {
		t.Fatalf("Prepare %s: %v", ref, err)
	}
	return prep
}

func wantDeclined(t *testing.T, err error, code string) {
	t.Helper()
	d, ok := payment.AsDeclined(err)
	if !ok {
		t.Fatalf("error = %v, want *payment.Declined %s", err, code)
	}
	if d.Code != code {
		t.Fatalf("Declined.Code = %q (%q), want %q", d.Code, d.Message, code)
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	ok := portone.Config{APISecret: "secret-value-1", StoreID: "store-1", ChannelKey: "channel-key-1"}
	tests := []struct {
		name    string
		edit    func(*portone.Config)
		wantErr string // "" = valid
	}{
		{"valid", func(*portone.Config) {}, ""},
		{"valid webhook secrets with and without prefix", func(c *portone.Config) {
			c.WebhookSecrets = []string{"whsec_c2VjcmV0LW9uZQ==", "c2VjcmV0LXR3bw=="}
		}, ""},
		{"no api secret", func(c *portone.Config) { c.APISecret = "" }, "APISecret"},
		{"no store", func(c *portone.Config) { c.StoreID = "" }, "StoreID"},
		{"no channel", func(c *portone.Config) { c.ChannelKey = "" }, "ChannelKey"},
		{"three webhook secrets", func(c *portone.Config) {
			c.WebhookSecrets = []string{"YQ==", "Yg==", "Yw=="}
		}, "WebhookSecrets"},
		{"webhook secret not base64", func(c *portone.Config) {
			c.WebhookSecrets = []string{"whsec_not*base64!"}
		}, "WebhookSecrets[0]"},
		{"relative base url", func(c *portone.Config) { c.BaseURL = "api.portone.io" }, "BaseURL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := ok
			tt.edit(&cfg)
			p, err := portone.New(cfg, nil)
			if tt.wantErr == "" {
				if err != nil || p == nil {
					t.Fatalf("New = %v, %v; want a provider", p, err)
				}
				if p.Name() != "portone" {
					t.Fatalf("Name = %q", p.Name())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New error = %v, want one naming %s", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "secret-value-1") || strings.Contains(err.Error(), "not*base64") {
				t.Fatalf("New error %q shows a secret", err)
			}
		})
	}
}

func TestPrepare(t *testing.T) {
	t.Parallel()
	p, fake := setup(t, nil, nil)
	prep := prepare(t, p, "order-1001", krw(15000, 1000))

	total, free, ok := fake.PreRegistered("order-1001")
	if !ok || total != 15000 || free != 1000 {
		t.Fatalf("pre-registered = %d, %d, %v; want 15000, 1000", total, free, ok)
	}
	if prep.ProviderPaymentID != "order-1001" || prep.RedirectURL != "" || prep.Charge != krw(15000, 1000) || prep.Raw == nil {
		t.Fatalf("Prepared = %+v", prep)
	}
	s := prep.Script
	if s == nil || s.SDK != "https://cdn.portone.io/v2/browser-sdk.js" || s.Kind != "portone" {
		t.Fatalf("Script = %+v", s)
	}
	want := map[string]any{
		"storeId":       portonetest.StoreID,
		"channelKey":    portonetest.ChannelKey,
		"paymentId":     "order-1001",
		"orderName":     "티셔츠 외 2건",
		"totalAmount":   int64(15000),
		"taxFreeAmount": int64(1000),
		"currency":      "CURRENCY_KRW",
		"payMethod":     "CARD",
		"redirectUrl":   "https://shop.example/checkout/portone/return",
	}
	for k, v := range want {
		if s.Params[k] != v {
			t.Errorf("Params[%q] = %#v, want %#v", k, s.Params[k], v)
		}
	}
	cust, _ := s.Params["customer"].(map[string]any)
	if cust["fullName"] != "김말랑" || cust["email"] != "buyer@example.com" {
		t.Errorf("Params[customer] = %#v", s.Params["customer"])
	}
}

func TestPrepareRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ref  string
		a    payment.Amount
	}{
		{"dollars", "order-2001", payment.Amount{Total: 1500, Currency: "USD"}},
		{"no currency", "order-2002", payment.Amount{Total: 1500}},
		{"zero", "order-2003", krw(0, 0)},
		{"tax-free above total", "order-2004", krw(1000, 1001)},
		{"short id", "o-1", krw(1000, 0)},
		{"id with a slash", "order/2006", krw(1000, 0)},
		{"non-ascii id", "주문-2007", krw(1000, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, fake := setup(t, nil, nil)
			_, err := p.Prepare(t.Context(), payment.PrepareRequest{Reference: tt.ref, Amount: tt.a})
			if err == nil {
				t.Fatal("Prepare succeeded")
			}
			if _, ok := payment.AsDeclined(err); ok {
				t.Fatalf("Prepare error %v is a Declined; want our own refusal", err)
			}
			if n := fake.Calls("/payments/" + tt.ref + "/pre-register"); n != 0 {
				t.Fatalf("pre-register called %d times", n)
			}
		})
	}
}

func TestPrepareAlreadyPaid(t *testing.T) {
	t.Parallel()
	p, fake := setup(t, nil, nil)
	prepare(t, p, "order-1002", krw(15000, 0))
	fake.Pay("order-1002", 15000)
	_, err := p.Prepare(t.Context(), payment.PrepareRequest{Reference: "order-1002", Amount: krw(15000, 0)})
	wantDeclined(t, err, "ALREADY_PAID")
}

func TestWrongAPIKey(t *testing.T) {
	t.Parallel()
	p, fake := setup(t, func(c *portone.Config) { c.APISecret = "wrong-secret-value" }, nil)
	fake.Pay("order-1003", 15000)

	_, err := p.Lookup(t.Context(), payment.LookupRequest{Reference: "order-1003"})
	wantDeclined(t, err, "UNAUTHORIZED")
	_, err = p.Prepare(t.Context(), payment.PrepareRequest{Reference: "order-1004", Amount: krw(1000, 0)})
	wantDeclined(t, err, "UNAUTHORIZED")
	if strings.Contains(err.Error(), "wrong-secret-value") {
		t.Fatalf("error %q shows the API secret", err)
	}
}

func TestConfirm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		pay    func(f *portonetest.Server, ref string) map[string][]string
		status payment.Status
		total  int64
		method string
	}{
		{"paid", func(f *portonetest.Server, ref string) map[string][]string {
			return f.Pay(ref, 15000)
		}, payment.StatusPaid, 15000, "CARD"},
		// The window charged 1,000 instead of the prepared 15,000: Charged
		// must be PortOne's figure so the service sees the mismatch.
		{"tampered amount", func(f *portonetest.Server, ref string) map[string][]string {
			return f.Pay(ref, 1000)
		}, payment.StatusPaid, 1000, "CARD"},
		{"virtual account issued", func(f *portonetest.Server, ref string) map[string][]string {
			return f.IssueVirtualAccount(ref, 15000)
		}, payment.StatusAwaitingDeposit, 15000, "VIRTUAL_ACCOUNT"},
		{"window still open", func(f *portonetest.Server, ref string) map[string][]string {
			f.Open(ref)
			return map[string][]string{"paymentId": {ref}}
		}, payment.StatusPending, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, fake := setup(t, nil, nil)
			const ref = "order-3001"
			prep := prepare(t, p, ref, krw(15000, 0))
			q := tt.pay(fake, ref)
			res, err := p.Confirm(t.Context(), payment.ConfirmRequest{
				Reference: ref, ProviderPaymentID: prep.ProviderPaymentID, Query: q, Expected: prep.Charge,
			})
			if err != nil {
				t.Fatalf("Confirm: %v", err)
			}
			if res.Status != tt.status || res.Charged.Total != tt.total || res.Charged.Currency != "KRW" || res.Method != tt.method {
				t.Fatalf("Result = status %s, charged %+v, method %q; want %s, %d KRW, %q", res.Status, res.Charged, res.Method, tt.status, tt.total, tt.method)
			}
			if res.ProviderPaymentID != ref || len(res.Raw) == 0 {
				t.Fatalf("Result id %q, raw %d bytes", res.ProviderPaymentID, len(res.Raw))
			}
			if (tt.status == payment.StatusPaid) == res.PaidAt.IsZero() {
				t.Fatalf("PaidAt = %v for status %s", res.PaidAt, res.Status)
			}
			if tt.status == payment.StatusAwaitingDeposit {
				d := res.Deposit
				if d == nil || d.Bank != "신한은행" || d.Account != portonetest.VirtualAccount || d.Holder != portonetest.VirtualHolder || d.Due.IsZero() {
					t.Fatalf("Deposit = %+v", d)
				}
			} else if res.Deposit != nil {
				t.Fatalf("Deposit = %+v for status %s", res.Deposit, res.Status)
			}
		})
	}
}

func TestConfirmDeclined(t *testing.T) {
	t.Parallel()
	const ref = "order-3101"
	tests := []struct {
		name    string
		query   func(f *portonetest.Server) map[string][]string
		code    string // "" = an error that is not a Declined
		lookups int
	}{
		{"window failed", func(f *portonetest.Server) map[string][]string {
			return f.Fail(ref, "PG_CARD_DECLINED", "한도 초과")
		}, "PG_CARD_DECLINED", 0},
		{"failed, return without code", func(f *portonetest.Server) map[string][]string {
			q := f.Fail(ref, "PG_CARD_DECLINED", "한도 초과")
			q.Del("code")
			q.Del("message")
			return q
		}, "PG_CARD_DECLINED", 1},
		{"return names another payment", func(f *portonetest.Server) map[string][]string {
			f.Pay(ref, 15000)
			return map[string][]string{"paymentId": {"order-9999"}}
		}, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, fake := setup(t, nil, nil)
			prepare(t, p, ref, krw(15000, 0))
			_, err := p.Confirm(t.Context(), payment.ConfirmRequest{Reference: ref, Query: tt.query(fake), Expected: krw(15000, 0)})
			if err == nil {
				t.Fatal("Confirm succeeded")
			}
			if tt.code != "" {
				wantDeclined(t, err, tt.code)
				if d, _ := payment.AsDeclined(err); d.Message != "한도 초과" {
					t.Fatalf("Declined.Message = %q", d.Message)
				}
			} else if _, ok := payment.AsDeclined(err); ok {
				t.Fatalf("error %v is a Declined", err)
			}
			if n := fake.Calls("/payments/" + ref); n != tt.lookups {
				t.Fatalf("lookups = %d, want %d", n, tt.lookups)
			}
		})
	}
}

func TestConfirmUnknownPayment(t *testing.T) {
	t.Parallel()
	p, _ := setup(t, nil, nil)
	prepare(t, p, "order-3201", krw(15000, 0))
	_, err := p.Confirm(t.Context(), payment.ConfirmRequest{
		Reference: "order-3201", Query: map[string][]string{"paymentId": {"order-3201"}}, Expected: krw(15000, 0),
	})
	if !errors.Is(err, payment.ErrNotFound) {
		t.Fatalf("Confirm = %v, want ErrNotFound", err)
	}
}

// TestConfirmTwice: a PortOne confirm is a lookup, so the second confirm of
// a settled payment returns the same settled Result.
func TestConfirmTwice(t *testing.T) {
	t.Parallel()
	p, fake := setup(t, nil, nil)
	const ref = "order-3301"
	prep := prepare(t, p, ref, krw(15000, 0))
	q := fake.Pay(ref, 15000)
	req := payment.ConfirmRequest{Reference: ref, ProviderPaymentID: prep.ProviderPaymentID, Query: q, Expected: prep.Charge, IdempotencyKey: "confirm-order-3301"}
	first, err := p.Confirm(t.Context(), req)
	if err != nil {
		t.Fatalf("first Confirm: %v", err)
	}
	second, err := p.Confirm(t.Context(), req)
	if err != nil {
		t.Fatalf("second Confirm: %v", err)
	}
	if first.Status != payment.StatusPaid || second.Status != first.Status || second.Charged != first.Charged ||
		!second.PaidAt.Equal(first.PaidAt) || string(second.Raw) != string(first.Raw) {
		t.Fatalf("second Result %+v differs from first %+v", second, first)
	}
	if n := fake.Calls("/payments/" + ref); n != 2 {
		t.Fatalf("lookups = %d, want 2", n)
	}
}

func TestUnknownOutcome(t *testing.T) {
	t.Parallel()
	const ref = "order-4001"
	tests := []struct {
		name string
		arm  func(f *portonetest.Server)
	}{
		{"500", func(f *portonetest.Server) { f.FailNext("/payments/"+ref, http.StatusInternalServerError) }},
		{"503", func(f *portonetest.Server) { f.FailNext("/payments/"+ref, http.StatusServiceUnavailable) }},
		{"timeout", func(f *portonetest.Server) { f.DelayNext("/payments/"+ref, 2*time.Second) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, fake := setup(t, nil, &http.Client{Timeout: 200 * time.Millisecond})
			q := fake.Pay(ref, 15000)
			tt.arm(fake)
			_, err := p.Confirm(t.Context(), payment.ConfirmRequest{Reference: ref, Query: q, Expected: krw(15000, 0)})
			if !errors.Is(err, payment.ErrUnknownOutcome) {
				t.Fatalf("Confirm = %v, want ErrUnknownOutcome", err)
			}
			// Only that one call failed: the lookup the service makes next
			// sees the payment.
			res, err := p.Lookup(t.Context(), payment.LookupRequest{Reference: ref})
			if err != nil || res.Status != payment.StatusPaid {
				t.Fatalf("Lookup after = %+v, %v", res.Status, err)
			}
		})
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	p, fake := setup(t, nil, nil)
	const ref = "order-5001"
	prepare(t, p, ref, krw(30000, 0))
	fake.IssueVirtualAccount(ref, 30000)

	res, err := p.Lookup(t.Context(), payment.LookupRequest{Reference: ref})
	if err != nil || res.Status != payment.StatusAwaitingDeposit || res.Deposit == nil {
		t.Fatalf("Lookup by reference = %+v, %v; want awaiting_deposit", res, err)
	}
	fake.Deposit(ref)
	res, err = p.Lookup(t.Context(), payment.LookupRequest{ProviderPaymentID: ref})
	if err != nil || res.Status != payment.StatusPaid || res.Charged.Total != 30000 || res.Deposit != nil || res.PaidAt.IsZero() {
		t.Fatalf("Lookup by provider id after deposit = %+v, %v; want paid", res, err)
	}

	_, err = p.Lookup(t.Context(), payment.LookupRequest{Reference: "order-5002"})
	if !errors.Is(err, payment.ErrNotFound) {
		t.Fatalf("Lookup unknown = %v, want ErrNotFound", err)
	}
	// Pre-registered, window never opened: PortOne has no payment yet.
	prepare(t, p, "order-5003", krw(1000, 0))
	_, err = p.Lookup(t.Context(), payment.LookupRequest{Reference: "order-5003"})
	if !errors.Is(err, payment.ErrNotFound) {
		t.Fatalf("Lookup pre-registered = %v, want ErrNotFound", err)
	}
	if res, err := p.Lookup(t.Context(), payment.LookupRequest{Reference: "bad id"}); err == nil {
		t.Fatalf("Lookup of a malformed id = %+v", res)
	}
}

func TestLookupFailed(t *testing.T) {
	t.Parallel()
	p, fake := setup(t, nil, nil)
	fake.Fail("order-5101", "PG_CARD_DECLINED", "한도 초과")
	res, err := p.Lookup(t.Context(), payment.LookupRequest{Reference: "order-5101"})
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	if res.Status != payment.StatusFailed || res.FailureCode != "PG_CARD_DECLINED" || res.FailureMessage != "한도 초과" {
		t.Fatalf("Result = %+v", res)
	}
}
