package portone

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/payment"
)

func TestToResultStatuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status string
		want   payment.Status // "" = an error
	}{
		{"READY", payment.StatusPending},
		{"PAY_PENDING", payment.StatusPending},
		{"VIRTUAL_ACCOUNT_ISSUED", payment.StatusAwaitingDeposit},
		{"PAID", payment.StatusPaid},
		{"FAILED", payment.StatusFailed},
		{"PARTIAL_CANCELLED", payment.StatusPartiallyCancelled},
		{"CANCELLED", payment.StatusCancelled},
		{"REFUNDED_SOMEHOW", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.status, func(t *testing.T) {
			t.Parallel()
			raw := []byte(`{"status":"` + tt.status + `","id":"order-1","amount":{"total":15000,"taxFree":500,"cancelled":2000},"currency":"KRW"}`)
			res, err := toResult(raw)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("toResult(%s) = %+v, want an error", tt.status, res)
				}
				return
			}
			if err != nil {
				t.Fatalf("toResult: %v", err)
			}
			want := payment.Amount{Total: 15000, TaxFree: 500, Currency: "KRW"}
			if res.Status != tt.want || res.Charged != want || res.Cancelled != 2000 {
				t.Fatalf("toResult = %+v, want status %s", res, tt.want)
			}
		})
	}
}

func TestAPIErr(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int
		body     string
		is       error  // errors.Is target, or nil
		declined string // Declined code, or ""
		message  string
	}{
		{"not found", 404, `{"type":"PAYMENT_NOT_FOUND","message":"없음"}`, payment.ErrNotFound, "", ""},
		{"outstanding", 409, `{"type":"IDEMPOTENCY_OUTSTANDING_REQUEST","message":"wait"}`, payment.ErrUnknownOutcome, "", ""},
		{"pg refusal", 502, `{"type":"PG_PROVIDER","message":"PG error","pgCode":"F113","pgMessage":"취소 불가 거래"}`, nil, "PG_PROVIDER", "취소 불가 거래"},
		{"server error with type", 500, `{"type":"INTERNAL","message":"oops"}`, payment.ErrUnknownOutcome, "", ""},
		{"gateway html", 504, `<html>timeout</html>`, payment.ErrUnknownOutcome, "", ""},
		{"exceeds", 409, `{"type":"CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT","message":"초과"}`, nil, "CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT", "초과"},
		{"unauthorized", 401, `{"type":"UNAUTHORIZED","message":"bad secret"}`, nil, "UNAUTHORIZED", "bad secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := apiErr(tt.status, []byte(tt.body))
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Fatalf("apiErr = %v, want %v", err, tt.is)
			}
			d, ok := payment.AsDeclined(err)
			if tt.declined == "" {
				if ok {
					t.Fatalf("apiErr = %v, a Declined", err)
				}
				return
			}
			if !ok || d.Code != tt.declined || d.Message != tt.message {
				t.Fatalf("apiErr = %v, want Declined %s %q", err, tt.declined, tt.message)
			}
		})
	}
}

func TestRefundKey(t *testing.T) {
	t.Parallel()
	base := payment.RefundRequest{Amount: payment.Amount{Total: 5000, Currency: "KRW"}, Balance: 15000}
	with := func(key string) payment.RefundRequest { r := base; r.IdempotencyKey = key; return r }

	if k := refundKey("order-1", with("refund-order-1-attempt-1")); k != "refund-order-1-attempt-1" {
		t.Fatalf("valid key changed to %q", k)
	}
	for _, key := range []string{"", "short", "환불:order-1/1", strings.Repeat("a", 300)} {
		k := refundKey("order-1", with(key))
		if len(k) < 16 || len(k) > 256 || !keyChars(k) {
			t.Fatalf("refundKey(%q) = %q breaks PortOne's rule", key, k)
		}
		if again := refundKey("order-1", with(key)); again != k {
			t.Fatalf("refundKey(%q) is not deterministic: %q, %q", key, k, again)
		}
	}
	other := base
	other.Amount.Total = 6000
	if refundKey("order-1", base) == refundKey("order-1", other) {
		t.Fatal("refunds of different amounts without keys share a key")
	}
}

func TestNewDefaults(t *testing.T) {
	t.Parallel()
	p, err := New(Config{APISecret: "s", StoreID: "store-1", ChannelKey: "channel-key-1"}, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if p.client.Timeout != 10*time.Second || p.base != DefaultBaseURL || p.now == nil {
		t.Fatalf("defaults: timeout %v, base %q", p.client.Timeout, p.base)
	}
	c := &http.Client{Timeout: time.Second}
	p, err = New(Config{APISecret: "s", StoreID: "store-1", ChannelKey: "channel-key-1", BaseURL: "http://127.0.0.1:9/"}, c)
	if err != nil || p.client != c || p.base != "http://127.0.0.1:9" {
		t.Fatalf("New with client = %+v, %v", p, err)
	}
}
