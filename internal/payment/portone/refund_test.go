package portone_test

import (
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/portone"
	"github.com/mallang/mallang/internal/payment/portone/portonetest"
)

// paid makes ref a paid card payment of total won.
func paid(t *testing.T, p *portone.Provider, fake *portonetest.Server, ref string, total int64) {
	t.Helper()
	prepare(t, p, ref, krw(total, 0))
	fake.Pay(ref, total)
}

func lookup(t *testing.T, p *portone.Provider, ref string) payment.Result {
	t.Helper()
	res, err := p.Lookup(t.Context(), payment.LookupRequest{Reference: ref})
	if err != nil {
		t.Fatalf("Lookup %s: %v", ref, err)
	}
	return res
}

func TestRefund(t *testing.T) {
	t.Parallel()
	const ref = "order-6001"
	type step struct {
		req       payment.RefundRequest
		refunded  int64  // when code == ""
		code      string // Declined code
		status    payment.Status
		cancelled int64
	}
	partial := func(amount, balance int64, key string) payment.RefundRequest {
		return payment.RefundRequest{Reference: ref, ProviderPaymentID: ref, Amount: krw(amount, 0), Balance: balance, Reason: "부분 반품", IdempotencyKey: key}
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"full", []step{
			{req: payment.RefundRequest{Reference: ref, Amount: krw(15000, 0), Full: true, Balance: 15000, Reason: "주문 취소", IdempotencyKey: "refund-6001-full-1"},
				refunded: 15000, status: payment.StatusCancelled, cancelled: 15000},
		}},
		{"partial, then the rest", []step{
			{req: partial(5000, 15000, "refund-6001-part-1"), refunded: 5000, status: payment.StatusPartiallyCancelled, cancelled: 5000},
			{req: partial(10000, 10000, "refund-6001-part-2"), refunded: 10000, status: payment.StatusCancelled, cancelled: 15000},
		}},
		{"over the balance", []step{
			{req: partial(5000, 15000, "refund-6001-part-1"), refunded: 5000, status: payment.StatusPartiallyCancelled, cancelled: 5000},
			{req: partial(12000, 10000, "refund-6001-part-2"), code: "CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT", status: payment.StatusPartiallyCancelled, cancelled: 5000},
		}},
		{"over the balance without a balance check", []step{
			{req: partial(20000, 0, "refund-6001-part-1"), code: "CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT", status: payment.StatusPaid},
		}},
		// The same refund sent again under a new key, with the balance it
		// was computed from: PortOne refuses it on the balance check.
		{"stale balance", []step{
			{req: partial(5000, 15000, "refund-6001-part-1"), refunded: 5000, status: payment.StatusPartiallyCancelled, cancelled: 5000},
			{req: partial(5000, 15000, "refund-6001-part-2"), code: "CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN", status: payment.StatusPartiallyCancelled, cancelled: 5000},
		}},
		{"after a full refund", []step{
			{req: payment.RefundRequest{Reference: ref, Full: true, IdempotencyKey: "refund-6001-full-1"}, refunded: 15000, status: payment.StatusCancelled, cancelled: 15000},
			{req: partial(1000, 0, "refund-6001-part-2"), code: "PAYMENT_ALREADY_CANCELLED", status: payment.StatusCancelled, cancelled: 15000},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, fake := setup(t, nil, nil)
			paid(t, p, fake, ref, 15000)
			for i, st := range tt.steps {
				got, err := p.Refund(t.Context(), st.req)
				if st.code != "" {
					wantDeclined(t, err, st.code)
				} else {
					if err != nil {
						t.Fatalf("step %d: Refund: %v", i, err)
					}
					if got.Refunded != st.refunded || got.ProviderRefundID == "" || len(got.Raw) == 0 {
						t.Fatalf("step %d: RefundResult = %+v, want %d refunded", i, got, st.refunded)
					}
				}
				res := lookup(t, p, ref)
				if res.Status != st.status || res.Cancelled != st.cancelled || res.Charged.Total != 15000 {
					t.Fatalf("step %d: after refund status %s, cancelled %d; want %s, %d", i, res.Status, res.Cancelled, st.status, st.cancelled)
				}
			}
		})
	}
}

// TestRefundSameKey: a retried refund under the same key gets PortOne's
// stored answer and refunds once.
func TestRefundSameKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		key  string
	}{
		{"valid key", "refund-6101-attempt-1"},
		{"key too short for PortOne", "r1"},
		{"key with other characters", "환불:6101/1"},
		{"no key", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, fake := setup(t, nil, nil)
			const ref = "order-6101"
			paid(t, p, fake, ref, 15000)
			req := payment.RefundRequest{Reference: ref, Amount: krw(5000, 0), Reason: "부분 반품", IdempotencyKey: tt.key}
			first, err := p.Refund(t.Context(), req)
			if err != nil {
				t.Fatalf("first Refund: %v", err)
			}
			second, err := p.Refund(t.Context(), req)
			if err != nil {
				t.Fatalf("second Refund: %v", err)
			}
			if second.ProviderRefundID != first.ProviderRefundID || second.Refunded != 5000 || string(second.Raw) != string(first.Raw) {
				t.Fatalf("second %+v differs from first %+v", second, first)
			}
			if n := fake.Calls("/payments/" + ref + "/cancel"); n != 2 {
				t.Fatalf("cancel calls = %d, want 2", n)
			}
			if res := lookup(t, p, ref); res.Cancelled != 5000 {
				t.Fatalf("cancelled = %d, want 5000 once", res.Cancelled)
			}
		})
	}
}

// TestRefundTimeout: PortOne took the cancel but the answer came too late.
// The outcome is unknown; a retry while it runs is still unknown; once it
// finished, the retry gets the stored answer and nothing is refunded twice.
func TestRefundTimeout(t *testing.T) {
	t.Parallel()
	p, fake := setup(t, nil, &http.Client{Timeout: 200 * time.Millisecond})
	const ref = "order-6201"
	paid(t, p, fake, ref, 15000)
	path := "/payments/" + ref + "/cancel"
	req := payment.RefundRequest{Reference: ref, Amount: krw(5000, 0), Balance: 15000, Reason: "부분 반품", IdempotencyKey: "refund-6201-attempt-1"}

	fake.DelayNext(path, 1500*time.Millisecond)
	if _, err := p.Refund(t.Context(), req); !errors.Is(err, payment.ErrUnknownOutcome) {
		t.Fatalf("delayed Refund = %v, want ErrUnknownOutcome", err)
	}
	if _, err := p.Refund(t.Context(), req); !errors.Is(err, payment.ErrUnknownOutcome) {
		t.Fatalf("Refund while the first runs = %v, want ErrUnknownOutcome (IDEMPOTENCY_OUTSTANDING_REQUEST)", err)
	}
	fake.Wait()
	got, err := p.Refund(t.Context(), req)
	if err != nil || got.Refunded != 5000 {
		t.Fatalf("Refund after = %+v, %v; want the stored 5000", got, err)
	}
	if res := lookup(t, p, ref); res.Cancelled != 5000 || res.Status != payment.StatusPartiallyCancelled {
		t.Fatalf("after: status %s, cancelled %d; want partially_cancelled 5000", res.Status, res.Cancelled)
	}
	if n := fake.Calls(path); n != 3 {
		t.Fatalf("cancel calls = %d, want 3", n)
	}
}

func TestRefund500(t *testing.T) {
	t.Parallel()
	p, fake := setup(t, nil, nil)
	const ref = "order-6301"
	paid(t, p, fake, ref, 15000)
	fake.FailNext("/payments/"+ref+"/cancel", http.StatusBadGateway)
	_, err := p.Refund(t.Context(), payment.RefundRequest{Reference: ref, Amount: krw(5000, 0), IdempotencyKey: "refund-6301-attempt-1"})
	if !errors.Is(err, payment.ErrUnknownOutcome) {
		t.Fatalf("Refund = %v, want ErrUnknownOutcome", err)
	}
}

func TestRefundVirtualAccount(t *testing.T) {
	t.Parallel()
	p, fake := setup(t, nil, nil)
	const ref = "order-6401"
	prepare(t, p, ref, krw(30000, 0))
	fake.IssueVirtualAccount(ref, 30000)

	req := payment.RefundRequest{Reference: ref, Amount: krw(30000, 0), Full: true, Balance: 30000, Reason: "주문 취소", IdempotencyKey: "refund-6401-attempt-1"}
	_, err := p.Refund(t.Context(), req)
	wantDeclined(t, err, "PAYMENT_NOT_PAID")

	fake.Deposit(ref)
	req.IdempotencyKey = "refund-6401-attempt-2"
	_, err = p.Refund(t.Context(), req)
	wantDeclined(t, err, "INVALID_REQUEST") // a deposited account needs a refund account

	req.IdempotencyKey = "refund-6401-attempt-3"
	// The account holds the bank's KFTC code, as the customer's form gives
	// it (004, KB국민은행); PortOne knows the bank as KOOKMIN.
	req.Account = &payment.BankAccount{Bank: "004", Account: "12345678901234", Holder: "김말랑"}
	got, err := p.Refund(t.Context(), req)
	if err != nil || got.Refunded != 30000 {
		t.Fatalf("Refund with account = %+v, %v", got, err)
	}
	want := []portonetest.RefundAccount{{Bank: "KOOKMIN", Number: "12345678901234", HolderName: "김말랑"}}
	if got := fake.RefundedTo(ref); !slices.Equal(got, want) {
		t.Errorf("refund accounts PortOne received = %+v, want %+v", got, want)
	}
	if res := lookup(t, p, ref); res.Status != payment.StatusCancelled {
		t.Fatalf("status after = %s, want cancelled", res.Status)
	}
}

func TestRefundRefused(t *testing.T) {
	t.Parallel()
	p, fake := setup(t, nil, nil)
	paid(t, p, fake, "order-6501", 15000)
	tests := []struct {
		name string
		req  payment.RefundRequest
		want error // nil = our own refusal, no call
	}{
		{"unknown payment", payment.RefundRequest{Reference: "order-6599", Amount: krw(1000, 0)}, payment.ErrNotFound},
		{"dollars", payment.RefundRequest{Reference: "order-6501", Amount: payment.Amount{Total: 10, Currency: "USD"}}, nil},
		{"no amount, not full", payment.RefundRequest{Reference: "order-6501"}, nil},
		{"malformed id", payment.RefundRequest{Reference: "../x", Amount: krw(1000, 0)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p.Refund(t.Context(), tt.req)
			if err == nil {
				t.Fatal("Refund succeeded")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("Refund = %v, want %v", err, tt.want)
			}
		})
	}
	if n := fake.Calls("/payments/order-6501/cancel"); n != 0 {
		t.Fatalf("cancel calls = %d, want 0", n)
	}
	if res := lookup(t, p, "order-6501"); res.Cancelled != 0 {
		t.Fatalf("cancelled = %d", res.Cancelled)
	}
}
