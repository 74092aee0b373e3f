package toss_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/toss"
	"github.com/mallang/mallang/internal/payment/toss/tosstest"
)

// setup starts a fake and an adapter pointed at it. A nil client is the
// adapter's default.
func setup(t *testing.T, client *http.Client) (*toss.Provider, *tosstest.Server) {
	t.Helper()
	srv := tosstest.NewServer()
	t.Cleanup(srv.Close)
	return provider(t, srv, tosstest.SecretKey, client), srv
}

func provider(t *testing.T, srv *tosstest.Server, secret string, client *http.Client) *toss.Provider {
	t.Helper()
	p, err := toss.New(toss.Config{SecretKey: secret, ClientKey: tosstest.ClientKey, BaseURL: srv.URL()}, client)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return p
}

func krw(n int64) payment.Amount { return payment.Amount{Total: n, Currency: "KRW"} }

// confirmReq is the service's confirm after the customer's return with q,
// for an attempt prepared at amount.
func confirmReq(ref string, q url.Values, amount int64) payment.ConfirmRequest {
	return payment.ConfirmRequest{Reference: ref, Query: q, Expected: krw(amount), IdempotencyKey: "confirm-" + ref}
}

// paid authorizes and confirms a card payment of amount for ref.
func paid(t *testing.T, p *toss.Provider, srv *tosstest.Server, ref string, amount int64) payment.Result {
	t.Helper()
	res, err := p.Confirm(t.Context(), confirmReq(ref, srv.Authorize(ref, amount, ""), amount))
	if err != nil {
		t.Fatalf("Confirm %s: %v", ref, err)
	}
	return res
}

func TestNew(t *testing.T) {
	t.Parallel()
	const sk, ck = "test_sk_abcdefghijklmnop", "test_ck_abcdefghijklmnop"
	tests := []struct {
		name    string
		cfg     toss.Config
		wantErr string // a part of the error naming the field; "" for success
	}{
		{"ok", toss.Config{SecretKey: sk, ClientKey: ck}, ""},
		{"widget keys", toss.Config{SecretKey: "test_gsk_x", ClientKey: "test_gck_x"}, ""},
		{"no secret key", toss.Config{ClientKey: ck}, "SecretKey"},
		{"no client key", toss.Config{SecretKey: sk}, "ClientKey"},
		{"secret key as client key", toss.Config{SecretKey: sk, ClientKey: sk}, "ClientKey"},
		{"client key as secret key", toss.Config{SecretKey: ck, ClientKey: ck}, "SecretKey"},
		{"test and live mixed", toss.Config{SecretKey: "live_sk_x", ClientKey: ck}, "live"},
		{"relative base URL", toss.Config{SecretKey: sk, ClientKey: ck, BaseURL: "api.tosspayments.com"}, "BaseURL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := toss.New(tt.cfg, nil)
			if tt.wantErr == "" {
				if err != nil || p == nil || p.Name() != "toss" {
					t.Fatalf("New = %v, %v; want a provider named toss", p, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New error = %v, want one naming %q", err, tt.wantErr)
			}
			if tt.cfg.SecretKey != "" && strings.Contains(err.Error(), tt.cfg.SecretKey) {
				t.Fatalf("New error %q carries the secret key", err)
			}
		})
	}
}

// failingTransport fails the test on any HTTP call.
type failingTransport struct{ t *testing.T }

func (f failingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.t.Errorf("unexpected HTTP call %s %s", r.Method, r.URL)
	return nil, errors.New("no calls expected")
}

func TestPrepare(t *testing.T) {
	t.Parallel()
	p, err := toss.New(toss.Config{SecretKey: tosstest.SecretKey, ClientKey: tosstest.ClientKey},
		&http.Client{Transport: failingTransport{t}})
	if err != nil {
		t.Fatal(err)
	}
	good := payment.PrepareRequest{
		Reference: "ORD-20240201-0001", OrderName: "티셔츠 외 2건", CustomerRef: "u42",
		CustomerName: "김말랑", CustomerEmail: "buyer@example.com",
		Amount:    payment.Amount{Total: 32900, TaxFree: 900, Currency: "KRW"},
		ReturnURL: "https://shop.example/pay/toss/return", FailURL: "https://shop.example/pay/toss/fail",
	}

	t.Run("script", func(t *testing.T) {
		got, err := p.Prepare(t.Context(), good)
		if err != nil {
			t.Fatalf("Prepare: %v", err)
		}
		if got.Charge != good.Amount || got.RedirectURL != "" || got.ProviderPaymentID != "" || got.Raw != nil {
			t.Errorf("Prepared = %+v, want Charge %v and no redirect, id or body", got, good.Amount)
		}
		s := got.Script
		if s == nil || s.SDK != "https://js.tosspayments.com/v2/standard" || s.Kind != "toss" {
			t.Fatalf("Script = %+v", s)
		}
		want := map[string]any{
			"clientKey": tosstest.ClientKey, "customerKey": "u42", "orderId": good.Reference,
			"orderName": good.OrderName, "taxFreeAmount": int64(900),
			"successUrl": good.ReturnURL, "failUrl": good.FailURL,
			"customerEmail": good.CustomerEmail, "customerName": good.CustomerName,
		}
		for k, v := range want {
			if s.Params[k] != v {
				t.Errorf("Params[%q] = %v, want %v", k, s.Params[k], v)
			}
		}
		amount, _ := s.Params["amount"].(map[string]any)
		if amount["currency"] != "KRW" || amount["value"] != int64(32900) {
			t.Errorf("Params[amount] = %v, want KRW 32900", s.Params["amount"])
		}
		if len(s.Params) != len(want)+1 {
			t.Errorf("Params = %v, want exactly %d keys", s.Params, len(want)+1)
		}
	})

	refusals := []struct {
		name   string
		change func(*payment.PrepareRequest)
	}{
		{"reference too short", func(r *payment.PrepareRequest) { r.Reference = "12" }},
		{"reference too long", func(r *payment.PrepareRequest) { r.Reference = strings.Repeat("a", 65) }},
		{"reference with a dot", func(r *payment.PrepareRequest) { r.Reference = "order.123" }},
		{"dollars", func(r *payment.PrepareRequest) { r.Amount.Currency = "USD" }},
		{"no currency", func(r *payment.PrepareRequest) { r.Amount.Currency = "" }},
		{"zero amount", func(r *payment.PrepareRequest) { r.Amount = krw(0) }},
		{"tax free above total", func(r *payment.PrepareRequest) { r.Amount.TaxFree = 40000 }},
		{"no order name", func(r *payment.PrepareRequest) { r.OrderName = "" }},
		{"no return URL", func(r *payment.PrepareRequest) { r.ReturnURL = "" }},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			r := good
			tt.change(&r)
			if _, err := p.Prepare(t.Context(), r); err == nil {
				t.Fatalf("Prepare accepted %+v", r)
			}
		})
	}

	t.Run("guest without customer key, cancel URL as fail URL", func(t *testing.T) {
		r := good
		r.CustomerRef, r.CustomerEmail, r.CustomerName = "", "", ""
		r.FailURL, r.CancelURL = "", "https://shop.example/pay/toss/cancel"
		got, err := p.Prepare(t.Context(), r)
		if err != nil {
			t.Fatalf("Prepare: %v", err)
		}
		for _, k := range []string{"customerKey", "customerEmail", "customerName"} {
			if _, ok := got.Script.Params[k]; ok {
				t.Errorf("Params has %q for a guest", k)
			}
		}
		if got.Script.Params["failUrl"] != r.CancelURL {
			t.Errorf("failUrl = %v, want %s", got.Script.Params["failUrl"], r.CancelURL)
		}
	})
}

func TestConfirmCard(t *testing.T) {
	t.Parallel()
	p, srv := setup(t, nil)
	q := srv.Authorize("ORD-card-1", 15000, "카드")
	before := time.Now().Add(-time.Minute)

	res, err := p.Confirm(t.Context(), confirmReq("ORD-card-1", q, 15000))
	if err != nil {
		t.Fatalf("Confirm: %v", err)
	}
	if res.Status != payment.StatusPaid || res.ProviderPaymentID != q.Get("paymentKey") ||
		res.Charged != krw(15000) || res.Cancelled != 0 || res.Method != "카드" {
		t.Errorf("Result = %+v, want paid 15000 KRW by 카드 under %s", res, q.Get("paymentKey"))
	}
	if res.PaidAt.Before(before) || res.PaidAt.Location() != time.UTC {
		t.Errorf("PaidAt = %v, want now in UTC", res.PaidAt)
	}
	if res.ReceiptURL == "" || !strings.Contains(string(res.Raw), `"status":"DONE"`) || res.Deposit != nil {
		t.Errorf("Result receipt %q, raw %s, deposit %+v", res.ReceiptURL, res.Raw, res.Deposit)
	}
	if n := srv.Calls(tosstest.ConfirmPath); n != 1 {
		t.Errorf("confirm called %d times, want 1", n)
	}
}

func TestConfirmVirtualAccount(t *testing.T) {
	t.Parallel()
	p, srv := setup(t, nil)
	q := srv.AuthorizeVirtualAccount("ORD-va-0001", 30000)

	res, err := p.Confirm(t.Context(), confirmReq("ORD-va-0001", q, 30000))
	if err != nil {
		t.Fatalf("Confirm: %v", err)
	}
	if res.Status != payment.StatusAwaitingDeposit || res.Charged != krw(30000) || !res.PaidAt.IsZero() {
		t.Fatalf("Result = %+v, want awaiting a deposit of 30000, unpaid", res)
	}
	d := res.Deposit
	if d == nil || d.Bank != "신한은행" || d.Account == "" || d.Holder == "" || !strings.HasPrefix(d.Secret, "ps_") ||
		d.Due.Before(time.Now().Add(6*24*time.Hour)) {
		t.Fatalf("Deposit = %+v, want bank, account, holder, a secret and a due date a week ahead", d)
	}

	ev, err := p.ParseWebhook(t.Context(), http.Header{}, srv.Deposit(res.ProviderPaymentID))
	if err != nil {
		t.Fatalf("ParseWebhook(deposit): %v", err)
	}
	if ev.Type != "DEPOSIT_CALLBACK" || ev.Reference != "ORD-va-0001" || ev.DepositSecret != d.Secret {
		t.Errorf("Event = %+v, want the deposit of ORD-va-0001 with the stored secret", ev)
	}
	after, err := p.Lookup(t.Context(), payment.LookupRequest{Reference: "ORD-va-0001"})
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	if after.Status != payment.StatusPaid || after.PaidAt.IsZero() || after.Deposit == nil || after.Deposit.Secret != d.Secret {
		t.Errorf("Lookup after deposit = %+v, want paid with the same deposit secret", after)
	}
}

func TestConfirmDeclined(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// query plays the window and returns what reaches our return URL,
		// and the secret key the adapter uses.
		query     func(srv *tosstest.Server) (url.Values, string)
		wantCode  string
		wantCalls int // confirm calls reaching Toss
	}{
		{"buyer closed the window", func(srv *tosstest.Server) (url.Values, string) {
			return srv.Decline("ORD-decl-1", "PAY_PROCESS_CANCELED", "사용자에 의해 결제가 취소되었습니다."), tosstest.SecretKey
		}, "PAY_PROCESS_CANCELED", 0},
		{"card company refused", func(srv *tosstest.Server) (url.Values, string) {
			return srv.Decline("ORD-decl-1", "REJECT_CARD_COMPANY", "결제 승인이 거절되었습니다."), tosstest.SecretKey
		}, "REJECT_CARD_COMPANY", 0},
		{"another order's payment", func(srv *tosstest.Server) (url.Values, string) {
			return srv.Authorize("ORD-other-9", 10000, ""), tosstest.SecretKey
		}, "ORDER_ID_MISMATCH", 0},
		{"no payment key", func(srv *tosstest.Server) (url.Values, string) {
			return url.Values{"orderId": {"ORD-decl-1"}}, tosstest.SecretKey
		}, "MISSING_PAYMENT_KEY", 0},
		{"window approved another amount", func(srv *tosstest.Server) (url.Values, string) {
			return srv.Authorize("ORD-decl-1", 100, ""), tosstest.SecretKey
		}, "INVALID_REQUEST", 1},
		{"wrong secret key", func(srv *tosstest.Server) (url.Values, string) {
			return srv.Authorize("ORD-decl-1", 10000, ""), "test_sk_wrongwrongwrong"
		}, "UNAUTHORIZED_KEY", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := tosstest.NewServer()
			defer srv.Close()
			q, secret := tt.query(srv)
			p := provider(t, srv, secret, nil)

			_, err := p.Confirm(t.Context(), confirmReq("ORD-decl-1", q, 10000))
			d, ok := payment.AsDeclined(err)
			if !ok || d.Code != tt.wantCode || d.Message == "" {
				t.Fatalf("Confirm error = %v, want Declined %s with a message", err, tt.wantCode)
			}
			if errors.Is(err, payment.ErrUnknownOutcome) {
				t.Errorf("a refusal reported as unknown outcome: %v", err)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error %q carries the secret key", err)
			}
			if n := srv.Calls(tosstest.ConfirmPath); n != tt.wantCalls {
				t.Errorf("confirm called %d times, want %d", n, tt.wantCalls)
			}
		})
	}
}

func TestConfirmAmountTampering(t *testing.T) {
	t.Parallel()

	t.Run("Toss refuses and reports the approved amount", func(t *testing.T) {
		t.Parallel()
		p, srv := setup(t, nil)
		// We prepared 50000; the page was changed to ask the window for 500.
		q := srv.Authorize("ORD-tamper-1", 500, "")
		q.Set("amount", "50000") // the browser's figure is never used

		_, err := p.Confirm(t.Context(), confirmReq("ORD-tamper-1", q, 50000))
		if _, ok := payment.AsDeclined(err); !ok {
			t.Fatalf("Confirm error = %v, want a refusal", err)
		}
		res, err := p.Lookup(t.Context(), payment.LookupRequest{ProviderPaymentID: q.Get("paymentKey"), Reference: "ORD-tamper-1"})
		if err != nil {
			t.Fatalf("Lookup: %v", err)
		}
		if res.Status != payment.StatusPending || res.Charged.Total != 500 {
			t.Errorf("Lookup = %s %d, want pending at the window's 500", res.Status, res.Charged.Total)
		}
	})

	t.Run("Charged is Toss's figure, not the request's", func(t *testing.T) {
		t.Parallel()
		// A Toss that approved 500 although we asked for 50000: the result
		// must say 500, so the service sees the mismatch.
		stub := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"paymentKey":"pk_1","orderId":"ORD-tamper-2","status":"DONE","method":"카드",` +
				`"currency":"KRW","totalAmount":500,"balanceAmount":500,"taxFreeAmount":0,"approvedAt":"2024-02-01T10:00:00+09:00"}`))
		})
		ts := newStub(t, stub)
		p, err := toss.New(toss.Config{SecretKey: tosstest.SecretKey, ClientKey: tosstest.ClientKey, BaseURL: ts}, nil)
		if err != nil {
			t.Fatal(err)
		}
		q := url.Values{"paymentKey": {"pk_1"}, "orderId": {"ORD-tamper-2"}, "amount": {"50000"}}
		res, err := p.Confirm(t.Context(), confirmReq("ORD-tamper-2", q, 50000))
		if err != nil {
			t.Fatalf("Confirm: %v", err)
		}
		if res.Charged != krw(500) {
			t.Errorf("Charged = %+v, want Toss's 500 KRW", res.Charged)
		}
		if want := time.Date(2024, 2, 1, 1, 0, 0, 0, time.UTC); !res.PaidAt.Equal(want) {
			t.Errorf("PaidAt = %v, want %v", res.PaidAt, want)
		}
	})
}

func TestConfirmUnknownOutcome(t *testing.T) {
	t.Parallel()

	t.Run("timeout after Toss approved", func(t *testing.T) {
		t.Parallel()
		srv := tosstest.NewServer()
		defer srv.Close()
		impatient := provider(t, srv, tosstest.SecretKey, &http.Client{Timeout: 200 * time.Millisecond})
		p := provider(t, srv, tosstest.SecretKey, nil)
		q := srv.Authorize("ORD-slow-01", 20000, "")
		srv.DelayNext(tosstest.ConfirmPath, time.Minute)

		_, err := impatient.Confirm(t.Context(), confirmReq("ORD-slow-01", q, 20000))
		if !errors.Is(err, payment.ErrUnknownOutcome) {
			t.Fatalf("Confirm error = %v, want ErrUnknownOutcome", err)
		}
		if _, ok := payment.AsDeclined(err); ok {
			t.Fatalf("a timeout reported as a refusal: %v", err)
		}
		// The service looks up before anything else: Toss took the money.
		res, err := p.Lookup(t.Context(), payment.LookupRequest{Reference: "ORD-slow-01"})
		if err != nil || res.Status != payment.StatusPaid {
			t.Fatalf("Lookup = %+v, %v; want paid", res, err)
		}
		// A retry with the same idempotency key is answered, not charged again.
		again, err := p.Confirm(t.Context(), confirmReq("ORD-slow-01", q, 20000))
		if err != nil || again.Status != payment.StatusPaid || !again.PaidAt.Equal(res.PaidAt) {
			t.Fatalf("retried Confirm = %+v, %v; want the same paid payment", again, err)
		}
	})

	for _, status := range []int{http.StatusInternalServerError, http.StatusServiceUnavailable} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			p, srv := setup(t, nil)
			q := srv.Authorize("ORD-5xx-001", 20000, "")
			srv.FailNext(tosstest.ConfirmPath, status)

			_, err := p.Confirm(t.Context(), confirmReq("ORD-5xx-001", q, 20000))
			if !errors.Is(err, payment.ErrUnknownOutcome) {
				t.Fatalf("Confirm error = %v, want ErrUnknownOutcome", err)
			}
			res, err := p.Lookup(t.Context(), payment.LookupRequest{ProviderPaymentID: q.Get("paymentKey")})
			if err != nil || res.Status != payment.StatusPending {
				t.Fatalf("Lookup = %+v, %v; want still pending", res, err)
			}
			if res, err := p.Confirm(t.Context(), confirmReq("ORD-5xx-001", q, 20000)); err != nil || res.Status != payment.StatusPaid {
				t.Fatalf("retried Confirm = %+v, %v; want paid", res, err)
			}
		})
	}

	t.Run("unreachable host", func(t *testing.T) {
		t.Parallel()
		srv := tosstest.NewServer()
		p := provider(t, srv, tosstest.SecretKey, nil)
		q := srv.Authorize("ORD-gone-01", 20000, "")
		srv.Close()
		if _, err := p.Confirm(t.Context(), confirmReq("ORD-gone-01", q, 20000)); !errors.Is(err, payment.ErrUnknownOutcome) {
			t.Fatalf("Confirm error = %v, want ErrUnknownOutcome", err)
		}
	})
}

func TestConfirmTwice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		secondKey string
	}{
		{"same idempotency key", "confirm-ORD-twice-1"},
		{"another idempotency key", "confirm-ORD-twice-1-again"},
		{"no idempotency key", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, srv := setup(t, nil)
			q := srv.Authorize("ORD-twice-1", 12900, "")
			first, err := p.Confirm(t.Context(), confirmReq("ORD-twice-1", q, 12900))
			if err != nil {
				t.Fatalf("first Confirm: %v", err)
			}
			r := confirmReq("ORD-twice-1", q, 12900)
			r.IdempotencyKey = tt.secondKey
			second, err := p.Confirm(t.Context(), r)
			if err != nil {
				t.Fatalf("second Confirm: %v", err)
			}
			if second.Status != payment.StatusPaid || second.ProviderPaymentID != first.ProviderPaymentID ||
				second.Charged != first.Charged || !second.PaidAt.Equal(first.PaidAt) {
				t.Errorf("second Confirm = %+v, want the first %+v", second, first)
			}
			if n := srv.Calls(tosstest.ConfirmPath); n != 2 {
				t.Errorf("confirm called %d times, want 2", n)
			}
		})
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	p, srv := setup(t, nil)
	card := paid(t, p, srv, "ORD-look-01", 8000)
	srv.Decline("ORD-look-02", "REJECT_CARD_COMPANY", "결제 승인이 거절되었습니다.")

	tests := []struct {
		name       string
		r          payment.LookupRequest
		wantStatus payment.Status
		wantErr    error
		wantCode   string
	}{
		{"by payment key", payment.LookupRequest{ProviderPaymentID: card.ProviderPaymentID}, payment.StatusPaid, nil, ""},
		{"by reference", payment.LookupRequest{Reference: "ORD-look-01"}, payment.StatusPaid, nil, ""},
		{"failed in the window", payment.LookupRequest{Reference: "ORD-look-02"}, payment.StatusFailed, nil, "REJECT_CARD_COMPANY"},
		{"unknown reference", payment.LookupRequest{Reference: "ORD-none-00"}, "", payment.ErrNotFound, ""},
		{"unknown payment key", payment.LookupRequest{ProviderPaymentID: "tpk_nothing"}, "", payment.ErrNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := p.Lookup(t.Context(), tt.r)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Lookup error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Lookup: %v", err)
			}
			if res.Status != tt.wantStatus || res.FailureCode != tt.wantCode {
				t.Errorf("Lookup = %s %q, want %s %q", res.Status, res.FailureCode, tt.wantStatus, tt.wantCode)
			}
		})
	}

	t.Run("a payment key of another order", func(t *testing.T) {
		t.Parallel()
		_, err := p.Lookup(t.Context(), payment.LookupRequest{ProviderPaymentID: card.ProviderPaymentID, Reference: "ORD-look-02"})
		if d, ok := payment.AsDeclined(err); !ok || d.Code != "ORDER_ID_MISMATCH" {
			t.Fatalf("Lookup error = %v, want ORDER_ID_MISMATCH", err)
		}
	})

	t.Run("wrong secret key", func(t *testing.T) {
		t.Parallel()
		bad := provider(t, srv, "test_sk_notthekey", nil)
		_, err := bad.Lookup(t.Context(), payment.LookupRequest{Reference: "ORD-look-01"})
		if d, ok := payment.AsDeclined(err); !ok || d.Code != "UNAUTHORIZED_KEY" {
			t.Fatalf("Lookup error = %v, want UNAUTHORIZED_KEY", err)
		}
	})
}

// newStub serves h for one test and returns its URL: a Toss answering what
// the fake never would.
func newStub(t *testing.T, h http.Handler) string {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}

// TestErrorMapping covers answers the fake does not give: bare gateway
// errors and Toss's "temporary" refusals.
func TestErrorMapping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int
		body     string
		wantErr  error
		wantCode string
	}{
		{"bad gateway page", http.StatusBadGateway, `<html>502</html>`, payment.ErrUnknownOutcome, ""},
		{"500 with a code", http.StatusInternalServerError, `{"code":"UNKNOWN_PAYMENT_ERROR","message":"?"}`, payment.ErrUnknownOutcome, ""},
		{"provider error", http.StatusBadRequest, `{"code":"PROVIDER_ERROR","message":"일시적인 오류가 발생했습니다."}`, payment.ErrUnknownOutcome, ""},
		{"bare 404", http.StatusNotFound, ``, payment.ErrNotFound, ""},
		{"not found payment", http.StatusNotFound, `{"code":"NOT_FOUND_PAYMENT","message":"존재하지 않는 결제 정보 입니다."}`, payment.ErrNotFound, ""},
		{"invalid api key", http.StatusBadRequest, `{"code":"INVALID_API_KEY","message":"잘못된 시크릿키 연동 정보 입니다."}`, nil, "INVALID_API_KEY"},
		{"session expired", http.StatusNotFound, `{"code":"NOT_FOUND_PAYMENT_SESSION","message":"결제 시간이 만료되었습니다."}`, nil, "NOT_FOUND_PAYMENT_SESSION"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			base := newStub(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			p, err := toss.New(toss.Config{SecretKey: tosstest.SecretKey, ClientKey: tosstest.ClientKey, BaseURL: base}, nil)
			if err != nil {
				t.Fatal(err)
			}
			q := url.Values{"paymentKey": {"pk_1"}, "orderId": {"ORD-map-001"}}
			_, err = p.Confirm(t.Context(), confirmReq("ORD-map-001", q, 1000))
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("Confirm error = %v, want %v", err, tt.wantErr)
			}
			_, declined := payment.AsDeclined(err)
			if (tt.wantCode != "" && !isCode(err, tt.wantCode)) || (tt.wantCode == "" && declined) {
				t.Fatalf("Confirm error = %v, want Declined %q", err, tt.wantCode)
			}
		})
	}
}
